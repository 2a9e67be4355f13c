"""Office files with the markup Word, WPS and Excel leave in them, the fourth set: built at test time.

Each file is written into ``tmp_path`` from its description in ``fixtures/office4/specs.py`` (tracked
insertions, deletions and moves, a deleted row; content controls at block, row, cell and run level, check
box controls and unfilled controls showing their prompt; form fields and formula fields with cached results;
rows starting at a later grid column; soft breaks, tabs, hyperlinks, smart tags and bookmarks inside cells;
mc:AlternateContent; footnotes, comments, a header and a page-number footer; rich and phonetic shared
strings, inline strings, cached formula text, error and boolean cells, a 1904 workbook, quote prefixes,
merged ranges anchored in a hidden column, print titles and frozen panes, a WPS workbook; an .xls saved by
LibreOffice) and checked against the hand-written ``NAME.gold.json`` beside it, field by field and finding
by finding, as ``test_office3`` checks its set.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fixtures.office3.build import xls_from_xlsx
from fixtures.office4 import build, specs
from jixiao.pipeline import extract_file, review_file
from jixiao.render.jsonout import document_to_dict
from test_realistic_findings import match_findings
from test_realistic_layouts import compare

FIXTURES = Path(__file__).parent / "fixtures" / "office4"
NAMES = sorted([*specs.XLSX, *specs.DOCX, *specs.XLS])
# Gaps not closed yet: (test, fixture) → why it fails. Strict: a fix makes the test pass and must remove it here.
XFAIL: dict[tuple[str, str], str] = {}


def _cases(test: str) -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=XFAIL[test, name]))
        if (test, name) in XFAIL
        else name
        for name in NAMES
    ]


def _gold(name: str) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads((FIXTURES / f"{name}.gold.json").read_text(encoding="utf-8"))
    return gold


def make(name: str, folder: Path) -> Path:
    """Write the fixture ``name`` into ``folder``; an .xls needs LibreOffice (skipped without it)."""
    if name in specs.XLSX:
        path = folder / f"{name}.xlsx"
        path.write_bytes(build.xlsx_bytes(specs.XLSX[name]))
        return path
    if name in specs.DOCX:
        path = folder / f"{name}.docx"
        path.write_bytes(build.docx_bytes(specs.DOCX[name]))
        return path
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .xls is saved by it at test time")
    converted = xls_from_xlsx(build.xlsx_bytes(specs.XLSX[specs.XLS[name]]), folder, name)
    assert converted is not None, "LibreOffice wrote no .xls"
    return converted


@pytest.mark.parametrize("name", _cases("extract"))
def test_office_file_matches_gold(name: str, tmp_path: Path) -> None:
    gold = _gold(name)
    pred = document_to_dict(extract_file(make(name, tmp_path)))
    scored, diffs = compare(gold, pred)
    assert scored > 0
    assert not diffs, f"{name}: {len(diffs)} of {scored} fields differ\n" + "\n".join(diffs)


@pytest.mark.parametrize("name", _cases("review"))
def test_office_review_finds_the_planted_defects_and_nothing_else(name: str, tmp_path: Path) -> None:
    gold = _gold(name)
    pred = document_to_dict(review_file(make(name, tmp_path)))
    missed, unexpected = match_findings(gold, pred)
    assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"


def test_the_set_is_mixed_and_every_gold_names_its_file() -> None:
    golds = {name: _gold(name) for name in NAMES}
    assert len(golds) >= 15
    clean = [name for name, gold in golds.items() if not gold["findings"]]
    assert 5 <= len(clean) <= len(golds) - 5
    for name, gold in golds.items():
        assert gold["source"].rsplit(".", 1)[0] == name
        assert all(isinstance(f["line"], int) for f in gold["findings"])
