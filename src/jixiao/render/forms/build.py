"""Document → pages: one page per form in the chosen template, with the review written in when asked.

Review (``review=True``) re-scores every form (``jixiao.rules.scoring`` through
``render.html.recompute``) and takes the document's findings, or runs the
checks when it has none. Cells whose stated value differs from the recomputed
one get a fill colour and a note of the recomputed value; every table gets a
复核意见 column with the findings of each row; findings that belong to no row
are listed under the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from jixiao.model import DepartmentForm, Document, Finding, Form, ProjectForm, ReportForm, Severity
from jixiao.render.forms.layout import Page, Paragraph, Table, TableCell, number_text, rate_text
from jixiao.render.forms.narrative import Analysis, draft_report
from jixiao.render.forms.tables import FrameworkLayout, ProjectLayout
from jixiao.render.forms.templates import Template

REPORT_WIDTHS = [14.0] * 8
REVIEW_WIDTH = 30.0
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\'：]")


def page_name(index: int, form: Form) -> str:
    """A worksheet name (≤ 31 characters, unique by its number) that says which form it is."""
    if isinstance(form, ProjectForm):
        what = form.project or "项目支出绩效自评表"
    elif isinstance(form, DepartmentForm):
        what = "部门整体支出绩效自评表"
    else:
        what = form.title or "自评报告"
    what = _SHEET_UNSAFE.sub("", what).strip() or "表"
    return f"{index + 1}.{what}"[:31]


def build_pages(
    document: Document,
    template: Template,
    *,
    review: bool = False,
    extra_paragraphs: Mapping[int, Sequence[str]] | None = None,
    analyses: Mapping[int, Analysis] | None = None,
) -> list[Page]:
    extra = extra_paragraphs or {}
    analysis = analyses or {}
    pages: list[Page] = []
    for index, form in enumerate(document.forms):
        name = page_name(index, form)
        remarks = list(extra.get(index, ()))
        if isinstance(form, ReportForm):
            page = Page(name=name, kind="report", widths=list(REPORT_WIDTHS))
            for block in draft_report(form, page.widths, remarks, analysis.get(index)):
                page.add(block)
        elif isinstance(form, DepartmentForm) and form.layout == "framework":
            page = FrameworkLayout(form, template, remarks).build(name)
        else:
            page = ProjectLayout(form, template, remarks).build(name)
        pages.append(page)
    if review:
        Reviewer(document).annotate(pages)
    return pages


# ---- review ---------------------------------------------------------------------------------------


def findings_of(document: Document) -> tuple[list[Finding], str | None]:
    """The document's findings, or those the checks find now; with a note when the checks could not run."""
    if document.findings is not None:
        return list(document.findings), None
    from jixiao.checks import Context, run_checks
    from jixiao.rules.profile import profile_for

    department = next((form.department for form in document.forms if form.department), None)
    year = next((form.year for form in document.forms if form.year), None)
    try:
        profile = profile_for(department, year, document.profile)
    except ValueError as error:
        return [], f"无法载入规则配置，未运行审核检查：{error}"
    context = Context(forms=document.forms, lines=[], profile=profile, source=document.source)
    return run_checks(context), None


_SEVERITY_WORDS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}
_RANK: dict[Severity, int] = {"info": 0, "warning": 1, "error": 2}


def _worse(a: Severity | None, b: Severity | None) -> Severity | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if _RANK[a] >= _RANK[b] else b


class Reviewer:
    """Writes findings and recomputed values into the pages of one document."""

    def __init__(self, document: Document) -> None:
        from jixiao.render.html import canonical_field, fmt_value, place_findings, recompute

        self.document = document
        findings, note = findings_of(document)
        reviewed = Document(source=document.source, forms=document.forms, findings=findings, profile=document.profile)
        self.placed = place_findings(reviewed)
        self.recomputed = recompute(document)
        self.notes = [text for text in (note, self.recomputed.note) if text]
        self.canonical = canonical_field
        self.fmt_value = fmt_value

    def finding_text(self, number: int) -> str:
        finding = self.placed.findings[number]
        return f"［{_SEVERITY_WORDS[finding.severity]}］{finding.message}"

    def annotate(self, pages: list[Page]) -> None:
        for index, page in enumerate(pages):
            used: set[int] = set()
            for block in page.blocks:
                if isinstance(block, Table):
                    used |= self._table(index, block)
            page.widths.append(REVIEW_WIDTH)
            rest = [n for n in self.placed.by_form.get(index, []) if n not in used]
            if rest or (index == 0 and (self.notes or self.placed.by_form.get(None))):
                page.add(Paragraph("复核意见", "heading"))
                if index == 0:
                    for text in self.notes:
                        page.add(Paragraph(text, "note"))
                    for number in self.placed.by_form.get(None, []):
                        page.add(Paragraph(self.finding_text(number), "note"))
                for number in rest:
                    page.add(Paragraph(self.finding_text(number), "note"))

    def _value(self, value: object, key: str) -> str:
        if isinstance(value, Decimal):
            return rate_text(value) if key.rsplit(".", 1)[-1] == "rate" else number_text(value)
        return str(self.fmt_value(value, key)) or "（空）"

    def _cell(self, form: int, cell: TableCell) -> str | None:
        """Mark a cell by its findings and its recomputation; the note of a recomputed value that differs."""
        if cell.field is None:
            return None
        key = self.canonical(cell.field) or cell.field
        cell.mark = _worse(cell.mark, self.placed.cell_severity(form, key))
        recomputed = self.recomputed.get(form, key)
        if recomputed is None or not recomputed.differs:
            return None
        cell.mark = _worse(cell.mark, "error")
        result, stated = self._value(recomputed.result, key), self._value(recomputed.stated, key)
        cell.comment = f"复算应为 {result}（表中为 {stated}）：{recomputed.rule}"
        return f"复算应为 {result}（表中为 {stated}）"

    def _table(self, form: int, table: Table) -> set[int]:
        """Mark the table's cells and add the 复核意见 column; the numbers of the findings placed on a row."""
        notes: dict[int, list[str]] = {}
        marks: dict[int, Severity | None] = {}
        used: set[int] = set()
        for cell in table.cells:
            text = self._cell(form, cell)
            if text:
                notes.setdefault(cell.row, []).append(text)
                marks[cell.row] = _worse(marks.get(cell.row), "error")
        for row, keys in table.row_keys.items():
            for key in keys:
                for number in self.placed.row_numbers(form, key):
                    if number not in used:
                        used.add(number)
                        notes.setdefault(row, []).append(self.finding_text(number))
                        marks[row] = _worse(marks.get(row), self.placed.findings[number].severity)
        col = table.columns
        table.widths.append(REVIEW_WIDTH)
        for row in range(table.rows):
            texts = (["复核意见"] if row == 0 else []) + notes.get(row, [])
            cell = table.put(row, col, "\n".join(texts), role="head" if texts == ["复核意见"] else "text", align="left")
            cell.mark = marks.get(row)
        return used
