"""Deleting a document: a wrong upload, a duplicate, an online form started by mistake.

A filer may delete a document of their department while none of its forms has
gone further than 草稿 or 退回 (a form 送审 or 通过 belongs to the review, and
only an admin may remove it). Nobody may delete a document a 抽查 sample drew a
form from: the sample must stay as it was drawn. Every deletion needs a reason
and is kept in the audit log with what the document held, so an auditor can
tell what was removed, by whom and why; the reviewers' decisions stay in their
own append-only log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jixiao.store.access import NOT_FOUND, Conflict, Invalid, NotFound, Principal, Refused
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.editing import EDITABLE_STATES
from jixiao.store.models import STATE_LABELS, AuditEntry, SampleItem, StoredDocument, StoredFinding, StoredForm

REASON_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Deleted:
    """What was removed, for the page or the API to confirm."""

    document_id: int
    filename: str
    forms: int
    findings: int


def may_delete(actor: Principal, department_id: int | None, statuses: list[str]) -> bool:
    """Whether the delete button is offered: the same rule :func:`delete_document` enforces (samples aside)."""
    if not actor.may_fill(department_id):
        return False
    return actor.is_admin or all(status in EDITABLE_STATES for status in statuses)


def delete_document(store: Store, actor: Principal, document_id: int, reason: str) -> Deleted:
    """Remove a document with its forms, rows and findings, in one transaction with its audit entry."""
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("请填写删除原因")
    if len(reason) > REASON_LIMIT:
        raise Invalid(f"删除原因过长（上限 {REASON_LIMIT} 字）")
    with store.write() as session:
        document = session.get(StoredDocument, document_id)
        if document is None:
            raise NotFound(NOT_FOUND)
        actor.require_fill(document.department_id)
        forms = list(
            session.scalars(
                select(StoredForm).where(StoredForm.document_id == document.id).order_by(StoredForm.position)
            )
        )
        locked = [form for form in forms if form.status not in EDITABLE_STATES]
        if locked and not actor.is_admin:
            names = "、".join(f"{form.name or '（未命名）'}（{STATE_LABELS[form.status]}）" for form in locked[:3])
            raise Refused(f"文件中已有表送审或通过：{names}；只有管理员可以删除")
        samples = sorted(
            set(
                session.scalars(select(SampleItem.sample_id).where(SampleItem.form_id.in_([form.id for form in forms])))
            )
        )
        if samples:
            drawn = "、".join(f"第 {number} 号" for number in samples)
            raise Conflict(f"文件中的表已被{drawn}抽查抽中，不能删除（抽查须保持抽取时的样子）")
        removed = session.execute(delete(StoredFinding).where(StoredFinding.document_id == document.id))
        findings = int(getattr(removed, "rowcount", 0) or 0)
        deleted = Deleted(document.id, document.filename, len(forms), findings)
        record(
            session,
            actor,
            "delete",
            "document",
            document.id,
            document.department_id,
            {
                "filename": document.filename,
                "sha256": document.sha256,
                "size": document.size,
                "year": document.year,
                "forms": [_form_record(form) for form in forms],
                "findings": deleted.findings,
                "reason": reason,
            },
        )
        session.delete(document)
        return deleted


def _form_record(form: StoredForm) -> dict[str, str | None]:
    """A removed form as the audit log keeps it: enough to tell which it was and what it stated."""
    score = None if form.total_score is None else str(form.total_score)
    return {"name": form.name, "kind": form.kind, "status": form.status, "total_score": score}


def deleted_filename(session: Session, actor: Principal, document_id: int) -> str | None:
    """The file name a deletion recorded, for the list page's confirmation; None unless the actor may see it."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "delete", AuditEntry.object_type == "document", AuditEntry.object_id == document_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None or not actor.sees(entry.department_id):
        return None
    name = entry.detail.get("filename") if isinstance(entry.detail, dict) else None
    return name if isinstance(name, str) else None
