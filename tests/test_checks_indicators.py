"""Indicator checks: each fires on an invented defect and stays quiet on its near miss."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.checks import REGISTRY, Context, Draft, run_checks
from jixiao.model import DepartmentForm, Form, Indicator, Loc, ProjectForm
from jixiao.parse import parse_source
from jixiao.read.text import read_text
from jixiao.rules.profile import load_profile

D = Decimal
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def row(
    name: str | None,
    target: str | None,
    actual: str | None,
    weight: str | None = "10",
    score: str | None = None,
    note: str | None = None,
    level2: str = "数量指标",
    level1: str = "产出指标",
    line: int = 20,
) -> Indicator:
    indicator = Indicator(
        level1=level1,
        level2=level2,
        name=name,
        line=line,
        target=target,
        actual=actual,
        weight=None if weight is None else D(weight),
        score=None if score is None else D(score),
        note=note,
    )
    for key in ("name", "target", "actual", "weight", "score", "note"):
        indicator.provenance[key] = Loc(line=line)
    return indicator


def form(*rows: Indicator, is_scored: bool = True) -> ProjectForm:
    return ProjectForm(line=1, project="示例项目", indicators=list(rows), scored=is_scored)


def run(check_id: str, subject: Form, profile: str = "national") -> list[Draft]:
    context = Context(forms=[subject], lines=[], profile=load_profile(profile, 2022))
    return list(REGISTRY[check_id].function(subject, context))


def only(drafts: list[Draft]) -> Draft:
    assert len(drafts) == 1, drafts
    assert CHINESE.search(drafts[0].message), drafts[0].message
    return drafts[0]


# ---- indicator.score_over_weight -------------------------------------------------------------------


def test_score_over_weight_fires() -> None:
    draft = only(run("indicator.score_over_weight", form(row("培训人次", "≥500人次", "520人次", "10", "12"))))
    assert draft.field == "indicators[0].score" and draft.line == 20
    assert draft.expected == D("10") and draft.found == D("12")


def test_score_at_weight_is_fine() -> None:
    assert run("indicator.score_over_weight", form(row("培训人次", "≥500人次", "520人次", "10", "10"))) == []


# ---- indicator.score_mismatch ----------------------------------------------------------------------


def test_score_mismatch_met_target_scored_below_full() -> None:
    subject = form(row("新建读书角", "40 个", "46 个"), row("帮扶困难家庭", "100 户", "116 户", "10", "9"))
    draft = only(run("indicator.score_mismatch", subject))
    assert draft.field == "indicators[1].score"
    assert draft.expected == D("10") and draft.found == D("9")
    assert "“帮扶困难家庭”" in draft.message and "116 户" in draft.message and "应得 10 分" in draft.message


def test_score_mismatch_proportional_and_reverse() -> None:
    drafts = run(
        "indicator.score_mismatch",
        form(
            row("培训人次", "≥500人次", "450人次", "15", "12"),
            row("人均成本", "≤400元", "440元", "15", "10", level2="成本指标"),
        ),
    )
    assert [(draft.field, draft.expected) for draft in drafts] == [
        ("indicators[0].score", D("13.50")),
        ("indicators[1].score", D("13.50")),
    ]


def test_score_mismatch_near_misses() -> None:
    subject = form(
        row("帮扶困难家庭", "100 户", "116 户", "10", "10"),  # met: full marks
        row("培训人次", "≥500人次", "450人次", "15", "13.5"),  # proportional, one decimal
        row("人均成本", "≤400元", "440元", "15", "13.64", level2="成本指标"),  # the t/a variant
        row("验收合格率", "≥55%", "55%", "10", "10"),  # a bound met exactly
        row("宣传场次", "约10场", "8场", "10", "10"),  # hedged target: no formula
        row("完成时间", "11月底前", "12月", "10", "10", level2="时效指标"),  # a date
    )
    assert run("indicator.score_mismatch", subject) == []


def test_score_mismatch_cut_for_an_overshoot_with_a_reason_is_accepted() -> None:
    subject = form(row("帮扶人数", "≥100 人", "150 人", "10", "8", note="目标设定偏低，按超额程度扣分"))
    assert run("indicator.score_mismatch", subject) == []


def test_unscored_forms_produce_no_score_findings() -> None:
    subject = form(row("帮扶人数", "≥100 人", "80 人", None, None), is_scored=False)
    for check_id in (
        "indicator.score_over_weight",
        "indicator.score_mismatch",
        "indicator.band_mismatch",
        "indicator.full_score_unmet",
        "indicator.overachieved",
    ):
        assert run(check_id, subject) == []


# ---- indicator.band_mismatch -----------------------------------------------------------------------


def test_band_mismatch_fires() -> None:
    subject = form(row("居民阅读氛围", "有提升", "部分达成预期指标", "10", "10", level2="社会效益指标"))
    draft = only(run("indicator.band_mismatch", subject, "anhui"))
    assert draft.field == "indicators[0].score"
    assert draft.expected == [D("6.00"), D("8.00")] and draft.found == D("10")


def test_band_edges_are_fine() -> None:
    subject = form(
        row("居民阅读氛围", "有提升", "部分达成年度指标并具有一定效果", "10", "6", level2="社会效益指标"),
        row("环境改善", "有改善", "达成年度指标", "10", "8", level2="生态效益指标"),
        row("长效机制", "建立", "未达成年度指标且效果较差", "10", "5.99", level2="可持续影响指标"),
    )
    assert run("indicator.band_mismatch", subject) == []


# ---- indicator.full_score_unmet --------------------------------------------------------------------


def test_full_score_unmet_fires() -> None:
    draft = only(run("indicator.full_score_unmet", form(row("培训人次", "≥500人次", "450人次", "15", "15"))))
    assert draft.field == "indicators[0].score"
    assert draft.expected == D("13.50") and draft.found == D("15")
    assert "未达到" in draft.message


def test_full_score_when_met_is_fine() -> None:
    subject = form(row("验收合格率", "≥55%", "55%", "10", "10"), row("人均成本", "≤400元", "380元", "10", "10"))
    assert run("indicator.full_score_unmet", subject) == []


def test_full_score_unmet_left_to_manual_scoring_in_hebei() -> None:
    subject = form(row("人均成本", "≤400元", "440元", "10", "10", level2="成本指标"))
    assert run("indicator.full_score_unmet", subject, "hebei") == []
    assert len(run("indicator.full_score_unmet", subject)) == 1


# ---- indicator.reason_missing ----------------------------------------------------------------------


def test_reason_missing_fires_on_a_deduction_or_a_missed_target() -> None:
    subject = form(
        row("培训人次", "≥500人次", "450人次", "15", "13.5", note="无"),
        row("帮扶人数", "≥100 人", "80 人", None, None),
        row("居民阅读氛围", "有提升", "部分达成年度指标", "10", "7", note="/", level2="社会效益指标"),
    )
    drafts = run("indicator.reason_missing", subject)
    assert [draft.field for draft in drafts] == ["indicators[0].note", "indicators[1].note", "indicators[2].note"]
    assert drafts[0].found == "无"
    assert all(CHINESE.search(draft.message) for draft in drafts)


def test_reason_given_or_nothing_missed_is_fine() -> None:
    subject = form(
        row("培训人次", "≥500人次", "450人次", "15", "13.5", note="受场地限制，部分培训改为线上"),
        row("验收合格率", "≥55%", "55%", "10", "10"),
    )
    assert run("indicator.reason_missing", subject) == []


# ---- indicator.overachieved ------------------------------------------------------------------------


def test_overachieved_fires() -> None:
    draft = only(run("indicator.overachieved", form(row("帮扶人数", "100 人", "131 人", "10", "10"))))
    assert draft.field == "indicators[0]"
    assert draft.expected == D("120") and draft.found == D("131")


def test_overachieved_near_misses() -> None:
    subject = form(
        row("帮扶人数", "100 人", "116 人", "10", "10"),  # below 120%
        row("帮扶户数", "100 户", "130 户", "10", "10", note="新增两个街道纳入帮扶"),  # explained
        row("人均成本", "≤400元", "100元", "10", "10", level2="成本指标"),  # lower is better
    )
    assert run("indicator.overachieved", subject) == []


# ---- indicator.unquantified ------------------------------------------------------------------------


def test_unquantified_fires_on_count_and_cost_rows() -> None:
    subject = form(
        row("帮扶资金发放", "打卡发放", "打卡发放", "10", "10", level2="成本指标"),
        row("覆盖范围", "全覆盖", "全覆盖", "10", "10"),
    )
    drafts = run("indicator.unquantified", subject)
    assert [draft.field for draft in drafts] == ["indicators[0].target", "indicators[1].target"]
    assert drafts[0].found == "打卡发放" and "成本指标" in drafts[0].message


def test_unquantified_quiet_on_numbers_and_other_rows() -> None:
    subject = form(
        row("帮扶资金发放", "100%打卡发放", "100%", "10", "10", level2="成本指标"),
        row("服务质量", "有提升", "有提升", "10", "10", level2="质量指标"),
        row("空行", "无", "无", "10", "10"),  # a placeholder, not this check
    )
    assert run("indicator.unquantified", subject) == []


# ---- indicator.vague_actual ------------------------------------------------------------------------


def test_vague_actual_fires() -> None:
    draft = only(run("indicator.vague_actual", form(row("购置图书", "采购图书 300 册", "达成预期指标", "10", "10"))))
    assert draft.field == "indicators[0].actual"
    assert draft.found == "达成预期指标"


def test_vague_actual_quiet_for_deadlines_and_numbers() -> None:
    subject = form(
        row("完成时间", "12 月份前完成", "达成预期指标", "10", "10", level2="时效指标"),
        row("购置图书", "300 册", "320", "10", "10"),
        row("服务质量", "有提升", "达成预期指标", "10", "10", level2="质量指标"),
    )
    assert run("indicator.vague_actual", subject) == []


# ---- indicator.placeholder -------------------------------------------------------------------------


def test_placeholder_fires() -> None:
    subject = form(
        row("指标:无", "无", "无", "5", "5", level2="生态效益指标", level1="效益指标"),
        row("带动就业", None, "达成", "5", "5", level2="经济效益指标", level1="效益指标"),
    )
    drafts = run("indicator.placeholder", subject)
    assert [draft.field for draft in drafts] == ["indicators[0]", "indicators[1]"]
    assert drafts[0].found == D("5")
    assert all(CHINESE.search(draft.message) for draft in drafts)


def test_placeholder_without_weight_is_fine() -> None:
    assert run("indicator.placeholder", form(row("无", "无", "无", "0", "0"), row("无", "无", "无", None, None))) == []


# ---- indicator.unit_mismatch -----------------------------------------------------------------------


def test_unit_mismatch_fires() -> None:
    subject = form(row("满意度", "≥95%", "98 人", "10", "10"), row("补助金额", "5万元", "50000元", "10", "10"))
    drafts = run("indicator.unit_mismatch", subject)
    assert [(draft.field, draft.expected, draft.found) for draft in drafts] == [
        ("indicators[0].actual", "%", "人"),
        ("indicators[1].actual", "万元", "元"),
    ]


def test_unit_mismatch_quiet_for_bare_numbers_and_same_units() -> None:
    subject = form(
        row("满意度", "≥95%", "98", "10", "10"),
        row("补助金额", "=0.6 万元", "0.6", "10", "10"),
        row("帮扶人数", "1500 人", "1350", "20", "18"),
    )
    assert run("indicator.unit_mismatch", subject) == []


# ---- indicator.boilerplate -------------------------------------------------------------------------


def test_boilerplate_every_actual_equals_its_target() -> None:
    subject = form(
        row("新建读书角", "≥40 个", "40 个", "10", "10", line=30),
        row("合格率", "100%", "100%", "10", "10", line=31),
        row("服务质量", "有提升", "有提升", "10", "10", level2="质量指标", line=32),
    )
    draft = only(run("indicator.boilerplate", subject))
    assert draft.field is None and draft.line == 30 and draft.found == 2


def test_boilerplate_same_reason_on_three_rows() -> None:
    note = "加强管理，提高资金使用效益"
    subject = form(
        *(row(f"指标{index}", "有提升", "有提升", "10", "9", note=note, line=40 + index) for index in range(3))
    )
    draft = only(run("indicator.boilerplate", subject))
    assert draft.field is None and draft.line == 40 and draft.found == 3


def test_boilerplate_near_misses() -> None:
    subject = form(
        row("新建读书角", "≥40 个", "40 个", "10", "10"),
        row("合格率", "≥95%", "97%", "10", "10"),  # one actual differs
        row("a", "有提升", "有提升", "10", "9", note="人员调整"),
        row("b", "有提升", "有提升", "10", "9", note="人员调整"),  # only two rows share a reason
        row("c", "有提升", "有提升", "10", "9", note="无"),
    )
    assert run("indicator.boilerplate", subject) == []
    assert run("indicator.boilerplate", form(row("新建读书角", "≥40 个", "40 个", "10", "10"))) == []


# ---- registration, forms, and one parsed form ----------------------------------------------------


def test_every_indicator_check_is_registered() -> None:
    expected = {
        "indicator.score_over_weight": "error",
        "indicator.score_mismatch": "error",
        "indicator.band_mismatch": "error",
        "indicator.full_score_unmet": "error",
        "indicator.reason_missing": "warning",
        "indicator.overachieved": "warning",
        "indicator.unquantified": "warning",
        "indicator.vague_actual": "warning",
        "indicator.placeholder": "warning",
        "indicator.unit_mismatch": "warning",
        "indicator.boilerplate": "warning",
    }
    for check_id, severity in expected.items():
        assert REGISTRY[check_id].severity == severity
        assert REGISTRY[check_id].kinds == ("project", "department")


def test_framework_department_rows_are_skipped_and_project_layout_checked() -> None:
    framework = DepartmentForm(
        line=1, indicators=[Indicator("投入", "预算配置", "在职人员控制率", 5, weight=D("4"), score=D("6"))]
    )
    project_layout = DepartmentForm(
        line=9, layout="project", indicators=[row("培训人次", "≥500人次", "520人次", "10", "12")]
    )
    context = Context(forms=[framework, project_layout], lines=[], profile=load_profile("national"))
    findings = run_checks(context, only=["indicator.score_over_weight"])
    assert [(finding.form, finding.field) for finding in findings] == [(1, "indicators[0].score")]


INVENTED = """项目支出绩效自评表

（2022年度）

项目名称\t\t社区读书角建设项目
主管部门\t\t示例市文化局\t\t\t实施单位\t示例市图书馆
项目资金 (万元)\t\t\t年初预算数\t全年预算数 (A)\t全年执行数(B)\t分值\t执行率 (B/A)\t得分
\t\t年度资金总额:\t80\t80\t72\t10\t90%\t9
\t\t其中:本年财政拨款\t80\t80\t72\t-\t\t-
年度绩效指标完成情况\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t产出指标 (60分)\t数量指标\t新建读书角\t≥40 个\t46 个\t20\t18\t
\t\t质量指标\t图书验收合格率\t≥95%\t97%\t10\t10\t
\t\t时效指标\t建设完成时间\t11 月底前\t11 月完成\t10\t10\t
\t\t成本指标\t单个读书角建设成本\t控制成本\t达成\t20\t20\t
\t效益指标 (30分)\t社会效益指标\t居民阅读氛围\t有提升\t部分达成年度指标\t30\t30\t
总分\t\t\t\t\t\t100\t97
"""


def test_a_parsed_invented_form_end_to_end() -> None:
    source = read_text(INVENTED, "invented.txt")
    forms = parse_source(source)
    context = Context(forms=forms, lines=source.lines, profile=load_profile("national", 2022))
    indicator_checks = [check_id for check_id in REGISTRY if check_id.startswith("indicator.")]
    found = {(finding.check, finding.field) for finding in run_checks(context, only=indicator_checks)}
    assert found == {
        ("indicator.score_mismatch", "indicators[0].score"),  # 46 of ≥40 is met: 20, not 18
        ("indicator.reason_missing", "indicators[0].note"),
        ("indicator.unquantified", "indicators[3].target"),
        ("indicator.band_mismatch", "indicators[4].score"),
        ("indicator.reason_missing", "indicators[4].note"),
    }


def test_equal_rows_off_their_value_go_to_manual_scoring_in_hebei() -> None:
    subject = form(row("举办讲座", "=10 场", "12 场", "10", "8"))
    assert run("indicator.score_mismatch", subject, "hebei") == []
    draft = only(run("indicator.score_mismatch", subject))
    assert draft.expected == D("10") and "12 场已达到目标 =10 场" in draft.message


def test_missed_target_message_names_the_figures() -> None:
    draft = only(run("indicator.score_mismatch", form(row("帮扶人数", "1500 人", "1350 人", "20", "15"))))
    assert draft.expected == D("18.00") and draft.found == D("15")
    assert "1350 人未达到目标 1500 人" in draft.message and "应得 18 分" in draft.message
