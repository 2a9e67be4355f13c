"""The JSON API (``/api/v1``): the same store functions and permissions as the pages, bearer-token auth.

Documented by FastAPI's OpenAPI schema at ``/openapi.json`` and, readable
offline, at ``/api/docs``. Amounts come back as JSON numbers written exactly
as stored (their shortest decimal spelling), never through binary rounding
on the server.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Security, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.responses import Response

from jixiao.read import MAX_BYTES
from jixiao.store.access import Principal, Refused
from jixiao.store.dashboard import charts
from jixiao.store.deletion import delete_document
from jixiao.store.editing import decide_finding, decide_findings, edit_form, field_label, set_state
from jixiao.store.importer import ImportResult, import_file
from jixiao.store.models import Department, StoredForm
from jixiao.store.online import create_form
from jixiao.store.queries import Filters, Listing, list_documents, list_findings, list_forms
from jixiao.store.review_score import set_review_score
from jixiao.store.users import token_principal
from jixiao.web.common import LoginRequired, store_of
from jixiao.web.exports import json_bytes
from jixiao.web.views import document_view, form_view

router = APIRouter(prefix="/api/v1", tags=["接口"])
bearer = HTTPBearer(auto_error=False, description="在“我的账号”页面创建的接口令牌（jx_ 开头）")


def api_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> Principal:
    """The user a bearer token belongs to; 401 without a valid token. Cookies are not accepted here."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise LoginRequired
    with store_of(request).read() as session:
        actor = token_principal(session, credentials.credentials)
    if actor is None:
        raise LoginRequired
    return actor


Actor = Annotated[Principal, Depends(api_actor)]


def list_filters(
    department: Annotated[int | None, Query(description="部门编号")] = None,
    year: Annotated[int | None, Query(description="年度")] = None,
    kind: Annotated[str | None, Query(description="表单类型：project、department、report")] = None,
    grade: Annotated[str | None, Query(description="等级：优、良、中、差")] = None,
    errors: Annotated[str | None, Query(description="1 只看有错误的，0 只看无错误的")] = None,
    check: Annotated[str | None, Query(description="检查项编号，如 indicator.score_mismatch")] = None,
    status: Annotated[str | None, Query(description="表单状态：draft、submitted、returned、approved")] = None,
    severity: Annotated[str | None, Query(description="问题严重程度：error、warning、info")] = None,
    decision: Annotated[str | None, Query(description="审核结论：open、accepted、dismissed、fixed")] = None,
    document: Annotated[int | None, Query(description="文档编号")] = None,
    form: Annotated[int | None, Query(description="表单编号")] = None,
    q: Annotated[str | None, Query(description="搜索文字")] = None,
    page: Annotated[int, Query(ge=1, description="页码（每页 50 条）")] = 1,
) -> Filters:
    return Filters(department, year, kind, grade, errors, check, status, severity, decision, document, form, q, page)


ListFilters = Annotated[Filters, Depends(list_filters)]


def _json(value: Any, status: int = 200) -> Response:
    return Response(json_bytes(value), status_code=status, media_type="application/json")


def _listing(listing: Listing) -> Response:
    return _json(
        {
            "total": listing.total,
            "page": listing.page,
            "pages": listing.pages,
            "rows": listing.rows,
            "facets": {
                f.name: [{"value": v, "label": label, "count": c} for v, label, c in f.values] for f in listing.facets
            },
        }
    )


class NewFormRequest(BaseModel):
    """A blank form to fill in online."""

    kind: Literal["project", "target", "department"] = Field(
        "project",
        description="project：项目支出绩效自评表；target：项目支出绩效目标完成情况表（不评分）；"
        "department：部门整体支出绩效自评表",
    )
    project: str = Field("", description="项目名称（项目支出表必填）")
    year: int = Field(description="评价年度")
    department: str = Field("", description="部门名称（仅管理员需填；填报人的表单归入其所属部门）")
    profile: str | None = Field(None, description="评分规则，如 anhui；不填则按部门所在地选择")


class EditRequest(BaseModel):
    """Values to change on one form, against the version they were read at."""

    version: int = Field(description="读取表单时的版本号；表单已被他人修改时返回 409")
    values: dict[str, str] = Field(
        description='字段路径 → 新值，如 {"indicators[1].score": "10", "total_score": "98"}；空字符串表示清空'
    )


class StateRequest(BaseModel):
    action: str = Field(description="submit（送审，填报人）、return（退回）或 approve（通过，审核人）")
    version: int | None = Field(default=None, description="读取表单时的版本号（可选）")
    note: str = Field(default="", description="说明")


class DecisionRequest(BaseModel):
    decision: str = Field(description="accepted（退回整改）、dismissed（不予采纳，须填理由）、fixed（已整改）或 open")
    reason: str = Field(default="", description="理由")


@router.get("/me", summary="当前用户", description="令牌所属用户、角色和可访问的部门。")
def me(request: Request, actor: Actor) -> Response:
    from sqlalchemy import select

    with store_of(request).read() as session:
        statement = select(Department.id, Department.name).order_by(Department.name)
        if actor.departments is not None:
            statement = statement.where(Department.id.in_(sorted(actor.departments)))
        departments = [{"id": i, "name": n} for i, n in session.execute(statement).all()]
    return _json(
        {
            "id": actor.id,
            "name": actor.name,
            "role": actor.role,
            "all_departments": actor.departments is None,
            "departments": departments,
        }
    )


@router.get(
    "/documents", summary="文档列表", description="可按部门、年度、类型、等级、错误、检查项筛选和搜索，附分面计数。"
)
def documents(request: Request, actor: Actor, filters: ListFilters) -> Response:
    with store_of(request).read() as session:
        return _listing(list_documents(session, actor, filters))


@router.post(
    "/documents",
    summary="导入文档",
    description="上传一个或多个文件；每个文件单独成败，返回各文件结果。",
    status_code=200,
)
async def upload(
    request: Request,
    actor: Actor,
    files: Annotated[list[UploadFile], File(description="要导入的文件")],
    department: Annotated[str | None, Form(description="归属部门（仅管理员可指定）")] = None,
) -> Response:
    if actor.role not in ("admin", "filer"):
        raise Refused("只有填报人和管理员可以导入文档")
    results = []
    for item in files:
        name = item.filename or "未命名文件"
        if item.size is not None and item.size > MAX_BYTES:
            results.append(ImportResult(name, False, f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）"))
            continue
        data = await item.read(MAX_BYTES + 1)
        chosen = department if actor.is_admin else None
        results.append(await run_in_threadpool(import_file, store_of(request), data, name, actor, chosen))
    return _json({"results": [r.as_dict() for r in results]})


@router.get(
    "/documents/{document_id}", summary="文档详情", description="文档信息、jixiao/1 数据（含审核问题）和各表单。"
)
def document(request: Request, actor: Actor, document_id: int) -> Response:
    with store_of(request).read() as session:
        view = document_view(session, actor, document_id)
        stored = view.document
        return _json(
            {
                "id": stored.id,
                "filename": stored.filename,
                "sha256": stored.sha256,
                "department": view.department,
                "year": stored.year,
                "problems": stored.problems,
                "forms": [
                    {
                        "id": f.id,
                        "position": f.position,
                        "kind": f.kind,
                        "name": f.name,
                        "status": f.status,
                        "version": f.version,
                    }
                    for f in view.forms
                ],
                "findings": [_finding(f) for f in view.findings],
                "data": stored.data,
            }
        )


@router.delete(
    "/documents/{document_id}",
    summary="删除文档",
    description="删除文档及其表单、指标行和审核问题，删除原因记入审计日志。填报人只能删除各表均为草稿或退回的本部门文档；"
    "已送审或通过的须由管理员删除；表被抽查抽中的文档不能删除。",
)
async def remove_document(
    request: Request,
    actor: Actor,
    document_id: int,
    reason: Annotated[str, Query(description="删除原因（必填）")] = "",
) -> Response:
    deleted = await run_in_threadpool(delete_document, store_of(request), actor, document_id, reason)
    return _json(
        {
            "deleted": deleted.document_id,
            "filename": deleted.filename,
            "forms": deleted.forms,
            "findings": deleted.findings,
        }
    )


def _finding(finding: Any) -> dict[str, Any]:
    return {
        "id": finding.id,
        "form_id": finding.form_id,
        "check": finding.check_id,
        "severity": finding.severity,
        "field": finding.field,
        "line": finding.line,
        "message": finding.message,
        "expected": finding.expected,
        "found": finding.found,
        "decision": finding.status,
        "reason": finding.reason,
    }


@router.get("/forms", summary="表单列表", description="可按部门、年度、类型、等级、状态、错误、检查项筛选和搜索。")
def forms(request: Request, actor: Actor, filters: ListFilters) -> Response:
    with store_of(request).read() as session:
        return _listing(list_forms(session, actor, filters))


@router.get("/forms/{form_id}", summary="表单详情", description="表中数值、复算结果及其规则说明、审核问题。")
def form(request: Request, actor: Actor, form_id: int) -> Response:
    with store_of(request).read() as session:
        view = form_view(session, actor, form_id)
    stored = view.stored
    return _json(
        {
            "id": stored.id,
            "document_id": stored.document_id,
            "kind": stored.kind,
            "name": stored.name,
            "department": view.department,
            "year": stored.year,
            "status": stored.status,
            "version": stored.version,
            "total_score": stored.total_score,
            "recomputed_total": stored.recomputed_total,
            "grade": stored.grade,
            "review": _review(stored),
            "budget": stored.budget,
            "executed": stored.executed,
            "execution_rate": stored.execution_rate,
            "indicators": [
                {
                    "position": r.index,
                    "level1": r.indicator.level1,
                    "level2": r.indicator.level2,
                    "name": r.indicator.name,
                    "target": getattr(r.indicator, "target", None),
                    "actual": getattr(r.indicator, "actual", None),
                    "weight": r.indicator.weight,
                    "score": r.indicator.score,
                    "note": r.indicator.note,
                }
                for r in view.rows
            ],
            "recomputed": [
                {
                    "field": value.field,
                    "rule": value.explanation.rule,
                    "parameters": value.explanation.parameters,
                    "inputs": value.explanation.inputs,
                    "result": value.explanation.result,
                    "stated": value.stated,
                    "reference": value.explanation.reference,
                    "differs": value.differs,
                }
                for value in view.explanations
            ],
            "findings": [_finding(f) for f in view.findings],
            "editable": view.editable,
        }
    )


@router.post(
    "/forms",
    summary="新建在线填报的自评表",
    description="项目支出表按财预〔2020〕10号附件1建空表（资金各行、每个二级指标一行），部门整体表按"
    "财预〔2013〕53号附件2的指标框架建表；返回表单编号，之后用修改接口逐项填写。"
    "同一部门同一年度同一项目（或部门整体表）只能有一张。",
)
def new_form(request: Request, actor: Actor, body: NewFormRequest) -> Response:
    form_id = create_form(store_of(request), actor, body.kind, body.year, body.project, body.department, body.profile)
    with store_of(request).read() as session:
        document_id = session.scalar(select(StoredForm.document_id).where(StoredForm.id == form_id))
    return _json({"form_id": form_id, "document_id": document_id})


@router.patch(
    "/forms/{form_id}",
    summary="修改表单数值",
    description="修改指标的一级/二级/三级指标名称、年度指标值、实际完成值、分值、得分、偏差原因，"
    "项目名称、实施单位、资金各行金额、年度总体目标，或总分、预算执行分值/得分；"
    '"op" 为 "add:N" / "delete:N" 时在第 N 行（从 0 起）下方增加一行或删除该行。'
    "随即复算并重新审核。版本号不符时返回 409，不做任何修改。",
)
def edit(request: Request, actor: Actor, form_id: int, body: EditRequest) -> Response:
    outcome = edit_form(store_of(request), actor, form_id, body.version, body.values)
    return _json(
        {
            "form_id": outcome.form_id,
            "version": outcome.version,
            "errors": outcome.errors,
            "warnings": outcome.warnings,
            "changes": [
                {"field": c.field, "label": field_label(c.field), "before": c.before, "after": c.after}
                for c in outcome.changes
            ],
        }
    )


@router.post("/forms/{form_id}/state", summary="送审、退回或通过")
def state(request: Request, actor: Actor, form_id: int, body: StateRequest) -> Response:
    changed = set_state(store_of(request), actor, form_id, body.action, body.version, body.note)
    return _json({"form_id": changed.id, "status": changed.status, "version": changed.version})


def _review(stored: Any) -> dict[str, Any] | None:
    if stored.review_score is None:
        return None
    return {
        "score": stored.review_score,
        "grade": stored.review_grade,
        "note": stored.review_note,
        "reviewed_by": stored.reviewed_by,
        "reviewed_at": stored.reviewed_at.isoformat() if stored.reviewed_at else None,
    }


class ReviewScoreRequest(BaseModel):
    score: str = Field(description='复核得分（如 "86.5"）；空字符串撤销复核评分')
    note: str = Field(default="", description="复核意见")


@router.post(
    "/forms/{form_id}/review-score",
    summary="复核评分",
    description="审核人记录本表的复核得分与复核意见；等级按本表规则由得分确定。",
)
def review_score(request: Request, actor: Actor, form_id: int, body: ReviewScoreRequest) -> Response:
    stored = set_review_score(store_of(request), actor, form_id, body.score, body.note)
    return _json({"id": stored.id, "review": _review(stored)})


@router.get("/findings", summary="问题列表", description="可按部门、年度、检查项、严重程度、审核结论筛选。")
def findings(request: Request, actor: Actor, filters: ListFilters) -> Response:
    with store_of(request).read() as session:
        return _listing(list_findings(session, actor, filters))


@router.post(
    "/findings/{finding_id}/decision",
    summary="审核问题",
    description="审核人对问题下结论：退回整改、不予采纳（须填理由）、已整改。",
)
def decision(request: Request, actor: Actor, finding_id: int, body: DecisionRequest) -> Response:
    finding = decide_finding(store_of(request), actor, finding_id, body.decision, body.reason)
    return _json(_finding(finding))


class BatchDecisionRequest(DecisionRequest):
    ids: list[int] = Field(description="问题编号（一次至多 500 条）；任一条不存在或无权审核则全部不处理")


@router.post(
    "/findings/decisions",
    summary="批量审核问题",
    description="对多条问题下同一结论，全部成功或全部不变；返回处理条数。",
)
def decisions(request: Request, actor: Actor, body: BatchDecisionRequest) -> Response:
    count = decide_findings(store_of(request), actor, body.ids, body.decision, body.reason)
    return _json({"decided": count, "decision": body.decision})


@router.get("/dashboard", summary="汇总图表数据", description="各图表的数据表（与看板页面及其 CSV 下载相同）。")
def dashboard(
    request: Request,
    actor: Actor,
    filters: ListFilters,
    series: Annotated[str | None, Query(description="历年对比所选的部门与项目")] = None,
) -> Response:
    with store_of(request).read() as session:
        result = charts(session, actor, filters, series)
    return _json(
        [{"key": c.key, "title": c.title, "columns": dict(c.columns), "rows": c.rows, "note": c.note} for c in result]
    )
