"""Pages → a .docx with python-docx: one A4 landscape section per form, real merged cells.

Merges are made with ``cell.merge`` (``w:gridSpan`` across, ``w:vMerge`` down),
so Word and the docx reader see one cell, not repeated text. Body text is
仿宋, tables 宋体, titles 黑体, with the East-Asian font name set on every run
(Word ignores ``font.name`` for Chinese characters otherwise). A marked cell
is shaded; its note goes into the 复核意见 column the review adds.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.table import _Cell

from jixiao.render.forms.layout import Page, Paragraph, Table, TableCell, cell_text

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN = Mm(18)
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_PARAGRAPH = {
    "title": (TITLE_FONT, 18.0, True, WD_ALIGN_PARAGRAPH.CENTER),
    "subtitle": (BODY_FONT, 14.0, False, WD_ALIGN_PARAGRAPH.CENTER),
    "heading": (TITLE_FONT, 14.0, False, WD_ALIGN_PARAGRAPH.LEFT),
    "body": (BODY_FONT, 14.0, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "note": (BODY_FONT, 10.5, False, WD_ALIGN_PARAGRAPH.LEFT),
    "label": (BODY_FONT, 12.0, False, WD_ALIGN_PARAGRAPH.LEFT),
}
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _landscape(section: Any) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _shade(cell: Any, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _cell_margins(properties: Any) -> None:
    """Some air inside the cells (w:tblCellMar, placed before w:tblLook as the schema orders them)."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 30), ("left", 70), ("bottom", 30), ("right", 70)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _paragraph(document: Any, paragraph: Paragraph) -> None:
    font, size, bold, align = _PARAGRAPH[paragraph.role]
    out = document.add_paragraph()
    out.alignment = align
    if paragraph.role == "body":
        out.paragraph_format.first_line_indent = Pt(size * 2)
    out.paragraph_format.space_after = Pt(4)
    _font(out.add_run(paragraph.text), font, size, bold)


def _fill_cell(target: Any, cell: TableCell) -> None:
    text = cell_text(cell)
    bold = cell.role in ("head", "label")
    parts = text.split("\n") if text else [""]
    first = target.paragraphs[0]
    for index, part in enumerate(parts):
        paragraph = first if index == 0 else target.add_paragraph()
        paragraph.alignment = _ALIGN[cell.align]
        paragraph.paragraph_format.space_after = Pt(0)
        if part:
            _font(paragraph.add_run(part), TABLE_FONT, 10.5, bold)
    if cell.mark:  # before vAlign: w:shd precedes w:vAlign in w:tcPr, and Word rejects them out of order
        _shade(target, FILLS[cell.mark])
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document: Any, table: Table, text_width: int) -> None:
    """The table with its merges. ``table.cell()`` rescans the whole grid on every call, so cells are taken
    from the row elements instead, merging from the rightmost column leftwards: a merge removes only cell
    elements right of its own column, so grid column c is still element c of every row when c's turn comes."""
    out = document.add_table(rows=table.rows, cols=table.columns)
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    _cell_margins(out._tbl.tblPr)
    total = sum(table.widths) or 1.0
    widths = [Emu(int(text_width * width / total)) for width in table.widths]
    rows = [row._tr for row in out.rows]
    for col, width in enumerate(widths):
        out.columns[col].width = width
    for tr in rows:
        for col, tc in enumerate(tr.tc_lst):
            _Cell(tc, out).width = widths[col]
    if table.header_rows is not None:
        first, last = table.header_rows
        for index in range(first, last + 1):
            rows[index].get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in sorted(table.cells, key=lambda c: (-c.col, c.row)):
        target = _Cell(rows[cell.row].tc_lst[cell.col], out)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(_Cell(rows[cell.last_row].tc_lst[cell.last_col], out))
        _fill_cell(target, cell)


def write_docx(pages: list[Page]) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    text_width = int(PAGE_WIDTH - 2 * MARGIN)
    for index, page in enumerate(pages):
        section = document.sections[0] if index == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        _landscape(section)
        for block in page.blocks:
            if isinstance(block, Paragraph):
                _paragraph(document, block)
            else:
                _table(document, block, text_width)
                document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
