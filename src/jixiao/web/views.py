"""What the document and form pages show, gathered from the store and the scoring engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.model import DepartmentForm, Document, Form, ProjectForm, ReportForm, project_layout
from jixiao.render.html import FUND_ROW_LABELS, canonical_field, row_of, values_differ
from jixiao.rules.scoring import Explanation, explain_form
from jixiao.store.access import NOT_FOUND, NotFound, Principal
from jixiao.store.deletion import may_delete
from jixiao.store.documents import form_profile, rebuild
from jixiao.store.editing import EDITABLE_STATES, FRAMEWORK_FIELDS, FUNDS_ROWS, PROJECT_FIELDS
from jixiao.store.models import AuditEntry, Department, StoredDocument, StoredFinding, StoredForm, User
from jixiao.store.online import ONLINE
from jixiao.store.queries import check_titles


@dataclass(slots=True)
class Recomputed:
    """A value the engine recomputed, beside the one the form states, and how."""

    field: str
    explanation: Explanation
    stated: object

    @property
    def differs(self) -> bool:
        return values_differ(self.explanation.result, self.stated, self.field)


@dataclass(slots=True)
class RowView:
    index: int
    indicator: Any
    recomputed: Recomputed | None
    findings: list[StoredFinding] = field(default_factory=list)

    @property
    def worst(self) -> str | None:
        severities = {f.severity for f in self.findings if f.status != "dismissed"}
        for severity in ("error", "warning", "info"):
            if severity in severities:
                return severity
        return None


@dataclass(slots=True)
class FormView:
    stored: StoredForm
    document: StoredDocument
    model: Form
    department: str
    profile: str
    framework: bool
    fields: tuple[str, ...]
    rows: list[RowView]
    funds: list[tuple[str, str, Any]]
    recomputed: dict[str, Recomputed]
    explanations: list[Recomputed]
    findings: list[StoredFinding]
    editable: bool
    online: bool
    may_fill: bool
    may_review: bool
    history: list[AuditEntry]
    users: dict[int, str]
    titles: dict[str, str]

    @property
    def funds_score(self) -> Recomputed | None:
        return self.recomputed.get("funds.score")

    def row_findings(self, key: str) -> list[StoredFinding]:
        return [f for f in self.findings if row_of(canonical_field(f.field)) == key]


def form_view(session: Session, actor: Principal, form_id: int, saved: Document | None = None) -> FormView:
    """Everything the form page shows; NotFound outside the user's departments.

    ``saved`` is the document an edit just wrote, when there is one: it is what the stored JSON holds,
    so it is not parsed again.
    """
    stored = session.get(StoredForm, form_id)
    if stored is None or not actor.sees(stored.department_id):
        raise NotFound(NOT_FOUND)
    document = session.get(StoredDocument, stored.document_id)
    assert document is not None
    model = (saved if saved is not None else rebuild(document)).forms[stored.position]
    profile = form_profile(document, model.year, model.department)
    explained = [Recomputed(path, explanation, stated) for path, explanation, stated in explain_form(model, profile)]
    first: dict[str, Recomputed] = {}
    for value in explained:
        first.setdefault(canonical_field(value.field) or value.field, value)
    findings = list(
        session.scalars(
            select(StoredFinding).where(StoredFinding.form_id == stored.id).order_by(StoredFinding.position)
        )
    )
    framework = isinstance(model, DepartmentForm) and model.layout == "framework"
    rows = []
    if not isinstance(model, ReportForm):
        for index, indicator in enumerate(model.indicators):
            key = f"indicators[{index}]"
            rows.append(
                RowView(
                    index,
                    indicator,
                    first.get(f"{key}.score"),
                    [f for f in findings if row_of(canonical_field(f.field)) == key],
                )
            )
    may_fill = actor.may_fill(stored.department_id)
    editable = may_fill and stored.status in EDITABLE_STATES and not isinstance(model, ReportForm)
    funds: list[tuple[str, str, Any]] = []
    layout = project_layout(model)
    if layout is not None:
        for name, label in FUND_ROW_LABELS.items():
            amounts = layout.funds.row(name)
            shown = amounts is not None and not amounts.is_empty()
            if shown or (editable and amounts is not None and name in FUNDS_ROWS):
                funds.append((name, label, amounts))
    history = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "form", AuditEntry.object_id == stored.id)
            .order_by(AuditEntry.id.desc())
            .limit(20)
        )
    )
    user_ids = {f.decided_by for f in findings if f.decided_by} | {
        user for user in (stored.updated_by, stored.reviewed_by) if user
    }
    users = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    department = session.get(Department, stored.department_id) if stored.department_id else None
    return FormView(
        stored=stored,
        document=document,
        model=model,
        department=department.name if department else "（未归属部门）",
        profile=profile.name,
        framework=framework,
        fields=FRAMEWORK_FIELDS if framework else PROJECT_FIELDS,
        rows=rows,
        funds=funds,
        recomputed=first,
        explanations=explained,
        findings=findings,
        editable=editable,
        online=document.format == ONLINE,
        may_fill=may_fill,
        may_review=actor.may_review(stored.department_id),
        history=history,
        users=users,
        titles=check_titles(),
    )


@dataclass(slots=True)
class DocumentView:
    document: StoredDocument
    department: str
    forms: list[StoredForm]
    findings: list[StoredFinding]
    lines: list[str]
    marks: dict[int, str]
    titles: dict[str, str]
    may_review: bool
    may_delete: bool


def document_view(session: Session, actor: Principal, document_id: int) -> DocumentView:
    document = session.get(StoredDocument, document_id)
    if document is None or not actor.sees(document.department_id):
        raise NotFound(NOT_FOUND)
    forms = list(
        session.scalars(select(StoredForm).where(StoredForm.document_id == document.id).order_by(StoredForm.position))
    )
    findings = list(
        session.scalars(
            select(StoredFinding).where(StoredFinding.document_id == document.id).order_by(StoredFinding.position)
        )
    )
    marks: dict[int, str] = {}
    rank = {"error": 3, "warning": 2, "info": 1}
    for finding in findings:
        if finding.line is not None and finding.status != "dismissed":
            current = marks.get(finding.line)
            if current is None or rank[finding.severity] > rank[current]:
                marks[finding.line] = finding.severity
    department = session.get(Department, document.department_id) if document.department_id else None
    return DocumentView(
        document=document,
        department=department.name if department else "（未归属部门）",
        forms=forms,
        findings=findings,
        lines=document.lines,
        marks=marks,
        titles=check_titles(),
        may_review=actor.may_review(document.department_id),
        may_delete=may_delete(actor, document.department_id, [form.status for form in forms]),
    )


def stored_document(session: Session, actor: Principal, document_id: int) -> StoredDocument:
    document = session.get(StoredDocument, document_id)
    if document is None or not actor.sees(document.department_id):
        raise NotFound(NOT_FOUND)
    return document


def is_number(value: object) -> bool:
    return isinstance(value, Decimal)


def kind_label(form: Form) -> str:
    if isinstance(form, ProjectForm) and not form.scored:
        return "绩效目标完成情况表"
    return {"project": "项目支出绩效自评表", "department": "部门整体支出绩效自评表", "report": "绩效自评报告"}[
        form.kind
    ]
