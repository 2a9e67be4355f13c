"""Reading the prose of a narrative: paragraphs, the figures written in them, itemised lists, years.

The text checks (``checks/text.py``) compare what a narrative says with the
tables of the same file and with itself. They need the narrative as
paragraphs that map back to source lines (lines broken by page ends joined
again, the table forms a report encloses left out, the long narrative cells of
a 部门整体 form taken in), the figures written in a sentence with their
place, unit and written precision, and the lists that itemise a total
(其中 / 分别为 / 包括 / 用于). Nothing here registers a check.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jixiao import vocab
from jixiao.checks.registry import Context
from jixiao.model import DepartmentForm, Form, ProjectForm, ReportForm, ReportProject
from jixiao.parse.numbers import normalize

# ---- text normalisation ------------------------------------------------------------------------

# full-width digits and signs → ASCII, one character for one, so offsets stay valid
_FOLD = tuple(zip("０１２３４５６７８９．％，：；（）", "0123456789.%,:;()", strict=True))
_BOLD = re.compile(r"\*\*")


def fold(text: str) -> str:
    """Full-width digits, %, and the common punctuation folded to ASCII, length kept.

    One ``str.replace`` per character: for CJK text that is ~40× faster than ``str.translate``
    with a mapping table, and every narrative line goes through here.
    """
    for wide, narrow in _FOLD:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def clean(text: str) -> str:
    """A line or cell as written prose: artefacts (tags, bookmarks, heading and bold marks) dropped,
    whitespace collapsed. :func:`fold` of it is what the checks scan; the offsets are the same."""
    text = vocab.clean_text(text)
    if "**" in text:
        text = _BOLD.sub("", text).strip()
    return text


@lru_cache(maxsize=8192)
def clean_line(text: str) -> str:
    """A source line or cell as the table-minded checks read it: no artefacts, ASCII digits and signs
    (thousands separators dropped, so offsets differ from the line's), single spaces. Kept per text:
    a report's lines are read by its outline, accounts and department checks alike."""
    return normalize(vocab.clean_text(text))


# ---- paragraphs ---------------------------------------------------------------------------------

HEADING = vocab.NUMBERED_HEADING
_LONG_CELL = 40


heading_level = vocab.heading_level


@dataclass(slots=True)
class Paragraph:
    """Prose joined from one or more source lines, with a map from offsets back to lines.

    ``text`` is folded (ASCII digits and punctuation) for scanning; ``written`` is the same text as
    written, offset for offset, for quoting in messages.
    """

    written: str
    starts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    level: int | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = fold(self.written)

    def quote(self, start: int, end: int) -> str:
        return self.written[start:end]

    @property
    def line(self) -> int:
        return self.lines[0]

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def append(self, written: str, line: int, folded: str | None = None) -> None:
        self.starts.append(len(self.written))
        self.lines.append(line)
        self.written += written
        self.text += fold(written) if folded is None else folded


def _pieces(raw: str) -> tuple[list[str], bool]:
    """The prose of one source line: the whole line, or the long cells of a table row (cells apart
    by tabs, or a Markdown / grid table's ``| a | b |``)."""
    if "\t" in raw:
        cells = [cell for cell in raw.split("\t") if cell.strip()]
    elif raw.lstrip().startswith("|") and raw.count("|") >= 3:
        cells = [cell for cell in raw.strip().strip("|").split("|") if cell.strip()]
    else:
        return ([clean(raw)] if raw.strip() else []), False
    if len(cells) <= 1:
        return [clean(cell) for cell in cells], False
    texts = [clean(cell) for cell in cells]
    return [text for text in texts if len(text) >= _LONG_CELL], True


def _excluded_ranges(form: Form, ctx: Context) -> list[tuple[int, int]]:
    """Lines of the other forms a narrative encloses (table forms inside a report's span)."""
    ranges: list[tuple[int, int]] = []
    for other in ctx.forms:
        if other is form:
            continue
        start, end = other.line, other.end_line or other.line
        if start > form.line:
            ranges.append((start, end))
    return ranges


def _build(form: Form, ctx: Context, cells_only: bool) -> list[Paragraph]:
    start = form.line
    end = min(form.end_line or form.line, len(ctx.lines))
    excluded = {number for low, high in _excluded_ranges(form, ctx) for number in range(low, high + 1)}
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    for number in range(start, end + 1):
        if number in excluded:
            current = None
            continue
        pieces, table = _pieces(ctx.lines[number - 1])
        if cells_only and not table and pieces and len(pieces[0]) < _LONG_CELL:
            pieces = [] if current is None else pieces
        if table and not pieces:
            current = None
            continue
        for text in pieces:
            if not text:
                continue
            folded = fold(text)
            if current is not None and vocab.continues_paragraph(current.text, folded):
                current.append(text, number, folded)
            else:
                current = Paragraph(written=text, starts=[0], lines=[number], level=heading_level(folded), text=folded)
                paragraphs.append(current)
    return paragraphs


def narrative(form: Form, ctx: Context) -> list[Paragraph]:
    """The narrative of a report, or the long narrative cells of a 部门整体 form; [] for a project form.

    Built once per form and review (the context keeps it), however many checks read it.
    """
    if isinstance(form, ProjectForm) or not ctx.lines:
        return []
    return ctx.cached("narrative", form, lambda: _build(form, ctx, cells_only=isinstance(form, DepartmentForm)))


# ---- sentences and clauses ----------------------------------------------------------------------

_SENTENCE_END = "。！？!?"
CLAUSE_SEPARATORS = "，,；;。！？!?：:"


@lru_cache(maxsize=256)
def _sentence_pattern(enders: str) -> re.Pattern[str]:
    marks = re.escape(enders)
    return re.compile(f"[^{marks}]+[{marks}]?|[{marks}]")


def sentence_spans(text: str, enders: str = _SENTENCE_END) -> list[tuple[int, int]]:
    """(start, end) of each sentence, the end punctuation included."""
    return [match.span() for match in _sentence_pattern(enders).finditer(text) if match.group().strip(enders + " ")]


_BRACKET = re.compile(r"[（(《〈）)》〉]")
_OPENING = "（(《〈"


@lru_cache(maxsize=1024)
def depth_map(text: str) -> tuple[int, ...]:
    """Bracket depth at every offset: （ ( 《 〈 open, their partners close. Quotes are not counted:
    dumps lose one of a pair too often. An opening bracket is inside its pair, a closing one too.

    Filled run by run between brackets: most paragraphs have few or none."""
    depths: list[int] = []
    depth = 0
    done = 0
    for match in _BRACKET.finditer(text):
        index = match.start()
        depths.extend([depth] * (index - done))
        if text[index] in _OPENING:
            depth += 1
            depths.append(depth)
        else:
            depths.append(depth)
            if depth > 0:
                depth -= 1
        done = index + 1
    depths.extend([depth] * (len(text) - done))
    return tuple(depths)


def clause_start(text: str, position: int, separators: str = CLAUSE_SEPARATORS) -> int:
    """Offset just after the last separator before ``position`` that is not inside brackets."""
    depths = depth_map(text)
    for index in range(position - 1, -1, -1):
        if text[index] in separators and depths[index] == 0:
            return index + 1
    return 0


def project_tables(report: ReportForm, ctx: Context) -> dict[int, ProjectForm]:
    """:func:`match_forms` of a report's projects, matched once per review."""
    return ctx.cached("project_tables", report, lambda: match_forms(report.projects, ctx.forms))


def match_forms(projects: list[ReportProject], forms: list[Form]) -> dict[int, ProjectForm]:
    """Report project index → the project form of the same project. A form claimed by several report
    projects (a project and a transfer payment of one name) goes to the one of its kind, or to none."""
    claims: dict[int, list[int]] = {}
    found: dict[int, ProjectForm] = {}
    for index, project in enumerate(projects):
        form = match_project_form(project, forms)
        if form is not None:
            found[index] = form
            claims.setdefault(id(form), []).append(index)
    for indices in claims.values():
        if len(indices) <= 1:
            continue
        form = found[indices[0]]
        transfer = "转移支付" in (form.title or "") or form.funds.central is not None
        kind = [i for i in indices if (projects[i].group == "transfer") == transfer]
        for index in indices:
            if len(kind) != 1 or index != kind[0]:
                del found[index]
    return found


# ---- figures ------------------------------------------------------------------------------------

_COUNT_UNITS = "人次|户次|批次|场次|人|户|个|项|家|次|场|期|批|名|位|件|本|册|辆|台|套|所|篇|分|天|课时|学时|份|元"
_UNIT_FIRSTS = "".join(dict.fromkeys(unit[0] for unit in ("千元", *_COUNT_UNITS.split("|"))))
_FIGURE = re.compile(
    r"([0-9](?<![\dA-Za-z.][0-9])(?<!\d[-~～—至到][0-9])(?>\d{0,2}(?:,\d{3})+|\d*))(\.\d+)?+\s*+([余多])?\s*+(万|亿)?\s*+([余多])?\s*+"
    rf"(?=[{_UNIT_FIRSTS}])(千元|{_COUNT_UNITS})(?![/／每钟别之月民百])"
)
_PERCENT = re.compile(r"([0-9](?<![\dA-Za-z.][0-9])\d*+)(\.\d+)?+\s*+%(?!\s*[/])")
_BOUND_BEFORE = re.compile(r"(超过|超出|高于|大于|不低于|不少于|不高于|不超过|低于|少于|约|近|逾|达到|≥|≤|>|<)\s*$")
_BOUND_AFTER = re.compile(r"\s*(以上|以下|左右|上下|以内|多|余)")
_LOWER_WORDS = ("超过", "超出", "高于", "大于", "不低于", "不少于", "逾", "≥", ">", "以上", "多", "余")
_UPPER_WORDS = ("不高于", "不超过", "低于", "少于", "≤", "<", "以下", "以内")
_APPROX_WORDS = ("约", "近", "左右", "上下")
_WAN = Decimal(10000)


class Figure(NamedTuple):
    """A number written in prose with its unit: money in 万元, or a count in its unit word.

    A named tuple: a narrative holds hundreds and each is made once per review.
    """

    start: int
    end: int
    value: Decimal
    unit: str  # "万元" for money, else the count unit (人, 项, 分 …)
    places: int  # decimals as written
    scale: Decimal  # written number × scale = value
    bound: str | None  # ">=" (以上, 超过 …), "<=" (以下 …), "~" (约, 左右), None when exact

    @property
    def money(self) -> bool:
        return self.unit == "万元"

    def half_unit(self) -> Decimal:
        return Decimal(5) * self.scale / Decimal(10) ** (self.places + 1)

    def same_kind(self, other: Figure) -> bool:
        return self.unit == other.unit


class Percent(NamedTuple):
    start: int
    end: int
    value: Decimal  # as a fraction
    places: int  # decimals written in the percentage
    bound: str | None


_BOUND_CHARS = frozenset("超高大不低少约近逾达≥≤><")
_AFTER_CHARS = frozenset("以左上多余")


def _bound(text: str, start: int, end: int) -> str | None:
    """The bound a word beside a number sets (以上, 不超过, 约 …); most numbers have none, which two
    character tests tell before any pattern runs."""
    window = text[max(0, start - 4) : start]
    before = _BOUND_BEFORE.search(window) if not _BOUND_CHARS.isdisjoint(window) else None
    after = None
    if end < len(text) and (text[end] in _AFTER_CHARS or text[end].isspace()):
        after = _BOUND_AFTER.match(text, end)
    if before is None and after is None:
        return None
    words = [match.group(1) for match in (before, after) if match is not None]
    for word in words:
        if word in _UPPER_WORDS:
            return "<="
    for word in words:
        if word in _LOWER_WORDS:
            return ">="
    for word in words:
        if word in _APPROX_WORDS:
            return "~"
    return None


_ONE = Decimal(1)
# (multiplier word, unit word) → (factor to the unit counted in, that unit): money in 万元
_MONEY_FACTORS = {
    (None, "元"): (_ONE / _WAN, "万元"),
    ("万", "元"): (_ONE, "万元"),
    ("亿", "元"): (_WAN, "万元"),
    (None, "千元"): (Decimal(1000) / _WAN, "万元"),
    ("万", "千元"): (Decimal(1000), "万元"),
    ("亿", "千元"): (Decimal(1000) * _WAN, "万元"),
}
_COUNT_FACTORS = {None: _ONE, "万": _WAN, "亿": _WAN * _WAN}


@lru_cache(maxsize=4096)
def figures(text: str) -> tuple[Figure, ...]:
    """Every amount (万元) and count written in ``text`` (already folded), in order."""
    if not any(digit in text for digit in "0123456789"):
        return ()
    found: list[Figure] = []
    for match in _FIGURE.finditer(text):
        whole, fraction, more1, mult, more2, unit = match.groups()
        if "," in whole:
            whole = whole.replace(",", "")
        number = Decimal(whole + fraction) if fraction else Decimal(whole)
        money = _MONEY_FACTORS.get((mult, unit))
        if money is not None:
            factor, unit = money
        else:
            factor = _COUNT_FACTORS[mult]
        start, end = match.span()
        bound = _bound(text, start, end)
        if more1 or more2:
            bound = bound or ">="
        found.append(
            Figure(
                start,
                end,
                number if factor is _ONE else number * factor,
                unit,
                len(fraction) - 1 if fraction else 0,
                factor,
                bound,
            )
        )
    return tuple(found)


@lru_cache(maxsize=4096)
def _figure_starts(text: str) -> list[int]:
    return [fig.start for fig in figures(text)]


def figures_between(text: str, start: int, end: int) -> tuple[Figure, ...]:
    """The figures of ``text`` that begin in [start, end), found by bisection."""
    starts = _figure_starts(text)
    return figures(text)[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]


@lru_cache(maxsize=4096)
def percents(text: str) -> tuple[Percent, ...]:
    """Every percentage written in ``text`` (already folded), in order; not ``个百分点``."""
    if "%" not in text:
        return ()
    found: list[Percent] = []
    for match in _PERCENT.finditer(text):
        whole, fraction = match.groups()
        if text.startswith(("个百分点", "百分点"), match.end()):
            continue
        number = Decimal(whole + (fraction or ""))
        places = len(fraction) - 1 if fraction else 0
        found.append(
            Percent(match.start(), match.end(), number / 100, places, _bound(text, match.start(), match.end()))
        )
    return tuple(found)


def percent_matches(stated: Percent, ratio: Decimal, slack: Decimal = Decimal(0)) -> bool:
    """Whether a stated percentage agrees with a ratio: rounded or cut to its written decimals,
    or on the right side of a bound (70%以上)."""
    unit = Decimal(1) / Decimal(100) / Decimal(10) ** stated.places
    if stated.bound == ">=":
        return ratio >= stated.value - unit / 2 - slack
    if stated.bound == "<=":
        return ratio <= stated.value + unit / 2 + slack
    if stated.bound == "~":
        return abs(ratio - stated.value) <= unit * 5 + slack
    if abs(ratio - stated.value) <= unit / 2 + slack + Decimal("1e-9"):
        return True
    return stated.value <= ratio < stated.value + unit  # truncated, not rounded


def ratio_slack(numerator: Figure, denominator: Figure) -> Decimal:
    """How far a ratio of two written amounts can move with the rounding of their last digits."""
    if denominator.value <= 0:
        return Decimal(0)
    low = max(Decimal(0), numerator.value - numerator.half_unit())
    high = numerator.value + numerator.half_unit()
    ratio = numerator.value / denominator.value
    return (
        max(
            abs(ratio - low / (denominator.value + denominator.half_unit())),
            abs(high / max(denominator.value - denominator.half_unit(), Decimal("1e-9")) - ratio),
        )
        / 10
    )  # written amounts are exact far more often than not: allow a tenth of the worst case


def show(value: Decimal) -> str:
    """``40`` not ``40.00``; ``88.74`` kept."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def show_percent(value: Decimal) -> str:
    return f"{show((value * 100).quantize(Decimal('0.01')))}%"


# ---- names --------------------------------------------------------------------------------------

_GENERIC = re.compile(r"(项目|专项|资金|经费|支出|补助资金)$")


def name_key(name: str) -> str:
    key = vocab.unquoted(name)
    key = re.sub(r"^\d{4}年度?", "", key)
    return key


def _stripped(key: str) -> str:
    previous = None
    while previous != key and len(key) > 2:
        previous = key
        key = _GENERIC.sub("", key)
    return key


def name_similarity(a: str, b: str) -> float:
    """1.0 when one name holds the other (once 项目 / 专项 / 资金 endings are dropped), else their ratio."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    sa, sb = _stripped(ka), _stripped(kb)
    if min(len(sa), len(sb)) >= 3 and (sa in kb or sb in ka):
        return 1.0
    return difflib.SequenceMatcher(a=sa, b=sb).ratio()


def match_project_form(project: ReportProject, forms: list[Form]) -> ProjectForm | None:
    """The project form of the same project: the one whose name holds (or is held by) the report's."""
    scored: list[tuple[float, ProjectForm]] = []
    for form in forms:
        if isinstance(form, ProjectForm) and form.project:
            similarity = name_similarity(project.name, form.project)
            if similarity >= 0.86:
                scored.append((similarity, form))
    if not scored:
        return None
    scored.sort(key=lambda pair: pair[0], reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


# ---- sections of a report ------------------------------------------------------------------------


def project_section(report: ReportForm, index: int, paragraphs: list[Paragraph]) -> list[Paragraph] | None:
    """The paragraphs about one report project: the whole report for a single-project report, else
    from the project's heading to the next heading of the same or a higher level."""
    project = report.projects[index]
    if len(report.projects) == 1 and project.line <= report.line + 2:
        return paragraphs
    if sum(1 for other in report.projects if other.line == project.line) > 1:
        return None
    start = next((i for i, paragraph in enumerate(paragraphs) if project.line in paragraph.lines), None)
    if start is None:
        start = _heading_naming(project, paragraphs)
    if start is None:
        return None
    level = paragraphs[start].level
    if level is None:
        return None
    later = {other.line for other in report.projects if other.line > project.line}
    section = [paragraphs[start]]
    for paragraph in paragraphs[start + 1 :]:
        if paragraph.level is not None and paragraph.level <= level:
            break
        if any(line in later for line in paragraph.lines):
            break
        section.append(paragraph)
    return section


def _heading_naming(project: ReportProject, paragraphs: list[Paragraph]) -> int | None:
    """The one heading whose words start with the project's name: the section of a project a report's
    table lists (（三）某某项目 further on)."""
    key = vocab.norm_label(name_key(project.name))
    if len(key) < 2:
        return None
    found = [
        index
        for index, paragraph in enumerate(paragraphs)
        if paragraph.level is not None and vocab.norm_label(HEADING.sub("", paragraph.text, count=1)).startswith(key)
    ]
    return found[0] if len(found) == 1 else None


# ---- years --------------------------------------------------------------------------------------

YEAR = re.compile(r"(?=[12])(?<!\d)((?:19|20)\d{2})\s*年(度)?")


@lru_cache(maxsize=1024)
def years_in(text: str) -> tuple[re.Match[str], ...]:
    """Every ``2019年`` / ``2019 年度`` of ``text``, as :data:`YEAR` matches, in order.

    Found from each 年 backwards (a C-speed ``str.find``), not by scanning every character with the
    pattern: a narrative has a few dozen 年 and thousands of other characters."""
    found: list[re.Match[str]] = []
    position = text.find("年")
    while position >= 0:
        start = position
        while start > 0 and text[start - 1].isspace():
            start -= 1
        if start >= 4:
            match = YEAR.match(text, start - 4)
            if match is not None:
                found.append(match)
        position = text.find("年", position + 1)
    return tuple(found)


# ---- itemised lists: 其中 / 分别为 / 包括 / 用于 -----------------------------------------------------

CHANGE_BEFORE = re.compile(r"(增加|减少|增长|下降|提高|降低|上升|多|少)了?\s*$")  # 增加 126.6万元: a change

_MARKER = re.compile(r"其中|分别为|分别是|具体为|具体是|具体包括|主要包括|包括|主要用于|用于|明细为|构成为")
_EXHAUSTIVE = ("分别为", "分别是", "具体为", "具体是", "明细为", "构成为")
_NESTED = re.compile(r"其中|包括|分别")
_SHARE = re.compile(r"^\s*(?:占比|占|比重|比例)")
_OTHER = re.compile(r"(?:\d+\s*[、.])?\s*(?:其他|其它)")
# Parts that together make up the whole by definition: spending by nature, basic spending by kind.
_PARTITIONS = (("基本支出", "项目支出"), ("人员经费", "公用经费"))


@dataclass(slots=True)
class Item:
    """One part of an itemised total: its label as written before the amount, and its share (占 p%)."""

    label: str
    figure: Figure
    percent: Percent | None = None
    base: str | None = None  # 占 X 的 p%: the X
    line: int = 0


@dataclass(slots=True)
class ItemList:
    """A list of parts after a marker, with the total it itemises where the text tells it: an amount
    just before the marker, or the amount given earlier for the name before 用于."""

    paragraph: Paragraph
    marker: str
    start: int
    items: list[Item]
    complete: bool  # the list runs to the end of its sentence (nothing was cut off)
    total: Figure | None = None
    total_label: str = ""
    total_paragraph: Paragraph | None = None
    named_total: tuple[str, Decimal, int | None] | None = None  # (name, value, report project index)
    exhaustive: bool = False
    line: int = 0
    extra: list[Paragraph] = field(default_factory=list)


def label_before(text: str, position: int) -> str:
    return text[clause_start(text, position) : position].strip()


def _top_level(figs: Iterable[Figure], depths: tuple[int, ...], base: int) -> list[Figure]:
    return [fig for fig in figs if depths[fig.start] <= base]


_SEMI = re.compile(r"[；;]")
_LIST_SEPARATOR = re.compile(r"[，,、；;]")
_JOINERS = ("和", "及", "以及", "与")


def _split_pieces(
    text: str, start: int, end: int, depths: tuple[int, ...], base: int, figs: list[Figure]
) -> list[tuple[int, int]]:
    """Top-level pieces of a list body: at ；; when it has them, else at ，,、 and 和 / 及 after an amount."""
    cuts = [match.start() for match in _SEMI.finditer(text, start, end) if depths[match.start()] <= base]
    semi = bool(cuts)
    if not semi:
        cuts = [match.start() for match in _LIST_SEPARATOR.finditer(text, start, end) if depths[match.start()] <= base]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for index in cuts:
        pieces.append((piece_start, index))
        piece_start = index + 1
    pieces.append((piece_start, end))
    if semi:
        return [piece for piece in pieces if text[piece[0] : piece[1]].strip()]
    split: list[tuple[int, int]] = []
    starts = [fig.start for fig in figs]
    for low, high in pieces:
        cut = low
        for fig in figs[bisect.bisect_left(starts, low) : bisect.bisect_left(starts, high)]:
            if fig.end < high and text.startswith(_JOINERS, fig.end):
                split.append((cut, fig.end))
                cut = fig.end + 1
        split.append((cut, high))
    return [piece for piece in split if text[piece[0] : piece[1]].strip()]


def _items(
    text: str, start: int, end: int, depths: tuple[int, ...], unit: str | None
) -> tuple[list[Item], bool] | None:
    """The items of a list body; None when the list is too tangled to add up (nested lists, two amounts
    in one item, hedged amounts). The flag says whether the list ran to the end of its body."""
    base = depths[start] if start < len(depths) else 0
    figs = _top_level(figures(text), depths, base)
    starts = [fig.start for fig in figs]
    items: list[Item] = []
    for low, high in _split_pieces(text, start, end, depths, base, figs):
        piece = text[low:high]
        inside = figs[bisect.bisect_left(starts, low) : bisect.bisect_left(starts, high)]
        if unit is None and inside:
            unit = inside[0].unit
        same = [fig for fig in inside if fig.unit == unit]
        share = _SHARE.match(piece)
        if not same:
            if share and items and items[-1].percent is None:
                _attach_share(items[-1], text, low, high)
                continue
            rest = [fig for fig in figs[bisect.bisect_left(starts, high) :] if fig.unit == unit]
            return items, not rest
        if len(same) > 1 or _NESTED.search(piece) or any(fig.bound for fig in same):
            return None
        figure = same[0]
        item = Item(label=text[low : figure.start].strip(" ：:，,"), figure=figure)
        _attach_share(item, text, figure.end, high)
        items.append(item)
    return items, True


def _attach_share(item: Item, text: str, low: int, high: int) -> None:
    if "%" not in text[low:high]:
        return
    for percent in percents(text):
        if low <= percent.start < high:
            between = text[low : percent.start]
            if "占" not in between and "比重" not in between and "比例" not in between:
                return
            base = re.search(r"占(?:比)?(.*?)的?\s*$", between)
            item.percent = percent
            named = base.group(1).strip(" 的") if base else ""
            item.base = named or None
            return


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind(mark, 0, position) for mark in "。！？!?") + 1
    ends = [index for index in (text.find(mark, position) for mark in "。！？!?") if index >= 0]
    return start, (min(ends) if ends else len(text))


def _total_before(text: str, sentence_start: int, marker_start: int, unit: str) -> Figure | None:
    """The amount a list itemises: the last one before the marker, in the clause right before it."""
    figs = [fig for fig in figures(text) if sentence_start <= fig.start and fig.end <= marker_start]
    same = [fig for fig in figs if fig.unit == unit]
    if not same:
        return None
    total = same[-1]
    gap = text[total.end : marker_start].rstrip(" ，,：:")
    depths = depth_map(gap)
    separators = [i for i, char in enumerate(gap) if char in "，,；;：:" and depths[i] == 0]
    if not separators:
        return total
    if len(separators) == 1:
        prefix = gap[separators[0] + 1 :].strip()
        label = label_before(text, total.start)
        if 2 <= len(prefix) <= 10 and not re.search(r"\d", prefix) and prefix in label:
            return total
    return None


def _total_in_previous(
    text: str, sentence_start: int, prefix: str, unit: str, items: list[Item] | None = None
) -> Figure | None:
    """``…300万元。其中：`` — the previous sentence's only amount of the list's unit, or of several
    (预算数 X，执行数 Y，执行率 Z。其中：…) the one the parts add up to exactly."""
    if sentence_start == 0:
        return None
    previous_start, _ = sentence_bounds(text, sentence_start - 1)
    same = [
        fig
        for fig in figures(text)
        if previous_start <= fig.start
        and fig.end <= sentence_start
        and fig.unit == unit
        and not CHANGE_BEFORE.search(text, max(0, fig.start - 6), fig.start)
    ]
    if len(same) > 1 and items and len(items) >= 2:
        parts = sum((item.figure.value for item in items), Decimal(0))
        tolerance = min(item.figure.half_unit() for item in items)
        same = [fig for fig in same if abs(fig.value - parts) <= min(tolerance, fig.half_unit())]
    if len(same) != 1:
        return None
    if prefix and (len(prefix) > 10 or re.search(r"\d", prefix) or prefix not in label_before(text, same[0].start)):
        return None
    return same[0]


def _named_totals(report: Form, lists: list[ItemList]) -> list[tuple[str, Decimal, int | None]]:
    named: list[tuple[str, Decimal, int | None]] = []
    if isinstance(report, ReportForm):
        for index, project in enumerate(report.projects):
            value = next((v for v in (project.budget, project.executed, project.initial) if v is not None), None)
            if value is not None:
                named.append((project.name, value, index))
    for item_list in lists:
        for item in item_list.items:
            if item.figure.money and item.label:
                named.append((item.label, item.figure.value, None))
    return named


def _name_matches(label: str, name: str) -> bool:
    a, b = vocab.unquoted(label), vocab.unquoted(name)
    if len(a) < 3 or len(b) < 3:
        return False
    return a == b or (b.startswith(a) and len(a) >= 4) or a.endswith(b)


def _continuation(paragraphs: list[Paragraph], index: int, unit: str | None) -> tuple[list[Item], list[Paragraph]]:
    """Items set one per paragraph after a list marker that ends its paragraph (``其中：`` / ``1.…``)."""
    items: list[Item] = []
    used: list[Paragraph] = []
    level: int | None = None
    for paragraph in paragraphs[index + 1 :]:
        text = paragraph.text
        if used and paragraph.level != level:
            break
        cut = len(text)
        for mark in "，,；;。":
            found = text.find(mark)
            if 0 <= found < cut:
                cut = found
        figs = [fig for fig in figures(text) if fig.end <= cut]
        if unit is None and figs:
            unit = figs[0].unit
        same = [fig for fig in figs if fig.unit == unit]
        if len(same) != 1 or same[0].bound:
            break
        if not used:
            level = paragraph.level
        figure = same[0]
        item = Item(label=text[: figure.start].strip(" ：:，,"), figure=figure, line=paragraph.line_at(figure.start))
        _attach_share(item, text, figure.end, len(text))
        items.append(item)
        used.append(paragraph)
    return items, used


def item_lists(form: Form, ctx: Context) -> list[ItemList]:
    """Every itemised list of a narrative (read once per review for the sum and the rate checks)."""
    return ctx.cached("item_lists", form, lambda: _read_lists(form, narrative(form, ctx)))


def _figure_between(starts: list[int], low: int, high: int) -> bool:
    position = bisect.bisect_left(starts, low)
    return position < len(starts) and starts[position] < high


def _read_lists(form: Form, paragraphs: list[Paragraph]) -> list[ItemList]:
    """Every itemised list of the paragraphs, with the total it itemises where one can be told."""
    lists: list[ItemList] = []
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        markers = list(_MARKER.finditer(text))
        if not markers:
            continue
        depths = depth_map(text)
        starts = [fig.start for fig in figures(text)]
        consumed = -1
        for marker in markers:
            if marker.start() < consumed or depths[marker.start()] > 0:
                continue
            sentence_start, sentence_end = sentence_bounds(text, marker.start())
            body_start = marker.end()
            while body_start < sentence_end and text[body_start] in " ：:，,":
                body_start += 1
            extra: list[Paragraph] = []
            trailing = body_start >= len(text) or not text[body_start:].strip(" 。")
            if not trailing and not _figure_between(starts, body_start, sentence_end):
                continue
            if trailing:
                items, extra = _continuation(paragraphs, index, None)
                complete = True
            else:
                parsed = _items(text, body_start, sentence_end, depths, None)
                if parsed is None:
                    consumed = sentence_end
                    continue
                items, complete = parsed
                for item in items:
                    item.line = paragraph.line_at(item.figure.start)
            if not items:
                continue
            consumed = sentence_end
            unit = items[0].figure.unit
            item_list = ItemList(
                paragraph=paragraph,
                marker=marker.group(0),
                start=marker.start(),
                items=items,
                complete=complete,
                line=paragraph.line_at(marker.start()),
                extra=extra,
            )
            prefix = text[sentence_start : marker.start()].strip(" ，,：:")
            exhaustive = any(word in text[sentence_start : marker.end()] for word in _EXHAUSTIVE)
            total = _total_before(text, sentence_start, marker.start(), unit)
            if total is None and not [f for f in figures(prefix) if f.unit == unit]:
                total = _total_in_previous(text, sentence_start, prefix, unit, items)
            if total is not None:
                item_list.total = total
                item_list.total_label = label_before(text, total.start)
                item_list.total_paragraph = paragraph
            else:
                item_list.named_total = _named_total(form, lists, text, marker, items[0])
            shares = [item.percent.value for item in items if item.percent is not None and item.percent.bound is None]
            share_sum = sum(shares, Decimal(0))
            item_list.exhaustive = (
                exhaustive
                or any(_OTHER.match(item.label) for item in items[1:])
                or _partition(items)
                or (len(shares) == len(items) and len(items) >= 2 and abs(share_sum - 1) <= Decimal("0.005"))
            )
            lists.append(item_list)
    return lists


def _partition(items: list[Item]) -> bool:
    """The items are the parts of a classification that make up the whole (基本支出 and 项目支出)."""
    if len(items) != 2:  # every partition known has two parts
        return False
    labels = [vocab.unquoted(item.label) for item in items]
    return any(
        len(labels) == len(parts) and all(label.endswith(part) for label, part in zip(labels, parts, strict=True))
        for parts in _PARTITIONS
    )


def _named_total(
    form: Form, lists: list[ItemList], text: str, marker: re.Match[str], first: Item
) -> tuple[str, Decimal, int | None] | None:
    """``帮扶资金用于 A 50 万元；B 60 万元`` — the total is the amount given earlier for that name."""
    labels: list[str] = []
    if marker.group(0).endswith("用于"):
        labels.append(label_before(text, marker.start()))
    if "用于" in first.label:
        labels.append(first.label.split("用于", 1)[0].strip())
    for label in labels:
        if not label or figures(label):
            continue
        for name, value, project in _named_totals(form, lists):
            if _name_matches(label, name):
                return name, value, project
    return None
