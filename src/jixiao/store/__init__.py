"""The store: imported documents, their forms and findings, users and the audit log, in SQL.

SQLite by default (``jixiao.db`` in the working directory), PostgreSQL through
``JIXIAO_DATABASE_URL``; the schema is Alembic migrations (``store/migrations``).
"""

from __future__ import annotations

from jixiao.store.access import Conflict, Invalid, NotFound, Principal, Refused, StoreError
from jixiao.store.db import Store, database_url
from jixiao.store.importer import ImportResult, import_file

__all__ = [
    "Conflict",
    "ImportResult",
    "Invalid",
    "NotFound",
    "Principal",
    "Refused",
    "Store",
    "StoreError",
    "database_url",
    "import_file",
]
