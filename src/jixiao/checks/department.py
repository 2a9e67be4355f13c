"""部门整体支出绩效自评表 in the framework layout (财预〔2013〕53号): funds, weights, ratios.

The framework form states a funds header (上年结转, 年初预算, 预算调整, 其他调整,
预算执行, 年末结余), rows grouped under 投入 / 过程 / 产出 / 效果 with 参考分值,
设定分值, 计算分析情况 and 评价得分, subtotal rows, and narrative cells. The
ratio checks recompute a ratio only from figures the form itself writes out in
full (a number with its unit), because the 计算分析情况 cells of a dump are often
cut off mid-number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao import vocab
from jixiao.checks.prose import clean_line
from jixiao.checks.registry import Context, Draft, check
from jixiao.checks.totals import as_decimal, fmt, half_unit
from jixiao.model import DepartmentForm, Form, Indicator

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_DEFAULT_RATIO_TOLERANCE = Decimal("0.0001")  # 0.01 percentage points (RULES.md §3 rule 3)


def _framework(form: Form) -> DepartmentForm | None:
    return form if isinstance(form, DepartmentForm) and form.layout == "framework" else None


def _pct(value: Decimal) -> str:
    """A fraction as a percentage with two decimals: 0.83732 → 83.73%."""
    return f"{(value * _HUNDRED).quantize(Decimal('0.01'))}%"


# ---- dept.balance --------------------------------------------------------------------------------


@check("dept.balance", "error", kinds=("department",))
def balance(form: Form, ctx: Context) -> Iterator[Draft]:
    """上年结转 + 年初预算 + 预算调整 + 其他调整 − 预算执行 = 年末结余."""
    dept = _framework(form)
    if dept is None:
        return
    funds = dept.overall_funds
    if funds.initial is None or funds.executed is None or funds.balance is None:
        return
    inflows = [value for value in (funds.carryover, funds.initial, funds.adjustment, funds.other_adjustment) if value]
    expected = sum(inflows, _ZERO) - funds.executed
    written = [v for v in (funds.carryover, funds.initial, funds.adjustment, funds.other_adjustment) if v is not None]
    if abs(expected - funds.balance) < half_unit(funds.executed, funds.balance, *written):
        return
    loc = dept.provenance.get("funds.balance")
    terms = (
        ("上年结转", funds.carryover),
        ("年初预算", funds.initial),
        ("预算调整", funds.adjustment),
        ("其他调整", funds.other_adjustment),
    )
    parts = " + ".join(f"{label} {fmt(value or _ZERO)}" for label, value in terms)
    parts += f" − 预算执行 {fmt(funds.executed)}"
    yield Draft(
        field="funds.balance",
        line=loc.line if loc is not None else dept.line,
        message=f"年末结余应为 {parts} = {fmt(expected)} 万元，表中写为 {fmt(funds.balance)} 万元",
        expected=expected,
        found=funds.balance,
    )


# ---- dept.subtotal_mismatch ----------------------------------------------------------------------


_COLUMNS = (("weight", "设定分值"), ("score", "评价得分"), ("reference_weight", "参考分值"))


def _rows_of(dept: DepartmentForm, group: str) -> list[Indicator]:
    return [row for row in dept.indicators if row.level1 == group]


@check("dept.subtotal_mismatch", "error", kinds=("department",))
def subtotal_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A 投入/过程/产出/效果 subtotal row equals the sum of its rows (设定分值, 评价得分, 参考分值)."""
    dept = _framework(form)
    if dept is None:
        return
    for group, subtotal in dept.subtotals.items():
        rows = _rows_of(dept, group)
        if not rows:
            continue
        for attr, label in _COLUMNS:
            stated: Decimal | None = getattr(subtotal, attr)
            values = [getattr(row, attr) for row in rows]
            present: list[Decimal] = [value for value in values if value is not None]
            if stated is None or not present or len(present) < len(values):
                continue
            found = sum(present, _ZERO)
            if abs(found - stated) < half_unit(stated, *present):
                continue
            loc = dept.provenance.get(f"subtotals.{group}")
            yield Draft(
                field=f"subtotals.{group}.{attr}",
                line=subtotal.line or (loc.line if loc is not None else rows[0].line),
                message=f"{group}小计的{label}写为 {fmt(stated)} 分，但其下各指标{label}合计 {fmt(found)} 分",
                expected=found,
                found=stated,
            )


# ---- dept.weight_sum -----------------------------------------------------------------------------


@check("dept.weight_sum", "error", kinds=("department",))
def weight_sum(form: Form, ctx: Context) -> Iterator[Draft]:
    """Σ 设定分值 = 100, and Σ 参考分值 = 100 where the form has that column."""
    dept = _framework(form)
    if dept is None:
        return
    for attr, label in (("weight", "设定分值"), ("reference_weight", "参考分值")):
        column: list[Decimal | None] = [getattr(row, attr) for row in dept.indicators]
        values = [value for value in column if value is not None]
        if len(values) < 2 or len(values) < len(column):
            continue  # the column is not there, or a cell of it was not read: the sum would be short
        found = sum(values, _ZERO)
        if abs(found - _HUNDRED) < half_unit(found, *values):
            continue
        yield Draft(
            field=f"indicators[*].{attr}",
            line=dept.indicators[0].line,
            message=f"各指标{label}合计应为 100 分，本表合计 {fmt(found)} 分",
            expected=_HUNDRED,
            found=found,
        )


# ---- dept.score_over_weight ----------------------------------------------------------------------


@check("dept.score_over_weight", "error", kinds=("department",))
def score_over_weight(form: Form, ctx: Context) -> Iterator[Draft]:
    """评价得分 ≤ 设定分值 on every row."""
    dept = _framework(form)
    if dept is None:
        return
    for index, row in enumerate(dept.indicators):
        if row.score is None or row.weight is None or row.score <= row.weight:
            continue
        yield Draft(
            field=f"indicators[{index}].score",
            line=row.line,
            message=(
                f"{row.name or row.level2 or '该指标'}：评价得分 {fmt(row.score)} 分超过设定分值 {fmt(row.weight)} 分"
            ),
            expected=row.weight,
            found=row.score,
        )


# ---- ratios stated in the form -------------------------------------------------------------------

_NUMBER = r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|人|名|个)"
_LINK = r"(?:为|是|共|共计|合计|总计|达|达到|:|：|\s){0,3}"
_STATED_TAIL = r"(?:为|是|达到|达|约|:|：|\s){0,3}(?P<pct>-?\d+(?:\.\d+)?)\s*%(?!\s*(?:以上|以下|以内|左右|及以))"
_EQUALS = re.compile(r"[=＝]\s*(?P<pct>-?\d+(?:\.\d+)?)\s*%")
_SEGMENT = re.compile(r"[^。；;！？!?\n\t]+")
_QUOTE = r"[“”\"‘’]?"


@dataclass(frozen=True, slots=True)
class RatioSpec:
    """A framework ratio: how the text names it, and the labels of its two inputs."""

    name: str
    stated: re.Pattern[str]
    numerator: re.Pattern[str]
    denominator: re.Pattern[str]
    absolute: bool = False


def _spec(name: str, stem: str, numerator: str, denominator: str, absolute: bool = False) -> RatioSpec:
    return RatioSpec(
        name=name,
        stated=re.compile(f"(?:{stem})率?{_STATED_TAIL}"),
        numerator=re.compile(f"(?:{numerator}){_LINK}{_NUMBER}"),
        denominator=re.compile(f"(?:{denominator}){_LINK}{_NUMBER}"),
        absolute=absolute,
    )


RATIOS: tuple[RatioSpec, ...] = (
    _spec(
        "预算完成率",
        "预算完成",
        r"(?:预算)?(?:完成|执行)数|实际(?:支出|执行)数?|支出决算数|决算数",
        r"(?:当年|全年|本年度?|调整后的?|变动后的?)?预算(?:数|总额|金额|资金)?(?!完成|执行|调整)",
    ),
    _spec(
        "预算调整率",
        "预算调整",
        r"预算调整(?:数|金额|资金)?|调整(?:预算)?(?:数|金额)",
        r"(?:年初|当年|全年)?预算(?:数|总额|金额)?(?!调整|完成|执行)",
        absolute=True,
    ),
    _spec(
        "在职人员控制率",
        "在职人员控制",
        r"在职(?:人员|职工)(?:总数|人数|数)?",
        r"(?:核定)?编制(?:总数|人数|数)?",
    ),
    _spec(
        "结转结余率",
        "结转结余",
        r"结转结余(?:总额|资金|金额)?",
        r"支出预算(?:数|总额)?|预算(?:支出)?(?:数|总额)",
    ),
    _spec(
        "固定资产利用率",
        "固定资产利用",
        r"在用的?固定资产(?:总额|原值|总值)?",
        r"(?<!在用)(?<!在用的)(?:全部)?固定资产(?:总额|原值|总值)",
    ),
    _spec(
        "三公经费控制率",
        f"{_QUOTE}三公{_QUOTE}经费控制",
        f"{_QUOTE}三公{_QUOTE}经费(?:实际)?(?:支出|决算)(?:数|额)?",
        f"{_QUOTE}三公{_QUOTE}经费预算(?:数)?",
    ),
    _spec(
        "公用经费控制率",
        "公用经费控制",
        r"(?:实际)?公用经费(?:实际)?(?:支出|决算)(?:数)?",
        r"公用经费预算(?:数)?|预算公用经费",
    ),
    _spec(
        "政府采购执行率",
        "政府采购执行",
        r"(?:实际)?政府采购(?:实际)?(?:金额|支出)",
        r"政府采购预算(?:数|金额)?",
    ),
    _spec(
        "重点支出安排率",
        "重点支出安排",
        r"重点(?:项目)?支出(?:总额)?",
        r"(?<!重点)项目(?:总)?支出(?:总额)?",
    ),
)
_BY_NAME = {spec.name: spec for spec in RATIOS}


def _unit_value(value: str, unit: str) -> tuple[Decimal, str]:
    """A figure in a common unit: money in 万元, counts as written."""
    number = Decimal(value)
    if unit == "元":
        return number / Decimal(10_000), "money"
    if unit == "亿元":
        return number * Decimal(10_000), "money"
    if unit == "万元":
        return number, "money"
    return number, "count"


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    kind: str
    start: int
    end: int


def _figures(pattern: re.Pattern[str], text: str) -> list[Figure]:
    found = []
    for match in pattern.finditer(text):
        value, kind = _unit_value(match["value"], match["unit"])
        found.append(Figure(value, kind, match.start(), match.end()))
    return found


def _nearest(figures: list[Figure], position: int, avoid: Figure | None = None) -> Figure | None:
    """The figure closest before ``position`` (else the first after it), not overlapping ``avoid``."""
    usable = [f for f in figures if avoid is None or f.end <= avoid.start or f.start >= avoid.end]
    before = [f for f in usable if f.end <= position]
    if before:
        return before[-1]
    after = [f for f in usable if f.start >= position]
    return after[0] if after else None


def recompute(spec: RatioSpec, text: str, position: int) -> tuple[Decimal, Figure, Figure] | None:
    """The ratio from the two inputs ``text`` writes out in full near ``position``; None if one is missing."""
    numerator = _nearest(_figures(spec.numerator, text), position)
    if numerator is None:
        return None
    denominator = _nearest(_figures(spec.denominator, text), position, avoid=numerator)
    if denominator is None or denominator.kind != numerator.kind or denominator.value == 0:
        return None
    value = numerator.value / denominator.value
    return (abs(value) if spec.absolute else value), numerator, denominator


@dataclass(frozen=True, slots=True)
class Stated:
    """A ratio the form writes (``预算完成率83.73%``), where, and the segment it sits in."""

    spec: RatioSpec
    value: Decimal
    places: int
    line: int
    segment: str
    position: int
    field: str | None


def _segments(text: str) -> Iterator[tuple[str, int]]:
    for match in _SEGMENT.finditer(text):
        yield match.group(), match.start()


def _narrative(dept: DepartmentForm, ctx: Context) -> list[tuple[int, str]]:
    """The form's narrative cells, line by line: the lines above its indicator table (read once per form)."""
    return ctx.cached("dept_narrative", dept, lambda: _read_narrative(dept, ctx))


def _read_narrative(dept: DepartmentForm, ctx: Context) -> list[tuple[int, str]]:
    table = [row.line for row in dept.indicators] + [sub.line for sub in dept.subtotals.values() if sub.line]
    last = (min(table) - 1) if table else (dept.end_line or dept.line)
    out = []
    for number in range(dept.line, min(last, len(ctx.lines)) + 1):
        cells = [clean_line(cell) for cell in ctx.lines[number - 1].split("\t")]
        text = "\t".join(cell for cell in cells if cell)
        if text:
            out.append((number, text))
    return out


def stated_ratios(dept: DepartmentForm, ctx: Context) -> list[Stated]:
    """Every ratio the form states: in a row's 计算分析情况, or in its narrative (read once per form)."""
    return ctx.cached("stated_ratios", dept, lambda: _read_stated_ratios(dept, ctx))


def _read_stated_ratios(dept: DepartmentForm, ctx: Context) -> list[Stated]:
    found: list[Stated] = []
    for index, row in enumerate(dept.indicators):
        spec = _BY_NAME.get(vocab.unquoted(row.name or ""))
        if row.basis is None:
            continue
        basis = clean_line(row.basis)
        for segment, _ in _segments(basis):
            for stated_spec, value, places, position in _stated_in(segment, spec):
                found.append(
                    Stated(stated_spec, value, places, row.line, segment, position, f"indicators[{index}].basis")
                )
    for line, text in _narrative(dept, ctx):
        for segment, _ in _segments(text):
            for stated_spec, value, places, position in _stated_in(segment, None):
                found.append(Stated(stated_spec, value, places, line, segment, position, None))
    return found


def _stated_in(segment: str, row_spec: RatioSpec | None) -> Iterator[tuple[RatioSpec, Decimal, int, int]]:
    if "%" not in segment:
        return  # every stated ratio is written with its percent sign
    named = False
    for spec in RATIOS:
        for match in spec.stated.finditer(segment):
            named = True
            pct = match["pct"]
            yield spec, Decimal(pct) / _HUNDRED, _places(pct), match.start()
    if row_spec is not None and not named:
        # a formula in the row's own 计算分析情况: (在职人员12人/编制数16人)×100%=75%
        for match in _EQUALS.finditer(segment):
            pct = match["pct"]
            yield row_spec, Decimal(pct) / _HUNDRED, _places(pct), match.start()


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _tolerance(ctx: Context, places: int) -> Decimal:
    configured = as_decimal(ctx.profile.get("dept_ratio_tolerance")) or _DEFAULT_RATIO_TOLERANCE
    written = Decimal(5) / (Decimal(10) ** (places + 3))  # half a unit of the last percentage digit
    return max(configured, written)


def _header_candidates(spec: RatioSpec, dept: DepartmentForm) -> list[tuple[Decimal, str]]:
    """The ratio from the funds header, for the ratios the header defines (预算完成率, 预算调整率)."""
    funds = dept.overall_funds
    if funds.initial is None or funds.adjustment is None or funds.other_adjustment is None:
        return []
    adjusted = funds.initial + funds.adjustment + funds.other_adjustment
    out: list[tuple[Decimal, str]] = []
    if spec.name == "预算完成率" and funds.executed is not None:
        described = (
            f"预算执行 {fmt(funds.executed)} ÷ 调整后预算（年初预算 {fmt(funds.initial)}"
            f" + 预算调整 {fmt(funds.adjustment)} + 其他调整 {fmt(funds.other_adjustment)} = {fmt(adjusted)}）"
        )
        if adjusted > 0:
            out.append((funds.executed / adjusted, described))
        if funds.carryover and adjusted + funds.carryover > 0:
            out.append((funds.executed / (adjusted + funds.carryover), described + " 含上年结转"))
    elif spec.name == "预算调整率":
        change = abs(funds.adjustment + funds.other_adjustment)
        for base, label in ((funds.initial, "年初预算"), (adjusted, "调整后预算")):
            if base > 0:
                out.append((change / base, f"预算调整 {fmt(change)} ÷ {label} {fmt(base)}"))
    return out


@check("dept.ratio_mismatch", "error", kinds=("department",))
def ratio_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A ratio the form states differs from the one recomputed from the form's own figures."""
    dept = _framework(form)
    if dept is None:
        return
    for stated in stated_ratios(dept, ctx):
        tolerance = _tolerance(ctx, stated.places)
        own = recompute(stated.spec, stated.segment, stated.position)
        if own is not None:
            value, numerator, denominator = own
            if abs(value - stated.value) > tolerance:
                num_text = stated.segment[numerator.start : numerator.end]
                den_text = stated.segment[denominator.start : denominator.end]
                yield Draft(
                    field=stated.field,
                    line=stated.line,
                    message=(
                        f"{stated.spec.name}写为 {_pct(stated.value)}，但按同处所列“{num_text}”÷“{den_text}”"
                        f"计算应为 {_pct(value)}"
                    ),
                    expected=value.quantize(Decimal("0.0001")),
                    found=stated.value,
                )
                continue
        if own is None and not re.search(r"\d\s*(?:万元|亿元|元)", stated.segment):
            continue  # a target or a bare claim, not a computation: leave it to the reader
        candidates = _header_candidates(stated.spec, dept)
        if not candidates or any(abs(value - stated.value) <= tolerance for value, _ in candidates):
            continue
        value, described = candidates[0]
        yield Draft(
            field=stated.field,
            line=stated.line,
            message=(
                f"{stated.spec.name}写为 {_pct(stated.value)}，但按本表资金情况 {described} 计算应为 {_pct(value)}"
                f"（预算数应为调整后的预算，财预〔2013〕53号）"
            ),
            expected=value.quantize(Decimal("0.0001")),
            found=stated.value,
        )


# ---- dept.ratio_direction_full -------------------------------------------------------------------


def _bounds(ctx: Context) -> dict[str, tuple[str, Decimal]]:
    raw: Any = ctx.profile.get("dept_ratio_bounds") or {}
    out: dict[str, tuple[str, Decimal]] = {}
    for name, entry in dict(raw).items():
        if isinstance(entry, list | tuple) and len(entry) == 2:
            bound = as_decimal(entry[1])
            if bound is not None and entry[0] in ("<=", ">="):
                out[vocab.unquoted(str(name))] = (str(entry[0]), bound)
    return out


_DIRECTION_STEMS: dict[str, re.Pattern[str]] = {
    "三公经费变动率": re.compile(f"{_QUOTE}三公{_QUOTE}经费(?:支出)?变动率?{_STATED_TAIL}"),
    "结转结余变动率": re.compile(f"结转结余变动率?{_STATED_TAIL}"),
}


def _row_ratio(row: Indicator, name: str, stated: list[Stated], narrative: list[str]) -> Decimal | None:
    """The value of the row's ratio: written in its 计算分析情况, else in the narrative."""
    pattern = _DIRECTION_STEMS.get(name)
    if pattern is not None:
        for text in (clean_line(row.basis or ""), *narrative):
            match = pattern.search(text)
            if match:
                return Decimal(match["pct"]) / _HUNDRED
        return None
    own = [s.value for s in stated if s.spec.name == name and s.line == row.line]
    others = [s.value for s in stated if s.spec.name == name and s.line != row.line]
    values = own or others
    return values[0] if values else None


@check("dept.ratio_direction_full", "warning", kinds=("department",))
def ratio_direction_full(form: Form, ctx: Context) -> Iterator[Draft]:
    """A ratio on the bad side (在职人员控制率 > 100%, 预算完成率 < 90%, 三公 rising …) with full marks."""
    dept = _framework(form)
    if dept is None:
        return
    bounds = _bounds(ctx)
    if not bounds:
        return
    stated = stated_ratios(dept, ctx)
    narrative = [text for _, text in _narrative(dept, ctx)]
    for index, row in enumerate(dept.indicators):
        name = vocab.unquoted(row.name or "")
        if name not in bounds or row.weight is None or row.score is None:
            continue
        if row.weight <= 0 or row.score < row.weight:
            continue
        value = _row_ratio(row, name, stated, narrative)
        if value is None:
            continue
        op, bound = bounds[name]
        bad = value > bound if op == "<=" else value < bound
        if not bad:
            continue
        side = "超过" if op == "<=" else "低于"
        yield Draft(
            field=f"indicators[{index}].score",
            line=row.line,
            message=(f"{name}为 {_pct(value)}，{side} {_pct(bound)}，应扣分，但该项得满分 {fmt(row.score)} 分"),
            expected=f"{'≤' if op == '<=' else '≥'}{_pct(bound)}",
            found=row.score,
        )
