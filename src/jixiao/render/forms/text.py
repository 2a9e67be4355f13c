"""Pages → plain text lines: each paragraph a line, each table row a line of tab-separated cells.

A form filled in online has no file behind it, yet every form and finding
carries the line it stands on (FORMAT.md). This text is that source: the
form written out the way an Excel copy pastes it, which the text reader
reads back, with the line of every row the layout keyed (``indicators[3]``,
``funds.total``) so the model's lines can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.render.forms.layout import Page, Paragraph, cell_text


@dataclass(slots=True)
class TextPage:
    lines: list[str] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # row key → 1-based line
    first: int = 1
    last: int = 1


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def write_text(pages: list[Page]) -> tuple[list[str], list[TextPage]]:
    """All pages' lines, a blank line between pages, and where each page and keyed row landed."""
    lines: list[str] = []
    placed: list[TextPage] = []
    for page in pages:
        if lines:
            lines.append("")
        here = TextPage(first=len(lines) + 1)
        for block in page.blocks:
            if isinstance(block, Paragraph):
                lines.extend(_one_line(part) for part in block.text.split("\n") if part.strip())
                continue
            anchors = block.anchors()
            for row in range(block.rows):
                cells = [
                    _one_line(cell_text(anchors[(row, col)])) if (row, col) in anchors else ""
                    for col in range(block.columns)
                ]
                lines.append("\t".join(cells).rstrip("\t"))
                for key in block.row_keys.get(row, ()):
                    here.keys.setdefault(key, len(lines))
        here.last = len(lines)
        here.lines = lines[here.first - 1 :]
        placed.append(here)
    return lines, placed
