"""Text against tables, and arithmetic in prose: every check fires on a defect and stays quiet on a
near miss. The documents are invented (松溪县总工会 and its projects do not exist)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Context, run_checks
from jixiao.checks.prose import figures, percents
from jixiao.model import Finding
from jixiao.parse import parse_source
from jixiao.read.text import read_text
from jixiao.rules.profile import load_profile


def review(text: str, check_id: str) -> list[Finding]:
    source = read_text(text, "fixture.txt")
    context = Context(forms=parse_source(source), lines=source.lines, profile=load_profile("national"))
    return run_checks(context, only=[check_id])


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def report(*sections: str, year: int = 2023) -> str:
    head = f"{year}年度松溪县总工会部门整体支出绩效自评报告\n\n一、部门基本情况\n\n"
    head += "松溪县总工会内设办公室、权益保障部、经济技术部3个部室，主要职责是维护职工合法权益。\n\n"
    return head + "\n\n".join(sections) + "\n"


PROJECT_FORM = """项目支出绩效自评表
（2023年度）
项目名称		职工技能培训专项
主管部门		松溪县总工会			实施单位	经济技术部
项目资金（万元）			年初预算数	全年预算数（A）	全年执行数（B）	分值	执行率（B/A）	得分
		年度资金总额	60	50	50	10	100%	10
		其中：本年财政拨款	60	50	50	-		-
年度总体目标完成情况	预期目标				实际完成情况
	举办技能培训班，培训一线职工500人次以上。				培训一线职工420人次。
年度绩效指标完成情况	一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分	偏差原因分析及改进措施
	产出指标（50分）	数量指标	培训一线职工人次	≥500人次	420人次	20	17	部分培训因场地调整顺延
			质量指标	培训考核合格率	≥90%	95%	10	10
			时效指标	培训完成时间	2023年11月底前	2023年11月完成	10	10
		成本指标	人均培训成本	≤1200元	1100元	10	10
	效益指标（30分）	社会效益指标	参训职工技能水平	明显提升	明显提升	30	30
	满意度指标（10分）	服务对象满意度指标	参训职工满意度	≥90%	93%	10	10
总分						100	97
"""


def project_report(body: str) -> str:
    """A single-project evaluation report followed by its project form."""
    return (
        "2023年度职工技能培训专项绩效评价报告\n\n一、项目基本情况\n\n"
        "为提升一线职工技能水平，县财政安排专项资金用于开展职工技能培训，由经济技术部组织实施。\n\n"
        f"{body}\n\n附件\n{PROJECT_FORM}"
    )


# ---- prose readers ------------------------------------------------------------------------------


def test_figures_read_units_precision_and_bounds() -> None:
    found = figures("资金1,200元，计划50万元，慰问13000多位职工，补助3.4万人次，每人500元/年")
    assert [(f.value, f.unit, f.bound) for f in found] == [
        (Decimal("0.12"), "万元", None),
        (Decimal(50), "万元", None),
        (Decimal(13000), "位", ">="),
        (Decimal(34000), "人次", None),
    ]
    assert found[1].half_unit() == Decimal("0.5")
    assert [(p.value, p.bound) for p in percents("满意度超过85%，合格率90%以上，约60%")] == [
        (Decimal("0.85"), ">="),
        (Decimal("0.9"), ">="),
        (Decimal("0.6"), "~"),
    ]


# ---- year.mismatch ------------------------------------------------------------------------------


def test_year_slip_in_templated_sentences() -> None:
    text = report(
        "二、项目支出绩效自评情况\n\n2021年度我单位该项目各项指标基本完成，具体情况如下：全年培训职工500人次。",
        "三、转移支付绩效自评情况\n\n2022年，本部门共管理对下转移支付2项，当年预算共安排300万元，执行率100%。",
    )
    found = review(text, "year.mismatch")
    assert [(f.line, f.found, f.field) for f in found] == [
        (line_of(text, "2021年度我单位"), 2021, None),
        (line_of(text, "2022年，本部门"), 2022, None),
    ]
    assert all(f.severity == "warning" and f.expected == 2023 for f in found)
    assert "2021年度我单位该项目各项指标基本完成" in found[0].message


def test_year_comparisons_ranges_titles_and_dates_are_not_slips() -> None:
    text = report(
        "二、部门预算执行情况\n\n2023年度收入500万元，与2022年相比，收入增加50万元，增长11.11%。"
        "支出480万元，比上年增加20万元。",
        "三、工作开展情况\n\n根据《关于做好2022年度项目支出绩效自评工作的通知》（松财绩〔2022〕8号）要求，"
        "我会验收2021、2022年度职工创新补助项目，困难职工人数从2020年的320户降至2023年的150户。",
        "四、下一步工作\n\n2024年，我单位将进一步加强预算绩效管理，落实2024—2026年工会工作规划。\n\n"
        "松溪县总工会\n\n2024年3月15日",
    )
    assert review(text, "year.mismatch") == []


def test_follow_up_of_last_years_findings_is_not_a_slip() -> None:
    text = report(
        "二、上年问题整改情况\n\n2022年度绩效评价发现的问题已全部整改到位。",
        "三、结转资金\n\n2022年度结转资金20万元已于年初全部使用。",
    )
    assert review(text, "year.mismatch") == []


def test_form_header_year_differs_from_the_file() -> None:
    older = PROJECT_FORM.replace("（2023年度）", "（2022年度）").replace("职工技能培训专项", "困难职工帮扶专项")
    text = f"附件1\n{PROJECT_FORM}\n附件2\n{older}\n附件3\n{PROJECT_FORM.replace('职工技能培训专项', '劳模慰问专项')}"
    found = review(text, "year.mismatch")
    assert [(f.form, f.field, f.found, f.expected) for f in found] == [(1, "year", 2022, 2023)]
    assert found[0].line == line_of(text, "（2022年度）")
    assert (
        review(
            f"附件1\n{PROJECT_FORM}\n附件2\n{PROJECT_FORM.replace('职工技能培训专项', '劳模慰问专项')}", "year.mismatch"
        )
        == []
    )


# ---- narrative.unsupported_claim ----------------------------------------------------------------

SECTIONS = (
    "二、项目支出绩效自评情况\n\n（一）困难职工救助专项\n\n1. 项目预算执行情况\n\n"
    "该项目年初预算金额80万元，决算数{spent}，项目预算执行率为{rate}。\n\n"
    "2. 绩效目标完成情况\n\n本年度该项目绩效目标顺利完成，救助困难职工300人，缓解了困难职工的生活困难。\n\n"
    "（二）职工文体活动专项\n\n1. 项目预算执行情况\n\n"
    "该项目年初预算金额120万元，决算数120万元，项目预算执行率100%。\n\n"
    "2. 绩效目标完成情况\n\n本年度该项目绩效目标顺利完成，举办文体活动12场。"
)


def test_claim_of_success_for_a_project_that_spent_nothing() -> None:
    text = report(SECTIONS.format(spent="0元", rate="0"))
    found = review(text, "narrative.unsupported_claim")
    assert [(f.field, f.line, f.found) for f in found] == [
        ("projects[0]", line_of(text, "本年度该项目绩效目标顺利完成，救助"), "顺利完成")
    ]
    assert "执行率为 0" in found[0].message and "困难职工救助专项" in found[0].message


def test_claim_of_success_for_a_project_that_spent_its_budget() -> None:
    assert review(report(SECTIONS.format(spent="80万元", rate="100%")), "narrative.unsupported_claim") == []


def test_claim_of_success_for_a_project_that_missed_its_targets() -> None:
    missed = project_report("二、绩效目标完成情况\n\n本年度项目绩效目标已圆满完成，参训职工技能明显提升。")
    found = review(missed, "narrative.unsupported_claim")
    assert [(f.field, f.found) for f in found] == [("projects[0]", "圆满完成")]
    assert "培训一线职工人次" in found[0].message
    honest = project_report("二、绩效目标完成情况\n\n本年度项目绩效目标基本完成，培训人次未能全部完成。")
    assert review(honest, "narrative.unsupported_claim") == []


# ---- text.table_mismatch ------------------------------------------------------------------------


def test_report_figures_that_contradict_the_project_form() -> None:
    text = project_report(
        "二、项目资金使用情况\n\n该项目全年预算数50万元，执行数45万元，预算执行率90%。\n\n"
        "三、绩效目标完成情况\n\n全年举办培训班10期，培训一线职工460人次，与年初目标有所偏差。"
    )
    found = {f.field: f for f in review(text, "text.table_mismatch")}
    assert set(found) == {"projects[0].executed", "projects[0].rate", "projects[0]"}
    assert (found["projects[0].executed"].expected, found["projects[0].executed"].found) == (50, 45)
    assert (found["projects[0].rate"].expected, found["projects[0].rate"].found) == (1, Decimal("0.9"))
    assert found["projects[0]"].line == line_of(text, "培训一线职工460人次")
    assert found["projects[0]"].found == {"培训一线职工人次": 460.0}
    assert all(f.form == 0 for f in found.values())  # the narrative's form, not the table's


def test_report_figures_that_agree_with_the_project_form() -> None:
    text = project_report(
        "二、项目资金使用情况\n\n县财政年初安排资金60万元，全年预算数50万元，执行数50万元，预算执行率100%。\n\n"
        "三、绩效目标完成情况\n\n培训一线职工420人次，目标为培训一线职工500人次以上，"
        "上年培训一线职工380人次。数量指标（总分 20 分，评价得分 17 分）。"
    )
    assert review(text, "text.table_mismatch") == []


def test_subsets_and_other_years_are_not_the_indicator_figure() -> None:
    text = project_report(
        "二、绩效目标完成情况\n\n培训一线职工420人次，其中培训一线职工中的女职工160人次，"
        "上年培训一线职工380人次，2021年培训一线职工300人次。"
    )
    assert review(text, "text.table_mismatch") == []


def test_report_group_score_that_contradicts_the_project_form() -> None:
    text = project_report(
        "二、绩效评价指标分析\n\n（1）数量指标（总分 20 分，评价得分 20 分）\n\n"
        "此项二级指标下设 1 个三级指标，培训任务按期完成。\n\n（2）质量指标（总分 10 分，评价得分 10 分）"
    )
    found = review(text, "text.table_mismatch")
    assert [(f.field, f.line) for f in found] == [("projects[0]", line_of(text, "（1）数量指标"))]
    assert "得分 20 分（表中 17 分）" in found[0].message


DEPARTMENT_FORM = """松溪县部门整体支出绩效自评表
（2023年度）
单位名称		松溪县总工会
上年结转金额（万元）	0.00	年初预算金额（万元）	500.00
预算调整金额（万元）	-20.00	其他调整资金（万元）	0.00
预算执行金额（万元）	480.00	年末结余金额（万元）	0.00
部门整体支出绩效评价分析	{narrative}
二级指标	三级指标	参考分值	设定分值	计算分析情况	评价得分
投入		20	20	——	19.00
工作目标设定	工作规划合理性	5	10.00	规划合理	10.00
预算配置	在职人员控制率	5	10.00	在职12人/编制15人	9.00
过程		40	40	——	40.00
预算执行	预算完成率	10	20.00	预算完成率96%	20.00
预算管理	资金使用合规性	10	20.00	使用合规	20.00
产出		20	20	—	18.00
职责履行	完成实绩情况	20	20.00	完成11项	18.00
效果		20	20	—	20.00
履职效益	社会效益	20	20.00	服务职工1万人次	20.00
综合得分		100		97.00
评价结果等次:			优
"""


def test_department_narrative_scores_against_its_own_table() -> None:
    narrative = (
        "一、投入情况：1.工作目标设定：工作规划符合全县发展要求，此项指标应得10分，实得10分。"
        "2.预算配置：在职人员控制在编制以内，此项指标应得10分，实得10分。二、产出指标情况：年度12项重点任务完成11项，"
        "此项应得20分、实得20分。"
    )
    text = DEPARTMENT_FORM.format(narrative=narrative)
    found = review(text, "text.table_mismatch")
    assert [(f.form, f.field, f.line) for f in found] == [(0, None, line_of(text, "部门整体支出绩效评价分析"))]
    assert "预算配置" in found[0].message and "产出" in found[0].message
    assert "目标设定" not in found[0].message


def test_department_narrative_that_agrees_with_its_table() -> None:
    narrative = (
        "投入方面，工作规划合理，在职人员控制较好，得19分；产出方面，年度12项重点任务完成11项，实得18分；"
        "效果方面，全年服务职工1万人次，得20分。"
    )
    assert review(DEPARTMENT_FORM.format(narrative=narrative), "text.table_mismatch") == []


# ---- arith.sum_mismatch -------------------------------------------------------------------------


def test_itemised_use_that_exceeds_the_total() -> None:
    text = report(
        "二、项目资金收支情况\n\n2023年，本会财政项目有2个，财政拨入经费1100万元。其中：帮扶资金1000万元、"
        "劳模经费100万元，当年已全部使用完毕。使用情况分别为：帮扶资金用于走访慰问困难职工 450 万元；"
        "金秋助学 300.05 万元；医疗救助 250 万元。劳模经费用于劳模疗休养 60 万元和劳模体检 40 万元。"
    )
    found = review(text, "arith.sum_mismatch")
    assert [(f.field, f.expected, f.found) for f in found] == [("projects[0]", Decimal(1000), Decimal("1000.05"))]
    assert found[0].line == line_of(text, "使用情况分别为")
    assert "1000.05" in found[0].message


def test_exhaustive_list_that_falls_short() -> None:
    text = report(
        "二、部门预算执行情况\n\n2023年，工会经费收入合计200万元，分别为：会费收入40万元，拨缴经费收入150万元。"
    )
    found = review(text, "arith.sum_mismatch")
    assert [(f.expected, f.found, f.field) for f in found] == [(Decimal(200), Decimal(190), None)]


def test_correct_and_partial_itemisations() -> None:
    text = report(
        "二、部门预算执行情况\n\n2023年，本会项目支出300.5万元，主要用于：困难职工帮扶200万元，劳模慰问100.5万元。"
        "全年开展技能竞赛60项，其中，县级一类竞赛12项，县级二类竞赛20项。"
        "2023年，工会经费收入合计200万元，其中：会费收入40万元，拨缴经费收入150万元。"
    )
    assert review(text, "arith.sum_mismatch") == []


# ---- arith.rate_mismatch ------------------------------------------------------------------------


def test_execution_rate_that_is_not_the_ratio_of_its_amounts() -> None:
    text = report("二、部门预算执行情况\n\n2023年，本部门当年财政拨款1200万元，全年支出1000万元，执行率85.33%。")
    found = review(text, "arith.rate_mismatch")
    assert [(f.line, f.found, f.expected) for f in found] == [
        (line_of(text, "执行率85.33%"), Decimal("0.8533"), Decimal("0.8333"))
    ]


def test_correct_rates_and_shares() -> None:
    text = report(
        "二、部门预算执行情况\n\n2023年，本部门当年财政拨款1200万元，全年支出1000万元，执行率83.33%。"
        "本年支出合计400万元，其中：基本支出300万元，占75%；项目支出100万元，占25%。"
        "全年组织劳模疗休养共80人，其中一线劳模有60人，占比70%以上。"
        "项目支出100万元，占总支出400万元的25%。"
    )
    assert review(text, "arith.rate_mismatch") == []


def test_share_in_a_list_that_is_wrong() -> None:
    text = report("二、支出情况\n\n本年支出合计400万元，其中：基本支出300万元，占70%；项目支出100万元，占25%。")
    found = review(text, "arith.rate_mismatch")
    assert [(f.found, f.expected) for f in found] == [(Decimal("0.7"), Decimal("0.75"))]


# ---- arith.change_mismatch ----------------------------------------------------------------------


def test_change_that_disagrees_with_both_years() -> None:
    text = report("二、收入支出情况\n\n2023年支出120万元，2022年支出100万元，增加25万元，增长25%。")
    found = review(text, "arith.change_mismatch")
    assert len(found) == 1
    assert found[0].expected == {"change": 20.0, "percent": 0.2}
    assert found[0].found == {"change": 25.0, "percent": 0.25}


def test_change_that_agrees_or_names_one_year_only() -> None:
    text = report(
        "二、收入支出情况\n\n2023年支出120万元，2022年支出100万元，增加20万元，增长20%。"
        "本年收入368.21万元，与上年相比，收入增加26.6万元，增长7.8%。"
        "机关运行经费由上年的50万元减少到本年的40万元，下降20%。"
    )
    assert review(text, "arith.change_mismatch") == []


# ---- rules the third set of realistic documents called for ---------------------------------------


def test_change_with_one_years_figure_implies_the_other() -> None:
    """``支出86.42万元，比上年减少9.18万元，下降8.6%``: last year was 95.60, so the fall is 9.6%."""
    text = report("二、机关运行经费\n\n机关运行经费支出86.42万元，比上年减少9.18万元，下降8.6%，主要是压减办公费。")
    (found,) = review(text, "arith.change_mismatch")
    assert found.line == line_of(text, "比上年减少9.18万元")
    assert (found.expected, found.found) == ({"percent": -0.096}, {"percent": -0.086})
    honest = report("二、机关运行经费\n\n机关运行经费支出86.42万元，比上年减少9.18万元，下降9.6%，主要是压减办公费。")
    assert review(honest, "arith.change_mismatch") == []
    # near miss: the change belongs to a part the sentence names after the figure
    part = report("二、收入情况\n\n本年收入368.21万元，其中财政拨款收入增加26.6万元，增长9.9%。")
    assert review(part, "arith.change_mismatch") == []


def test_basic_and_project_spending_make_up_the_whole() -> None:
    """A 其中 list of 基本支出 and 项目支出 that falls short of the spending it itemises."""
    text = report(
        "二、预算执行\n\n全年实际支出481.56万元，执行率96.70%。其中：基本支出326.40万元，项目支出145.16万元。"
    )
    (found,) = review(text, "arith.sum_mismatch")
    assert (found.expected, found.found) == (Decimal("481.56"), Decimal("471.56"))
    # near miss: a 其中 list of other parts may leave some out
    some = report(
        "二、预算执行\n\n全年实际支出481.56万元，执行率96.70%。其中：帮扶支出326.40万元，培训支出145.16万元。"
    )
    assert review(some, "arith.sum_mismatch") == []


def test_year_after_words_naming_the_years_own_cycle_is_a_slip() -> None:
    text = report("二、绩效目标完成情况\n\n对照年初设定的2022年度部门整体绩效目标，我会各项工作完成情况如下：")
    (found,) = review(text, "year.mismatch")
    assert (found.expected, found.found) == (2023, 2022)
    # near miss: a comparison with last year's results names last year rightly
    honest = report("二、绩效目标完成情况\n\n对照年初设定的2023年度部门整体绩效目标，全年完成情况好于2022年度。")
    assert review(honest, "year.mismatch") == []


def test_the_years_total_after_leiji_is_the_indicator_figure() -> None:
    """``累计服务…人次`` in a year's report is the year's count; a span of years is another period."""
    text = project_report("二、绩效目标完成情况\n\n全年累计培训一线职工460人次。")
    (found,) = review(text, "text.table_mismatch")
    assert found.found == {"培训一线职工人次": 460.0}
    span = project_report("二、绩效目标完成情况\n\n2021—2023年累计培训一线职工1460人次。")
    assert review(span, "text.table_mismatch") == []


def test_claim_of_success_in_the_section_of_a_project_the_reports_table_lists() -> None:
    text = (
        "某区总工会2023年度项目支出绩效自评报告\n\n一、项目基本情况\n\n共实施项目2个。\n\n"
        "项目名称\t全年预算数（万元）\t全年执行数（万元）\t执行率\n"
        "职工书屋建设\t32.00\t31.60\t98.75%\n疗休养基地改造\t25.00\t0\t0\n\n"
        "二、绩效目标完成情况\n\n（一）职工书屋建设项目\n\n项目绩效目标顺利完成。\n\n"
        "（二）疗休养基地改造项目\n\n因故未能开工，资金未支出。项目绩效目标顺利完成。\n"
    )
    (found,) = review(text, "narrative.unsupported_claim")
    assert found.field == "projects[1]"
    assert found.line == text[: text.rindex("项目绩效目标顺利完成")].count("\n") + 1


def test_last_years_figure_followed_by_a_comparison_is_not_a_slip() -> None:
    text = report(
        "二、预算执行情况\n\n2022年，我局预算执行率为95.6%。今年以来，我局按月调度支出进度，执行率较上年提高2.3个百分点。"
    )
    assert review(text, "year.mismatch") == []
    # near miss: the same sentence followed by one that compares nothing is a templated slip
    slip = report("二、预算执行情况\n\n2022年，我局预算执行率为95.6%。我局按月调度支出进度。")
    (found,) = review(slip, "year.mismatch")
    assert found.found == 2022


def test_shares_of_the_total_the_parts_add_up_to_in_the_sentence_before() -> None:
    """预算数 X，执行数 Y。其中：A 占支出总额的 p%: Y is the total (the parts add up to it)."""
    text = report(
        "二、预算执行\n\n全年预算数386.50万元，全年执行数379.42万元，预算执行率98.17%。其中：基本支出142.60万元，"
        "占支出总额的35.58%；项目支出236.82万元，占支出总额的62.42%。"
    )
    (found,) = review(text, "arith.rate_mismatch")
    assert (found.expected, found.found) == (Decimal("0.3758"), Decimal("0.3558"))
    assert review(text.replace("35.58%", "37.58%"), "arith.rate_mismatch") == []
    # near miss: a share of another whole (收入总额) is not checked against the spending
    other = report(
        "二、预算执行\n\n全年预算数386.50万元，全年执行数379.42万元。其中：基本支出142.60万元，"
        "占收入总额的35.58%；项目支出236.82万元。"
    )
    assert review(other, "arith.rate_mismatch") == []


DEPT_FORM = """附件
部门整体支出绩效自评表
（2023年度）
部门名称	松溪县总工会
项目资金（万元）		年初预算数	全年预算数	全年执行数	分值	执行率	得分
	年度资金总额	372.00	386.50	379.42	10	98.17%	9.82
年度总体目标	预期目标	实际完成情况
	提供服务不少于900人次。	提供服务980人次。
绩效指标	一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分	偏差原因分析及改进措施
	产出指标（60分）	数量指标	服务人次	≥900人次	980人次	60	60
	效益指标（30分）	社会效益指标	服务质量	有效改善	达成年度指标	30	30
总分			100	99.82
"""


def test_a_department_report_citing_its_forms_funds_score() -> None:
    text = report("二、绩效情况\n\n对照部门整体支出绩效自评表，预算执行得分9.28分，自评总分99.82分。") + DEPT_FORM
    (found,) = review(text, "text.table_mismatch")
    assert (found.expected, found.found) == (Decimal("9.82"), Decimal("9.28"))
    honest = text.replace("预算执行得分9.28分", "预算执行得分9.82分")
    assert review(honest, "text.table_mismatch") == []
    # near miss: a project's own funds score in the department's report
    project = text.replace("预算执行得分9.28分", "职工帮扶项目预算执行得分9.28分")
    assert review(project, "text.table_mismatch") == []


def test_completion_of_the_initial_budget_is_an_execution_rate() -> None:
    text = report("二、财政拨款支出\n\n财政拨款支出年初预算为268.40万元，支出决算为276.85万元，完成年初预算的108.15%。")
    (found,) = review(text, "arith.rate_mismatch")
    assert found.expected == Decimal("1.0315")
    assert review(text.replace("108.15%", "103.15%"), "arith.rate_mismatch") == []
