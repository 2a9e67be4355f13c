"""Shared test helpers: where the project's fixtures and the shared seed corpus live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from headless import ARGS, CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "corpus" / "seeds" / "docs").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (the browser and screenshot tests; none is downloaded)."""
    assert CHROMIUM.exists(), "CI must have /usr/bin/chromium (.ci/run installs it)"
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield launched
    launched.close()
