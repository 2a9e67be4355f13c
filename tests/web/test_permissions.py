"""The permission matrix: every role × every route × own or other department → allowed or refused, no leaks.

Two departments each hold the same example document under their own file name. A
scoped user acting on the other department's objects must get 404 (its existence is
not revealed); a role that may not do an action gets 403; an allowed action gets 2xx
or a redirect. Every list, download and chart a scoped user can reach must not
mention the other department at all.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import openpyxl
import pytest
from sqlalchemy import select
from webclient import Browser

from conftest import PROJECT_EXAMPLE, Account, example
from jixiao.store.db import Store
from jixiao.store.editing import set_state
from jixiao.store.importer import import_file
from jixiao.store.models import Department, StoredFinding, StoredForm
from jixiao.store.users import create_token
from jixiao.web.app import create_app

OWN, OTHER = "青禾县总工会", "云岭市总工会"
OTHER_MARKERS = (OTHER, "云岭项目表")
ROLES = ("admin", "filer", "reviewer", "viewer")
# which roles may do each kind of action (in reach of the department)
MAY = {
    "read": {"admin", "filer", "reviewer", "viewer"},
    "fill": {"admin", "filer"},
    "review": {"admin", "reviewer"},
}


@dataclass(frozen=True, slots=True)
class Objects:
    document: int
    draft_form: int
    submitted_form: int
    finding: int
    department: int


def _objects(store: Store, filer: Account, filename: str) -> Objects:
    result = import_file(store, example(PROJECT_EXAMPLE), filename, filer.principal)
    assert result.ok and result.document_id
    with store.read() as session:
        forms = session.scalars(
            select(StoredForm).where(StoredForm.document_id == result.document_id).order_by(StoredForm.position)
        ).all()
        finding = session.scalar(select(StoredFinding.id).where(StoredFinding.document_id == result.document_id))
    set_state(store, filer.principal, forms[1].id, "submit")
    assert finding is not None and forms[0].department_id is not None
    return Objects(result.document_id, forms[0].id, forms[1].id, finding, forms[0].department_id)


@pytest.fixture
def world(store: Store, accounts: dict[str, Account]) -> dict[str, Objects]:
    return {
        "own": _objects(store, accounts["filer"], "青禾项目表.txt"),
        "other": _objects(store, accounts["filer_other"], "云岭项目表.txt"),
    }


def _version(store: Store, form_id: int) -> str:
    with store.read() as session:
        form = session.get(StoredForm, form_id)
        assert form is not None
        return str(form.version)


Call = Callable[[Objects], httpx.Response]


def _web_routes(browser: Browser, store: Store) -> list[tuple[str, str, Call]]:
    """(name, needed permission, call) for every page route that touches one department's object."""
    return [
        ("文档页", "read", lambda o: browser.get(f"/documents/{o.document}")),
        ("原文件", "read", lambda o: browser.get(f"/documents/{o.document}/original")),
        ("审核报告", "read", lambda o: browser.get(f"/documents/{o.document}/report.html")),
        ("JSON", "read", lambda o: browser.get(f"/documents/{o.document}/jixiao.json")),
        ("审核工作簿", "read", lambda o: browser.get(f"/documents/{o.document}/review.xlsx")),
        ("标准表格", "read", lambda o: browser.get(f"/documents/{o.document}/forms.xlsx")),
        ("自评报告草稿", "read", lambda o: browser.get(f"/documents/{o.document}/draft.docx")),
        ("表单页", "read", lambda o: browser.get(f"/forms/{o.draft_form}")),
        (
            "修改数值",
            "fill",
            lambda o: browser.post(
                f"/forms/{o.draft_form}/edit",
                {"version": _version(store, o.draft_form), "indicators[0].note": "已核对"},
                htmx=True,
            ),
        ),
        (
            "增删指标行",
            "fill",
            lambda o: browser.post(
                f"/forms/{o.draft_form}/edit", {"version": _version(store, o.draft_form), "op": "add:0"}, htmx=True
            ),
        ),
        ("送审", "fill", lambda o: browser.post(f"/forms/{o.draft_form}/state", {"action": "submit"})),
        ("审核问题", "review", lambda o: browser.post(f"/findings/{o.finding}/decision", {"decision": "accepted"})),
        ("通过", "review", lambda o: browser.post(f"/forms/{o.submitted_form}/state", {"action": "approve"})),
        ("退回", "review", lambda o: browser.post(f"/forms/{o.submitted_form}/state", {"action": "return"})),
        ("复核评分", "review", lambda o: browser.post(f"/forms/{o.submitted_form}/review-score", {"score": "90"})),
        (
            "批量审核问题",
            "review",
            lambda o: browser.post("/findings/decisions", {"ids": str(o.finding), "decision": "fixed"}),
        ),
    ]


def _api_routes(client: httpx.Client, token: str, store: Store) -> list[tuple[str, str, Call]]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        ("接口文档详情", "read", lambda o: client.get(f"/api/v1/documents/{o.document}", headers=auth)),
        ("接口表单详情", "read", lambda o: client.get(f"/api/v1/forms/{o.draft_form}", headers=auth)),
        (
            "接口修改",
            "fill",
            lambda o: client.patch(
                f"/api/v1/forms/{o.draft_form}",
                json={"version": int(_version(store, o.draft_form)), "values": {"indicators[0].note": "已核对"}},
                headers=auth,
            ),
        ),
        (
            "接口送审",
            "fill",
            lambda o: client.post(f"/api/v1/forms/{o.draft_form}/state", json={"action": "submit"}, headers=auth),
        ),
        (
            "接口审核问题",
            "review",
            lambda o: client.post(
                f"/api/v1/findings/{o.finding}/decision", json={"decision": "accepted"}, headers=auth
            ),
        ),
        (
            "接口通过",
            "review",
            lambda o: client.post(f"/api/v1/forms/{o.submitted_form}/state", json={"action": "approve"}, headers=auth),
        ),
        (
            "接口复核评分",
            "review",
            lambda o: client.post(f"/api/v1/forms/{o.submitted_form}/review-score", json={"score": "90"}, headers=auth),
        ),
        (
            "接口批量审核问题",
            "review",
            lambda o: client.post(
                "/api/v1/findings/decisions", json={"ids": [o.finding], "decision": "fixed"}, headers=auth
            ),
        ),
    ]


def _expected(role: str, need: str, where: str) -> str:
    if role != "admin" and where == "other":
        return "hidden"
    return "allowed" if role in MAY[need] else "refused"


def _outcome(response: httpx.Response) -> str:
    if response.status_code in (200, 303):
        return "allowed"
    if response.status_code == 403:
        return "refused"
    if response.status_code == 404:
        return "hidden"
    return f"status {response.status_code}"


def _check(routes: list[tuple[str, str, Call]], role: str, world: dict[str, Objects]) -> list[str]:
    wrong = []
    for where in ("own", "other"):
        for name, need, call in routes:
            response = call(world[where])
            expected, got = _expected(role, need, where), _outcome(response)
            if expected != got:
                wrong.append(f"{role} {name} {where}: 应为 {expected}，实为 {got}（{response.text[:80]}）")
            if got == "hidden" and any(marker in response.text for marker in OTHER_MARKERS):
                wrong.append(f"{role} {name} {where}: 拒绝时泄露了其他部门的信息")
    return wrong


@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(
    store: Store, accounts: dict[str, Account], world: dict[str, Objects], role: str
) -> None:
    app = create_app(store, migrate=False)
    browser = Browser(app, accounts[role].name, accounts[role].password)
    assert _check(_web_routes(browser, store), role, world) == []


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(
    store: Store, accounts: dict[str, Account], world: dict[str, Objects], role: str
) -> None:
    app = create_app(store, migrate=False)
    client = Browser(app).client
    token = create_token(store, accounts[role].principal)
    assert _check(_api_routes(client, token, store), role, world) == []


ROLE_PAGES = {
    # page: roles that may open it
    "/import": {"admin", "filer"},
    "/forms/new": {"admin", "filer"},
    "/sampling": {"admin", "reviewer"},
    "/audit": {"admin", "reviewer"},
    "/users": {"admin"},
    "/documents": set(ROLES),
    "/dashboard": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_pages(store: Store, accounts: dict[str, Account], world: dict[str, Objects], role: str) -> None:
    app = create_app(store, migrate=False)
    browser = Browser(app, accounts[role].name, accounts[role].password)
    for page, roles in ROLE_PAGES.items():
        status = browser.get(page).status_code
        assert (status == 200) == (role in roles), f"{role} {page}: {status}"
    added = browser.post("/users", {"name": "新人", "password": "long-enough-1", "role": "viewer", "departments": OWN})
    assert (added.status_code == 200) == (role == "admin"), added.status_code
    created = browser.post("/forms/new", {"project": "职工书屋建设", "year": "2025", "department": OWN})
    assert (created.status_code == 303) == (role in ("admin", "filer")), created.status_code
    token = create_token(store, accounts[role].principal)
    upload = browser.client.post(
        "/api/v1/documents",
        files=[("files", ("03.txt", example("03_self_evaluation_report.txt")))],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (upload.status_code == 200) == (role in ("admin", "filer")), upload.status_code


def _text(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ("filer", "reviewer", "viewer"))
def test_lists_downloads_and_charts_do_not_leak(
    store: Store, accounts: dict[str, Account], world: dict[str, Objects], role: str
) -> None:
    app = create_app(store, migrate=False)
    browser = Browser(app, accounts[role].name, accounts[role].password)
    other = world["other"]
    with store.read() as session:
        other_id = session.scalar(select(Department.id).where(Department.name == OTHER))
    urls = [
        "/documents",
        "/forms",
        "/findings",
        "/dashboard",
        "/documents.csv",
        "/documents.xlsx",
        "/forms.json",
        "/findings.csv",
        "/findings.xlsx",
        f"/documents?department={other_id}",
        f"/forms?document={other.document}",
        f"/findings?document={other.document}",
        f"/findings.json?form={other.draft_form}",
        "/documents?q=云岭",
        "/dashboard/departments.csv",
        "/dashboard/checks.json",
        "/dashboard/years.csv",
        "/dashboard/scores.csv",
        f"/dashboard?department={other_id}",
    ]
    if role == "reviewer":
        urls += ["/audit", "/audit.csv", "/sampling"]
        drawn = browser.post("/sampling", {"seed": "1", "size": "50", "department": str(other_id)})
        urls += [drawn.headers["location"], drawn.headers["location"] + ".json"]
    token = create_token(store, accounts[role].principal)
    auth = {"Authorization": f"Bearer {token}"}
    responses = [(url, browser.get(url)) for url in urls]
    responses += [
        (url, browser.client.get(url, headers=auth))
        for url in (
            "/api/v1/documents",
            "/api/v1/forms",
            "/api/v1/findings",
            "/api/v1/dashboard",
            "/api/v1/me",
            f"/api/v1/documents?department={other_id}",
        )
    ]
    for url, response in responses:
        assert response.status_code == 200, url
        text = _text(response)
        for marker in OTHER_MARKERS:
            assert marker not in text, f"{role} {url} 泄露了 {marker}"
    # and the own department is there, so the check above is not vacuous
    assert "青禾项目表" in _text(browser.get("/documents.csv"))
