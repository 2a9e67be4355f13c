"""Between the domain model and the rows: a reviewed ``Document`` to rows, and back.

The ``jixiao/1`` JSON of a document (``documents.data``) is the faithful copy
of its forms and findings; the form, indicator and finding rows repeat what
lists, facets and the dashboard query. Back to the model goes through
``jixiao.parse.jsonin.document_from_dict``, the inverse of ``jsonout``.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.model import DepartmentForm, Document, Finding, Form, Indicator, ProjectForm, ReportForm, project_layout
from jixiao.parse.jsonin import document_from_dict
from jixiao.render.jsonout import document_to_dict
from jixiao.rules.profile import Profile, load_profile, profile_for
from jixiao.rules.scoring import execution_rate, round2
from jixiao.store.models import StoredDocument, StoredFinding, StoredForm, StoredIndicator

RATE_PLACES = 6


def form_name(form: Form) -> str:
    """What a reader calls the form: its project, else its title, else its department."""
    if isinstance(form, ProjectForm):
        return form.project or form.title or form.department or ""
    return form.title or form.department or ""


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _rate(executed: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if executed is None or budget is None or budget == 0:
        return None
    return round2(executed / budget, RATE_PLACES)


def form_columns(form: Form) -> dict[str, Any]:
    """The figures of a form that lists and the dashboard query, as column values."""
    out: dict[str, Any] = {
        "kind": form.kind,
        "layout": form.layout if isinstance(form, DepartmentForm) else None,
        "name": form_name(form)[:500],
        "title": (form.title or None) and (form.title or "")[:500],
        "stated_department": (form.department or None) and (form.department or "")[:200],
        "year": form.year,
        "grade": form.grade,
        "total_score": form.total_score,
        "total_weight": None if isinstance(form, ReportForm) else form.total_weight,
        "line": form.line,
        "end_line": form.end_line,
        "budget": None,
        "executed": None,
        "execution_rate": None,
        "stated_rate": None,
        "funds_weight": None,
        "funds_score": None,
    }
    layout = project_layout(form)
    if layout is not None:
        funds = layout.funds
        rate = execution_rate(funds)
        out.update(
            budget=funds.total.budget,
            executed=funds.total.executed,
            execution_rate=None if rate is None else round2(rate, RATE_PLACES),
            stated_rate=funds.rate,
            funds_weight=funds.weight,
            funds_score=funds.score,
        )
    elif isinstance(form, DepartmentForm):
        overall = form.overall_funds
        budget = _sum([overall.carryover, overall.initial, overall.adjustment, overall.other_adjustment])
        out.update(budget=budget, executed=overall.executed, execution_rate=_rate(overall.executed, budget))
    elif isinstance(form, ReportForm):
        budget = form.budget.adjusted if form.budget.adjusted is not None else form.budget.budget
        out.update(
            budget=budget,
            executed=form.budget.executed,
            execution_rate=_rate(form.budget.executed, budget),
            stated_rate=form.budget.rate,
        )
    if not isinstance(form, ReportForm):
        scores = [row.score for row in form.indicators if row.score is not None]
        funds_score = out["funds_score"]
        if scores or funds_score is not None:
            out["recomputed_total"] = sum(scores, Decimal(0)) + (funds_score or Decimal(0))
        else:
            out["recomputed_total"] = None
    else:
        out["recomputed_total"] = None
    return out


def indicator_columns(row: Indicator, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "level1": row.level1,
        "level2": row.level2,
        "name": row.name,
        "target": row.target,
        "actual": row.actual,
        "weight": row.weight,
        "score": row.score,
        "note": row.note,
        "reference_weight": row.reference_weight,
        "basis": row.basis,
        "line": row.line,
    }


def finding_keys(findings: list[Finding]) -> list[str]:
    """A name for each finding that stays the same when the checks run again: form, check, field, occurrence."""
    seen: Counter[tuple[Any, ...]] = Counter()
    keys = []
    for finding in findings:
        base = (finding.form, finding.check, finding.field)
        seen[base] += 1
        form = "" if finding.form is None else finding.form
        keys.append(f"{form}|{finding.check}|{finding.field or ''}|{seen[base]}"[:300])
    return keys


def as_json(document: Document) -> dict[str, Any]:
    """The ``jixiao/1`` dict, through JSON so only plain JSON values remain."""
    plain: dict[str, Any] = orjson.loads(orjson.dumps(document_to_dict(document), default=str))
    return plain


def _json_value(value: object) -> Any:
    return orjson.loads(orjson.dumps(value, default=str))


def counts(findings: list[Finding], form: int | None = None) -> tuple[int, int]:
    """Errors and warnings, of one form or (``form`` None) of the whole document."""
    chosen = [f for f in findings if form is None or f.form == form]
    return sum(f.severity == "error" for f in chosen), sum(f.severity == "warning" for f in chosen)


def write_forms(session: Session, stored: StoredDocument, document: Document) -> list[StoredForm]:
    """Insert the form and indicator rows of a freshly imported document."""
    findings = document.findings or []
    rows = []
    for position, form in enumerate(document.forms):
        errors, warnings = counts(findings, position)
        row = StoredForm(
            document_id=stored.id,
            position=position,
            department_id=stored.department_id,
            error_count=errors,
            warning_count=warnings,
            **form_columns(form),
        )
        if not isinstance(form, ReportForm):
            row.indicators = [StoredIndicator(**indicator_columns(ind, i)) for i, ind in enumerate(form.indicators)]
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def write_findings(session: Session, stored: StoredDocument, forms: list[StoredForm], findings: list[Finding]) -> None:
    """Bring the document's finding rows in line with a (re-)run of the checks.

    A finding found again (same key) keeps its row, its id and the reviewer's
    decision, with its text and figures updated; a finding no longer found is
    removed (its decisions stay in ``review_decisions``); a new one starts open.
    """
    existing = {
        row.key: row for row in session.scalars(select(StoredFinding).where(StoredFinding.document_id == stored.id))
    }
    by_position = {form.position: form.id for form in forms}
    keys = finding_keys(findings)
    for gone in set(existing) - set(keys):
        session.delete(existing[gone])
    for position, (finding, key) in enumerate(zip(findings, keys, strict=True)):
        row = existing.get(key)
        if row is None:
            row = StoredFinding(document_id=stored.id, key=key, status="open")
            session.add(row)
        row.form_id = None if finding.form is None else by_position.get(finding.form)
        row.department_id = stored.department_id
        row.position = position
        row.check_id = finding.check
        row.severity = finding.severity
        row.field = (finding.field or None) and (finding.field or "")[:200]
        row.line = finding.line
        row.message = finding.message
        row.expected = _json_value(finding.expected)
        row.found = _json_value(finding.found)
    session.flush()


# ---- back to the model ---------------------------------------------------------------------------


def rebuild(stored: StoredDocument) -> Document:
    """The stored document as the domain model, with the values as last saved (findings left out)."""
    document = document_from_dict(stored.data)
    document.findings = None
    document.profile = stored.profile
    return document


def form_profile(document: StoredDocument, year: int | None, department: str | None) -> Profile:
    """The rule profile a stored form is scored under: the one its review chose, else the one its place
    and year call for."""
    if document.profile:
        try:
            return load_profile(document.profile, year)
        except ValueError:
            pass
    return profile_for(department, year)
