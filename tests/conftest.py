"""Shared test helpers: where the project's fixtures and the shared seed corpus live."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from headless import ARGS, CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def zip_members_opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the zip members the test opens for reading (inflates), in order: a bomb is shown refused
    from the sizes its archive declares when its member is never among them. Members written are not listed."""
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        if (args[0] if args else kwargs.get("mode", "r")) == "r":
            opened.append(name if isinstance(name, str) else name.filename)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    return opened


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
