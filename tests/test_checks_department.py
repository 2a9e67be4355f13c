"""dept.*: the framework-layout 部门整体支出绩效自评表 (invented fixtures only)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.checks import Context, run_checks
from jixiao.model import DepartmentForm, DepartmentFunds, Finding, Indicator, Loc, Subtotal
from jixiao.rules.profile import load_profile

D = Decimal
TABLE = 30  # the indicator table starts here; the narrative sits above it


def _row(
    line: int, level1: str, name: str, weight: str, score: str, ref: str | None = None, basis: str = ""
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=None,
        name=name,
        line=line,
        weight=D(weight),
        score=D(score),
        reference_weight=None if ref is None else D(ref),
        basis=basis or None,
    )


def _rows() -> list[Indicator]:
    return [
        _row(31, "投入", "绩效目标合理性", "10", "10", "10"),
        _row(32, "投入", "在职人员控制率", "10", "10", "10", "（在职人员18人/编制数20人）×100%=90%"),
        _row(33, "过程", "预算完成率", "20", "18", "20"),
        _row(34, "过程", "固定资产利用率", "20", "20", "20"),
        _row(35, "产出", "实际完成率", "20", "19", "20"),
        _row(36, "效果", "社会效益", "20", "18", "20"),
    ]


def _form(narrative: list[str] | None = None, rows: list[Indicator] | None = None) -> tuple[DepartmentForm, list[str]]:
    lines = [""] * 60
    lines[0] = "某县部门整体支出绩效自评表"
    for offset, text in enumerate(narrative or []):
        lines[4 + offset] = text  # lines 5, 6, …
    form = DepartmentForm(
        line=1,
        layout="framework",
        department="某县总工会",
        overall_funds=DepartmentFunds(
            carryover=D("0.00"),
            initial=D("500.00"),
            adjustment=D("-50.00"),
            other_adjustment=D("0.00"),
            executed=D("440.00"),
            balance=D("10.00"),
        ),
        indicators=rows if rows is not None else _rows(),
        subtotals={
            "投入": Subtotal(weight=D(20), score=D(20), reference_weight=D(20), line=TABLE),
            "过程": Subtotal(weight=D(40), score=D(38), reference_weight=D(40), line=37),
        },
        narrative_lines=(5, 5 + len(narrative or [])),
        end_line=45,
        provenance={"funds.balance": Loc(3)},
    )
    return form, lines


def _review(form: DepartmentForm, lines: list[str], check_id: str) -> list[Finding]:
    ctx = Context(forms=[form], lines=lines, profile=load_profile("national", 2021))
    return run_checks(ctx, only=[check_id])


# ---- dept.balance --------------------------------------------------------------------------------


def test_balance_that_does_not_reconcile() -> None:
    form, lines = _form()
    form.overall_funds.balance = D("0.00")
    findings = _review(form, lines, "dept.balance")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == ("funds.balance", 3, D(10), D(0))
    assert finding.severity == "error"
    assert "年末结余应为" in finding.message and "= 10 万元，表中写为 0 万元" in finding.message


def test_balance_that_reconciles_is_clean() -> None:
    form, lines = _form()  # 0 + 500 − 50 + 0 − 440 = 10
    assert _review(form, lines, "dept.balance") == []


# ---- dept.subtotal_mismatch ----------------------------------------------------------------------


def test_subtotal_weight_differs_from_its_rows() -> None:
    form, lines = _form()
    form.subtotals["投入"].weight = D(22)
    form.subtotals["过程"].reference_weight = D(45)
    findings = _review(form, lines, "dept.subtotal_mismatch")
    assert [(f.field, f.line, f.expected, f.found) for f in findings] == [
        ("subtotals.投入.weight", TABLE, D(20), D(22)),
        ("subtotals.过程.reference_weight", 37, D(40), D(45)),
    ]
    assert findings[0].message == "投入小计的设定分值写为 22 分，但其下各指标设定分值合计 20 分"


def test_correct_subtotals_are_clean() -> None:
    form, lines = _form()
    assert _review(form, lines, "dept.subtotal_mismatch") == []


# ---- dept.weight_sum -----------------------------------------------------------------------------


def test_weights_not_adding_to_100() -> None:
    rows = _rows()
    rows[5].weight = D(18)
    form, lines = _form(rows=rows)
    findings = _review(form, lines, "dept.weight_sum")
    assert [(f.field, f.line, f.expected, f.found) for f in findings] == [("indicators[*].weight", 31, D(100), D(98))]
    assert findings[0].message == "各指标设定分值合计应为 100 分，本表合计 98 分"


def test_weights_adding_to_100_are_clean() -> None:
    form, lines = _form()
    assert _review(form, lines, "dept.weight_sum") == []


# ---- dept.score_over_weight ----------------------------------------------------------------------


def test_score_above_its_weight() -> None:
    rows = _rows()
    rows[4].score = D(21)
    form, lines = _form(rows=rows)
    findings = _review(form, lines, "dept.score_over_weight")
    assert [(f.field, f.line, f.expected, f.found) for f in findings] == [("indicators[4].score", 35, D(20), D(21))]
    assert findings[0].message == "实际完成率：评价得分 21 分超过设定分值 20 分"


def test_full_score_is_not_over_weight() -> None:
    form, lines = _form()
    assert _review(form, lines, "dept.score_over_weight") == []


# ---- dept.ratio_mismatch -------------------------------------------------------------------------


def test_ratio_recomputed_from_the_figures_beside_it() -> None:
    narrative = ["截至年底，在职职工18人，编制总数20人，在职人员控制率为95%。"]
    form, lines = _form(narrative)
    findings = _review(form, lines, "dept.ratio_mismatch")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.field, finding.line, finding.expected, finding.found) == (None, 5, D("0.9"), D("0.95"))
    assert "在职人员控制率写为 95.00%" in finding.message and "应为 90.00%" in finding.message


def test_ratio_in_a_rows_basis_formula() -> None:
    rows = _rows()
    rows[1].basis = "（在职人员18人/编制数20人）×100%=85%"
    form, lines = _form(rows=rows)
    findings = _review(form, lines, "dept.ratio_mismatch")
    assert [(f.field, f.line, f.expected, f.found) for f in findings] == [
        ("indicators[1].basis", 32, D("0.9"), D("0.85"))
    ]


def test_ratio_against_the_funds_header() -> None:
    narrative = ["本年度预算完成数440万元，当年预算500万元，预算完成率88%。"]
    form, lines = _form(narrative)
    findings = _review(form, lines, "dept.ratio_mismatch")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.line, finding.expected, finding.found) == (5, D("0.9778"), D("0.88"))
    assert "调整后预算" in finding.message and "450" in finding.message


def test_consistent_ratios_are_clean() -> None:
    narrative = [
        "截至年底，在职职工18人，编制总数20人，在职人员控制率90%。",
        "本年度预算完成数440万元，调整后预算450万元，预算完成率97.78%。",
        "固定资产总额200万元，在用的固定资产总额为180万元，固定资产利用率为90%。",
    ]
    form, lines = _form(narrative)
    assert _review(form, lines, "dept.ratio_mismatch") == []


def test_cut_off_or_unstated_inputs_are_not_recomputed() -> None:
    rows = _rows()
    rows[1].basis = "（在职人员18人/编制数2"  # a cell the dump cut off mid-number
    narrative = ["预算完成率要达到95%以上。", "在职人员控制率为80%。"]
    form, lines = _form(narrative, rows=rows)
    assert _review(form, lines, "dept.ratio_mismatch") == []


# ---- dept.ratio_direction_full -------------------------------------------------------------------


def test_ratio_on_the_bad_side_with_full_marks() -> None:
    rows = _rows()
    rows[1].basis = "（在职人员22人/编制数20人）×100%=110%"
    form, lines = _form(rows=rows)
    findings = _review(form, lines, "dept.ratio_direction_full")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "warning"
    assert (finding.field, finding.line, finding.expected, finding.found) == (
        "indicators[1].score",
        32,
        "≤100.00%",
        D(10),
    )
    assert finding.message == "在职人员控制率为 110.00%，超过 100.00%，应扣分，但该项得满分 10 分"


def test_completion_rate_below_90_with_full_marks() -> None:
    rows = _rows()
    rows[2].score = D(20)
    form, lines = _form(["预算完成数400万元，预算数500万元，预算完成率80%。"], rows=rows)
    findings = _review(form, lines, "dept.ratio_direction_full")
    assert [(f.field, f.line) for f in findings] == [("indicators[2].score", 33)]


def test_bad_ratio_already_marked_down_or_good_ratio_is_clean() -> None:
    rows = _rows()
    rows[1].basis = "（在职人员22人/编制数20人）×100%=110%"
    rows[1].score = D(6)
    form, lines = _form(["预算完成数480万元，预算数500万元，预算完成率96%。"], rows=rows)
    assert _review(form, lines, "dept.ratio_direction_full") == []
