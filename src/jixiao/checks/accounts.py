"""部门决算 / 决算说明: the "三公" breakdown and the structure of income and expenditure.

Only reports whose text is a 部门决算 (or its 情况说明) are read. A total is
compared with its parts only when the text itemises it right away (其中 /
主要用于 / 包括 … before any other amount) and every amount in the itemising
list belongs to a part the structure knows: a list with an item we cannot name
is left alone rather than summed short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.checks.registry import Context, Draft, check
from jixiao.checks.reports import ReportText, is_final_accounts, report_text
from jixiao.checks.totals import fmt, half_unit
from jixiao.model import Form, ReportForm

_AMOUNT = r"(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)"
# Starts with a character class, so the scan skips CJK text at C speed; a lone - needs a digit after it.
_MONEY = re.compile(r"([-0-9](?<!-(?![0-9]))\d*+(?:\.\d+)?+)\s*+(亿元|万元|元)(?!/)")
_SENTENCE_END = re.compile(r"[。!?！？]")
_MARKER = re.compile(r"其中|主要用于|具体包括|包括|分别为|具体为|构成为")
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[、.．]|[（(]\s*\d+\s*[)）]|[（(]?[一二三四五六七八九十]+[)）、])\s*")


def _wan(value: str, unit: str) -> Decimal:
    """An amount in 万元, keeping the digits as written when it already is."""
    number = Decimal(value)
    if unit == "元":
        return number / Decimal(10_000)
    if unit == "亿元":
        return number * Decimal(10_000)
    return number


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    written: Decimal  # the number as written, for its decimals
    start: int
    end: int


def _amount(match: re.Match[str]) -> Amount:
    return Amount(_wan(match["value"], match["unit"]), Decimal(match["value"]), match.start("value"), match.end())


def _final_accounts_text(form: Form, ctx: Context) -> ReportText | None:
    if not isinstance(form, ReportForm):
        return None
    text = report_text(form, ctx)
    return text if is_final_accounts(form, text) else None


# ---- accounts.three_public_breakdown -------------------------------------------------------------

_QUOTE = r"[“”\"‘’]?"
_THREE_PUBLIC = re.compile(f"{_QUOTE}三公{_QUOTE}经费(?P<mid>[^，,。；;\\d%]{{0,14}}?){_AMOUNT}")
_PART_MID = r"(?P<mid>[^，,。；;\d%]{0,12}?)"
_PARTS: dict[str, re.Pattern[str]] = {
    "因公出国（境）费": re.compile(rf"因公出国[(（]境[)）](?:经)?费?(?:用)?{_PART_MID}{_AMOUNT}"),
    "公务用车购置及运行维护费": re.compile(rf"公务用车购置及运行(?:维护)?费?{_PART_MID}{_AMOUNT}"),
    "公务用车购置费": re.compile(rf"公务用车购置(?!及)费?{_PART_MID}{_AMOUNT}"),
    "公务用车运行维护费": re.compile(rf"(?<!及)公务用车运行(?:维护)?费?{_PART_MID}{_AMOUNT}"),
    "公务接待费": re.compile(rf"公务接待费?{_PART_MID}{_AMOUNT}"),
}


def _spent(mid: str) -> bool:
    """The words between a label and its amount say spending, not a budget or a change."""
    return not re.search(r"预算|增|减|比|上年|同比|下降|上升", mid)


def _first_part(name: str, text: str, start: int) -> Amount | None:
    for match in _PARTS[name].finditer(text, start):
        if _spent(match["mid"]):
            return _amount(match)
    return None


@check("accounts.three_public_breakdown", "error", kinds=("report",))
def three_public_breakdown(form: Form, ctx: Context) -> Iterator[Draft]:
    """三公经费 = 因公出国(境) + 公务用车购置及运行 + 公务接待, as the 决算说明 states them."""
    text = _final_accounts_text(form, ctx)
    if text is None:
        return
    joined = text.joined
    if "三公" not in joined:
        return
    for match in _THREE_PUBLIC.finditer(joined):
        mid = match["mid"]
        if not re.search(r"支出|决算|合计|共计|总额", mid) or not _spent(mid):
            continue
        total = _amount(match)
        abroad = _first_part("因公出国（境）费", joined, match.end())
        reception = _first_part("公务接待费", joined, match.end())
        car = _first_part("公务用车购置及运行维护费", joined, match.end())
        car_parts: list[tuple[str, Amount]] = []
        if car is not None:
            car_parts = [("公务用车购置及运行维护费", car)]
        else:
            buy = _first_part("公务用车购置费", joined, match.end())
            run = _first_part("公务用车运行维护费", joined, match.end())
            if buy is not None and run is not None:
                car_parts = [("公务用车购置费", buy), ("公务用车运行维护费", run)]
        if abroad is None or reception is None or not car_parts:
            return
        parts = [("因公出国（境）费", abroad), *car_parts, ("公务接待费", reception)]
        found = sum((amount.value for _, amount in parts), Decimal(0))
        tolerance = half_unit(total.written, *(amount.written for _, amount in parts))
        if abs(found - total.value) >= tolerance:
            listed = " + ".join(f"{name} {fmt(amount.value)}" for name, amount in parts)
            yield Draft(
                field=None,
                line=text.line_at(total.start),
                message=f"“三公”经费支出写为 {fmt(total.value)} 万元，但{listed} = {fmt(found)} 万元",
                expected=total.value,
                found=found,
            )
        return  # the first stated total is the one the breakdown follows


# ---- accounts.structure_sum ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Structure:
    """A total the 决算说明 itemises, and the parts that make it up."""

    name: str
    total: re.Pattern[str]
    parts: dict[str, re.Pattern[str]]  # part name → its label (the amount follows within a few words)
    need: frozenset[str]
    gap: int = 12  # how many words may stand between a part's label and its amount


def _structure(name: str, total: str, parts: dict[str, str], need: set[str], gap: int = 12) -> Structure:
    link = r"(?:决算)?(?:数)?(?:为|是|共|达)?\s*[:：]?\s*"
    return Structure(
        name,
        re.compile(f"(?:{total}){link}{_AMOUNT}"),
        {part: re.compile(label) for part, label in parts.items()},
        frozenset(need),
        gap,
    )


_CLASS = "（类）"
STRUCTURES: tuple[Structure, ...] = (
    _structure(
        "支出",
        r"[本支](?<![基项][本支])(?:(?<=本)年支出|(?<=支)出)(?:决算)?(?:合计|总计|共计|总额)",
        {
            "基本支出": r"基本支出",
            "项目支出": r"项目支出",
            "上缴上级支出": r"上缴上级支出",
            "经营支出": r"(?<!单位)经营支出",
            "对附属单位补助支出": r"对附属单位补助支出",
        },
        {"基本支出", "项目支出"},
    ),
    _structure(
        "收入",
        r"[本收](?:(?<=本)年收入|(?<=收)入)(?:决算)?(?:合计|总计|共计|总额)",
        {
            "一般公共预算财政拨款收入": r"一般公共预算财政拨款(?:收入)?",
            "政府性基金预算财政拨款收入": r"政府性基金预算财政拨款(?:收入)?",
            "国有资本经营预算财政拨款收入": r"国有资本经营预算财政拨款(?:收入)?",
            "财政拨款收入": r"(?<!预算)财政拨款收入",
            "上级补助收入": r"上级补助收入",
            "事业收入": r"(?<!附属单位)事业收入",
            "经营收入": r"(?<!国有资本)经营收入",
            "附属单位上缴收入": r"附属单位上缴收入",
            "其他收入": r"其他收入",
        },
        set(),
    ),
    _structure(
        "基本支出",
        r"基本支出",
        {"人员经费": r"人员经费", "公用经费": r"(?:日常)?公用经费"},
        {"人员经费", "公用经费"},
    ),
    _structure(
        "一般公共预算财政拨款支出（按功能分类）",
        r"一般公共预算财政拨款支出",
        {_CLASS: r"[(（]类[)）]"},
        {_CLASS},
        gap=40,
    ),
)


def _list_window(text: str, start: int, structure: Structure) -> tuple[int, int] | None:
    """Where the itemising list after a total runs: from its marker to the end of the sentence,
    and on through the following sentences that open with one of the parts (items set one per line).
    A following sentence with a 其中 list of amounts of its own itemises that part, not the total: it
    ends the window."""
    end_match = _SENTENCE_END.search(text, start)
    end = end_match.start() if end_match else len(text)
    marker = _MARKER.search(text, start, end)
    if marker is None or _MONEY.search(text, start, marker.start()):
        return None  # no 其中 list, or another amount stands between the total and it
    while end < len(text):
        following = _NUMBERING.sub("", text[end + 1 :].lstrip(), count=1)
        if not any(pattern.match(following) for pattern in structure.parts.values()):
            # a (类) item opens with its class name, not its label
            head = following[:30]
            if not (_CLASS in structure.parts and re.search(r"^[^。；;\d]{1,20}[(（]类[)）]", head)):
                break
        next_end = _SENTENCE_END.search(text, end + 1)
        sentence_end = next_end.start() if next_end else len(text)
        own = _MARKER.search(text, end + 1, sentence_end)
        if own is not None and _MONEY.search(text, own.end(), sentence_end):
            break
        end = sentence_end
    return marker.end(), end


def _class_name(text: str, label_start: int, floor: int) -> str:
    """The class a (类) label closes: 一般公共服务（类）."""
    head = text[max(floor, label_start - 20) : label_start]
    head = re.split(r"[，,：:；;。\n]", head)[-1]
    head = _NUMBERING.sub("", head).strip()
    return f"{head}（类）" if head else _CLASS


def _itemise(text: str, window: tuple[int, int], structure: Structure) -> list[tuple[str, Amount]] | None:
    """The parts listed in the window with their amounts; None when an amount belongs to no part."""
    start, end = window
    claimed: dict[int, tuple[str, Amount]] = {}
    for name, pattern in structure.parts.items():
        for label in pattern.finditer(text, start, end):
            money = _MONEY.search(text, label.end(), end)
            if money is None:
                continue
            between = text[label.end() : money.start()]
            if len(between) > structure.gap or re.search(r"[\d。；;]", between):
                continue
            if name != _CLASS and any(name == seen for seen, _ in claimed.values()):
                continue  # a part named twice: the first amount is the one listed
            amount = Amount(_wan(money[1], money[2]), Decimal(money[1]), money.start(), money.end())
            shown = _class_name(text, label.start(), start) if name == _CLASS else name
            claimed.setdefault(money.start(), (shown, amount))
    for money in _MONEY.finditer(text, start, end):
        if money.start() not in claimed:
            return None
    return [claimed[key] for key in sorted(claimed)]


@check("accounts.structure_sum", "error", kinds=("report",))
def structure_sum(form: Form, ctx: Context) -> Iterator[Draft]:
    """基本支出 + 项目支出, 人员经费 + 公用经费, the functional classes … add up to the total stated."""
    text = _final_accounts_text(form, ctx)
    if text is None:
        return
    joined = text.joined
    for structure in STRUCTURES:
        for match in structure.total.finditer(joined):
            total = _amount(match)
            window = _list_window(joined, match.end(), structure)
            if window is None:
                continue
            parts = _itemise(joined, window, structure)
            if not parts or len(parts) < 2:
                continue
            names = {_CLASS if name.endswith(_CLASS) else name for name, _ in parts}
            if not structure.need <= names:
                continue
            found = sum((amount.value for _, amount in parts), Decimal(0))
            tolerance = half_unit(total.written, *(amount.written for _, amount in parts))
            if abs(found - total.value) < tolerance:
                continue
            listed = " + ".join(f"{name} {fmt(amount.value)}" for name, amount in parts)
            yield Draft(
                field=None,
                line=text.line_at(total.start),
                message=f"{structure.name}写为 {fmt(total.value)} 万元，但其中所列 {listed} = {fmt(found)} 万元",
                expected=total.value,
                found=found,
            )
