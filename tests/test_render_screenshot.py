"""The review report and index in a real headless Chromium (Debian's), offline, with screenshots.

Playwright drives ``/usr/bin/chromium``; it never downloads a browser. Every request
that is not ``file://`` is blocked and recorded, so a page that reaches outside fails.
Skipped only on a machine without Chromium outside CI; in CI (``CI`` set) it must run.
Screenshots go to ``tests/artifacts/`` (ignored by git through its own ``.gitignore``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from headless import require_chromium
from jixiao.render.outputs import write_review_outputs
from test_render_html import sample_document, sample_lines

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402


class Offline:
    """A page that may load file:// only; everything else is aborted and remembered."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.context.route(re.compile(r"^(?!file:).*"), self._block)
        self.page: Page = self.context.new_page()
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

    def _block(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def assert_clean(self) -> None:
        assert self.outside == [], self.outside
        assert self.failed == [], self.failed
        assert self.errors == [], self.errors

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    second = sample_document()
    second.source = "乙单位自评表.txt"
    for form in second.forms:
        form.department = "云岭市总工会"
        form.year = 2022
    second.findings = (second.findings or [])[:1]
    write_review_outputs([(sample_document(), sample_lines()), (second, sample_lines())], tmp_path)
    return tmp_path


def save(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_review_report_renders_offline(browser: Browser, outputs: Path) -> None:
    document = sample_document()
    report = next(path for path in outputs.glob("*.html") if path.name.startswith("示例"))
    offline = Offline(browser)
    try:
        page = offline.page
        page.goto(report.as_uri())
        assert page.title() == document.source
        findings = page.locator("li.finding")
        expect(findings).to_have_count(len(document.findings or []))
        first = findings.first
        expect(first).to_be_visible()
        expect(first).to_contain_text("funds.score_mismatch")
        expect(page.locator("h1")).to_have_text(document.source)
        expect(page.locator("#summary b[data-count=error]")).to_have_text("3")
        # the markup in the document is shown as text
        expect(page.locator("#form-1 dl.fields")).to_contain_text("<p>职工书屋</p>")
        # a finding's line link scrolls to its highlighted source line
        first.locator("a.line").click()
        assert page.url.endswith("#L9")
        line = page.locator("#L9")
        expect(line).to_be_in_viewport()
        expect(line).to_have_class(re.compile(r"\bsev-error\b"))
        # severity buttons hide and show findings
        page.locator("button.count.error").click()
        expect(page.locator("li.finding.error").first).to_be_hidden()
        expect(page.locator("li.finding.warning").first).to_be_visible()
        page.locator("button.count.error").click()
        expect(page.locator("li.finding.error").first).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")
        path = save(page, "review_report.png")
        offline.assert_clean()
    finally:
        offline.close()
    print(f"screenshot: {path}", file=sys.stderr)


def test_index_sorts_and_filters_offline(browser: Browser, outputs: Path) -> None:
    offline = Offline(browser)
    try:
        page = offline.page
        page.goto((outputs / "index.html").as_uri())
        rows = page.locator("#files tbody tr")
        expect(rows).to_have_count(2)
        # sort by 错误, descending on the second click
        header = page.locator("#files thead th", has_text="错误")
        header.click()
        expect(rows.first).to_contain_text("乙单位自评表.txt")
        header.click()
        expect(rows.first).to_contain_text("示例<审核>&报告.txt")
        # filters: department, year, check id, severity
        page.select_option("#f-department", "云岭市总工会")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(1)
        expect(page.locator("#shown")).to_have_text("1")
        page.click("#f-reset")
        page.select_option("#f-check", "dept.subtotal_mismatch")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(1)
        page.select_option("#f-severity", "warning")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(0)
        page.select_option("#f-check", "")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(1)
        page.click("#f-reset")
        page.select_option("#f-year", "2022")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(1)
        page.click("#f-reset")
        expect(page.locator("#files tbody tr:not(.hidden)")).to_have_count(2)
        # the file link opens its report
        page.locator("#files a", has_text="乙单位自评表.txt").click()
        assert page.title() == "乙单位自评表.txt"
        page.go_back()
        save(page, "review_index.png")
        offline.assert_clean()
    finally:
        offline.close()
