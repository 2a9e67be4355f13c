"""What Excel and WPS store in a workbook that the reader must read as the sheet shows it.

Each case is the smallest workbook that needs the rule, with a near miss; the parts are written by
``fixtures/office4/build.py`` (raw SpreadsheetML), the .xls cases saved from them by LibreOffice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixtures.office3.build import xls_from_xlsx
from fixtures.office4.build import Book, X, XSheet, xlsx_bytes
from jixiao.read.xlsx import read_workbook


def _lines(rows: list[list[object]], **sheet: object) -> list[str]:
    return read_workbook(xlsx_bytes(Book([XSheet("S", rows, **sheet)])), "t.xlsx").lines  # type: ignore[arg-type]


def _as_xls(data: bytes, folder: Path) -> bytes:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .xls is saved by it at test time")
    converted = xls_from_xlsx(data, folder, "t")
    assert converted is not None
    return converted.read_bytes()


# ---- error cells: read as the sheet shows them ---------------------------------------------------------------

_ERRORS = [
    ["执行率", X("#DIV/0!", how="error", formula="C1/D1"), 0, 0],
    ["得分", X("#REF!", how="error", formula="#REF!*10"), X("#N/A", how="error")],
    ["说明", X("", how="str", formula='IF(B1="","","有")'), "#暂无"],
]


def test_error_cells_read_as_written() -> None:
    """#DIV/0! in a rate whose budget is 0, #REF! after a deleted column: what the sheet shows, not an empty
    cell (a blank rate is no rate; an error is a defect to see). Near miss: a formula whose cached text is
    empty stays empty, text starting with # stays as typed."""
    assert _lines(_ERRORS) == ["执行率\t#DIV/0!\t0\t0", "得分\t#REF!\t#N/A", "说明\t\t#暂无"]


def test_error_cells_of_an_xls_read_as_written(tmp_path: Path) -> None:
    """The same in an .xls (BOOLERR and FORMULA records carry the error code)."""
    data = _as_xls(xlsx_bytes(Book([XSheet("S", _ERRORS[:1])])), tmp_path)
    assert read_workbook(data, "t.xls").lines == ["执行率\t#DIV/0!\t0\t0"]


# ---- a merged range anchored in a hidden column ---------------------------------------------------------------


def test_a_merged_range_anchored_in_a_hidden_column_shows_its_value_in_the_visible_part() -> None:
    """项目名称 merged over A:C with the helper column A hidden: Excel shows the text across B:C, so it is read at
    B (the range's first visible column), C inheriting it; A stays an empty hidden cell (no copy before the
    anchor, where a label's value would be looked for)."""
    from jixiao.read.source import Row

    rows: list[list[object]] = [[X("项目名称", across=3), None, None, "助学"], [1, "数量", "20", "20"]]
    data = xlsx_bytes(Book([XSheet("S", rows, hidden_cols=(0,))]))
    source = read_workbook(data, "t.xlsx")
    assert source.lines == ["\t项目名称\t\t助学", "\t数量\t20\t20"]
    first: Row = source.rows[0]
    assert [(c.text, c.inherited) for c in first.cells] == [
        ("", False),
        ("项目名称", False),
        ("项目名称", True),
        ("助学", False),
    ]


def test_a_merged_range_wholly_hidden_or_anchored_in_a_visible_column_is_unchanged() -> None:
    """Near misses: a range inside hidden columns shows nothing; one anchored in a visible column keeps its
    anchor, a hidden column inside it empty."""
    rows: list[list[object]] = [[X("隐藏", across=2), None, "甲", "乙"], ["x", "y", X("合并", across=2), None]]
    assert _lines(rows, hidden_cols=(0, 1)) == ["\t\t甲\t乙", "合并"]
    rows = [[X("合并", across=3), None, None, "丁"], ["a", "b", "c", "d"]]
    assert _lines(rows, hidden_cols=(1,)) == ["合并\t\t\t丁", "a\t\tc\td"]


def test_a_hidden_anchor_merge_in_an_xls(tmp_path: Path) -> None:
    rows: list[list[object]] = [[X("项目名称", across=3), None, None, "助学"], [1, "数量", "20", "20"]]
    data = _as_xls(xlsx_bytes(Book([XSheet("S", rows, hidden_cols=(0,))])), tmp_path)
    assert read_workbook(data, "t.xls").lines == ["\t项目名称\t\t助学", "\t数量\t20\t20"]


# ---- what was already read right, kept so (each a format the office4 set uses) ----------------------------------


def test_rich_phonetic_inline_cached_text_and_quote_prefix() -> None:
    """Several runs of one shared string are one text; a phonetic reading (rPh) is not shown; inline strings and
    cached formula text are read; a leading apostrophe keeps digits as typed."""
    rows: list[list[object]] = [
        [X(how="rich", runs=("南屏县", "农业农村局"), phonetic="なんぺい"), X("助学", how="inline")],
        [X("优", how="str", formula='IF(1>0,"优","良")'), X("012003", quote=True)],
    ]
    assert _lines(rows) == ["南屏县农业农村局\t助学", "优\t012003"]
