"""The store: import in one transaction, exact decimals, edits with version checks, workflow, audit, 抽查."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from conftest import EXAMPLES, PROJECT_EXAMPLE, Account, example
from jixiao.pipeline import review_file
from jixiao.render.jsonout import document_to_dict
from jixiao.store.access import Conflict, Invalid, NotFound, Refused
from jixiao.store.db import Store
from jixiao.store.documents import rebuild
from jixiao.store.editing import decide_finding, draw, draw_sample, edit_form, set_state
from jixiao.store.importer import import_file
from jixiao.store.models import (
    AuditEntry,
    ReviewDecision,
    StoredDocument,
    StoredFinding,
    StoredForm,
    StoredIndicator,
)
from jixiao.store.queries import Filters, form_population, list_documents, list_findings, list_forms


def _import(store: Store, account: Account, name: str = PROJECT_EXAMPLE) -> int:
    result = import_file(store, example(name), name, account.principal)
    assert result.ok, result.message
    assert result.document_id is not None
    return result.document_id


def _counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (StoredDocument, StoredForm, StoredIndicator, StoredFinding)
        }


def test_import_keeps_the_document_faithfully(store: Store, accounts: dict[str, Account]) -> None:
    document_id = _import(store, accounts["filer"])
    reviewed = review_file(EXAMPLES / PROJECT_EXAMPLE)
    with store.read() as session:
        stored = session.get(StoredDocument, document_id)
        assert stored is not None
        assert stored.content == example(PROJECT_EXAMPLE)
        assert len(stored.sha256) == 64
        expected = document_to_dict(reviewed)
        assert stored.data["forms"] == expected["forms"]
        assert stored.data["findings"] == expected["findings"]
        assert stored.department is not None and stored.department.name == "青禾县总工会"
        forms = session.scalars(select(StoredForm).where(StoredForm.document_id == document_id)).all()
        assert [f.name for f in forms] == ["职工技能提升培训专项", "职工医疗互助补助专项"]
        first = forms[0]
        assert isinstance(first.budget, Decimal) and isinstance(first.execution_rate, Decimal)
        assert first.execution_rate == Decimal("0.9")
        assert [row.score for row in first.indicators][:2] == [Decimal(10), Decimal(9)]
        findings = session.scalars(select(StoredFinding).where(StoredFinding.document_id == document_id)).all()
        assert len(findings) == len(reviewed.findings or [])
        rebuilt = rebuild(stored)
    assert document_to_dict(rebuilt)["forms"] == expected["forms"]


def test_decimals_are_exact(store: Store, accounts: dict[str, Account]) -> None:
    document_id = _import(store, accounts["admin"])
    amount = Decimal("123456789.123456")
    with store.write() as session:
        session.execute(update(StoredForm).where(StoredForm.document_id == document_id).values(budget=amount))
    with store.read() as session:
        budgets = session.scalars(select(StoredForm.budget).where(StoredForm.document_id == document_id)).all()
    assert budgets == [amount, amount]
    assert all(isinstance(b, Decimal) for b in budgets)


def test_bad_files_store_nothing_and_duplicates_are_not_stored_twice(
    store: Store, accounts: dict[str, Account]
) -> None:
    filer = accounts["filer"].principal
    _import(store, accounts["filer"])
    before = _counts(store)
    empty = import_file(store, b"", "empty.txt", filer)
    assert not empty.ok and "文件为空" in empty.message
    binary = import_file(store, bytes(range(256)) * 64, "image.png", filer)
    assert not binary.ok and binary.message
    prose = import_file(store, "这是一段与绩效无关的文字。\n".encode(), "notes.txt", filer)
    assert not prose.ok and "未找到" in prose.message
    again = import_file(store, example(PROJECT_EXAMPLE), "copy.txt", filer)
    assert again.ok and again.duplicate
    assert _counts(store) == before


def test_viewer_and_reviewer_cannot_import(store: Store, accounts: dict[str, Account]) -> None:
    for role in ("viewer", "reviewer"):
        result = import_file(store, example(PROJECT_EXAMPLE), PROJECT_EXAMPLE, accounts[role].principal)
        assert not result.ok and "不能导入" in result.message
    assert _counts(store)["documents"] == 0


def test_audit_log_and_decisions_are_append_only(store: Store, accounts: dict[str, Account]) -> None:
    _import(store, accounts["filer"])
    for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="只能追加"), store.write() as session:
            session.execute(text(statement))
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 8  # 7 accounts and the import


def _form(store: Store, document_id: int, position: int = 0) -> StoredForm:
    with store.read() as session:
        form = session.scalar(
            select(StoredForm).where(StoredForm.document_id == document_id, StoredForm.position == position)
        )
        assert form is not None
        return form


def _checks(store: Store, form_id: int) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(StoredFinding.check_id).where(StoredFinding.form_id == form_id)))


def test_edit_rescores_rechecks_and_guards_versions(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"].principal
    form = _form(store, _import(store, accounts["filer"]))
    assert "indicator.score_mismatch" in _checks(store, form.id)
    outcome = edit_form(store, filer, form.id, form.version, {"indicators[1].score": "10"})
    assert outcome.version == form.version + 1
    assert [c.field for c in outcome.changes] == ["indicators[1].score"]
    checks = _checks(store, form.id)
    assert "indicator.score_mismatch" not in checks and "indicator.reason_missing" not in checks
    edited = _form(store, form.document_id)
    assert edited.recomputed_total == Decimal(100)
    with store.read() as session:
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        assert stored.data["forms"][0]["indicators"][1]["score"] == 10
        score = session.scalar(
            select(StoredIndicator.score).where(StoredIndicator.form_id == form.id, StoredIndicator.position == 1)
        )
        assert score == Decimal(10)
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "edit"))
        assert entry is not None and entry.detail["changes"][0]["before"] == "9"
    # the same stale version again: refused, nothing written
    with pytest.raises(Conflict, match="第 1 版"):
        edit_form(store, filer, form.id, form.version, {"indicators[1].score": "8"})
    assert _form(store, form.document_id).version == outcome.version
    with pytest.raises(Invalid, match="不是有效的数字"):
        edit_form(store, filer, form.id, outcome.version, {"indicators[1].score": "十分"})
    same = edit_form(store, filer, form.id, outcome.version, {"indicators[1].score": "10.0"})
    assert same.changes == [] and same.version == outcome.version


def test_workflow_and_decisions(store: Store, accounts: dict[str, Account]) -> None:
    filer, reviewer = accounts["filer"].principal, accounts["reviewer"].principal
    form = _form(store, _import(store, accounts["filer"]))
    with pytest.raises(Refused):
        set_state(store, reviewer, form.id, "approve")
    set_state(store, filer, form.id, "submit")
    with pytest.raises(Refused, match="不能修改"):
        edit_form(store, filer, form.id, form.version + 1, {"indicators[1].score": "10"})
    with pytest.raises(Refused):
        set_state(store, filer, form.id, "approve")
    with pytest.raises(NotFound):
        set_state(store, accounts["reviewer_other"].principal, form.id, "return")
    set_state(store, reviewer, form.id, "return", note="请核对得分")
    assert _form(store, form.document_id).status == "returned"
    with store.read() as session:
        finding = session.scalar(
            select(StoredFinding).where(
                StoredFinding.form_id == form.id, StoredFinding.check_id == "indicator.score_mismatch"
            )
        )
        assert finding is not None
    with pytest.raises(Invalid, match="理由"):
        decide_finding(store, reviewer, finding.id, "dismissed", "  ")
    with pytest.raises(Refused):
        decide_finding(store, filer, finding.id, "accepted")
    decide_finding(store, reviewer, finding.id, "accepted")
    # the decision survives a re-run of the checks that still finds it
    current = _form(store, form.document_id)
    edit_form(store, filer, form.id, current.version, {"indicators[0].note": "已核实"})
    with store.read() as session:
        kept = session.scalar(select(StoredFinding).where(StoredFinding.key == finding.key))
        assert kept is not None and kept.status == "accepted"
        assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 1


def test_lists_are_scoped_and_filtered(store: Store, accounts: dict[str, Account]) -> None:
    _import(store, accounts["filer"])
    other = import_file(
        store, example("02_department_form.md"), "02_department_form.md", accounts["filer_other"].principal
    )
    assert other.ok
    with store.read() as session:
        mine = list_documents(session, accounts["filer"].principal, Filters())
        assert [r["filename"] for r in mine.rows] == [PROJECT_EXAMPLE]
        everything = list_documents(session, accounts["admin"].principal, Filters())
        assert everything.total == 2
        facets = {facet.name: facet for facet in everything.facets}
        assert {v[1] for v in facets["department"].values} == {"青禾县总工会", "云岭市总工会"}
        assert ("department", "部门整体", 1) in facets["kind"].values
        only = list_documents(session, accounts["admin"].principal, Filters(kind="department"))
        assert [r["filename"] for r in only.rows] == ["02_department_form.md"]
        searched = list_documents(session, accounts["admin"].principal, Filters(q="技能提升"))
        assert searched.total == 1
        checked = list_forms(session, accounts["admin"].principal, Filters(check="indicator.score_mismatch"))
        assert [r["name"] for r in checked.rows] == ["职工技能提升培训专项"]
        assert list_forms(session, accounts["viewer_other"].principal, Filters(q="技能")).total == 0
        findings = list_findings(session, accounts["reviewer"].principal, Filters(severity="error"))
        assert findings.total > 0 and all(r["department"] == "青禾县总工会" for r in findings.rows)


def test_sampling_is_reproducible_by_seed(store: Store, accounts: dict[str, Account]) -> None:
    for name in ("01_project_forms_tab.txt", "04_project_form_gb18030.html", "02_department_form.md"):
        _import(store, accounts["filer"], name)
    reviewer = accounts["reviewer"].principal
    with store.read() as session:
        population = form_population(session, reviewer, Filters())
    assert len(population) == 4
    first = draw_sample(store, reviewer, 7, 2, population, {})
    second = draw_sample(store, reviewer, 7, 2, list(reversed(population)), {})
    assert [i.form_id for i in first.items] == [i.form_id for i in second.items]
    assert draw([1, 2, 3, 4, 5, 6, 7, 8], 1, 3) != draw([1, 2, 3, 4, 5, 6, 7, 8], 2, 3)
    with pytest.raises(Refused):
        draw_sample(store, accounts["filer"].principal, 7, 2, population, {})


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from jixiao.store import importer
    from jixiao.store.access import principal_of
    from jixiao.store.db import Store

    original = importer.write_findings

    def write_then_stall(session, *args, **kwargs):
        original(session, *args, **kwargs)
        session.flush()
        print("FLUSHED", flush=True)
        time.sleep(60)

    importer.write_findings = write_then_stall
    store = Store(sys.argv[1])
    actor = principal_of(1, "管理员甲", "admin", [])
    with open(sys.argv[2], "rb") as handle:
        importer.import_file(store, handle.read(), "killed.txt", actor)
    """
)


def test_kill_9_mid_import_leaves_no_partial_document(store: Store, accounts: dict[str, Account]) -> None:
    _import(store, accounts["admin"], "02_department_form.md")
    before = _counts(store)
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, store.url, str(EXAMPLES / PROJECT_EXAMPLE)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "FLUSHED"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    store.dispose()
    assert _counts(store) == before
    if store.is_sqlite:
        with store.read() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # the interrupted file imports cleanly afterwards
    assert _import(store, accounts["admin"]) > 0


def test_migrations_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from jixiao.store.models import Base

    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_recent_values_are_served_while_a_fresh_one_is_computed() -> None:
    import threading

    from jixiao.store.cache import Recent

    cache: Recent[int] = Recent(stale_seconds=0)
    calls: list[int] = []
    release = threading.Event()

    def compute(value: int, wait: bool = False) -> int:
        if wait:
            release.wait(10)
        calls.append(value)
        return value

    assert cache.get("k", 1, lambda: compute(1)) == 1
    assert cache.get("k", 1, lambda: compute(99)) == 1  # same revision: reused
    assert cache.get("k", 2, lambda: compute(2, wait=True)) == 1  # changed: the old value, refreshed behind
    assert cache.get("k", 2, lambda: compute(3)) == 1  # one refresh at a time
    release.set()
    for _ in range(100):
        if calls[-1:] == [2] and cache.get("k", 2, lambda: compute(4)) == 2:
            break
        threading.Event().wait(0.05)
    assert cache.get("k", 2, lambda: compute(5)) == 2
    assert calls == [1, 2]
