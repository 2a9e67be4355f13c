"""The web application: ``create_app`` wires the store, sessions, pages, API and static files.

Pages are server-rendered Jinja2 with htmx for in-place updates; htmx and
ECharts are vendored under ``static/vendor``, so nothing is fetched from
outside and the pages work with no network.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from jixiao.read import MAX_BYTES
from jixiao.store.access import StoreError, principal_of
from jixiao.store.cache import revision
from jixiao.store.db import Store
from jixiao.store.documents import rebuild
from jixiao.store.facets import INDEXES
from jixiao.store.models import StoredForm
from jixiao.store.queries import check_titles
from jixiao.store.users import secret_key
from jixiao.web.common import TEMPLATES, LoginRequired, is_htmx, render
from jixiao.web.security import BodyLimit, SecurityHeaders, SessionMiddleware, Sessions
from jixiao.web.views import form_view

STATIC = Path(__file__).resolve().parent / "static"
# one file of the largest size jixiao reads, plus room for the multipart envelope
UPLOAD_LIMIT = MAX_BYTES + 1024 * 1024

HTTP_MESSAGES = {
    400: "请求有误",
    401: "需要登录",
    403: "无权进行此操作",
    404: "页面不存在",
    405: "不支持该请求方式",
    409: "数据已被他人修改",
    413: "上传内容过大",
    422: "提交的数据有误",
    429: "请求过于频繁",
}


def create_app(
    store: Store | str | None = None, *, migrate: bool = True, secure_cookies: bool | None = None
) -> FastAPI:
    """The app over ``store`` (a Store, a database URL, or None for the default database)."""
    chosen = store if isinstance(store, Store) else Store(store)
    if migrate:
        chosen.migrate()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(chosen,), daemon=True).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="jixiao 绩效自评审核",
        description=(
            "预算绩效自评表的导入、复算、审核与汇总。接口使用 Bearer 令牌认证（在“我的账号”页面创建令牌），"
            "权限与网页相同：填报人只能访问本部门，审核人和只读用户只能访问所分配的部门。"
        ),
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = chosen
    app.state.templates = TEMPLATES
    from jixiao.web import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SessionMiddleware, sessions=Sessions(secret_key(chosen)), secure=secure_cookies)
    app.add_middleware(BodyLimit, limit=UPLOAD_LIMIT)
    app.add_middleware(SecurityHeaders)
    _errors(app)
    return app


def _warm(store: Store) -> None:
    """Do once, as the server starts, what the first user would otherwise wait for: build the in-memory
    index of the store (~1 s with 10,000 forms), and show and re-check one stored form, which imports the
    checks and reads the rule profiles (~120 ms the first time, 2–8 ms afterwards)."""
    try:
        from jixiao.pipeline import review_source
        from jixiao.read.source import Source

        check_titles()
        with store.read() as session:
            INDEXES.get(session, revision(session))
            newest = session.scalar(select(StoredForm.id).order_by(StoredForm.id.desc()).limit(1))
            if newest is not None:
                view = form_view(session, principal_of(0, "", "admin", []), newest)
                stored = view.document
                document = rebuild(stored)
                review_source(document, Source(path=stored.filename, lines=stored.lines), stored.profile)
    except Exception:  # the first request does it instead, and reports what is wrong
        logging.getLogger(__name__).exception("启动时预热失败")


def worker_app() -> FastAPI:
    """The app in one of several worker processes (``jixiao serve --workers N``): the parent migrated already."""
    return create_app(migrate=False)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if is_htmx(request):
        fragment = TEMPLATES.get_template("_alert.html").render(message=message, level="error")
        return HTMLResponse(
            fragment, status_code=status, headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML", **(headers or {})}
        )
    return render(request, "error.html", status=status, message=message, code=status)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> Response:
        return _error(request, error.status, str(error))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error_: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "需要有效的 Bearer 令牌"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) and not error.detail.isascii() else None
        message = detail or HTTP_MESSAGES.get(error.status_code, "请求无法完成")
        return _error(request, error.status_code, message, dict(error.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        places = "、".join(".".join(str(p) for p in item.get("loc", ()) if p != "body") for item in error.errors())
        return _error(request, 422, f"提交的数据有误：{places or '格式不正确'}")


def openapi_summary(app: FastAPI) -> list[dict[str, Any]]:
    """The API's operations for the built-in documentation page (no outside scripts needed)."""
    out = []
    for path, operations in app.openapi().get("paths", {}).items():
        for method, operation in operations.items():
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        (p.get("name"), p.get("in"), p.get("description", "")) for p in operation.get("parameters", [])
                    ],
                    "body": bool(operation.get("requestBody")),
                }
            )
    return out
