"""A format-neutral page: what a form looks like before xlsx, docx or HTML decide how to draw it.

The builders describe each form once, as paragraphs and tables of cells with
real spans, and the three writers draw the same description. So a merged
label is merged in every format, a total is a formula in the workbook and its
value everywhere else, and a review mark sits on the same cell in all of them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from jixiao.model import FormKind, Severity

ParagraphRole = Literal["title", "subtitle", "heading", "body", "note", "label"]
CellRole = Literal["head", "label", "text", "number"]
Align = Literal["left", "center", "right"]


@dataclass(slots=True, frozen=True)
class Formula:
    """An Excel formula over cells of the same table: ``{0}``, ``{1}``… in ``template`` stand for ``refs``."""

    template: str
    refs: tuple[tuple[int, int], ...]


@dataclass(slots=True)
class TableCell:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    role: CellRole = "text"
    number: Decimal | None = None
    percent: bool = False
    decimals: int | None = None
    formula: Formula | None = None
    field: str | None = None
    mark: Severity | None = None
    comment: str | None = None
    align: Align = "center"

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(slots=True)
class Table:
    """A grid of cells; ``widths`` in Excel character units (a CJK character counts two)."""

    widths: list[float]
    cells: list[TableCell] = field(default_factory=list)
    rows: int = 0
    row_keys: dict[int, list[str]] = field(default_factory=dict)
    header_rows: tuple[int, int] | None = None

    @property
    def columns(self) -> int:
        return len(self.widths)

    def add_row(self, *keys: str) -> int:
        """A new row; ``keys`` name what it shows (``funds.total``, ``indicators[3]``) for review notes."""
        row = self.rows
        self.rows += 1
        if keys:
            self.row_keys[row] = list(keys)
        return row

    def put(  # rows come from add_row only: a label may span rows that are added after it
        self,
        row: int,
        col: int,
        text: str = "",
        *,
        rowspan: int = 1,
        colspan: int = 1,
        role: CellRole = "text",
        number: Decimal | None = None,
        percent: bool = False,
        decimals: int | None = None,
        formula: Formula | None = None,
        field: str | None = None,
        align: Align = "center",
    ) -> TableCell:
        cell = TableCell(
            row=row,
            col=col,
            text=text,
            rowspan=max(1, rowspan),
            colspan=max(1, colspan),
            role=role,
            number=number,
            percent=percent,
            decimals=decimals,
            formula=formula,
            field=field,
            align=align,
        )
        self.cells.append(cell)
        return cell

    def grid(self) -> dict[tuple[int, int], TableCell]:
        """Every slot → the cell that covers it."""
        out: dict[tuple[int, int], TableCell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.last_row + 1):
                for c in range(cell.col, cell.last_col + 1):
                    out[(r, c)] = cell
        return out

    def anchors(self) -> dict[tuple[int, int], TableCell]:
        return {(cell.row, cell.col): cell for cell in self.cells}


@dataclass(slots=True)
class Paragraph:
    text: str
    role: ParagraphRole = "body"


Block = Paragraph | Table


@dataclass(slots=True)
class Page:
    """One form: a worksheet in xlsx, a section in docx, a printed page group in HTML/PDF."""

    name: str
    kind: FormKind
    widths: list[float]
    blocks: list[Block] = field(default_factory=list)

    def add(self, block: Block) -> None:
        self.blocks.append(block)


# ---- text of numbers -----------------------------------------------------------------------------


def decimals_of(value: Decimal) -> int:
    """Decimal places a number is written with (0 for integral values)."""
    if value == value.to_integral_value():
        return 0
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def number_text(value: Decimal, decimals: int | None = None) -> str:
    """A number as a form prints it: ``140.4``, ``10``; with ``decimals`` fixed (``6.00``) when they suffice."""
    if decimals is not None and decimals_of(value) <= decimals:
        return format(value.quantize(Decimal(1).scaleb(-decimals)), "f")
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def rate_text(value: Decimal) -> str:
    """A rate (fraction) as a percentage: 0.9631 → ``96.31%``."""
    return number_text(value * 100) + "%"


def display_width(text: str) -> float:
    """Width in Excel character units: wide (CJK) characters count two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def cell_text(cell: TableCell) -> str:
    """What a cell shows: its text, else its number as written."""
    if cell.text or cell.number is None:
        return cell.text
    if cell.percent:
        return rate_text(cell.number)
    return number_text(cell.number, cell.decimals)
