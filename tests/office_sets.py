"""What the office fixture sets (office3, office4) share: files written at test time from declarative
descriptions, checked against the hand-written ``NAME.gold.json`` beside them — the extraction field by
field (``test_realistic_layouts.compare``) and the review's findings (``test_realistic_findings.match_findings``:
every planted defect on its line, no unlisted error or warning)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fixtures.office3.build import xls_from_xlsx
from jixiao.pipeline import extract_file, review_file
from jixiao.render.jsonout import document_to_dict
from test_realistic_findings import match_findings
from test_realistic_layouts import compare

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class OfficeSet:
    """One set: its fixture folder, its builders and descriptions, and the gaps not closed yet
    ((test, fixture) → why; strict, so a fix that makes one pass must remove it)."""

    folder: str
    build: ModuleType
    specs: ModuleType
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted([*self.specs.XLSX, *self.specs.DOCX, *self.specs.XLS])

    def cases(self, test: str) -> list[Any]:
        return [
            pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=self.xfail[test, name]))
            if (test, name) in self.xfail
            else name
            for name in self.names
        ]

    def gold(self, name: str) -> dict[str, Any]:
        gold: dict[str, Any] = json.loads((FIXTURES / self.folder / f"{name}.gold.json").read_text(encoding="utf-8"))
        return gold

    def make(self, name: str, folder: Path) -> Path:
        """Write the fixture ``name`` into ``folder``; an .xls needs LibreOffice (skipped without it)."""
        if name in self.specs.XLSX:
            path = folder / f"{name}.xlsx"
            path.write_bytes(self.build.xlsx_bytes(self.specs.XLSX[name]))
            return path
        if name in self.specs.DOCX:
            path = folder / f"{name}.docx"
            path.write_bytes(self.build.docx_bytes(self.specs.DOCX[name]))
            return path
        if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
            pytest.skip("LibreOffice (soffice) is not installed: the .xls is saved by it at test time")
        converted = xls_from_xlsx(self.build.xlsx_bytes(self.specs.XLSX[self.specs.XLS[name]]), folder, name)
        assert converted is not None, "LibreOffice wrote no .xls"
        return converted

    def check_extraction(self, name: str, folder: Path) -> None:
        gold = self.gold(name)
        pred = document_to_dict(extract_file(self.make(name, folder)))
        scored, diffs = compare(gold, pred)
        assert scored > 0
        assert not diffs, f"{name}: {len(diffs)} of {scored} fields differ\n" + "\n".join(diffs)

    def check_review(self, name: str, folder: Path) -> None:
        gold = self.gold(name)
        pred = document_to_dict(review_file(self.make(name, folder)))
        missed, unexpected = match_findings(gold, pred)
        assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"

    def check_mixed(self, least: int) -> None:
        """At least ``least`` files, at least five clean and five with defects, each gold naming its file."""
        golds = {name: self.gold(name) for name in self.names}
        assert len(golds) >= least
        clean = [name for name, gold in golds.items() if not gold["findings"]]
        assert 5 <= len(clean) <= len(golds) - 5
        for name, gold in golds.items():
            assert gold["source"].rsplit(".", 1)[0] == name
            assert all(isinstance(f["line"], int) for f in gold["findings"])
