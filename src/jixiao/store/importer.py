"""Import one file: read → extract → review, then store it all in one transaction.

The slow part (reading and reviewing) happens before the transaction opens;
the rows — document, forms, indicators, findings, audit entry — are written
and committed together, so a crash or a kill at any point leaves either the
whole document or nothing. A file that cannot be read is reported with its
reason and stores nothing; what is already stored is never touched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from jixiao.model import Document
from jixiao.read import MAX_BYTES, read_bytes
from jixiao.read.source import ReadError, Source
from jixiao.store.access import Principal, Refused, StoreError
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.documents import as_json, counts, form_name, write_findings, write_forms
from jixiao.store.models import Department, DocumentBody, StoredDocument
from jixiao.store.users import department as department_named


@dataclass(slots=True)
class ImportResult:
    """What became of one file: stored (with its id and counts), a duplicate, or refused with the reason."""

    filename: str
    ok: bool
    message: str
    document_id: int | None = None
    forms: int = 0
    errors: int = 0
    warnings: int = 0
    duplicate: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "filename": self.filename,
            "ok": self.ok,
            "message": self.message,
            "document_id": self.document_id,
            "forms": self.forms,
            "errors": self.errors,
            "warnings": self.warnings,
            "duplicate": self.duplicate,
        }


def review_bytes(data: bytes, filename: str, profile: str | None = None) -> tuple[Document, Source]:
    """Read, extract and review the bytes of one file; ReadError when they cannot be read."""
    from jixiao.pipeline import extract_source, review_source

    if len(data) > MAX_BYTES:
        raise ReadError(f"文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）")
    source = read_bytes(data, filename)
    try:
        document = extract_source(source)
    except RecursionError as error:
        raise ReadError("文件结构过深，无法解析") from error
    return review_source(document, source, profile), source


def _search_text(filename: str, department: str | None, document: Document) -> str:
    names = [filename, department or ""]
    for form in document.forms:
        names += [form_name(form), form.title or "", form.department or ""]
    return " ".join(dict.fromkeys(n for n in names if n)).casefold()


def import_file(
    store: Store,
    data: bytes,
    filename: str,
    actor: Principal,
    department: str | None = None,
    profile: str | None = None,
) -> ImportResult:
    """Import one file for ``actor``; never raises for a bad file or a refusal, the result says why.

    A filer's documents always belong to their department. An admin may name the
    department; otherwise it is the one the document states (created if new).
    """
    filename = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "未命名文件")[:500]
    if actor.role not in ("admin", "filer"):
        return ImportResult(filename, False, "您的角色不能导入文档")
    try:
        document, source = review_bytes(data, filename, profile)
    except ReadError as error:
        return ImportResult(filename, False, str(error))
    if not document.forms:
        reasons = "；".join(problem.message for problem in document.problems) or "未找到任何绩效表或报告"
        return ImportResult(filename, False, f"未保存：{reasons}")
    stated = next((form.department for form in document.forms if form.department), None)
    try:
        result = store_document(store, data, filename, actor, document, source, stated, department)
    except StoreError as error:
        return ImportResult(filename, False, str(error))
    if result.document_id is not None and not result.duplicate and _grown(result.document_id):
        store.analyze()
    return result


def _grown(document_id: int) -> bool:
    """Whether the store has grown enough since the planner's statistics were taken to take them again."""
    return document_id & (document_id - 1) == 0 or document_id % 1000 == 0


def store_document(
    store: Store,
    data: bytes,
    filename: str,
    actor: Principal,
    document: Document,
    source: Source,
    stated: str | None,
    chosen: str | None,
    action: str = "import",
) -> ImportResult:
    """Write a reviewed document, its forms and findings and the audit entry in one transaction."""
    digest = hashlib.sha256(data).hexdigest()
    findings = document.findings or []
    problems = [problem.message for problem in document.problems]
    with store.write() as session:
        department_id: int | None
        if actor.role == "filer":
            department_id = min(actor.departments) if actor.departments else None
            own = session.get(Department, department_id) if department_id is not None else None
            if own is None:
                raise Refused("您的账号没有所属部门，不能导入")
            if stated and stated != own.name:
                problems.append(f"文中部门“{stated}”与账号所属部门“{own.name}”不同，已归入“{own.name}”")
        else:
            name = chosen or stated
            department_id = department_named(session, name).id if name else None
        duplicate = session.scalar(
            select(StoredDocument.id).where(
                StoredDocument.sha256 == digest, StoredDocument.department_id == department_id
            )
            if department_id is not None
            else select(StoredDocument.id).where(
                StoredDocument.sha256 == digest, StoredDocument.department_id.is_(None)
            )
        )
        if duplicate is not None:
            return ImportResult(
                filename, True, f"该文件已导入过（文档 {duplicate}），未重复保存", duplicate, duplicate=True
            )
        errors, warnings = counts(findings)
        stored = StoredDocument(
            filename=filename,
            sha256=digest,
            size=len(data),
            format=source.format[:32],
            encoding=source.encoding[:32],
            body=DocumentBody(content=data, lines=source.lines, data=as_json(document)),
            department_id=department_id,
            stated_department=(stated or None) and (stated or "")[:200],
            year=next((form.year for form in document.forms if form.year), None),
            profile=document.profile,
            kinds=",".join(sorted({form.kind for form in document.forms})),
            form_count=len(document.forms),
            error_count=errors,
            warning_count=warnings,
            problems=problems,
            search_text=_search_text(filename, stated, document),
            imported_by=actor.id,
        )
        session.add(stored)
        session.flush()
        forms = write_forms(session, stored, document)
        write_findings(session, stored, forms, findings)
        record(
            session,
            actor,
            action,
            "document",
            stored.id,
            department_id,
            {"filename": filename, "sha256": digest, "forms": len(forms), "findings": len(findings)},
        )
        done = "已新建" if action == "create" else "已导入"
        note = f"{done}：{len(forms)} 张表，{errors} 个错误，{warnings} 个警告"
        return ImportResult(filename, True, note, stored.id, len(forms), errors, warnings)
