"""Deleting a document: who may, when it is refused, what is removed and what the logs keep.

Each test runs on SQLite and, with PostgreSQL configured, on PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from webclient import Browser

from conftest import PROJECT_EXAMPLE, Account, example
from jixiao.store.access import Conflict, Invalid, NotFound, Refused
from jixiao.store.db import Store
from jixiao.store.deletion import delete_document
from jixiao.store.editing import decide_finding, draw_sample, set_state
from jixiao.store.importer import import_file
from jixiao.store.models import (
    AuditEntry,
    ReviewDecision,
    SampleItem,
    StoredDocument,
    StoredFinding,
    StoredForm,
    StoredIndicator,
)
from jixiao.store.online import create_project_form
from jixiao.store.users import create_token
from jixiao.web.app import create_app

REASON = "上传了错误的文件"


def _import(store: Store, filer: Account, filename: str = "青禾项目表.txt") -> int:
    result = import_file(store, example(PROJECT_EXAMPLE), filename, filer.principal)
    assert result.ok and result.document_id is not None, result.message
    return result.document_id


def _held(store: Store, document_id: int) -> tuple[int, int, int, int]:
    """(documents, forms, indicator rows, findings) the store holds for this document."""
    with store.read() as session:
        forms = list(session.scalars(select(StoredForm.id).where(StoredForm.document_id == document_id)))
        return (
            int(session.scalar(select(func.count()).where(StoredDocument.id == document_id)) or 0),
            len(forms),
            int(session.scalar(select(func.count()).where(StoredIndicator.form_id.in_(forms))) or 0),
            int(session.scalar(select(func.count()).where(StoredFinding.document_id == document_id)) or 0),
        )


def _forms(store: Store, document_id: int) -> list[StoredForm]:
    with store.read() as session:
        forms = list(
            session.scalars(
                select(StoredForm).where(StoredForm.document_id == document_id).order_by(StoredForm.position)
            )
        )
        session.expunge_all()
        return forms


def test_a_filer_deletes_a_draft_document_and_the_audit_log_keeps_what_it_held(
    store: Store, accounts: dict[str, Account]
) -> None:
    own = _import(store, accounts["filer"])
    other = _import(store, accounts["filer_other"], "云岭项目表.txt")
    before = _held(store, own)
    assert before[1] > 0 and before[2] > 0 and before[3] > 0  # the example has forms, rows and findings

    deleted = delete_document(store, accounts["filer"].principal, own, f"  {REASON} ")

    assert (deleted.document_id, deleted.filename) == (own, "青禾项目表.txt")
    assert (deleted.forms, deleted.findings) == (before[1], before[3])
    assert _held(store, own) == (0, 0, 0, 0)
    assert _held(store, other) == before  # the same file of the other department is untouched
    with store.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
    assert (entry.object_type, entry.object_id, entry.user_name) == ("document", own, accounts["filer"].name)
    assert entry.detail["reason"] == REASON
    assert entry.detail["filename"] == "青禾项目表.txt"
    assert len(entry.detail["forms"]) == before[1]
    assert {form["status"] for form in entry.detail["forms"]} == {"draft"}


def test_a_reason_is_required(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    before = _held(store, own)
    for reason in ("", "   ", "长" * 501):
        with pytest.raises(Invalid):
            delete_document(store, accounts["filer"].principal, own, reason)
    assert _held(store, own) == before


def test_a_submitted_form_leaves_the_deletion_to_an_admin(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    submitted = _forms(store, own)[0]
    set_state(store, accounts["filer"].principal, submitted.id, "submit")
    before = _held(store, own)
    with pytest.raises(Refused, match="送审"):
        delete_document(store, accounts["filer"].principal, own, REASON)
    assert _held(store, own) == before

    delete_document(store, accounts["admin"].principal, own, "重复导入")
    assert _held(store, own) == (0, 0, 0, 0)


def test_a_returned_form_may_be_deleted_by_its_filer(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    form = _forms(store, own)[0]
    set_state(store, accounts["filer"].principal, form.id, "submit")
    set_state(store, accounts["reviewer"].principal, form.id, "return", note="请重新上传")
    delete_document(store, accounts["filer"].principal, own, REASON)
    assert _held(store, own) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("role", "error"),
    [("reviewer", Refused), ("viewer", Refused), ("filer_other", NotFound), ("reviewer_other", NotFound)],
)
def test_roles_that_may_not_delete(
    store: Store, accounts: dict[str, Account], role: str, error: type[Exception]
) -> None:
    own = _import(store, accounts["filer"])
    before = _held(store, own)
    with pytest.raises(error):
        delete_document(store, accounts[role].principal, own, REASON)
    assert _held(store, own) == before


def test_a_sampled_document_stays_for_everyone(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    form = _forms(store, own)[0]
    sample = draw_sample(store, accounts["reviewer"].principal, 7, 1, [(form.id, form.department_id)], {})
    before = _held(store, own)
    with pytest.raises(Conflict, match=f"第 {sample.id} 号抽查"):
        delete_document(store, accounts["admin"].principal, own, REASON)
    assert _held(store, own) == before
    with store.read() as session:
        assert session.scalar(select(func.count()).where(SampleItem.sample_id == sample.id)) == 1


def test_review_decisions_outlive_the_document(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    with store.read() as session:
        finding = session.scalar(select(StoredFinding.id).where(StoredFinding.document_id == own))
    assert finding is not None
    decide_finding(store, accounts["reviewer"].principal, finding, "accepted", "属实")
    delete_document(store, accounts["filer"].principal, own, REASON)
    with store.read() as session:
        kept = session.scalars(select(ReviewDecision).where(ReviewDecision.document_id == own)).all()
    assert [decision.decision for decision in kept] == ["accepted"]


def test_an_online_form_can_be_started_again_once_deleted(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"].principal
    first = create_project_form(store, filer, "职工书屋建设", 2025, "")
    assert first.ok and first.document_id is not None
    with pytest.raises(Invalid, match="已有项目"):  # one form per project and year
        create_project_form(store, filer, "职工书屋建设", 2025, "")
    delete_document(store, filer, first.document_id, "建错了年度")
    again = create_project_form(store, filer, "职工书屋建设", 2025, "")
    assert again.ok and again.document_id != first.document_id


def test_deleting_through_the_pages(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    app = create_app(store, migrate=False)
    filer = Browser(app, accounts["filer"].name, accounts["filer"].password)
    reviewer = Browser(app, accounts["reviewer"].name, accounts["reviewer"].password)
    other = Browser(app, accounts["filer_other"].name, accounts["filer_other"].password)
    assert "删除此文件" in filer.get(f"/documents/{own}").text
    assert "删除此文件" not in reviewer.get(f"/documents/{own}").text
    assert filer.get("/documents.json").json()["total"] == 1

    refused = filer.post(f"/documents/{own}/delete", {"reason": ""})
    assert refused.status_code == 422 and "删除原因" in refused.text
    done = filer.post(f"/documents/{own}/delete", {"reason": REASON})
    assert done.status_code == 303 and done.headers["location"] == f"/documents?deleted={own}"

    listing = filer.get(done.headers["location"])
    assert "已删除“青禾项目表.txt”" in listing.text
    assert filer.get(f"/documents/{own}").status_code == 404
    assert filer.get("/documents.json").json()["total"] == 0
    assert "青禾项目表" not in other.get(f"/documents?deleted={own}").text  # another department's name stays hidden
    audit = Browser(app, accounts["admin"].name, accounts["admin"].password).get("/audit").text
    assert "删除文档" in audit and f"文档 {own}（已删除）" in audit


def test_deleting_through_the_api(store: Store, accounts: dict[str, Account]) -> None:
    own = _import(store, accounts["filer"])
    client = Browser(create_app(store, migrate=False)).client
    auth = {"Authorization": f"Bearer {create_token(store, accounts['filer'].principal)}"}
    viewer = {"Authorization": f"Bearer {create_token(store, accounts['viewer'].principal)}"}
    assert client.delete(f"/api/v1/documents/{own}", params={"reason": REASON}, headers=viewer).status_code == 403
    assert client.delete(f"/api/v1/documents/{own}", headers=auth).status_code == 422
    response = client.delete(f"/api/v1/documents/{own}", params={"reason": REASON}, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert (body["deleted"], body["filename"]) == (own, "青禾项目表.txt")
    assert body["forms"] > 0 and body["findings"] > 0
    assert client.delete(f"/api/v1/documents/{own}", params={"reason": REASON}, headers=auth).status_code == 404


def test_ids_of_deleted_documents_are_not_given_again(store: Store, accounts: dict[str, Account]) -> None:
    """A new document and its forms never take the ids of deleted ones, which the audit log still names."""
    filer = accounts["filer"]
    first = _import(store, filer)
    first_forms = {form.id for form in _forms(store, first)}
    delete_document(store, filer.principal, first, REASON)
    second = _import(store, filer)
    assert second > first
    assert min(form.id for form in _forms(store, second)) > max(first_forms)


def test_the_migrations_keep_every_row_down_and_up(tmp_path: Path) -> None:
    """A SQLite store taken back to before migration 0003 (ids reused, no 复核 columns), with documents in it,
    and brought forward again, loses no row, keeps its decisions and no longer gives a deleted id again."""
    from alembic import command
    from alembic.config import Config

    from conftest import make_account
    from jixiao.store.db import MIGRATIONS

    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    store.migrate()
    filer = make_account(store, "填报人", "filer", ["青禾县总工会"])
    admin = make_account(store, "管理员", "admin", [])
    kept = _import(store, filer, "一.txt")
    newest = _import(store, filer, "二.txt")
    decide_finding(store, admin.principal, _a_finding(store, kept), "accepted", "属实")
    before = {document: _held(store, document) for document in (kept, newest)}
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # before any transaction, as Store.migrate does
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        connection.commit()
        raw.execute("PRAGMA foreign_keys=ON")
    with store.engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'forms'").scalar()
    assert "AUTOINCREMENT" not in schema and "review_score" not in schema

    store.migrate()

    with store.engine.connect() as connection:
        for table in ("documents", "forms"):
            schema = connection.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE name = '{table}'").scalar()
            assert "AUTOINCREMENT" in schema, table
    assert {document: _held(store, document) for document in (kept, newest)} == before
    with store.read() as session:
        assert session.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        statuses = set(session.scalars(select(StoredFinding.status).where(StoredFinding.document_id == kept)))
    assert "accepted" in statuses
    newest_forms = {form.id for form in _forms(store, newest)}
    delete_document(store, filer.principal, newest, REASON)
    again = _import(store, filer, "三.txt")
    assert again > newest and min(form.id for form in _forms(store, again)) > max(newest_forms)
    store.dispose()


def _a_finding(store: Store, document_id: int) -> int:
    with store.read() as session:
        finding = session.scalar(select(StoredFinding.id).where(StoredFinding.document_id == document_id))
    assert finding is not None
    return finding
