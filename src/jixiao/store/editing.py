"""Changes after import: value edits, the 送审/退回/通过 workflow, finding decisions, 抽查.

Every change is one transaction with its audit entry. A form edit is guarded by
the form's version: the edit names the version it was made on, and if someone
changed the form since, nothing is written and the user is told who and when.
An edit re-runs the scoring and every check on the whole document, because
checks compare forms with each other and with the text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from jixiao.model import DepartmentForm, Document, Form, Indicator, ProjectForm, ReportForm, project_layout
from jixiao.read.source import Source
from jixiao.store.access import NOT_FOUND, Conflict, Invalid, NotFound, Principal, Refused
from jixiao.store.audit import record
from jixiao.store.db import Store
from jixiao.store.documents import (
    as_json,
    counts,
    form_columns,
    indicator_columns,
    rebuild,
    write_findings,
)
from jixiao.store.models import (
    FINDING_LABELS,
    STATE_LABELS,
    ReviewDecision,
    Sample,
    SampleItem,
    StoredDocument,
    StoredFinding,
    StoredForm,
    StoredIndicator,
    User,
    now,
)

EDITABLE_STATES = ("draft", "returned")
PROJECT_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "note")
FRAMEWORK_FIELDS = ("weight", "score", "basis")
FUNDS_ROWS = {"total": "年度资金总额", "fiscal": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
FUNDS_COLUMNS = {"initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
OVERALL_FUNDS = {
    "carryover": "上年结转",
    "initial": "年初预算",
    "adjustment": "预算调整",
    "other_adjustment": "其他调整",
    "executed": "预算执行",
}
FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因",
    "basis": "计算分析情况",
    "total_score": "总分",
    "funds.weight": "预算执行分值",
    "funds.score": "预算执行得分",
    "project": "项目名称",
    "implementer": "实施单位",
    "goals.expected": "年度总体目标",
    "goals.actual": "总体目标完成情况",
    "indicators": "指标行数",
    **{f"overall.{name}": f"部门整体支出{label}" for name, label in OVERALL_FUNDS.items()},
    **{
        f"funds.{row}.{column}": f"{row_label}{column_label}"
        for row, row_label in FUNDS_ROWS.items()
        for column, column_label in FUNDS_COLUMNS.items()
    },
}
MAX_TEXT = 4000


def parse_number(text: str, label: str) -> Decimal | None:
    """A number as a user types it (``9.5``, ``９.５``, ``1,200``); blank is None."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    cleaned = cleaned.translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}).replace("．", ".")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation as error:
        raise Invalid(f"{label}：“{text.strip()}”不是有效的数字") from error
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise Invalid(f"{label}：“{text.strip()}”超出范围")
    return number


def _text(value: str) -> str | None:
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_TEXT:
        raise Invalid(f"文字过长（上限 {MAX_TEXT} 字）")
    return cleaned or None


@dataclass(slots=True)
class Change:
    field: str
    before: Any
    after: Any


def _indicator_field(path: str) -> tuple[int, str] | None:
    if not path.startswith("indicators[") or "]." not in path:
        return None
    index_text, name = path[len("indicators[") :].split("].", 1)
    if not index_text.isdigit():
        return None
    return int(index_text), name


def field_label(path: str) -> str:
    found = _indicator_field(path)
    if found is not None:
        return f"第 {found[0] + 1} 行指标的{FIELD_LABELS.get(found[1], found[1])}"
    return FIELD_LABELS.get(path, path)


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, Decimal) and isinstance(after, Decimal):
        return before == after
    if isinstance(before, str) and isinstance(after, str):
        return " ".join(before.split()) == after  # a form field shows a wrapped cell on one line
    return bool(before == after)


def apply_changes(form: Form, values: dict[str, str]) -> list[Change]:
    """Set the submitted values on the model form; only values that differ become changes."""
    if isinstance(form, ReportForm):
        raise Refused("报告类文档的数字不能在此修改")
    framework = isinstance(form, DepartmentForm) and form.layout == "framework"
    allowed = FRAMEWORK_FIELDS if framework else PROJECT_FIELDS
    changes: list[Change] = []
    for path, raw in values.items():
        label = field_label(path)
        found = _indicator_field(path)
        target: Indicator | Any
        if found is not None:
            index, name = found
            if index >= len(form.indicators) or name not in allowed:
                raise Invalid(f"不能修改字段 {path}")
            target, attribute = form.indicators[index], name
        elif path == "total_score":
            target, attribute = form, "total_score"
        elif path in ("funds.weight", "funds.score") or path in _FUNDS_AMOUNTS:
            layout = project_layout(form)
            if layout is None:
                raise Invalid(f"该表没有项目资金行，不能修改 {path}")
            if path in _FUNDS_AMOUNTS:
                row_name, attribute = path.split(".")[1:]
                target = getattr(layout.funds, row_name)
            else:
                target, attribute = layout.funds, path.split(".", 1)[1]
        elif path in _OVERALL_FUNDS and framework:
            assert isinstance(form, DepartmentForm)
            target, attribute = form.overall_funds, path.split(".", 1)[1]
        elif path in ("project", "implementer") and isinstance(form, ProjectForm):
            target, attribute = form, path
        elif path in ("goals.expected", "goals.actual") and not framework:
            target, attribute = form.goals, path.split(".", 1)[1]
        else:
            raise Invalid(f"不能修改字段 {path}")
        number_field = attribute in ("weight", "score", "total_score") or path in _AMOUNTS
        after: Any = parse_number(raw, label) if number_field else _text(raw)
        scoring = attribute in ("weight", "score", "total_score") and path not in _AMOUNTS
        if scoring and after is not None and isinstance(form, ProjectForm) and not form.scored:
            raise Invalid("绩效目标完成情况表不评分，没有分值、得分和总分")
        before = getattr(target, attribute)
        if not _same(before, after):
            setattr(target, attribute, after)
            changes.append(Change(path, before, after))
    return changes


_FUNDS_AMOUNTS = frozenset(f"funds.{row}.{column}" for row in FUNDS_ROWS for column in FUNDS_COLUMNS)
_OVERALL_FUNDS = frozenset(f"overall.{name}" for name in OVERALL_FUNDS)
_AMOUNTS = _FUNDS_AMOUNTS | _OVERALL_FUNDS
ROW_OPERATIONS = ("add", "delete")


def apply_row_operation(form: Form, operation: str) -> list[Change]:
    """``add:N`` inserts an empty row under row N's groups, ``delete:N`` removes row N (project layout only)."""
    if not operation:
        return []
    action, _, index_text = operation.partition(":")
    if action not in ROW_OPERATIONS or not index_text.isdigit():
        raise Invalid(f"无法识别的操作：{operation}")
    if isinstance(form, ReportForm) or (isinstance(form, DepartmentForm) and form.layout == "framework"):
        raise Invalid("该表的指标行不能增删")
    index = int(index_text)
    if index >= len(form.indicators):
        raise Invalid(f"没有第 {index + 1} 行指标")
    before = len(form.indicators)
    if action == "add":
        base = form.indicators[index]
        form.indicators.insert(index + 1, Indicator(level1=base.level1, level2=base.level2, name=None, line=base.line))
    else:
        del form.indicators[index]
    return [Change("indicators", before, len(form.indicators))]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@dataclass(slots=True)
class EditOutcome:
    form_id: int
    version: int
    changes: list[Change] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    document: Document | None = None  # the document as saved, so the page shown next need not parse it again


def _editable_form(session: Session, actor: Principal, form_id: int) -> StoredForm:
    form = session.get(StoredForm, form_id)
    if form is None:
        raise NotFound(NOT_FOUND)
    actor.require_fill(form.department_id)
    if form.status not in EDITABLE_STATES:
        raise Refused(f"该表当前状态为“{STATE_LABELS[form.status]}”，不能修改；需由审核人退回后再改")
    return form


def _conflict(session: Session, form: StoredForm, version: int) -> Conflict:
    who = session.get(User, form.updated_by) if form.updated_by else None
    when = form.updated_at.strftime("%Y-%m-%d %H:%M:%S") if form.updated_at else "未知时间"
    name = who.name if who else "他人"
    return Conflict(
        f"该表已被{name}于 {when} 修改（您打开的是第 {version} 版，当前为第 {form.version} 版）。"
        "您的修改未保存，请刷新页面查看最新数值后再改。"
    )


def _claim(session: Session, form: StoredForm, version: int, actor: Principal) -> int:
    """Move the form to the next version only if it is still at ``version`` (the row stays locked)."""
    at = now()
    result = session.execute(
        update(StoredForm)
        .where(StoredForm.id == form.id, StoredForm.version == version)
        .values(version=version + 1, updated_at=at, updated_by=actor.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.refresh(form)
        raise _conflict(session, form, version)
    # what the UPDATE wrote, set on the loaded row as already saved (reading it back is one query more)
    for name, value in (("version", version + 1), ("updated_at", at), ("updated_by", actor.id)):
        set_committed_value(form, name, value)
    return version + 1


def edit_form(store: Store, actor: Principal, form_id: int, version: int, values: dict[str, str]) -> EditOutcome:
    """Save edited values of one form, re-score and re-check the document; Conflict if the form moved on."""
    with store.write() as session:
        form = _editable_form(session, actor, form_id)
        if form.version != version:
            raise _conflict(session, form, version)
        stored = session.get(StoredDocument, form.document_id)
        assert stored is not None
        document = rebuild(stored)
        model = document.forms[form.position]
        values = dict(values)
        operation = values.pop("op", "")
        changes = apply_changes(model, values) + apply_row_operation(model, operation)
        if not changes:
            return EditOutcome(form.id, form.version, document=rebuild(stored))
        new_version = _claim(session, form, version, actor)
        from jixiao.pipeline import review_source
        from jixiao.store.online import ONLINE, refresh

        if stored.format == ONLINE:
            source = refresh(document, stored)
        else:
            source = Source(path=stored.filename, lines=stored.lines)
        review_source(document, source, stored.profile)
        findings = document.findings or []
        stored.data = as_json(document)
        stored.error_count, stored.warning_count = counts(findings)
        forms = list(session.scalars(select(StoredForm).where(StoredForm.document_id == stored.id)))
        for row in forms:
            row.error_count, row.warning_count = counts(findings, row.position)
        for name, value in form_columns(model).items():
            setattr(form, name, value)
        if not isinstance(model, ReportForm):
            _store_indicators(session, form, model.indicators)
        write_findings(session, stored, forms, findings)
        record(
            session,
            actor,
            "edit",
            "form",
            form.id,
            form.department_id,
            {
                "document_id": stored.id,
                "version": new_version,
                "changes": [
                    {
                        "field": c.field,
                        "label": field_label(c.field),
                        "before": _plain(c.before),
                        "after": _plain(c.after),
                    }
                    for c in changes
                ],
            },
        )
        errors, warnings = counts(findings, form.position)
        return EditOutcome(form.id, new_version, changes, errors, warnings, document)


def _store_indicators(session: Session, form: StoredForm, indicators: list[Indicator]) -> None:
    """The form's indicator rows brought in line with the model: updated in place, added or removed at the end."""
    stored_rows = {
        row.position: row for row in session.scalars(select(StoredIndicator).where(StoredIndicator.form_id == form.id))
    }
    for position, indicator in enumerate(indicators):
        columns = indicator_columns(indicator, position)
        stored_row = stored_rows.pop(position, None)
        if stored_row is None:
            session.add(StoredIndicator(form_id=form.id, **columns))
        else:
            for name, value in columns.items():
                setattr(stored_row, name, value)
    for gone in stored_rows.values():
        session.delete(gone)


# ---- workflow ------------------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (from states, to state, who)
    "submit": (("draft", "returned"), "submitted", "fill"),
    "return": (("submitted", "approved"), "returned", "review"),
    "approve": (("submitted",), "approved", "review"),
}
ACTION_LABELS = {"submit": "送审", "return": "退回", "approve": "通过"}


def set_state(
    store: Store, actor: Principal, form_id: int, action: str, version: int | None = None, note: str = ""
) -> StoredForm:
    """送审 (filer), 退回 or 通过 (reviewer) a form; refused from a state the action does not start from."""
    if action not in TRANSITIONS:
        raise Invalid("未知的操作")
    sources, target, who = TRANSITIONS[action]
    with store.write() as session:
        form = session.get(StoredForm, form_id)
        if form is None:
            raise NotFound(NOT_FOUND)
        if who == "fill":
            actor.require_fill(form.department_id)
        else:
            actor.require_review(form.department_id)
        if form.status not in sources:
            raise Refused(f"当前状态为“{STATE_LABELS[form.status]}”，不能{ACTION_LABELS[action]}")
        current = form.version if version is None else version
        _claim(session, form, current, actor)
        before = form.status
        form.status = target
        record(
            session,
            actor,
            "state",
            "form",
            form.id,
            form.department_id,
            {"action": action, "from": before, "to": target, "note": _text(note) if note else None},
        )
        return form


def decide_finding(store: Store, actor: Principal, finding_id: int, decision: str, reason: str = "") -> StoredFinding:
    """A reviewer's decision: 退回整改 (accepted), 不予采纳 (dismissed, reason required), 已整改 (fixed), or reopen."""
    cleaned = _decision_reason(decision, reason)
    with store.write() as session:
        finding = session.get(StoredFinding, finding_id)
        if finding is None:
            raise NotFound(NOT_FOUND)
        _decide(session, actor, finding, decision, cleaned)
        return finding


BATCH_LIMIT = 500


def decide_findings(store: Store, actor: Principal, finding_ids: list[int], decision: str, reason: str = "") -> int:
    """One decision on many findings at once (a reviewer working through a filtered list), all or none:
    a finding not found or out of the reviewer's reach refuses the whole batch."""
    cleaned = _decision_reason(decision, reason)
    wanted = sorted(set(finding_ids))
    if not wanted:
        raise Invalid("请先勾选问题")
    if len(wanted) > BATCH_LIMIT:
        raise Invalid(f"一次最多处理 {BATCH_LIMIT} 条问题")
    with store.write() as session:
        found = list(session.scalars(select(StoredFinding).where(StoredFinding.id.in_(wanted))))
        if len(found) != len(wanted):
            raise NotFound(NOT_FOUND)
        for finding in found:  # one transaction: a refusal part way leaves every finding as it was
            _decide(session, actor, finding, decision, cleaned)
        return len(found)


def _decision_reason(decision: str, reason: str) -> str | None:
    if decision not in FINDING_LABELS:
        raise Invalid("未知的审核结论")
    cleaned = _text(reason) if reason else None
    if decision == "dismissed" and not cleaned:
        raise Invalid("不予采纳必须填写理由")
    return cleaned


def _decide(session: Session, actor: Principal, finding: StoredFinding, decision: str, reason: str | None) -> None:
    actor.require_review(finding.department_id)
    before = finding.status
    finding.status = decision
    finding.reason = reason
    finding.decided_by = actor.id
    finding.decided_at = now()
    session.add(
        ReviewDecision(
            document_id=finding.document_id,
            form_id=finding.form_id,
            finding_key=finding.key,
            check_id=finding.check_id,
            decision=decision,
            reason=reason,
            user_id=actor.id,
        )
    )
    record(
        session,
        actor,
        "decide",
        "finding",
        finding.id,
        finding.department_id,
        {
            "document_id": finding.document_id,
            "check": finding.check_id,
            "from": before,
            "to": decision,
            "reason": reason,
        },
    )


# ---- 抽查 -----------------------------------------------------------------------------------------


def draw(population: list[int], seed: int, size: int) -> list[int]:
    """The forms drawn: the same population (sorted ids), seed and size always give the same draw."""
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def draw_sample(
    store: Store,
    actor: Principal,
    seed: int,
    size: int,
    population: list[tuple[int, int | None]],
    filters: dict[str, Any],
) -> Sample:
    """Record a 抽查 draw of ``size`` forms among ``population`` ((form id, department id), already filtered)."""
    if actor.role not in ("admin", "reviewer"):
        raise Refused("只有审核人或管理员可以抽查")
    if size < 1 or size > 1000:
        raise Invalid("抽查数量应在 1 到 1000 之间")
    if not 0 <= seed < 2**31:
        raise Invalid("随机种子应为 0 到 2147483647 之间的整数")
    departments = {form_id: department for form_id, department in population if actor.sees(department)}
    chosen = draw(list(departments), seed, size)
    with store.write() as session:
        sample = Sample(seed=seed, size=size, population=len(departments), filters=filters, created_by=actor.id)
        sample.items = [
            SampleItem(position=i, form_id=form_id, department_id=departments[form_id])
            for i, form_id in enumerate(chosen)
        ]
        session.add(sample)
        session.flush()
        record(
            session,
            actor,
            "sample",
            "sample",
            sample.id,
            None,
            {"seed": seed, "size": size, "population": len(departments), "forms": chosen, "filters": filters},
        )
        return sample


def recheck(store: Store, actor: Principal, item_id: int, note: str) -> SampleItem:
    """Mark a drawn form as re-checked, with what the re-check found."""
    with store.write() as session:
        item = session.get(SampleItem, item_id)
        if item is None:
            raise NotFound(NOT_FOUND)
        actor.require_review(item.department_id)
        item.checked_by = actor.id
        item.checked_at = now()
        item.note = _text(note) if note else None
        record(
            session,
            actor,
            "recheck",
            "sample_item",
            item.id,
            item.department_id,
            {"sample_id": item.sample_id, "form_id": item.form_id, "note": item.note},
        )
        return item
