"""Funds checks: each fires on an invented defect and stays quiet on its near miss."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.checks import REGISTRY, Context, Draft, run_checks
from jixiao.model import Amounts, DepartmentForm, Form, Loc, ProjectForm, ProjectFunds, ReportForm, ReportProject
from jixiao.rules.profile import load_profile

D = Decimal
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def amounts(initial: str | None, budget: str | None, executed: str | None) -> Amounts:
    def dec(value: str | None) -> Decimal | None:
        return None if value is None else D(value)

    return Amounts(dec(initial), dec(budget), dec(executed))


def form(
    total: Amounts,
    *,
    weight: str | None = "10",
    rate: str | None = None,
    score: str | None = None,
    fiscal: Amounts | None = None,
    carryover: Amounts | None = None,
    other: Amounts | None = None,
    project: str = "示例帮扶专项",
    line: int = 1,
    end_line: int | None = 12,
) -> ProjectForm:
    funds = ProjectFunds(
        total=total,
        fiscal=fiscal or Amounts(),
        carryover=carryover or Amounts(),
        other=other or Amounts(),
        weight=None if weight is None else D(weight),
        rate=None if rate is None else D(rate),
        score=None if score is None else D(score),
    )
    out = ProjectForm(line=line, project=project, funds=funds, end_line=end_line)
    for key in ("funds.total.initial", "funds.total.budget", "funds.total.executed", "funds.rate", "funds.score"):
        out.provenance[key] = Loc(line=line + 4)
    return out


def run(
    check_id: str,
    subject: Form,
    profile: str = "national",
    forms: list[Form] | None = None,
    lines: list[str] | None = None,
) -> list[Draft]:
    context = Context(forms=forms or [subject], lines=lines or [], profile=load_profile(profile, 2022))
    return list(REGISTRY[check_id].function(subject, context))


def only(drafts: list[Draft]) -> Draft:
    assert len(drafts) == 1, drafts
    draft = drafts[0]
    assert CHINESE.search(draft.message), draft.message
    return draft


# ---- funds.rate_mismatch -------------------------------------------------------------------------


def test_rate_mismatch_fires() -> None:
    draft = only(run("funds.rate_mismatch", form(amounts("80", "80", "60"), rate="0.8")))
    assert draft.field == "funds.rate"
    assert draft.line == 5
    assert draft.expected == D("0.7500") and draft.found == D("0.8")
    assert "75%" in draft.message


def test_rate_mismatch_within_half_a_permille_is_fine() -> None:
    assert run("funds.rate_mismatch", form(amounts("300", "300", "187.14"), rate="0.6238")) == []
    assert run("funds.rate_mismatch", form(amounts("300", "300", "187.14"), rate="0.624")) == []


# ---- funds.score_mismatch ------------------------------------------------------------------------


def test_score_mismatch_fires_with_the_rule() -> None:
    draft = only(run("funds.score_mismatch", form(amounts("300", "300", "187.14"), score="8")))
    assert draft.field == "funds.score"
    assert draft.expected == D("6.24") and draft.found == D("8")
    assert "应得 6.24 分" in draft.message


def test_score_mismatch_tolerates_rounding_and_one_decimal() -> None:
    assert run("funds.score_mismatch", form(amounts("300", "300", "187.14"), score="6.24")) == []
    assert run("funds.score_mismatch", form(amounts("300", "300", "187.14"), score="6.2")) == []
    assert run("funds.score_mismatch", form(amounts("300", "300", "187.14"), score="6.25")) == []


def test_score_mismatch_follows_the_profile_rule() -> None:
    jiangxi = form(amounts("300", "300", "187.14"), score="5")
    assert run("funds.score_mismatch", jiangxi, "jiangxi") == []
    assert only(run("funds.score_mismatch", jiangxi)).expected == D("6.24")


def test_score_mismatch_is_not_raised_where_the_rule_is_unknown() -> None:
    assert run("funds.score_mismatch", form(amounts("300", "300", "187.14"), score="5"), "anhui") == []


# ---- funds.score_rule_unknown ----------------------------------------------------------------------


def test_score_rule_unknown_names_the_matching_candidate() -> None:
    draft = only(run("funds.score_rule_unknown", form(amounts("300", "300", "187.14"), score="5"), "anhui"))
    assert draft.field == "funds.score"
    assert draft.expected == D("6.24") and draft.found == D("5")
    assert "分档（全年预算数为分母）" in draft.message.split("；")[-1]


def test_score_rule_unknown_says_when_no_candidate_matches() -> None:
    draft = only(run("funds.score_rule_unknown", form(amounts("300", "300", "187.14"), score="3"), "anhui"))
    assert "均不一致" in draft.message


def test_score_rule_unknown_quiet_when_proportional_or_in_known_profiles() -> None:
    assert run("funds.score_rule_unknown", form(amounts("300", "300", "187.14"), score="6.24"), "anhui") == []
    assert run("funds.score_rule_unknown", form(amounts("300", "300", "187.14"), score="5")) == []


# ---- funds.denominator_initial ---------------------------------------------------------------------


def test_denominator_initial_by_rate() -> None:
    subject = form(amounts("150", "120", "120"), rate="0.8", score="8")
    draft = only(run("funds.denominator_initial", subject))
    assert draft.field == "funds.rate"
    assert draft.expected == D("1.0000") and draft.found == D("0.8")
    assert "年初预算数" in draft.message


def test_denominator_initial_by_score() -> None:
    subject = form(amounts("150", "120", "120"), rate="1", score="8")
    draft = only(run("funds.denominator_initial", subject))
    assert draft.field == "funds.score"
    assert draft.expected == D("10.00") and draft.found == D("8")


def test_denominator_initial_quiet_when_initial_equals_budget_or_the_score_is_right() -> None:
    assert run("funds.denominator_initial", form(amounts("120", "120", "96"), rate="0.8", score="8")) == []
    assert run("funds.denominator_initial", form(amounts("150", "120", "120"), rate="1", score="10")) == []


# ---- funds.overspent ------------------------------------------------------------------------------


def test_overspent_fires() -> None:
    draft = only(run("funds.overspent", form(amounts(None, "50", "55.5"))))
    assert draft.field == "funds.total.executed"
    assert draft.expected == D("50") and draft.found == D("55.5")
    assert draft.severity is None


def test_overspent_is_a_warning_where_allowed() -> None:
    subject = form(amounts(None, "50", "55.5"))
    context = Context(forms=[subject], lines=[], profile=load_profile("zhejiang", 2022))
    findings = run_checks(context, only=["funds.overspent"])
    assert [finding.severity for finding in findings] == ["warning"]


def test_overspent_quiet_at_exactly_the_budget() -> None:
    assert run("funds.overspent", form(amounts(None, "50", "50.00"))) == []


# ---- funds.zero_budget ----------------------------------------------------------------------------


def test_zero_budget_with_spending() -> None:
    draft = only(run("funds.zero_budget", form(amounts("0", "0", "12"))))
    assert draft.field == "funds.total.budget"
    assert draft.found == D("0")


def test_zero_budget_with_a_score() -> None:
    draft = only(run("funds.zero_budget", form(amounts(None, None, None), score="10")))
    assert draft.expected == D("0") and draft.found is None


def test_zero_budget_quiet_without_spending_or_score_or_in_zhejiang() -> None:
    assert run("funds.zero_budget", form(amounts("0", "0", "0"), score="0")) == []
    assert run("funds.zero_budget", form(amounts("0", "0", "0"), score="10"), "zhejiang") == []
    assert run("funds.zero_budget", form(amounts("10", "10", "10"), score="10")) == []


# ---- funds.sources_sum ----------------------------------------------------------------------------


def test_sources_sum_fires_on_a_total_row_left_at_zero() -> None:
    subject = form(
        amounts("0", "0", "0"),
        fiscal=amounts("40", "40", "30"),
        carryover=amounts("5", "5", "5"),
    )
    draft = only(run("funds.sources_sum", subject))
    assert draft.field == "funds.total.budget"
    assert draft.expected == D("45") and draft.found == D("0")
    assert "年初预算数" in draft.message and "全年执行数" in draft.message


def test_sources_sum_names_the_column_that_differs() -> None:
    subject = form(amounts("45", "45", "40"), fiscal=amounts("40", "40", "30"), carryover=amounts("5", "5", "5"))
    draft = only(run("funds.sources_sum", subject))
    assert draft.field == "funds.total.executed"
    assert draft.expected == D("35") and draft.found == D("40")


def test_sources_sum_quiet_when_parts_add_up_or_are_blank() -> None:
    subject = form(amounts("45", "45", "35.01"), fiscal=amounts("40", "40", "30"), carryover=amounts("5", "5", "5"))
    assert run("funds.sources_sum", subject) == []
    assert run("funds.sources_sum", form(amounts("45", "45", "35"), other=amounts("0", "0", "0"))) == []


# ---- funds.adjusted_budget ------------------------------------------------------------------------


def test_adjusted_budget_fires_without_explanation() -> None:
    subject = form(amounts("100", "70", "70"))
    draft = only(run("funds.adjusted_budget", subject, lines=["项目绩效自评表"] * 12))
    assert draft.field == "funds.total.budget"
    assert draft.expected == D("100") and draft.found == D("70")
    assert "调减" in draft.message


def test_adjusted_budget_explained_in_the_report_or_small() -> None:
    subject = form(amounts("100", "70", "70"))
    report = ReportForm(line=13, title="2022年度示例帮扶专项绩效自评报告", end_line=14)
    lines = ["项目绩效自评表"] * 12 + ["2022年度示例帮扶专项绩效自评报告", "年中因政策变化，预算调减30万元。"]
    assert run("funds.adjusted_budget", subject, forms=[subject, report], lines=lines) == []
    assert run("funds.adjusted_budget", form(amounts("100", "85", "85")), lines=[""] * 12) == []


def test_adjusted_budget_ignores_other_projects_and_column_labels() -> None:
    subject = form(amounts("100", "70", "70"))
    report = ReportForm(
        line=13,
        title="2022年度部门整体支出绩效自评报告",
        end_line=14,
        projects=[ReportProject("其他工作经费", "project", 13), ReportProject("示例帮扶专项", "project", 14)],
    )
    lines = ["全年预算数\t调整后预算数"] * 12 + ["另一项目预算调减10万元。", "示例帮扶专项全年执行70万元。"]
    assert len(run("funds.adjusted_budget", subject, forms=[subject, report], lines=lines)) == 1


# ---- funds.low_rate_no_reason ---------------------------------------------------------------------


def test_low_rate_no_reason_fires() -> None:
    subject = form(amounts("100", "100", "62"), rate="0.62")
    lines = ["示例帮扶专项绩效自评表", "其中：上年结转资金", "偏差原因分析及改进措施", *[""] * 9]
    draft = only(run("funds.low_rate_no_reason", subject, lines=lines))
    assert draft.field == "funds.rate"
    assert draft.found == D("0.6200") and draft.expected == D("0.9")


def test_low_rate_reason_in_the_report_or_form_notes() -> None:
    subject = form(amounts("100", "100", "62"), rate="0.62")
    report = ReportForm(line=13, title="示例帮扶专项绩效评价报告", end_line=14)
    lines = [""] * 12 + ["示例帮扶专项绩效评价报告", "由于部分帮扶对象年底才确定，资金未能及时拨付。"]
    assert run("funds.low_rate_no_reason", subject, forms=[subject, report], lines=lines) == []
    lines = ["", "", "", "", "", "因项目延期，资金结转下年使用", *[""] * 6]
    assert run("funds.low_rate_no_reason", subject, lines=lines) == []


def test_low_rate_quiet_at_ninety_percent() -> None:
    assert run("funds.low_rate_no_reason", form(amounts("100", "100", "90"), rate="0.9")) == []


def test_low_rate_is_an_error_in_sichuan() -> None:
    subject = form(amounts("100", "100", "62"), rate="0.62")
    context = Context(forms=[subject], lines=[""] * 12, profile=load_profile("sichuan", 2022))
    assert [finding.severity for finding in run_checks(context, only=["funds.low_rate_no_reason"])] == ["error"]


# ---- which forms --------------------------------------------------------------------------------


def test_framework_department_forms_and_reports_are_skipped() -> None:
    framework = DepartmentForm(line=1)
    project_layout = DepartmentForm(
        line=1, layout="project", funds=ProjectFunds(total=amounts(None, "50", "60"), weight=D("10"))
    )
    context = Context(forms=[framework, ReportForm(line=5), project_layout], lines=[], profile=load_profile("national"))
    findings = run_checks(context, only=[check_id for check_id in REGISTRY if check_id.startswith("funds.")])
    assert {(finding.form, finding.check) for finding in findings} == {(2, "funds.overspent")}


def test_every_funds_check_is_registered_with_its_default_severity() -> None:
    expected = {
        "funds.rate_mismatch": "error",
        "funds.score_mismatch": "error",
        "funds.score_rule_unknown": "warning",
        "funds.denominator_initial": "warning",
        "funds.overspent": "error",
        "funds.zero_budget": "error",
        "funds.sources_sum": "error",
        "funds.adjusted_budget": "warning",
        "funds.low_rate_no_reason": "warning",
    }
    for check_id, severity in expected.items():
        entry = REGISTRY[check_id]
        assert entry.severity == severity
        assert entry.kinds == ("project", "department")


def test_low_rate_reason_in_a_department_forms_narrative_cells() -> None:
    subject = DepartmentForm(
        line=1,
        layout="project",
        department="示例市总工会",
        funds=ProjectFunds(total=amounts("100", "100", "70"), weight=D("10"), rate=D("0.7"), score=D("7")),
        narrative_lines=(10, 11),
        end_line=11,
    )
    lines = ["部门整体支出绩效自评表", *[""] * 8, "存在问题：", "受疫情影响，部分项目资金未能按期支付。"]
    assert run("funds.low_rate_no_reason", subject, lines=lines) == []
    lines[-1] = "下一步将加强预算管理。"
    assert len(run("funds.low_rate_no_reason", subject, lines=lines)) == 1


def test_a_narrative_about_another_project_does_not_explain() -> None:
    subject = form(amounts("100", "100", "62"), rate="0.62")
    report = ReportForm(line=13, title="其他慰问专项绩效评价报告", end_line=14)
    lines = [""] * 12 + ["其他慰问专项绩效评价报告", "由于对象核定滞后，资金未能及时拨付。"]
    assert len(run("funds.low_rate_no_reason", subject, forms=[subject, report], lines=lines)) == 1
