"""Indicator checks: the 绩效指标 rows of a project form (and of a 部门整体 form in the project layout).

One small pure function per CHECKS.md id. Scores are recomputed by
:mod:`jixiao.rules.scoring`. Rows of an unscored form (the 绩效目标完成情况表
kind: weight and score blank) never produce score findings; the checks on what
a row says (units, vague actuals, placeholders, copied targets) still apply.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from jixiao import vocab
from jixiao.checks.registry import Context, Draft, check
from jixiao.model import Form, Indicator, ProjectForm, project_layout
from jixiao.parse.numbers import Quantity, comparable, quantities_in
from jixiao.rules.scoring import (
    QuantPair,
    fmt,
    fmt_rate,
    in_band,
    indicator_score,
    is_blank,
    qualitative_band,
    qualitative_tier,
    quantities_of,
    quantity_pair,
    target_met,
    within,
    written_money_unit,
)

KINDS: Final = ("project", "department")
_NAME_PREFIX: Final = re.compile(r"^(?:三级)?指标\s*[:：]\s*")
_NOTE_KEY: Final = re.compile(r"[\s。.,，、;；:：!！“”\"'‘’()（）]")
_SAME_NOTE_ROWS: Final = 3
# a note that says there was no deviation is not a reason repeated by rote
_NO_DEVIATION: Final = re.compile(
    r"^(?:无|没有|未发生|未出现)?(?:偏差|偏离|差异)?$|^(?:不适用|不涉及|无偏差|未偏离|无差异)$"
)


# ---- helpers ---------------------------------------------------------------------------------------


def _rows(form: Form) -> Iterator[tuple[int, Indicator]]:
    found = project_layout(form)
    if found is not None:
        yield from enumerate(found.indicators)


def _scored_rows(form: Form) -> Iterator[tuple[int, Indicator, Decimal, Decimal]]:
    """Rows with both a weight and a score, on a form that scores its rows."""
    found = project_layout(form)
    if found is None or (isinstance(found, ProjectForm) and not found.scored):
        return
    for index, row in enumerate(found.indicators):
        if row.weight is not None and row.score is not None:
            yield index, row, row.weight, row.score


def _line(row: Indicator, *keys: str) -> int:
    for key in keys:
        loc = row.provenance.get(key)
        if loc is not None:
            return loc.line
    return row.line


def _text(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _label(row: Indicator) -> str:
    name = _text(_bare_name(row)) or _text(row.level2) or _text(row.level1) or "（未命名指标）"
    return f"「{name}」" if "“" in name or "”" in name else f"“{name}”"


def _bare_name(row: Indicator) -> str | None:
    return None if row.name is None else _NAME_PREFIX.sub("", vocab.nfkc(row.name))


def _full(score: Decimal, weight: Decimal) -> bool:
    return score >= weight or within(weight, score)


def _comparison(row: Indicator, pair: QuantPair) -> str:
    verb = "已达到" if target_met(pair) else "未达到"
    return f"实际完成 {_text(row.actual)}{verb}目标 {_text(row.target)}"


def _overachieved(pair: QuantPair, ratio: Decimal) -> bool:
    t, a = pair.target.value, pair.actual.value
    return pair.direction in ("higher", "equal") and t > 0 and a >= ratio * t


def _ratio(ctx: Context) -> Decimal:
    return Decimal(str(ctx.profile.get("overachieve_ratio", 1.2)))


def _manual(pair: QuantPair, ctx: Context) -> bool:
    """A missed target the profile leaves to manual scoring (Hebei/Tianjin: reverse and equal rows)."""
    manual = ctx.profile.get("manual_when_missed") or []
    op = "<=" if pair.op == "<" else ">=" if pair.op == ">" else pair.op
    if op == "=" and op in manual:
        return pair.actual.value != pair.target.value  # an equal-to row off its value in either direction
    return not target_met(pair) and op in manual


def _non_date(text: str | None) -> list[Quantity]:
    if text is None:
        return []
    return [quantity for quantity in quantities_in(text) if quantity.kind != "date"]


def _quantity_text(row: Indicator) -> str:
    found = quantities_of(row)
    if found is None:
        return _text(row.actual)
    actual = found[1]
    if actual.kind == "percent":
        return fmt_rate(actual.value)
    unit = "万元" if actual.kind == "money" else actual.unit
    return f"{fmt(actual.value)}{unit}"


def _unit_text(quantity: Quantity, written: str | None) -> str:
    if quantity.kind == "money":
        return written or "万元"
    if quantity.kind == "percent":
        return "%"
    return quantity.unit or "（无单位）"


# ---- score checks ----------------------------------------------------------------------------------


@check("indicator.score_over_weight", "error", kinds=KINDS)
def score_over_weight(form: Form, ctx: Context) -> Iterator[Draft]:
    """得分 > 分值."""
    for index, row, weight, score in _scored_rows(form):
        if score > weight:
            yield Draft(
                field=f"indicators[{index}].score",
                line=_line(row, "score"),
                message=f"{_label(row)}：得分 {fmt(score)} 分超过该指标分值 {fmt(weight)} 分",
                expected=weight,
                found=score,
            )


@check("indicator.score_mismatch", "error", kinds=KINDS)
def score_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A quantitative row scored differently from the profile formula."""
    for index, row, weight, score in _scored_rows(form):
        explanation = indicator_score(row, ctx.profile)
        pair = quantity_pair(row)
        if explanation is None or pair is None or score > weight or _manual(pair, ctx):
            continue
        expected = explanation.result
        if not isinstance(expected, Decimal) or within(expected, score):
            continue
        variant = explanation.parameters.get("可接受变体")
        if isinstance(variant, Decimal) and within(variant, score):
            continue
        met = target_met(pair)
        if not met and _full(score, weight):
            continue  # full marks for a missed target: indicator.full_score_unmet says it
        if met and _overachieved(pair, _ratio(ctx)) and not is_blank(row.note):
            continue  # S1 lets a score be cut when a target was set too low, with the reason given
        yield Draft(
            field=f"indicators[{index}].score",
            line=_line(row, "score"),
            message=(
                f"{_label(row)}：{_comparison(row, pair)}，按规则应得 {fmt(expected)} 分"
                f"（满分 {fmt(weight)} 分，{explanation.rule}），表中填 {fmt(score)} 分"
            ),
            expected=expected,
            found=score,
        )


@check("indicator.band_mismatch", "error", kinds=KINDS)
def band_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A qualitative tier (达成 / 部分达成 / 未达成) with a score outside the tier's band."""
    for index, row, weight, score in _scored_rows(form):
        if quantity_pair(row) is not None:
            continue
        tier = qualitative_tier(row, ctx.profile)
        band = qualitative_band(row, ctx.profile)
        if tier is None or band is None or in_band(score, band, tier):
            continue
        low, high = band
        upper = f"{fmt(high)} 分" if tier == "达成" else f"{fmt(high)} 分（不含）"
        yield Draft(
            field=f"indicators[{index}].score",
            line=_line(row, "score"),
            message=(
                f"{_label(row)}：实际完成值为“{_text(row.actual)}”（{tier}），得分应在 {fmt(low)} 分至 {upper}"
                f"之间（分值 {fmt(weight)} 分），表中填 {fmt(score)} 分"
            ),
            expected=[low, high],
            found=score,
        )


@check("indicator.full_score_unmet", "error", kinds=KINDS)
def full_score_unmet(form: Form, ctx: Context) -> Iterator[Draft]:
    """The actual misses the target in its direction, but the row has full marks."""
    for index, row, weight, score in _scored_rows(form):
        pair = quantity_pair(row)
        if pair is None or target_met(pair) or not _full(score, weight) or weight <= 0 or _manual(pair, ctx):
            continue
        explanation = indicator_score(row, ctx.profile)
        expected = explanation.result if explanation is not None else None
        rule = f"，按规则应得 {fmt(expected)} 分" if isinstance(expected, Decimal) else ""
        yield Draft(
            field=f"indicators[{index}].score",
            line=_line(row, "score"),
            message=f"{_label(row)}：{_comparison(row, pair)}，却给了满分 {fmt(weight)} 分{rule}（自评结果虚高）",
            expected=expected,
            found=score,
        )


# ---- explanations ------------------------------------------------------------------------------------


@check("indicator.reason_missing", "warning", kinds=KINDS)
def reason_missing(form: Form, ctx: Context) -> Iterator[Draft]:
    """Score below weight, or target missed, and 偏差原因分析 blank / 无 / / / —."""
    scored = project_layout(form)
    unscored_form = isinstance(scored, ProjectForm) and not scored.scored
    for index, row in _rows(form):
        if not is_blank(row.note):
            continue
        why: str | None = None
        if not unscored_form and row.weight is not None and row.score is not None and row.score < row.weight:
            why = f"得分 {fmt(row.score)} 分低于分值 {fmt(row.weight)} 分"
        else:
            pair = quantity_pair(row)
            tier = qualitative_tier(row, ctx.profile)
            if pair is not None and not target_met(pair):
                why = _comparison(row, pair)
            elif pair is None and tier in ("部分达成", "未达成"):
                why = f"实际完成值为“{_text(row.actual)}”"
        if why is None:
            continue
        yield Draft(
            field=f"indicators[{index}].note",
            line=_line(row, "note", "score", "actual"),
            message=f"{_label(row)}：{why}，但未填写偏差原因分析及改进措施",
            expected="偏差原因及改进措施",
            found=row.note,
        )


@check("indicator.overachieved", "warning", kinds=KINDS)
def overachieved(form: Form, ctx: Context) -> Iterator[Draft]:
    """Higher-is-better actual ≥ 1.2 × target with full marks and no note: the target was probably set too low."""
    ratio = _ratio(ctx)
    for index, row, weight, score in _scored_rows(form):
        pair = quantity_pair(row)
        if pair is None or not _overachieved(pair, ratio) or not _full(score, weight) or not is_blank(row.note):
            continue
        share = fmt_rate(pair.actual.value / pair.target.value)
        yield Draft(
            field=f"indicators[{index}]",
            line=_line(row, "actual", "score"),
            message=(
                f"{_label(row)}：实际完成 {_text(row.actual)}，为目标 {_text(row.target)} 的 {share}"
                f"（≥{fmt_rate(ratio)}），得满分且未作说明，年度指标值可能设定偏低"
            ),
            expected=ratio * pair.target.value,
            found=pair.actual.value,
        )


# ---- what a row says ---------------------------------------------------------------------------------


def _counts_or_costs(row: Indicator) -> str | None:
    for label in (row.level2, row.level1):
        if label and "成本" in label:
            return "成本"
    for label in (row.level2, row.level1):
        if label and "数量" in label:
            return "数量"
    return None


@check("indicator.unquantified", "warning", kinds=KINDS)
def unquantified(form: Form, ctx: Context) -> Iterator[Draft]:
    """A 数量 or 成本 row whose target states no number."""
    for index, row in _rows(form):
        kind = _counts_or_costs(row)
        if kind is None or is_blank(row.target) or _non_date(row.target):
            continue
        yield Draft(
            field=f"indicators[{index}].target",
            line=_line(row, "target"),
            message=f"{_label(row)}：{kind}指标的年度指标值“{_text(row.target)}”没有量化，未写明具体数值",
            expected="量化的指标值",
            found=row.target,
        )


@check("indicator.vague_actual", "warning", kinds=KINDS)
def vague_actual(form: Form, ctx: Context) -> Iterator[Draft]:
    """The target is a quantity (not a date) but the actual is a phrase that states none."""
    for index, row in _rows(form):
        if is_blank(row.actual) or not _non_date(row.target) or _non_date(row.actual):
            continue
        yield Draft(
            field=f"indicators[{index}].actual",
            line=_line(row, "actual"),
            message=(
                f"{_label(row)}：年度指标值“{_text(row.target)}”是具体数值，"
                f"实际完成值却写作“{_text(row.actual)}”，未写明实际完成了多少"
            ),
            expected="实际完成的数值",
            found=row.actual,
        )


@check("indicator.placeholder", "warning", kinds=KINDS)
def placeholder(form: Form, ctx: Context) -> Iterator[Draft]:
    """A row whose name or target is 无 or blank carries weight."""
    for index, row in _rows(form):
        if row.weight is None or row.weight <= 0:
            continue
        if not (is_blank(_bare_name(row)) or is_blank(row.target)):
            continue
        what = "指标名称" if is_blank(_bare_name(row)) else "年度指标值"
        written = _text(row.name if what == "指标名称" else row.target) or "空白"
        group = _text(row.level2) or _text(row.level1) or "指标"
        yield Draft(
            field=f"indicators[{index}]",
            line=_line(row, "name", "target", "weight"),
            message=f"{group}中有一行{what}为“{written}”，却设置了 {fmt(row.weight)} 分分值（无实际内容的占位指标）",
            expected=None,
            found=row.weight,
        )


@check("indicator.unit_mismatch", "warning", kinds=KINDS)
def unit_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """Target and actual are numbers in different units (万元 vs 元, % vs 人)."""
    for index, row in _rows(form):
        found = quantities_of(row)
        if found is None:
            continue
        target, actual = found
        target_unit, actual_unit = written_money_unit(row.target), written_money_unit(row.actual)
        money_spelling = target.kind == actual.kind == "money" and target_unit != actual_unit
        if comparable(target, actual) and not (money_spelling and target_unit and actual_unit):
            continue
        yield Draft(
            field=f"indicators[{index}].actual",
            line=_line(row, "actual", "target"),
            message=(
                f"{_label(row)}：年度指标值“{_text(row.target)}”与实际完成值“{_text(row.actual)}”单位不一致"
                f"（{_unit_text(target, target_unit)} 与 {_unit_text(actual, actual_unit)}）"
            ),
            expected=_unit_text(target, target_unit),
            found=_unit_text(actual, actual_unit),
        )


@check("indicator.boilerplate", "warning", kinds=KINDS)
def boilerplate(form: Form, ctx: Context) -> Iterator[Draft]:
    """The same 偏差原因 on three or more rows, or every quantitative actual equal to its target."""
    notes: dict[str, list[tuple[int, Indicator]]] = defaultdict(list)
    equal: list[tuple[int, Indicator]] = []
    quantitative = 0
    for index, row in _rows(form):
        if not is_blank(row.note):
            key = _NOTE_KEY.sub("", vocab.nfkc(row.note or ""))
            if key and not _NO_DEVIATION.match(key):
                notes[key].append((index, row))
        found = quantities_of(row)
        if found is None or not comparable(*found):
            continue
        quantitative += 1
        if found[0].value == found[1].value:
            equal.append((index, row))
    for rows in notes.values():
        if len(rows) >= _SAME_NOTE_ROWS:
            numbers = "、".join(str(index + 1) for index, _ in rows)
            yield Draft(
                field=None,
                line=_line(rows[0][1], "note"),
                message=f"第 {numbers} 项指标的偏差原因分析完全相同（“{_text(rows[0][1].note)}”），疑似套话",
                expected=None,
                found=len(rows),
            )
    if quantitative >= 2 and len(equal) == quantitative:
        listed = "、".join(_quantity_text(row) for _, row in equal)
        yield Draft(
            field=None,
            line=_line(equal[0][1], "target", "actual"),
            message=f"全部 {quantitative} 项定量指标的实际完成值都与年度指标值相同（{listed}），疑似照抄目标值",
            expected=None,
            found=quantitative,
        )
