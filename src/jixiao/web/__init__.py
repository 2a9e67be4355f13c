"""The web app: ``jixiao serve`` (FastAPI, Jinja2, htmx; ECharts for the dashboard; all vendored)."""

from __future__ import annotations
