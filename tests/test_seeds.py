"""The acceptance measure: extraction F1 on the shared seed corpus, with the shared scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jixiao.pipeline import extract_file, review_file
from jixiao.render.jsonout import document_to_dict


def _score(shared: Path, pred: Path, part: str = "extraction") -> dict[str, dict[str, float]]:
    result = subprocess.run(
        [
            sys.executable,
            str(shared / "bench" / "score.py"),
            "--gold",
            str(shared / "corpus" / "seeds" / "gold"),
            "--pred",
            str(pred),
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    summary: dict[str, dict[str, float]] = json.loads(result.stdout)[part]
    return summary


def test_seed_extraction_f1(shared: Path, tmp_path: Path) -> None:
    for doc in sorted((shared / "corpus" / "seeds" / "docs").glob("*.txt")):
        document = extract_file(doc)
        assert not document.problems, document.problems
        (tmp_path / f"{doc.stem}.json").write_text(
            json.dumps(document_to_dict(document), ensure_ascii=False), encoding="utf-8"
        )
    summary = _score(shared, tmp_path)
    assert summary["ALL"]["f1"] >= 0.97
    for group, figures in summary.items():
        units = figures["tp"] + figures["fn"]
        if units >= 10:
            assert figures["f1"] >= 0.95, (group, figures)


def test_every_value_has_a_source_line(shared: Path) -> None:
    for doc in sorted((shared / "corpus" / "seeds" / "docs").glob("*.txt")):
        data = document_to_dict(extract_file(doc))
        lines = doc.read_text(encoding="utf-8").split("\n")
        for form in data["forms"]:
            assert 1 <= form["line"] <= len(lines)
            for key, where in form["provenance"].items():
                assert 1 <= where["line"] <= len(lines), (doc.name, key)
            for row in form.get("indicators", []):
                assert 1 <= row["line"] <= len(lines)
                if row.get("name") and "name" in row["provenance"]:
                    line_text = lines[row["provenance"]["name"]["line"] - 1]
                    assert row["name"].replace(" ", "")[:4] in line_text.replace(" ", "")


def test_seed_review_findings(shared: Path, tmp_path: Path) -> None:
    for doc in sorted((shared / "corpus" / "seeds" / "docs").glob("*.txt")):
        (tmp_path / f"{doc.stem}.json").write_text(
            json.dumps(document_to_dict(review_file(doc)), ensure_ascii=False, default=str), encoding="utf-8"
        )
    findings = _score(shared, tmp_path, "findings")
    assert findings["findings.error"]["recall"] == 1.0
    assert findings["findings.warning"]["recall"] >= 0.9
    assert findings.get("findings.unexpected", {"fp": 0})["fp"] <= 5
