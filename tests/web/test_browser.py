"""End to end in headless Chromium against a real ``jixiao serve`` on 127.0.0.1, on each database backend.

Every request that leaves the server is blocked and recorded: the pages must work with no
network. Screenshots of the main pages go to ``tests/artifacts/web/`` (ignored by git).
"""

from __future__ import annotations

import io
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import EXAMPLES, PROJECT_EXAMPLE, SEEDS, Account
from headless import require_chromium
from jixiao.store.db import Store

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
SEED = "002_fab8c720e2459c6c.txt"

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(store: Store, accounts: dict[str, Account], tmp_path: Path) -> Iterator[str]:
    """``jixiao serve`` in its own process on a free loopback port, over the test's database."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from jixiao.cli import app; app()",
            "serve",
            "--port",
            str(port),
            "--database",
            store.url,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("jixiao serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


class Session:
    """One user's browser context: only the test server may be reached; errors are collected."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route(re.compile(rf"^(?!{re.escape(base)}/).*"), self._block)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(message.text)
                if message.type == "error" and "status of 4" not in message.text
                else None
            ),
        )

    def _block(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def login(self, account: Account) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.get_by_label("用户名").fill(account.name)
        self.page.get_by_label("密码").fill(account.password)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.locator(".who")).to_contain_text(account.name)

    def close(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        self.context.close()


def shot(page: Page, name: str, backend: str) -> None:
    if backend != "sqlite":
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ignore = ARTIFACTS.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000


def test_the_whole_workflow_in_a_browser(
    browser: Browser, server: str, store: Store, accounts: dict[str, Account], tmp_path: Path
) -> None:
    backend = "sqlite" if store.is_sqlite else "postgresql"
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"PK\x03\x04word/" + b"\x00" * 100)
    uploads = [EXAMPLES / PROJECT_EXAMPLE, bad]
    seed = SEEDS / SEED
    if seed.exists():
        uploads.insert(0, seed)

    filer = Session(browser, server)
    page = filer.page
    page.goto(f"{server}/login")
    shot(page, "login", backend)
    filer.login(accounts["filer"])

    # import: one progress row per file, the bad one fails plainly, the others are stored
    page.goto(f"{server}/import")
    page.locator('input[type="file"]').set_input_files([str(p) for p in uploads])
    page.get_by_role("button", name="开始导入").click()
    rows = page.locator("#upload-list li.upload")
    expect(rows).to_have_count(len(uploads))
    expect(page.locator("#upload-list li.upload.failed")).to_have_count(1, timeout=60_000)
    expect(page.locator("#upload-list li.upload.ok")).to_have_count(len(uploads) - 1, timeout=60_000)
    expect(page.locator("#upload-list li.failed .status")).to_contain_text("不是")
    shot(page, "import", backend)

    page.goto(f"{server}/documents")
    expect(page.locator("table.list tbody tr")).to_have_count(len(uploads) - 1)
    shot(page, "documents", backend)

    # the document page: error findings, and a click on one marks its line in the source
    first = page.get_by_role("link", name=uploads[0].name)
    first.click()
    errors = page.locator("#findings li.finding.error")
    expect(errors.first).to_be_visible()
    assert errors.count() >= 1
    finding = errors.first
    line = finding.get_attribute("data-line")
    finding.locator(".message").click()
    expect(page.locator(f"#L{line}")).to_have_class(re.compile(r"\bhl\b"))
    expect(page.locator(f"#L{line}")).to_be_in_viewport()
    shot(page, "document", backend)

    # the form page of the example: edit a score, see the total and the findings change at once
    page.goto(f"{server}/documents")
    page.get_by_role("link", name=PROJECT_EXAMPLE).click()
    page.get_by_role("link", name="职工技能提升培训专项").click()
    total = page.locator("#recomputed-total")
    expect(total).to_have_text("99")
    form_findings = page.locator(".form-findings li.finding")
    expect(form_findings.filter(has_text="indicator.score_mismatch")).to_have_count(1)
    score = page.locator('input[name="indicators[1].score"]')
    score.fill("10")
    score.press("Tab")
    expect(page.locator("#form-body .alert-ok")).to_contain_text("已保存（第 2 版）")
    expect(page.locator("#form-version")).to_contain_text("第 2 版")
    expect(total).to_have_text("100")
    expect(form_findings.filter(has_text="indicator.score_mismatch")).to_have_count(0)
    expect(page.locator('input[name="indicators[1].score"]')).to_have_value("10")
    shot(page, "form", backend)

    # the standard forms as xlsx
    with page.expect_download() as download_info:
        page.get_by_role("link", name="标准表格 XLSX").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames
    form_url = page.url
    page.get_by_role("button", name="送审").click()
    expect(page.locator("#form-state")).to_have_text("已送审")
    filer.close()

    # the reviewer accepts a finding, returns the form, and looks at the dashboard
    reviewer = Session(browser, server)
    reviewer.login(accounts["reviewer"])
    page = reviewer.page
    page.goto(form_url)
    item = page.locator(".form-findings li.finding").first
    item.get_by_role("button", name="退回整改").click()
    expect(page.locator(".form-findings li.finding").first.locator(".decision")).to_have_text("退回整改")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator("#form-state")).to_have_text("已退回")
    page.get_by_label("复核得分").fill("95")
    page.get_by_label("复核意见").fill("佐证材料齐全")
    page.get_by_role("button", name="保存复核评分").click()
    expect(page.locator("#review-score")).to_contain_text("复核得分 95（优）")
    page.goto(f"{server}/dashboard")
    expect(page.locator(".echart canvas").first).to_be_visible()
    drawn = page.evaluate("document.documentElement.getAttribute('data-charts')")
    assert drawn == str(page.locator(".echart").count()) and int(drawn) >= 4  # 历年对比 needs two years
    shot(page, "dashboard", backend)
    page.goto(f"{server}/findings")
    shot(page, "findings", backend)

    # 批量处理: every warning on the page ticked at once and dismissed with one reason
    page.goto(f"{server}/findings?severity=warning")
    boxes = page.locator('table.list tbody input[name="ids"]')
    warnings = boxes.count()
    assert warnings >= 1
    page.get_by_label("全选本页").check()
    expect(page.locator('table.list tbody input[name="ids"]:checked')).to_have_count(warnings)
    page.get_by_label("批量处理理由").fill("属于填报口径说明，不予采纳")
    page.locator(".batch-bar").get_by_role("button", name="不予采纳").click()
    expect(page.locator(".alert-ok")).to_contain_text(f"已处理 {warnings} 条问题")
    expect(page.locator("table.list tbody .decision.dismissed")).to_have_count(warnings)
    reviewer.close()

    # the department sees what was sent back
    filer = Session(browser, server)
    filer.login(accounts["filer"])
    filer.page.goto(f"{server}/returned")
    expect(filer.page.locator("h1")).to_have_text("退回整改的问题")
    expect(filer.page.locator("table.list tbody tr")).to_have_count(1)
    filer.close()

    # another department's filer is refused
    other = Session(browser, server)
    other.login(accounts["filer_other"])
    other.page.goto(form_url)
    expect(other.page.locator(".alert-error")).to_contain_text("未找到该对象，或您无权查看")
    shot(other.page, "refused", backend)
    other.page.goto(f"{server}/documents")
    expect(other.page.locator("td.empty")).to_contain_text("没有符合条件的文档")
    other.close()


def test_a_300_mb_upload_is_refused_before_it_is_read(server: str) -> None:
    """Only the headers are sent: the answer must come without the body."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        head = (
            f"POST /import HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {300 * 1024 * 1024}\r\nAccept: text/html\r\n\r\n"
        )
        connection.sendall(head.encode())
        received = b""
        while chunk := connection.recv(65536):  # the server answers, then closes the connection
            received += chunk
        answer = received.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413")
    assert "上传内容过大" in answer


def test_a_form_filled_in_online(browser: Browser, server: str, store: Store, accounts: dict[str, Account]) -> None:
    """A filer creates a blank form, fills cells one by one, adds and removes a row; scores follow each change."""
    backend = "sqlite" if store.is_sqlite else "postgresql"
    filer = Session(browser, server)
    filer.login(accounts["filer"])
    page = filer.page
    page.get_by_role("link", name="新建自评表").click()
    page.get_by_label("项目名称").fill("职工书屋建设")
    page.get_by_label("评价年度").fill("2025")
    page.get_by_role("button", name="新建").click()
    expect(page.locator("h1")).to_have_text("职工书屋建设")
    rows = page.locator("table.indicators tbody tr")
    expect(rows).to_have_count(9)

    def fill(name: str, value: str, version: int) -> None:
        field = page.locator(f'[name="{name}"]')
        field.fill(value)
        field.press("Tab")
        expect(page.locator("#form-version")).to_contain_text(f"第 {version} 版")

    fill("funds.total.budget", "40", 2)
    fill("funds.total.executed", "36", 3)
    expect(page.locator("table.funds")).to_contain_text("90%")
    fill("indicators[0].name", "建成职工书屋数量", 4)
    fill("indicators[0].target", "≥10个", 5)
    fill("indicators[0].actual", "8个", 6)
    fill("indicators[0].weight", "50", 7)
    fill("indicators[0].score", "50", 8)
    expect(page.locator(".form-findings li.finding").filter(has_text="indicator.full_score_unmet")).to_have_count(1)
    expect(page.locator('[data-field="indicators[0].score"]')).to_have_text("40")
    page.get_by_role("button", name="在第1行下方增加一行").click()
    expect(rows).to_have_count(10)
    expect(page.locator('[name="indicators[1].level2"]')).to_have_value("数量指标")
    page.get_by_role("button", name="删除第2行").click()
    expect(rows).to_have_count(9)
    shot(page, "online_form", backend)

    # started under the wrong project: the filer deletes it, after a confirmation that can be declined
    page.locator("p.crumbs a").first.click()
    page.get_by_text("删除此文件").click()
    page.get_by_label("删除原因").fill("项目名称填错，重新新建")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="删除", exact=True).click()
    expect(page.locator("details.danger-zone")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除", exact=True).click()
    expect(page.locator(".alert-ok")).to_contain_text("已删除“职工书屋建设")
    expect(page.locator("table.list tbody")).not_to_contain_text("职工书屋建设")
    filer.close()
