"""批量处理: one decision on many findings from the findings list, all or none, each logged like a single one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from webclient import Browser

from conftest import PROJECT_EXAMPLE, Account, example
from jixiao.store.access import Invalid, NotFound, Refused
from jixiao.store.db import Store
from jixiao.store.editing import BATCH_LIMIT, decide_findings
from jixiao.store.importer import import_file
from jixiao.store.models import AuditEntry, ReviewDecision, StoredFinding
from jixiao.store.users import create_token
from jixiao.web.app import create_app


def _findings(store: Store, filer: Account, filename: str) -> list[int]:
    result = import_file(store, example(PROJECT_EXAMPLE), filename, filer.principal)
    assert result.ok and result.document_id is not None
    with store.read() as session:
        query = select(StoredFinding.id).where(StoredFinding.document_id == result.document_id)
        found = list(session.scalars(query.order_by(StoredFinding.id)))
    assert len(found) >= 2, "the example document has findings to decide"
    return found


def _statuses(store: Store, ids: list[int]) -> list[str]:
    with store.read() as session:
        query = select(StoredFinding.status).where(StoredFinding.id.in_(ids))
        return list(session.scalars(query.order_by(StoredFinding.id)))


def test_a_reviewer_decides_many_findings_at_once(store: Store, accounts: dict[str, Account]) -> None:
    own = _findings(store, accounts["filer"], "青禾.txt")
    count = decide_findings(store, accounts["reviewer"].principal, [*own, own[0]], "dismissed", "已另行说明")
    assert count == len(own)
    assert _statuses(store, own) == ["dismissed"] * len(own)
    with store.read() as session:
        decisions = session.scalar(select(func.count()).select_from(ReviewDecision))
        logged = session.scalar(select(func.count()).where(AuditEntry.action == "decide"))
        reasons = set(session.scalars(select(StoredFinding.reason).where(StoredFinding.id.in_(own))))
    assert decisions == logged == len(own)
    assert reasons == {"已另行说明"}


def test_nothing_changes_when_one_finding_is_out_of_reach(store: Store, accounts: dict[str, Account]) -> None:
    own = _findings(store, accounts["filer"], "青禾.txt")
    other = _findings(store, accounts["filer_other"], "云岭.txt")
    with pytest.raises(NotFound):
        decide_findings(store, accounts["reviewer"].principal, [*own, other[0]], "accepted")
    with pytest.raises(NotFound):
        decide_findings(store, accounts["reviewer"].principal, [*own, 10**8], "accepted")
    assert _statuses(store, own) == ["open"] * len(own)


@pytest.mark.parametrize(
    ("role", "ids", "decision", "reason", "error"),
    [
        ("filer", None, "accepted", "", Refused),
        ("viewer", None, "accepted", "", Refused),
        ("reviewer", None, "dismissed", "  ", Invalid),
        ("reviewer", None, "approve", "", Invalid),
        ("reviewer", [], "accepted", "", Invalid),
        ("reviewer", list(range(1, BATCH_LIMIT + 2)), "accepted", "", Invalid),
    ],
)
def test_batches_that_are_refused(
    store: Store,
    accounts: dict[str, Account],
    role: str,
    ids: list[int] | None,
    decision: str,
    reason: str,
    error: type[Exception],
) -> None:
    own = _findings(store, accounts["filer"], "青禾.txt")
    with pytest.raises(error):
        decide_findings(store, accounts[role].principal, own if ids is None else ids, decision, reason)
    assert _statuses(store, own) == ["open"] * len(own)


def test_the_findings_list_offers_the_batch_to_reviewers_only(store: Store, accounts: dict[str, Account]) -> None:
    own = _findings(store, accounts["filer"], "青禾.txt")
    app = create_app(store, migrate=False)
    reviewer = Browser(app, accounts["reviewer"].name, accounts["reviewer"].password)
    filer = Browser(app, accounts["filer"].name, accounts["filer"].password)
    page = reviewer.get("/findings?severity=error")
    assert 'action="/findings/decisions"' in page.text
    assert 'name="next" value="/findings?severity=error"' in page.text
    assert 'action="/findings/decisions"' not in filer.get("/findings").text

    chosen = own[:2]
    done = reviewer.post(
        "/findings/decisions",
        {"ids": [str(i) for i in chosen], "decision": "accepted", "next": "/findings?severity=error"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/findings?severity=error&decided=2"
    assert "已处理 2 条问题" in reviewer.get(done.headers["location"]).text
    assert _statuses(store, chosen) == ["accepted", "accepted"]
    assert _statuses(store, own[2:]) == ["open"] * len(own[2:])
    away = reviewer.post(
        "/findings/decisions", {"ids": str(own[0]), "decision": "fixed", "next": "https://example.org/"}
    )
    assert away.headers["location"] == "/documents?decided=1"  # never sent to another site


def test_the_api_batch(store: Store, accounts: dict[str, Account]) -> None:
    own = _findings(store, accounts["filer"], "青禾.txt")
    client = Browser(create_app(store, migrate=False)).client
    auth = {"Authorization": f"Bearer {create_token(store, accounts['reviewer'].principal)}"}
    response = client.post("/api/v1/findings/decisions", json={"ids": own, "decision": "fixed"}, headers=auth)
    assert response.status_code == 200 and response.json() == {"decided": len(own), "decision": "fixed"}
    refused = client.post("/api/v1/findings/decisions", json={"ids": own, "decision": "dismissed"}, headers=auth)
    assert refused.status_code == 422 and _statuses(store, own) == ["fixed"] * len(own)
