"""The scoring engine: every recomputed number together with how it was computed.

In the manner of OpenFisca's tracer, each score is an :class:`Explanation`:
the rule in words (Chinese, as a finance officer reads it), the parameters the
profile supplied, the inputs read from the form, the result and the reference
(文号) the rule comes from. Checks compare ``result`` with the stated value;
``jixiao explain`` prints the whole explanation beside it.

All arithmetic is ``Decimal``; money is in 万元 and rates are fractions.
Rules (RULES.md):

* budget execution (§2.3): rate = 全年执行数 ÷ 全年预算数 of the 年度资金总额 row;
  score = min(rate, cap) × 分值 to 2 decimals, or the profile's tiers; A = 0 gives 0
  (a profile with ``zero_budget_full`` gives full marks when A = B = 0);
* quantitative indicators (§2.4): higher-is-better ``a ≥ t → w, else w·a/t``;
  lower-is-better ``a ≤ t → w``, else falling linearly to 0 at 2t (the t/a variant
  accepted); ``=`` as higher-is-better, with t = 0 meaning "none at all";
* qualitative indicators (§2.5, §8.5): a tier word in the actual puts the score
  in a band of the weight (达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%));
* grades (§2.9) and the rounding tolerance (§8.11).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final, Literal

from jixiao import vocab
from jixiao.model import DepartmentForm, Form, Indicator, ProjectForm, ProjectFunds, ReportForm, project_layout
from jixiao.parse.numbers import Op, Quantity, comparable, quantities_in
from jixiao.rules.profile import Profile, load_profile

__all__ = [
    "BLANK_WORDS",
    "CANDIDATE_LABELS",
    "Direction",
    "Explanation",
    "QuantPair",
    "Tier",
    "decimals_shown",
    "execution_rate",
    "execution_score",
    "execution_score_candidates",
    "explain_form",
    "fmt",
    "fmt_rate",
    "grade_for",
    "in_band",
    "indicator_direction",
    "indicator_score",
    "is_blank",
    "qualitative_band",
    "qualitative_tier",
    "quantities_of",
    "quantity_pair",
    "round2",
    "score_tolerance",
    "target_met",
    "tolerance",
    "within",
    "written_money_unit",
]

Direction = Literal["higher", "lower", "equal"]
Tier = Literal["达成", "部分达成", "未达成"]

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)
CENT: Final = Decimal("0.01")
TENTH: Final = Decimal("0.1")
_WAN_FACTOR: Final[dict[str, Decimal]] = {
    "亿元": Decimal(10_000),
    "万元": ONE,
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
_RATE_BARE_MAX: Final = Decimal("1.5")

# what a cell says when it says nothing (RULES.md §6 ind.deviation_reason_missing)
BLANK_WORDS: Final = frozenset(
    {"", "无", "暂无", "没有", "/", "／", "\\", "-", "－", "—", "——", "–", "null", "none", "n/a", "na"}
)

CANDIDATE_LABELS: Final[dict[str, str]] = {
    "proportional": "按比例（全年预算数为分母）",
    "tiered": "分档（全年预算数为分母）",
    "initial": "按比例（年初预算数为分母）",
    "tiered_initial": "分档（年初预算数为分母）",
}

_DIRECTION_WORDS: Final[dict[str, str]] = {"higher": "正向（越高越好）", "lower": "反向（越低越好）", "equal": "等于"}
# words of a lower-is-better indicator when the target writes no comparison (RULES.md §2.4: 成本, 投诉率, 时长)
_REVERSE_NAME: Final = re.compile(r"成本|投诉|事故|差错|失误|违规|违纪|超支|发生率|死亡率|返工|损失|时长|用时|耗时")


# ---- the explanation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one number was computed: rule, parameters, inputs, result, reference.

    ``result`` is the recomputed value (a grade for the grade line), None when the
    form gives too little to compute one (the rule then says why).
    """

    rule: str
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    result: Decimal | str | None = None
    reference: str | None = None


# ---- numbers, rounding and tolerance --------------------------------------------------------------


def round2(value: Decimal, places: int = 2) -> Decimal:
    """Half-up rounding to ``places`` decimals (C1 uses ROUND)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimals_shown(value: Decimal) -> int:
    """How many decimals a stated value shows (``9.5`` → 1, ``10.00`` → 2, ``10`` → 0)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def tolerance(stated: Decimal | None) -> Decimal:
    """RULES.md §8.11: ±0.01, widened to ±0.1 when the stated value shows exactly 1 decimal."""
    return TENTH if stated is not None and decimals_shown(stated) == 1 else CENT


def score_tolerance(*stated: Decimal | None) -> Decimal:
    """The tolerance for a set of stated values: 0.1 only when the finest of them shows 1 decimal."""
    places = [decimals_shown(value) for value in stated if value is not None]
    return TENTH if places and max(places) == 1 else CENT


def within(expected: Decimal, stated: Decimal, margin: Decimal | None = None) -> bool:
    """``stated`` equals ``expected`` up to the tolerance (the stated value's, unless given)."""
    return abs(expected - stated) <= (tolerance(stated) if margin is None else margin)


def fmt(value: Decimal | None) -> str:
    """A number as a finance officer writes it: ``10`` not ``10.00``, ``6.24`` kept."""
    if value is None:
        return "（空）"
    if value == value.to_integral_value():
        return str(value.quantize(ONE))
    return format(value.normalize(), "f")


def fmt_rate(rate: Decimal | None) -> str:
    """A fraction as a percentage to 2 decimals at most (``0.9125`` → ``91.25%``)."""
    if rate is None:
        return "（空）"
    return f"{fmt(round2(rate * HUNDRED))}%"


def _dec(value: Any) -> Decimal | None:
    """A profile value (TOML float or int) as an exact Decimal."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@lru_cache(maxsize=16384)
def is_blank(text: str | None) -> bool:
    """A cell that states nothing: empty, 无, a slash or a dash."""
    if text is None:
        return True
    key = re.sub(r"\s+", "", vocab.nfkc(text)).strip("。.,，;；:：")
    return key.lower() in BLANK_WORDS


# ---- budget execution ------------------------------------------------------------------------------


def execution_rate(funds: ProjectFunds) -> Decimal | None:
    """全年执行数 ÷ 全年预算数 of the 年度资金总额 row (exact); None when unknown or A = 0."""
    budget, executed = funds.total.budget, funds.total.executed
    if budget is None or executed is None or budget == 0:
        return None
    return executed / budget


def _execution_parameters(profile: Profile) -> dict[str, Any]:
    raw = profile.get("execution_score") or {}
    return dict(raw) if isinstance(raw, dict) else {}


def _tiers(raw: Any) -> list[tuple[Decimal, Decimal]]:
    """``[[1.0, 10], [0.8, 7], …]`` → exact pairs, highest bound first."""
    out: list[tuple[Decimal, Decimal]] = []
    for entry in raw or ():
        if isinstance(entry, Sequence) and len(entry) == 2:
            low, points = _dec(entry[0]), _dec(entry[1])
            if low is not None and points is not None:
                out.append((low, points))
    return sorted(out, key=lambda pair: pair[0], reverse=True)


def _tier_score(rate: Decimal, tiers: list[tuple[Decimal, Decimal]], tier_weight: Decimal, weight: Decimal) -> Decimal:
    """The points of the first tier the rate reaches, scaled when the form's 分值 differs from the table's."""
    for low, points in tiers:
        if rate >= low:
            return round2(points * weight / tier_weight) if tier_weight and tier_weight != weight else points
    return ZERO


def _tiers_text(tiers: list[tuple[Decimal, Decimal]]) -> str:
    parts = [f"执行率≥{fmt_rate(low)}得{fmt(points)}分" for low, points in tiers if low > 0]
    return "，".join(parts) + "，其余0分"


def _proportional(rate: Decimal, cap: Decimal, weight: Decimal, places: int) -> Decimal:
    return round2(min(max(rate, ZERO), cap) * weight, places)


def execution_score(funds: ProjectFunds, profile: Profile) -> Explanation:
    """The funds 得分 by the profile's rule (RULES.md §2.3), explained.

    The form's own 分值 is used; the profile weight only when the form states none.
    """
    params = _execution_parameters(profile)
    method = str(params.get("method", "proportional"))
    stated_weight = funds.weight
    weight = stated_weight if stated_weight is not None else _dec(params.get("weight")) or Decimal(10)
    cap = _dec(params.get("cap")) or ONE
    places = int(params.get("decimals", 2))
    budget, executed = funds.total.budget, funds.total.executed
    reference = profile.reference("execution_score")
    parameters: dict[str, Any] = {
        "方法": "分档" if method == "tiered" else "按比例",
        "分值": weight,
        "分值来源": "表内分值" if stated_weight is not None else "规则配置",
    }
    inputs: dict[str, Any] = {"全年预算数(A)": budget, "全年执行数(B)": executed}
    if budget is None or executed is None:
        return Explanation("无法复算：缺少全年预算数或全年执行数", parameters, inputs, None, reference)
    if budget == 0:
        if profile.get("zero_budget_full", False) and executed == 0:
            return Explanation(
                "全年预算数与执行数均为 0：执行率视为 100%，得满分",
                {**parameters, "A=B=0 视为满分": True},
                inputs,
                weight,
                profile.reference("zero_budget_full") or reference,
            )
        return Explanation("全年预算数为 0：执行率按 0 计，得 0 分", parameters, inputs, ZERO, reference)
    rate = executed / budget
    inputs["执行率(B/A)"] = round2(rate, 4)
    if method == "tiered":
        tiers = _tiers(params.get("tiers"))
        tier_weight = _dec(params.get("weight")) or weight
        parameters.update({"档位": _tiers_text(tiers), "档位分值基准": tier_weight})
        result = _tier_score(rate, tiers, tier_weight, weight)
        return Explanation(f"分档：{_tiers_text(tiers)}", parameters, inputs, result, reference)
    parameters.update({"封顶": fmt_rate(cap), "小数位": places})
    if profile.get("execution_score_known", True) is False:
        parameters["规则状态"] = "本地区规则未明确，按全国默认（按比例）复算，另列候选规则"
    result = _proportional(rate, cap, weight, places)
    return Explanation(
        f"按比例：min(执行率, {fmt_rate(cap)})×分值，保留{places}位小数", parameters, inputs, result, reference
    )


def _candidate_tiers(profile: Profile) -> tuple[list[tuple[Decimal, Decimal]], Decimal]:
    """The tier table to try: the profile's own, else Jiangxi's (RULES.md §5.1 (a))."""
    params = _execution_parameters(profile)
    if params.get("method") == "tiered":
        return _tiers(params.get("tiers")), _dec(params.get("weight")) or Decimal(10)
    other = _execution_parameters(load_profile("jiangxi", profile.year))
    return _tiers(other.get("tiers")), _dec(other.get("weight")) or Decimal(10)


def execution_score_candidates(funds: ProjectFunds, profile: Profile) -> dict[str, Decimal]:
    """The scores the plausible rules give (RULES.md §5.1, §8.1–8.2), keyed as :data:`CANDIDATE_LABELS`.

    ``proportional`` and ``tiered`` divide by 全年预算数; ``initial`` and
    ``tiered_initial`` by 年初预算数. A candidate whose denominator is unknown or 0 is left out.
    """
    params = _execution_parameters(profile)
    weight = funds.weight if funds.weight is not None else _dec(params.get("weight")) or Decimal(10)
    cap = _dec(params.get("cap")) or ONE
    tiers, tier_weight = _candidate_tiers(profile)
    executed = funds.total.executed
    out: dict[str, Decimal] = {}
    if executed is None:
        return out
    for key, denominator in (("", funds.total.budget), ("initial", funds.total.initial)):
        if denominator is None or denominator <= 0:
            continue
        rate = executed / denominator
        out["initial" if key else "proportional"] = _proportional(rate, cap, weight, 2)
        out["tiered_initial" if key else "tiered"] = _tier_score(rate, tiers, tier_weight, weight)
    return out


# ---- quantitative indicators -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuantPair:
    """A target and an actual that can be compared, with the direction the target implies."""

    target: Quantity
    actual: Quantity
    direction: Direction
    op: Op | None
    explicit: bool  # the direction comes from a comparison written in the target


def _written_money_factor(text: str) -> Decimal:
    """The 万元 factor of the money unit written in ``text`` (万元 when none is written)."""
    unit = written_money_unit(text)
    return _WAN_FACTOR[unit] if unit else ONE


@lru_cache(maxsize=16384)
def _single(text: str | None) -> Quantity | None:
    """The one quantity (not a date) a cell states; None when none, or when several different ones."""
    if text is None or is_blank(text):
        return None
    found = [quantity for quantity in quantities_in(text) if quantity.kind != "date"]
    if not found:
        return None
    first = found[0]
    if any((quantity.value, quantity.unit) != (first.value, first.unit) for quantity in found[1:]):
        return None
    return first


def _as_percent(quantity: Quantity) -> Quantity:
    value = quantity.value if abs(quantity.value) <= _RATE_BARE_MAX else quantity.value / HUNDRED
    return Quantity(quantity.op, value, "%", quantity.approx, "percent")


def _harmonize(target: Quantity, actual: Quantity, target_text: str, actual_text: str) -> tuple[Quantity, Quantity]:
    """A bare number beside a percentage is a percentage; beside money it is in the money's written unit."""
    if target.kind == "percent" and actual.kind == "plain":
        actual = _as_percent(actual)
    elif actual.kind == "percent" and target.kind == "plain":
        target = _as_percent(target)
    elif target.kind == "money" and actual.kind == "plain":
        factor = _written_money_factor(target_text)
        actual = Quantity(actual.op, actual.value * factor, "万元", actual.approx, "money")
    elif actual.kind == "money" and target.kind == "plain":
        factor = _written_money_factor(actual_text)
        target = Quantity(target.op, target.value * factor, "万元", target.approx, "money")
    return target, actual


def _is_cost(indicator: Indicator) -> bool:
    return any("成本" in (label or "") for label in (indicator.level1, indicator.level2))


def _direction(op: Op | None, indicator: Indicator) -> tuple[Direction, bool]:
    if op in (">=", ">"):
        return "higher", True
    if op in ("<=", "<"):
        return "lower", True
    if op == "=":
        return "equal", True
    if _is_cost(indicator) or _REVERSE_NAME.search(indicator.name or ""):
        return "lower", False
    return "higher", False


def written_money_unit(text: str | None) -> str | None:
    """The money unit as written (亿元 / 万元 / 千元 / 元), None when the text writes none."""
    if not text:
        return None
    match = re.search(r"亿元|万元|千元|元", vocab.nfkc(text))
    return match.group(0) if match else None


def quantities_of(indicator: Indicator) -> tuple[Quantity, Quantity] | None:
    """Target and actual when each states one quantity (not a date), a bare number read in the other's unit.

    The two may still be in different units: see :func:`quantity_pair` for a comparable pair.
    """
    target_text, actual_text = indicator.target, indicator.actual
    if target_text is None or actual_text is None:
        return None
    return _quantities(target_text, actual_text)


@lru_cache(maxsize=16384)
def _quantities(target_text: str, actual_text: str) -> tuple[Quantity, Quantity] | None:
    """:func:`quantities_of` by the two texts: every check and the scorer ask it of every row."""
    target, actual = _single(target_text), _single(actual_text)
    if target is None or actual is None:
        return None
    return _harmonize(target, actual, target_text, actual_text)


def quantity_pair(indicator: Indicator) -> QuantPair | None:
    """Target and actual as comparable quantities (dates, hedged 约/左右 targets and mixed units excluded)."""
    found = quantities_of(indicator)
    if found is None:
        return None
    target, actual = found
    if target.approx and target.op is None:  # 40 人左右: no rule says when it is missed
        return None
    if not comparable(target, actual):
        return None
    direction, explicit = _direction(target.op, indicator)
    return QuantPair(target, actual, direction, target.op, explicit)


def indicator_direction(indicator: Indicator) -> str | None:
    """``higher`` / ``lower`` / ``equal`` for a quantitative row, None for a qualitative one.

    The comparison written in the target decides (≥ > → higher, ≤ < → lower, = → equal);
    with none written the row is higher-is-better, except a 成本 row or a name such as
    投诉率 / 事故 / 时长 (RULES.md §2.4), which is lower-is-better.
    """
    pair = quantity_pair(indicator)
    return None if pair is None else pair.direction


def target_met(pair: QuantPair) -> bool:
    """Whether the actual reaches the target in its direction (a negative actual counts as 0)."""
    t, a = pair.target.value, max(pair.actual.value, ZERO)
    if pair.direction == "lower":
        return a <= t
    if pair.direction == "equal" and t == 0:
        return a <= 0
    return a >= t


def _short_of_full(value: Decimal, weight: Decimal) -> Decimal:
    """A missed target never rounds up to full marks (only meeting it earns them, S1)."""
    if value >= weight and weight > 0:
        return max(weight - CENT, ZERO)
    return value


def _quant_scores(pair: QuantPair, weight: Decimal) -> tuple[Decimal | None, Decimal | None, str]:
    """(score, accepted alternative score, formula in words)."""
    t, a = pair.target.value, max(pair.actual.value, ZERO)
    if weight <= 0:
        return ZERO, None, "分值为 0"
    if pair.direction == "lower":
        if t < 0:
            return None, None, "目标值为负，无法按公式复算"
        if t == 0:
            return (weight if a <= 0 else ZERO), None, "反向且目标为 0：a≤0 得满分，否则 0 分"
        formula = "反向：a≤t 得满分；t<a<2t 时 w×(1−(a−t)/t)；a≥2t 得 0 分（可接受变体 w×t/a）"
        if a <= t:
            return weight, None, formula
        linear = ZERO if a >= 2 * t else _short_of_full(round2(weight * (ONE - (a - t) / t)), weight)
        variant = _short_of_full(round2(weight * t / a), weight)
        return linear, variant, formula
    if pair.direction == "equal" and t == 0:
        return (weight if a <= 0 else ZERO), None, "等于且目标为 0：a≤0 得满分，否则 0 分"
    if t < 0:
        return None, None, "目标值为负，无法按公式复算"
    label = "等于（按正向）" if pair.direction == "equal" else "正向"
    formula = f"{label}：a≥t 得满分，否则 w×a/t"
    if a >= t:
        return weight, None, formula
    return _short_of_full(round2(weight * a / t), weight), None, formula


def _quantity_text(quantity: Quantity) -> str:
    if quantity.kind == "percent":
        return fmt_rate(quantity.value)
    return f"{fmt(quantity.value)}{quantity.unit}"


def indicator_score(indicator: Indicator, profile: Profile) -> Explanation | None:
    """The formula score of a quantitative row (RULES.md §2.4); None for a qualitative or unweighted row.

    ``parameters["可接受变体"]`` carries the t/a score of a lower-is-better row
    that missed its target (accepted as an alternative, RULES.md §8.3).
    """
    if indicator.weight is None:
        return None
    pair = quantity_pair(indicator)
    if pair is None:
        return None
    score, variant, formula = _quant_scores(pair, indicator.weight)
    parameters: dict[str, Any] = {
        "方向": _DIRECTION_WORDS[pair.direction],
        "方向依据": f"目标值写有“{pair.op}”" if pair.explicit else "目标值未写比较符（按默认方向）",
        "分值": indicator.weight,
    }
    if variant is not None:
        parameters["可接受变体"] = variant
    inputs: dict[str, Any] = {
        "年度指标值": indicator.target,
        "实际完成值": indicator.actual,
        "t": _quantity_text(pair.target),
        "a": _quantity_text(pair.actual),
        "达标": "是" if target_met(pair) else "否",
    }
    if pair.actual.value < 0:
        inputs["说明"] = "实际值为负，按 0 计"
    key = "reverse_formula" if pair.direction == "lower" else "quantitative_formula"
    return Explanation(formula, parameters, inputs, score, profile.reference(key))


# ---- qualitative indicators ------------------------------------------------------------------------

_TIER_TEXT: Final = re.compile(
    r"^(?:已|均已|全部)?(?P<tier>未达成|部分达成|达成)(?:了)?(?:年度|预期|全年)?(?:绩效)?(?:指标|目标)?(?:值)?"
    r"(?:并具有一定(?:的)?效果|且效果较差|效果较差)?$"
)
_TIERS: Final[dict[str, Tier]] = {"未达成": "未达成", "部分达成": "部分达成", "达成": "达成"}
_TIER_STRIP: Final = re.compile(r"[\s。.,，、;；:：!！“”\"'‘’]")


def qualitative_tier(indicator: Indicator, profile: Profile | None = None) -> Tier | None:
    """The S1 tier an actual names: 达成 / 部分达成 / 未达成 (年度 or the Anhui 预期 spelling)."""
    text = indicator.actual
    if text is None:
        return None
    words = profile.get("qualitative_words", []) if profile is not None else []
    return _tier_of(text, tuple(str(word) for word in words or ()))


@lru_cache(maxsize=8192)
def _tier_of(text: str, words: tuple[str, ...]) -> Tier | None:
    """:func:`qualitative_tier` by the actual's text and the profile's tier words: asked of every
    row by the scorer and by several checks."""
    key = _TIER_STRIP.sub("", vocab.nfkc(text))
    known = {_TIER_STRIP.sub("", word) for word in words}
    if key in known:
        for tier in ("未达成", "部分达成", "达成"):
            if key.startswith(tier):
                return _TIERS[tier]
    match = _TIER_TEXT.match(key)
    if match is None:
        return None
    return _TIERS[match.group("tier")]


_DEFAULT_BANDS: Final[dict[str, tuple[str, str]]] = {
    "达成": ("0.8", "1.0"),
    "部分达成": ("0.6", "0.8"),
    "未达成": ("0.0", "0.6"),
}


def _band_fractions(tier: str, profile: Profile) -> tuple[Decimal, Decimal]:
    bands = profile.get("qualitative_bands") or {}
    entry = bands.get(tier) if isinstance(bands, dict) else None
    low, high = (entry[0], entry[1]) if isinstance(entry, Sequence) and len(entry) == 2 else _DEFAULT_BANDS[tier]
    return _dec(low) or ZERO, _dec(high) or ONE


def qualitative_band(indicator: Indicator, profile: Profile) -> tuple[Decimal, Decimal] | None:
    """The score band (low, high) of the tier the actual names, in points of the row's weight.

    Band edges follow C1 (RULES.md §8.5): 达成 round(0.8w) ≤ s ≤ w; 部分达成
    round(0.6w) ≤ s < round(0.8w); 未达成 0 ≤ s < round(0.6w). Only 达成 includes its
    upper edge: see :func:`in_band`. None when the row is unweighted or names no tier.
    """
    if indicator.weight is None:
        return None
    tier = qualitative_tier(indicator, profile)
    if tier is None:
        return None
    low, high = _band_fractions(tier, profile)
    return round2(low * indicator.weight), round2(high * indicator.weight)


def in_band(score: Decimal, band: tuple[Decimal, Decimal], tier: str) -> bool:
    """Whether a score lies in a tier's band (the upper edge belongs to 达成 only)."""
    low, high = band
    if tier == "达成":
        return low <= score <= high
    return low <= score < high


def _band_explanation(indicator: Indicator, profile: Profile) -> Explanation | None:
    band = qualitative_band(indicator, profile)
    tier = qualitative_tier(indicator, profile)
    if band is None or tier is None:
        return None
    low_f, high_f = _band_fractions(tier, profile)
    closing = "]" if tier == "达成" else ")"
    rule = f"定性“{tier}”：得分应在 [{fmt_rate(low_f)}, {fmt_rate(high_f)}{closing} × 分值 内，具体分值由评价人判断"
    return Explanation(
        rule,
        {"档次": tier, "分值": indicator.weight, "区间": f"[{fmt(band[0])}, {fmt(band[1])}{closing}"},
        {"实际完成值": indicator.actual},
        None,
        profile.reference("qualitative_bands"),
    )


# ---- grade ---------------------------------------------------------------------------------------


def _grade_bands(profile: Profile) -> list[tuple[Decimal, str]]:
    raw = profile.get("grade_bands") or {"优": 90, "良": 80, "中": 60}
    return sorted(((_dec(bound) or ZERO, str(name)) for name, bound in raw.items()), reverse=True)


def _bands_text(profile: Profile) -> str:
    return "，".join(f"{name}≥{fmt(bound)}" for bound, name in _grade_bands(profile)) + "，其余为差"


def grade_for(total: Decimal, profile: Profile) -> str:
    """The grade band of a total (national: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差; half-open bands)."""
    for bound, name in _grade_bands(profile):
        if total >= bound:
            return name
    return "差"


# ---- a whole form ----------------------------------------------------------------------------------


def _rate_explanation(funds: ProjectFunds) -> Explanation:
    rate = execution_rate(funds)
    return Explanation(
        "执行率 = 全年执行数(B) ÷ 全年预算数(A)（年度资金总额行）",
        {},
        {"全年预算数(A)": funds.total.budget, "全年执行数(B)": funds.total.executed},
        None if rate is None else round2(rate, 4),
        "RULES.md §2.3（C2、C4、P3）",
    )


def _candidates_explanation(funds: ProjectFunds, profile: Profile) -> Explanation:
    candidates = execution_score_candidates(funds, profile)
    return Explanation(
        "本地区得分规则未明确：列出各候选规则的得分以便比对",
        {CANDIDATE_LABELS[key]: value for key, value in candidates.items()},
        {
            "年初预算数": funds.total.initial,
            "全年预算数(A)": funds.total.budget,
            "全年执行数(B)": funds.total.executed,
            "分值": funds.weight,
        },
        None,
        profile.reference("execution_score_known"),
    )


def _iter_indicator_lines(
    form: ProjectForm | DepartmentForm, profile: Profile
) -> Iterable[tuple[str, Explanation, object]]:
    for index, row in enumerate(form.indicators):
        explanation = indicator_score(row, profile) or _band_explanation(row, profile)
        if explanation is not None:
            yield f"indicators[{index}].score", explanation, row.score


def _stated_total(form: Form) -> Explanation | None:
    if isinstance(form, ReportForm):
        return None
    parts: dict[str, Any] = {}
    total = ZERO
    funds_score = form.funds.score if project_layout(form) is not None else None
    if funds_score is not None:
        parts["预算执行得分"] = funds_score
        total += funds_score
    scores = [row.score for row in form.indicators if row.score is not None]
    if not scores and funds_score is None:
        return None
    parts["指标得分合计"] = sum(scores, ZERO)
    parts["有得分的指标行数"] = len(scores)
    total += parts["指标得分合计"]
    return Explanation("总分 = 预算执行得分 + Σ 指标得分（按表内各项得分）", {}, parts, total, "RULES.md §2.9")


def explain_form(form: Form, profile: Profile) -> list[tuple[str, Explanation, object]]:
    """Every number jixiao can recompute for a form: (field path, explanation, stated value)."""
    out: list[tuple[str, Explanation, object]] = []
    layout = project_layout(form)
    if layout is not None:
        funds = layout.funds
        if not funds.total.is_empty():
            out.append(("funds.rate", _rate_explanation(funds), funds.rate))
            if funds.score is not None or funds.weight is not None:
                out.append(("funds.score", execution_score(funds, profile), funds.score))
                if profile.get("execution_score_known", True) is False:
                    out.append(("funds.score", _candidates_explanation(funds, profile), funds.score))
        out.extend(_iter_indicator_lines(layout, profile))
    total = _stated_total(form)
    if total is not None and not isinstance(form, ReportForm):
        out.append(("total_score", total, form.total_score))
        stated_total = form.total_score if form.total_score is not None else total.result
        if isinstance(stated_total, Decimal):
            grade = grade_for(stated_total, profile)
            out.append(
                (
                    "grade",
                    Explanation(
                        f"等级：{_bands_text(profile)}（按表中总分，半开区间）",
                        {"等级分界": profile.get("grade_bands")},
                        {"总分": stated_total},
                        grade,
                        profile.reference("grade_bands"),
                    ),
                    form.grade,
                )
            )
    return out
