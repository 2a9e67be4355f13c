"""Text against tables, and arithmetic in prose (CHECKS.md).

A narrative (a report, or the long narrative cells of a 部门整体 form) restates
figures the tables of the same file hold, and does its own arithmetic: totals
itemised by 其中 / 分别为 lists, execution rates and shares beside the two
amounts they come from, changes from one year to the next. These checks read
the prose (``prose.py``) and compare. A finding about text contradicting a
table attaches to the narrative's form; narrative cells of a 部门整体 form
report on that form with ``field`` null.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao import vocab
from jixiao.checks import prose
from jixiao.checks.prose import Figure, Paragraph, Percent, show, show_percent
from jixiao.checks.registry import Context, Draft, check
from jixiao.model import FUND_ROWS, DepartmentForm, Form, Indicator, Loc, ProjectForm, ReportForm, ReportProject
from jixiao.parse.numbers import Quantity, quantities_in

_TOLERANCE = Decimal("0.005")
_RATE_TOLERANCE = Decimal("0.005")
_ZERO = Decimal(0)


def _close(a: Decimal, b: Decimal, tolerance: Decimal = _TOLERANCE) -> bool:
    return abs(a - b) <= tolerance


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _written_tolerance(value: Decimal) -> Decimal:
    """Half a unit of the last decimal a prose figure is written with, at least 0.005."""
    return max(_TOLERANCE, Decimal(5) / Decimal(10) ** (_places(value) + 1))


def _project_label(project: ReportProject) -> str:
    return f"“{project.name}”"


# ==== year.mismatch ===============================================================================


def _header_line(form: Form, ctx: Context) -> int | None:
    """The line that prints a form's year: its title or a (2019年度) line just under it."""
    if form.year is None:
        return None
    if isinstance(form, ReportForm):
        return form.line if form.title and str(form.year) in prose.fold(form.title) else None
    last = min(len(ctx.lines), form.line + 6)
    for number in range(form.line, last + 1):
        text = prose.fold(ctx.lines[number - 1])
        if any(int(match.group(1)) == form.year for match in prose.years_in(text)):
            return number
    return None


def file_year(ctx: Context) -> int | None:
    """The year a file evaluates: the year most of its forms print, else its titled reports' year."""
    counts = Counter(form.year for form in ctx.forms if form.year is not None)
    total = sum(counts.values())
    if counts:
        year, count = counts.most_common(1)[0]
        if count * 2 > total:
            return year
    titled = Counter(
        form.year
        for form in ctx.forms
        if isinstance(form, ReportForm) and form.year and form.title and str(form.year) in prose.fold(form.title)
    )
    ranked = titled.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


_CLAUSE_LEAD = re.compile(
    r"\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|[(][一二三四五六七八九十\d]+[)]|\d+\s*[、.](?!\d)"
    r"|[一二三四五六七八九十]是)?\s*"
)
_NOT_TEMPLATE_AFTER = re.compile(
    r"\s*(?:\d|月|[、—\-~～至到]|的|以来|以前|以后|前|后|底|末|初|同期|相比|比|起|开始|.{0,4}(?:结转|结余|遗留|欠))"
)
_COMPARISON = re.compile(
    r"相比|同比|比上年|较上年|上年|去年|同期|以来|本年|今年|本期|[比较与和同]\s*(?:19|20)\d{2}\s*年|从\s*(?:19|20)\d{2}"
)
# A year right after words naming the evaluated year's own cycle (年初设定的 2022 年度目标) must be it.
_THIS_CYCLE = re.compile(r"(?:年初|本年度?|今年)(?:设定|确定|制定|下达|批复|申报|编制)的\s*$")
_TEMPLATE_CUES = re.compile(r"预算|支出|决算|执行率|万元|指标|绩效|资金|该项目|本项目|自评")
_FOLLOW_UP = re.compile(r"整改|审计|巡视|巡察|反馈|检查发现|发现问题")  # last year's findings, followed up


_COLON = re.compile(r"[：:]")
_SENTENCE_ENDS = "。！？!?；;"


@lru_cache(maxsize=512)
def _colons(text: str) -> tuple[int, ...]:
    """Offsets of the colons outside brackets, found once per paragraph."""
    if ":" not in text and "：" not in text:
        return ()
    depths = prose.depth_map(text)
    return tuple(match.start() for match in _COLON.finditer(text) if depths[match.start()] == 0)


def _year_slips(paragraph: Paragraph, year: int) -> Iterator[tuple[int, int, str]]:
    """Templated sentences naming an earlier year: a year that opens a sentence, or a part of one after
    a colon (``预算支出情况：2020年…``), in a segment about the budget that compares nothing.

    Walks the years written (few) rather than the sentences (many)."""
    text = paragraph.text
    written = prose.years_in(text)
    for match in written:
        slipped = int(match.group(1))
        position = match.start()
        if slipped >= year or _NOT_TEMPLATE_AFTER.match(text, match.end()):
            continue
        start = max(text.rfind(mark, 0, position) for mark in _SENTENCE_ENDS) + 1
        ends = [found for found in (text.find(mark, position) for mark in _SENTENCE_ENDS) if found >= 0]
        end = min(ends) + 1 if ends else len(text)
        colons = _colons(text)
        before = bisect.bisect_left(colons, position) - 1
        low = colons[before] + 1 if before >= 0 and colons[before] >= start else start
        lead = _CLAUSE_LEAD.match(text, low)
        if (lead.end() if lead else low) != position and not _THIS_CYCLE.search(text, low, position):
            continue
        after = bisect.bisect_left(colons, position)
        high = colons[after] if after < len(colons) and colons[after] < end else end
        if len({found.group(1) for found in written if position <= found.start() and found.end() <= high}) != 1:
            continue
        if _COMPARISON.search(text, start, high) or _FOLLOW_UP.search(text, start, high):
            continue
        if _compared_next(text, end):
            continue  # 2022年，执行率为95.6%。今年以来……较上年提高2.3个百分点: last year's figure, for comparison
        if not _TEMPLATE_CUES.search(text, match.end(), high):
            continue
        yield slipped, position, _short_quote(paragraph, position, high)


def _compared_next(text: str, end: int) -> bool:
    """The sentence after ``end`` compares this year with the last (较上年, 同比, 今年以来)."""
    ends = [found for found in (text.find(mark, end) for mark in _SENTENCE_ENDS) if found >= 0]
    return bool(_COMPARISON.search(text, end, min(ends) if ends else len(text)))


def _short_quote(paragraph: Paragraph, start: int, end: int, size: int = 30) -> str:
    """The written text from ``start``: to the first clause end after ten characters, at most ``size``."""
    text = paragraph.text
    stop = min(end, start + size)
    for index in range(start + 10, stop):
        if text[index] in "，,；;。":
            return paragraph.quote(start, index)
    quote = paragraph.quote(start, stop).rstrip("。；;，,")
    return quote + ("…" if stop < end else "")


def _evaluated_year(form: Form, ctx: Context) -> int | None:
    """The year a narrative evaluates: its form's printed year (a titled report's, a form header's),
    else the file's."""
    if isinstance(form, ReportForm) and _header_line(form, ctx) is None:
        return file_year(ctx) or form.year
    return form.year or file_year(ctx)


@check("year.mismatch", "warning", kinds=("project", "department", "report"))
def year_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A form header or a templated sentence names a year other than the year evaluated."""
    evaluated = file_year(ctx)
    header = _header_line(form, ctx)
    if evaluated is not None and form.year is not None and form.year != evaluated and header is not None:
        yield Draft(
            field="year",
            line=header,
            message=f"{'本报告标题' if isinstance(form, ReportForm) else '本表表头'}为 {form.year} 年度，"
            f"而本文件评价的是 {evaluated} 年度：疑为套用往年材料或年度填错",
            expected=evaluated,
            found=form.year,
        )
    if isinstance(form, ProjectForm):
        return
    year = _evaluated_year(form, ctx)
    if year is None:
        return
    title = prose.clean(form.title) if isinstance(form, ReportForm) and form.title else None
    for paragraph in prose.narrative(form, ctx):
        if title and title in paragraph.written:
            continue
        for slipped, offset, quote in _year_slips(paragraph, year):
            yield Draft(
                field=None,
                line=paragraph.line_at(offset),
                message=f"评价年度为 {year} 年，但文中写“{quote}”：年份 {slipped} 疑为套用往年模板未改",
                expected=year,
                found=slipped,
            )


# ==== shared: group weights and scores of a table ==================================================


@dataclass(slots=True)
class Group:
    name: str
    weight: Decimal | None
    score: Decimal | None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    listed = list(values)
    if not listed or any(value is None for value in listed):
        return None
    return sum((value for value in listed if value is not None), _ZERO)


def _rows_group(name: str, rows: list[Indicator]) -> Group | None:
    if not rows:
        return None
    return Group(name, _sum(row.weight for row in rows), _sum(row.score for row in rows))


@lru_cache(maxsize=2048)
def _bare(label: str) -> str:
    """A narrative label reduced to its group word: ``指标投入情况`` → ``投入``, ``项目产出`` → ``产出``."""
    key = vocab.unquoted(label)
    key = re.sub(r"^(项目|部门)", "", key)
    previous = None
    while previous != key:
        previous = key
        key = re.sub(r"(情况|分析|指标|方面|部分)$", "", key)
        key = re.sub(r"^(指标)", "", key)
    return key


def _level_stem(text: str | None) -> str:
    if not text:
        return ""
    key = vocab.unquoted(text).split("(")[0].split("（")[0]
    return key[:-2] if key.endswith("指标") else key


def _resolve_department(label: str, form: DepartmentForm) -> Group | None:
    """The framework row, level-2 group (预算配置) or level-1 group (产出) a narrative label names."""
    key = vocab.unquoted(label)
    bare = _bare(label)
    for row in form.indicators:
        if row.name and vocab.unquoted(row.name) in (key, bare):
            return Group(row.name, row.weight, row.score)
    group = vocab.department_group(bare) or vocab.department_group(key)
    if group is not None:
        rows = [row for row in form.indicators if vocab.department_group(row.level2 or "") == group]
        found = _rows_group(group, rows)
        if found is not None:
            return found
    if bare in vocab.DEPARTMENT_LEVEL1:
        subtotal = form.subtotals.get(bare)
        if subtotal is not None and (subtotal.weight is not None or subtotal.score is not None):
            return Group(bare, subtotal.weight, subtotal.score)
        return _rows_group(bare, [row for row in form.indicators if (row.level1 or "") == bare])
    return None


def _resolve_project_layout(
    label: str, form: ProjectForm | DepartmentForm, stems: tuple[list[str], list[str]]
) -> Group | None:
    """The funds row (预算执行率), indicator row, level-1 or level-2 group a narrative label names."""
    key = vocab.unquoted(label)
    bare = _bare(label)
    if any(word in key for word in ("预算执行", "执行率", "资金执行")):
        if form.funds.weight is None and form.funds.score is None:
            return None
        return Group("预算执行率", form.funds.weight, form.funds.score)
    for row in form.indicators:
        if row.name and vocab.unquoted(row.name) == key:
            return Group(row.name, row.weight, row.score)
    if not bare:
        return None
    level1_stems, level2_stems = stems
    level1 = [row for row, stem in zip(form.indicators, level1_stems, strict=True) if stem == bare]
    if level1:
        return _rows_group(f"{bare}指标", level1)
    level2 = [row for row, stem in zip(form.indicators, level2_stems, strict=True) if stem == bare]
    if level2:
        return _rows_group(f"{bare}指标", level2)
    return None


def _row_stems(form: ProjectForm | DepartmentForm) -> tuple[list[str], list[str]]:
    return [_level_stem(row.level1) for row in form.indicators], [_level_stem(row.level2) for row in form.indicators]


class _Resolver:
    """Labels resolved against one form, each once: the same headings recur paragraph after paragraph."""

    __slots__ = ("form", "known", "stems")

    def __init__(self, form: ProjectForm | DepartmentForm) -> None:
        self.form = form
        self.known: dict[str, Group | None] = {}
        self.stems: tuple[list[str], list[str]] | None = None

    def __call__(self, label: str) -> Group | None:
        if label in self.known:
            return self.known[label]
        form = self.form
        if isinstance(form, DepartmentForm) and form.layout == "framework":
            group = _resolve_department(label, form)
        else:
            if self.stems is None:
                self.stems = _row_stems(form)
            group = _resolve_project_layout(label, form, self.stems)
        self.known[label] = group
        return group


# ---- score statements in prose: 此项指标应得6分，实得6分 / 数量指标（总分 20 分，评价得分 19 分）

_HEAD = re.compile(
    r"(?=[\s第(一二三四五六七八九十0-9])(?:^|(?<=[。；;！？\s]))\s*(?:第[一二三四五六七八九十]+部分|[(]?[一二三四五六七八九十\d]+[)、.]|[(][一二三四五六七八九十\d]+[)])"
    r"\s*([^。；;：:，,\d()]{2,24}?)\s*(?:[(]([^()]{1,16})[)])?\s*(?=[:：(]|$)"
)
_PLAIN_HEAD = re.compile(
    r"(?:^|(?<=[。；;！？\s]))\s*([^\s。；;：:，,\d()]{2,12}?(方面)?)\s*(?=[:：(]|(?(2)[，,]|(?!)))"
)
_PAIR = re.compile(
    r"(应得|总分|满分|标准分值|分值|权重)\s*(?:为|是)?\s*:?\s*(\d+(?:\.\d+)?)\s*分\s*[,，、;；]?\s*"
    r"(?:其中)?\s*(?:评价|自评|实际)?(实得|得分|得)\s*(?:为|是)?\s*:?\s*(\d+(?:\.\d+)?)\s*分(?!以)"
)
_SCORE_ONLY = re.compile(
    r"(?=[实评得])(?<![应总满获取记])(实得|评价得分|得分|得)\s*(?:为|是)?\s*:?\s*(\d+(?:\.\d+)?)\s*分(?!以)"
)
_WEIGHT_ONLY = re.compile(r"(应得|分值)\s*(?:为|是)?\s*:?\s*(\d+(?:\.\d+)?)\s*分(?!以)")


@dataclass(slots=True)
class Statement:
    group: Group
    weight: Decimal | None
    score: Decimal | None
    line: int


@lru_cache(maxsize=1024)
def _head_labels(text: str) -> tuple[tuple[int, str, str | None, bool], ...]:
    """(offset, label, bracketed label, numbered) of every heading-like label, by offset: found once
    per paragraph, however many forms the labels are resolved against."""
    labels: dict[int, tuple[int, str, str | None, bool]] = {}
    starts = [0, *(match.end() for match in _LABEL_BOUNDARY.finditer(text))]
    numbered = [start for start in starts if start < len(text) and text[start] in _HEAD_FIRST]
    for match in _matches_at(_HEAD, text, numbered):
        labels[match.start(1)] = (match.start(1), match.group(1).strip(), match.group(2), True)
    ends = [match.start() for match in _LABEL_END.finditer(text)]
    if ends:  # an unnumbered label ends at a colon or a bracket, or is a 方面 before a comma
        near = [start for start in starts if _before_any(ends, start, _PLAIN_REACH)]
        for match in _matches_at(_PLAIN_HEAD, text, near):
            labels.setdefault(match.start(1), (match.start(1), match.group(1), None, False))
    return tuple(sorted(labels.values()))


_LABEL_BOUNDARY = re.compile(r"[。；;！？\s]")
_HEAD_FIRST = frozenset("第(一二三四五六七八九十0123456789") | frozenset(" \t\n\r\f\v\u3000\xa0")
_LABEL_END = re.compile(r"[:：(]|方面")
_PLAIN_REACH = 40  # an unnumbered label (≤ 12 characters, 方面, spaces) ends this close to its start


def _before_any(ends: list[int], start: int, reach: int) -> bool:
    """Whether one of the sorted ``ends`` lies in [start, start + reach)."""
    index = bisect.bisect_left(ends, start)
    return index < len(ends) and ends[index] < start + reach


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern that can only start at ``starts`` (the
    text start and just after a sentence boundary): tried there alone, not at every character."""
    reached = 0
    for start in starts:
        if start < reached:
            continue
        match = pattern.match(text, start)
        if match is not None:
            reached = match.end()
            yield match


def _heads(text: str, resolve: _Resolver) -> list[tuple[int, Group | None]]:
    """(offset, group) of every heading-like label of a paragraph. A numbered label (``2.预算配置：``)
    counts even when it names nothing in the table (its group is None: it ends the one before); an
    unnumbered one (``资产管理：``, ``产出方面，``) only when it names a group."""
    heads: list[tuple[int, Group | None]] = []
    for offset, label, bracketed, numbered in _head_labels(text):
        group = resolve(label)
        if group is None and bracketed:
            group = resolve(bracketed)
        if numbered or group is not None:
            heads.append((offset, group))
    return heads


def _last_head(text: str, resolve: _Resolver) -> list[tuple[int, Group | None]]:
    """The last of :func:`_heads`, for a paragraph with no statement: only it carries on, so the
    labels before it need not be resolved."""
    for offset, label, bracketed, numbered in reversed(_head_labels(text)):
        group = resolve(label)
        if group is None and bracketed:
            group = resolve(bracketed)
        if numbered or group is not None:
            return [(offset, group)]
    return []


@lru_cache(maxsize=1024)
def _events(text: str) -> tuple[tuple[int, Decimal | None, Decimal | None], ...]:
    """(offset, weight, score) of every score statement of a paragraph, in order; read once per
    paragraph, however many forms it is compared with."""
    if "分" not in text:
        return ()
    pairs = list(_PAIR.finditer(text))
    events: list[tuple[int, Decimal | None, Decimal | None]] = [
        (match.start(), Decimal(match.group(2)), Decimal(match.group(4))) for match in pairs
    ]
    covered = [(match.start(), match.end()) for match in pairs]
    for pattern, is_score in ((_SCORE_ONLY, True), (_WEIGHT_ONLY, False)):
        for match in pattern.finditer(text):
            if not any(low <= match.start() < high for low, high in covered):
                value = Decimal(match.group(2))
                events.append((match.start(), None if is_score else value, value if is_score else None))
    return tuple(sorted(events, key=lambda event: event[0]))


def score_statements(paragraphs: list[Paragraph], form: ProjectForm | DepartmentForm) -> list[Statement]:
    """Each weight / score the prose states for a group, a row or the funds row of ``form``.

    A statement belongs to the last heading label before it in its paragraph; failing that, to the
    last one of an earlier paragraph (a heading paragraph resets it). A lone score or weight
    (``得分 10 分``) is taken only beside its label or right under a heading that names it."""
    found: list[Statement] = []
    carried: Group | None = None
    under_heading = False
    resolve = _Resolver(form)
    for paragraph in paragraphs:
        events = _events(paragraph.text)
        heads = _heads(paragraph.text, resolve) if events else _last_head(paragraph.text, resolve)
        if paragraph.level is not None:
            carried = None
        for position, weight, score in events:
            before = [group for offset, group in heads if offset < position]
            group = before[-1] if before else carried
            lone = weight is None or score is None
            if group is None or (lone and not before and not under_heading):
                continue
            found.append(Statement(group, weight, score, paragraph.line_at(position)))
        if heads:
            carried = heads[-1][1]
            under_heading = paragraph.level is not None
        elif paragraph.level is None:
            under_heading = False
    return found


def _statement_mismatches(statements: list[Statement]) -> list[tuple[Statement, list[str]]]:
    out: list[tuple[Statement, list[str]]] = []
    for statement in statements:
        group = statement.group
        problems: list[str] = []
        if statement.weight is not None and group.weight is not None and not _close(statement.weight, group.weight):
            problems.append(f"分值 {show(statement.weight)} 分（表中 {show(group.weight)} 分）")
        if statement.score is not None and group.score is not None and not _close(statement.score, group.score):
            problems.append(f"得分 {show(statement.score)} 分（表中 {show(group.score)} 分）")
        if problems:
            out.append((statement, problems))
    return out


# ==== text.table_mismatch =========================================================================


_MEASURE_WORD = re.compile(r"(人次|人数|户数|次数|个数|场次|期数|数量|总数)$")


def _core_name(name: str) -> str:
    key = vocab.unquoted(name)
    key = re.sub(r"^指标[:：]", "", key)
    key = re.split(r"[\d≥≤<>=]", key, maxsplit=1)[0].strip("，,：:、（(")
    shorter = _MEASURE_WORD.sub("", key)
    return shorter if len(shorter) >= 4 else key


def _single_quantity(text: str | None) -> Quantity | None:
    if not text:
        return None
    found = [q for q in quantities_in(text) if q.kind in ("count", "money", "percent", "plain")]
    return found[0] if len(found) == 1 else None


@dataclass(slots=True)
class _Quantitative:
    """An indicator row whose target and actual each state one quantity, in one unit."""

    name: str
    core: str  # the name without its target and measure word: 培训一线职工人次 → 培训一线职工
    target: Quantity
    actual: Quantity
    unit: str
    target_text: str
    actual_text: str
    cost: bool  # a 成本 row: lower is better when the target has no sign


def _quantitative_rows(form: ProjectForm | DepartmentForm, ctx: Context) -> list[_Quantitative]:
    """Read once per form and review: the table and the unsupported-claim checks both ask."""
    return ctx.cached("quantitative_rows", form, lambda: _read_quantitative(form))


def _read_quantitative(form: ProjectForm | DepartmentForm) -> list[_Quantitative]:
    rows: list[_Quantitative] = []
    for row in form.indicators:
        if not row.name:
            continue
        target, actual = _single_quantity(row.target), _single_quantity(row.actual)
        if target is None or actual is None:
            continue
        unit = target.unit if target.kind != "money" else "万元"
        actual_unit = actual.unit if actual.kind != "money" else "万元"
        if actual_unit and actual_unit != unit:
            continue
        cost = "成本" in (row.level2 or "") or "成本" in (row.level1 or "")
        rows.append(
            _Quantitative(
                row.name, _core_name(row.name), target, actual, unit, row.target or "", row.actual or "", cost
            )
        )
    return rows


def _narrative_counts(
    paragraphs: list[Paragraph], form: ProjectForm | DepartmentForm, year: int | None, ctx: Context
) -> list[tuple[str, Figure, _Quantitative, int]]:
    """Figures the prose gives for a quantitative indicator that match neither its target nor its actual."""
    rows = [row for row in _quantitative_rows(form, ctx) if len(row.core) >= 4 and row.unit]
    out: list[tuple[str, Figure, _Quantitative, int]] = []
    if not rows:
        return out
    for paragraph in paragraphs:
        text = paragraph.text
        key_text = text.replace(" ", "")
        if not any(row.core in key_text for row in rows):
            continue
        for figure in prose.figures(text):
            if figure.bound is not None:
                continue
            start = prose.clause_start(text, figure.start, "，,；;。！？：:、")
            label = vocab.unquoted(text[start : figure.start])
            if _OTHER_TIME.search(label) or any(int(y.group(1)) != year for y in prose.years_in(label)):
                continue
            named = _LABEL_TAIL.sub("", label)
            matches = [row for row in rows if named.endswith(row.core) and row.unit == figure.unit]
            if len(matches) != 1:
                continue
            row = matches[0]
            if _close(figure.value, row.actual.value) or _close(figure.value, row.target.value):
                continue
            out.append((label, figure, row, paragraph.line_at(figure.start)))
    return out


_LABEL_TAIL = re.compile(r"(?:共计|合计|总计|共|达到|达|为|了|计|约|总数|人数|数量|数)+$")
_OTHER_TIME = re.compile(r"上年|去年|同期|往年|以前|以来|历年|[比较]\s*\d{4}|\d{4}\s*年?\s*[—–\-－~～至到]\s*\d{4}")


def _form_rate(form: ProjectForm) -> tuple[Decimal | None, Decimal | None]:
    """(stated 执行率, 执行数 ÷ 全年预算数) of a project form."""
    total = form.funds.total
    computed = None
    if total.executed is not None and total.budget:
        computed = total.executed / total.budget
    return form.funds.rate, computed


_GRADES = {"优秀": "优", "良好": "良", "合格": "中", "中等": "中", "较差": "差", "不合格": "差"}


def _grade(text: str | None) -> str | None:
    if not text:
        return None
    key = vocab.unquoted(text)
    return _GRADES.get(key, key)


_SUBSCORE = re.compile(r"总分\s*\d|分值|指标|标准分")


def _total_score_line(score: Decimal | None, loc: Loc | None, ctx: Context) -> int | None:
    """The line where a report states a total score, when that statement really is the total
    (``最终评价得分为：94分``) and not a group's (``数量指标（总分 20 分，评价得分 19 分）``)."""
    if score is None or loc is None or not 1 <= loc.line <= len(ctx.lines):
        return None
    text = prose.fold(ctx.lines[loc.line - 1])
    for match in re.finditer(rf"(?<![\d.]){re.escape(str(score))}\s*分", text):
        if not _SUBSCORE.search(text, max(0, match.start() - 30), match.start()):
            return loc.line
    return None


# report figure → (as the message says it, the form columns it may stand for, the one named first)
_AMOUNTS = (
    ("budget", "预算", ("budget", "initial")),
    ("initial", "年初预算", ("initial", "budget")),
    ("executed", "支出", ("executed",)),
)
_COLUMNS = {"budget": "全年预算数", "initial": "年初预算数", "executed": "全年执行数"}


def _figure_mismatches(
    index: int, project: ReportProject, form: ProjectForm, report: ReportForm, ctx: Context
) -> Iterator[Draft]:
    where = f"第 {form.line} 行的项目表（{form.project}）"
    total = form.funds.total

    def line_of(attr: str) -> int:
        loc = project.provenance.get(attr)
        return loc.line if loc is not None else project.line

    for attr, said, columns in _AMOUNTS:
        value = getattr(project, attr)
        known = [(column, getattr(total, column)) for column in columns if getattr(total, column) is not None]
        if value is None or not known:
            continue
        # a figure the report gives for one source of the funds (财政拨款, 中央补助 …) is no contradiction
        sources = [
            getattr(row, column)
            for name in FUND_ROWS
            if (row := form.funds.row(name)) is not None
            for column in columns
            if getattr(row, column) is not None
        ]
        if any(_close(value, v, _written_tolerance(value)) for v in sources):
            continue
        column, reference = known[0]
        yield Draft(
            field=f"projects[{index}].{attr}",
            line=line_of(attr),
            message=f"报告写{_project_label(project)}{said} {show(value)} 万元，"
            f"而{where}{_COLUMNS[column]}为 {show(reference)} 万元",
            expected=reference,
            found=value,
        )
    stated, computed = _form_rate(form)
    rates = [rate for rate in (stated, computed) if rate is not None]
    if project.rate is not None and rates and not any(_close(project.rate, rate, _RATE_TOLERANCE) for rate in rates):
        yield Draft(
            field=f"projects[{index}].rate",
            line=line_of("rate"),
            message=f"报告写{_project_label(project)}预算执行率 {show_percent(project.rate)}，"
            f"而{where}执行率为 {show_percent(rates[0])}",
            expected=rates[0],
            found=project.rate,
        )
    score_line = _total_score_line(
        project.score, project.provenance.get("score") or report.provenance.get("total_score"), ctx
    )
    if (
        project.score is not None
        and form.total_score is not None
        and score_line is not None
        and not _close(project.score, form.total_score)
    ):
        yield Draft(
            field=f"projects[{index}].score",
            line=score_line,
            message=f"报告写{_project_label(project)}自评得分 {show(project.score)} 分，"
            f"而{where}总分为 {show(form.total_score)} 分",
            expected=form.total_score,
            found=project.score,
        )
    if project.grade and form.grade and _grade(project.grade) != _grade(form.grade):
        yield Draft(
            field=f"projects[{index}].grade",
            line=project.line,
            message=f"报告写{_project_label(project)}评价等级为“{project.grade}”，而{where}为“{form.grade}”",
            expected=form.grade,
            found=project.grade,
        )


def _count_findings(
    index: int, form: ProjectForm, section: list[Paragraph], year: int | None, ctx: Context
) -> Iterator[Draft]:
    mismatches = _narrative_counts(section, form, year, ctx)
    if not mismatches:
        return
    said = "、".join(f"{row.core} {show(figure.value)} {figure.unit}" for _, figure, row, _ in mismatches)
    table = "、".join(
        f"“{row.name}”实际完成值 {show(row.actual.value)} {row.unit}（目标 {show(row.target.value)} {row.unit}）"
        for _, _, row, _ in mismatches
    )
    yield Draft(
        field=f"projects[{index}]",
        line=mismatches[0][3],
        message=f"报告称{said}，而第 {form.line} 行的项目表（{form.project}）中{table}",
        expected={row.name: float(row.actual.value) for _, _, row, _ in mismatches},
        found={row.name: float(figure.value) for _, figure, row, _ in mismatches},
    )


def _statement_findings(statements: list[Statement], field_name: str | None, where: str) -> Iterator[Draft]:
    """One finding per source line, naming every group whose stated weight or score the table contradicts."""
    by_line: dict[int, list[tuple[Statement, list[str]]]] = {}
    for statement, problems in _statement_mismatches(statements):
        by_line.setdefault(statement.line, []).append((statement, problems))
    for line, items in sorted(by_line.items()):
        parts = "；".join(f"{statement.group.name}：文中{'、'.join(problems)}" for statement, problems in items)
        yield Draft(
            field=field_name,
            line=line,
            message=f"文字说明中的分项分值或得分与{where}不符——{parts}",
            expected={
                statement.group.name: [
                    None if statement.group.weight is None else float(statement.group.weight),
                    None if statement.group.score is None else float(statement.group.score),
                ]
                for statement, _ in items
            },
            found={
                statement.group.name: [
                    None if statement.weight is None else float(statement.weight),
                    None if statement.score is None else float(statement.score),
                ]
                for statement, _ in items
            },
        )


def _breakdown_findings(report: ReportForm, form: ProjectForm) -> Iterator[Draft]:
    if not report.score_breakdown:
        return
    loc = report.provenance.get("score_breakdown")
    line = loc.line if loc is not None else report.line
    resolve = _Resolver(form)
    for name, stated in report.score_breakdown.items():
        group = resolve(name)
        if group is None or group.score is None or _close(stated, group.score):
            continue
        yield Draft(
            field=f"score_breakdown.{name}",
            line=line,
            message=f"报告评分表中{name}得分 {show(stated)} 分，"
            f"而第 {form.line} 行的项目表合计为 {show(group.score)} 分",
            expected=group.score,
            found=stated,
        )


_FUNDS_SCORE = re.compile(r"预算执行(?:率)?(?:指标)?得分\s*(?:为|是)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*分")


def _department_report(report: ReportForm, ctx: Context) -> Iterator[Draft]:
    title = vocab.unquoted(report.title or "")
    if "整体" not in title:
        return
    departments = [form for form in ctx.forms if isinstance(form, DepartmentForm)]
    if len(departments) != 1:
        return
    dept = departments[0]
    score_line = _total_score_line(report.total_score, report.provenance.get("total_score"), ctx)
    if (
        report.total_score is not None
        and dept.total_score is not None
        and score_line is not None
        and not _close(report.total_score, dept.total_score)
    ):
        yield Draft(
            field="total_score",
            line=score_line,
            message=f"报告写部门整体自评得分 {show(report.total_score)} 分，"
            f"而第 {dept.line} 行的部门整体支出绩效自评表为 {show(dept.total_score)} 分",
            expected=dept.total_score,
            found=report.total_score,
        )
    if dept.funds.score is not None:
        for paragraph in prose.narrative(report, ctx):
            if "得分" not in paragraph.text:
                continue
            for match in _FUNDS_SCORE.finditer(paragraph.text):
                stated = Decimal(match.group(1))
                sentence_start = max(paragraph.text.rfind(mark, 0, match.start()) for mark in "。；;！？") + 1
                if _close(stated, dept.funds.score) or "项目" in paragraph.text[sentence_start : match.start()]:
                    continue  # agrees, or is a project's own funds score
                yield Draft(
                    field=None,
                    line=paragraph.line_at(match.start()),
                    message=f"报告写预算执行得分 {show(stated)} 分，"
                    f"而第 {dept.line} 行的部门整体支出绩效自评表为 {show(dept.funds.score)} 分",
                    expected=dept.funds.score,
                    found=stated,
                )
    if report.grade and dept.grade and _grade(report.grade) != _grade(dept.grade):
        loc = report.provenance.get("grade")
        yield Draft(
            field="grade",
            line=loc.line if loc is not None else report.line,
            message=f"报告写评价等级“{report.grade}”，而第 {dept.line} 行的部门整体支出绩效自评表为“{dept.grade}”",
            expected=dept.grade,
            found=report.grade,
        )


@check("text.table_mismatch", "error", kinds=("report", "department"))
def table_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A figure the narrative gives for a project, group or indicator differs from its table."""
    paragraphs = prose.narrative(form, ctx)
    if isinstance(form, DepartmentForm):
        yield from _statement_findings(score_statements(paragraphs, form), None, "本表")
        return
    if not isinstance(form, ReportForm):
        return
    tables = prose.project_tables(form, ctx)
    for index, project in enumerate(form.projects):
        table = tables.get(index)
        if table is None:
            continue
        yield from _figure_mismatches(index, project, table, form, ctx)
        section = prose.project_section(form, index, paragraphs)
        if section:
            yield from _count_findings(index, table, section, _evaluated_year(form, ctx), ctx)
            where = f"第 {table.line} 行的项目表（{table.project}）"
            yield from _statement_findings(score_statements(section, table), f"projects[{index}]", where)
    if len(form.projects) == 1 and 0 in tables:
        yield from _breakdown_findings(form, tables[0])
    yield from _department_report(form, ctx)


# ==== narrative.unsupported_claim =================================================================

_CLAIM = re.compile(r"(顺利完成|圆满完成|全部完成|全面完成|均已完成|已完成|如期完成)")
_NEGATION = re.compile(r"(未|没有|尚未|不能|未能|无法|没|不)\s*$")
_CLAIM_SUBJECT = re.compile(r"目标|指标|任务|项目")
_CLAIM_END = re.compile(r"[，,；;。！？!?]")


def _zero_execution(project: ReportProject, form: ProjectForm | None) -> str | None:
    """Why the project's execution rate is 0, in words, or None when it is not."""
    planned = project.budget if project.budget is not None else project.initial
    if (project.rate is not None and project.rate == 0) or (
        project.executed is not None and project.executed == 0 and planned
    ):
        parts = []
        if project.initial is not None:
            parts.append(f"年初预算 {show(project.initial)} 万元")
        elif project.budget is not None:
            parts.append(f"预算 {show(project.budget)} 万元")
        if project.executed is not None:
            parts.append("决算 0 元" if project.executed == 0 else f"决算 {show(project.executed)} 万元")
        detail = f"（{'，'.join(parts)}）" if parts else ""
        return f"该项目执行率为 0{detail}"
    if form is not None:
        total = form.funds.total
        planned_form = total.budget if total.budget is not None else total.initial
        if (total.executed is not None and total.executed == 0 and planned_form) or (
            form.funds.rate is not None and form.funds.rate == 0
        ):
            return f"第 {form.line} 行的项目表显示其执行率为 0（预算 {show(planned_form or _ZERO)} 万元，执行 0 元）"
    return None


def _missed(target: Quantity, actual: Quantity, cost: bool) -> bool:
    """Whether the actual misses the target in its direction (a 成本 row with no sign: lower is better)."""
    if target.kind == "date" or actual.kind == "date":
        return False
    if target.op is None and target.approx:
        return False
    if target.op in ("<=", "<") or (cost and target.op in (None, "=")):
        return actual.value > target.value
    return actual.value < target.value


def _missed_targets(form: ProjectForm, ctx: Context) -> list[str]:
    return [
        f"“{row.name}”目标 {row.target_text}，实际 {row.actual_text}"
        for row in _quantitative_rows(form, ctx)
        if _missed(row.target, row.actual, row.cost)
    ]


@check("narrative.unsupported_claim", "error", kinds=("report",))
def unsupported_claim(form: Form, ctx: Context) -> Iterator[Draft]:
    """The text says a project's goal was achieved although it spent nothing or missed its targets."""
    if not isinstance(form, ReportForm):
        return
    paragraphs = prose.narrative(form, ctx)
    tables = prose.project_tables(form, ctx)
    for index, project in enumerate(form.projects):
        table = tables.get(index)
        reason = _zero_execution(project, table)
        if reason is None and table is not None:
            missed = _missed_targets(table, ctx)
            if missed:
                reason = f"第 {table.line} 行的项目表中{'；'.join(missed[:3])}，未达到目标"
        if reason is None:
            continue
        section = prose.project_section(form, index, paragraphs)
        if not section:
            continue
        claim = _first_claim(section)
        if claim is None:
            continue
        word, line = claim
        yield Draft(
            field=f"projects[{index}]",
            line=line,
            message=f"报告称{_project_label(project)}绩效目标“{word}”，但{reason}",
            expected="未完成",
            found=word,
        )


def _first_claim(section: list[Paragraph]) -> tuple[str, int] | None:
    """The first sentence saying the goal was achieved: a claim word in a clause about the goal,
    the targets or the task (``绩效目标顺利完成``), not negated (``未能全部完成``)."""
    for paragraph in section:
        text = paragraph.text
        for match in _CLAIM.finditer(text):
            if _NEGATION.search(text, max(0, match.start() - 4), match.start()):
                continue
            start = prose.clause_start(text, match.start(), "，,；;。！？!?")
            end_match = _CLAIM_END.search(text, match.end())
            clause = text[start : end_match.start() if end_match else len(text)]
            if _CLAIM_SUBJECT.search(clause):
                return match.group(1), paragraph.line_at(match.start())
    return None


# ==== arith.sum_mismatch =========================================================================

_ACCOUNTS_TOTAL = re.compile(r"(收入|支出)(决算)?(合计|总计|共计|总额)|基本支出|财政拨款支出|三公")
_FINAL_ACCOUNTS = re.compile(r"决算.{0,8}说明")


def _owned_by_accounts(form: Form, ctx: Context, item_list: prose.ItemList) -> bool:
    """The income / expenditure structure of a 部门决算 text (a 决算 title, or a 决算…说明 part) is
    the accounts checks' to add up."""
    if not isinstance(form, ReportForm) or not _ACCOUNTS_TOTAL.search(item_list.total_label):
        return False
    title = vocab.unquoted(form.title or "")
    if title:
        return "决算" in title and not re.search(r"绩效|评价|自评", title)
    return any(p.level is not None and _FINAL_ACCOUNTS.search(p.text) for p in prose.narrative(form, ctx))


def _project_of_total(form: Form, item_list: prose.ItemList) -> int | None:
    if item_list.named_total is not None:
        return item_list.named_total[2]
    if not isinstance(form, ReportForm) or item_list.total is None or item_list.total_paragraph is None:
        return None
    line = item_list.total_paragraph.line_at(item_list.total.start)
    for index, project in enumerate(form.projects):
        for attr in ("budget", "executed", "initial"):
            value = getattr(project, attr)
            loc = project.provenance.get(attr)
            if value is not None and loc is not None and loc.line == line and _close(value, item_list.total.value):
                return index
    return None


@check("arith.sum_mismatch", "error", kinds=("report", "department"))
def sum_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A total and the parts that itemise it (其中 / 分别为 / 包括 / 用于 lists) do not add up."""
    for item_list in prose.item_lists(form, ctx):
        if item_list.total is not None:
            if item_list.total.bound is not None or _owned_by_accounts(form, ctx, item_list):
                continue
            total_value = item_list.total.value
            total_half = item_list.total.half_unit()
            name = item_list.total_label or "合计"
        elif item_list.named_total is not None:
            name, total_value, _ = item_list.named_total
            total_half = Decimal(5) / Decimal(10) ** (_places(total_value) + 1)
        else:
            continue
        parts = [item.figure.value for item in item_list.items]
        found = sum(parts, _ZERO)
        tolerance = min([total_half, *(item.figure.half_unit() for item in item_list.items)])
        over = found - total_value > tolerance
        short = total_value - found > tolerance and item_list.exhaustive and item_list.complete and len(parts) >= 2
        if not (over or short):
            continue
        unit = item_list.items[0].figure.unit
        project = _project_of_total(form, item_list)
        shown = " + ".join(show(part) for part in parts)
        yield Draft(
            field=None if project is None else f"projects[{project}]",
            line=item_list.line,
            message=f"{name} {show(total_value)} {unit}，分项 {shown} = {show(found)} {unit}，"
            f"{'超出' if over else '少于'}总数 {show(abs(found - total_value))} {unit}",
            expected=total_value,
            found=found,
        )


# ==== arith.rate_mismatch =========================================================================

_RATE_LABEL = re.compile(
    r"执行率|执行进度|支付进度|支出进度|完成(?:年初|全年|调整后)?预算|(?:预算|资金|支出)[^,，;；。]{0,4}完成率"
)
_BARE_RATE = re.compile(r"(执行率|完成率)\s*(?:为|是)\s*([01])(?![\d.%分])")
_NUMERATOR_WORDS = ("支出", "决算", "执行", "实际", "使用", "发放", "完成", "拨付")
_DENOMINATOR_WORDS = ("预算", "安排", "拨款", "拨入", "下达", "批复", "计划")
_DEPARTMENT_RATIOS = tuple(vocab.DEPARTMENT_INDICATORS)


def _role(label: str) -> str | None:
    best: tuple[int, str] | None = None
    for words, role in ((_NUMERATOR_WORDS, "num"), (_DENOMINATOR_WORDS, "den")):
        for word in words:
            position = label.rfind(word)
            if position >= 0 and (best is None or position + len(word) > best[0]):
                best = (position + len(word), role)
    return None if best is None else best[1]


def _execution_rates(paragraph: Paragraph, department: bool, rate_lines: dict[int, int]) -> Iterator[Draft]:
    text = paragraph.text
    stated: list[Percent] = []
    for percent in prose.percents(text):
        label = text[prose.clause_start(text, percent.start, "，,；;。！？") : percent.start]
        if _RATE_LABEL.search(label) and not (department and any(name in label for name in _DEPARTMENT_RATIOS)):
            stated.append(percent)
    for match in _BARE_RATE.finditer(text):
        value = Decimal(match.group(2))
        stated.append(Percent(match.start(2), match.end(2), value, 0, None))
    for percent in stated:
        money: list[Figure] = []
        for scope in ("；;。！？!?", "。！？!?"):  # its own clauses; the whole sentence when they hold no amount
            start = max(text.rfind(mark, 0, percent.start) for mark in scope) + 1
            money = [fig for fig in prose.figures(text) if start <= fig.start < percent.start and fig.money]
            if money:
                break
        roles = [(fig, _role(prose.label_before(text, fig.start))) for fig in money]
        numerators = [fig for fig, role in roles if role == "num" and fig.bound is None]
        denominators = [fig for fig, role in roles if role == "den" and fig.bound is None and fig.value > 0]
        if not numerators or not denominators:
            continue
        if any(
            prose.percent_matches(percent, num.value / den.value, prose.ratio_slack(num, den))
            for num in numerators
            for den in denominators
        ):
            continue
        adjusted = [fig for fig in denominators if re.search(r"调整|全年", prose.label_before(text, fig.start))]
        num, den = numerators[-1], (adjusted or denominators)[-1]
        ratio = num.value / den.value
        line = paragraph.line_at(percent.start)
        yield Draft(
            field=f"projects[{rate_lines[line]}].rate" if line in rate_lines else None,
            line=line,
            message=f"文中执行率 {show_percent(percent.value)}，但按文中数字 {show(num.value)} ÷ {show(den.value)} 万元"
            f" = {show_percent(ratio)}",
            expected=ratio.quantize(Decimal("0.0001")),
            found=percent.value,
        )


_WHOLE = re.compile(r"^(支出|收入)?(?:总额|合计|总计|总数)$|^总(支出|收入)$")
_SPENDING_WORDS = ("支出", "执行", "决算", "使用")


def _whole_of(base: str, label: str) -> bool:
    """``占支出总额的`` names the whole the list itemises when the total is that kind of amount
    (全年执行数 is the spending)."""
    match = _WHOLE.match(base)
    if match is None:
        return False
    kind = match.group(1) or match.group(2)
    if kind == "收入":
        return "收入" in label
    return kind is None or any(word in label for word in _SPENDING_WORDS)


def _list_shares(form: Form, ctx: Context) -> Iterator[Draft]:
    for item_list in prose.item_lists(form, ctx):
        total = item_list.total
        if total is None or total.value <= 0 or total.bound is not None:
            continue
        label = vocab.unquoted(item_list.total_label)
        for item in item_list.items:
            percent = item.percent
            if percent is None:
                continue
            if item.base:
                base = vocab.unquoted(re.sub(r"^(本年|全年|当年)", "", item.base))
                if base not in label and label not in base and not _whole_of(base, label):
                    continue
            ratio = item.figure.value / total.value
            if prose.percent_matches(percent, ratio, prose.ratio_slack(item.figure, total)):
                continue
            yield Draft(
                field=None,
                line=item.line,
                message=f"{item.label or '分项'} {show(item.figure.value)} {item.figure.unit} 占 {show(total.value)} "
                f"{total.unit}的 {show_percent(ratio)}，文中写 {show_percent(percent.value)}",
                expected=ratio.quantize(Decimal("0.0001")),
                found=percent.value,
            )


def _explicit_shares(paragraph: Paragraph) -> Iterator[Draft]:
    """``项目支出 153.66 万元，占总支出 378.48 万元的 40.6%``: both amounts in the clause."""
    text = paragraph.text
    if "占" not in text:
        return
    figs = prose.figures(text)
    for percent in prose.percents(text):
        start = prose.clause_start(text, percent.start, "；;。！？!?")
        occupy = text.rfind("占", start, percent.start)
        if occupy < 0:
            continue
        bases = [fig for fig in figs if occupy < fig.start and fig.end <= percent.start]
        parts = [fig for fig in figs if start <= fig.start and fig.end <= occupy]
        if len(bases) != 1 or not parts:
            continue
        base, part = bases[0], parts[-1]
        if base.unit != part.unit or base.value <= 0 or base.bound or part.bound:
            continue
        ratio = part.value / base.value
        if prose.percent_matches(percent, ratio, prose.ratio_slack(part, base)):
            continue
        yield Draft(
            field=None,
            line=paragraph.line_at(percent.start),
            message=f"{show(part.value)} {part.unit} 占 {show(base.value)} {base.unit} 应为 {show_percent(ratio)}，"
            f"文中写 {show_percent(percent.value)}",
            expected=ratio.quantize(Decimal("0.0001")),
            found=percent.value,
        )


@check("arith.rate_mismatch", "error", kinds=("report", "department"))
def rate_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """A percentage stated beside the two amounts it comes from differs from their ratio."""
    department = isinstance(form, DepartmentForm)
    rate_lines: dict[int, int] = {}
    if isinstance(form, ReportForm):
        for index, project in enumerate(form.projects):
            loc = project.provenance.get("rate")
            if loc is not None:
                rate_lines.setdefault(loc.line, index)
    seen: set[tuple[int | None, object]] = set()  # a share both listed and spelt out is one finding
    for paragraph in prose.narrative(form, ctx):
        text = paragraph.text
        if "%" not in text and "执行率" not in text and "完成率" not in text:
            continue
        for draft in (*_execution_rates(paragraph, department, rate_lines), *_explicit_shares(paragraph)):
            seen.add((draft.line, draft.found))
            yield draft
    for draft in _list_shares(form, ctx):
        if (draft.line, draft.found) not in seen:
            yield draft


# ==== arith.change_mismatch =======================================================================

_UP = ("增加", "增长", "提高", "上升", "增幅", "多")  # the rest of the change words say a decrease
_CHANGE_AMOUNT = prose.CHANGE_BEFORE
_CHANGE_PERCENT = re.compile(r"(增加|减少|增长|下降|提高|降低|上升|增幅|降幅)(?:了|为|达)?\s*$")
_CHANGE_WORD = re.compile(r"增加|减少|增长|下降|提高|降低|上升|增幅|降幅|多|少")
_TO = re.compile(r"(增加|增长|提高|上升|减少|下降|降低)(?:到|至)\s*$")
_PREVIOUS = re.compile(r"上年|上一年|去年|上年度|前一年|同期|由|从")
_CURRENT = re.compile(r"本年|今年|当年|本年度|本期")


def _year_of_clause(label: str) -> int | None:
    years = [int(match.group(1)) for match in prose.years_in(label)]
    return years[-1] if years else None


@check("arith.change_mismatch", "error", kinds=("report", "department"))
def change_mismatch(form: Form, ctx: Context) -> Iterator[Draft]:
    """An increase or decrease stated with its amount and percentage disagrees with the two years' figures."""
    for paragraph in prose.narrative(form, ctx):
        text = paragraph.text
        if not _CHANGE_WORD.search(text) or len(prose.figures(text)) < 2:
            continue  # the two years' figures are needed whatever else the sentence says
        for start, end in prose.sentence_spans(text, "。！？!?；;"):
            if len(prose.figures_between(text, start, end)) >= 2 and _CHANGE_WORD.search(text, start, end):
                yield from _change_in(paragraph, text, start, end)


def _change_in(paragraph: Paragraph, text: str, start: int, end: int) -> Iterator[Draft]:
    figs = prose.figures_between(text, start, end)
    if len(figs) < 2:
        return  # the two years' figures are needed whatever else the sentence says
    change: Figure | None = None
    direction: int | None = None
    years: list[tuple[Figure, str]] = []
    for fig in figs:
        before = text[max(start, fig.start - 6) : fig.start]
        moved = _CHANGE_AMOUNT.search(before)
        if moved and not _TO.search(before):
            if change is not None:
                return
            change, direction = fig, (1 if moved.group(1) in _UP else -1)
            continue
        label = text[prose.clause_start(text, fig.start) : fig.start]
        if _TO.search(before):
            years.append((fig, "cur"))
        elif _PREVIOUS.search(label) or re.search(r"[比较]", label):
            years.append((fig, "prev"))
        elif _CURRENT.search(label):
            years.append((fig, "cur"))
        else:
            years.append((fig, "?"))
    percent = None
    for candidate in prose.percents(text):
        if start <= candidate.start < end:
            before = text[max(start, candidate.start - 6) : candidate.start]
            found = _CHANGE_PERCENT.search(before)
            if found:
                percent = candidate
                if direction is None:
                    direction = 1 if found.group(1) in _UP else -1
                break
    if percent is None and change is None:
        return
    if change is not None:
        years = [(fig, tag) for fig, tag in years if fig.unit == change.unit]
    tagged = _two_years(years, text)
    if tagged is None and change is not None and percent is not None and direction is not None and len(years) == 1:
        yield from _implied_change(paragraph, years[0], change, direction, percent)
        return
    if tagged is None:
        return
    previous, current = tagged
    if previous.unit != current.unit or (change is not None and change.unit != current.unit):
        return
    if previous.value <= 0 or any(fig.bound for fig in (previous, current)):
        return
    delta = current.value - previous.value
    problems: list[str] = []
    expected: dict[str, object] = {}
    found_values: dict[str, object] = {}
    if change is not None and direction is not None:
        tolerance = min(previous.half_unit(), current.half_unit(), change.half_unit())
        if abs(abs(delta) - change.value) > tolerance or (delta != 0 and (delta > 0) != (direction > 0)):
            word = "增加" if delta >= 0 else "减少"
            problems.append(f"两年相差应为{word} {show(abs(delta))} {current.unit}，文中写 {show(change.value)}")
            expected["change"] = float(delta)
            found_values["change"] = float(change.value * direction)
    if percent is not None and direction is not None:
        ratio = abs(delta) / previous.value
        if not prose.percent_matches(percent, ratio, prose.ratio_slack(change or current, previous)) or (
            delta != 0 and (delta > 0) != (direction > 0)
        ):
            problems.append(
                f"变动幅度应为 {show_percent(delta / previous.value)}，文中写 {show_percent(percent.value)}"
            )
            expected["percent"] = float((delta / previous.value).quantize(Decimal("0.0001")))
            found_values["percent"] = float(percent.value * direction)
    if not problems:
        return
    yield Draft(
        field=None,
        line=paragraph.line_at((change or percent or current).start),
        message=f"上年 {show(previous.value)} {current.unit}、本年 {show(current.value)} {current.unit}："
        f"{'；'.join(problems)}",
        expected=expected,
        found=found_values,
    )


_OTHER_SUBJECT = re.compile(r"其中|包括|分别|主要是|[。；;]")


def _implied_change(
    paragraph: Paragraph, year: tuple[Figure, str], change: Figure, direction: int, percent: Percent
) -> Iterator[Draft]:
    """``支出86.42万元，比上年减少9.18万元，下降8.6%``: one year's figure and the change give the other
    year's, and the percentage must be the change over the earlier year."""
    figure, tag = year
    if figure.bound is not None or change.bound is not None or percent.bound is not None:
        return
    low, high = sorted((figure.end, change.start))
    if _OTHER_SUBJECT.search(paragraph.text, low, high):
        return  # 收入 X 万元，其中财政拨款增加 Y 万元: the change is a part's, not the figure's
    previous = figure.value if tag == "prev" else figure.value - direction * change.value
    if previous <= 0:
        return
    ratio = change.value / previous
    slack = prose.ratio_slack(change, figure)
    if prose.percent_matches(percent, ratio, slack):
        return
    word = "增" if direction > 0 else "降"
    yield Draft(
        field=None,
        line=paragraph.line_at(change.start),
        message=f"按文中数字上年为 {show(previous)} {figure.unit}，{'增加' if direction > 0 else '减少'} "
        f"{show(change.value)} {figure.unit}，{word}幅应为 {show_percent(ratio)}，文中写 {show_percent(percent.value)}",
        expected={"percent": float((ratio * direction).quantize(Decimal("0.0001")))},
        found={"percent": float(percent.value * direction)},
    )


def _two_years(years: list[tuple[Figure, str]], text: str) -> tuple[Figure, Figure] | None:
    """(previous, current) when the sentence states both years' figures and says which is which."""
    if len(years) != 2:
        return None
    (first, first_tag), (second, second_tag) = years
    year_first = _year_of_clause(text[prose.clause_start(text, first.start) : first.start])
    year_second = _year_of_clause(text[prose.clause_start(text, second.start) : second.start])
    if year_first is not None and year_second is not None and year_first != year_second:
        return (first, second) if year_first < year_second else (second, first)
    tags = {first_tag, second_tag}
    if tags == {"prev", "cur"}:
        return (first, second) if first_tag == "prev" else (second, first)
    if tags == {"prev", "?"}:
        return (first, second) if first_tag == "prev" else (second, first)
    if tags == {"cur", "?"}:
        return (second, first) if first_tag == "cur" else (first, second)
    return None
