"""report.*: outline, an empty 存在问题, template residue (invented reports only)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Context, run_checks
from jixiao.model import DepartmentForm, Finding, Form, Indicator, ProjectForm, ProjectFunds, ReportForm
from jixiao.rules.profile import load_profile

D = Decimal

PROJECT_REPORT = [
    "2023年度职工书屋建设专项绩效自评报告",  # 1
    "一、项目基本情况",  # 2
    "该项目年初预算80万元，全年执行80万元。",  # 3
    "二、绩效自评工作开展情况",  # 4
    "成立自评小组，对照年初绩效目标逐项核实。",  # 5
    "三、综合评价情况及自评结论",  # 6
    "经自评，该项目得分95分，评价等级为优。",  # 7
    "四、存在的问题及原因分析",  # 8
    "部分书屋藏书更新不及时。",  # 9
    "五、改进措施",  # 10
    "建立藏书更新机制，每季度补充图书。",  # 11
]


def _report(lines: list[str], title: str | None = None, **kw: object) -> ReportForm:
    return ReportForm(line=1, end_line=len(lines), title=title if title is not None else lines[0], **kw)  # type: ignore[arg-type]


def _review(form: Form, lines: list[str], check_id: str, others: list[Form] | None = None) -> list[Finding]:
    ctx = Context(forms=[form, *(others or [])], lines=lines, profile=load_profile("national", 2023))
    return [finding for finding in run_checks(ctx, only=[check_id]) if finding.form == 0]


# ---- report.section_missing ----------------------------------------------------------------------


def test_report_with_all_its_sections_is_clean() -> None:
    assert _review(_report(PROJECT_REPORT), PROJECT_REPORT, "report.section_missing") == []


def test_report_without_problems_section() -> None:
    lines = [*PROJECT_REPORT[:7], "四、改进措施", "建立藏书更新机制，每季度补充图书。"]
    findings = _review(_report(lines), lines, "report.section_missing")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "warning"
    assert (finding.field, finding.line, finding.expected, finding.found) == (None, 1, "存在的问题", None)
    assert finding.message == "项目支出绩效自评报告缺少“存在的问题”部分（参照RULES.md §7.1的提纲）"


def test_section_with_a_heading_but_no_text() -> None:
    lines = PROJECT_REPORT[:10]  # 五、改进措施 is the last line, with nothing under it
    findings = _review(_report(lines), lines, "report.section_missing")
    assert [(f.line, f.expected) for f in findings] == [(10, "改进措施")]
    assert "只有标题、没有内容" in findings[0].message


def test_inline_labels_count_as_sections() -> None:
    lines = [
        "某专项绩效评价报告",
        "（一）项目概况",
        "项目用于困难职工帮扶。",
        "（二）评价结论",
        "评价得分92分。",
        "存在的主要问题：部分资金拨付滞后。",
        "有关建议：加快资金拨付进度。",
    ]
    assert _review(_report(lines), lines, "report.section_missing") == []


PLAIN_HEADINGS = [
    "2023年度职工书屋建设专项绩效自评报告",
    "项目基本情况",
    "该项目年初预算80万元，全年执行80万元。",
    "绩效自评结论",
    "经自评，该项目得分95分，评价等级为优。",
    "产出指标",
    "新建书屋12个。",
    "存在的问题",
    "部分书屋藏书更新不及时。",
    "改进措施",
    "建立藏书更新机制，每季度补充图书。",
]


def test_headings_without_numbers_count_as_sections() -> None:
    assert _review(_report(PLAIN_HEADINGS), PLAIN_HEADINGS, "report.section_missing") == []
    lines = PLAIN_HEADINGS[:7] + PLAIN_HEADINGS[9:]
    findings = _review(_report(lines), lines, "report.section_missing")
    assert [finding.expected for finding in findings] == ["存在的问题"]


def test_an_unnumbered_subtitle_of_a_numbered_report_is_body_text() -> None:
    lines = [*PROJECT_REPORT[:7], "存在的问题", "无。", *PROJECT_REPORT[9:]]
    findings = _review(_report(lines), lines, "report.section_missing")
    assert [finding.expected for finding in findings] == ["存在的问题"]


def test_final_accounts_outline() -> None:
    lines = [
        "第一部分 部门概况",
        "一、基本职能及主要工作",
        "承担本县职工服务阵地的建设与管理。",
        "第二部分 2022年度部门决算情况说明",
        "一、收入支出决算总体情况说明",
        "2022年度收入100万元，支出100万元。",
        "第三部分 决算报表",
        "收入支出决算总表",
    ]
    findings = _review(_report(lines, title=""), lines, "report.section_missing")
    assert [(f.line, f.expected) for f in findings] == [(1, "名词解释")]
    assert findings[0].message.startswith("部门决算缺少“名词解释”部分")
    complete = [*lines, "第四部分 名词解释", "1.专项经费：本说明中指用于职工服务阵地建设的资金。"]
    assert _review(_report(complete, title=""), complete, "report.section_missing") == []


def _department(narrative: str) -> tuple[DepartmentForm, list[str]]:
    lines = [
        "某县部门整体支出绩效自评表",
        "单位名称\t某县总工会",
        f"绩效评价分析\t{narrative}",
        "",
        "二级指标\t三级指标",
    ]
    lines += ["预算执行\t预算完成率\t10\t10.00\t完成\t10.00"]
    form = DepartmentForm(
        line=1,
        layout="framework",
        indicators=[Indicator(level1="过程", level2="预算执行", name="预算完成率", line=6, weight=D(10), score=D(10))],
        narrative_lines=(3, 3),
        end_line=6,
    )
    return form, lines


def test_department_narrative_without_problems_or_measures() -> None:
    form, lines = _department("我单位认真履行职责，各项工作有序开展，" * 12)
    findings = _review(form, lines, "report.section_missing")
    assert [(f.field, f.line, f.expected) for f in findings] == [(None, 3, "存在的问题及改进措施")]
    assert "没有写存在的问题和改进措施" in findings[0].message


def test_department_narrative_naming_its_problems_is_clean() -> None:
    form, lines = _department("我单位认真履行职责，各项工作有序开展，" * 12 + "存在问题：预算执行进度不均衡。")
    assert _review(form, lines, "report.section_missing") == []


# ---- report.problems_empty -----------------------------------------------------------------------


def _with_problems(body: str) -> list[str]:
    return [*PROJECT_REPORT[:8], body, *PROJECT_REPORT[9:]]


def test_problems_said_none_despite_a_deduction() -> None:
    lines = _with_problems("无。")
    findings = _review(_report(lines, total_score=D(95)), lines, "report.problems_empty")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.found) == (None, 8, "无")
    assert finding.message == (
        "“存在的问题及原因分析”部分写为“无”，但报告所写得分为 95 分，未得满分，应说明扣分或偏差的原因"
    )


def test_problems_empty_with_a_deduction_in_an_attached_form() -> None:
    lines = _with_problems("")
    lines = [line for line in lines if line]  # the heading is followed directly by 五、
    table = ProjectForm(
        line=40,
        project="职工书屋建设专项",
        funds=ProjectFunds(weight=D(10), score=D(10)),
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", name="新建书屋", line=45, weight=D(20), score=D(18))
        ],
    )
    findings = _review(_report(lines, total_score=D(100)), lines, "report.problems_empty", others=[table])
    assert len(findings) == 1
    assert "新建书屋" in findings[0].message and "（空白）" in findings[0].message


def test_problems_none_without_any_deduction_is_clean() -> None:
    lines = _with_problems("无。")
    assert _review(_report(lines, total_score=D(100)), lines, "report.problems_empty") == []


def test_problems_stated_is_clean() -> None:
    assert _review(_report(PROJECT_REPORT, total_score=D(95)), PROJECT_REPORT, "report.problems_empty") == []


# ---- report.template_residue ---------------------------------------------------------------------


def test_template_alternatives_and_placeholders() -> None:
    lines = [
        "2022年度某局部门决算",
        "培训费比上年增加/减少3万元，增长/下降12%。",
        "专项经费用于开展（具体项目）的场地租赁。",
        "本年度共开展培训XX期。",
        "会议费支出比上年增加（减少）3万元。",
    ]
    findings = _review(_report(lines), lines, "report.template_residue")
    assert [(f.field, f.line) for f in findings] == [(None, 2), (None, 3), (None, 4), (None, 5)]
    assert findings[0].found == "增加/减少；增长/下降"
    assert findings[0].message == "模板文字未按实际填写：“增加/减少”、“增长/下降”（应选定其一或填入实际内容）"
    assert findings[1].found == "(具体项目)"
    assert findings[2].found == "XX"
    assert findings[0].severity == "warning"


def test_a_placeholder_inside_another_is_listed_once() -> None:
    lines = ["2022年度某局部门决算", "本年度开展（具体请填写）活动，此处填写XX。"]
    findings = _review(_report(lines), lines, "report.template_residue")
    assert [f.found for f in findings] == ["(具体请填写)；此处填写；XX"]


def test_real_comparisons_are_not_residue() -> None:
    lines = [
        "2022年度某局部门决算",
        "与2018年相比增长12.5%，主要是项目资金增加。",
        "收入较上年增加/减少的主要原因见下表。",  # an alternative not followed by a figure: a heading, not a blank
        "一是**持续赋能基层工会。**",
        "本年支出（决算数）为120万元，资料详见www.example.gov.cn/xxgk。",
        "单位负责人（签章）：  年  月  日",
    ]
    assert _review(_report(lines), lines, "report.template_residue") == []


def test_table_forms_inside_a_report_are_not_its_text() -> None:
    lines = ["2022年度某局部门决算", "说明文字。", "项目支出绩效自评表", "指标\tXX\t增加/减少0", "后续说明。"]
    table = ProjectForm(line=3, end_line=4)
    assert _review(_report(lines), lines, "report.template_residue", others=[table]) == []


def test_department_narrative_held_in_a_table_cell_is_read() -> None:
    form, lines = _department("我单位认真履行职责，各项工作有序开展，" * 12)
    form.narrative_lines = None  # the parser saw only table rows: the narrative is the long cell of line 3
    findings = _review(form, lines, "report.section_missing")
    assert [(f.line, f.expected) for f in findings] == [(3, "存在的问题及改进措施")]
    lines[2] += "改进措施：加快预算执行进度。"
    assert _review(form, lines, "report.section_missing") == []


def test_a_heading_on_deviating_from_the_performance_goals_is_the_problems_section() -> None:
    """三、偏离绩效目标的原因和改进措施 is the transfer outline's 偏离目标的原因 (six words between)."""
    lines = [
        "2023年度中央对地方转移支付资金绩效自评报告",
        "一、绩效目标完成情况",
        "两项转移支付资金年度绩效目标均已完成。",
        "二、偏离绩效目标的原因和改进措施",
        "个别帮扶对象年底退出建档，下一步加强建档动态管理。",
    ]
    assert _review(_report(lines), lines, "report.section_missing") == []
    # near miss: without that section the transfer outline still misses it
    short = [*lines[:3], "二、下一步改进措施", "加强建档动态管理，及时调整帮扶计划。"]
    (found,) = _review(_report(short), short, "report.section_missing")
    assert found.expected == "偏离目标的原因"
