"""Forms filled in online: the blank forms, and the cells a spreadsheet would compute.

A department that fills a 项目支出绩效自评表 in the web app starts from the
national form (财预〔2020〕10号 附件1): the funds rows, and one row under every
standard 二级指标, with the 预算执行率 weight of the profile that applies. A
部门整体支出绩效自评表 starts from the 财预〔2013〕53号 附件2 framework with
every 三级指标 named. What an Excel form computes by formula (the execution
rate, 年末结余, the total, the grade) is derived here the same way, so only
what a person states is left to check.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model import DepartmentForm, Indicator, ProjectForm
from jixiao.rules.profile import Profile
from jixiao.rules.scoring import grade_for

# 财预〔2020〕10号 附件1: the 二级指标 printed under each 一级指标
STANDARD_INDICATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
# 财预〔2013〕53号 附件2 (RULES.md §3): 一级 → 二级 → 三级 of the 部门整体 framework; weights are set by each region
FRAMEWORK_INDICATORS: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "投入",
        (
            ("目标设定", ("绩效目标合理性", "绩效指标明确性")),
            ("预算配置", ("在职人员控制率", "“三公经费”变动率", "重点支出安排率")),
        ),
    ),
    (
        "过程",
        (
            (
                "预算执行",
                (
                    "预算完成率",
                    "预算调整率",
                    "支付进度率",
                    "结转结余率",
                    "结转结余变动率",
                    "公用经费控制率",
                    "“三公经费”控制率",
                    "政府采购执行率",
                ),
            ),
            ("预算管理", ("管理制度健全性", "资金使用合规性", "预决算信息公开性", "基础信息完善性")),
            ("资产管理", ("管理制度健全性", "资产管理安全性", "固定资产利用率")),
        ),
    ),
    ("产出", (("职责履行", ("实际完成率", "完成及时率", "质量达标率", "重点工作办结率")),)),
    (
        "效果",
        (
            ("履职效益", ("经济效益", "社会效益", "生态效益")),
            ("社会公众或服务对象满意度", ("社会公众或服务对象满意度",)),  # its own 二级, as the forms print it
        ),
    ),
)
_RATE_PLACES = Decimal("0.0001")


def blank_project_form(project: str, department: str, year: int, profile: Profile) -> ProjectForm:
    """The national form with nothing stated but its names and the 预算执行率 weight."""
    weights = profile.get("level1_weights") or {}
    form = ProjectForm(line=1, year=year, title="项目支出绩效自评表", project=project, department=department)
    execution = weights.get("预算执行率")
    form.funds.weight = Decimal(str(execution)) if execution is not None else None
    form.indicators = _standard_rows()
    return form


def blank_target_form(project: str, department: str, year: int) -> ProjectForm:
    """The 项目支出绩效目标完成情况表: the project form's rows, targets against actuals, and no scores
    (RULES.md §5.5: only the rate and the direction of each target are checked)."""
    form = ProjectForm(
        line=1, year=year, title="项目支出绩效目标完成情况表", project=project, department=department, scored=False
    )
    form.indicators = _standard_rows()
    return form


def _standard_rows() -> list[Indicator]:
    """One empty row under every standard 二级指标."""
    return [
        Indicator(level1=level1, level2=level2, name=None, line=1)
        for level1, level2s in STANDARD_INDICATORS
        for level2 in level2s
    ]


def blank_department_form(department: str, year: int) -> DepartmentForm:
    """The framework form with its 三级指标 named and nothing stated: the region's weights are the unit's to set."""
    form = DepartmentForm(line=1, year=year, title="部门整体支出绩效自评表", department=department)
    form.indicators = [
        Indicator(level1=level1, level2=level2, name=name, line=1)
        for level1, groups in FRAMEWORK_INDICATORS
        for level2, names in groups
        for name in names
    ]
    return form


def derive_cells(form: ProjectForm | DepartmentForm, profile: Profile) -> None:
    """The execution rate (the 年末结余 of a framework form), the total score and the grade, as the
    form's formulas would give them.

    A total is given only when every weighted row has its score, so a half-filled form shows no
    total rather than a wrong one.
    """
    scores: list[Decimal | None] = []
    if isinstance(form, DepartmentForm) and form.layout == "framework":
        overall = form.overall_funds
        parts = (overall.carryover, overall.initial, overall.adjustment, overall.other_adjustment)
        if overall.executed is not None and any(part is not None for part in parts):
            overall.balance = sum((part or Decimal(0) for part in parts), Decimal(0)) - overall.executed
        else:
            overall.balance = None
    else:
        funds = form.funds.total
        if funds.budget and funds.executed is not None:
            form.funds.rate = (funds.executed / funds.budget).quantize(_RATE_PLACES)
        else:
            form.funds.rate = None
        scores = [form.funds.score] if form.funds.weight is not None else []
    scores += [row.score for row in form.indicators if row.weight is not None]
    if scores and all(score is not None for score in scores):
        form.total_score = sum((score for score in scores if score is not None), Decimal(0))
        form.grade = grade_for(form.total_score, profile)
    else:
        form.total_score = None
        form.grade = None
