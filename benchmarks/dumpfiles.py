"""The seed text dumps as the files a department sends: an HTML page, a PDF, a Word file.

Shared by ``review.py`` (review's cost on real file formats) and ``converted.py``
(what extraction and review get right when the same document, prose and
tables, arrives in another format). A run of tab-separated lines becomes one
table, every other line a paragraph; blank cells stay blank, as the dump
shows a merged cell.
"""

from __future__ import annotations

import html
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
FORMATS = ("html", "docx", "pdf", "pdf-unruled")


def dumps() -> list[Path]:
    """The seed text dumps, else the repository's examples."""
    for where in (SEEDS / "docs", ROOT / "examples"):
        files = sorted(p for p in where.glob("*") if p.suffix in (".txt", ".md")) if where.is_dir() else []
        if files:
            return files
    raise SystemExit("no corpus found")


def as_html(text: str) -> str:
    """A text dump as the page a word processor would save: tables bordered, the whole text kept."""
    parts = ['<html><head><meta charset="utf-8"></head><body>']
    in_table = False
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) > 1:
            if not in_table:
                parts.append('<table border="1" cellspacing="0">')
                in_table = True
            parts.append("<tr>" + "".join(f"<td>{html.escape(cell.strip())}</td>" for cell in cells) + "</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if line.strip():
            parts.append(f"<p>{html.escape(line.strip())}</p>")
    parts.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(parts)


def convert(sources: list[Path], fmt: str, folder: Path) -> list[Path]:
    """``sources`` (text dumps) written into ``folder`` as ``fmt``, in order.

    ``pdf`` is the page printed by WeasyPrint with the tables' borders drawn;
    ``pdf-unruled`` the same without borders (tables laid out by position
    only); ``docx`` the page saved by LibreOffice as a Word file."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for source in sources:
        page = folder / f"{source.stem}.html"
        page.write_text(as_html(source.read_text(encoding="utf-8")), encoding="utf-8")
        pages.append(page)
    if fmt == "html":
        return pages
    if fmt in ("pdf", "pdf-unruled"):
        import weasyprint

        made = []
        for page in pages:
            target = page.with_suffix(".pdf")
            weasyprint.HTML(filename=str(page)).write_pdf(str(target), presentational_hints=fmt == "pdf")
            made.append(target)
        return made
    if fmt == "docx":
        from jixiao.read.convert import export, soffice_path

        if soffice_path() is None:
            raise SystemExit("docx needs LibreOffice (soffice) to save the pages as Word files")
        return export(pages, "docx:MS Word 2007 XML", folder / "docx")
    raise ValueError(fmt)
