"""Store and web fixtures: every test runs on SQLite and, with JIXIAO_TEST_POSTGRES_URL set, on PostgreSQL.

PostgreSQL: one migrated template database per test session, and a fresh copy of it
(``CREATE DATABASE … TEMPLATE``) for each test, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jixiao.store.access import Principal
from jixiao.store.db import Store
from jixiao.store.users import add_user, principal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds" / "docs"
POSTGRES = os.environ.get("JIXIAO_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES, reason="无 PostgreSQL"))]
PASSWORD = "correct-horse-9"


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def _run(url: str, statement: str) -> None:
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A migrated template database for this test session (None without PostgreSQL)."""
    if not POSTGRES:
        yield None
        return
    name = f"jixiao_tpl_{uuid.uuid4().hex[:10]}"
    _run(POSTGRES, f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    store = Store(url)
    store.migrate()
    store.dispose()
    yield name
    _run(POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path, postgres_template: str | None) -> Iterator[str]:
    """The URL of a fresh, migrated database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jixiao.db'}"
        store = Store(url)
        store.migrate()
        store.dispose()
        yield url
        return
    assert POSTGRES and postgres_template
    name = f"jixiao_t_{uuid.uuid4().hex[:12]}"
    _run(POSTGRES, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    _run(POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    store = Store(database)
    yield store
    store.dispose()


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    password: str
    principal: Principal


def make_account(store: Store, name: str, role: str, departments: list[str]) -> Account:
    with store.write() as session:
        user = add_user(session, name, PASSWORD, role, departments)
        return Account(name, PASSWORD, principal(session, user))


@pytest.fixture
def accounts(store: Store) -> dict[str, Account]:
    """One user of each role: two departments (青禾县总工会 and 云岭市总工会), filers and reviewers for each."""
    return {
        "admin": make_account(store, "管理员甲", "admin", []),
        "filer": make_account(store, "填报人青禾", "filer", ["青禾县总工会"]),
        "filer_other": make_account(store, "填报人云岭", "filer", ["云岭市总工会"]),
        "reviewer": make_account(store, "审核人青禾", "reviewer", ["青禾县总工会"]),
        "reviewer_other": make_account(store, "审核人云岭", "reviewer", ["云岭市总工会"]),
        "viewer": make_account(store, "只读青禾", "viewer", ["青禾县总工会"]),
        "viewer_other": make_account(store, "只读云岭", "viewer", ["云岭市总工会"]),
    }


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


PROJECT_EXAMPLE = "01_project_forms_tab.txt"
