"""The web app in process: login and sessions, CSRF, import, lists and downloads, editing, workflow, API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi import FastAPI
from webclient import Browser, csrf_of

from conftest import EXAMPLES, PASSWORD, PROJECT_EXAMPLE, Account, example
from jixiao.read import read_bytes
from jixiao.store.db import Store
from jixiao.store.importer import import_file
from jixiao.store.users import create_token
from jixiao.web.app import create_app


@pytest.fixture
def app(store: Store, accounts: dict[str, Account]) -> FastAPI:
    return create_app(store, migrate=False)


def _browser(app: FastAPI, account: Account) -> Browser:
    return Browser(app, account.name, account.password)


def _form_id(store: Store, account: Account, name: str = PROJECT_EXAMPLE) -> tuple[int, int]:
    result = import_file(store, example(name), name, account.principal)
    assert result.ok and result.document_id is not None
    from sqlalchemy import select

    from jixiao.store.models import StoredForm

    with store.read() as session:
        form_id = session.scalar(
            select(StoredForm.id).where(StoredForm.document_id == result.document_id, StoredForm.position == 0)
        )
    assert form_id is not None
    return result.document_id, form_id


def test_login_session_cookie_and_rate_limit(app: FastAPI, accounts: dict[str, Account]) -> None:
    anonymous = Browser(app)
    assert anonymous.get("/documents").headers["location"].startswith("/login?next=")
    wrong = anonymous.client.post(
        "/login", data={"name": accounts["filer"].name, "password": "nope-nope", "csrf_token": anonymous.token}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    no_token = anonymous.client.post("/login", data={"name": accounts["filer"].name, "password": PASSWORD})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    ok = anonymous.client.post(
        "/login", data={"name": accounts["filer"].name, "password": PASSWORD, "csrf_token": anonymous.token}
    )
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the token seen before login is useless after it: a new one was issued
    assert csrf_of(anonymous.get("/account").text) != anonymous.token
    # five failures in a row lock the account for a while, even with the right password after
    target = accounts["viewer"].name
    guesser = Browser(app)
    for _ in range(5):
        guess = {"name": target, "password": "wrong-pass", "csrf_token": guesser.token}
        assert guesser.client.post("/login", data=guess).status_code == 401
    locked = Browser(app)
    refused = locked.client.post("/login", data={"name": target, "password": PASSWORD, "csrf_token": locked.token})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.text


def test_logout_ends_the_session(app: FastAPI, accounts: dict[str, Account]) -> None:
    browser = _browser(app, accounts["filer"])
    cookie = browser.client.cookies.get("jixiao_session")
    assert browser.post("/logout").status_code == 303
    replay = Browser(app)
    replay.client.cookies.set("jixiao_session", cookie or "")
    assert replay.get("/documents").status_code == 303


def test_state_changes_need_the_csrf_token(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    _, form_id = _form_id(store, accounts["filer"])
    browser = _browser(app, accounts["filer"])
    forged = browser.client.post(f"/forms/{form_id}/state", data={"action": "submit"})
    assert forged.status_code == 403
    wrong = browser.client.post(f"/forms/{form_id}/state", data={"action": "submit", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert browser.post(f"/forms/{form_id}/state", {"action": "submit"}).status_code == 303


def test_import_many_files_with_a_bad_one(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    browser = _browser(app, accounts["filer"])
    files = [
        ("files", (PROJECT_EXAMPLE, example(PROJECT_EXAMPLE))),
        ("files", ("损坏.docx", b"PK\x03\x04word/" + b"\x00" * 200)),
        ("files", ("02_department_form.md", example("02_department_form.md"))),
    ]
    response = browser.post("/import", files=files, headers={"Accept": "application/json"})
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["message"] and results[1]["document_id"] is None
    listing = browser.get("/documents").text
    assert PROJECT_EXAMPLE in listing and "02_department_form.md" in listing and "损坏.docx" not in listing
    # the page without JavaScript: one multipart post, the results listed
    page = browser.post(
        "/import", files=[("files", ("04.html", (EXAMPLES / "04_project_form_gb18030.html").read_bytes()))]
    )
    assert page.status_code == 200 and "已导入" in page.text


def test_oversized_upload_is_refused_without_reading_it(app: FastAPI, accounts: dict[str, Account]) -> None:
    browser = _browser(app, accounts["filer"])
    sent = []

    def body() -> Iterator[bytes]:
        for _ in range(300):
            sent.append(1)
            yield b"\x00" * (1024 * 1024)

    response = browser.client.post(
        "/import",
        content=body(),
        headers={
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(300 * 1024 * 1024),
            "X-CSRF-Token": browser.token,
            "Accept": "application/json",
        },
    )
    assert response.status_code == 413
    assert "不能超过 65 MB" in response.json()["detail"]
    assert len(sent) <= 1


def _rows(body: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    data = json.loads(body)
    labels = list(data["columns"].values())
    return [labels] + [[str(v) for v in row.values()] for row in data["rows"]]


@pytest.mark.parametrize("kind", ["documents", "forms", "findings"])
def test_every_list_downloads_with_its_filters(
    app: FastAPI, store: Store, accounts: dict[str, Account], kind: str
) -> None:
    for name in (PROJECT_EXAMPLE, "02_department_form.md", "03_self_evaluation_report.txt"):
        _form_id(store, accounts["filer"], name)
    browser = _browser(app, accounts["reviewer"])
    query = {"documents": "kind=department", "forms": "kind=project", "findings": "severity=error"}[kind]
    page = browser.get(f"/{kind}?{query}").text
    counts = []
    for fmt in ("csv", "xlsx", "json"):
        response = browser.get(f"/{kind}.{fmt}?{query}")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        rows = _rows(response.content, fmt)
        assert rows[0][0] == "编号"
        counts.append(len(rows) - 1)
        everything = _rows(browser.get(f"/{kind}.{fmt}").content, fmt)
        assert len(everything) - 1 > counts[-1] > 0
    assert len(set(counts)) == 1
    assert f"共 {counts[0]} 条" in page


def test_edit_on_the_form_page_rescores_and_guards_conflicts(
    app: FastAPI, store: Store, accounts: dict[str, Account]
) -> None:
    _, form_id = _form_id(store, accounts["filer"])
    browser = _browser(app, accounts["filer"])
    page = browser.get(f"/forms/{form_id}").text
    assert 'name="indicators[1].score" value="9"' in page
    assert 'id="recomputed-total" class="">99<' in page
    edited = browser.post(
        f"/forms/{form_id}/edit",
        {"version": "1", "indicators[1].score": "10", "indicators[1].target": "≥600人次"},
        htmx=True,
    )
    assert edited.status_code == 200
    assert "已保存（第 2 版）" in edited.text
    assert 'id="recomputed-total" class="differs">100<' in edited.text
    assert "indicator.score_mismatch" not in edited.text
    stale = browser.post(f"/forms/{form_id}/edit", {"version": "1", "indicators[1].score": "7"}, htmx=True)
    assert stale.status_code == 409
    assert "您的修改未保存" in stale.text and stale.headers["HX-Retarget"] == "#flash"
    bad = browser.post(f"/forms/{form_id}/edit", {"version": "2", "indicators[1].score": "九"}, htmx=True)
    assert bad.status_code == 422 and "不是有效的数字" in bad.text
    audit = _browser(app, accounts["reviewer"]).get(f"/audit?form={form_id}").text
    assert "第 2 行指标的得分：9 → 10" in audit


def test_findings_workflow_and_what_the_department_sees(
    app: FastAPI, store: Store, accounts: dict[str, Account]
) -> None:
    document_id, form_id = _form_id(store, accounts["filer"])
    filer, reviewer = _browser(app, accounts["filer"]), _browser(app, accounts["reviewer"])
    assert filer.post(f"/forms/{form_id}/state", {"action": "submit"}).status_code == 303
    page = reviewer.get(f"/documents/{document_id}").text
    finding_id = int(page.split('id="finding-', 1)[1].split('"', 1)[0])
    no_reason = reviewer.post(f"/findings/{finding_id}/decision", {"decision": "dismissed", "reason": ""}, htmx=True)
    assert no_reason.status_code == 422 and "理由" in no_reason.text
    accepted = reviewer.post(f"/findings/{finding_id}/decision", {"decision": "accepted"}, htmx=True)
    assert accepted.status_code == 200 and "退回整改" in accepted.text
    assert reviewer.post(f"/forms/{form_id}/state", {"action": "return", "note": "请改正"}).status_code == 303
    sent_back = filer.get(filer.get("/returned").headers["location"]).text
    assert "退回整改的问题" in sent_back and "共 1 条" in sent_back
    assert "已退回" in filer.get(f"/forms/{form_id}").text
    assert filer.post(f"/findings/{finding_id}/decision", {"decision": "fixed"}).status_code == 403


def test_sampling_page_reproduces_a_draw(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    for name in (PROJECT_EXAMPLE, "02_department_form.md", "04_project_form_gb18030.html"):
        _form_id(store, accounts["filer"], name)
    reviewer = _browser(app, accounts["reviewer"])
    drawn = []
    for _ in range(2):
        location = reviewer.post("/sampling", {"seed": "42", "size": "2"}).headers["location"]
        rows = _rows(reviewer.get(f"{location}.json").content, "json")
        drawn.append([row[1] for row in rows[1:]])
    assert drawn[0] == drawn[1] and len(drawn[0]) == 2


def test_dashboard_charts_have_tables_and_csv(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    for name in (PROJECT_EXAMPLE, "02_department_form.md"):
        _form_id(store, accounts["filer"], name)
    browser = _browser(app, accounts["reviewer"])
    page = browser.get("/dashboard").text
    for key in ("rates", "scores", "checks", "departments", "years"):
        assert f'id="chart-{key}"' in page
        rows = _rows(browser.get(f"/dashboard/{key}.csv").content, "csv")
        assert rows[0]
    rates = _rows(browser.get("/dashboard/rates.csv").content, "csv")
    assert ["90%–95%", "1"] in rates
    by_check = _rows(browser.get("/dashboard/checks.csv").content, "csv")
    assert any(row[0] == "indicator.score_mismatch" for row in by_check)


def test_api_with_bearer_tokens(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    document_id, form_id = _form_id(store, accounts["filer"])
    client = Browser(app).client
    assert client.get("/api/v1/documents").status_code == 401
    token = create_token(store, accounts["filer"].principal, "测试")
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=auth).json()
    assert me["role"] == "filer" and [d["name"] for d in me["departments"]] == ["青禾县总工会"]
    listing = client.get("/api/v1/documents", headers=auth).json()
    assert listing["total"] == 1
    form = client.get(f"/api/v1/forms/{form_id}", headers=auth).json()
    assert form["indicators"][1]["score"] == 9 and form["version"] == 1
    changed = client.patch(
        f"/api/v1/forms/{form_id}", json={"version": 1, "values": {"indicators[1].score": "10"}}, headers=auth
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    conflict = client.patch(
        f"/api/v1/forms/{form_id}", json={"version": 1, "values": {"indicators[1].score": "8"}}, headers=auth
    )
    assert conflict.status_code == 409 and "未保存" in conflict.json()["detail"]
    upload = client.post(
        "/api/v1/documents", files=[("files", ("03.txt", example("03_self_evaluation_report.txt")))], headers=auth
    )
    assert upload.json()["results"][0]["ok"]
    spec = client.get("/openapi.json").json()
    assert "/api/v1/forms/{form_id}" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "修改表单数值" in docs.text
    # a cookie session does not open the API
    browser = _browser(app, accounts["filer"])
    assert browser.get("/api/v1/documents").status_code == 401
    assert (
        client.get(f"/api/v1/documents/{document_id}", headers={"Authorization": "Bearer jx_wrong"}).status_code == 401
    )


def test_downloads_of_one_document(app: FastAPI, store: Store, accounts: dict[str, Account]) -> None:
    document_id, _ = _form_id(store, accounts["filer"])
    browser = _browser(app, accounts["viewer"])
    original = browser.get(f"/documents/{document_id}/original")
    assert original.content == example(PROJECT_EXAMPLE)
    workbook = browser.get(f"/documents/{document_id}/forms.xlsx")
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames
    report = browser.get(f"/documents/{document_id}/report.html")
    assert report.status_code == 200 and "职工技能提升培训专项" in report.text
    data = json.loads(browser.get(f"/documents/{document_id}/jixiao.json").content)
    assert data["format"] == "jixiao/1" and len(data["forms"]) == 2
    draft = browser.get(f"/documents/{document_id}/draft.docx")
    assert draft.status_code == 200 and "attachment" in draft.headers["content-disposition"]
    drafted = "\n".join(read_bytes(draft.content, "draft.docx").lines)
    assert "职工技能提升培训专项" in drafted and "存在的问题" in drafted
    assert browser.get(f"/documents/{document_id}/draft.xlsx").status_code == 404


def test_responses_say_how_long_the_server_took(app: FastAPI, accounts: dict[str, Account]) -> None:
    browser = _browser(app, accounts["viewer"])
    for path in ("/documents", "/dashboard", "/forms.csv"):
        timing = browser.get(path).headers.get("server-timing", "")
        assert timing.startswith("app;dur=") and float(timing.split("=", 1)[1]) >= 0, (path, timing)
