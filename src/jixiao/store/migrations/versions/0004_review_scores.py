"""The finance bureau's 复核 of a form: its own score, the grade it earns, the reviewer's note.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jixiao.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# SQLite rebuilds the table for the foreign key; the rebuilt one must keep AUTOINCREMENT (migration 0003)
_KEEP = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("forms", table_kwargs=_KEEP) as batch:
        batch.add_column(sa.Column("review_score", jixiao.store.types.Exact(), nullable=True))
        batch.add_column(sa.Column("review_grade", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_forms_reviewed_by_users", "users", ["reviewed_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("forms", table_kwargs=_KEEP) as batch:
        batch.drop_constraint("fk_forms_reviewed_by_users", type_="foreignkey")
        for column in ("reviewed_at", "reviewed_by", "review_note", "review_grade", "review_score"):
            batch.drop_column(column)
