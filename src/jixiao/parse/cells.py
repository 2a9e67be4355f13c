"""Small helpers shared by the form parsers: cell texts, labels and values beside them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from jixiao import vocab
from jixiao.model import Loc
from jixiao.read.source import Cell, Row

_CODE = re.compile(r"^(\d{2,})\s*[-－—_ ]\s*(\S.*)$")
_EMPTY_MARKS = frozenset({"", "-", "—", "——", "－", "/", "／", "--", "---"})

T = TypeVar("T")


def text_of(cell: Cell) -> str:
    return vocab.clean_text(cell.text)


def value_text(text: str) -> str | None:
    """A cell as a value: blank or a dash is None; everything else as written."""
    cleaned = vocab.clean_text(text)
    return None if cleaned in _EMPTY_MARKS else cleaned


def split_code(text: str | None) -> tuple[str | None, str | None]:
    """``101-青禾县总工会`` → (``青禾县总工会``, ``101``)."""
    if not text:
        return text, None
    match = _CODE.match(text)
    if match:
        return match.group(2).strip(), match.group(1)
    return text, None


def loc(row: Row, cell: Cell | None = None, inherited: bool = False) -> Loc:
    if cell is None:
        return Loc(row.line, row.index, None, row.page, row.sheet)
    return Loc(cell.line, row.index, cell.col, row.page, row.sheet, inherited or cell.inherited)


def next_value(row: Row, index: int, is_label: Callable[[str], bool]) -> Cell | None:
    """The first filled cell after ``index`` that is not itself a label (nor a merged copy of one)."""
    for cell in row.cells[index + 1 :]:
        text = text_of(cell)
        if not text or cell.inherited:
            continue
        return None if is_label(text) else cell
    return None


_GRADE_HINTS = ("等", "结论", "结果")
_CHECKED = frozenset("☑☒✓✔√■●◉▣⊠🗹✅")
_UNCHECKED = frozenset("□☐○◯〇▢")
_GRADE_OPTION = re.compile("|".join(sorted(vocab.GRADES, key=len, reverse=True)))


def checked_grade(text: str) -> str | None:
    """The one grade ticked among printed options (``☑优 □良 □中 □差``, ``优☑ 良□``, ``√优 良 中 差``,
    ``优（√） 良（ ）``); None when none or several are ticked. A mark stands before every option or after
    every option: which, the first option tells."""
    options = list(_GRADE_OPTION.finditer(text))
    if not options or not any(char in _CHECKED for char in text):
        return None
    marks = _CHECKED | _UNCHECKED
    before = any(char in marks for char in text[: options[0].start()])
    ticked = []
    for index, option in enumerate(options):
        if before:
            start = options[index - 1].end() if index else 0
            segment = text[start : option.start()]
        else:
            end = options[index + 1].start() if index + 1 < len(options) else len(text)
            segment = text[option.end() : end]
        if any(char in _CHECKED for char in segment):
            ticked.append(option.group(0))
    return ticked[0] if len(ticked) == 1 else None


def grade_cell(row: Row) -> tuple[bool, Cell | None]:
    """Whether a row is a grade row (评价结果等次 …), and the cell holding a grade (优/良/中/差), or the
    cell ticking one of the printed options (``☑优 □良 □中 □差``, one cell or one option per cell)."""
    if not any(word in row.text for word in _GRADE_HINTS):
        return False, None
    for index, cell in enumerate(row.cells):
        key = vocab.norm_label(cell.text)
        if vocab.GRADE_LABEL.match(key):
            label, colon, written = key.partition(":")
            if colon and vocab.GRADE_LABEL.match(label) and (written in vocab.GRADES or checked_grade(written)):
                return True, cell  # label and grade in one cell: 自评等级：优
            found = next_value(row, index, lambda text: False)
            if found is not None and vocab.norm_label(found.text) in vocab.GRADES:
                return True, found
            ticked = next((other for other in row.cells[index + 1 :] if checked_grade(other.text)), None)
            return True, ticked
    return False, None


def grade_of(cell: Cell) -> str:
    """The grade a grade cell holds (the ticked option of printed ones), without a label written in the
    same cell."""
    written = vocab.norm_label(cell.text).rpartition(":")[2]
    return written if written in vocab.GRADES else checked_grade(written) or written


def first_match(items: Iterable[T], test: Callable[[T], bool]) -> T | None:
    for item in items:
        if test(item):
            return item
    return None


_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")


def year_of(texts: Iterable[str]) -> int | None:
    """The evaluated year a form header prints: ``（2022年度）``, else ``2022年度`` in the title.

    Years written in Chinese digits (``二〇二二年度``) count too.
    """
    fallback: int | None = None
    for text in texts:
        key = vocab.norm_label(text)
        if "年" in key and _CN_YEAR.search(key):
            key = _CN_YEAR.sub(lambda match: match.group(0).translate(_CN_DIGITS), key)
        match = vocab.YEAR_IN_HEADER.search(key)
        if match:
            return int(match.group(1))
        if fallback is None:
            word = vocab.YEAR_WORD.search(key)
            if word:
                fallback = int(word.group(1))
    return fallback
