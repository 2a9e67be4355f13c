"""Plain text and Markdown: recover table rows from flattened text.

Text dumps of PDF and Word files lose their table structure in several ways;
each is recognised here and turned into rows of cells, with every cell
keeping its 1-based line number:

- cells separated by tabs, by pipes (``| a | b ||||``), or by runs of spaces;
- one cell per line, rows separated by blank lines (a line that does not
  start with the cell marker continues the cell above: ``社会效益`` / ``指标``);
- whole table rows printed on one line with no separator at all, split at the
  known labels of the forms.

Blank merged cells stay blank here; inheriting them is a parsing decision.
"""

from __future__ import annotations

import re

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
    while number < total:
        line = lines[number]
        if not line or (not line.strip() and "\t" not in line):
            number += 1
            continue
        start = number
        number += 1
        while number < total:
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
