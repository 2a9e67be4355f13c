"""Written numbers → values: the one place that knows how the forms write numbers.

The same quantity reaches us in many spellings: ``95%``, ``９５％``, ``≧95%``,
``不低于95%``, ``0.95``, ``百分之九十五``; money as ``1,200元``, ``0.12万元`` or
``壹仟贰佰元整``; a target as ``1500人以上`` or ``=300 人次``. If every parser and
check had its own regex for this, they would disagree about what a cell says.
So the whole vocabulary of numbers lives here, and a new spelling is taught once.

Conventions:

* Every value is a :class:`decimal.Decimal` (never a float), or ``None`` when the
  text states no number (``""``, ``"-"``, ``"—"``, ``"/"``, ``"无"``, ``"有改善"``).
* Money is in 万元; rates and percentages are fractions (``95%`` → ``0.95``).
* A number read as written keeps its digits (``"10.00"`` → ``Decimal("10.00")``);
  a value that went through a unit conversion is tidied (no trailing zeros).
* It runs on every table cell, so it is built for speed: regexes are compiled
  once at import, plain ASCII numbers take a short path, and ``cn2an`` (about
  300 ms to import) is loaded only when a Chinese numeral must be converted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Final, Literal, NamedTuple, TypeAlias

__all__ = [
    "Kind",
    "Op",
    "Quantity",
    "comparable",
    "normalize",
    "numbers_in",
    "parse_amount",
    "parse_number",
    "parse_quantity",
    "parse_rate",
    "quantities_in",
    "same_unit",
]

Op = Literal[">=", ">", "<=", "<", "="]
Kind = Literal["percent", "money", "count", "plain", "date"]

_ONE: Final = Decimal(1)
_CENT: Final = Decimal("0.01")
_MILLE: Final = Decimal("0.001")
_WAN: Final = Decimal(10_000)
_PER_WAN: Final = Decimal("0.0001")
_RATE_BARE_MAX: Final = Decimal("1.5")

# ---- normalisation ------------------------------------------------------------------------------

_TABLE: Final[dict[int, int | str | None]] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TABLE.update({code: " " for code in (0x00A0, 0x3000, *range(0x2002, 0x200B))})
_TABLE.update({0x200B: None, 0xFEFF: None})
_TABLE.update(
    {
        ord(src): dst
        for src, dst in {
            "≧": "≥",
            "≦": "≤",
            "⩾": "≥",
            "⩽": "≤",
            "≮": "≥",
            "≯": "≤",
            "﹤": "<",
            "﹥": ">",
            "﹦": "=",
            "﹪": "%",
            "−": "-",
            "﹣": "-",
            "〜": "~",
            # traditional numeral characters → the simplified ones cn2an knows
            "萬": "万",
            "億": "亿",
            "點": "点",
            "兩": "两",
            "貳": "贰",
            "參": "叁",
            "陸": "陆",
        }.items()
    }
)
_THOUSANDS: Final = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
# str.translate with a mapping is slow on CJK text; the characters to fold are rare, so find them
# with one regex and map only those.
_FOLD_MAP: Final[dict[str, str]] = {
    chr(code): (chr(value) if isinstance(value, int) else value or "") for code, value in _TABLE.items()
}
_FOLD_CHARS: Final = re.compile("[" + "".join(re.escape(char) for char in _FOLD_MAP) + "]")
# Chinese punctuation and full-width digits, in nearly every line: replaced by str.replace, which is
# far cheaper than a substitution callback per character.
_COMMON_WIDE: Final = tuple(
    (wide, _FOLD_MAP[wide]) for wide in "，：；（）％．、０１２３４５６７８９" if wide in _FOLD_MAP
)


@lru_cache(maxsize=32768)
def normalize(text: str) -> str:
    """Fold full-width forms, comparison signs and thousands separators; strip.

    ``"１，２３４．５％"`` → ``"1234.5%"``, ``"≧95%"`` → ``"≥95%"``.
    """
    if not text.isascii():
        for wide, narrow in _COMMON_WIDE:
            if wide in text:
                text = text.replace(wide, narrow)
        if not text.isascii() and _FOLD_CHARS.search(text) is not None:
            text = _FOLD_CHARS.sub(lambda match: _FOLD_MAP[match.group()], text)
    text = text.strip()
    if "," in text:
        text = _THOUSANDS.sub("", text)
    return text


# ---- numerals -----------------------------------------------------------------------------------

_DIGIT_VALUE: Final[dict[str, int]] = {
    **dict.fromkeys("零〇0", 0),
    **dict.fromkeys("一壹1", 1),
    **dict.fromkeys("二贰两2", 2),
    **dict.fromkeys("三叁3", 3),
    **dict.fromkeys("四肆4", 4),
    **dict.fromkeys("五伍5", 5),
    **dict.fromkeys("六陆6", 6),
    **dict.fromkeys("七柒7", 7),
    **dict.fromkeys("八捌8", 8),
    **dict.fromkeys("九玖9", 9),
}
_CN_DIGITS: Final = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_CHARS: Final = _CN_DIGITS + "十百千拾佰仟万亿"
_CN_RUN: Final = f"[{_CN_CHARS}]+(?:点[{_CN_DIGITS}]+[万亿]?)?"
_BIG: Final[tuple[tuple[str, int], ...]] = (("亿", 10**8), ("万", 10**4))
_MULT: Final[dict[str | None, int]] = {None: 1, "万": 10**4, "亿": 10**8}  # written after a numeral

# An Arabic number inside text: not glued to Latin letters or other digits ("PM2.5", "v1.2"),
# and signed only where a sign can stand (start, after a space, a comparison sign or a bracket).
_ARABIC: Final = r"(?<![A-Za-z0-9.])(?:(?<![^\s=<>≥≤:(\[~])[-+])?[0-9]+(?:\.[0-9]+)?"
_PLAIN: Final = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_NUMERAL: Final = re.compile(
    rf"(?P<cn>[0-9]+亿[0-9]+万|{_CN_RUN})|(?P<arabic>[-+]?[0-9]+(?:\.[0-9]+)?)\s*(?P<mult>[万亿])?"
)
_HAS_NUMERAL: Final = re.compile(f"[0-9{_CN_CHARS}]")


@cache
def _cn2an() -> Callable[[str, str], object]:
    """``cn2an.cn2an``, imported on first use (the import costs ~300 ms)."""
    from cn2an import cn2an

    converter: Callable[[str, str], object] = cn2an
    return converter


@lru_cache(maxsize=2048)
def _cn_integer(text: str) -> int | None:
    """A Chinese integer below 10⁴ (``二十``, ``一百零八``, ``壹仟贰佰``, ``二〇二二``) or None."""
    if len(text) == 1 and text in _DIGIT_VALUE:
        return _DIGIT_VALUE[text]
    if text[:1] in ("百", "千", "佰", "仟"):  # 百分之百, 百万: the leading 一 is often left out
        text = "一" + text
    try:
        value = _cn2an()(text, "normal")
    except Exception:  # cn2an raises ValueError and friends on anything it dislikes
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _cn_section(text: str) -> Decimal | None:
    """A numeral without 万/亿: Arabic, or Chinese with an optional 点 fraction."""
    if not text:
        return None
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    whole, dot, fraction = text.partition("点")
    if not dot:
        integer = _cn_integer(text)
        return None if integer is None else Decimal(integer)
    if not fraction or any(char not in _DIGIT_VALUE for char in fraction):
        return None
    integer = _cn_integer(whole) if whole else 0
    if integer is None:
        return None
    return Decimal(f"{integer}.{''.join(str(_DIGIT_VALUE[char]) for char in fraction)}")


def _cn_value(text: str) -> Decimal | None:
    """A Chinese (or mixed, ``1.5亿``) numeral → its value. ``cn2an`` cannot read ``一点五亿``,
    so 亿 and 万 are split off here and each part converted alone."""
    for mark, factor in _BIG:
        if mark not in text:
            continue
        head, _, tail = text.partition(mark)
        high = _cn_value(head)
        if high is None:
            return None
        if not tail:
            return high * factor
        if tail[0] in "零〇":
            low = _cn_value(tail.lstrip("零〇"))
        elif len(tail) == 1 and tail in _DIGIT_VALUE:  # 一万五 = 15000, 三亿五 = 350000000
            low = Decimal(_DIGIT_VALUE[tail] * factor // 10)
        else:
            low = _cn_value(tail)
        if low is None or low >= factor:
            return None
        return high * factor + low
    return _cn_section(text)


def _tidy(value: Decimal) -> Decimal:
    """Drop the trailing zeros a unit conversion leaves (``0.1200`` → ``0.12``, ``15000.0`` → ``15000``)."""
    try:
        integral = value.to_integral_value()
        return integral if value == integral else value.normalize()
    except InvalidOperation:  # pragma: no cover - only for values beyond the context precision
        return value


def _numeral(text: str) -> tuple[Decimal, bool] | None:
    """A whole string that is one numeral → (value, written with 万/亿), or None."""
    match = _NUMERAL.fullmatch(text)
    if match is None:
        return None
    arabic = match["arabic"]
    if arabic is not None:
        value = Decimal(arabic)
        mult = match["mult"]
        if mult is None:
            return value, False
        return value * _MULT[mult], True
    cn = match["cn"]
    value_cn = _cn_value(cn)
    if value_cn is None:
        return None
    return value_cn, ("万" in cn or "亿" in cn)


# ---- the vocabulary of units, comparisons and hedges ---------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_PERCENT_UNITS: Final[dict[str, tuple[str, Decimal]]] = {
    "%": ("%", _CENT),
    "百分比": ("%", _CENT),
    "‰": ("‰", _MILLE),
    "个百分点": ("百分点", _CENT),
    "百分点": ("百分点", _CENT),
}
_MONEY_UNITS: Final[dict[str, Decimal]] = {"元": _PER_WAN, "千元": Decimal("0.1")}
_MONEY_TO_WAN: Final[dict[str, Decimal]] = {
    "元": _PER_WAN,
    "千元": Decimal("0.1"),
    "万元": _ONE,
    "亿元": _WAN,
}
_DATE_UNITS: Final[dict[str, str]] = {
    "年底": "年",
    "年末": "年",
    "年初": "年",
    "年度": "年",
    "年": "年",
    "月份": "月",
    "月底": "月",
    "月末": "月",
    "月初": "月",
    "月中": "月",
    "月": "月",
    "日": "日",
    "号": "日",
    "季度": "季度",
}
_COUNT_UNITS: Final = frozenset(
    _words(
        """
    人次 人 户次 户 家次 家 个工作日 工作日 个月 个 场次 场 次 本 册 套 台套 台次 台 项 件 所 座 辆 处
    篇 份 期 批次 批 名 位 天 小时 分钟 周 公里 千米 平方千米 平方公里 平方米 立方米 米 亩 公顷 吨
    千克 公斤 克 毫克 微克 间 条 张 头 只 棵 株 课时 学时 节 班次 班 届 部 种 类 例 床 校 村 镇 幅
    块 架次 车次 分 千瓦 兆瓦 千瓦时 页 盏 根 片 栋 幢 层 组 队 支 门 款 单 宗 轮 厘米 毫米 升
    """
    )
)
_ALL_UNITS: Final = set(_PERCENT_UNITS) | set(_MONEY_UNITS) | set(_DATE_UNITS) | _COUNT_UNITS

_PREFIX_OPS: Final[dict[str, Op]] = {
    **dict.fromkeys(("≥", ">=", "=>"), ">="),
    **dict.fromkeys(("≤", "<=", "=<"), "<="),
    ">": ">",
    "<": "<",
    **dict.fromkeys(("=", "=="), "="),
    **dict.fromkeys(
        _words(
            "不低于 不少于 不小于 不得低于 不得少于 不应低于 不应少于 大于等于 大于或等于 高于或等于"
            " 达到或超过 至少 最少"
        ),
        ">=",
    ),
    **dict.fromkeys(
        _words(
            "不高于 不超过 不大于 不多于 不超出 不得高于 不得超过 不应高于 不应超过 小于等于 小于或等于"
            " 低于或等于 至多 最多 控制在"
        ),
        "<=",
    ),
    **dict.fromkeys(_words("大于 高于 超过 多于 超出"), ">"),
    **dict.fromkeys(_words("小于 低于 少于 不足 不到"), "<"),
    **dict.fromkeys(_words("达到 达 等于 为"), "="),
}
_APPROX_PREFIXES: Final = ("约为", "大约", "大概", "约")
# written after the unit: (comparison, approximate)
_SUFFIXES: Final[dict[str, tuple[Op | None, bool]]] = {
    "及以上": (">=", False),
    "以上": (">=", True),
    "及以下": ("<=", False),
    "以下": ("<=", True),
    "以内": ("<=", False),
    "之内": ("<=", False),
    "内": ("<=", False),
    "之前": ("<=", False),
    "以前": ("<=", False),
    "前": ("<=", False),
    "左右": (None, True),
    "上下": (None, True),
    "整": (None, False),
}
# a lone 一 is a word far more often than a number (一般, 统一, 一次性); trust it only before these
_LONE_YI_UNITS: Final = frozenset({"季度", "月", "月份", "月底", "月末", "月初", "月中"})


_Trie: TypeAlias = "dict[str, _Trie]"


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, factored as a trie.

    sre tries the branches of a plain ``a|b|c`` one by one; with a hundred unit
    words that dominated the cost of a scan. The trie form decides on one
    character at a time.
    """
    root: _Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(branches) == 1 else f"{body}?"

    return build(root)


_UNIT_ALT: Final = _alternation(_ALL_UNITS)
_SCAN: Final = re.compile(
    rf"""
    (?:
        百分之\s*(?P<pct>{_ARABIC}|{_CN_RUN})
      | (?P<iso>(?<![0-9])(?:19|20)[0-9]{{2}}
            (?:[-/][0-9]{{1,2}}(?:[-/][0-9]{{1,2}})?|\.[0-9]{{1,2}}\.[0-9]{{1,2}})(?![0-9]))
      | (?P<cn>(?<![A-Za-z0-9.])[0-9]+亿[0-9]+万|{_CN_RUN})  # 1亿2000万 reads like 一亿二千万
      | (?P<arabic>{_ARABIC})
    )
    \s*(?P<more1>[余多])?(?P<mult>[万亿])?(?P<more2>[余多])?
    \s*(?P<unit>{_UNIT_ALT})?
    (?:\s*/\s*(?P<per>{_UNIT_ALT}))?
    (?:\s*(?P<suffix>{_alternation(_SUFFIXES)}))?
    """,
    re.VERBOSE,
)
_RANGE_TAIL: Final = re.compile(
    rf"\s*[-~至到]\s*(?:[0-9]+(?:\.[0-9]+)?|{_CN_RUN})\s*[余多]?(?P<mult>[万亿])?[余多]?"
    rf"\s*(?P<unit>{_UNIT_ALT})"
)
_PREFIX: Final = re.compile(
    rf"(?:(?P<op>{_alternation(_PREFIX_OPS)})[\s:]*)?(?P<approx>{_alternation(_APPROX_PREFIXES)})?[\s:]*$"
)
_PREFIX_WINDOW: Final = 16
# _scan unpacks match.groups() by position: keep the groups in this order
_SCAN_GROUPS: Final = ("pct", "iso", "cn", "arabic", "more1", "mult", "more2", "unit", "per", "suffix")
assert tuple(_SCAN.groupindex) == _SCAN_GROUPS
assert tuple(_RANGE_TAIL.groupindex) == ("mult", "unit") and tuple(_PREFIX.groupindex) == ("op", "approx")
_PERCENT_FAST: Final = re.compile(r"([-+]?[0-9]+(?:\.[0-9]+)?)\s*%")


# ---- scanning -----------------------------------------------------------------------------------


class _Hit(NamedTuple):
    """One number found in a text, with what is written around it."""

    number: Decimal  # the numeral's value (a Chinese numeral's own 万/亿 included)
    mult: int  # 万/亿 written after an Arabic numeral: 1, 10⁴ or 10⁸
    scaled: bool  # written with 万/亿 (in the numeral or after it)
    unit: str  # the unit word as written, "" when none
    per: str  # the unit after a slash ("元/人"), "" when none
    op: Op | None
    approx: bool
    standalone: bool  # nothing but comparison / hedge words around it
    percent_word: bool  # 百分之…
    iso_date: bool  # 2022-12-31


def _scan(text: str) -> Iterator[_Hit]:
    """Every number in ``text`` (already normalised) that reads as a quantity, in order."""
    size = len(text)
    for match in _SCAN.finditer(text):
        start, end = match.span()
        if start and text[start - 1] == "第":  # an ordinal, not a quantity
            continue
        pct, iso, cn, arabic, more1, mult_char, more2, unit, per, suffix = match.groups()
        unit = unit or ""
        op: Op | None = None
        approx = bool(more1 or more2)
        if start:
            prefix = _PREFIX.search(text, max(0, start - _PREFIX_WINDOW), start)
            assert prefix is not None  # the pattern matches the empty string
            standalone = end == size and prefix.start() == 0
            written_op, written_approx = prefix.groups()
            if written_op:
                op = _PREFIX_OPS[written_op]
            approx = approx or bool(written_approx)
        else:
            standalone = end == size
        if cn is not None:
            # Chinese numeral characters fill ordinary words (一般, 百姓, 十分满意): inside a
            # sentence trust them only before a unit.
            if not standalone and (not unit or unit == "分" or (cn == "一" and unit not in _LONE_YI_UNITS)):
                continue
            number = _cn_value(cn)
        elif arabic is not None:
            number = Decimal(arabic)
        elif iso is not None:
            number = Decimal(iso[:4])
        else:
            number = _cn_value(pct)
        if number is None:
            continue
        if not unit and mult_char is None and iso is None and pct is None:
            borrowed = _RANGE_TAIL.match(text, end)  # 90-100% → 90%, 50~60万元 → 50万元
            if borrowed is not None:
                mult_char, unit = borrowed.groups()
        if suffix:
            suffix_op, suffix_approx = _SUFFIXES[suffix]
            op = op or suffix_op
            approx = approx or suffix_approx
        mult = _MULT[mult_char]
        scaled = mult > 1 or (cn is not None and ("万" in cn or "亿" in cn))
        yield _Hit(number, mult, scaled, unit, per or "", op, approx, standalone, pct is not None, iso is not None)


def _scale(value: Decimal, factor: Decimal | int) -> Decimal:
    return value if factor == 1 else _tidy(value * factor)


def _quantity(hit: _Hit) -> Quantity:
    """What a hit says, as a :class:`Quantity`."""
    number, unit, per = hit.number, hit.unit, hit.per
    kind: Kind
    if hit.percent_word:
        return Quantity(hit.op, _tidy(number * _CENT), "%", hit.approx, "percent")
    if hit.iso_date:
        return Quantity(hit.op, number, "年", hit.approx, "date")
    if per:
        mult_text = "" if hit.mult == 1 else ("万" if hit.mult == 10**4 else "亿")
        if unit in _MONEY_UNITS:  # 1.2万元/公里: a price, kept as written
            return Quantity(hit.op, number, f"{mult_text}{unit}/{per}", hit.approx, "count")
        return Quantity(hit.op, _scale(number, hit.mult), f"{unit}/{per}", hit.approx, "count")
    if unit in _MONEY_UNITS:
        return Quantity(hit.op, _scale(number, hit.mult * _MONEY_UNITS[unit]), "万元", hit.approx, "money")
    value = _scale(number, hit.mult)
    if unit in _PERCENT_UNITS:
        written, factor = _PERCENT_UNITS[unit]
        return Quantity(hit.op, _scale(value, factor), written, hit.approx, "percent")
    if unit in _DATE_UNITS:
        normal = _DATE_UNITS[unit]
        if unit != "年" or (value == value.to_integral_value() and 1900 <= value <= 2100):
            return Quantity(hit.op, value, normal, hit.approx, "date")
        kind = "count"  # 使用年限≥8年: a number of years
    else:
        kind = "count" if unit else "plain"
    return Quantity(hit.op, value, unit, hit.approx, kind)


# ---- public API ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as an indicator states it.

    ``op`` is the comparison written (None when none), ``value`` is in the
    normalised unit (money in 万元, percentages as fractions), ``unit`` is the
    normalised unit word (``"%"``, ``"万元"``, ``"人次"``, ``"月"``, ``""``),
    ``approx`` is True when hedged (约, 左右, 余, 多, 以上), ``kind`` is one of
    percent / money / count / plain / date.
    """

    op: Op | None
    value: Decimal
    unit: str
    approx: bool
    kind: Kind


@lru_cache(maxsize=16384)
def parse_number(text: str) -> Decimal | None:
    """A cell that is only a number → its value; None otherwise.

    Arabic (``"-116.05"``, ``"1,234.5"``, ``"９８"``), Chinese (``"一百零八"``,
    ``"壹仟贰佰"``) or with 万/亿 (``"1.2万"`` → 12000); a trailing 分 is allowed
    (``"10分"``). Text around the number (``"12月完成"``, ``"约10"``) gives None.
    """
    text = normalize(text)
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if not text or _HAS_NUMERAL.search(text) is None:
        return None
    if text.endswith("分"):
        text = text[:-1].rstrip()
        if _PLAIN.fullmatch(text):
            return Decimal(text)
    found = _numeral(text)
    if found is None:
        return None
    value, scaled = found
    return _tidy(value) if scaled else value


@lru_cache(maxsize=16384)
def parse_amount(text: str, default_unit: str = "万元") -> Decimal | None:
    """Money → 万元. ``"1,200 元"`` → 0.12, ``"1.5亿元"`` → 15000, ``"113万余元"`` → 113.

    A bare number is in ``default_unit`` (元, 千元, 万元 or 亿元); a bare number
    written with 万/亿 (``"一百四十点四万"``) counts 元. In a longer text the first
    number with a money unit is taken. None when no amount is stated.
    """
    try:
        default = _MONEY_TO_WAN[default_unit]
    except KeyError:
        raise ValueError(f"unknown money unit {default_unit!r}") from None
    text = normalize(text)
    if _PLAIN.fullmatch(text):
        return _scale(Decimal(text), default)
    if not text or _HAS_NUMERAL.search(text) is None:
        return None
    for hit in _scan(text):
        if hit.unit in _MONEY_UNITS and not hit.per:
            return _scale(hit.number, hit.mult * _MONEY_UNITS[hit.unit])
        if hit.standalone and not (hit.unit or hit.per or hit.percent_word or hit.iso_date):
            return _scale(hit.number * hit.mult, _PER_WAN if hit.scaled else default)
    return None


def _bare_rate(value: Decimal) -> Decimal:
    # In a rate cell a bare number up to 1.5 is already a fraction ("1" means 100%, "0.9125");
    # anything larger is a percentage written without its sign ("87" → 0.87).
    return value if abs(value) <= _RATE_BARE_MAX else _tidy(value * _CENT)


@lru_cache(maxsize=16384)
def parse_rate(text: str) -> Decimal | None:
    """A rate → fraction. ``"96.31%"`` → 0.9631, ``"5‰"`` → 0.005, ``"百分之九十八点五"`` → 0.985.

    Bare numbers up to 1.5 are fractions already (``"1"`` → 1, ``"0.9125"``);
    larger bare numbers are percentages (``"87"`` → 0.87). None when no rate is stated.
    """
    text = normalize(text)
    if _PLAIN.fullmatch(text):
        return _bare_rate(Decimal(text))
    match = _PERCENT_FAST.fullmatch(text)
    if match is not None:
        return _tidy(Decimal(match[1]) * _CENT)
    if not text or _HAS_NUMERAL.search(text) is None:
        return None
    for hit in _scan(text):
        quantity = _quantity(hit)
        if quantity.kind == "percent":
            return quantity.value
        if quantity.kind == "plain" and hit.standalone:
            return _bare_rate(quantity.value)
        return None
    return None


@lru_cache(maxsize=8192)
def _parse_quantity(text: str) -> Quantity | None:
    if _PLAIN.fullmatch(text):
        return Quantity(None, Decimal(text), "", False, "plain")
    if not text or _HAS_NUMERAL.search(text) is None:
        return None
    for hit in _scan(text):
        return _quantity(hit)
    return None


def parse_quantity(text: str) -> Quantity | None:
    """An indicator target or actual value → :class:`Quantity`; None when no number is written.

    ``"≥95%"`` → (>=, 0.95, %, percent); ``"不超过5%"`` → (<=, 0.05); ``"1500人以上"``
    → (>=, 1500, 人, approx); ``"≥55万元"`` → (>=, 55, 万元, money); ``"12月完成"``
    → (None, 12, 月, date). In a sentence the first quantity is returned.
    """
    return _parse_quantity(normalize(text))


@lru_cache(maxsize=16384)
def quantities_in(text: str) -> tuple[Quantity, ...]:
    """Every quantity written in ``text``, in order (read once per text: the parser, the scorer and
    several checks all ask it of the same cells)."""
    text = normalize(text)
    if _HAS_NUMERAL.search(text) is None:
        return ()
    return tuple(_quantity(hit) for hit in _scan(text))


def numbers_in(text: str) -> list[Decimal]:
    """The values of every quantity in ``text`` (money in 万元, percentages as fractions)."""
    return [quantity.value for quantity in quantities_in(text)]


def same_unit(a: Quantity, b: Quantity) -> bool:
    """Both stated in one unit: both percent, both money (万元), or same kind and unit word."""
    if a.kind != b.kind:
        return False
    return a.kind in ("percent", "money") or a.unit == b.unit


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether comparing the two values means something.

    Percent with percent, money with money, dates in the same unit, and counts
    or plain numbers with the same unit or where one of them has no unit.
    """
    if a.kind in ("percent", "money", "date") or b.kind in ("percent", "money", "date"):
        return same_unit(a, b)
    return a.unit == b.unit or not a.unit or not b.unit
