"""The in-memory facet index counts exactly what the SQL facet queries count, before and after changes."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from conftest import Account, example
from jixiao.store.access import Principal
from jixiao.store.cache import revision
from jixiao.store.db import Store
from jixiao.store.editing import decide_finding, edit_form, set_state
from jixiao.store.facets import INDEXES, Index
from jixiao.store.importer import import_file
from jixiao.store.models import StoredFinding, StoredForm
from jixiao.store.queries import (
    Filters,
    _document_facets,
    _finding_facets,
    _form_facets,
    _indexed_documents,
    _indexed_findings,
    _indexed_forms,
    list_documents,
)

FILTERS = [
    Filters(),
    Filters(kind="project"),
    Filters(errors="1"),
    Filters(errors="0", kind="department"),
    Filters(check="indicator.score_mismatch"),
    Filters(severity="error", decision="open"),
    Filters(status="submitted"),
    Filters(q="培训"),
    Filters(grade="优", year=2023),
]


def _index(store: Store) -> Index:
    with store.read() as session:
        return INDEXES.get(session, revision(session))


def _agree(store: Store, actors: list[Principal]) -> int:
    """Compare every facet of every list for these users and filters; the number of comparisons made."""
    index = _index(store)
    compared = 0
    with store.read() as session:
        department = next(iter(actors[1].departments or [None]))
        for actor, filters in itertools.product(actors, [*FILTERS, Filters(department=department)]):
            pairs = [
                (_document_facets, _indexed_documents),
                (_form_facets, _indexed_forms),
                (_finding_facets, _indexed_findings),
            ]
            for counted, indexed in pairs:
                if indexed is _indexed_findings and filters.q:
                    continue
                assert indexed(session, index, actor, filters) == counted(session, actor, filters), (
                    counted.__name__,
                    actor.role,
                    filters,
                )
                compared += 1
    return compared


def test_index_agrees_with_sql_as_the_store_changes(store: Store, accounts: dict[str, Account]) -> None:
    INDEXES.clear()
    actors = [accounts[name].principal for name in ("admin", "reviewer", "filer_other", "viewer")]
    filer, other = accounts["filer"].principal, accounts["filer_other"].principal
    first = import_file(store, example("01_project_forms_tab.txt"), "01_project_forms_tab.txt", filer)
    assert first.ok and first.document_id is not None
    assert _agree(store, actors) > 0
    # an index built before further imports is patched, not rebuilt
    built = _index(store).built
    for name in ("02_department_form.md", "04_project_form_gb18030.html", "03_self_evaluation_report.txt"):
        assert import_file(store, example(name), name, other).ok
    _agree(store, actors)
    assert _index(store).built == built
    with store.read() as session:
        forms = list(session.scalars(select(StoredForm).where(StoredForm.document_id == first.document_id)))
    form = next(f for f in forms if f.kind == "project")
    edit_form(store, filer, form.id, form.version, {"indicators[0].score": "0", "indicators[1].score": "0"})
    _agree(store, actors)
    set_state(store, filer, form.id, "submit")
    with store.read() as session:
        finding = session.scalars(select(StoredFinding).where(StoredFinding.document_id == first.document_id)).first()
    assert finding is not None
    decide_finding(store, accounts["reviewer"].principal, finding.id, "accepted")
    _agree(store, actors)
    assert _index(store).built == built
    # the lists use it: a filter's facets show what choosing each value would give
    with store.read() as session:
        listing = list_documents(session, accounts["admin"].principal, Filters(kind="project"))
    kinds = {value: count for value, _, count in next(f for f in listing.facets if f.name == "kind").values}
    assert kinds["project"] == listing.total == 2
    assert kinds["department"] == 1
