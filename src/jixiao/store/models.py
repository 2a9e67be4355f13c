"""The store's tables, as SQLAlchemy 2 declarative models.

A document keeps its original bytes (with their SHA-256), its text lines (what
line numbers in findings point at) and its ``jixiao/1`` JSON; its forms,
indicators and findings are also rows, so lists, facets and the dashboard are
queries. ``audit_log`` and ``review_decisions`` are append-only: the migration
adds triggers that refuse UPDATE and DELETE on them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from jixiao.store.types import Exact

ROLES = ("admin", "reviewer", "filer", "viewer")
ROLE_LABELS = {"admin": "管理员", "reviewer": "审核人", "filer": "填报人", "viewer": "只读用户"}
FORM_STATES = ("draft", "submitted", "returned", "approved")
STATE_LABELS = {"draft": "草稿", "submitted": "已送审", "returned": "已退回", "approved": "已通过"}
FINDING_STATES = ("open", "accepted", "dismissed", "fixed")
FINDING_LABELS = {"open": "待处理", "accepted": "退回整改", "dismissed": "不予采纳", "fixed": "已整改"}


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        Decimal: Exact(),
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class User(Base):
    """A person who logs in. A filer belongs to one department; reviewers and viewers to a set."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    departments: Mapped[list[Department]] = relationship(secondary="user_departments", order_by=Department.name)


class UserDepartment(Base):
    """The departments a reviewer reviews or a viewer may read."""

    __tablename__ = "user_departments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None] = mapped_column()


class LoginAttempt(Base):
    """Every login attempt, for rate limiting by account and by address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "name", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=now)


class Setting(Base):
    """Small installation-wide values (the session signing key)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StoredDocument(Base):
    """One imported file: its bytes, text lines and extracted ``jixiao/1`` JSON with findings."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("department_id", "sha256", name="uq_documents_department_sha256"),
        Index("ix_documents_facets", "department_id", "year", "error_count"),
        {"sqlite_autoincrement": True},  # a deleted document's id is never given again (migration 0003)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(32))
    encoding: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    stated_department: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    profile: Mapped[str | None] = mapped_column(String(40))
    kinds: Mapped[str] = mapped_column(String(64), default="")
    form_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=now)

    department: Mapped[Department | None] = relationship()
    forms: Mapped[list[StoredForm]] = relationship(
        back_populates="document", order_by="StoredForm.position", cascade="all, delete-orphan"
    )
    body: Mapped[DocumentBody] = relationship(cascade="all, delete-orphan", single_parent=True)

    @property
    def content(self) -> bytes:
        """The original file, byte for byte."""
        return self.body.content

    @property
    def lines(self) -> list[str]:
        """The file as text lines: what findings' line numbers count."""
        return list(self.body.lines)

    @property
    def data(self) -> dict[str, Any]:
        """The ``jixiao/1`` JSON of the document, with its findings, as last saved."""
        return self.body.data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.body.data = value


class DocumentBody(Base):
    """A document's wide values, kept apart so lists, facets and counts never read them."""

    __tablename__ = "document_bodies"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    lines: Mapped[list[Any]] = mapped_column(JSON)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class StoredForm(Base):
    """One form of a document, with the figures lists and the dashboard need as columns."""

    __tablename__ = "forms"
    __table_args__ = (
        UniqueConstraint("document_id", "position", name="uq_forms_document_position"),
        Index("ix_forms_department_year", "department_id", "year"),
        Index("ix_forms_kind_document", "kind", "document_id"),
        Index("ix_forms_grade_document", "grade", "document_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    layout: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str | None] = mapped_column(String(500))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    stated_department: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(16))
    total_score: Mapped[Decimal | None] = mapped_column()
    total_weight: Mapped[Decimal | None] = mapped_column()
    recomputed_total: Mapped[Decimal | None] = mapped_column()
    budget: Mapped[Decimal | None] = mapped_column()
    executed: Mapped[Decimal | None] = mapped_column()
    execution_rate: Mapped[Decimal | None] = mapped_column()
    stated_rate: Mapped[Decimal | None] = mapped_column()
    funds_weight: Mapped[Decimal | None] = mapped_column()
    funds_score: Mapped[Decimal | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the finance bureau's 复核: its own score for the form, the grade that score earns, and why
    review_score: Mapped[Decimal | None] = mapped_column()
    review_grade: Mapped[str | None] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()

    document: Mapped[StoredDocument] = relationship(back_populates="forms")
    department: Mapped[Department | None] = relationship()
    indicators: Mapped[list[StoredIndicator]] = relationship(
        back_populates="form", order_by="StoredIndicator.position", cascade="all, delete-orphan"
    )


class StoredIndicator(Base):
    """One indicator row of a form, as the form states it."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("form_id", "position", name="uq_indicators_form_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[Decimal | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    reference_weight: Mapped[Decimal | None] = mapped_column()
    basis: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)

    form: Mapped[StoredForm] = relationship(back_populates="indicators")


class StoredFinding(Base):
    """One current finding of a document, with the reviewer's decision on it.

    ``key`` names the finding across re-runs (form, check, field, occurrence), so a
    decision survives an edit that re-runs the checks.
    """

    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_document", "document_id"),
        Index("ix_findings_check_scope", "check_id", "department_id", "document_id", "form_id"),
        Index("ix_findings_form_check", "form_id", "check_id"),
        Index("ix_findings_department_facets", "department_id", "severity", "status", "check_id"),
        Index("ix_findings_severity_facets", "severity", "check_id", "status", "department_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    form_id: Mapped[int | None] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(300))
    check_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(200))
    line: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any] = mapped_column(JSON, nullable=True)
    found: Mapped[Any] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()


class ReviewDecision(Base):
    """Every decision a reviewer made on a finding, in order (append-only)."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    form_id: Mapped[int | None] = mapped_column(Integer)
    finding_key: Mapped[str] = mapped_column(String(300))
    check_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=now)


class AuditEntry(Base):
    """Who did what, when, to which object, with the values before and after (append-only)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    user_id: Mapped[int | None] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Sample(Base):
    """One 抽查 draw: the seed and filters that reproduce it."""

    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    items: Mapped[list[SampleItem]] = relationship(order_by="SampleItem.position", cascade="all, delete-orphan")


class SampleItem(Base):
    """A form drawn for re-check, and the re-check once done."""

    __tablename__ = "sample_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(Integer)
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)

    form: Mapped[StoredForm] = relationship()
