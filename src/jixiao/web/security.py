"""Sessions, CSRF, upload limits and security headers.

The session is a signed cookie (itsdangerous): user id, the user's session
epoch (raised on logout and password change, which ends every session) and
the CSRF token. It is HttpOnly, SameSite=Lax, and Secure when served over
HTTPS (or when ``JIXIAO_COOKIE_SECURE=1`` behind a TLS proxy). Every
state-changing request made with the cookie must carry the token, in the
``X-CSRF-Token`` header (htmx sends it) or the ``csrf_token`` form field. The
JSON API authenticates by bearer token only and ignores cookies, so it needs
no CSRF token.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "jixiao_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Sessions:
    """Sign and read the session cookie."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="jixiao-session")

    def load(self, raw: str | None) -> dict[str, Any] | None:
        if not raw:
            return None
        try:
            data = self.serializer.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("c"), str) else None

    def dump(self, data: dict[str, Any]) -> str:
        return self.serializer.dumps(data)


def new_session(user_id: int | None = None, epoch: int = 0) -> dict[str, Any]:
    """A fresh session with a new CSRF token (on every login, so a token seen before login is useless after)."""
    return {"u": user_id, "e": epoch, "c": secrets.token_urlsafe(32)}


def csrf_matches(session: dict[str, Any], offered: str | None) -> bool:
    expected = session.get("c")
    return bool(offered) and isinstance(expected, str) and hmac.compare_digest(expected, offered or "")


class SessionMiddleware:
    """Read the session cookie into ``request.state.session``; write it back when a handler changed it."""

    def __init__(self, app: ASGIApp, sessions: Sessions, secure: bool | None = None) -> None:
        self.app = app
        self.sessions = sessions
        forced = os.environ.get("JIXIAO_COOKIE_SECURE")
        self.secure = secure if secure is not None else (forced == "1" if forced else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie()
        try:
            cookie.load(Headers(scope=scope).get("cookie", ""))
        except Exception:  # a malformed Cookie header is treated as no cookie
            cookie = SimpleCookie()
        morsel = cookie.get(SESSION_COOKIE)
        data = self.sessions.load(morsel.value if morsel else None)
        state = scope.setdefault("state", {})
        state["session"] = data or new_session()
        state["session_dirty"] = data is None
        secure = self.secure if self.secure is not None else scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get("session_dirty"):
                value = self.sessions.dump(state["session"])
                flags = f"Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_MAX_AGE}" + ("; Secure" if secure else "")
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", f"{SESSION_COOKIE}={value}; {flags}".encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeaders:
    """Headers every response gets: no framing, no sniffing, scripts from this server only.

    Also ``Server-Timing: app;dur=…``, the milliseconds from the request reaching the app to its
    response starting, so a load test can tell the server's own time from time spent queueing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", CSP.encode()),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over the limit before reading it (by Content-Length), or as soon as it passes it.

    An upload of 300 MB is answered with 413 and a plain message at once; nothing of it
    is read into memory or spooled to disk.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def message(self) -> str:
        return f"上传内容过大：单次上传不能超过 {self.limit // 1024 // 1024} MB，请分开上传或压缩后再试"

    async def _refuse(self, scope: Scope, send: Send) -> None:
        import orjson

        wants_json = (
            scope["path"].startswith("/api/") or b"application/json" in Headers(scope=scope).get("accept", "").encode()
        )
        if wants_json:
            body = orjson.dumps({"detail": self.message()})
            kind = b"application/json"
        else:
            body = f'<!doctype html><meta charset="utf-8"><title>上传过大</title><p>{self.message()}</p>'.encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except TooLarge:
            if not started:
                await self._refuse(scope, send)
