"""Debian's headless Chromium for the browser tests: where it is and how it starts.

A test module calls :func:`require_chromium` before importing Playwright; the ``browser`` fixture
(``tests/conftest.py``) starts Chromium as this module says.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# no sandbox (root in CI), and none of the background traffic this machine's closed network refuses
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def require_chromium() -> None:
    """Skip the calling module where Chromium is missing, except under CI, which must have it."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)
