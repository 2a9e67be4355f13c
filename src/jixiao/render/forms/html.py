"""Pages → one self-contained HTML page (inline CSS, no network), and PDF through WeasyPrint.

Merged cells are ``rowspan``/``colspan``; the print CSS sets A4 landscape with
every form starting a new page, and the fonts are the Noto CJK families
(fonts-noto-cjk) so the PDF embeds the Chinese it shows. Every table cell has
a full border, which is what the PDF table reader snaps cell boxes to.
"""

from __future__ import annotations

from html import escape

from jixiao.render.forms.layout import Page, Paragraph, Table, TableCell, cell_text

FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}

CSS = """
@page { size: A4 landscape; margin: 14mm 12mm; }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt; color: #000; }
body { margin: 0; }
section.form { break-before: page; padding: 0 4mm; }
section.form:first-of-type { break-before: auto; }
p { margin: 0 0 4pt 0; line-height: 1.6; }
p.title { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 18pt; font-weight: bold;
  text-align: center; margin: 6pt 0 6pt 0; }
p.subtitle { text-align: center; font-size: 12pt; }
p.heading { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 12pt; margin: 16pt 0 6pt 0; }
p.body { text-indent: 2em; font-size: 12pt; }
p.label { font-size: 12pt; }
p.note { font-size: 10pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 4pt 0 10pt 0; }
td { border: 0.75pt solid #000; padding: 2pt 3pt; vertical-align: middle; text-align: center;
  word-break: break-all; overflow-wrap: anywhere; line-height: 1.35; }
td.head, td.label { font-weight: bold; }
td.left { text-align: left; }
td.right { text-align: right; }
tr { break-inside: avoid; }
@media screen { body { max-width: 297mm; margin: 0 auto; } section.form { border-bottom: 1px dashed #999;
  padding-bottom: 12pt; margin-bottom: 12pt; } }
"""


def _cell(cell: TableCell) -> str:
    classes: list[str] = [cell.role]
    if cell.align != "center":
        classes.append(cell.align)
    attrs = [f'class="{" ".join(classes)}"']
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
    if cell.mark:
        attrs.append(f'style="background:{FILLS[cell.mark]}"')
    if cell.comment:
        attrs.append(f'title="{escape(cell.comment)}"')
    text = "<br>".join(escape(part) for part in cell_text(cell).split("\n"))
    return f"<td {' '.join(attrs)}>{text}</td>"


def _table(table: Table) -> str:
    total = sum(table.widths) or 1.0
    cols = "".join(f'<col style="width:{100 * width / total:.2f}%">' for width in table.widths)
    anchors = table.anchors()
    covered = table.grid()
    rows: list[str] = []
    for r in range(table.rows):
        cells: list[str] = []
        for c in range(table.columns):
            anchor = anchors.get((r, c))
            if anchor is not None:
                cells.append(_cell(anchor))
            elif (r, c) not in covered:
                cells.append('<td class="text"></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><colgroup>{cols}</colgroup><tbody>" + "".join(rows) + "</tbody></table>"


def _paragraph(paragraph: Paragraph) -> str:
    return f'<p class="{paragraph.role}">{escape(paragraph.text)}</p>'


def write_html(pages: list[Page], title: str = "绩效自评表") -> str:
    sections: list[str] = []
    for page in pages:
        parts = [_paragraph(block) if isinstance(block, Paragraph) else _table(block) for block in page.blocks]
        sections.append(f'<section class="form" data-name="{escape(page.name)}">' + "".join(parts) + "</section>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def write_pdf(pages: list[Page], title: str = "绩效自评表") -> bytes:
    """The HTML rendered by WeasyPrint (no network: no external resources are referenced)."""
    import weasyprint

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"不允许加载外部资源：{url}")

    document = weasyprint.HTML(string=write_html(pages, title), url_fetcher=no_fetch)
    pdf: bytes = document.write_pdf()
    return pdf
