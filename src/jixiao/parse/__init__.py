"""Source rows → forms: find where each form starts, then hand its rows to its parser.

A file may hold several forms and reports. A form starts at its title (or at
the unit / 附件 label directly above it), or at a 项目名称 row when a table has
no title. A table form ends at the next title or where prose resumes after its
indicators; prose after a table form goes back to the report it interrupted.
Text before the first form is a report of its own when it carries figures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from jixiao import vocab
from jixiao.model import Form, ReportForm
from jixiao.parse.cells import grade_cell, year_of
from jixiao.parse.department import parse_department
from jixiao.parse.project import parse_project
from jixiao.parse.report import parse_report
from jixiao.read.source import Row, Source

_RULE = re.compile(r"^[-—_=*·.\s]*$")
_AMOUNT = re.compile(r"\d\s*(万元|元|亿元)")
_EMPHASIS = re.compile(r"^[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}$")  # Markdown **bold** / *italic* around a line
_INDICATOR_HEAD = ("一级指标", "三级指标", "二级指标", "评价得分", "总分", "综合得分")


@dataclass(slots=True)
class _Block:
    kind: str
    line: int
    title: str | None
    rows: list[Row] = field(default_factory=list)
    prefix: list[Row] = field(default_factory=list)
    seen_indicators: bool = False


def _own_text(row: Row) -> str | None:
    """A table row's one cell of text (a title or label row: one cell, or one cell merged across the
    grid whose copies fill the other slots); None when more than one cell holds text of its own."""
    own = [cell for cell in row.cells if cell.text and not cell.inherited]
    return own[0].text if len(own) == 1 else None


def _title_kind(row: Row) -> str | None:
    if row.table:
        own = _own_text(row)
        if own is None:
            return None
        text = own
    else:
        text = row.text
    if len(text) > 90 or ("绩" not in text and "评" not in text and "决" not in text):
        return None  # every title names 绩效, 自评 / 评价 or 决算 (spaced out or not)
    return _title_kind_of(text)


@lru_cache(maxsize=8192)
def _title_kind_of(text: str) -> str | None:
    key = vocab.YEAR_IN_HEADER.sub("", vocab.norm_label(_unemphasised(text)))
    if not key or len(key) > 60 or any(mark in key for mark in "。《》；"):
        return None
    if vocab.PROJECT_TITLE.search(key):
        return "project"
    if vocab.DEPARTMENT_TITLE.search(key):
        return "department"
    if (
        vocab.REPORT_TITLE.search(key)
        and not vocab.PART_HEADING.match(key)
        and any(word in key for word in ("绩效", "自评", "评价", "决算"))
        and "，" not in key
    ):
        return "report"
    return None


def _unemphasised(text: str) -> str:
    """A line without the Markdown emphasis a converter wraps a bold paragraph in."""
    return _EMPHASIS.sub("", text.strip()) if "*" in text or "_" in text else text


def _is_label_above(row: Row) -> bool:
    key = vocab.norm_label(_unemphasised(row.text))
    return bool(vocab.ATTACHMENT.match(key) or vocab.ORG_NAME.match(key))


def _start_line(rows: list[Row], index: int) -> tuple[int, list[Row]]:
    """The title's line, or that of a unit / 附件 label directly above it."""
    line = rows[index].line
    above: list[Row] = []
    position = index - 1
    while position >= 0 and len(above) < 2:
        row = rows[position]
        if _RULE.match(row.text):
            position -= 1
            continue
        if row.table or not _is_label_above(row) or rows[index].line - row.line > 6:
            break
        above.insert(0, row)
        line = row.line
        position -= 1
    return line, above


def segment(rows: list[Row]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    last_report: _Block | None = None
    pending: list[Row] = []
    for index, row in enumerate(rows):
        kind = _title_kind(row)
        titled = kind is not None
        if kind is None and row.table and (current is None or current.kind == "report" or current.seen_indicators):
            kind = _untitled_project(row)
        if kind is not None:
            if current is None and pending and _looks_like_report(pending):
                last_report = _Block(kind="report", line=pending[0].line, title=None, rows=pending)
                blocks.append(last_report)
            pending = []
            line, above = _start_line(rows, index)
            if current is not None:
                for label_row in above:
                    if label_row in current.rows:
                        current.rows.remove(label_row)
            title_text = _own_text(row) if row.table else row.text
            title = vocab.clean_text(_unemphasised(title_text)) if titled and title_text is not None else None
            current = _Block(kind=kind, line=line, title=title, prefix=above)
            current.rows.append(row)
            blocks.append(current)
            if kind == "report":
                last_report = current
            continue
        if current is None:
            pending.append(row)
            continue
        if current.kind != "report":
            if row.table and not current.seen_indicators:
                key = vocab.norm_label(row.text)
                current.seen_indicators = any(word in key for word in _INDICATOR_HEAD)
            if (
                current.seen_indicators
                and not row.table
                and len(row.text) >= 12
                and not _cell_rest(rows, index)
                and grade_cell(row)[1] is None  # 自评等级：优☑ 良□ 中□ 差□ under the table is the form's
            ):
                current = last_report
                if current is None:
                    continue
        current.rows.append(row)
    if current is None and pending and _looks_like_report(pending):
        blocks.append(_Block(kind="report", line=pending[0].line, title=None, rows=pending))
    return blocks


def _cell_rest(rows: list[Row], index: int) -> bool:
    """A short line between two table rows, no heading and no finished sentence, is the rest of a
    cell the dump broke at a line feed, not prose resuming after the table."""
    text = rows[index].text.strip()
    following = rows[index + 1] if index + 1 < len(rows) else None
    return (
        following is not None
        and following.table
        and len(text) < 60
        and text[-1] not in "。：:"
        and vocab.heading_level(text) is None
        and _title_kind(rows[index]) is None
    )


def _untitled_project(row: Row) -> str | None:
    """A 项目名称 row with a name beside it starts a form that has no title (a second form of a
    file, a page that lost its heading); a row of column labels after 项目名称 is a list table."""
    filled = [cell for cell in row.cells if cell.text and not cell.inherited]  # a merged label's copies are no name
    if len(filled) < 2 or vocab.bare_label(filled[0].text) != "项目名称":
        return None
    beside = filled[1].text
    if vocab.funds_column_of(beside) or vocab.indicator_column_of(beside) or vocab.header_field_of(beside):
        return None
    return "project"


def _looks_like_report(rows: list[Row]) -> bool:
    prose = [row for row in rows if not row.table and len(row.text) >= 30]
    return len(prose) >= 5 and any(_AMOUNT.search(row.text) for row in prose)


def parse_source(source: Source) -> list[Form]:
    forms: list[Form] = []
    for block in segment(source.rows):
        year = year_of([row.text for row in block.rows[:3]])
        if year is None and block.title is None and block.kind == "project" and forms:
            year = forms[-1].year  # an untitled form continues the file's forms: their year is its year
        if block.kind == "project":
            forms.append(parse_project(block.rows, block.line, block.title, year))
        elif block.kind == "department":
            forms.append(parse_department(block.rows, block.line, block.title, year))
        else:
            forms.append(parse_report(block.rows, block.line, block.title, block.prefix))
    _fill_departments(forms)
    forms.sort(key=lambda form: form.line)
    return forms


def _fill_departments(forms: list[Form]) -> None:
    """A report that names no unit belongs to the unit its file's forms name."""
    named = Counter(form.department for form in forms if form.department)
    if not named:
        return
    common = named.most_common(1)[0][0]
    for form in forms:
        if form.department is None and isinstance(form, ReportForm):
            form.department = common
