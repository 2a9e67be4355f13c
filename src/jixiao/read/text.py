"""Plain text and Markdown: recover table rows from flattened text.

Text dumps of PDF and Word files lose their table structure in several ways;
each is recognised here and turned into rows of cells, with every cell
keeping its 1-based line number:

- cells separated by tabs, by pipes (``| a | b ||||``), or by runs of spaces;
- a tab-separated row whose quoted cells hold line feeds (Excel's copy,
  ``\t"1.…\n2.…"\t``): the quoted lines are one row;
- grid tables (pandoc, ``+----+----+`` between rows): the lines between two
  rules are one row, each column's text joined;
- one cell per line, rows separated by blank lines (a line that does not
  start with the cell marker continues the cell above: ``社会效益`` / ``指标``);
- whole table rows printed on one line with no separator at all, split at the
  known labels of the forms.

Blank merged cells stay blank here; inheriting them is a parsing decision.
"""

from __future__ import annotations

import re
import unicodedata

from jixiao import vocab
from jixiao.read.source import Cell, Row, Source

_SPACE_RUN = re.compile(r"[ \u3000\xa0]{2,}")
_INDENT = re.compile(r"^[ \u3000\xa0]{2,}\S")
_COLUMN_GAP = re.compile(r"[ \u3000\xa0]{4,}")
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"[。；！？]$")
_PROSE_MARK = re.compile(r"[。，；！？]")
_NOTE_ONLY = re.compile(r"^[（(][^（()）]{1,10}[)）]$")
_KNOWN_LABELS = sorted(
    {
        *vocab.HEADER_FIELDS,
        *vocab.INDICATOR_COLUMNS,
        *(word for word, _ in vocab.FUNDS_ROWS),
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "年度总体目标",
        "预期目标",
        "实际完成情况",
        "总分",
    },
    key=len,
    reverse=True,
)
_LABEL_SPLIT = re.compile("(" + "|".join(re.escape(label) for label in _KNOWN_LABELS) + ")")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_QUOTED_LINES = 60  # a quoted cell runs over at most this many lines; an unclosed quote is a stray one
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标值", "实际完成", "项目名称", "预算数", "执行数")


def read_text(text: str, path: str, encoding: str = "utf-8", fmt: str = "text") -> Source:
    lines = text.split("\n")
    return Source(path=path, lines=lines, rows=recover_rows(lines), encoding=encoding, format=fmt)


def _blank(line: str) -> bool:
    """A separator line: empty or spaces only. A lone tab is an empty cell, not a separator."""
    return not line or (not line.strip() and "\t" not in line)


def recover_rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    number = 0
    total = len(lines)
    cell_mode = False
    spans = _spans(lines)
    while number < total:
        if number in spans:
            end, found = spans[number]
            rows.extend(found)
            number = end
            cell_mode = False
            continue
        line = lines[number]
        if not line or (not line.strip() and "\t" not in line):
            number += 1
            continue
        start = number
        number += 1
        while number < total and number not in spans:
            following = lines[number]
            if not following or (not following.strip() and "\t" not in following):
                break
            number += 1
        if number - start == 1 and not cell_mode:
            row = _line_row(line, start + 1)
            if row is not None:
                rows.append(row)
            continue
        block = lines[start:number]
        if _is_cell_block(block, cell_mode):
            rows.append(_cell_block_row(block, start + 1))
            cell_mode = True
            continue
        cell_mode = False
        for offset, text in enumerate(block):
            row = _line_row(text, start + offset + 1)
            if row is not None:
                rows.append(row)
    for index, row in enumerate(rows):
        row.index = index
    return rows


def _spans(lines: list[str]) -> dict[int, tuple[int, list[Row]]]:
    """Rows that run over several lines by their own syntax (grid tables, quoted cells): first line index →
    (index after the last line, rows)."""
    spans: dict[int, tuple[int, list[Row]]] = {}
    number = 0
    total = len(lines)
    while number < total:
        line = lines[number]
        found: tuple[int, list[Row]] | None = None
        if '"' in line and "\t" in line:
            found = _quoted_row(lines, number)
        elif "+" in line and _GRID_RULE.match(line):
            found = _grid_rows(lines, number)
        if found is None:
            number += 1
            continue
        spans[number] = found
        number = found[0]
    return spans


def _quoted_row(lines: list[str], first: int) -> tuple[int, list[Row]] | None:
    """A tab-separated row with a quoted cell that a line feed continues (``""`` is a quote inside it);
    None when no quoted cell is left open at the end of the first line, or it never closes."""
    cells: list[str] = []
    current: list[str] = []
    quoted = False
    at_start = True
    number = first
    line = lines[first]
    position = 0
    while True:
        if position >= len(line):
            if not quoted:
                break
            number += 1
            if number >= len(lines) or number - first > _QUOTED_LINES:
                return None
            current.append("\n")
            line, position = lines[number], 0
            continue
        char = line[position]
        position += 1
        if quoted:
            if char == '"':
                if position < len(line) and line[position] == '"':
                    current.append('"')
                    position += 1
                else:
                    quoted = False
            else:
                current.append(char)
        elif char == "\t":
            cells.append("".join(current))
            current, at_start = [], True
        elif char == '"' and at_start:
            quoted, at_start = True, False
        else:
            current.append(char)
            at_start = False
    if number == first:
        return None
    cells.append("".join(current))
    texts = [_joined(cell.split("\n")) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    row = Row([Cell(text, first + 1, col) for col, text in enumerate(texts)], first + 1, number + 1, len(texts) > 1)
    return number + 1, [row]


def _joined(pieces: list[str]) -> str:
    """Lines of one cell as one text: CJK runs straight on, a space between two Latin words or numbers."""
    out = ""
    for piece in (piece.strip() for piece in pieces):
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def _grid_rows(lines: list[str], first: int) -> tuple[int, list[Row]] | None:
    """A grid table from its first rule: one row per band of ``|`` lines between rules. A cell's column is
    where its left ``|`` stands among the first rule's ``+`` (by display width: a CJK character is two
    columns wide), so a cell spanning columns keeps its place and the columns it covers stay blank."""
    rule = lines[first]
    bounds = {position: index for index, position in enumerate(i for i, char in enumerate(rule) if char == "+")}
    rows: list[Row] = []
    band: list[tuple[int, str]] = []
    number = first + 1
    while number < len(lines):
        line = lines[number]
        if _GRID_RULE.match(line):
            if band:
                rows.append(_grid_row(band, bounds))
                band = []
        elif line.lstrip().startswith("|"):
            band.append((number + 1, line))
        else:
            break
        number += 1
    if band:
        rows.append(_grid_row(band, bounds))
    return (number, rows) if rows else None


def _grid_row(band: list[tuple[int, str]], bounds: dict[int, int]) -> Row:
    pieces: dict[int, list[str]] = {}
    first_line: dict[int, int] = {}
    for line_number, line in band:
        position = 0
        col: int | None = None
        start = 0
        for index, char in enumerate(line):
            if char == "|":
                if col is not None:
                    text = line[start:index].strip()
                    pieces.setdefault(col, []).append(text)
                    if text:
                        first_line.setdefault(col, line_number)
                col = bounds.get(position, _nearest(bounds, position))
                start = index + 1
            position += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    columns = max(pieces, default=-1) + 1
    texts = [_joined(pieces.get(col, [])) for col in range(columns)]
    while texts and not texts[-1]:
        texts.pop()
    top, bottom = band[0][0], band[-1][0]
    cells = [Cell(text, first_line.get(col, top), col) for col, text in enumerate(texts)]
    return Row(cells, top, bottom, len(cells) > 1)


def _nearest(bounds: dict[int, int], position: int) -> int:
    return bounds[min(bounds, key=lambda bound: abs(bound - position))]


def _is_cell_block(block: list[str], cell_mode: bool) -> bool:
    """One cell per line, rows between blank lines.

    Either every cell line starts with a tab (a line without one continues the
    cell above), or the lines are short and the block sits among such rows or
    holds table header words.
    """
    if block[0].startswith("\t"):
        return len(block) >= 2 and all(
            line.count("\t") == 0 or (line.startswith("\t") and line.count("\t") == 1) for line in block
        )
    if len(block) < 2 or not all(_short_cell(line) for line in block):
        return False
    headers = sum(1 for line in block if any(word in line for word in _HEADER_WORDS))
    return cell_mode or (len(block) >= 3 and headers >= 2)


def _short_cell(line: str) -> bool:
    stripped = line.strip()
    return "\t" not in stripped and "|" not in stripped and len(stripped) <= 60 and _SPACE_RUN.search(stripped) is None


def _cell_block_row(block: list[str], first_line: int) -> Row:
    cells: list[Cell] = []
    tabbed = block[0].startswith("\t")
    for offset, line in enumerate(block):
        text = line.strip()
        if tabbed and not line.startswith("\t") and cells:
            cells[-1].text += text
            continue
        cells.append(Cell(text=text, line=first_line + offset, col=len(cells)))
    filled = sum(1 for cell in cells if cell.text)
    return Row(cells=cells, line=first_line, end_line=first_line + len(block) - 1, table=filled > 1)


def _line_row(line: str, number: int) -> Row | None:
    if "\t" not in line and "|" not in line and "  " not in line and "\u3000" not in line and "\xa0" not in line:
        stripped = line.strip()
        if not stripped:
            return None
        if len(stripped) < 8 or len(stripped) > 400 or "，" in stripped or "。" in stripped:
            return Row([Cell(stripped, number, 0)], number, number, False)
    if "\t" in line:
        return _row([part.strip() for part in line.split("\t")], number)
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.count("|") >= 2:
        if _MD_RULE.match(stripped):
            return None
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        return _row([p.strip() for p in parts], number)
    if _SPACE_RUN.search(stripped):
        parts = _SPACE_RUN.split(stripped)
        if len(parts) == 2 and _INDENT.match(line) and _COLUMN_GAP.search(stripped):
            return _row(["", *parts], number)  # an indented row of two cells: the blank first one was dropped
        if len(parts) >= 3 or (
            len(parts) == 2 and all(len(p) <= 30 for p in parts) and not _SENTENCE_END.search(stripped)
        ):
            return _row(parts, number)
    if 8 <= len(stripped) <= 400 and not _PROSE_MARK.search(stripped):
        labels = _LABEL_SPLIT.findall(stripped)
        if len(set(labels)) >= 3:
            return _row(_label_cells(stripped), number)
    return Row([Cell(stripped, number, 0)], number, number, False)


def _label_cells(line: str) -> list[str]:
    """Split a separator-less table line at the known labels; a ``（A）`` note stays with its label."""
    cells: list[str] = []
    for part in (piece.strip() for piece in _LABEL_SPLIT.split(line)):
        if cells and _NOTE_ONLY.match(part):
            cells[-1] += part
        elif part:
            cells.append(part)
    return cells


def _row(texts: list[str], number: int) -> Row | None:
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        return None
    cells = [Cell(text, number, col) for col, text in enumerate(texts)]
    return Row(cells, number, number, len(texts) > 1)
