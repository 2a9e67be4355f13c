"""Forms filled in online: a blank 项目支出绩效自评表 created in the app, filled cell by cell, rows added and removed.

Checked on the store (derived cells, the text the form is kept as, its lines, permissions) and through the
pages (the new-form page, live scoring after each change, row buttons).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from webclient import Browser

from conftest import Account
from jixiao.model import DepartmentForm, ProjectForm
from jixiao.pipeline import extract_source
from jixiao.read import read_bytes
from jixiao.store.access import Invalid, NotFound, Principal, Refused
from jixiao.store.db import Store
from jixiao.store.documents import rebuild
from jixiao.store.editing import edit_form
from jixiao.store.models import AuditEntry, StoredDocument, StoredFinding, StoredForm, StoredIndicator
from jixiao.store.online import ONLINE, create_department_form, create_project_form, encode
from jixiao.store.review_score import set_review_score
from jixiao.store.users import create_token
from jixiao.web.app import create_app

PROJECT = "职工书屋建设"


def _create(store: Store, actor: Principal, project: str = PROJECT, year: int = 2025, department: str = "") -> int:
    result = create_project_form(store, actor, project, year, department)
    assert result.ok and result.document_id is not None, result.message
    with store.read() as session:
        form_id = session.scalar(select(StoredForm.id).where(StoredForm.document_id == result.document_id))
    assert form_id is not None
    return form_id


def _edit(store: Store, actor: Principal, form_id: int, values: dict[str, str]) -> None:
    with store.read() as session:
        form = session.get(StoredForm, form_id)
        assert form is not None
        version = form.version
    edit_form(store, actor, form_id, version, dict(values))


def _state(store: Store, form_id: int) -> tuple[StoredForm, StoredDocument, list[str]]:
    with store.read() as session:
        form = session.get(StoredForm, form_id)
        assert form is not None
        document = session.get(StoredDocument, form.document_id)
        assert document is not None
        checks = list(session.scalars(select(StoredFinding.check_id).where(StoredFinding.form_id == form_id)))
        session.expunge_all()
        return form, document, checks


FILLED = {
    "funds.total.initial": "50",
    "funds.total.budget": "40",
    "funds.total.executed": "36",
    "funds.fiscal.budget": "40",
    "funds.fiscal.executed": "36",
    "funds.score": "9",
    "goals.expected": "建成职工书屋10个，职工满意度达到90%以上",
    "goals.actual": "建成职工书屋10个，职工满意度92%",
    "indicators[0].name": "建成职工书屋数量",
    "indicators[0].target": "≥10个",
    "indicators[0].actual": "10个",
    "indicators[0].weight": "50",
    "indicators[0].score": "50",
    "indicators[5].name": "职工阅读条件改善",
    "indicators[5].target": "明显改善",
    "indicators[5].actual": "明显改善",
    "indicators[5].weight": "30",
    "indicators[5].score": "30",
    "indicators[8].name": "职工满意度",
    "indicators[8].target": "≥90%",
    "indicators[8].actual": "92%",
    "indicators[8].weight": "10",
    "indicators[8].score": "10",
}
UNUSED_ROWS = (7, 6, 4, 3, 2, 1)  # deleted from the bottom up, so the indices stay valid


def _fill(store: Store, actor: Principal, form_id: int) -> None:
    _edit(store, actor, form_id, FILLED)
    for index in UNUSED_ROWS:
        _edit(store, actor, form_id, {"op": f"delete:{index}"})


def test_a_blank_form_has_the_national_rows_and_is_kept_as_text(store: Store, accounts: dict[str, Account]) -> None:
    form_id = _create(store, accounts["filer"].principal)
    form, document, _ = _state(store, form_id)
    assert document.format == ONLINE and form.department_id is not None
    assert form.name == PROJECT and form.year == 2025 and form.status == "draft"
    with store.read() as session:
        rows = list(session.scalars(select(StoredIndicator).where(StoredIndicator.form_id == form_id)))
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        model = rebuild(stored).forms[0]
        lines = stored.lines
        content = stored.content
    assert [(row.level1, row.level2) for row in sorted(rows, key=lambda r: r.position)][:2] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
    ]
    assert len(rows) == 9
    assert model.funds.weight == Decimal(10)  # the national 预算执行率 weight
    assert content.decode("utf-8").splitlines() == lines
    assert model.line == 1 and lines[0] == "项目支出绩效自评表"
    assert [line.split("\t")[-1] for line in lines if line.startswith("项目名称")] == [PROJECT]
    for row in rows:
        assert row.level2 in lines[row.line - 1]  # each row's line is the row as written
    with store.read() as session:
        severities = set(session.scalars(select(StoredFinding.severity).where(StoredFinding.form_id == form_id)))
    assert severities <= {"info"}  # a form not yet filled in is not wrong


def test_filling_derives_rate_total_and_grade_and_reads_back(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"].principal
    form_id = _create(store, filer)
    _fill(store, filer, form_id)
    form, _, _ = _state(store, form_id)
    assert form.stated_rate == Decimal("0.9") and form.execution_rate == Decimal("0.9")
    assert form.total_score == Decimal(99) and form.grade == "优"
    assert form.budget == Decimal(40) and form.executed == Decimal(36)
    with store.read() as session:
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        model = rebuild(stored).forms[0]
        errors = list(
            session.scalars(
                select(StoredFinding.check_id).where(
                    StoredFinding.form_id == form_id, StoredFinding.severity == "error"
                )
            )
        )
        lines = stored.lines
    assert errors == []
    assert [row.name for row in model.indicators] == ["建成职工书屋数量", "职工阅读条件改善", "职工满意度"]
    for row in model.indicators:
        assert row.name and row.name in lines[row.line - 1]
    # the text kept for the form is a form jixiao reads back: same funds, rows and scores
    (read,) = extract_source(read_bytes(encode(lines), "online.txt")).forms
    assert read.kind == "project" and read.project == PROJECT
    assert read.funds.total.budget == Decimal(40) and read.funds.total.executed == Decimal(36)
    assert [(row.name, row.weight, row.score) for row in read.indicators] == [
        (row.name, row.weight, row.score) for row in model.indicators
    ]
    assert read.total_score == Decimal(99)


def test_a_wrong_score_is_found_at_once_and_a_half_filled_form_has_no_total(
    store: Store, accounts: dict[str, Account]
) -> None:
    filer = accounts["filer"].principal
    form_id = _create(store, filer)
    _fill(store, filer, form_id)
    _edit(store, filer, form_id, {"indicators[0].actual": "8个"})  # 8 of 10 built, score left at full marks
    form, _, checks = _state(store, form_id)
    assert "indicator.full_score_unmet" in checks
    _edit(store, filer, form_id, {"indicators[1].score": ""})
    form, _, _ = _state(store, form_id)
    assert form.total_score is None and form.grade is None


def test_rows_are_added_under_the_same_groups_and_removed(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"].principal
    form_id = _create(store, filer)
    _edit(store, filer, form_id, {"op": "add:0"})
    with store.read() as session:
        rows = sorted(
            session.scalars(select(StoredIndicator).where(StoredIndicator.form_id == form_id)),
            key=lambda row: row.position,
        )
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.object_id == form_id)))
    assert len(rows) == 10 and (rows[1].level1, rows[1].level2) == ("产出指标", "数量指标")
    assert any(entry.action == "edit" and entry.detail["changes"][0]["field"] == "indicators" for entry in entries)
    _edit(store, filer, form_id, {"op": "delete:9"})
    with store.read() as session:
        count = len(list(session.scalars(select(StoredIndicator).where(StoredIndicator.form_id == form_id))))
    assert count == 9
    with pytest.raises(Invalid):
        _edit(store, filer, form_id, {"op": "delete:40"})
    with pytest.raises(Invalid):
        _edit(store, filer, form_id, {"op": "swap:1"})


def test_who_may_create_and_where(store: Store, accounts: dict[str, Account]) -> None:
    for role in ("reviewer", "viewer"):
        with pytest.raises(Refused):
            create_project_form(store, accounts[role].principal, PROJECT, 2025)
    with pytest.raises(Invalid):
        create_project_form(store, accounts["admin"].principal, PROJECT, 2025)  # an admin names the department
    with pytest.raises(Invalid):
        create_project_form(store, accounts["filer"].principal, "  ", 2025)
    with pytest.raises(Invalid):
        create_project_form(store, accounts["filer"].principal, PROJECT, 1899)
    form_id = _create(store, accounts["filer"].principal, department="云岭市总工会")  # a filer's own department wins
    with store.read() as session:
        form = session.get(StoredForm, form_id)
        assert form is not None and form.department is not None
        assert form.department.name == "青禾县总工会"
    with pytest.raises(Invalid, match="已有项目"):
        create_project_form(store, accounts["filer"].principal, PROJECT, 2025)
    other = _create(store, accounts["filer_other"].principal)  # the same project in another department is its own
    assert other != form_id
    admin_made = _create(store, accounts["admin"].principal, project="困难职工帮扶", department="云岭市总工会")
    with pytest.raises(NotFound):  # another department's form is not even shown to exist
        _edit(store, accounts["filer"].principal, admin_made, {"indicators[0].name": "x"})


def test_the_pages_create_fill_and_recompute(store: Store, accounts: dict[str, Account]) -> None:
    app = create_app(store, migrate=False)
    browser = Browser(app, accounts["filer"].name, accounts["filer"].password)
    page = browser.get("/forms/new")
    assert page.status_code == 200 and 'value="department"' in page.text
    refused = browser.post("/forms/new", {"project": PROJECT, "year": "二〇二五"})
    assert refused.status_code == 422 and "不是有效的年份" in refused.text
    created = browser.post("/forms/new", {"project": PROJECT, "year": "2025", "profile": ""})
    assert created.status_code == 303
    url = created.headers["location"]
    form_id = int(url.rsplit("/", 1)[1])
    page = browser.get(url)
    assert 'name="funds.total.budget"' in page.text and 'name="indicators[0].name"' in page.text
    assert 'value="add:0"' in page.text and 'name="total_score"' not in page.text  # the total is derived

    def post(values: dict[str, str]) -> str:
        with store.read() as session:
            version = session.get(StoredForm, form_id).version  # type: ignore[union-attr]
        response = browser.post(f"/forms/{form_id}/edit", {"version": str(version), **values}, htmx=True)
        assert response.status_code == 200, response.text
        return response.text

    body = post(FILLED)
    assert "已保存" in body and 'id="recomputed-total"' in body
    body = post({"op": "add:8"})
    assert 'name="indicators[9].name"' in body
    assert browser.post("/forms/new", {"project": PROJECT, "year": "2025"}).status_code == 422  # already there
    department = browser.post("/forms/new", {"kind": "department", "year": "2025"})
    assert department.status_code == 303
    page = browser.get(department.headers["location"])
    assert 'name="overall.initial"' in page.text and 'name="indicators[0].basis"' in page.text
    assert 'value="add:0"' not in page.text  # the framework's rows are fixed
    viewer = Browser(app, accounts["viewer"].name, accounts["viewer"].password)
    assert viewer.get("/forms/new").status_code == 403
    assert viewer.post("/forms/new", {"project": "x", "year": "2025"}).status_code == 403


def test_the_api_creates_and_fills_the_same_way(store: Store, accounts: dict[str, Account]) -> None:
    app = create_app(store, migrate=False)
    client = Browser(app).client
    auth = {"Authorization": f"Bearer {create_token(store, accounts['filer'].principal)}"}
    created = client.post("/api/v1/forms", json={"project": PROJECT, "year": 2025}, headers=auth)
    assert created.status_code == 200, created.text
    form_id = created.json()["form_id"]
    changed = client.patch(
        f"/api/v1/forms/{form_id}",
        json={"version": 1, "values": {"funds.total.budget": "40", "funds.total.executed": "36", "op": "delete:3"}},
        headers=auth,
    )
    assert changed.status_code == 200, changed.text
    assert {change["field"] for change in changed.json()["changes"]} == {
        "funds.total.budget",
        "funds.total.executed",
        "indicators",
    }
    detail = client.get(f"/api/v1/forms/{form_id}", headers=auth).json()
    assert len(detail["indicators"]) == 8 and detail["execution_rate"] == 0.9 and detail["budget"] == 40
    again = client.post("/api/v1/forms", json={"project": PROJECT, "year": 2025}, headers=auth)
    assert again.status_code == 422 and "已有项目" in again.text
    viewer = {"Authorization": f"Bearer {create_token(store, accounts['viewer'].principal)}"}
    assert client.post("/api/v1/forms", json={"project": "x", "year": 2025}, headers=viewer).status_code == 403


def test_a_department_form_is_the_framework_filled_and_read_back(store: Store, accounts: dict[str, Account]) -> None:
    filer = accounts["filer"].principal
    result = create_department_form(store, filer, 2025)
    assert result.ok and result.document_id is not None
    with store.read() as session:
        form_id = session.scalar(select(StoredForm.id).where(StoredForm.document_id == result.document_id))
    assert form_id is not None
    funds = {"overall.carryover": "12", "overall.initial": "800", "overall.adjustment": "40", "overall.executed": "830"}
    rows = {}
    for index in range(28):
        weight = "4" if index < 25 else "0"
        rows |= {f"indicators[{index}].weight": weight, f"indicators[{index}].score": weight}
        rows[f"indicators[{index}].basis"] = "已按计划完成"
    _edit(store, filer, form_id, funds | rows)
    _edit(store, filer, form_id, {"indicators[0].score": "3"})
    form, _, _ = _state(store, form_id)
    assert form.kind == "department" and form.total_score == Decimal(99) and form.grade == "优"
    with store.read() as session:
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        model = rebuild(stored).forms[0]
        lines = stored.lines
        errors = list(
            session.scalars(
                select(StoredFinding.check_id).where(
                    StoredFinding.form_id == form_id, StoredFinding.severity == "error"
                )
            )
        )
    assert errors == []
    assert isinstance(model, DepartmentForm) and model.overall_funds.balance == Decimal(22)  # 12+800+40-830
    (read,) = extract_source(read_bytes(encode(lines), "online.txt")).forms
    assert isinstance(read, DepartmentForm) and read.layout == "framework"
    assert read.overall_funds == model.overall_funds and read.total_score == Decimal(99)
    assert [(r.level1, r.level2, r.name, r.weight, r.score) for r in read.indicators] == [
        (r.level1, r.level2, r.name, r.weight, r.score) for r in model.indicators
    ]
    with pytest.raises(Invalid, match="已有部门整体"):
        create_department_form(store, filer, 2025)
    with pytest.raises(Invalid):
        _edit(store, filer, form_id, {"op": "add:0"})  # the framework's rows are the framework's


def test_a_target_form_has_no_scores_and_reads_back(store: Store, accounts: dict[str, Account]) -> None:
    """项目支出绩效目标完成情况表: targets against actuals, the rate derived, no weight, score or total anywhere."""
    filer = accounts["filer"].principal
    result = create_project_form(store, filer, PROJECT, 2025, scored=False)
    assert result.ok and result.document_id is not None and "目标完成情况表" in result.filename
    with store.read() as session:
        form_id = session.scalar(select(StoredForm.id).where(StoredForm.document_id == result.document_id))
    assert form_id is not None
    with pytest.raises(Invalid, match="已有项目"):  # one project form per project and year, of either kind
        create_project_form(store, filer, PROJECT, 2025)
    values = {
        "funds.total.budget": "40",
        "funds.total.executed": "30",
        "funds.fiscal.budget": "40",
        "funds.fiscal.executed": "30",
        "indicators[0].name": "建成职工书屋数量",
        "indicators[0].target": "≥10个",
        "indicators[0].actual": "8个",
        "indicators[0].note": "两处场地未落实，顺延至次年",
    }
    _edit(store, filer, form_id, values)
    for scoring in ({"indicators[0].weight": "50"}, {"funds.score": "9"}, {"total_score": "90"}):
        with pytest.raises(Invalid, match="不评分"):
            _edit(store, filer, form_id, scoring)

    form, _, _ = _state(store, form_id)
    assert form.execution_rate == Decimal("0.75") and form.total_score is None and form.grade is None
    with store.read() as session:
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        lines = stored.lines
    text = "\n".join(lines)
    assert text.startswith("项目支出绩效目标完成情况表") and "分值" not in text and "得分" not in text
    back = extract_source(read_bytes(encode(lines), "back.txt")).forms
    assert len(back) == 1
    read = back[0]
    assert isinstance(read, ProjectForm) and not read.scored
    assert read.funds.total.executed == Decimal(30) and read.funds.weight is None
    assert (read.indicators[0].name, read.indicators[0].target, read.indicators[0].actual) == (
        "建成职工书屋数量",
        "≥10个",
        "8个",
    )
    assert all(row.weight is None and row.score is None for row in read.indicators)
    with pytest.raises(Invalid, match="不评分"):
        set_review_score(store, accounts["reviewer"].principal, form_id, "80")


def test_the_new_form_page_offers_the_target_form(store: Store, accounts: dict[str, Account]) -> None:
    app = create_app(store, migrate=False)
    browser = Browser(app, accounts["filer"].name, accounts["filer"].password)
    assert 'value="target"' in browser.get("/forms/new").text
    created = browser.post("/forms/new", {"kind": "target", "project": PROJECT, "year": "2025"})
    assert created.status_code == 303
    page = browser.get(created.headers["location"]).text
    assert 'name="indicators[0].target"' in page and 'name="indicators[0].note"' in page
    assert 'name="indicators[0].weight"' not in page and 'name="funds.weight"' not in page
    assert "各项得分合计" not in page and "<th>分值</th>" not in page and "保存复核评分" not in page
    reviewer = Browser(app, accounts["reviewer"].name, accounts["reviewer"].password)
    assert "保存复核评分" not in reviewer.get(created.headers["location"]).text
    assert browser.post("/forms/new", {"kind": "bogus", "project": "x", "year": "2025"}).status_code == 422
