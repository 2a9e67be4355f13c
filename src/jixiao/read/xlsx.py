"""Excel workbooks (.xlsx and legacy .xls) into a ``Source``, via python-calamine.

The workbook becomes text like a dump, one output line per sheet row:

* every worksheet in workbook order (chart/dialog/macro sheets are skipped;
  hidden worksheets are read). Rows and columns hidden in Excel are not on
  the form as seen or printed (template rows a clerk hid instead of deleting,
  helper columns): a hidden row is an empty line, a hidden column's cells are
  empty (the grid keeps its columns; a merged range anchored in a hidden
  column shows its text from its first visible column, as Excel draws it). When the workbook has more than one sheet, a
  paragraph line ``【工作表：名称】`` comes before each sheet's rows. Every row
  carries ``sheet=<name>``;
* the empty area above and left of a sheet's data is dropped, so grid column 0
  is the sheet's first used column; ``row.cells[i].col == i``;
* a sheet row is its cells joined by a tab in ``lines`` and a
  ``Row(table=True)`` of ``Cell(text, line, col)``, trailing empty cells
  trimmed. A row whose only content is one cell (with the slots of its own
  horizontal merge) is a paragraph: its text alone is the line and the row
  is one cell at column 0 with ``table=False``. A fully empty row is an empty
  line and no ``Row`` (a blank separator); empty rows at the end of a sheet
  are dropped;
* merged ranges: the top-left value fills every slot the range covers, the
  extra slots with ``inherited=True`` in ``rows``; in ``lines`` those slots
  are empty, so the text shows once while the tabs keep the grid columns.
  Ranges are clipped to the sheet's data area;
* values: text with whitespace runs (line breaks included) collapsed to one
  space; whole numbers without ``.0``; other numbers rounded to 10
  significant digits (more when the integer part needs it, so cents of large
  amounts stay) and written without exponent, which removes binary noise such
  as ``62.379999999`` → ``62.38``; dates ``YYYY-MM-DD`` (with `` HH:MM:SS``
  when a time is set); booleans 是/否; error cells as shown (``#DIV/0!``,
  ``#REF!``: calamine gives them empty, so they are found in the sheet part, or
  in an .xls's BOOLERR and FORMULA records); formula cells give their cached value;
* numbers read as shown (.xlsx): a number cell whose style has a number format
  of fixed decimals, percent or thousands separators (``0.00``, ``0.0%``,
  ``#,##0.00``, literal text such as ``0.00"万元"``) is the text Excel shows:
  4.9 under ``0.00`` is ``4.90``, 0.9631 under ``0.00%`` is ``96.31%``; the
  written decimals matter to the tolerance rules (±0.1 when a form shows one
  decimal). calamine does not expose formats, so the styles part is read and,
  only when some cell style has such a format, the part of a sheet holding a
  number is searched for the cells that use it (a regular expression over the
  start tags: no entity is expanded). A date under a date format is written as
  shown too (``yyyy"年"m"月"d"日"`` → ``2023年11月20日``, ``yyyy/m/d``; built-in 14
  as a Chinese Excel shows it, ``yyyy/m/d``). Formats of times, scientific
  notation, fractions and text leave the value as above. In an .xls the same comes from the Workbook
  stream's FORMAT, XF and number-cell records (BIFF8, read with ``struct``).

.xlsx files pass :func:`open_office_zip` first (bombs, encryption, damage);
.xls (OLE) files are capped in size and refused when they hold an encrypted
OOXML package. Everything calamine cannot read becomes a :class:`ReadError`.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
import zipfile
import zlib
from collections.abc import Callable, Sequence
from decimal import Decimal

import python_calamine as calamine

from jixiao.read.convert import ole_stream
from jixiao.read.numfmt import (
    CellFormat,
    DateShown,
    Errors,
    Hidden,
    ShownCells,
    date_text,
    sheet_facts,
    shown_text,
    xls_shown_cells,
)
from jixiao.read.source import Cell, ReadError, Row, Source
from jixiao.read.xls import xls_sheet_facts
from jixiao.read.zipguard import open_office_zip

__all__ = ["MAX_SHEET_CELLS", "MAX_XLS_BYTES", "read_workbook"]

MAX_XLS_BYTES = 64 * 1024 * 1024
MAX_SHEET_CELLS = 5_000_000  # used area rows × columns of one sheet; a real form has a few hundred
_SIGNIFICANT = 10

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_Value = int | float | str | bool | datetime.time | datetime.date | datetime.datetime | datetime.timedelta


def _damaged(reason: object) -> ReadError:
    return ReadError(f"文件已损坏，无法按 Excel 工作簿读取：{reason}")


def format_number(value: float) -> str:
    """A float as written: no ``.0`` on whole numbers, no binary noise, no exponent."""
    if value.is_integer():
        if -1e15 < value < 1e15:
            return str(int(value))
    elif not math.isfinite(value):
        return ""
    written = repr(value)  # the shortest text that reads back as ``value``
    if "e" not in written and len(written.replace("-", "").replace(".", "").lstrip("0")) <= _SIGNIFICANT:
        return written  # already no more significant digits than the rounding keeps: the rounding is a no-op
    digits = max(_SIGNIFICANT, len(str(int(abs(value)))) + 2)
    number = Decimal(format(value, f".{digits}g"))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_number_text = functools.lru_cache(maxsize=4096)(format_number)  # weights and scores recur in every form


def format_value(value: _Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return str(value)


_ONLY_TEXT = frozenset({str})
_FORMATTED = frozenset({float, int, datetime.date, datetime.datetime})  # what a number format can change


def _row_texts(values: Sequence[_Value], width: int) -> list[str]:
    """One sheet row as text, padded to ``width``; strings and empties (most cells) take the short way."""
    if set(map(type, values)) == _ONLY_TEXT:
        joined = "|".join(values)  # type: ignore[arg-type]
        if (
            joined.isprintable()  # no whitespace but the space (every other one is unprintable)
            and "  " not in joined
            and " |" not in joined
            and "| " not in joined
            and joined[:1] != " "
            and joined[-1:] != " "
        ):
            texts = list(values)  # every text already has its whitespace collapsed: as it is
        else:
            texts = [" ".join(value.split()) if value else "" for value in values]  # type: ignore[union-attr]
    else:
        texts = [
            (" ".join(value.split()) if value else "")
            if type(value) is str
            else _number_text(value)
            if type(value) is float
            else str(value)
            if type(value) is int
            else format_value(value)
            for value in values
        ]
    if len(texts) < width:
        texts += [""] * (width - len(texts))
    return texts  # type: ignore[return-value]


def _check_container(data: bytes) -> tuple[str, ShownCells, Hidden, Errors]:
    """``"xlsx"`` or ``"xls"`` by the bytes, the cells shown otherwise than stored, the hidden rows and
    columns, and the error cells; :class:`ReadError` for what must not be opened."""
    if data.startswith(_ZIP_MAGIC):
        with open_office_zip(data) as archive:
            try:
                return "xlsx", *sheet_facts(archive, data)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
                return "xlsx", {}, {}, {}  # a damaged part: calamine gives the reason, or reads what it can
    if data.startswith(_OLE_MAGIC):
        if len(data) > MAX_XLS_BYTES:
            raise ReadError(f"文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 {MAX_XLS_BYTES // 1024 // 1024} MB）")
        if _ENCRYPTED_PACKAGE in data:
            raise ReadError("文件已加密或设有密码，无法读取")
        stream = ole_stream(data, ("Workbook", "Book"))
        if stream is None:
            return "xls", {}, {}, {}
        return "xls", xls_shown_cells(stream), *xls_sheet_facts(stream)
    raise _damaged("不是 .xlsx 或 .xls 文件")


def _calamine_error(error: BaseException) -> ReadError:
    if isinstance(error, calamine.PasswordError):
        return ReadError("文件已加密或设有密码，无法读取")
    return _damaged(str(error) or type(error).__name__)


_Slots = dict[int, list[tuple[int, int] | None]]


def _sheet_grid(
    sheet: calamine.CalamineSheet,
    shown_in: Callable[[], dict[tuple[int, int], CellFormat]] | None,
    written: dict[tuple[float, int], str],
    hidden: tuple[frozenset[int], frozenset[int]] | None = None,
    errors: dict[tuple[int, int], str] | None = None,
) -> tuple[list[list[str]], _Slots]:
    """The sheet's used area as text, plus, for each row a merged range covers, the merge anchor of every slot
    the range covers besides its own (None elsewhere). ``shown_in`` gives the cells whose number format shows
    them otherwise than stored; ``written`` keeps each formatted number for the next sheets: a form repeats
    its weights and scores; ``errors`` the error cells with the text they show."""
    end = sheet.end
    start = sheet.start
    if end is None or start is None:
        return [], {}
    top0, left0 = start
    height, width = end[0] - top0 + 1, end[1] - left0 + 1
    if height * width > MAX_SHEET_CELLS:
        raise ReadError(f"工作表“{sheet.name}”过大（{height} 行 × {width} 列），拒绝读取")
    values: Sequence[Sequence[_Value]] = sheet.to_python()
    grid = [_row_texts(row, width) for row in values]
    if len(grid) < height:
        grid += [[""] * width for _ in range(height - len(grid))]
    shown = {}
    if shown_in is not None and any(not _FORMATTED.isdisjoint(map(type, row)) for row in values):
        shown = shown_in()  # scanned only for a sheet with numbers or dates in it
    count = len(values)
    for (r, c), pattern in shown.items():
        r -= top0
        c -= left0
        if 0 <= r < count and c >= 0:
            stored = values[r]
            if c >= len(stored):
                continue
            value = stored[c]
            if type(value) is float or type(value) is int:
                key = (value, id(pattern))
                text = written.get(key)
                if text is None:
                    text = written[key] = (
                        date_text(value, pattern) if isinstance(pattern, DateShown) else shown_text(value, pattern)
                    )
                grid[r][c] = text
            elif isinstance(pattern, DateShown) and isinstance(value, datetime.date):
                grid[r][c] = date_text(value, pattern)
    if errors:
        for (r, c), text in errors.items():
            if 0 <= r - top0 < height and 0 <= c - left0 < width:
                grid[r - top0][c - left0] = text
    ranges = sheet.merged_cell_ranges or ()
    hidden_cols = hidden[1] if hidden is not None else frozenset()
    saved: dict[tuple[int, int], str] = {}  # merges anchored in a hidden column: the anchor's text
    if hidden_cols:
        for (r0, c0), _ in ranges:
            if c0 in hidden_cols and 0 <= r0 - top0 < height and 0 <= c0 - left0 < width:
                saved[r0 - top0, c0 - left0] = grid[r0 - top0][c0 - left0]
        _blank_columns(grid, hidden_cols, left0)
    slots: _Slots = {}
    last_row, last_col = height - 1, width - 1
    for (r0, c0), (r1, c1) in ranges:
        top, left = r0 - top0, c0 - left0
        if not (0 <= top <= last_row and 0 <= left <= last_col):
            continue  # anchor outside the data area: an empty merged cell
        bottom, right = r1 - top0, c1 - left0
        if bottom > last_row:
            bottom = last_row
        if right > last_col:
            right = last_col
        if right < left or bottom < top or (bottom == top and right == left):
            continue  # clipped to its anchor alone
        text = grid[top][left]
        anchor = (top, left)
        visible = left
        if saved and anchor in saved:  # Excel shows it across the range's visible part: from its first visible column
            visible = next((c for c in range(left, right + 1) if c + left0 not in hidden_cols), left)
            if visible != left:
                text = saved[anchor]
                anchor = (top, visible)
                grid[top][visible] = text
        for r in range(top, bottom + 1):
            first = left + 1 if r == top and visible == left else left
            if first > right:
                continue
            count = right + 1 - first
            row = slots.get(r)
            if row is None:
                row = slots[r] = [None] * width
            elif row[first : right + 1].count(None) != count:  # overlapping ranges: the first to cover a slot keeps it
                for c in range(first, right + 1):
                    if row[c] is None:
                        row[c] = anchor
                        grid[r][c] = text
                continue
            row[first : right + 1] = [anchor] * count
            grid[r][first : right + 1] = [text] * count
        if visible != left:  # the shown anchor is the cell's own text; the hidden slots before it stay empty
            slots[top][visible] = None
            for r in range(top, bottom + 1):
                for c in range(left, visible):
                    if slots[r][c] == anchor:
                        slots[r][c] = None
                        grid[r][c] = ""
    if hidden is not None and hidden[0]:
        _blank_rows(grid, slots, hidden[0], top0)
    return grid, slots


def _blank_columns(grid: list[list[str]], cols: frozenset[int], left: int) -> None:
    """Empty the cells of hidden columns (absolute positions; ``grid`` starts at column ``left``), before the
    merged ranges are spread (a range anchored in a hidden column takes its text from before)."""
    width = len(grid[0]) if grid else 0
    blank = [c - left for c in cols if 0 <= c - left < width]
    if blank:
        for texts in grid:
            for c in blank:
                texts[c] = ""


def _blank_rows(grid: list[list[str]], slots: _Slots, rows: frozenset[int], top: int) -> None:
    """Empty hidden rows (absolute positions; ``grid`` starts at row ``top``), merged copies included: each
    becomes an empty line."""
    width = len(grid[0]) if grid else 0
    for r in rows:
        if 0 <= r - top < len(grid):
            grid[r - top] = [""] * width
            slots.pop(r - top, None)


def _add_sheet(name: str, grid: list[list[str]], slots: _Slots, lines: list[str], rows: list[Row]) -> None:
    number = len(lines)
    for r, texts in enumerate(grid):
        number += 1
        width = len(texts)
        while width and not texts[width - 1]:
            width -= 1
        if width == 0:
            lines.append("")
            continue
        if width < len(texts):
            texts = texts[:width]
        row_slots = slots.get(r) if slots else None
        if row_slots is None:
            if width == 1 or not any(texts[:-1]):  # one cell with text, the last: a paragraph
                lines.append(texts[-1])
                rows.append(Row([Cell(texts[-1], number, 0)], number, number, False, len(rows), None, name))
                continue
            lines.append("\t".join(texts))
            cells = [Cell(text, number, c) for c, text in enumerate(texts)]
            rows.append(Row(cells, number, number, True, len(rows), None, name))
            continue
        shown = [text if slot is None else "" for text, slot in zip(texts, row_slots, strict=False)]
        if width - shown.count("") == 1:  # one cell with text of its own: a paragraph unless it borrows another's
            own = next(c for c, text in enumerate(shown) if text)
            borrowed = {slot for text, slot in zip(texts, row_slots, strict=False) if text and slot is not None}
            if borrowed <= {(r, own)}:
                lines.append(texts[own])
                rows.append(Row([Cell(texts[own], number, 0)], number, number, False, len(rows), None, name))
                continue
        lines.append("\t".join(shown))
        pairs = zip(texts, row_slots, strict=False)
        cells = [Cell(text, number, c, slot is not None) for c, (text, slot) in enumerate(pairs)]
        rows.append(Row(cells, number, number, True, len(rows), None, name))
    while lines and not lines[-1]:
        lines.pop()


def read_workbook(data: bytes, path: str) -> Source:
    """Read an .xlsx or .xls workbook into lines and rows; see the module doc."""
    fmt, shown, hidden, errors = _check_container(data)
    lines: list[str] = []
    rows: list[Row] = []
    written: dict[tuple[float, int], str] = {}
    try:
        with calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            indexes = [
                index for index, meta in enumerate(book.sheets_metadata) if meta.typ == calamine.SheetTypeEnum.WorkSheet
            ]
            for index in indexes:
                sheet = book.get_sheet_by_index(index)
                grid, slots = _sheet_grid(
                    sheet, shown.get(sheet.name), written, hidden.get(sheet.name), errors.get(sheet.name)
                )
                if len(indexes) > 1:
                    number = len(lines) + 1
                    marker = f"【工作表：{sheet.name}】"
                    lines.append(marker)
                    rows.append(
                        Row([Cell(marker, number, 0)], number, number, table=False, index=len(rows), sheet=sheet.name)
                    )
                _add_sheet(sheet.name, grid, slots, lines, rows)
    except ReadError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # calamine errors, and Rust panics (pyo3 PanicException is a BaseException)
        raise _calamine_error(error) from error
    return Source(path=path, lines=lines, rows=rows, format=fmt)
