"""Indexes for list facets: each facet count reads a covering index instead of the table.

Measured on 10,000 forms / 48,000 findings (SQLite): the 检查项 facet of the documents list
went from 258 ms to 2–10 ms, the findings facets from 15–30 ms to under 2 ms each.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW = [
    ("ix_documents_facets", "documents", ["department_id", "year", "error_count"]),
    ("ix_forms_kind_document", "forms", ["kind", "document_id"]),
    ("ix_forms_grade_document", "forms", ["grade", "document_id"]),
    ("ix_findings_check_scope", "findings", ["check_id", "department_id", "document_id", "form_id"]),
    ("ix_findings_form_check", "findings", ["form_id", "check_id"]),
    ("ix_findings_department_facets", "findings", ["department_id", "severity", "status", "check_id"]),
    ("ix_findings_severity_facets", "findings", ["severity", "check_id", "status", "department_id"]),
]
REPLACED = [
    ("ix_forms_kind", "forms", ["kind"]),
    ("ix_forms_grade", "forms", ["grade"]),
    ("ix_findings_check", "findings", ["check_id"]),
    ("ix_findings_form", "findings", ["form_id"]),
]


def upgrade() -> None:
    for name, table, columns in NEW:
        op.create_index(name, table, columns)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _ in NEW:
        op.drop_index(name, table_name=table)
