"""The scoring engine: execution score, indicator formulas, qualitative bands, grades, tolerance.

Every figure here is invented. The worked example follows RULES.md §2.10 (its
numbers are the rule text's own illustration, not a document's).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jixiao.model import Amounts, DepartmentForm, Indicator, ProjectForm, ProjectFunds, ReportForm
from jixiao.rules.profile import load_profile
from jixiao.rules.scoring import (
    Explanation,
    execution_rate,
    execution_score,
    execution_score_candidates,
    explain_form,
    grade_for,
    in_band,
    indicator_direction,
    indicator_score,
    is_blank,
    qualitative_band,
    qualitative_tier,
    quantity_pair,
    score_tolerance,
    target_met,
    tolerance,
    within,
)

D = Decimal
NATIONAL = load_profile("national", 2022)
ANHUI = load_profile("anhui", 2022)
JIANGXI = load_profile("jiangxi", 2022)
HUBEI = load_profile("hubei", 2022)
ZHEJIANG = load_profile("zhejiang", 2022)


def funds(
    budget: str | None, executed: str | None, weight: str | None = "10", initial: str | None = None
) -> ProjectFunds:
    def dec(value: str | None) -> Decimal | None:
        return None if value is None else D(value)

    return ProjectFunds(
        total=Amounts(initial=dec(initial), budget=dec(budget), executed=dec(executed)),
        weight=dec(weight),
    )


def row(
    target: str | None,
    actual: str | None,
    weight: str | None = "10",
    score: str | None = None,
    name: str = "示例指标",
    level2: str = "数量指标",
) -> Indicator:
    return Indicator(
        level1="产出指标",
        level2=level2,
        name=name,
        line=10,
        target=target,
        actual=actual,
        weight=None if weight is None else D(weight),
        score=None if score is None else D(score),
    )


def result(explanation: Explanation | None) -> Decimal | None:
    assert explanation is not None
    assert explanation.result is None or isinstance(explanation.result, Decimal)
    return explanation.result


# ---- budget execution ----------------------------------------------------------------------------


def test_execution_rate_is_executed_over_adjusted_budget() -> None:
    assert execution_rate(funds("200.00", "124.76", initial="250")) == D("0.6238")
    assert execution_rate(funds(None, "5")) is None
    assert execution_rate(funds("0", "5")) is None


def test_execution_score_national_is_proportional_and_capped() -> None:
    explanation = execution_score(funds("200.00", "124.76"), NATIONAL)
    assert explanation.result == D("6.24")
    assert "按比例" in explanation.rule
    assert explanation.inputs["执行率(B/A)"] == D("0.6238")
    assert explanation.reference and "财预" in explanation.reference
    assert execution_score(funds("100", "130"), NATIONAL).result == D("10.00")


def test_execution_score_uses_the_forms_own_weight_then_the_profile() -> None:
    assert execution_score(funds("100", "50", weight="20"), NATIONAL).result == D("10.00")
    assert execution_score(funds("100", "50", weight=None), HUBEI).result == D("10.00")
    assert execution_score(funds("100", "50", weight=None), NATIONAL).result == D("5.00")


def test_execution_score_tiers_in_jiangxi() -> None:
    assert execution_score(funds("200.00", "124.76"), JIANGXI).result == D("5")
    assert execution_score(funds("100", "100"), JIANGXI).result == D("10")
    assert execution_score(funds("100", "85"), JIANGXI).result == D("7")
    assert execution_score(funds("100", "59"), JIANGXI).result == D("0")
    assert "分档" in execution_score(funds("100", "59"), JIANGXI).rule


def test_execution_score_zero_budget() -> None:
    assert execution_score(funds("0", "0"), NATIONAL).result == D("0")
    assert execution_score(funds("0", "3"), NATIONAL).result == D("0")
    assert execution_score(funds("0", "0"), ZHEJIANG).result == D("10")
    assert execution_score(funds("0", "3"), ZHEJIANG).result == D("0")
    assert execution_score(funds(None, "3"), NATIONAL).result is None


def test_execution_score_candidates() -> None:
    candidates = execution_score_candidates(funds("80", "80", initial="128"), ANHUI)
    assert candidates == {
        "proportional": D("10.00"),
        "tiered": D("10"),
        "initial": D("6.25"),
        "tiered_initial": D("5"),
    }
    assert "initial" not in execution_score_candidates(funds("80", "80"), ANHUI)


# ---- quantitative indicators: the RULES.md §2.10 illustration ------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected"),
    [
        ("≥500", "450", "15", "13.50"),
        ("=100%", "100%", "10", "10"),
        ("≥95%", "100%", "10", "10"),
        ("≤400元", "440元", "15", "13.50"),
        ("≥90%", "93%", "10", "10"),
        ("1500 人", "1350", "20", "18.00"),  # no comparison written: higher is better
        ("≥100百分比", "98", "10", "9.80"),  # a bare number beside a percentage is a percentage
        ("=0.6 万元", "0.6", "5", "5"),  # a bare number beside money is in the money's unit
        ("≤2天", "5天", "10", "0"),  # at or beyond twice the target: 0
        ("=0", "0", "4", "4"),  # t = 0: none at all is full marks
        ("=0", "2", "4", "0"),
        ("≥100 人", "-5", "10", "0.00"),  # a negative actual counts as 0
    ],
)
def test_indicator_score_examples(target: str, actual: str, weight: str, expected: str) -> None:
    assert result(indicator_score(row(target, actual, weight), NATIONAL)) == D(expected)


def test_reverse_variant_is_offered() -> None:
    explanation = indicator_score(row("≤400元", "440元", "15", level2="成本指标"), NATIONAL)
    assert explanation is not None
    assert explanation.parameters["可接受变体"] == D("13.64")
    assert explanation.parameters["方向"].startswith("反向")


def test_indicator_score_none_for_qualitative_dates_hedges_and_units() -> None:
    assert indicator_score(row("有改善", "有改善"), NATIONAL) is None
    assert indicator_score(row("12月底前完成", "11月完成"), NATIONAL) is None
    assert indicator_score(row("40 人左右", "38 人"), NATIONAL) is None
    assert indicator_score(row("≥95%", "98 人"), NATIONAL) is None
    assert indicator_score(row("≥95%", "98%", weight=None), NATIONAL) is None


def test_indicator_direction() -> None:
    assert indicator_direction(row("≥95%", "98%")) == "higher"
    assert indicator_direction(row("不高于5%", "3%")) == "lower"
    assert indicator_direction(row("=2 场", "2")) == "equal"
    assert indicator_direction(row("300 人", "310 人")) == "higher"
    assert indicator_direction(row("0.5万元", "0.4万元", level2="成本指标")) == "lower"
    assert indicator_direction(row("投诉率 3%", "1%", name="群众投诉率")) == "lower"
    assert indicator_direction(row("效果明显", "效果明显")) is None


def test_bound_met_exactly() -> None:
    pair = quantity_pair(row("≥55万元", "55万元"))
    assert pair is not None and target_met(pair)
    assert result(indicator_score(row("≥55万元", "55万元"), NATIONAL)) == D("10")


# ---- qualitative bands ---------------------------------------------------------------------------


def test_qualitative_bands_and_tiers() -> None:
    assert qualitative_tier(row("有改善", "达成年度指标"), NATIONAL) == "达成"
    assert qualitative_tier(row("有改善", "部分达成年度指标并具有一定效果"), NATIONAL) == "部分达成"
    assert qualitative_tier(row("有改善", "未达成年度指标且效果较差"), NATIONAL) == "未达成"
    assert qualitative_tier(row("有改善", "达成预期指标"), ANHUI) == "达成"
    assert qualitative_tier(row("有改善", "部分达成预期指标"), ANHUI) == "部分达成"
    assert qualitative_tier(row("有改善", "未达成预期指标"), ANHUI) == "未达成"
    assert qualitative_tier(row("有改善", "效果明显"), NATIONAL) is None
    assert qualitative_band(row("有改善", "部分达成预期指标", "15"), ANHUI) == (D("9.00"), D("12.00"))
    assert qualitative_band(row("有改善", "达成", "15"), NATIONAL) == (D("12.00"), D("15.00"))
    assert qualitative_band(row("有改善", "达成", None), NATIONAL) is None


def test_band_edges_follow_c1() -> None:
    band = (D("6.00"), D("8.00"))
    assert in_band(D("6"), band, "部分达成")
    assert not in_band(D("8"), band, "部分达成")
    assert in_band(D("10"), (D("8.00"), D("10.00")), "达成")
    assert not in_band(D("6"), (D("0.00"), D("6.00")), "未达成")


# ---- grade and tolerance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"), [("90", "优"), ("89.5", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.9", "差")]
)
def test_grade_for(total: str, grade: str) -> None:
    assert grade_for(D(total), NATIONAL) == grade


def test_tolerance_widens_for_one_decimal() -> None:
    assert tolerance(D("6.2")) == D("0.1")
    assert tolerance(D("6.24")) == D("0.01")
    assert tolerance(D("6")) == D("0.01")
    assert within(D("6.24"), D("6.2"))
    assert not within(D("6.24"), D("6.22") - D("0.01"))
    assert score_tolerance(D("9.5"), D("10")) == D("0.1")
    assert score_tolerance(D("9.5"), D("9.25")) == D("0.01")


def test_is_blank() -> None:
    for text in (None, "", " ", "无", "/", "—", "-", "无。"):
        assert is_blank(text)
    assert not is_blank("资金拨付延迟")


# ---- explain_form --------------------------------------------------------------------------------


def test_explain_form_lists_every_recomputed_number_beside_the_stated_one() -> None:
    form = ProjectForm(
        line=1,
        project="示例专项",
        funds=ProjectFunds(total=Amounts(D("100"), D("80"), D("60")), weight=D("10"), rate=D("0.75"), score=D("7.5")),
        indicators=[
            row("≥100 人", "90 人", "20", "18"),
            row("有改善", "部分达成年度指标", "10", "7", level2="社会效益指标"),
            row("有改善", "有改善", "10", "10", level2="社会效益指标"),
        ],
        total_score=D("35.5"),
        grade="差",
    )
    lines = explain_form(form, NATIONAL)
    fields = [path for path, _, _ in lines]
    assert fields == ["funds.rate", "funds.score", "indicators[0].score", "indicators[1].score", "total_score", "grade"]
    by_field = {path: (explanation, stated) for path, explanation, stated in lines}
    assert by_field["funds.rate"][0].result == D("0.7500")
    assert by_field["funds.score"] == (by_field["funds.score"][0], D("7.5"))
    assert by_field["funds.score"][0].result == D("7.50")
    assert by_field["indicators[0].score"][0].result == D("18.00")
    assert by_field["indicators[1].score"][0].parameters["区间"] == "[6, 8)"
    assert by_field["total_score"][0].result == D("42.5")
    assert by_field["grade"][0].result == "差"
    assert all(explanation.rule for _, explanation, _ in lines)


def test_explain_form_anhui_lists_candidates_and_skips_framework_funds() -> None:
    form = ProjectForm(
        line=1, funds=ProjectFunds(total=Amounts(D("128"), D("80"), D("80")), weight=D("10"), score=D("5"))
    )
    lines = explain_form(form, ANHUI)
    assert [path for path, _, _ in lines].count("funds.score") == 2
    framework = DepartmentForm(line=1, indicators=[Indicator("投入", "预算配置", "在职人员控制率", 5, weight=D("4"))])
    assert all(not path.startswith("funds") for path, _, _ in explain_form(framework, NATIONAL))
    assert explain_form(ReportForm(line=1), NATIONAL) == []


# ---- properties ----------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value="0.01", max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
weights = st.sampled_from(["1", "2", "2.5", "5", "10", "15", "20", "30"])
ops_higher = st.sampled_from(["≥", "", "=", "不低于"])
ops_lower = st.sampled_from(["≤", "不高于", "<"])


def _score(target: str, actual: Decimal, weight: str) -> Decimal:
    value = result(indicator_score(row(target, str(actual), weight), NATIONAL))
    assert value is not None
    return value


@given(t=positive, a=amounts, b=amounts, weight=weights, op=ops_higher)
def test_higher_is_better_bounded_monotone_and_full_only_when_met(
    t: Decimal, a: Decimal, b: Decimal, weight: str, op: str
) -> None:
    target = f"{op}{t}人"
    low, high = sorted((a, b))
    s_low, s_high = _score(target, low, weight), _score(target, high, weight)
    w = D(weight)
    for actual, score in ((low, s_low), (high, s_high)):
        assert D(0) <= score <= w
        assert (score == w) == (actual >= t)
    assert s_low <= s_high


@given(t=positive, a=amounts, b=amounts, weight=weights, op=ops_lower)
def test_lower_is_better_bounded_monotone_and_full_only_when_met(
    t: Decimal, a: Decimal, b: Decimal, weight: str, op: str
) -> None:
    target = f"{op}{t}万元"
    low, high = sorted((a, b))
    s_low = _score(target, low, weight)
    s_high = _score(f"{target}", high, weight)
    w = D(weight)
    for actual, score in ((low, s_low), (high, s_high)):
        assert D(0) <= score <= w
        assert (score == w) == (actual <= t)
    assert s_low >= s_high
    variant = indicator_score(row(target, f"{high}万元", weight), NATIONAL)
    assert variant is not None
    alternative = variant.parameters.get("可接受变体")
    if alternative is not None:
        assert D(0) <= alternative < w


@given(budget=positive, a=amounts, b=amounts, weight=weights)
def test_execution_score_monotone_in_rate_and_capped(budget: Decimal, a: Decimal, b: Decimal, weight: str) -> None:
    low, high = sorted((a, b))
    w = D(weight)
    scores = []
    for executed in (low, high):
        value = execution_score(funds(str(budget), str(executed), weight), NATIONAL).result
        assert isinstance(value, Decimal)
        assert D(0) <= value <= w
        if executed >= budget:
            assert value == w
        scores.append(value)
    assert scores[0] <= scores[1]
    tiered = [execution_score(funds(str(budget), str(x), weight), JIANGXI).result for x in (low, high)]
    assert isinstance(tiered[0], Decimal) and isinstance(tiered[1], Decimal)
    assert D(0) <= tiered[0] <= tiered[1] <= w


@given(total=st.decimals(min_value=0, max_value=100, places=2), other=st.decimals(min_value=0, max_value=100, places=2))
def test_grade_is_monotone(total: Decimal, other: Decimal) -> None:
    order = {"差": 0, "中": 1, "良": 2, "优": 3}
    assume(total != other)
    low, high = sorted((total, other))
    assert order[grade_for(low, NATIONAL)] <= order[grade_for(high, NATIONAL)]
