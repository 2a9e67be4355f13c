"""Every check in CHECKS.md is registered under its id, with its severity and a Chinese name."""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.checks import REGISTRY
from jixiao.checks.titles import TITLES

_ROW = re.compile(r"^\| `([a-z0-9_]+\.[a-z0-9_]+)` \| ([EWI]) \|", re.MULTILINE)
_SEVERITY = {"E": "error", "W": "warning", "I": "info"}


def test_every_registered_check_has_a_chinese_title() -> None:
    assert set(REGISTRY) == set(TITLES)
    for title in TITLES.values():
        assert re.search(r"[\u4e00-\u9fff]", title)


def test_registry_matches_the_catalogue(shared: Path) -> None:
    catalogue = dict(_ROW.findall((shared / "spec" / "CHECKS.md").read_text(encoding="utf-8")))
    assert len(catalogue) >= 40
    assert set(REGISTRY) == set(catalogue)
    for check_id, letter in catalogue.items():
        assert REGISTRY[check_id].severity == _SEVERITY[letter], check_id
