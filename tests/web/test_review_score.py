"""复核评分: the finance bureau's own score of a form, its grade, its note, and where they show."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select
from webclient import Browser

from conftest import PROJECT_EXAMPLE, Account, example
from jixiao.store.access import Invalid, NotFound, Refused
from jixiao.store.db import Store
from jixiao.store.editing import edit_form
from jixiao.store.importer import import_file
from jixiao.store.models import AuditEntry, StoredForm
from jixiao.store.review_score import set_review_score
from jixiao.store.users import create_token
from jixiao.web.app import create_app


def _forms(store: Store, filer: Account, filename: str = "青禾.txt") -> list[StoredForm]:
    result = import_file(store, example(PROJECT_EXAMPLE), filename, filer.principal)
    assert result.ok and result.document_id is not None
    with store.read() as session:
        forms = list(
            session.scalars(
                select(StoredForm).where(StoredForm.document_id == result.document_id).order_by(StoredForm.position)
            )
        )
        session.expunge_all()
    return forms


def _stored(store: Store, form_id: int) -> StoredForm:
    with store.read() as session:
        form = session.get(StoredForm, form_id)
        assert form is not None
        session.expunge(form)
        return form


def test_a_reviewer_scores_a_form_and_the_grade_follows(store: Store, accounts: dict[str, Account]) -> None:
    form = _forms(store, accounts["filer"])[0]
    set_review_score(store, accounts["reviewer"].principal, form.id, " 86.5 ", "满意度调查样本不足，酌减")
    stored = _stored(store, form.id)
    assert (stored.review_score, stored.review_grade) == (Decimal("86.5"), "良")
    assert stored.review_note == "满意度调查样本不足，酌减"
    assert stored.reviewed_by == accounts["reviewer"].principal.id and stored.reviewed_at is not None
    set_review_score(store, accounts["reviewer"].principal, form.id, "90", "")
    assert _stored(store, form.id).review_grade == "优"  # 90 is the lower bound of 优, not 良
    set_review_score(store, accounts["reviewer"].principal, form.id, "", "撤销")
    cleared = _stored(store, form.id)
    assert (cleared.review_score, cleared.review_grade, cleared.review_note, cleared.reviewed_by) == (None,) * 4
    with store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "review_score")).all()
    assert [entry.detail["to"]["score"] for entry in entries] == ["86.5", "90", None]
    assert entries[1].detail["from"]["grade"] == "良"


@pytest.mark.parametrize(
    ("score", "message"), [("abc", "不是有效的数字"), ("101", "0 至 100"), ("-1", "0 至 100"), ("86.555", "两位小数")]
)
def test_scores_that_cannot_be(store: Store, accounts: dict[str, Account], score: str, message: str) -> None:
    form = _forms(store, accounts["filer"])[0]
    with pytest.raises(Invalid, match=message):
        set_review_score(store, accounts["reviewer"].principal, form.id, score)
    assert _stored(store, form.id).review_score is None


@pytest.mark.parametrize(("role", "error"), [("filer", Refused), ("viewer", Refused), ("reviewer_other", NotFound)])
def test_only_a_reviewer_of_the_department_scores(
    store: Store, accounts: dict[str, Account], role: str, error: type[Exception]
) -> None:
    form = _forms(store, accounts["filer"])[0]
    with pytest.raises(error):
        set_review_score(store, accounts[role].principal, form.id, "80")
    assert _stored(store, form.id).review_score is None


def test_the_form_page_shows_the_review_and_warns_when_the_form_changed_after_it(
    store: Store, accounts: dict[str, Account]
) -> None:
    form = _forms(store, accounts["filer"])[0]
    app = create_app(store, migrate=False)
    reviewer = Browser(app, accounts["reviewer"].name, accounts["reviewer"].password)
    filer = Browser(app, accounts["filer"].name, accounts["filer"].password)
    assert "保存复核评分" in reviewer.get(f"/forms/{form.id}").text
    assert "复核评分" not in filer.get(f"/forms/{form.id}").text  # nothing to show the department yet

    saved = reviewer.post(f"/forms/{form.id}/review-score", {"score": "76", "note": "佐证材料不全"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/forms/{form.id}#review-score"
    page = filer.get(f"/forms/{form.id}").text
    assert "复核得分 <strong>76</strong>（中）" in page and "佐证材料不全" in page
    assert "保存复核评分" not in page and "表单又被修改过" not in page
    refused = reviewer.post(f"/forms/{form.id}/review-score", {"score": "120"})
    assert refused.status_code == 422

    edit_form(
        store, accounts["filer"].principal, form.id, _stored(store, form.id).version, {"indicators[0].note": "补充"}
    )
    assert "表单又被修改过" in reviewer.get(f"/forms/{form.id}").text


def test_the_forms_list_and_its_export_carry_the_review(store: Store, accounts: dict[str, Account]) -> None:
    form = _forms(store, accounts["filer"])[0]
    set_review_score(store, accounts["reviewer"].principal, form.id, "88", "扣减满意度指标")
    stated = _stored(store, form.id).total_score
    assert stated is not None
    browser = Browser(create_app(store, migrate=False), accounts["viewer"].name, accounts["viewer"].password)
    assert "<th>复核得分</th>" in browser.get("/forms").text
    rows = list(csv.DictReader(io.StringIO(browser.get("/forms.csv").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["编号"] == str(form.id))
    assert (row["复核得分"], row["复核等级"], row["复核意见"]) == ("88", "良", "扣减满意度指标")
    assert Decimal(row["自评减复核"]) == stated - 88


def test_the_api(store: Store, accounts: dict[str, Account]) -> None:
    forms = _forms(store, accounts["filer"])
    client = Browser(create_app(store, migrate=False)).client
    auth = {"Authorization": f"Bearer {create_token(store, accounts['reviewer'].principal)}"}
    response = client.post(f"/api/v1/forms/{forms[0].id}/review-score", json={"score": "91.5"}, headers=auth)
    assert response.status_code == 200
    assert response.json()["review"]["score"] == 91.5 and response.json()["review"]["grade"] == "优"
    detail = client.get(f"/api/v1/forms/{forms[0].id}", headers=auth).json()
    assert detail["review"]["grade"] == "优"


def test_a_report_has_no_score_to_review(store: Store, accounts: dict[str, Account]) -> None:
    result = import_file(store, example("03_self_evaluation_report.txt"), "报告.txt", accounts["filer"].principal)
    assert result.ok and result.document_id is not None
    with store.read() as session:
        report = session.scalar(
            select(StoredForm.id).where(StoredForm.document_id == result.document_id, StoredForm.kind == "report")
        )
    assert report is not None
    with pytest.raises(Invalid, match="自评报告没有分数"):
        set_review_score(store, accounts["reviewer"].principal, report, "90")
