"""Weights and totals: level-1 headers, the 100-point total, the stated 总分 and its grade.

These checks read the weights and scores the form states and add them up; they
never re-score a row (that is the funds and indicator checks' job). Project
forms and 部门整体 forms filled in the project layout carry a funds row and
indicator rows; framework-layout 部门整体 forms and reports with a score table
have their own parts, and the total and grade checks add those up instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from jixiao.checks.registry import Context, Draft, check
from jixiao.model import DepartmentForm, Form, Indicator, ProjectForm, ReportForm, project_layout

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_INAPPLICABLE = ("不适用", "不涉及")
_SLASHES = frozenset({"/", "／", "-", "—", "——", "无"})

# grade words as written → the band name of the profile (优 / 良 / 中 / 差)
GRADE_WORDS: dict[str, str] = {
    "优": "优",
    "优秀": "优",
    "良": "良",
    "良好": "良",
    "中": "中",
    "中等": "中",
    "合格": "中",
    "一般": "中",
    "差": "差",
    "较差": "差",
    "不合格": "差",
}


# ---- small helpers shared by the check modules ---------------------------------------------------


def fmt(value: Decimal | None) -> str:
    """A number as a finance officer writes it: ``40`` not ``40.00``, ``88.74`` kept."""
    if value is None:
        return "（空）"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def plain(value: Decimal) -> int | float:
    """A Decimal as a JSON number (for dicts in ``expected``/``found``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def half_unit(*values: Decimal) -> Decimal:
    """Half a unit of the finest decimal written among ``values`` (``40`` → 0.5, ``88.74`` → 0.005)."""
    places = max((decimals(value) for value in values), default=0)
    return Decimal(5) / (Decimal(10) ** (places + 1))


def as_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def stem(level1: str | None) -> str:
    """``产出指标`` / ``产出`` / ``产出指标 (50分)`` → ``产出``."""
    if not level1:
        return ""
    text = level1.split("(")[0].split("（")[0].strip()
    return text[:-2] if text.endswith("指标") else text


def scored_layout(form: Form) -> ProjectForm | DepartmentForm | None:
    """The form when it is a scored form in the project layout, else None."""
    layout = project_layout(form)
    if layout is None or (isinstance(layout, ProjectForm) and not layout.scored):
        return None
    if layout.funds.weight is None and all(indicator.weight is None for indicator in layout.indicators):
        return None
    return layout


def is_inapplicable(indicator: Indicator) -> bool:
    """A row the form marks as not applying (不适用, or a weightless row of slashes)."""
    texts = (indicator.name, indicator.target, indicator.actual, indicator.note, indicator.basis)
    if any(text and any(word in text for word in _INAPPLICABLE) for text in texts):
        return True
    no_weight = indicator.weight is None or indicator.weight == 0
    marks = [text.strip() for text in (indicator.target, indicator.actual) if text is not None]
    return no_weight and bool(marks) and all(mark in _SLASHES for mark in marks)


def total_line(form: Form) -> int:
    loc = form.provenance.get("total_score")
    return loc.line if loc is not None else form.line


def _score_tolerance(stated: Decimal) -> Decimal:
    """0.01 (RULES.md §2.4), widened to half a unit of the precision the total is written with."""
    return max(_CENT, half_unit(stated))


# ---- weights.level1_stated -----------------------------------------------------------------------


@check("weights.level1_stated", "error", kinds=("project", "department"))
def level1_stated(form: Form, ctx: Context) -> Iterator[Draft]:
    """产出指标 (50分): the rows of a level-1 group add up to the weight in its header."""
    scored = scored_layout(form)
    if scored is None or not scored.level1_weights:
        return
    for group, stated in scored.level1_weights.items():
        rows = [row for row in scored.indicators if stem(row.level1) == stem(group)]
        weights = [row.weight for row in rows if row.weight is not None]
        if not weights:
            continue
        found = sum(weights, Decimal(0))
        if abs(found - stated) < half_unit(found, stated, *weights):
            continue
        yield Draft(
            field=f"level1_weights.{group}",
            line=rows[0].line,
            message=f"{group}表头为 {fmt(stated)} 分，但其下各指标分值合计 {fmt(found)} 分",
            expected=stated,
            found=found,
        )


# ---- weights.total -------------------------------------------------------------------------------


def _rescaled_total(form: ProjectForm | DepartmentForm, weight_sum: Decimal) -> Decimal | None:
    """Σ scores / Σ weights × 100 over the applicable rows (RULES.md §2.8), when it can be computed."""
    rows = [row for row in form.indicators if not is_inapplicable(row)]
    scores = [row.score for row in rows if row.score is not None]
    if not scores or weight_sum <= 0:
        return None
    raw = sum(scores, Decimal(0)) + (form.funds.score or Decimal(0))
    return raw / weight_sum * HUNDRED


@check("weights.total", "error", kinds=("project", "department"))
def weights_total(form: Form, ctx: Context) -> Iterator[Draft]:
    """分值 of the funds row plus every indicator row is 100 (unless 不适用 rows were rescaled)."""
    scored = scored_layout(form)
    if scored is None:
        return
    weights = [row.weight for row in scored.indicators if row.weight is not None]
    if not weights:
        return
    indicator_sum = sum(weights, Decimal(0))
    if scored.funds.weight is None and indicator_sum <= HUNDRED:
        return  # the funds 分值 is not stated: the total cannot be added up
    found = indicator_sum + (scored.funds.weight or Decimal(0))
    if abs(found - HUNDRED) < half_unit(found, *weights):
        return
    if found < HUNDRED and any(is_inapplicable(row) for row in scored.indicators) and scored.total_score is not None:
        rescaled = _rescaled_total(scored, found)
        if rescaled is not None and abs(rescaled - scored.total_score) <= _score_tolerance(scored.total_score):
            return
    if scored.funds.weight is not None:
        added = f"资金分值 {fmt(scored.funds.weight)} 分 + 各指标分值 {fmt(indicator_sum)} 分 = {fmt(found)} 分"
    else:
        added = f"各指标分值合计 {fmt(found)} 分"
    yield Draft(
        field=None,
        line=total_line(scored),
        message=f"各项分值合计应为 100 分，本表为 {added}",
        expected=HUNDRED,
        found=found,
    )


# ---- weights.nonstandard -------------------------------------------------------------------------


def _split(form: ProjectForm | DepartmentForm) -> dict[str, Decimal]:
    """The level-1 split as the form sets it: header weights where stated, else the rows' sum."""
    split: dict[str, Decimal] = {}
    if form.funds.weight is not None:
        split["预算执行率"] = form.funds.weight
    stated = {stem(group): weight for group, weight in (form.level1_weights or {}).items()}
    for row in form.indicators:
        key = stem(row.level1)
        if not key or key in stated or row.weight is None:
            continue
        split[f"{key}指标"] = split.get(f"{key}指标", Decimal(0)) + row.weight
    for key, weight in stated.items():
        split[f"{key}指标"] = weight
    return split


@check("weights.nonstandard", "info", kinds=("project", "department"))
def weights_nonstandard(form: Form, ctx: Context) -> Iterator[Draft]:
    """The level-1 split differs from the profile default (national 10 / 50 / 30 / 10)."""
    scored = scored_layout(form)
    if scored is None:
        return
    raw = ctx.profile.get("level1_weights") or {}
    default = {str(key): value for key, value in ((k, as_decimal(v)) for k, v in raw.items()) if value is not None}
    if not default:
        return
    split = _split(scored)
    if not split or all(stem(key) not in {stem(name) for name in default} for key in split):
        return
    if "预算执行率" not in split:
        default = {key: value for key, value in default.items() if key != "预算执行率"}
    by_stem = {stem(key): value for key, value in split.items()}
    if all(by_stem.get(stem(key)) == value for key, value in default.items()) and len(by_stem) == len(default):
        return
    written = " / ".join(f"{key} {fmt(value)}" for key, value in split.items())
    standard = " / ".join(f"{key} {fmt(value)}" for key, value in default.items())
    yield Draft(
        field="level1_weights",
        line=scored.indicators[0].line if scored.indicators else scored.line,
        message=f"一级指标权重为 {written}，与默认权重 {standard} 不同（特殊情况可调整，请确认有依据）",
        expected={key: plain(value) for key, value in default.items()},
        found={key: plain(value) for key, value in split.items()},
    )


# ---- total.sum_mismatch --------------------------------------------------------------------------


def _parts(form: Form) -> tuple[list[Decimal], str] | None:
    """The stated scores the total should add up, and how to describe them; None when unknown."""
    if isinstance(form, ReportForm):
        if not form.score_breakdown or len(form.score_breakdown) < 2:
            return None
        parts = list(form.score_breakdown.values())
        complete = any(re.search(r"预算|资金|执行", key) for key in form.score_breakdown)
        if not complete and (form.total_score is None or sum(parts, Decimal(0)) <= form.total_score):
            return None  # a table of the indicator groups only: the funds part may simply be left out
        return parts, " + ".join(f"{key} {fmt(value)}" for key, value in form.score_breakdown.items())
    rows = form.indicators
    if any(row.weight and row.score is None and not is_inapplicable(row) for row in rows):
        return None  # a weighted row without a score: the sum would be short for want of a cell
    if isinstance(form, DepartmentForm) and form.layout == "framework":
        scores = [row.score for row in rows if row.score is not None]
        return (scores, "各指标评价得分合计") if scores else None
    scored = scored_layout(form)
    if scored is None:
        return None
    scores = [row.score for row in scored.indicators if row.score is not None]
    if not scores:
        return None
    indicator_sum = sum(scores, Decimal(0))
    if scored.funds.weight is not None:
        if scored.funds.score is None:
            return None
        return [scored.funds.score, *scores], f"资金得分 {fmt(scored.funds.score)} + 各指标得分 {fmt(indicator_sum)}"
    return scores, "各指标得分合计"


@check("total.sum_mismatch", "error", kinds=("project", "department", "report"))
def total_sum(form: Form, ctx: Context) -> Iterator[Draft]:
    """Stated 总分 = funds 得分 + Σ indicator 得分 (a report's score table: Σ of its parts)."""
    stated = form.total_score
    if stated is None:
        return
    found = _parts(form)
    if found is None:
        return
    parts, described = found
    expected = sum(parts, Decimal(0))
    tolerance = _score_tolerance(stated)
    if abs(expected - stated) <= tolerance:
        return
    scored = scored_layout(form)
    if scored is not None and any(is_inapplicable(row) for row in scored.indicators):
        weights = [row.weight for row in scored.indicators if row.weight is not None and not is_inapplicable(row)]
        weight_sum = sum(weights, scored.funds.weight or Decimal(0))
        rescaled = _rescaled_total(scored, weight_sum)
        if rescaled is not None and abs(rescaled - stated) <= tolerance:
            return
    yield Draft(
        field="total_score",
        line=total_line(form),
        message=f"总分写为 {fmt(stated)} 分，但{described}{' =' if '+' in described else '为'} {fmt(expected)} 分",
        expected=expected,
        found=stated,
    )


# ---- total.grade_mismatch ------------------------------------------------------------------------


def grade_for(total: Decimal, bands: dict[str, Any]) -> str:
    """The band a total falls in: the best band whose floor it reaches (half-open, RULES.md §2.9)."""
    floors = sorted(
        ((floor, name) for name, floor in ((n, as_decimal(f)) for n, f in bands.items()) if floor is not None),
        reverse=True,
    )
    for floor, name in floors:
        if total >= floor:
            return name
    return "差"


def _bands(ctx: Context) -> dict[str, Any]:
    bands = ctx.profile.get("grade_bands")
    return dict(bands) if isinstance(bands, dict) and bands else {"优": 90, "良": 80, "中": 60}


def normal_grade(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().strip("“”\"'「」（）()。.：:").strip()
    return GRADE_WORDS.get(key)


@check("total.grade_mismatch", "error", kinds=("project", "department", "report"))
def grade_mismatch(form: Form, ctx: Context) -> Iterable[Draft]:
    """The stated grade is the profile band of the total (national: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差)."""
    if form.total_score is None or form.grade is None:
        return []
    if isinstance(form, ProjectForm) and not form.scored:
        return []
    stated = normal_grade(form.grade)
    if stated is None:
        return []
    bands = _bands(ctx)
    expected = grade_for(form.total_score, bands)
    if expected == stated:
        return []
    rule = "，".join(f"{name}≥{value}" for name, value in bands.items())
    loc = form.provenance.get("grade")
    return [
        Draft(
            field="grade",
            line=loc.line if loc is not None else total_line(form),
            message=f"总分 {fmt(form.total_score)} 分对应等级“{expected}”（{rule}），表中写为“{form.grade}”",
            expected=expected,
            found=form.grade,
        )
    ]
