"""Shared test helpers: where the project's fixtures and the shared seed corpus live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "corpus" / "seeds" / "docs").is_dir():
        pytest.skip("../shared is not present")
    return SHARED
