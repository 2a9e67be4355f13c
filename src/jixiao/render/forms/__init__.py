"""The standard forms, rendered from ``jixiao/1`` data: xlsx, docx, PDF and HTML.

``render_document`` lays every form of a document out once (``build``: the
项目支出 / 部门整体 tables in the national, Anhui or Shanxi layout, the
narrative 自评报告 drafted from its figures) and draws that layout in the
format asked for. What it writes, the readers and parsers read back as the
same forms; ``benchmarks/roundtrip.py`` measures that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from jixiao.model import Document
from jixiao.read.source import ReadError
from jixiao.render.forms.build import build_pages
from jixiao.render.forms.narrative import Analysis
from jixiao.render.forms.templates import TEMPLATES, Template, template_for

__all__ = ["FORMATS", "TEMPLATES", "Format", "Template", "render_document", "template_for"]

Format = Literal["xlsx", "docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("xlsx", "docx", "pdf", "html")


def render_document(
    document: Document,
    fmt: Format,
    *,
    template: str | None = None,
    review: bool = False,
    extra_paragraphs: Mapping[int, Sequence[str]] | None = None,
    analyses: Mapping[int, Analysis] | None = None,
) -> bytes:
    """The document's forms as a file of format ``fmt``.

    ``template`` names a layout (``national``, ``anhui``, ``shanxi``); by default the
    document's profile (its region) picks it. ``review`` writes the recomputed
    scores and the findings into the forms. ``extra_paragraphs[i]`` are appended
    to form i's narrative (a report's text, a table form's 情况说明 cell);
    ``analyses[i]`` fills report i's outline sections (a report drafted from the
    forms, ``jixiao.render.forms.drafting``).
    Raise :class:`ReadError` for an unknown format or template.
    """
    if fmt not in FORMATS:
        raise ReadError(f"不支持的输出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    if not document.forms:
        raise ReadError("文档中没有可输出的表单")
    chosen = template_for(document, template)
    pages = build_pages(document, chosen, review=review, extra_paragraphs=extra_paragraphs, analyses=analyses)
    title = _title(document)
    if fmt == "xlsx":
        from jixiao.render.forms.xlsx import write_xlsx

        return write_xlsx(pages)
    if fmt == "docx":
        from jixiao.render.forms.docx import write_docx

        return write_docx(pages)
    from jixiao.render.forms.html import write_html, write_pdf

    if fmt == "html":
        return write_html(pages, title).encode("utf-8")
    return write_pdf(pages, title)


def _title(document: Document) -> str:
    department = next((form.department for form in document.forms if form.department), None)
    return f"{department}绩效自评表" if department else "绩效自评表"
