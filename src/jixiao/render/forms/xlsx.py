"""Pages → an .xlsx workbook with xlsxwriter: one sheet per form, printable as the paper form.

Merged cells are real merged ranges; every table cell has a thin border; row
heights are set from the wrapped text (xlsxwriter does not fit them); the
sheet prints on A4 landscape, one page wide, the table header repeated on
every page. Totals are formulas written with their value, so a reader that
takes cached values (calamine) sees the figure without recalculating. Text is
always written as text, never turned into a number or a formula.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_rowcol_to_cell  # type: ignore[import-untyped]

from jixiao.model import Severity
from jixiao.render.forms.layout import Page, Paragraph, Table, TableCell, cell_text, decimals_of, display_width

FONT = "宋体"
TITLE_FONT = "黑体"
FONT_SIZE = 10.5
LINE_HEIGHT = 14.0  # points per wrapped line at 10.5 pt
FILLS: dict[Severity, str] = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
_PARAGRAPH_SIZES = {"title": 18, "subtitle": 12, "heading": 12, "body": FONT_SIZE, "note": FONT_SIZE, "label": 12}


def _lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Wrapped lines of ``text`` in a cell ``width`` characters wide."""
    usable = max(width - 1.0, 1.0) * FONT_SIZE / size
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in (text.split("\n") or [""]))


class _Formats:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.cache: dict[tuple[object, ...], Any] = {}

    def get(
        self,
        *,
        border: bool = True,
        bold: bool = False,
        align: str = "center",
        size: float = FONT_SIZE,
        font: str = FONT,
        num_format: str | None = None,
        fill: str | None = None,
    ) -> Any:
        key = (border, bold, align, size, font, num_format, fill)
        found = self.cache.get(key)
        if found is None:
            spec: dict[str, object] = {
                "font_name": font,
                "font_size": size,
                "text_wrap": True,
                "valign": "vcenter",
                "align": align,
                "bold": bold,
            }
            if border:
                spec["border"] = 1
            if num_format:
                spec["num_format"] = num_format
            if fill:
                spec["bg_color"] = fill
            found = self.book.add_format(spec)
            self.cache[key] = found
        return found


def _num_format(cell: TableCell) -> str:
    value = cell.number if cell.number is not None else Decimal(0)
    if cell.percent:
        places = decimals_of(value * 100)
        return "0%" if places == 0 else "0." + "0" * places + "%"
    places = decimals_of(value) if cell.decimals is None else max(cell.decimals, decimals_of(value))
    return "0" if places == 0 else "0." + "0" * places


class _SheetWriter:
    def __init__(self, sheet: Any, formats: _Formats, page: Page) -> None:
        self.sheet = sheet
        self.formats = formats
        self.page = page
        self.row = 0
        self.heights: dict[int, float] = {}

    def write(self) -> None:
        sheet, page = self.sheet, self.page
        for col, width in enumerate(page.widths):
            sheet.set_column(col, col, width)
        for block in page.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                self._table(block)
        for row, height in self.heights.items():
            sheet.set_row(row, height)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.center_horizontally()
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.set_footer("&C第 &P 页，共 &N 页")
        sheet.hide_gridlines(2)

    def _paragraph(self, paragraph: Paragraph) -> None:
        last = len(self.page.widths) - 1
        size = _PARAGRAPH_SIZES[paragraph.role]
        bold = paragraph.role in ("title", "heading")
        font = TITLE_FONT if paragraph.role == "title" else FONT
        align = "center" if paragraph.role in ("title", "subtitle") else "left"
        fmt = self.formats.get(border=False, bold=bold, align=align, size=size, font=font)
        if last > 0:
            self.sheet.merge_range(self.row, 0, self.row, last, paragraph.text, fmt)
        else:
            self.sheet.write_string(self.row, 0, paragraph.text, fmt)
        lines = _lines(paragraph.text, sum(self.page.widths), size)
        self.heights[self.row] = lines * LINE_HEIGHT * size / FONT_SIZE + 6
        self.row += 1

    def _format(self, cell: TableCell) -> Any:
        fill = FILLS[cell.mark] if cell.mark else None
        bold = cell.role in ("head", "label")
        num_format = _num_format(cell) if cell.number is not None else None
        return self.formats.get(bold=bold, align=cell.align, num_format=num_format, fill=fill)

    def _table(self, table: Table) -> None:
        top = self.row
        covered: set[tuple[int, int]] = set()
        needs: dict[int, float] = {}
        spans: list[tuple[int, int, float]] = []
        for cell in table.cells:
            r0, c0, r1, c1 = top + cell.row, cell.col, top + cell.last_row, cell.last_col
            fmt = self._format(cell)
            text = cell_text(cell)
            if (r0, c0) != (r1, c1):
                self.sheet.merge_range(r0, c0, r1, c1, "", fmt)
            self._value(cell, r0, c0, top, fmt, text)
            if cell.comment:
                self.sheet.write_comment(r0, c0, cell.comment, {"x_scale": 2, "y_scale": 1.5})
            covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
            width = sum(table.widths[c] for c in range(c0, c1 + 1))
            height = _lines(text, width) * LINE_HEIGHT + 6
            if cell.rowspan == 1:
                needs[r0] = max(needs.get(r0, LINE_HEIGHT + 6), height)
            else:
                spans.append((r0, r1, height))
        blank = self.formats.get()
        for r in range(top, top + table.rows):
            needs.setdefault(r, LINE_HEIGHT + 6)
            for c in range(table.columns):
                if (r, c) not in covered:
                    self.sheet.write_blank(r, c, None, blank)
        for r0, r1, height in spans:
            have = sum(needs[r] for r in range(r0, r1 + 1))
            if have < height:
                extra = (height - have) / (r1 - r0 + 1)
                for r in range(r0, r1 + 1):
                    needs[r] += extra
        self.heights.update(needs)
        if table.header_rows is not None:
            first, last = table.header_rows
            self.sheet.repeat_rows(top + first, top + last)
        self.row = top + table.rows + 1

    def _value(self, cell: TableCell, row: int, col: int, top: int, fmt: Any, text: str) -> None:
        sheet = self.sheet
        if cell.number is None:
            if text:
                sheet.write_string(row, col, text, fmt)
            elif cell.rowspan == 1 and cell.colspan == 1:
                sheet.write_blank(row, col, None, fmt)
            return
        value = float(cell.number)
        if cell.formula is not None:
            refs = [xl_rowcol_to_cell(top + r, c) for r, c in cell.formula.refs]
            sheet.write_formula(row, col, cell.formula.template.format(*refs), fmt, value)
        else:
            sheet.write_number(row, col, value, fmt)


def write_xlsx(pages: list[Page]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    formats = _Formats(book)
    for page in pages:
        sheet = book.add_worksheet(page.name)
        _SheetWriter(sheet, formats, page).write()
    book.close()
    return out.getvalue()
