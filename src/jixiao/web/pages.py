"""The HTML pages: login, import, lists, document, form, findings, 抽查, dashboard, users, audit."""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from jixiao.model import Document
from jixiao.parse.jsonin import document_from_dict
from jixiao.read import MAX_BYTES
from jixiao.read.source import ReadError
from jixiao.render.html import review_html
from jixiao.rules.profile import PROFILE_NAMES, profile_title
from jixiao.store.access import Invalid, NotFound, Principal, Refused
from jixiao.store.dashboard import charts, years_in_scope
from jixiao.store.deletion import delete_document, deleted_filename
from jixiao.store.editing import (
    decide_finding,
    decide_findings,
    draw_sample,
    edit_form,
    field_label,
    recheck,
    set_state,
)
from jixiao.store.importer import ImportResult, import_file
from jixiao.store.models import (
    ROLES,
    STATE_LABELS,
    AuditEntry,
    Department,
    Sample,
    SampleItem,
    StoredDocument,
    StoredForm,
    User,
)
from jixiao.store.online import create_form
from jixiao.store.queries import (
    AUDIT_COLUMNS,
    DOCUMENT_COLUMNS,
    FINDING_COLUMNS,
    FORM_COLUMNS,
    Filters,
    check_titles,
    departments_in_scope,
    form_population,
    list_audit,
    list_documents,
    list_findings,
    list_forms,
)
from jixiao.store.review_score import set_review_score
from jixiao.store.users import add_user, authenticate, create_token, logout_everywhere, set_password, update_user
from jixiao.web.common import csrf_check, current_user, is_htmx, page_actor, render, session_of, store_of
from jixiao.web.exports import FORMATS, attachment, download, json_bytes
from jixiao.web.security import new_session
from jixiao.web.views import document_view, form_view, stored_document

router = APIRouter(include_in_schema=False)
Actor = Annotated[Principal, Depends(page_actor)]
CSRF = [Depends(csrf_check)]


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFound("不支持的下载格式（可选 csv、xlsx、json）")
    return fmt


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/documents"
    return target


def _back(request: Request, fallback: str) -> RedirectResponse:
    return RedirectResponse(_safe_next(fallback), status_code=303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


# ---- session ---------------------------------------------------------------------------------------


@router.get("/")
def home(actor: Actor) -> RedirectResponse:
    return RedirectResponse("/dashboard" if actor.role in ("admin", "reviewer") else "/documents", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=CSRF)
async def login(request: Request) -> Response:
    values = await _form(request)
    name, password, target = values.get("name", ""), values.get("password", ""), _safe_next(values.get("next"))
    address = request.client.host if request.client else "unknown"
    try:
        result = await run_in_threadpool(authenticate, store_of(request), name, password, address)
    except Refused as error:
        return render(request, "login.html", status=429, next=target, error=str(error), name=name)
    if result is None:
        return render(request, "login.html", status=401, next=target, error="用户名或密码错误", name=name)
    actor, epoch = result
    request.state.session = new_session(actor.id, epoch)
    request.state.session_dirty = True
    request.state.actor = actor
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=CSRF)
def logout(request: Request, actor: Actor) -> Response:
    logout_everywhere(store_of(request), actor)
    request.state.session = new_session()
    request.state.session_dirty = True
    return RedirectResponse("/login", status_code=303)


# ---- import ----------------------------------------------------------------------------------------


def _importer(actor: Principal) -> None:
    if actor.role not in ("admin", "filer"):
        raise Refused("只有填报人和管理员可以导入文档")


@router.get("/import")
def import_page(request: Request, actor: Actor) -> Response:
    _importer(actor)
    with store_of(request).read() as session:
        departments = departments_in_scope(session, actor)
    return render(request, "import.html", departments=departments, results=None)


@router.post("/import", dependencies=CSRF)
async def import_files(request: Request, actor: Actor) -> Response:
    _importer(actor)
    form = await request.form()
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
    chosen = form.get("department")
    department = chosen.strip() if isinstance(chosen, str) and chosen.strip() and actor.is_admin else None
    results = []

    for upload in uploads:
        name = upload.filename or "未命名文件"
        if upload.size is not None and upload.size > MAX_BYTES:
            results.append(ImportResult(name, False, f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）"))
            continue
        data = await upload.read(MAX_BYTES + 1)
        results.append(await run_in_threadpool(import_file, store_of(request), data, name, actor, department))
    if not uploads:
        raise Invalid("请选择要导入的文件")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"results": [r.as_dict() for r in results]})
    with store_of(request).read() as session:
        departments = departments_in_scope(session, actor)
    return render(request, "import.html", departments=departments, results=results)


# ---- lists -----------------------------------------------------------------------------------------


def _list_page(request: Request, actor: Actor, kind: str, fmt: str | None) -> Response:
    filters = Filters.from_params(request.query_params)
    listers = {
        "documents": (list_documents, DOCUMENT_COLUMNS, "文档"),
        "forms": (list_forms, FORM_COLUMNS, "表单"),
        "findings": (list_findings, FINDING_COLUMNS, "问题"),
        "audit": (list_audit, AUDIT_COLUMNS, "审计日志"),
    }
    lister, columns, title = listers[kind]
    if fmt is not None:
        chosen = _format(fmt)
        with store_of(request).read() as session:
            listing = lister(session, actor, filters, export=True)
        return download(chosen, title, columns, listing.rows, {"filters": filters.active(), "total": listing.total})
    deleted = request.query_params.get("deleted", "") if kind == "documents" else ""
    decided = request.query_params.get("decided", "") if kind == "findings" else ""
    with store_of(request).read() as session:
        listing = lister(session, actor, filters, export=False)
        departments = departments_in_scope(session, actor)
        years = years_in_scope(session, actor)
        removed = deleted_filename(session, actor, int(deleted)) if deleted.isdigit() and len(deleted) < 10 else None
    reviewable = (
        {row["id"] for row in listing.rows if actor.may_review(row["department_id"])} if kind == "findings" else set()
    )
    return render(
        request,
        f"{kind}.html",
        listing=listing,
        filters=filters,
        title=title,
        departments=departments,
        years=years,
        kind=kind,
        removed=removed,
        decided=int(decided) if decided.isdigit() and len(decided) < 6 else None,
        reviewable=reviewable,
    )


@router.get("/documents")
def documents(request: Request, actor: Actor) -> Response:
    return _list_page(request, actor, "documents", None)


@router.get("/documents.{fmt}")
def documents_download(request: Request, actor: Actor, fmt: str) -> Response:
    return _list_page(request, actor, "documents", fmt)


@router.get("/forms")
def forms(request: Request, actor: Actor) -> Response:
    return _list_page(request, actor, "forms", None)


@router.get("/forms.{fmt}")
def forms_download(request: Request, actor: Actor, fmt: str) -> Response:
    return _list_page(request, actor, "forms", fmt)


@router.get("/findings")
def findings(request: Request, actor: Actor) -> Response:
    return _list_page(request, actor, "findings", None)


@router.get("/findings.{fmt}")
def findings_download(request: Request, actor: Actor, fmt: str) -> Response:
    return _list_page(request, actor, "findings", fmt)


@router.get("/returned")
def returned(actor: Actor) -> RedirectResponse:
    return RedirectResponse("/findings?decision=accepted", status_code=303)


@router.get("/audit")
def audit(request: Request, actor: Actor) -> Response:
    _audit_allowed(actor)
    return _list_page(request, actor, "audit", None)


@router.get("/audit.{fmt}")
def audit_download(request: Request, actor: Actor, fmt: str) -> Response:
    _audit_allowed(actor)
    return _list_page(request, actor, "audit", fmt)


def _audit_allowed(actor: Principal) -> None:
    if actor.role not in ("admin", "reviewer"):
        raise Refused("只有管理员和审核人可以查看审计日志")


# ---- one document ----------------------------------------------------------------------------------


@router.get("/documents/{document_id:int}")
def document_page(request: Request, actor: Actor, document_id: int) -> Response:
    with store_of(request).read() as session:
        view = document_view(session, actor, document_id)
    return render(request, "document.html", view=view)


@router.get("/documents/{document_id:int}/original")
def original(request: Request, actor: Actor, document_id: int) -> Response:
    with store_of(request).read() as session:
        document = stored_document(session, actor, document_id)
        content = document.content
    return attachment(content, document.filename, "application/octet-stream")


@router.post("/documents/{document_id:int}/delete", dependencies=CSRF)
async def document_delete(request: Request, actor: Actor, document_id: int) -> Response:
    values = await _form(request)
    await run_in_threadpool(delete_document, store_of(request), actor, document_id, values.get("reason", ""))
    return RedirectResponse(f"/documents?deleted={document_id}", status_code=303)


def _reviewed(request: Request, actor: Principal, document_id: int) -> tuple[StoredDocument, Document]:
    with store_of(request).read() as session:
        stored = stored_document(session, actor, document_id)
        model = document_from_dict(stored.data)
        _ = stored.lines
    return stored, model


@router.get("/documents/{document_id:int}/report.html")
def report(request: Request, actor: Actor, document_id: int) -> Response:
    stored, model = _reviewed(request, actor, document_id)
    # the report is self-contained: its own inline style and script, nothing from anywhere else
    policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return HTMLResponse(review_html(model, list(stored.lines)), headers={"Content-Security-Policy": policy})


@router.get("/documents/{document_id:int}/jixiao.json")
def document_json(request: Request, actor: Actor, document_id: int) -> Response:
    with store_of(request).read() as session:
        stored = stored_document(session, actor, document_id)
        data = stored.data
    return attachment(json_bytes(data), f"{os.path.splitext(stored.filename)[0]}.json", "application/json")


@router.get("/documents/{document_id:int}/review.xlsx")
def review_workbook(request: Request, actor: Actor, document_id: int) -> Response:
    stored, model = _reviewed(request, actor, document_id)
    return attachment(_review_xlsx(model), f"{os.path.splitext(stored.filename)[0]}-审核.xlsx", FORMATS["xlsx"])


def _review_xlsx(model: Document) -> bytes:
    from jixiao.render.xlsx import review_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "review.xlsx")
        review_xlsx(model, path)
        with open(path, "rb") as handle:
            return handle.read()


FORM_MEDIA = {
    "xlsx": FORMATS["xlsx"],
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@router.get("/documents/{document_id:int}/forms.{fmt}")
def standard_forms(request: Request, actor: Actor, document_id: int, fmt: str) -> Response:
    """The standard forms (with the current values) as xlsx, docx or PDF."""
    if fmt not in FORM_MEDIA:
        raise NotFound("标准表格可下载为 xlsx、docx 或 pdf")
    from jixiao.render.forms import render_document

    stored, model = _reviewed(request, actor, document_id)
    try:
        body = render_document(model, fmt)  # type: ignore[arg-type]
    except ReadError as error:
        raise Invalid(str(error)) from error
    return attachment(body, f"{os.path.splitext(stored.filename)[0]}-表格.{fmt}", FORM_MEDIA[fmt])


@router.get("/documents/{document_id:int}/draft.{fmt}")
def report_draft(request: Request, actor: Actor, document_id: int, fmt: str) -> Response:
    """The 自评报告 drafted from the document's forms (current values), as docx or PDF, for the department to finish."""
    if fmt not in ("docx", "pdf"):
        raise NotFound("自评报告草稿可下载为 docx 或 pdf")
    from jixiao.render.forms import render_document
    from jixiao.render.forms.drafting import compose_report

    stored, model = _reviewed(request, actor, document_id)
    try:
        drafted = compose_report(model)
        body = render_document(drafted.document, fmt, analyses={0: drafted.analysis})  # type: ignore[arg-type]
    except (ReadError, ValueError) as error:
        raise Invalid(str(error)) from error
    return attachment(body, f"{os.path.splitext(stored.filename)[0]}-自评报告草稿.{fmt}", FORM_MEDIA[fmt])


# ---- 在线新建 ----------------------------------------------------------------------------------------


def _new_form_page(request: Request, actor: Principal, error: str | None = None, **values: str) -> Response:
    with store_of(request).read() as session:
        departments = departments_in_scope(session, actor)
    profiles = [(name, profile_title(name)) for name in PROFILE_NAMES]
    return render(
        request,
        "form_new.html",
        status=422 if error else 200,
        departments=departments,
        profiles=profiles,
        error=error,
        values=values,
    )


@router.get("/forms/new")
def new_form_page(request: Request, actor: Actor) -> Response:
    _importer(actor)
    return _new_form_page(request, actor)


@router.post("/forms/new", dependencies=CSRF)
async def new_form(request: Request, actor: Actor) -> Response:
    _importer(actor)
    values = await _form(request)
    values.pop("csrf_token", None)
    year_text = values.get("year", "").strip()
    try:
        if not year_text.isdigit():
            raise Invalid(f"年度“{year_text}”不是有效的年份")
        form_id = await run_in_threadpool(
            create_form,
            store_of(request),
            actor,
            values.get("kind", "project"),
            int(year_text),
            values.get("project", ""),
            values.get("department", ""),
            values.get("profile", "") or None,
        )
    except Invalid as error:
        return _new_form_page(request, actor, str(error), **values)
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


# ---- one form --------------------------------------------------------------------------------------


@router.get("/forms/{form_id:int}")
def form_page(request: Request, actor: Actor, form_id: int) -> Response:
    with store_of(request).read() as session:
        view = form_view(session, actor, form_id)
    return render(request, "form.html", view=view, saved=None)


@router.post("/forms/{form_id:int}/edit", dependencies=CSRF)
async def form_edit(request: Request, actor: Actor, form_id: int) -> Response:
    values = await _form(request)
    version_text = values.pop("version", "")
    values.pop("csrf_token", None)
    if not version_text.isdigit():
        raise Invalid("缺少表单版本号，请刷新页面后重试")
    outcome = await run_in_threadpool(edit_form, store_of(request), actor, form_id, int(version_text), values)
    if not is_htmx(request):
        return RedirectResponse(f"/forms/{form_id}", status_code=303)
    with store_of(request).read() as session:
        view = form_view(session, actor, form_id, outcome.document)
    if outcome.changes:
        saved = f"已保存（第 {outcome.version} 版）：" + "、".join(field_label(c.field) for c in outcome.changes)
    else:
        saved = "没有改动"
    return render(request, "_form_body.html", view=view, saved=saved)


def _label(path: str) -> str:
    return field_label(path)


@router.post("/forms/{form_id:int}/state", dependencies=CSRF)
async def form_state(request: Request, actor: Actor, form_id: int) -> Response:
    values = await _form(request)
    version = values.get("version", "")
    await run_in_threadpool(
        set_state,
        store_of(request),
        actor,
        form_id,
        values.get("action", ""),
        int(version) if version.isdigit() else None,
        values.get("note", ""),
    )
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


@router.post("/forms/{form_id:int}/review-score", dependencies=CSRF)
async def form_review_score(request: Request, actor: Actor, form_id: int) -> Response:
    values = await _form(request)
    await run_in_threadpool(
        set_review_score, store_of(request), actor, form_id, values.get("score", ""), values.get("note", "")
    )
    return RedirectResponse(f"/forms/{form_id}#review-score", status_code=303)


@router.post("/findings/decisions", dependencies=CSRF)
async def findings_decision(request: Request, actor: Actor) -> Response:
    """The findings list's 批量处理: one decision on every ticked finding, then back to the same list."""
    form = await request.form()
    ids = [
        int(value) for value in form.getlist("ids") if isinstance(value, str) and value.isdigit() and len(value) < 10
    ]
    values = await _form(request)
    target = _safe_next(values.get("next"))
    count = await run_in_threadpool(
        decide_findings, store_of(request), actor, ids, values.get("decision", ""), values.get("reason", "")
    )
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}decided={count}", status_code=303)


@router.post("/findings/{finding_id:int}/decision", dependencies=CSRF)
async def finding_decision(request: Request, actor: Actor, finding_id: int) -> Response:
    values = await _form(request)
    finding = await run_in_threadpool(
        decide_finding, store_of(request), actor, finding_id, values.get("decision", ""), values.get("reason", "")
    )
    if is_htmx(request):
        return render(
            request,
            "_finding.html",
            finding=finding,
            may_review=True,
            titles=check_titles(),
            users={actor.id: actor.name},
        )
    return _back(request, values.get("next") or f"/documents/{finding.document_id}")


# ---- 抽查 ------------------------------------------------------------------------------------------


def _reviewer(actor: Principal) -> None:
    if actor.role not in ("admin", "reviewer"):
        raise Refused("只有审核人或管理员可以抽查")


@router.get("/sampling")
def sampling(request: Request, actor: Actor) -> Response:
    _reviewer(actor)
    with store_of(request).read() as session:
        statement = select(Sample).options(selectinload(Sample.items)).order_by(Sample.id.desc()).limit(50)
        if not actor.is_admin:
            statement = statement.where(Sample.created_by == actor.id)
        samples = list(session.scalars(statement))
        departments = departments_in_scope(session, actor)
        years = years_in_scope(session, actor)
    return render(
        request,
        "sampling.html",
        samples=samples,
        departments=departments,
        years=years,
        seed=secrets.randbelow(1_000_000),
    )


@router.post("/sampling", dependencies=CSRF)
async def sampling_draw(request: Request, actor: Actor) -> Response:
    _reviewer(actor)
    values = await _form(request)
    seed_text, size_text = values.get("seed", "").strip(), values.get("size", "").strip()
    if not seed_text.isdigit() or not size_text.isdigit():
        raise Invalid("随机种子和抽查数量都应为正整数")
    filters = Filters.from_params({k: values.get(k, "") for k in ("department", "year", "kind", "status", "grade")})
    with store_of(request).read() as session:
        population = form_population(session, actor, filters)
    sample = await run_in_threadpool(
        draw_sample, store_of(request), actor, int(seed_text), int(size_text), population, filters.active()
    )
    return RedirectResponse(f"/sampling/{sample.id}", status_code=303)


SAMPLE_COLUMNS = [
    ("position", "序号"),
    ("form_id", "表单编号"),
    ("name", "名称"),
    ("department", "部门"),
    ("year", "年度"),
    ("status", "状态"),
    ("total_score", "自评总分"),
    ("errors", "错误"),
    ("checked", "已复核"),
    ("note", "复核意见"),
]


def _sample_rows(request: Request, actor: Principal, sample_id: int) -> tuple[Sample, list[dict[str, Any]]]:
    with store_of(request).read() as session:
        sample = session.get(Sample, sample_id)
        if sample is None or not (actor.is_admin or sample.created_by == actor.id):
            raise NotFound("未找到该抽查，或您无权查看")
        items = list(
            session.scalars(select(SampleItem).where(SampleItem.sample_id == sample.id).order_by(SampleItem.position))
        )
        forms = {
            f.id: f for f in session.scalars(select(StoredForm).where(StoredForm.id.in_([i.form_id for i in items])))
        }
        names = dict(session.execute(select(Department.id, Department.name)).all())
        rows = []
        for item in items:
            form = forms.get(item.form_id)
            if form is None or not actor.sees(form.department_id):
                continue
            rows.append(
                {
                    "item_id": item.id,
                    "position": item.position + 1,
                    "form_id": form.id,
                    "name": form.name,
                    "department": names.get(form.department_id, "") if form.department_id is not None else "",
                    "year": form.year,
                    "status": STATE_LABELS.get(form.status, form.status),
                    "total_score": form.total_score,
                    "errors": form.error_count,
                    "checked": "是" if item.checked_at else "否",
                    "note": item.note or "",
                    "checked_at": item.checked_at,
                }
            )
    return sample, rows


@router.get("/sampling/{sample_id:int}")
def sample_page(request: Request, actor: Actor, sample_id: int) -> Response:
    _reviewer(actor)
    sample, rows = _sample_rows(request, actor, sample_id)
    return render(request, "sample.html", sample=sample, rows=rows)


@router.get("/sampling/{sample_id:int}.{fmt}")
def sample_download(request: Request, actor: Actor, sample_id: int, fmt: str) -> Response:
    _reviewer(actor)
    sample, rows = _sample_rows(request, actor, sample_id)
    return download(
        _format(fmt),
        f"抽查{sample.id}",
        SAMPLE_COLUMNS,
        rows,
        {"seed": sample.seed, "size": sample.size, "filters": sample.filters},
    )


@router.post("/sampling/items/{item_id:int}", dependencies=CSRF)
async def sample_recheck(request: Request, actor: Actor, item_id: int) -> Response:
    values = await _form(request)
    item = await run_in_threadpool(recheck, store_of(request), actor, item_id, values.get("note", ""))
    return RedirectResponse(f"/sampling/{item.sample_id}", status_code=303)


# ---- dashboard -------------------------------------------------------------------------------------


def _charts(request: Request, actor: Principal) -> tuple[Filters, list[Any], list[tuple[int, str]], list[int]]:
    filters = Filters.from_params(request.query_params)
    series = request.query_params.get("series")
    with store_of(request).read() as session:
        result = charts(session, actor, filters, series)
        departments = departments_in_scope(session, actor)
        years = years_in_scope(session, actor)
    return filters, result, departments, years


@router.get("/dashboard")
def dashboard(request: Request, actor: Actor) -> Response:
    filters, result, departments, years = _charts(request, actor)
    return render(
        request,
        "dashboard.html",
        filters=filters,
        charts=result,
        departments=departments,
        years=years,
        series=request.query_params.get("series", ""),
    )


@router.get("/dashboard/{key}.{fmt}")
def dashboard_download(request: Request, actor: Actor, key: str, fmt: str) -> Response:
    filters, result, _, _ = _charts(request, actor)
    chart = next((c for c in result if c.key == key), None)
    if chart is None:
        raise NotFound("没有这个图表")
    return download(_format(fmt), chart.title.split("：")[0], chart.columns, chart.rows, {"filters": filters.active()})


# ---- users and account -----------------------------------------------------------------------------


@router.get("/users")
def users(request: Request, actor: Actor) -> Response:
    actor.require_admin()
    return _users_page(request, None, None)


def _users_page(request: Request, message: str | None, error: str | None, status: int = 200) -> Response:
    with store_of(request).read() as session:
        everyone = list(session.scalars(select(User).options(selectinload(User.departments)).order_by(User.name)))
    return render(request, "users.html", status=status, users=everyone, roles=ROLES, message=message, error=error)


@router.post("/users", dependencies=CSRF)
async def users_add(request: Request, actor: Actor) -> Response:
    actor.require_admin()
    values = await _form(request)
    departments = [d for d in values.get("departments", "").replace("，", ",").replace("\n", ",").split(",")]

    def add() -> None:
        with store_of(request).write() as session:
            add_user(
                session, values.get("name", ""), values.get("password", ""), values.get("role", ""), departments, actor
            )

    try:
        await run_in_threadpool(add)
    except Invalid as error:
        return _users_page(request, None, str(error), status=422)
    return _users_page(request, f"已新增用户“{values.get('name', '').strip()}”", None)


def _user_page(request: Request, user_id: int, error: str | None = None, status: int = 200) -> Response:
    with store_of(request).read() as session:
        user = session.scalar(select(User).options(selectinload(User.departments)).where(User.id == user_id))
        if user is None:
            raise NotFound("没有这个用户")
        history = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.object_type == "user", AuditEntry.object_id == user_id)
                .order_by(AuditEntry.id.desc())
                .limit(20)
            )
        )
    return render(request, "user.html", status=status, user=user, roles=ROLES, error=error, history=history)


@router.get("/users/{user_id:int}")
def user_page(request: Request, actor: Actor, user_id: int) -> Response:
    actor.require_admin()
    return _user_page(request, user_id)


@router.post("/users/{user_id:int}", dependencies=CSRF)
async def user_update(request: Request, actor: Actor, user_id: int) -> Response:
    actor.require_admin()
    values = await _form(request)
    departments = values.get("departments", "").replace("，", ",").replace("\n", ",").split(",")

    def change() -> str:
        with store_of(request).write() as session:
            user = update_user(
                session,
                user_id,
                actor,
                role=values.get("role") or None,
                departments=departments,
                active=values.get("active") == "on",
                password=values.get("password", ""),
            )
            return user.name

    try:
        name = await run_in_threadpool(change)
    except Invalid as error:
        return _user_page(request, user_id, str(error), status=422)
    return _users_page(request, f"已保存用户“{name}”的修改", None)


@router.get("/account")
def account(request: Request, actor: Actor) -> Response:
    return render(request, "account.html", token=None, message=None, error=None)


@router.post("/account/tokens", dependencies=CSRF)
async def account_token(request: Request, actor: Actor) -> Response:
    values = await _form(request)
    token = await run_in_threadpool(create_token, store_of(request), actor, values.get("label", ""))
    return render(request, "account.html", token=token, message=None, error=None)


@router.post("/account/password", dependencies=CSRF)
async def account_password(request: Request, actor: Actor) -> Response:
    values = await _form(request)
    store = store_of(request)
    address = request.client.host if request.client else "unknown"
    checked = await run_in_threadpool(authenticate, store, actor.name, values.get("current", ""), address)
    if checked is None:
        return render(request, "account.html", status=422, token=None, message=None, error="当前密码不正确")

    def change() -> None:
        with store.write() as session:
            set_password(session, actor.name, values.get("password", ""), actor)

    try:
        await run_in_threadpool(change)
    except Invalid as error:
        return render(request, "account.html", status=422, token=None, message=None, error=str(error))
    request.state.session = new_session()
    request.state.session_dirty = True
    return RedirectResponse(f"/login?next={quote('/account')}", status_code=303)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    from jixiao.web.app import openapi_summary

    return render(
        request,
        "api_docs.html",
        operations=openapi_summary(request.app),
        actor=current_user(request),
        session=session_of(request),
    )
