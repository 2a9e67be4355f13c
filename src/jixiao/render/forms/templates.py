"""The standard layouts: national (财预〔2020〕10号 附件1, 财预〔2013〕53号), Anhui and Shanxi.

A template is data: the labels a region prints and a few layout switches.
The differences follow RULES.md §2.1, §5.1 and §5.2: Anhui prints the 附件1
form with (A)/(B) column marks, 本年财政拨款, the 年度总体目标完成情况 and
年度绩效指标完成情况 section labels and dashes in the 分值/得分 cells of the
source rows; Shanxi prints the 部门整体 framework form with a 填报单位 line, the
单位负责人 row, 指标分值 split into 参考分值 / 设定分值, scores to two decimals,
and the 评价人员 and signature rows. Every label is one the parsers read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.model import Document
from jixiao.read.source import ReadError


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: str
    project_title: str = "项目支出绩效自评表"
    unscored_title: str = "项目支出绩效目标完成情况表"
    department_title: str = "部门整体支出绩效自评表"
    filler_line: str | None = None
    project_label: str = "项目名称"
    department_label: str = "主管部门"
    implementer_label: str = "实施单位"
    unit_label: str = "部门名称"
    funds_label: str = "项目资金（万元）"
    unit_funds_label: str = "部门资金（万元）"
    funds_columns: dict[str, str] = field(
        default_factory=lambda: {
            "initial": "年初预算数",
            "budget": "全年预算数",
            "executed": "全年执行数",
            "weight": "分值",
            "rate": "执行率",
            "score": "得分",
        }
    )
    funds_rows: dict[str, str] = field(
        default_factory=lambda: {
            "total": "年度资金总额",
            "central": "中央财政资金",
            "local": "地方财政资金",
            "fiscal": "其中：当年财政拨款",
            "carryover": "上年结转资金",
            "other": "其他资金",
        }
    )
    source_row_dash: bool = False
    goals_label: str = "年度总体目标"
    expected_label: str = "预期目标"
    actual_label: str = "实际完成情况"
    indicators_label: str = "绩效指标"
    indicator_columns: dict[str, str] = field(
        default_factory=lambda: {
            "level1": "一级指标",
            "level2": "二级指标",
            "name": "三级指标",
            "target": "年度指标值",
            "actual": "实际完成值",
            "weight": "分值",
            "score": "得分",
            "note": "偏差原因分析及改进措施",
        }
    )
    total_label: str = "总分"
    grade_label: str = "自评等级"
    remarks_label: str = "情况说明"
    # 部门整体 framework layout
    framework_header_split: bool = False
    framework_columns: dict[str, str] = field(
        default_factory=lambda: {
            "level1": "一级指标",
            "level2": "二级指标",
            "name": "三级指标",
            "reference_weight": "参考分值",
            "weight": "设定分值",
            "basis": "计算分析情况",
            "score": "评价得分",
        }
    )
    framework_unit_label: str = "单位名称"
    framework_funds: tuple[tuple[str, str], ...] = (
        ("carryover", "上年结转金额（万元）"),
        ("initial", "年初预算金额（万元）"),
        ("adjustment", "预算调整金额（万元）"),
        ("other_adjustment", "其他调整资金（万元）"),
        ("executed", "预算执行金额（万元）"),
        ("balance", "年末结余金额（万元）"),
    )
    framework_total_label: str = "综合得分"
    framework_grade_label: str = "评价结果等次"
    framework_contact_row: bool = False
    framework_signatures: bool = False
    score_decimals: int | None = None


NATIONAL = Template(name="national", title="全国通用（财预〔2020〕10号附件1、财预〔2013〕53号）")

ANHUI = Template(
    name="anhui",
    title="安徽省",
    funds_columns={
        "initial": "年初预算数",
        "budget": "全年预算数（A）",
        "executed": "全年执行数（B）",
        "weight": "分值",
        "rate": "执行率（B/A）",
        "score": "得分",
    },
    funds_rows={
        "total": "年度资金总额：",
        "central": "中央财政资金",
        "local": "地方财政资金",
        "fiscal": "其中：本年财政拨款",
        "carryover": "上年结转资金",
        "other": "其他资金",
    },
    source_row_dash=True,
    goals_label="年度总体目标完成情况",
    indicators_label="年度绩效指标完成情况",
    grade_label="自评结论等级",
)

SHANXI = Template(
    name="shanxi",
    title="山西省",
    filler_line="填报单位（公章）：{department}",
    framework_header_split=True,
    framework_contact_row=True,
    framework_signatures=True,
    score_decimals=2,
)

TEMPLATES: dict[str, Template] = {template.name: template for template in (NATIONAL, ANHUI, SHANXI)}


def template_for(document: Document, name: str | None = None) -> Template:
    """The template ``name`` names, else the one of the document's profile (its region), else national."""
    if name is not None:
        found = TEMPLATES.get(name)
        if found is None:
            raise ReadError(f"未知的版式：{name}（可选：{'、'.join(TEMPLATES)}）")
        return found
    profile = document.profile
    if profile is None:
        from jixiao.rules.profile import profile_name_for

        department = next((form.department for form in document.forms if form.department), None)
        profile = profile_name_for(department)
    return TEMPLATES.get(profile, NATIONAL)
