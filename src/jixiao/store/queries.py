"""Lists with filters and facets: documents, forms, findings, the audit log.

Every list takes the same :class:`Filters` (from a page's query string), is
limited to what the user may see, and returns its rows as plain dicts with the
columns its downloads use, so a page and its CSV/XLSX/JSON always agree.
Facet counts apply every other filter, so each facet shows what choosing one of
its values would give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from jixiao.store.access import Principal
from jixiao.store.cache import Recent, revision
from jixiao.store.facets import DOCUMENT_DIMENSIONS, FORM_DIMENSIONS, INDEXES, Index, Table
from jixiao.store.models import (
    FINDING_LABELS,
    STATE_LABELS,
    AuditEntry,
    Department,
    StoredDocument,
    StoredFinding,
    StoredForm,
)

AnySelect = Select[*tuple[Any, ...]]
PAGE_SIZE = 50
EXPORT_LIMIT = 200_000
KIND_LABELS = {"project": "项目支出", "department": "部门整体", "report": "自评报告"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(slots=True, frozen=True)
class Filters:
    """The filters a list page and its downloads share (all optional)."""

    department: int | None = None
    year: int | None = None
    kind: str | None = None
    grade: str | None = None
    errors: str | None = None
    check: str | None = None
    status: str | None = None
    severity: str | None = None
    decision: str | None = None
    document: int | None = None
    form: int | None = None
    q: str | None = None
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string; values that do not parse are ignored, not errors."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = (params.get(spec.name) or "").strip()
            if not raw:
                continue
            if spec.name in ("department", "year", "document", "form", "page"):
                if raw.isdigit() and len(raw) < 10:
                    values[spec.name] = int(raw)
            else:
                values[spec.name] = raw[:200]
        values["page"] = max(1, values.get("page", 1))
        return cls(**values)

    def params(self, **changes: Any) -> dict[str, str]:
        chosen = replace(self, **changes) if changes else self
        out = {}
        for spec in fields(chosen):
            value = getattr(chosen, spec.name)
            if value is not None and not (spec.name == "page" and value == 1):
                out[spec.name] = str(value)
        return out

    def query(self, **changes: Any) -> str:
        """The query string of these filters with some changed (None removes one); page resets to 1."""
        changes.setdefault("page", 1)
        return urlencode(self.params(**changes))

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.params().items() if k != "page"}


def _like(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(slots=True)
class Facet:
    name: str
    label: str
    values: list[tuple[str, str, int]]  # (value, label, count)


@dataclass(slots=True)
class Listing:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    facets: list[Facet]


Conditions = Callable[[Filters, str | None], list[ColumnElement[bool]]]


_FACETS: Recent[list[Facet]] = Recent()
Indexed = Callable[[Session, Index, Principal, Filters], list[Facet]]


def _facets(
    session: Session,
    kind: str,
    actor: Principal,
    filters: Filters,
    compute: Callable[[Session, Principal, Filters], list[Facet]],
    indexed: Indexed | None = None,
) -> list[Facet]:
    """A list's facet counts: from the in-memory index (exact, see :mod:`jixiao.store.facets`) when it
    covers the filters, else counted in SQL and reused for a few seconds (see cache)."""
    current = revision(session)
    if indexed is not None:
        return indexed(session, INDEXES.get(session, current), actor, filters)
    engine = session.get_bind().engine
    key = (str(engine.url), kind, actor.departments, replace(filters, page=1))

    def count() -> list[Facet]:
        with Session(engine) as own:
            return compute(own, actor, filters)

    return _FACETS.get(key, current, count)


def _scope(table: Table, actor: Principal) -> int:
    return table.alive if actor.departments is None else table.any_of("department", actor.departments)


def _from_index(
    session: Session,
    table: Table,
    actor: Principal,
    chosen: dict[str, int],
    specs: list[tuple[str, str, Mapping[Any, str] | None]],
) -> list[Facet]:
    """Facets counted on the index's bit sets, shaped and ordered as the SQL counts are."""
    counted = table.counts(_scope(table, actor), chosen, [name for name, _, _ in specs])
    out = []
    for name, label, labels in specs:
        if name == "department":
            pairs = [(d, c) for d, c in counted[name] if d is not None]
            names = _departments(session, [d for d, _ in pairs])
            values = [(str(d), names.get(d, str(d)), c) for d, c in pairs]
        else:
            values = [
                ("" if v is None else str(v), labels.get(v, str(v)) if labels is not None else str(v), c)
                for v, c in counted[name]
            ]
        values.sort(key=lambda item: (-item[2], item[1]))
        out.append(Facet(name, label, values))
    return out


def _chosen(table: Table, filters: Filters, names: tuple[str, ...]) -> dict[str, int]:
    """The bit set of each filter that is set, by dimension (the same conditions as the SQL lists)."""
    out: dict[str, int] = {}
    for name in names:
        value = getattr(filters, name)
        if name in ("department", "year"):
            if value is not None:
                out[name] = table.mask(name, value)
        elif name == "errors":
            if value in ("1", "0"):
                out[name] = table.mask(name, value)
        elif value:
            out[name] = table.mask(name, value)
    return out


FacetSpec = tuple[str, str, Mapping[Any, str] | None]  # dimension, heading, labels of its values
_DEPARTMENT: FacetSpec = ("department", "部门", None)
_YEAR: FacetSpec = ("year", "年度", None)
_KIND: FacetSpec = ("kind", "类型", KIND_LABELS)
_GRADE: FacetSpec = ("grade", "等级", None)
_ERRORS: FacetSpec = ("errors", "错误", {"1": "有错误", "0": "无错误"})
_CHECK: FacetSpec = ("check", "检查项", None)
DOCUMENT_FACETS: tuple[FacetSpec, ...] = (_DEPARTMENT, _YEAR, _KIND, _GRADE, _ERRORS, _CHECK)
FORM_FACETS: tuple[FacetSpec, ...] = (
    _DEPARTMENT,
    _YEAR,
    _KIND,
    _GRADE,
    ("status", "状态", STATE_LABELS),
    _ERRORS,
    _CHECK,
)
FINDING_FACETS: tuple[FacetSpec, ...] = (
    _DEPARTMENT,
    ("severity", "严重程度", SEVERITY_LABELS),
    ("decision", "审核结论", FINDING_LABELS),
    _CHECK,
)


def _indexed(
    session: Session,
    table: Table,
    actor: Principal,
    filters: Filters,
    dimensions: tuple[str, ...],
    specs: tuple[FacetSpec, ...],
    *,
    by_document: bool,
    searchable: bool,
) -> list[Facet]:
    """Facets of one table of the index under the list's filters (and its document and search box)."""
    chosen = _chosen(table, filters, dimensions)
    if by_document and filters.document is not None:
        chosen["document"] = table.documents(filters.document)
    if searchable and filters.q:
        chosen["q"] = table.search(filters.q.casefold())
    return _from_index(session, table, actor, chosen, list(specs))


def _indexed_documents(session: Session, index: Index, actor: Principal, filters: Filters) -> list[Facet]:
    return _indexed(
        session,
        index.documents,
        actor,
        filters,
        DOCUMENT_DIMENSIONS,
        DOCUMENT_FACETS,
        by_document=False,
        searchable=True,
    )


def _indexed_forms(session: Session, index: Index, actor: Principal, filters: Filters) -> list[Facet]:
    return _indexed(
        session, index.forms, actor, filters, FORM_DIMENSIONS, FORM_FACETS, by_document=True, searchable=True
    )


def _indexed_findings(session: Session, index: Index, actor: Principal, filters: Filters) -> list[Facet]:
    dimensions = ("department", "year", "severity", "decision", "check")
    return _indexed(
        session, index.findings, actor, filters, dimensions, FINDING_FACETS, by_document=True, searchable=False
    )


def _pages(total: int) -> int:
    return max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)


# department id -> name, per database: a department is never renamed or removed, so a name once read
# is kept (saves a query on every list page)
_NAMES: dict[str, dict[int, str]] = {}


def _departments(session: Session, ids: list[int | None]) -> dict[int | None, str]:
    known = _NAMES.setdefault(str(session.get_bind().engine.url), {})
    missing = {i for i in ids if i is not None and i not in known}
    if missing:
        rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(missing))).all()
        known.update({int(i): str(n) for i, n in rows})
    names: dict[int | None, str] = {None: "（未归属部门）"}
    names.update({i: known[i] for i in ids if i is not None and i in known})
    return names


def _facet(
    session: Session, statement: AnySelect, name: str, label: str, labels: Mapping[Any, str] | None = None
) -> Facet:
    values = []
    for value, count in session.execute(statement):
        shown = labels.get(value, str(value)) if labels is not None else str(value)
        values.append(("" if value is None else str(value), shown, int(count)))
    values.sort(key=lambda item: (-item[2], item[1]))
    return Facet(name, label, values)


def _department_facet(session: Session, statement: AnySelect) -> Facet:
    rows = list(session.execute(statement).all())
    names = _departments(session, [row[0] for row in rows])
    values = [("" if d is None else str(d), names.get(d, str(d)), int(c)) for d, c in rows if d is not None]
    values.sort(key=lambda item: (-item[2], item[1]))
    return Facet("department", "部门", values)


# ---- documents -----------------------------------------------------------------------------------


def _document_conditions(
    actor: Principal, filters: Filters, skip: str | None = None, scoped: bool = True
) -> list[ColumnElement[bool]]:
    d = StoredDocument
    out: list[ColumnElement[bool]] = [actor.scope(d.department_id)] if scoped else []
    if filters.department is not None and skip != "department":
        out.append(d.department_id == filters.department)
    if filters.year is not None and skip != "year":
        out.append(d.year == filters.year)
    if filters.kind and skip != "kind":
        inner = aliased(StoredForm)
        out.append(exists().where(inner.document_id == d.id, inner.kind == filters.kind))
    if filters.grade and skip != "grade":
        inner = aliased(StoredForm)
        out.append(exists().where(inner.document_id == d.id, inner.grade == filters.grade))
    if filters.errors in ("1", "0") and skip != "errors":
        out.append(d.error_count > 0 if filters.errors == "1" else d.error_count == 0)
    if filters.check and skip != "check":
        finding = aliased(StoredFinding)
        out.append(exists().where(finding.document_id == d.id, finding.check_id == filters.check))
    if filters.q:
        out.append(d.search_text.like(_like(filters.q), escape="\\"))
    return out


def _has_errors(column: Any) -> ColumnElement[str]:
    """'1' or '0', written with literals so PostgreSQL sees the same expression in SELECT and GROUP BY."""
    return case((column > literal_column("0"), literal_column("'1'")), else_=literal_column("'0'"))


def list_documents(session: Session, actor: Principal, filters: Filters, export: bool = False) -> Listing:
    d = StoredDocument
    where = and_(*_document_conditions(actor, filters))
    total = session.scalar(select(func.count()).select_from(d).where(where)) or 0
    statement = (
        select(
            d.id,
            d.filename,
            d.department_id,
            d.stated_department,
            d.year,
            d.kinds,
            d.form_count,
            d.error_count,
            d.warning_count,
            d.imported_at,
            d.sha256,
            d.size,
            d.problems,
        )
        .where(where)
        .order_by(d.id.desc())
    )
    statement = (
        statement.limit(EXPORT_LIMIT) if export else statement.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    )
    records = list(session.execute(statement).all())
    names = _departments(session, [r[2] for r in records])
    rows = [
        {
            "id": r[0],
            "filename": r[1],
            "department_id": r[2],
            "department": names.get(r[2], ""),
            "stated_department": r[3] or "",
            "year": r[4],
            "kinds": "、".join(KIND_LABELS.get(k, k) for k in r[5].split(",") if k),
            "forms": r[6],
            "errors": r[7],
            "warnings": r[8],
            "imported_at": r[9],
            "sha256": r[10],
            "size": r[11],
            "problems": "；".join(r[12] or []),
        }
        for r in records
    ]
    facets = [] if export else _facets(session, "document", actor, filters, _document_facets, _indexed_documents)
    return Listing(rows, total, filters.page, _pages(total), facets)


DOCUMENT_COLUMNS = [
    ("id", "编号"),
    ("filename", "文件名"),
    ("department", "部门"),
    ("year", "年度"),
    ("kinds", "类型"),
    ("forms", "表单数"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("problems", "读取说明"),
    ("imported_at", "导入时间"),
    ("sha256", "SHA-256"),
]


def _of_documents(
    actor: Principal, filters: Filters, skip: str, document_id: Any, department_id: Any
) -> list[ColumnElement[bool]]:
    """Conditions on rows that belong to documents (forms, findings): the user's scope on the rows' own
    department column, and the other document filters through a subquery only when there are any (a join
    over every finding would cost far more than the count itself)."""
    out: list[ColumnElement[bool]] = [actor.scope(department_id)]
    others = _document_conditions(actor, filters, skip, scoped=False)
    if others:
        out.append(document_id.in_(select(StoredDocument.id).where(*others)))
    return out


def _document_facets(session: Session, actor: Principal, filters: Filters) -> list[Facet]:
    d, f, x = StoredDocument, StoredForm, StoredFinding

    def where(skip: str) -> ColumnElement[bool]:
        return and_(*_document_conditions(actor, filters, skip))

    def of_forms(skip: str) -> list[ColumnElement[bool]]:
        return _of_documents(actor, filters, skip, f.document_id, f.department_id)

    errors = _has_errors(d.error_count)
    return [
        _department_facet(
            session, select(d.department_id, func.count()).where(where("department")).group_by(d.department_id)
        ),
        _facet(
            session,
            select(d.year, func.count()).where(where("year"), d.year.is_not(None)).group_by(d.year),
            "year",
            "年度",
        ),
        _facet(
            session,
            select(f.kind, func.count(func.distinct(f.document_id))).where(*of_forms("kind")).group_by(f.kind),
            "kind",
            "类型",
            KIND_LABELS,
        ),
        _facet(
            session,
            select(f.grade, func.count(func.distinct(f.document_id)))
            .where(*of_forms("grade"), f.grade.is_not(None))
            .group_by(f.grade),
            "grade",
            "等级",
        ),
        _facet(
            session,
            select(errors, func.count()).where(where("errors")).group_by(errors),
            "errors",
            "错误",
            {"1": "有错误", "0": "无错误"},
        ),
        _facet(
            session,
            select(x.check_id, func.count(func.distinct(x.document_id)))
            .where(*_of_documents(actor, filters, "check", x.document_id, x.department_id))
            .group_by(x.check_id),
            "check",
            "检查项",
        ),
    ]


# ---- forms ---------------------------------------------------------------------------------------


def _form_conditions(
    actor: Principal, filters: Filters, skip: str | None = None, scoped: bool = True
) -> list[ColumnElement[bool]]:
    f = StoredForm
    out: list[ColumnElement[bool]] = [actor.scope(f.department_id)] if scoped else []
    if filters.department is not None and skip != "department":
        out.append(f.department_id == filters.department)
    if filters.year is not None and skip != "year":
        out.append(f.year == filters.year)
    if filters.kind and skip != "kind":
        out.append(f.kind == filters.kind)
    if filters.grade and skip != "grade":
        out.append(f.grade == filters.grade)
    if filters.status and skip != "status":
        out.append(f.status == filters.status)
    if filters.errors in ("1", "0") and skip != "errors":
        out.append(f.error_count > 0 if filters.errors == "1" else f.error_count == 0)
    if filters.check and skip != "check":
        finding = aliased(StoredFinding)
        out.append(exists().where(finding.form_id == f.id, finding.check_id == filters.check))
    if filters.document is not None:
        out.append(f.document_id == filters.document)
    if filters.q:
        out.append(func.lower(f.name).like(_like(filters.q), escape="\\"))
    return out


FORM_COLUMNS = [
    ("id", "编号"),
    ("document_id", "文档编号"),
    ("filename", "文件名"),
    ("department", "部门"),
    ("year", "年度"),
    ("kind_label", "类型"),
    ("name", "名称"),
    ("status_label", "状态"),
    ("budget", "全年预算数（万元）"),
    ("executed", "全年执行数（万元）"),
    ("execution_rate", "执行率"),
    ("funds_score", "预算执行得分"),
    ("total_score", "自评总分"),
    ("recomputed_total", "各项得分合计"),
    ("grade", "等级"),
    ("review_score", "复核得分"),
    ("review_grade", "复核等级"),
    ("review_gap", "自评减复核"),
    ("review_note", "复核意见"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("version", "版本"),
]


def form_query(actor: Principal, filters: Filters) -> AnySelect:
    f = StoredForm
    return (
        select(
            f.id,
            f.document_id,
            StoredDocument.filename,
            f.department_id,
            f.year,
            f.kind,
            f.name,
            f.status,
            f.budget,
            f.executed,
            f.execution_rate,
            f.funds_score,
            f.total_score,
            f.recomputed_total,
            f.grade,
            f.error_count,
            f.warning_count,
            f.version,
            f.review_score,
            f.review_grade,
            f.review_note,
        )
        .join(StoredDocument, StoredDocument.id == f.document_id)
        .where(*_form_conditions(actor, filters))
    )


def list_forms(session: Session, actor: Principal, filters: Filters, export: bool = False) -> Listing:
    f = StoredForm
    where = and_(*_form_conditions(actor, filters))
    total = session.scalar(select(func.count()).select_from(f).where(where)) or 0
    statement = form_query(actor, filters).order_by(f.id.desc())
    statement = (
        statement.limit(EXPORT_LIMIT) if export else statement.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    )
    records = list(session.execute(statement).all())
    names = _departments(session, [r[3] for r in records])
    rows = [
        {
            "id": r[0],
            "document_id": r[1],
            "filename": r[2],
            "department_id": r[3],
            "department": names.get(r[3], ""),
            "year": r[4],
            "kind": r[5],
            "kind_label": KIND_LABELS.get(r[5], r[5]),
            "name": r[6],
            "status": r[7],
            "status_label": STATE_LABELS.get(r[7], r[7]),
            "budget": r[8],
            "executed": r[9],
            "execution_rate": r[10],
            "funds_score": r[11],
            "total_score": r[12],
            "recomputed_total": r[13],
            "grade": r[14],
            "errors": r[15],
            "warnings": r[16],
            "version": r[17],
            "review_score": r[18],
            "review_grade": r[19],
            "review_gap": None if r[18] is None or r[12] is None else r[12] - r[18],
            "review_note": r[20] or "",
        }
        for r in records
    ]
    facets = [] if export else _facets(session, "form", actor, filters, _form_facets, _indexed_forms)
    return Listing(rows, total, filters.page, _pages(total), facets)


def _form_facets(session: Session, actor: Principal, filters: Filters) -> list[Facet]:
    f = StoredForm

    def where(skip: str) -> ColumnElement[bool]:
        return and_(*_form_conditions(actor, filters, skip))

    errors = _has_errors(f.error_count)
    return [
        _department_facet(
            session, select(f.department_id, func.count()).where(where("department")).group_by(f.department_id)
        ),
        _facet(
            session,
            select(f.year, func.count()).where(where("year"), f.year.is_not(None)).group_by(f.year),
            "year",
            "年度",
        ),
        _facet(
            session, select(f.kind, func.count()).where(where("kind")).group_by(f.kind), "kind", "类型", KIND_LABELS
        ),
        _facet(
            session,
            select(f.grade, func.count()).where(where("grade"), f.grade.is_not(None)).group_by(f.grade),
            "grade",
            "等级",
        ),
        _facet(
            session,
            select(f.status, func.count()).where(where("status")).group_by(f.status),
            "status",
            "状态",
            STATE_LABELS,
        ),
        _facet(
            session,
            select(errors, func.count()).where(where("errors")).group_by(errors),
            "errors",
            "错误",
            {"1": "有错误", "0": "无错误"},
        ),
        _facet(
            session,
            select(StoredFinding.check_id, func.count(func.distinct(StoredFinding.form_id)))
            .where(*_of_forms(actor, filters, "check"))
            .group_by(StoredFinding.check_id),
            "check",
            "检查项",
        ),
    ]


def _of_forms(actor: Principal, filters: Filters, skip: str) -> list[ColumnElement[bool]]:
    """Findings of the forms the other filters select: scope on the findings' own column, a subquery if needed."""
    out: list[ColumnElement[bool]] = [actor.scope(StoredFinding.department_id), StoredFinding.form_id.is_not(None)]
    others = _form_conditions(actor, filters, skip, scoped=False)
    if others:
        out.append(StoredFinding.form_id.in_(select(StoredForm.id).where(*others)))
    return out


def form_population(session: Session, actor: Principal, filters: Filters) -> list[tuple[int, int | None]]:
    """(form id, department id) of every form the filters select, for a 抽查 draw."""
    statement = select(StoredForm.id, StoredForm.department_id).where(*_form_conditions(actor, filters))
    return [(int(i), d) for i, d in session.execute(statement)]


# ---- findings ------------------------------------------------------------------------------------


def _finding_conditions(actor: Principal, filters: Filters, skip: str | None = None) -> list[ColumnElement[bool]]:
    x = StoredFinding
    out: list[ColumnElement[bool]] = [actor.scope(x.department_id)]
    if filters.department is not None and skip != "department":
        out.append(x.department_id == filters.department)
    if filters.year is not None and skip != "year":
        document = aliased(StoredDocument)
        out.append(exists().where(document.id == x.document_id, document.year == filters.year))
    if filters.check and skip != "check":
        out.append(x.check_id == filters.check)
    if filters.severity and skip != "severity":
        out.append(x.severity == filters.severity)
    if filters.decision and skip != "decision":
        out.append(x.status == filters.decision)
    if filters.document is not None:
        out.append(x.document_id == filters.document)
    if filters.form is not None:
        out.append(x.form_id == filters.form)
    if filters.q:
        out.append(func.lower(x.message).like(_like(filters.q), escape="\\"))
    return out


FINDING_COLUMNS = [
    ("id", "编号"),
    ("document_id", "文档编号"),
    ("filename", "文件名"),
    ("form_id", "表单编号"),
    ("department", "部门"),
    ("check", "检查项"),
    ("check_name", "检查名称"),
    ("severity_label", "严重程度"),
    ("field", "字段"),
    ("line", "行号"),
    ("message", "说明"),
    ("expected", "应为"),
    ("found", "表中"),
    ("decision_label", "审核结论"),
    ("reason", "理由"),
]


def list_findings(session: Session, actor: Principal, filters: Filters, export: bool = False) -> Listing:
    x = StoredFinding
    where = and_(*_finding_conditions(actor, filters))
    total = session.scalar(select(func.count()).select_from(x).where(where)) or 0
    statement = (
        select(
            x.id,
            x.document_id,
            StoredDocument.filename,
            x.form_id,
            x.department_id,
            x.check_id,
            x.severity,
            x.field,
            x.line,
            x.message,
            x.expected,
            x.found,
            x.status,
            x.reason,
        )
        .join(StoredDocument, StoredDocument.id == x.document_id)
        .where(where)
        .order_by(x.document_id.desc(), x.position)
    )
    statement = (
        statement.limit(EXPORT_LIMIT) if export else statement.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    )
    records = list(session.execute(statement).all())
    names = _departments(session, [r[4] for r in records])
    titles = check_titles()
    rows = [
        {
            "id": r[0],
            "document_id": r[1],
            "filename": r[2],
            "form_id": r[3],
            "department_id": r[4],
            "department": names.get(r[4], ""),
            "check": r[5],
            "check_name": titles.get(r[5], ""),
            "severity": r[6],
            "severity_label": SEVERITY_LABELS.get(r[6], r[6]),
            "field": r[7],
            "line": r[8],
            "message": r[9],
            "expected": r[10],
            "found": r[11],
            "decision": r[12],
            "decision_label": FINDING_LABELS.get(r[12], r[12]),
            "reason": r[13] or "",
        }
        for r in records
    ]
    # the index keeps no message text or form of a finding: those two filters are counted in SQL
    indexed = None if filters.q or filters.form is not None else _indexed_findings
    facets = [] if export else _facets(session, "finding", actor, filters, _finding_facets, indexed)
    return Listing(rows, total, filters.page, _pages(total), facets)


def _finding_facets(session: Session, actor: Principal, filters: Filters) -> list[Facet]:
    x = StoredFinding

    def where(skip: str) -> ColumnElement[bool]:
        return and_(*_finding_conditions(actor, filters, skip))

    return [
        _department_facet(
            session, select(x.department_id, func.count()).where(where("department")).group_by(x.department_id)
        ),
        _facet(
            session,
            select(x.severity, func.count()).where(where("severity")).group_by(x.severity),
            "severity",
            "严重程度",
            SEVERITY_LABELS,
        ),
        _facet(
            session,
            select(x.status, func.count()).where(where("decision")).group_by(x.status),
            "decision",
            "审核结论",
            FINDING_LABELS,
        ),
        _facet(session, select(x.check_id, func.count()).where(where("check")).group_by(x.check_id), "check", "检查项"),
    ]


def check_titles() -> dict[str, str]:
    """Check id → its Chinese name."""
    try:
        from jixiao.checks.titles import TITLES
    except ImportError:
        return {}
    return dict(TITLES)


# ---- audit ---------------------------------------------------------------------------------------

AUDIT_COLUMNS = [
    ("id", "编号"),
    ("at", "时间"),
    ("user_name", "用户"),
    ("action_label", "操作"),
    ("object_type", "对象"),
    ("object_id", "对象编号"),
    ("department", "部门"),
    ("detail", "详情"),
]


def list_audit(session: Session, actor: Principal, filters: Filters, export: bool = False) -> Listing:
    """The audit log (admins: all of it; others: entries about their departments)."""
    from jixiao.store.audit import ACTION_LABELS

    a = AuditEntry
    conditions: list[ColumnElement[bool]] = [actor.scope(a.department_id)]
    if filters.department is not None:
        conditions.append(a.department_id == filters.department)
    if filters.form is not None:
        conditions.append(and_(a.object_type == "form", a.object_id == filters.form))
    if filters.q:
        conditions.append(func.lower(a.user_name).like(_like(filters.q), escape="\\"))
    where = and_(*conditions)
    total = session.scalar(select(func.count()).select_from(a).where(where)) or 0
    statement = select(a).where(where).order_by(a.id.desc())
    statement = (
        statement.limit(EXPORT_LIMIT) if export else statement.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    )
    entries = list(session.scalars(statement))
    names = _departments(session, [e.department_id for e in entries])
    rows = [
        {
            "id": e.id,
            "at": e.at,
            "user_name": e.user_name,
            "action": e.action,
            "action_label": ACTION_LABELS.get(e.action, e.action),
            "object_type": e.object_type,
            "object_id": e.object_id,
            "department_id": e.department_id,
            "department": names.get(e.department_id, "") if e.department_id is not None else "",
            "detail": e.detail,
        }
        for e in entries
    ]
    return Listing(rows, total, filters.page, _pages(total), [])


def departments_in_scope(session: Session, actor: Principal) -> list[tuple[int, str]]:
    statement = select(Department.id, Department.name).where(actor.scope(Department.id)).order_by(Department.name)
    return [(int(i), str(n)) for i, n in session.execute(statement)]
