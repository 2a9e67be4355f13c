"""What every page handler needs: the store, the signed-in user, CSRF checks and template rendering."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from jixiao.store.access import Principal, Refused
from jixiao.store.audit import ACTION_LABELS
from jixiao.store.db import Store
from jixiao.store.editing import FUNDS_COLUMNS, FUNDS_ROWS, OVERALL_FUNDS
from jixiao.store.models import FINDING_LABELS, ROLE_LABELS, STATE_LABELS
from jixiao.store.queries import KIND_LABELS, SEVERITY_LABELS
from jixiao.store.users import session_principal
from jixiao.web.exports import local
from jixiao.web.security import CSRF_FIELD, CSRF_HEADER, UNSAFE_METHODS, csrf_matches

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


class LoginRequired(Exception):
    """No signed-in user (pages redirect to the login page; the API answers 401)."""


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def session_of(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.state.session
    return session


def current_user(request: Request) -> Principal | None:
    """The signed-in user of this request, if any (cached on the request)."""
    if hasattr(request.state, "actor"):
        cached: Principal | None = request.state.actor
        return cached
    data = session_of(request)
    actor = None
    if isinstance(data.get("u"), int):
        with store_of(request).read() as session:
            actor = session_principal(session, data["u"], int(data.get("e") or 0))
    request.state.actor = actor
    return actor


def page_actor(request: Request) -> Principal:
    """Dependency: the signed-in user; redirect to login otherwise."""
    actor = current_user(request)
    if actor is None:
        raise LoginRequired
    return actor


async def csrf_check(request: Request) -> None:
    """Dependency for every state-changing page request: the session's CSRF token must come with it."""
    if request.method not in UNSAFE_METHODS:
        return
    offered = request.headers.get(CSRF_HEADER)
    if not offered:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            offered = value if isinstance(value, str) else None
    if not csrf_matches(session_of(request), offered):
        raise Refused("页面已过期或请求来源不明（CSRF 校验未通过），请刷新页面后重试")


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    context.setdefault("actor", current_user(request) if hasattr(request.state, "session") else None)
    context["csrf"] = session_of(request).get("c", "") if hasattr(request.state, "session") else ""
    response: HTMLResponse = TEMPLATES.TemplateResponse(request, template, context, status_code=status, headers=headers)
    return response


# ---- template filters ----------------------------------------------------------------------------


def num(value: Any) -> str:
    """A number as a finance officer writes it: no trailing zeros, no exponent; blank as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return format(value.quantize(Decimal(1)), "f")
        return format(value.normalize(), "f")
    return str(value)


def edit_value(value: Any) -> str:
    """The value as an input field shows it (blank for none)."""
    return "" if value is None else num(value)


def pct(value: Any) -> str:
    if value is None:
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{(number * 100).quantize(Decimal('0.01')).normalize():f}%"


def when(value: datetime | None) -> str:
    return "" if value is None else local(value).strftime("%Y-%m-%d %H:%M")


TEMPLATES.env.filters.update(num=num, pct=pct, when=when, edit_value=edit_value)
TEMPLATES.env.globals.update(
    KIND_LABELS=KIND_LABELS,
    STATE_LABELS=STATE_LABELS,
    FINDING_LABELS=FINDING_LABELS,
    SEVERITY_LABELS=SEVERITY_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    ACTION_LABELS=ACTION_LABELS,
    FUNDS_ROWS=FUNDS_ROWS,
    FUNDS_COLUMNS=FUNDS_COLUMNS,
    OVERALL_FUNDS=OVERALL_FUNDS,
)
