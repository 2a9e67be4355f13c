"""The finance bureau's 复核 score of a form: what gets published beside the department's own score.

jixiao re-scores what the rules can decide (the execution rate, quantitative
rows, totals, grade bands), but a qualitative row's points within its band and
the weight of a weak target are the reviewer's judgement. The reviewer records
one 复核得分 per project or 部门整体 form, with a note; the grade follows from
the score under the form's rule profile, as the department's own grade does.
Clearing the score withdraws the 复核. Each change is in the audit log.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model import ProjectForm
from jixiao.rules.scoring import grade_for
from jixiao.store.access import NOT_FOUND, Invalid, NotFound, Principal
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.documents import form_profile, rebuild
from jixiao.store.editing import parse_number
from jixiao.store.models import StoredDocument, StoredForm, now

NOTE_LIMIT = 2000
_FULL_MARKS = Decimal(100)


def set_review_score(store: Store, actor: Principal, form_id: int, score: str, note: str = "") -> StoredForm:
    """Record (or, with a blank score, withdraw) the reviewer's 复核得分 and 复核意见 of one scored form."""
    value = parse_number(score, "复核得分")
    cleaned = " ".join(note.split()) or None
    if cleaned is not None and len(cleaned) > NOTE_LIMIT:
        raise Invalid(f"复核意见过长（上限 {NOTE_LIMIT} 字）")
    with store.write() as session:
        form = session.get(StoredForm, form_id)
        if form is None:
            raise NotFound(NOT_FOUND)
        actor.require_review(form.department_id)
        if form.kind == "report":
            raise Invalid("自评报告没有分数，请对其中的自评表复核评分")
        document = session.get(StoredDocument, form.document_id)
        assert document is not None
        model = rebuild(document).forms[form.position]
        if isinstance(model, ProjectForm) and not model.scored:
            raise Invalid("绩效目标完成情况表不评分，没有可复核的得分")
        ceiling = form.total_weight if form.total_weight else _FULL_MARKS
        if value is not None and not Decimal(0) <= value <= ceiling:
            raise Invalid(f"复核得分应在 0 至 {ceiling.normalize():f} 分之间")
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise Invalid("复核得分最多保留两位小数")
        before = {"score": _text(form.review_score), "grade": form.review_grade, "note": form.review_note}
        grade = None
        if value is not None:
            grade = grade_for(value, form_profile(document, form.year, form.stated_department))
        form.review_score = value
        form.review_grade = grade
        form.review_note = cleaned if value is not None else None
        form.reviewed_by = actor.id if value is not None else None
        form.reviewed_at = now() if value is not None else None
        record(
            session,
            actor,
            "review_score",
            "form",
            form.id,
            form.department_id,
            {
                "document_id": form.document_id,
                "from": before,
                "to": {"score": _text(value), "grade": grade, "note": form.review_note},
            },
        )
        return form


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"
