"""HTML pages (saved web pages, Word/WPS "save as HTML") into a ``Source``.

The page becomes text the way a person sees it, one output line per visual
line, using only :mod:`html.parser`:

* block elements (``p``, ``div``, ``h1``–``h6``, ``li``, ``br``, ``table``,
  ``tr``, ``section``…) start a new line; inline markup is dropped, entities
  are unescaped and whitespace runs (including ``&nbsp;`` and the full-width
  space) collapse to one space, except that a source line break between two
  CJK characters disappears (the CSS rule browsers apply to Chinese text);
  empty lines are not kept;
* ``head``, ``title``, ``script``, ``style``, ``template``, ``svg`` and Word's
  ``<xml>`` islands are dropped, as are comments (Word's conditional comments);
* every paragraph line becomes a one-cell ``Row(table=False)``, its cell at
  column 0;
* every ``<tr>`` becomes one line and one ``Row(table=True)``. Cells are placed
  in the table grid with ``colspan``/``rowspan`` (rowspans never cross a
  ``thead``/``tbody``/``tfoot`` boundary; ``rowspan="0"`` reaches to the end
  of the row group); the grid slots a merged cell covers besides its own get
  a ``Cell`` with the same text and ``inherited=True``. ``row.cells`` is
  indexed by grid column (``row.cells[i].col == i``); a slot no cell
  covers (a short row followed by a rowspan further right) is an empty,
  non-inherited cell. Inside a cell, line breaks and nested blocks become a
  space, so a row always stays on one line;
* in ``lines`` a table row is its cells joined by a tab, with inherited slots
  left empty, so a merged cell shows its text once, as on screen, while the
  tabs keep the grid columns;
* a table nested in a cell is flattened: its rows come right after the outer
  row that contains it (the inner text is not part of the outer cell);
  a ``caption`` is a paragraph before the table's rows; text between rows
  (outside any cell) becomes a paragraph after the row it follows;
* inside ``pre`` source line breaks are kept as line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from jixiao.read.source import Cell, Row, Source

__all__ = ["read_html"]

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section",
        "summary", "ul", "xmp", "option", "br",
    }
)  # fmt: skip
_SKIP = frozenset({"head", "title", "script", "style", "template", "svg", "xml", "noembed", "noframes"})
_SECTION = frozenset({"thead", "tbody", "tfoot"})
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_NESTING = 32  # tables inside tables: real forms nest two or three deep, a crafted page thousands
_WS = re.compile(r"\s+")
# A line break inside a cell: whitespace to _WS, so it collapses to one space, but
# never removed by the CJK segment-break rule (only ASCII whitespace is).
_CELL_BREAK = "\u2028"
# CSS segment-break rule: a source line break (with only ASCII spaces around it)
# between two East Asian wide characters (Unicode East Asian Width W/F/H, not
# Hangul) vanishes, so Word's wrapped "项目支出\n绩效" reads "项目支出绩效".
_WIDE = (
    "[\u2e80-\u303e\u3041-\u312f\u3190-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff01-\uff9f\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_SEGMENT_BREAK = re.compile(f"(?<={_WIDE})[ \t\r\f]*\n[ \t\n\r\f]*(?={_WIDE})")


def _squash(parts: list[str]) -> str:
    text = "".join(parts)
    if "\n" in text:
        text = _SEGMENT_BREAK.sub("", text)
    return _WS.sub(" ", text).strip()


def _span(attrs: list[tuple[str, str | None]], name: str, default: int, limit: int) -> int:
    for key, value in attrs:
        if key == name and value is not None:
            match = re.match(r"\s*(\d+)", value)
            if match:
                return min(int(match.group(1)), limit)
    return default


@dataclass(slots=True, eq=False)
class _Slot:
    """A ``<td>``/``<th>`` being read; its text is final once the cell ends."""

    parts: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(slots=True, eq=False)
class _TableRow:
    cells: list[tuple[str, int, bool]]  # (text, col, inherited), ordered by col


@dataclass(slots=True, eq=False)
class _Table:
    # Slots reaching down from rows above: col -> (slot, rows still to cover; -1 = to the end).
    carry: dict[int, tuple[_Slot, int]] = field(default_factory=dict)
    # The open row: col -> (slot, inherited).
    row: dict[int, tuple[_Slot, bool]] | None = None
    cursor: int = 0
    cell: _Slot | None = None
    # Blocks that appeared while a row was open (nested tables, stray text): emitted after it.
    deferred: list[str | _TableRow] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str | _TableRow] = []
        self._para: list[str] = []
        self._skip: list[str] = []
        self._tables: list[_Table] = []
        self._too_deep = 0  # <table> tags past _MAX_NESTING: their rows join the innermost table kept
        self._pre = 0

    # -- output ---------------------------------------------------------------

    def _emit(self, block: str | _TableRow, level: int | None = None) -> None:
        """Send a finished block to the context at ``level`` (0 = page, n = inside table n-1)."""
        if level is None:
            level = len(self._tables)
        while level > 0:
            table = self._tables[level - 1]
            if table.row is not None:
                table.deferred.append(block)
                return
            level -= 1
        self.blocks.append(block)

    def _flush(self) -> None:
        """End the current visual line: the paragraph text collected so far."""
        if self._para:
            parts, self._para = self._para, []
            if len(parts) == 1 and parts[0].isspace():
                return
            text = _squash(parts)
            if text:
                self._emit(text)

    def _break(self) -> None:
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            table.cell.parts.append(_CELL_BREAK)
        else:
            self._flush()

    # -- tables ---------------------------------------------------------------

    def _start_row(self, table: _Table) -> None:
        self._end_row(table)
        self._flush()
        row: dict[int, tuple[_Slot, bool]] = {}
        for col, (slot, left) in list(table.carry.items()):
            row[col] = (slot, True)
            if left > 0:
                if left == 1:
                    del table.carry[col]
                else:
                    table.carry[col] = (slot, left - 1)
        table.row = row
        table.cursor = 0

    def _end_cell(self, table: _Table) -> None:
        if table.cell is not None:
            self._flush()
            table.cell.text = _squash(table.cell.parts)
            table.cell = None

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        self._flush()  # stray text inside the row goes after it, with the deferred blocks
        row, table.row = table.row, None
        last = len(self._tables) - 1
        level = last if self._tables[last] is table else self._tables.index(table)  # identity: eq=False
        if row:
            width = max(row) + 1
            cells: list[tuple[str, int, bool]] = []
            for col in range(width):
                if col in row:
                    slot, inherited = row[col]
                    cells.append((slot.text, col, inherited))
                else:
                    cells.append(("", col, False))
            self._emit(_TableRow(cells), level)
        deferred, table.deferred = table.deferred, []
        for block in deferred:
            self._emit(block, level)

    def _start_cell(self, table: _Table, attrs: list[tuple[str, str | None]]) -> None:
        if table.row is None:
            self._start_row(table)
        self._end_cell(table)
        self._flush()
        row = table.row
        assert row is not None
        colspan = max(1, _span(attrs, "colspan", 1, _MAX_COLSPAN))
        rowspan = _span(attrs, "rowspan", 1, _MAX_ROWSPAN)
        col = table.cursor
        while col in row:
            col += 1
        slot = _Slot()
        for offset in range(colspan):
            if col + offset in row:  # overlapping spans in a malformed table: first one wins
                continue
            row[col + offset] = (slot, offset > 0)
            if rowspan != 1:
                table.carry[col + offset] = (slot, -1 if rowspan == 0 else rowspan - 1)
        table.cursor = col + colspan
        table.cell = slot

    def _end_table(self) -> None:
        table = self._tables[-1]
        self._end_row(table)  # also emits the blocks deferred behind the last row
        self._flush()
        self._tables.pop()

    # -- parser callbacks -----------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and self._skip:
            self._skip.clear()  # an unclosed <head>
        if tag in _SKIP:
            self._skip.append(tag)
            return
        if self._skip:
            return
        table = self._tables[-1] if self._tables else None
        if tag == "table":
            self._break()
            self._flush()
            if len(self._tables) >= _MAX_NESTING:
                self._too_deep += 1
            else:
                self._tables.append(_Table())
        elif table is not None and tag == "tr":
            self._start_row(table)
        elif table is not None and tag in ("td", "th"):
            self._start_cell(table, attrs)
        elif table is not None and tag in _SECTION:
            self._end_row(table)
            table.carry.clear()  # rowspans end with their row group
        elif table is not None and tag == "caption":
            self._end_row(table)
            self._flush()
        elif tag in _BLOCK or tag in ("td", "th", "tr", "caption"):
            if tag == "pre":
                self._pre += 1
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag in self._skip:
                while self._skip.pop() != tag:
                    pass
            return
        if self._skip:
            return
        table = self._tables[-1] if self._tables else None
        if tag == "table":
            if self._too_deep:
                self._too_deep -= 1
                self._break()
            elif table is not None:
                self._end_table()
        elif table is not None and tag == "tr":
            self._end_row(table)
        elif table is not None and tag in ("td", "th"):
            self._end_cell(table)
        elif table is not None and tag in _SECTION:
            self._end_row(table)
            table.carry.clear()
        elif table is not None and tag == "caption":
            self._flush()
        elif tag in _BLOCK or tag in ("td", "th", "tr", "caption"):
            if tag == "pre" and self._pre:
                self._pre -= 1
            self._break()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            table.cell.parts.append(data)
        elif self._pre and "\n" in data:
            first, *rest = data.split("\n")
            self._para.append(first)
            for piece in rest:
                self._flush()
                self._para.append(piece)
        else:
            self._para.append(data)

    def close(self) -> None:
        super().close()
        while self._tables:
            self._end_table()
        self._flush()


def read_html(text: str, path: str, encoding: str = "utf-8") -> Source:
    """Read an HTML page (already decoded) into lines and rows; see the module doc."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    lines: list[str] = []
    rows: list[Row] = []
    for block in parser.blocks:
        number = len(lines) + 1
        if isinstance(block, str):
            lines.append(block)
            rows.append(Row([Cell(block, number, 0)], number, number, table=False, index=len(rows)))
        else:
            lines.append("\t".join("" if inherited else text for text, _, inherited in block.cells))
            cells = [Cell(text, number, col, inherited) for text, col, inherited in block.cells]
            rows.append(Row(cells, number, number, table=True, index=len(rows)))
    return Source(path=path, lines=lines, rows=rows, encoding=encoding, format="html")
