"""What every reader produces: the text lines of a file plus its rows of cells.

Whatever the input (a text dump, HTML, later docx/xlsx/PDF), parsers see the
same thing: ``lines`` (the file as text, 1-based line numbers are what
findings cite) and ``rows``, the file in reading order where a table row is a
list of cells and a paragraph is a one-cell row. Every cell keeps its line
and column, so a parsed value can always say where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, eq=False)
class Cell:
    text: str
    line: int
    col: int
    inherited: bool = False


@dataclass(slots=True, eq=False)
class Row:
    """A table row (``table`` True) or a paragraph line (one cell)."""

    cells: list[Cell]
    line: int
    end_line: int
    table: bool
    index: int = 0
    page: int | None = None
    sheet: str | None = None
    joined: str | None = field(default=None, repr=False, compare=False)

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    @property
    def filled(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.text]

    @property
    def text(self) -> str:
        if self.joined is None:
            self.joined = " ".join(cell.text for cell in self.cells if cell.text)
        return self.joined


class ReadError(Exception):
    """A file that cannot be read at all; the message names the reason in Chinese."""


@dataclass(slots=True)
class Source:
    path: str
    lines: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str = "utf-8"
    format: str = "text"
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]
