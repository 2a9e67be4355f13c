"""Defect generators: each spoils a clean document the way CHECKS.md describes one check id, and says
which findings review must then raise (check id, form index, field).

A generator changes the model (a stated rate, a row's score, a weight), the
prose planted beside the forms, or — for what only a narrative's outline can
show — the text layout (those samples hold for the plain-text rendering only).
It keeps every other figure consistent: a changed row score is carried into
the total and the grade, a changed actual into the goals text, so that only the
planted defect (and the findings it necessarily implies) is raised. A
generator returns False when the document offers nothing to spoil in its way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.model import DepartmentForm, Indicator, ProjectForm, ReportForm
from jixiao.rules.scoring import execution_score_candidates, grade_for, quantity_pair, target_met, within
from jixiao.synth.build import (
    ADJUSTMENT_REASONS,
    LOW_RATE_REASONS,
    Build,
    restate_subtotals,
    retotal,
    retotal_framework,
)
from jixiao.synth.spec import money, percent, plain, q2, q4

D = Decimal
ZERO = D(0)

Plant = Callable[[Build], bool]


@dataclass(frozen=True, slots=True)
class Defect:
    name: str
    check: str
    plant: Plant
    text_only: bool = False
    narrow: bool = False  # applies to few documents (one profile, a framework form, a 决算说明): tried first


# ---- choosing what to spoil ----------------------------------------------------------------------


def _free(build: Build, key: str) -> bool:
    return key not in build.used


def _take(build: Build, key: str) -> None:
    build.used.add(key)


def _projects(build: Build) -> list[int]:
    """Project forms not spoilt yet, in a document-specific order."""
    found = [index for index in build.projects if _free(build, f"form:{index}")]
    build.rng.shuffle(found)
    return found


def _project(build: Build, index: int) -> ProjectForm:
    form = build.forms[index]
    assert isinstance(form, ProjectForm)
    return form


def _framework(build: Build) -> DepartmentForm | None:
    if build.dept is None or not _free(build, f"form:{build.dept}"):
        return None
    form = build.forms[build.dept]
    return form if isinstance(form, DepartmentForm) and form.layout == "framework" else None


def _report(build: Build) -> ReportForm:
    form = build.forms[build.report]
    assert isinstance(form, ReportForm)
    return form


def _sum_sources(form: ProjectForm, column: str) -> None:
    """财政拨款 takes up what the other sources leave of the total in one column."""
    funds = form.funds
    total = getattr(funds.total, column)
    rest = sum((getattr(row, column) or ZERO for row in (funds.carryover, funds.other)), ZERO)
    setattr(funds.fiscal, column, total - rest)


def _scale_sources(form: ProjectForm, column: str, total: Decimal) -> None:
    """Set a column's total and keep the source rows in proportion, 财政拨款 taking the remainder."""
    funds = form.funds
    old = getattr(funds.total, column) or ZERO
    setattr(funds.total, column, total)
    for row in (funds.carryover, funds.other):
        value = getattr(row, column)
        if value is not None:
            setattr(row, column, q2(value * total / old) if old else ZERO)
    _sum_sources(form, column)


def _restate(build: Build, index: int) -> None:
    form = _project(build, index)
    build.restate_funds(form.funds)
    retotal(form, build.profile, grade=form.grade is not None)


def _higher_rows(form: ProjectForm | DepartmentForm, kinds: tuple[str, ...] = ("count", "percent")) -> list[int]:
    """Quantitative rows read as higher-is-better with a ≥ (or no) sign, met, with full marks."""
    out = []
    for index, row in enumerate(form.indicators):
        pair = quantity_pair(row)
        if pair is None or pair.direction != "higher" or pair.op == "=" or not target_met(pair):
            continue
        if pair.target.value <= 0:
            continue
        if pair.target.kind not in kinds or row.score != row.weight or row.note:
            continue
        if pair.target.kind == "percent" and pair.target.value >= D("0.99"):
            continue
        out.append(index)
    return out


def _quantitative(form: ProjectForm | DepartmentForm, skip: int | None = None) -> int:
    """How many rows (besides ``skip``) have a target and an actual that differ as numbers."""
    count = 0
    for index, row in enumerate(form.indicators):
        pair = quantity_pair(row)
        if index != skip and pair is not None and pair.target.value != pair.actual.value:
            count += 1
    return count


def _miss(build: Build, row: Indicator) -> None:
    """Make a higher-is-better row fall short of its target (the actual in the target's unit)."""
    pair = quantity_pair(row)
    assert pair is not None
    unit = pair.actual.unit
    target = pair.target.value
    if pair.target.kind == "percent":
        row.actual = f"{plain(q2(target * 100 - D(str(round(build.rng.uniform(2, 8), 1)))))}%"
        return
    written = target / D(10000) if unit and row.target and "万" in row.target else target
    small = written < 20
    factor = D(str(round(build.rng.uniform(0.7, 0.9), 2)))
    value = (written * factor).quantize(D("0.1")) if small else (written * factor).to_integral_value()
    suffix = f"万{unit}" if written != target else unit
    row.actual = f"{plain(value)}{suffix}"


def _single(build: Build) -> bool:
    return build.kind == "single"


# ---- funds ----------------------------------------------------------------------------------------


def funds_rate(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        total = form.funds.total
        if not total.budget or total.executed is None or total.initial != total.budget:
            continue
        computed = q4(total.executed / total.budget)
        form.funds.rate = computed + D("0.05") if computed <= D("0.95") else computed - D("0.06")
        build.overrides[f"report.rate.{index}"] = computed
        _take(build, f"form:{index}")
        build.expect("funds.rate_mismatch", index, "funds.rate")
        return True
    return False


def funds_score(build: Build) -> bool:
    if build.profile.get("execution_score_known", True) is False:
        return False
    for index in _projects(build):
        form = _project(build, index)
        funds = form.funds
        if funds.score is None or funds.weight is None or funds.total.initial != funds.total.budget:
            continue
        shift = D("1.5") if funds.score + D("1.5") <= funds.weight else D("-2.5")
        funds.score = max(ZERO, funds.score + shift)
        retotal(form, build.profile, grade=form.grade is not None)
        _take(build, f"form:{index}")
        build.expect("funds.score_mismatch", index, "funds.score")
        return True
    return False


def funds_rule_unknown(build: Build) -> bool:
    if build.profile.get("execution_score_known", True) is not False:
        return False
    for index in _projects(build):
        form = _project(build, index)
        funds = form.funds
        if funds.score is None or funds.total.initial != funds.total.budget:
            continue
        candidates = execution_score_candidates(funds, build.profile)
        proportional, tiered = candidates.get("proportional"), candidates.get("tiered")
        if proportional is None or tiered is None:
            continue
        funds.score = tiered if not within(proportional, tiered) else max(ZERO, proportional - D(3))
        retotal(form, build.profile, grade=form.grade is not None)
        _take(build, f"form:{index}")
        build.expect("funds.score_rule_unknown", index, "funds.score")
        return True
    return False


def funds_denominator(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        total = form.funds.total
        if not total.budget or not total.executed or total.initial != total.budget:
            continue
        initial = q2(total.budget / D(str(round(build.rng.uniform(0.84, 0.88), 3))))
        _scale_sources(form, "initial", initial)
        form.funds.rate = q4(total.executed / initial)
        build.overrides[f"report.rate.{index}"] = q4(total.executed / total.budget)
        _take(build, f"form:{index}")
        build.expect("funds.denominator_initial", index, "funds.rate")
        build.expect("funds.rate_mismatch", index, "funds.rate")
        return True
    return False


def funds_overspent(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        total = form.funds.total
        if not total.budget or total.executed is None:
            continue
        _scale_sources(form, "executed", q2(total.budget * D(str(round(build.rng.uniform(1.03, 1.12), 3)))))
        build.refresh_goals(index, [s for s in build.goal_sentences.get(index, []) if s not in LOW_RATE_REASONS])
        _restate(build, index)
        _take(build, f"form:{index}")
        build.expect("funds.overspent", index, "funds.total.executed")
        return True
    return False


def funds_zero(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        funds = form.funds
        if not funds.total.executed:
            continue
        for column in ("initial", "budget"):
            setattr(funds.total, column, ZERO)
            for row in (funds.carryover, funds.other):
                if getattr(row, column) is not None:
                    setattr(row, column, ZERO)
            _sum_sources(form, column)
        build.refresh_goals(index, [])
        _restate(build, index)
        _take(build, f"form:{index}")
        build.expect("funds.zero_budget", index, "funds.total.budget")
        return True
    return False


def funds_sources(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        if form.funds.fiscal.budget is None:
            continue
        form.funds.fiscal.budget += q2(D(str(build.rng.uniform(3, 20))))
        _take(build, f"form:{index}")
        build.expect("funds.sources_sum", index, "funds.total.budget")
        return True
    return False


def funds_adjusted(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        total = form.funds.total
        if not total.budget or total.executed is None:
            continue
        factor = build.rng.uniform(1.3, 1.5) if build.rng.random() < 0.5 else build.rng.uniform(0.55, 0.75)
        _scale_sources(form, "initial", q2(total.budget * D(str(round(factor, 3)))))
        kept = [
            s for s in build.goal_sentences.get(index, []) if not any(s.startswith(t[:4]) for t in ADJUSTMENT_REASONS)
        ]
        build.refresh_goals(index, kept)
        _take(build, f"form:{index}")
        build.expect("funds.adjusted_budget", index, "funds.total.budget")
        return True
    return False


def funds_low_rate(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        total = form.funds.total
        if not total.budget or total.initial is None:
            continue
        if abs(total.budget - total.initial) >= total.initial * D("0.2"):
            continue
        _scale_sources(form, "executed", q2(total.budget * D(str(round(build.rng.uniform(0.6, 0.85), 3)))))
        build.refresh_goals(index, [])
        _restate(build, index)
        _take(build, f"form:{index}")
        build.expect("funds.low_rate_no_reason", index, "funds.rate")
        return True
    return False


# ---- indicator rows -------------------------------------------------------------------------------


def _row_defect(build: Build, pick: Callable[[ProjectForm], list[int]]) -> tuple[int, ProjectForm, int] | None:
    for index in _projects(build):
        form = _project(build, index)
        rows = pick(form)
        if rows:
            return index, form, build.rng.choice(rows)
    return None


def _done(build: Build, index: int, form: ProjectForm, check: str, field: str | None) -> bool:
    retotal(form, build.profile, grade=form.grade is not None)
    build.refresh_goals(index)
    _take(build, f"form:{index}")
    build.expect(check, index, field)
    return True


def ind_over_weight(build: Build) -> bool:
    found = _row_defect(build, _higher_rows)
    if found is None:
        return False
    index, form, row = found
    form.indicators[row].score = (form.indicators[row].weight or ZERO) + D(build.rng.choice((1, 2, 3)))
    return _done(build, index, form, "indicator.score_over_weight", f"indicators[{row}].score")


def ind_score(build: Build) -> bool:
    found = _row_defect(build, _higher_rows)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    _miss(build, indicator)
    build.score_row(indicator)
    weight = indicator.weight or ZERO
    indicator.score = max(ZERO, (indicator.score or ZERO) - max(D(1), q2(weight * D("0.2"))))
    return _done(build, index, form, "indicator.score_mismatch", f"indicators[{row}].score")


def ind_band(build: Build) -> bool:
    def met_tiers(form: ProjectForm) -> list[int]:
        return [i for i, r in enumerate(form.indicators) if r.actual == build.tier_met and (r.weight or ZERO) >= 4]

    found = _row_defect(build, met_tiers)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    indicator.score = q2((indicator.weight or ZERO) * D(str(round(build.rng.uniform(0.3, 0.55), 2))))
    indicator.note = indicator.note or build.note(indicator.name or "", partial=True)
    return _done(build, index, form, "indicator.band_mismatch", f"indicators[{row}].score")


def ind_full_unmet(build: Build) -> bool:
    found = _row_defect(build, _higher_rows)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    _miss(build, indicator)
    indicator.score = indicator.weight
    indicator.note = build.note(indicator.name or "")
    return _done(build, index, form, "indicator.full_score_unmet", f"indicators[{row}].score")


def ind_reason(build: Build) -> bool:
    def noted(form: ProjectForm) -> list[int]:
        return [
            i
            for i, r in enumerate(form.indicators)
            if r.note and r.score is not None and r.weight is not None and r.score < r.weight
        ]

    found = _row_defect(build, noted) or _row_defect(build, _higher_rows)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    if indicator.note is None:
        _miss(build, indicator)
        build.score_row(indicator)
    indicator.note = None
    return _done(build, index, form, "indicator.reason_missing", f"indicators[{row}].note")


def ind_overachieved(build: Build) -> bool:
    def counts(form: ProjectForm) -> list[int]:
        rows = _higher_rows(form, ("count",))
        return [i for i in rows if "万" not in (form.indicators[i].target or "")]

    found = _row_defect(build, counts)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    pair = quantity_pair(indicator)
    assert pair is not None
    value = (pair.target.value * D("1.35")).to_integral_value() + 1
    indicator.actual = f"{plain(value)}{pair.actual.unit}"
    return _done(build, index, form, "indicator.overachieved", f"indicators[{row}]")


def _counts_rows(form: ProjectForm) -> list[int]:
    return [
        i
        for i, r in enumerate(form.indicators)
        if "数量" in (r.level2 or "")
        and quantity_pair(r) is not None
        and _quantitative(form, skip=i) >= 2
        and r.score == r.weight
    ]


def ind_unquantified(build: Build) -> bool:
    found = _row_defect(build, _counts_rows)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    indicator.target = build.rng.choice(("有所增加", "按计划完成", "较上年有提高"))
    indicator.actual = build.tier_met
    indicator.score, indicator.note = indicator.weight, None
    return _done(build, index, form, "indicator.unquantified", f"indicators[{row}].target")


def ind_vague(build: Build) -> bool:
    def quantitative(form: ProjectForm) -> list[int]:
        return [
            i
            for i, r in enumerate(form.indicators)
            if quantity_pair(r) is not None and _quantitative(form, skip=i) >= 2 and r.score == r.weight
        ]

    found = _row_defect(build, quantitative)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    indicator.actual = build.rng.choice(("已完成", "按计划完成", "全面完成"))
    indicator.score, indicator.note = indicator.weight, None
    return _done(build, index, form, "indicator.vague_actual", f"indicators[{row}].actual")


def ind_placeholder(build: Build) -> bool:
    def wordy(form: ProjectForm) -> list[int]:
        return [i for i, r in enumerate(form.indicators) if quantity_pair(r) is None and r.score == r.weight]

    found = _row_defect(build, wordy)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    indicator.name = indicator.target = indicator.actual = "无"
    indicator.note = None
    return _done(build, index, form, "indicator.placeholder", f"indicators[{row}]")


_OTHER_UNIT = {"人": "人次", "人次": "人", "户": "人", "个": "项", "项": "个", "期": "场", "所": "个", "座": "处"}


def ind_unit(build: Build) -> bool:
    def counts(form: ProjectForm) -> list[int]:
        return [
            i
            for i in _higher_rows(form, ("count",))
            if "万" not in (form.indicators[i].target or "") and _quantitative(form, skip=i) >= 2
        ]

    found = _row_defect(build, counts)
    if found is None:
        return False
    index, form, row = found
    indicator = form.indicators[row]
    pair = quantity_pair(indicator)
    assert pair is not None
    unit = pair.actual.unit
    indicator.actual = f"{plain(pair.actual.value)}{_OTHER_UNIT.get(unit, '项' if unit != '项' else '个')}"
    return _done(build, index, form, "indicator.unit_mismatch", f"indicators[{row}].actual")


def ind_boilerplate_notes(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        if len(form.indicators) < 4:
            continue
        rows = build.rng.sample(range(len(form.indicators)), 3)
        text = build.rng.choice(("严格按照项目实施方案执行，加强过程管理。", "加强监督管理，确保项目顺利实施。"))
        for row in rows:
            form.indicators[row].note = text
        return _done(build, index, form, "indicator.boilerplate", None)
    return False


def ind_boilerplate_copied(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        pairs = [(row, quantity_pair(row)) for row in form.indicators]
        quantitative = [(row, pair) for row, pair in pairs if pair is not None]
        if len(quantitative) < 2:
            continue
        for row, pair in quantitative:
            assert pair is not None
            target = row.target or ""
            number = next((part for part in _numbers(target)), None)
            if number is None:
                break
            row.actual = f"{number}{'%' if pair.target.kind == 'percent' else _unit_written(target, number)}"
            row.note = None
            build.score_row(row)
        else:
            if any(quantity_pair(row) is None for row, _ in quantitative):
                continue
            return _done(build, index, form, "indicator.boilerplate", None)
    return False


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def _unit_written(target: str, number: str) -> str:
    """What follows the number in a target (``≥500人次`` → ``人次``; ``12期以上`` → ``期``)."""
    tail = target.split(number, 1)[1]
    for word in ("以上", "以内", "以下"):
        tail = tail.replace(word, "")
    return tail


# ---- weights and totals ---------------------------------------------------------------------------


def _full_rows(form: ProjectForm, group: str, minimum: int = 4) -> list[int]:
    return [
        i
        for i, r in enumerate(form.indicators)
        if r.level1 == group and r.score == r.weight and (r.weight or ZERO) >= minimum and r.note is None
    ]


def _move(form: ProjectForm, giver: int, taker: int, points: Decimal) -> None:
    for row, delta in ((giver, -points), (taker, points)):
        indicator = form.indicators[row]
        indicator.weight = (indicator.weight or ZERO) + delta
        indicator.score = indicator.weight


def w_level1(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        if not form.level1_weights:
            continue
        takers, givers = _full_rows(form, "产出指标"), _full_rows(form, "效益指标", minimum=6)
        if not takers or not givers:
            continue
        _move(form, build.rng.choice(givers), build.rng.choice(takers), D(build.rng.choice((2, 3, 5))))
        build.expect("weights.level1_stated", index, "level1_weights.效益指标")
        return _done(build, index, form, "weights.level1_stated", "level1_weights.产出指标")
    return False


def w_total(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        rows = _full_rows(form, "产出指标", minimum=6) + _full_rows(form, "效益指标", minimum=6)
        if not rows:
            continue
        row = form.indicators[build.rng.choice(rows)]
        points = D(build.rng.choice((2, 3, 5)))
        row.weight = (row.weight or ZERO) - points
        row.score = row.weight
        if form.level1_weights and row.level1 in form.level1_weights:
            form.level1_weights[row.level1] -= points
        if build.profile.get("level1_weights"):
            build.expect("weights.nonstandard", index, "level1_weights")
        return _done(build, index, form, "weights.total", None)
    return False


def w_nonstandard(build: Build) -> bool:
    if not build.profile.get("level1_weights"):
        return False
    for index in _projects(build):
        form = _project(build, index)
        takers, givers = _full_rows(form, "产出指标"), _full_rows(form, "效益指标", minimum=8)
        if not takers or not givers:
            continue
        points = D(5)
        _move(form, build.rng.choice(givers), build.rng.choice(takers), points)
        if form.level1_weights:
            form.level1_weights["产出指标"] += points
            form.level1_weights["效益指标"] -= points
        return _done(build, index, form, "weights.nonstandard", "level1_weights")
    return False


def total_sum(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        if form.total_score is None:
            continue
        retotal(form, build.profile, grade=False)
        form.total_score += D(build.rng.choice(("1.5", "2", "-3", "4.25")))
        if form.grade is not None:
            form.grade = grade_for(form.total_score, build.profile)
        _take(build, f"form:{index}")
        build.expect("total.sum_mismatch", index, "total_score")
        return True
    return False


def _other_grade(grade: str) -> str:
    return {"优": "良", "良": "优", "中": "良", "差": "中"}[grade]


def total_grade(build: Build) -> bool:
    dept = _framework(build)
    if dept is not None and dept.grade and _free(build, "report:score") and build.rng.random() < 0.3:
        dept.grade = _other_grade(dept.grade)
        _take(build, f"form:{build.dept}")
        _take(build, "report:score")
        build.expect("total.grade_mismatch", build.dept, "grade")
        build.expect("total.grade_mismatch", build.report, "grade")
        return True
    for index in _projects(build):
        form = _project(build, index)
        if form.total_score is None:
            continue
        if _single(build) and not _free(build, "report:score"):
            continue
        form.grade = _other_grade(form.grade or grade_for(form.total_score, build.profile))
        _take(build, f"form:{index}")
        build.expect("total.grade_mismatch", index, "grade")
        if _single(build):
            _take(build, "report:score")
            build.expect("total.grade_mismatch", build.report, "grade")
        return True
    return False


# ---- 部门整体 (framework) --------------------------------------------------------------------------


def _dept_done(build: Build, dept: DepartmentForm, check: str, field: str | None) -> bool:
    restate_subtotals(dept)
    retotal_framework(dept, build.profile)
    assert build.dept is not None
    _take(build, f"form:{build.dept}")
    build.expect(check, build.dept, field)
    return True


def dept_balance(build: Build) -> bool:
    dept = _framework(build)
    if dept is None or dept.overall_funds.balance is None:
        return False
    dept.overall_funds.balance += q2(D(str(build.rng.uniform(5, 40))))
    assert build.dept is not None
    _take(build, f"form:{build.dept}")
    build.expect("dept.balance", build.dept, "funds.balance")
    return True


def dept_subtotal(build: Build) -> bool:
    dept = _framework(build)
    if dept is None:
        return False
    sub = dept.subtotals["过程"]
    sub.score = (sub.score or ZERO) - D(build.rng.choice((1, 2)))
    assert build.dept is not None
    _take(build, f"form:{build.dept}")
    build.expect("dept.subtotal_mismatch", build.dept, "subtotals.过程.score")
    return True


def dept_weight_sum(build: Build) -> bool:
    dept = _framework(build)
    if dept is None:
        return False
    row = build.rng.choice(
        [r for r in dept.indicators if r.name in ("管理制度健全性", "资金使用合规性", "绩效目标合理性")]
    )
    row.weight = (row.weight or ZERO) + D(2)
    dept.total_weight = sum((r.weight or ZERO for r in dept.indicators), ZERO)
    return _dept_done(build, dept, "dept.weight_sum", "indicators[*].weight")


def dept_score_over(build: Build) -> bool:
    dept = _framework(build)
    if dept is None:
        return False
    rows = [
        i for i, r in enumerate(dept.indicators) if r.name in ("资金使用合规性", "预决算信息公开性", "绩效指标明确性")
    ]
    row = build.rng.choice(rows)
    dept.indicators[row].score = (dept.indicators[row].weight or ZERO) + D(1)
    return _dept_done(build, dept, "dept.score_over_weight", f"indicators[{row}].score")


def _staff_row(dept: DepartmentForm) -> int:
    return next(i for i, r in enumerate(dept.indicators) if r.name == "在职人员控制率")


def dept_ratio(build: Build) -> bool:
    dept = _framework(build)
    if dept is None:
        return False
    row = _staff_row(dept)
    quota = build.rng.randint(30, 120)
    staff = quota - build.rng.randint(3, 8)
    stated = min(D(1), D(staff) / D(quota) + D(str(round(build.rng.uniform(0.03, 0.06), 4))))
    dept.indicators[row].basis = f"在职人员{staff}人，编制数{quota}人，在职人员控制率{percent(stated)}"
    return _dept_done(build, dept, "dept.ratio_mismatch", f"indicators[{row}].basis")


def dept_direction(build: Build) -> bool:
    dept = _framework(build)
    if dept is None:
        return False
    row = _staff_row(dept)
    quota = build.rng.randint(20, 80)
    staff = quota + build.rng.randint(2, 6)
    dept.indicators[row].basis = f"在职人员{staff}人，编制数{quota}人，在职人员控制率{percent(D(staff) / D(quota))}"
    dept.indicators[row].score = dept.indicators[row].weight
    return _dept_done(build, dept, "dept.ratio_direction_full", f"indicators[{row}].score")


# ---- text against tables, arithmetic in prose -----------------------------------------------------


def text_report_score(build: Build) -> bool:
    if not _free(build, "report:score"):
        return False
    report = _report(build)
    if _single(build):
        form = _project(build, build.projects[0])
        stated = form.total_score
    else:
        dept = build.forms[build.dept] if build.dept is not None else None
        if not isinstance(dept, DepartmentForm):
            return False
        stated = dept.total_score
    if stated is None:
        return False
    said = stated + D(build.rng.choice(("2", "3.5", "-4", "5")))
    grade = grade_for(said, build.profile)
    build.overrides["report.total_score"] = said
    build.overrides["report.grade"] = grade
    _take(build, "report:score")
    own = _project(build, build.projects[0]).grade if _single(build) else build.forms[build.dept or 0].grade
    if _single(build):
        build.expect("text.table_mismatch", build.report, "projects[0].score")
        if own is not None and own != grade:
            build.expect("text.table_mismatch", build.report, "projects[0].grade")
    else:
        build.expect("text.table_mismatch", build.report, "total_score")
        if own is not None and own != grade:
            build.expect("text.table_mismatch", build.report, "grade")
    assert isinstance(report, ReportForm)
    return True


def text_dept_analysis(build: Build) -> bool:
    dept = _framework(build)
    if dept is None or not _free(build, "dept:analysis"):
        return False
    group = build.rng.choice(("产出", "效果"))
    sub = dept.subtotals[group]
    build.analysis[group] = (sub.score or ZERO) + D(build.rng.choice((1, 2)))
    _take(build, "dept:analysis")
    build.expect("text.table_mismatch", build.dept, None)
    return True


def arith_sum(build: Build) -> bool:
    if not _free(build, "facts:structure"):
        return False
    short = q2(D(str(build.rng.uniform(5, 40))))
    if _single(build):
        form = _project(build, build.projects[0])
        executed = form.funds.total.executed
        if not executed or executed <= short + 1:
            return False
        build.overrides["structure.total"] = executed - short
    else:
        build.facts.structure_total = build.facts.unit_executed - short
    _take(build, "facts:structure")
    build.expect("arith.sum_mismatch", build.report, None)
    return True


def arith_rate(build: Build) -> bool:
    if not _free(build, "plant:arith.rate_mismatch"):
        return False
    budget = q2(D(str(build.rng.uniform(20, 200))))
    spent = q2(budget * D(str(round(build.rng.uniform(0.7, 0.95), 3))))
    wrong = q4(spent / budget) + D(str(round(build.rng.uniform(0.03, 0.08), 4)))
    build.plant(
        build.report,
        f"工作经费预算{money(budget)}万元，实际支出{money(spent)}万元，执行率{percent(wrong)}。",
    )
    _take(build, "plant:arith.rate_mismatch")
    build.expect("arith.rate_mismatch", build.report, None)
    return True


def arith_change(build: Build) -> bool:
    if not _free(build, "plant:arith.change_mismatch"):
        return False
    year = build.year
    last = q2(D(str(build.rng.uniform(20, 120))))
    now = q2(last * D(str(round(build.rng.uniform(1.05, 1.3), 3))))
    wrong = now - last + q2(D(str(build.rng.uniform(1, 6))))
    build.plant(
        build.report,
        f"{year}年公用经费支出{money(now)}万元，较{year - 1}年的{money(last)}万元增加{money(wrong)}万元，"
        f"增长{percent((now - last) / last)}。",
    )
    _take(build, "plant:arith.change_mismatch")
    build.expect("arith.change_mismatch", build.report, None)
    return True


def claim_single(build: Build) -> bool:
    if not _single(build) or not _free(build, f"form:{build.projects[0]}"):
        return False
    index = build.projects[0]
    form = _project(build, index)
    rows = _higher_rows(form)
    if not rows:
        return False
    row = form.indicators[build.rng.choice(rows)]
    _miss(build, row)
    build.score_row(row)
    build.plant(build.report, "综上，项目绩效目标全部完成，取得了良好成效。")
    retotal(form, build.profile, grade=form.grade is not None)
    build.refresh_goals(index)
    _take(build, f"form:{index}")
    build.expect("narrative.unsupported_claim", build.report, "projects[0]")
    return True


def claim_section(build: Build) -> bool:
    if _single(build) or not _free(build, "report:layout"):
        return False
    for position, index in enumerate(build.projects):
        if not _free(build, f"form:{index}"):
            continue
        form = _project(build, index)
        rows = _higher_rows(form)
        if not rows:
            continue
        row = form.indicators[build.rng.choice(rows)]
        _miss(build, row)
        build.score_row(row)
        build.layout.claims.add(position)
        _take(build, "report:layout")
        retotal(form, build.profile, grade=form.grade is not None)
        build.refresh_goals(index)
        _take(build, f"form:{index}")
        build.expect("narrative.unsupported_claim", build.report, f"projects[{position}]")
        return True
    return False


def year_sentence(build: Build) -> bool:
    if not _free(build, "plant:year.mismatch"):
        return False
    slipped = build.year - build.rng.choice((1, 2, 3))
    target = build.accounts if build.accounts is not None and build.rng.random() < 0.3 else build.report
    build.plant(target, f"{slipped}年度我单位部门预算执行情况良好，各项资金均按规定用途使用。")
    _take(build, "plant:year.mismatch")
    build.expect("year.mismatch", target, None)
    return True


def year_form(build: Build) -> bool:
    for index in _projects(build):
        form = _project(build, index)
        form.year = build.year - 1
        _take(build, f"form:{index}")
        build.expect("year.mismatch", index, "year")
        return True
    return False


def _deduction(build: Build) -> bool:
    """Whether the file shows a deduction or a deviation (what 存在问题 must then speak of)."""
    for form in build.forms:
        if isinstance(form, ProjectForm | DepartmentForm):
            if form.funds.rate is not None and form.funds.rate < 1:
                return True
            if any(r.score is not None and r.weight is not None and r.score < r.weight for r in form.indicators):
                return True
    return False


def problems_empty(build: Build) -> bool:
    if not _free(build, "report:layout") or not _deduction(build):
        return False
    build.layout.problems = build.rng.choice(("无。", "无", "暂无"))
    _take(build, "report:layout")
    build.expect("report.problems_empty", build.report, None)
    return True


def section_missing(build: Build) -> bool:
    if not _free(build, "report:layout"):
        return False
    build.layout.omit.add(build.rng.choice(("problems", "measures")))
    _take(build, "report:layout")
    build.expect("report.section_missing", build.report, None)
    return True


def section_missing_dept(build: Build) -> bool:
    dept = _framework(build)
    if dept is None or not _free(build, "dept:analysis"):
        return False
    build.analysis_plain = True
    _take(build, "dept:analysis")
    build.expect("report.section_missing", build.dept, None)
    return True


def residue(build: Build) -> bool:
    if not _free(build, "plant:report.template_residue"):
        return False
    texts = (
        f"{build.year}年度“三公”经费支出较上年增加/减少{money(q2(D(str(build.rng.uniform(0.5, 5)))))}万元。",
        "全年共开展专项督查XX次，发现问题已全部整改。",
        "本年度重点完成了（具体工作）等任务。",
    )
    build.plant(build.report, build.rng.choice(texts))
    _take(build, "plant:report.template_residue")
    build.expect("report.template_residue", build.report, None)
    return True


def three_public(build: Build) -> bool:
    if build.accounts is None or not _free(build, "facts:three_public"):
        return False
    build.facts.three_public_total = sum(build.facts.three_public_parts, ZERO) + q2(D(str(build.rng.uniform(0.5, 3))))
    _take(build, "facts:three_public")
    build.expect("accounts.three_public_breakdown", build.accounts, None)
    return True


def structure(build: Build) -> bool:
    if build.accounts is None or not _free(build, "facts:accounts_spend"):
        return False
    build.facts.accounts_spend = build.facts.unit_executed + q2(D(str(build.rng.uniform(5, 60))))
    _take(build, "facts:accounts_spend")
    build.expect("accounts.structure_sum", build.accounts, None)
    return True


DEFECTS: tuple[Defect, ...] = (
    Defect("funds_rate", "funds.rate_mismatch", funds_rate),
    Defect("funds_score", "funds.score_mismatch", funds_score),
    Defect("funds_rule_unknown", "funds.score_rule_unknown", funds_rule_unknown, narrow=True),
    Defect("funds_denominator", "funds.denominator_initial", funds_denominator),
    Defect("funds_overspent", "funds.overspent", funds_overspent),
    Defect("funds_zero", "funds.zero_budget", funds_zero),
    Defect("funds_sources", "funds.sources_sum", funds_sources),
    Defect("funds_adjusted", "funds.adjusted_budget", funds_adjusted),
    Defect("funds_low_rate", "funds.low_rate_no_reason", funds_low_rate),
    Defect("ind_over_weight", "indicator.score_over_weight", ind_over_weight),
    Defect("ind_score", "indicator.score_mismatch", ind_score),
    Defect("ind_band", "indicator.band_mismatch", ind_band),
    Defect("ind_full_unmet", "indicator.full_score_unmet", ind_full_unmet),
    Defect("ind_reason", "indicator.reason_missing", ind_reason),
    Defect("ind_overachieved", "indicator.overachieved", ind_overachieved),
    Defect("ind_unquantified", "indicator.unquantified", ind_unquantified),
    Defect("ind_vague", "indicator.vague_actual", ind_vague),
    Defect("ind_placeholder", "indicator.placeholder", ind_placeholder),
    Defect("ind_unit", "indicator.unit_mismatch", ind_unit),
    Defect("ind_boilerplate_notes", "indicator.boilerplate", ind_boilerplate_notes),
    Defect("ind_boilerplate_copied", "indicator.boilerplate", ind_boilerplate_copied),
    Defect("w_level1", "weights.level1_stated", w_level1),
    Defect("w_total", "weights.total", w_total),
    Defect("w_nonstandard", "weights.nonstandard", w_nonstandard),
    Defect("total_sum", "total.sum_mismatch", total_sum),
    Defect("total_grade", "total.grade_mismatch", total_grade),
    Defect("dept_balance", "dept.balance", dept_balance, narrow=True),
    Defect("dept_subtotal", "dept.subtotal_mismatch", dept_subtotal, narrow=True),
    Defect("dept_weight_sum", "dept.weight_sum", dept_weight_sum, narrow=True),
    Defect("dept_score_over", "dept.score_over_weight", dept_score_over, narrow=True),
    Defect("dept_ratio", "dept.ratio_mismatch", dept_ratio, narrow=True),
    Defect("dept_direction", "dept.ratio_direction_full", dept_direction, narrow=True),
    Defect("text_report_score", "text.table_mismatch", text_report_score),
    Defect("text_dept_analysis", "text.table_mismatch", text_dept_analysis, narrow=True),
    Defect("arith_sum", "arith.sum_mismatch", arith_sum),
    Defect("arith_rate", "arith.rate_mismatch", arith_rate),
    Defect("arith_change", "arith.change_mismatch", arith_change),
    Defect("claim_single", "narrative.unsupported_claim", claim_single),
    Defect("claim_section", "narrative.unsupported_claim", claim_section, text_only=True),
    Defect("year_sentence", "year.mismatch", year_sentence),
    Defect("year_form", "year.mismatch", year_form),
    Defect("problems_empty", "report.problems_empty", problems_empty, text_only=True),
    Defect("section_missing", "report.section_missing", section_missing, text_only=True),
    Defect("section_missing_dept", "report.section_missing", section_missing_dept, narrow=True),
    Defect("residue", "report.template_residue", residue),
    Defect("three_public", "accounts.three_public_breakdown", three_public, narrow=True),
    Defect("structure", "accounts.structure_sum", structure, narrow=True),
)
BY_NAME: dict[str, Defect] = {defect.name: defect for defect in DEFECTS}


def plant(build: Build, defect: Defect) -> bool:
    """Plant one defect; record its name when it took."""
    before = len(build.expected)
    if not defect.plant(build):
        return False
    build.defects.append(defect.name)
    if defect.text_only:  # what only the plain-text layout shows is expected of that rendering alone
        build.text_expected.extend(build.expected[before:])
        del build.expected[before:]
    return True


__all__ = ["BY_NAME", "DEFECTS", "Defect", "plant"]
