"""Document and form ids are never given again once deleted (SQLite ``AUTOINCREMENT``).

Why: documents can now be deleted, and the audit log, review decisions and
bookmarked pages name documents and forms by id. Without ``AUTOINCREMENT``
SQLite hands the id of a deleted newest row to the next one, so a new form
would show the deleted form's edit history. PostgreSQL's sequences never give
an id twice, so nothing changes there. The tables are rebuilt with their rows,
indexes and constraints (the store turns foreign keys off while it migrates,
so dropping the old table deletes nothing that refers to it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("documents", "forms")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
