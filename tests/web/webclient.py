"""Signed-in test clients for the web app (in-process, through Starlette's TestClient)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import httpx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from fastapi import FastAPI

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


class Browser:
    """One user's session: logs in through the login form and sends the CSRF token on every change."""

    def __init__(self, app: FastAPI, name: str | None = None, password: str | None = None) -> None:
        self.client = TestClient(app, follow_redirects=False)
        self.token = csrf_of(self.client.get("/login").text)
        if name is not None:
            response = self.client.post(
                "/login", data={"name": name, "password": password or "", "csrf_token": self.token, "next": "/"}
            )
            assert response.status_code == 303, response.text
            self.token = csrf_of(self.client.get("/account").text)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, str] | None = None, htmx: bool = False, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.token, **kwargs.pop("headers", {})}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(url, data=data or {}, headers=headers, **kwargs)
