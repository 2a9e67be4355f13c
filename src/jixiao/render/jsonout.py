"""Forms → the ``jixiao/1`` interchange format (FORMAT.md), with provenance kept beside."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from jixiao.model import (
    Amounts,
    DepartmentForm,
    Document,
    Finding,
    Form,
    Indicator,
    Loc,
    ProjectForm,
    ProjectFunds,
    ReportForm,
)

FORMAT = "jixiao/1"


def number(value: Decimal | None) -> int | float | None:
    """Decimals as JSON numbers: integral values as ints, the rest as floats."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _amounts(amounts: Amounts | None) -> dict[str, Any]:
    amounts = amounts or Amounts()
    return {
        "initial": number(amounts.initial),
        "budget": number(amounts.budget),
        "executed": number(amounts.executed),
    }


def _funds(funds: ProjectFunds) -> dict[str, Any]:
    out: dict[str, Any] = {
        "total": _amounts(funds.total),
        "fiscal": _amounts(funds.fiscal),
        "carryover": _amounts(funds.carryover),
        "other": _amounts(funds.other),
    }
    if funds.central is not None:
        out["central"] = _amounts(funds.central)
    if funds.local is not None:
        out["local"] = _amounts(funds.local)
    out.update(weight=number(funds.weight), rate=number(funds.rate), score=number(funds.score))
    return out


def _provenance(provenance: dict[str, Loc]) -> dict[str, Any]:
    return {key: loc.as_dict() for key, loc in provenance.items()}


def _indicator(row: Indicator, framework: bool) -> dict[str, Any]:
    if framework:
        out: dict[str, Any] = {
            "level1": row.level1,
            "level2": row.level2,
            "name": row.name,
            "reference_weight": number(row.reference_weight),
            "weight": number(row.weight),
            "basis": row.basis,
            "score": number(row.score),
        }
    else:
        out = {
            "level1": row.level1,
            "level2": row.level2,
            "name": row.name,
            "target": row.target,
            "actual": row.actual,
            "weight": number(row.weight),
            "score": number(row.score),
            "note": row.note,
        }
    out["line"] = row.line
    out["provenance"] = _provenance(row.provenance)
    return out


def _weights(weights: dict[str, Decimal] | None) -> dict[str, Any] | None:
    return None if weights is None else {key: number(value) for key, value in weights.items()}


def form_to_dict(form: Form) -> dict[str, Any]:
    if isinstance(form, ProjectForm):
        out: dict[str, Any] = {
            "kind": "project",
            "line": form.line,
            "year": form.year,
            "title": form.title,
            "project": form.project,
            "project_code": form.project_code,
            "department": form.department,
            "department_code": form.department_code,
            "implementer": form.implementer,
            "implementer_code": form.implementer_code,
            "scored": form.scored,
            "funds": _funds(form.funds),
            "goals": {"expected": form.goals.expected, "actual": form.goals.actual},
            "level1_weights": _weights(form.level1_weights),
            "indicators": [_indicator(row, framework=False) for row in form.indicators],
            "total_weight": number(form.total_weight),
            "total_score": number(form.total_score),
            "grade": form.grade,
        }
    elif isinstance(form, DepartmentForm):
        out = {
            "kind": "department",
            "line": form.line,
            "year": form.year,
            "title": form.title,
            "layout": form.layout,
            "department": form.department,
        }
        if form.layout == "framework":
            funds = form.overall_funds
            out["funds"] = {
                "carryover": number(funds.carryover),
                "initial": number(funds.initial),
                "adjustment": number(funds.adjustment),
                "other_adjustment": number(funds.other_adjustment),
                "executed": number(funds.executed),
                "balance": number(funds.balance),
            }
            out["indicators"] = [_indicator(row, framework=True) for row in form.indicators]
            out["subtotals"] = {
                name: {
                    "reference_weight": number(sub.reference_weight),
                    "weight": number(sub.weight),
                    "score": number(sub.score),
                }
                for name, sub in form.subtotals.items()
            }
        else:
            out["funds"] = _funds(form.funds)
            out["goals"] = {"expected": form.goals.expected, "actual": form.goals.actual}
            out["level1_weights"] = _weights(form.level1_weights)
            out["indicators"] = [_indicator(row, framework=False) for row in form.indicators]
        out.update(total_weight=number(form.total_weight), total_score=number(form.total_score), grade=form.grade)
    else:
        out = _report(form)
    out["provenance"] = _provenance(form.provenance)
    return out


def _report(form: ReportForm) -> dict[str, Any]:
    return {
        "kind": "report",
        "line": form.line,
        "year": form.year,
        "department": form.department,
        "title": form.title,
        "budget": {
            "budget": number(form.budget.budget),
            "adjusted": number(form.budget.adjusted),
            "executed": number(form.budget.executed),
            "rate": number(form.budget.rate),
        },
        "projects": [
            {
                "name": project.name,
                "group": project.group,
                "initial": number(project.initial),
                "budget": number(project.budget),
                "executed": number(project.executed),
                "rate": number(project.rate),
                "score": number(project.score),
                "grade": project.grade,
                "line": project.line,
                "provenance": _provenance({k: v for k, v in project.provenance.items() if k != "figures"}),
            }
            for project in form.projects
        ],
        "score_breakdown": _weights(form.score_breakdown),
        "total_score": number(form.total_score),
        "grade": form.grade,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "severity": finding.severity,
        "form": finding.form,
        "field": finding.field,
        "line": finding.line,
        "message": finding.message,
        "expected": _plain(finding.expected),
        "found": _plain(finding.found),
    }


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return number(value)
    return value


def dumps(document: Document, indent: bool = True) -> bytes:
    """The document as ``jixiao/1`` JSON bytes (UTF-8, Chinese kept as is)."""
    option = orjson.OPT_INDENT_2 if indent else 0
    return orjson.dumps(document_to_dict(document), option=option, default=str)


def document_to_dict(document: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT, "source": document.source}
    if document.profile is not None:
        out["profile"] = document.profile
    out["forms"] = [form_to_dict(form) for form in document.forms]
    if document.findings is not None:
        out["findings"] = [finding_to_dict(finding) for finding in document.findings]
    if document.problems:
        out["problems"] = [problem.message for problem in document.problems]
    return out
