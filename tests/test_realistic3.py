"""A third set of hand-written documents (``fixtures/realistic3``): long narrative reports, 决算说明,
a 第三方评价报告, regional and transfer-payment forms, with figures in prose as writers give them.

Each ``NAME.txt`` / ``.md`` has a hand-made ``NAME.gold.json``: its extraction is compared field by
field as ``test_realistic_layouts`` does, and its review must report every planted defect on its line
and no error or warning the gold does not list, as ``test_realistic_findings`` does. Half the
documents are clean: they measure false positives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.pipeline import review_file
from jixiao.render.jsonout import document_to_dict
from test_realistic_findings import match_findings
from test_realistic_layouts import compare, source_of

FIXTURES = Path(__file__).parent / "fixtures" / "realistic3"
GOLDS = sorted(FIXTURES.glob("*.gold.json"))
IDS = [path.name.removesuffix(".gold.json") for path in GOLDS]


def _review(gold_path: Path) -> tuple[dict[str, object], dict[str, object]]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return gold, document_to_dict(review_file(source_of(gold_path)))


@pytest.mark.parametrize("gold_path", GOLDS, ids=IDS)
def test_extraction_matches_gold(gold_path: Path) -> None:
    gold, pred = _review(gold_path)
    scored, diffs = compare(gold, pred)
    assert scored > 0
    assert not diffs, f"{len(diffs)} of {scored} fields differ\n" + "\n".join(diffs)


@pytest.mark.parametrize("gold_path", GOLDS, ids=IDS)
def test_review_finds_the_planted_defects_and_nothing_else(gold_path: Path) -> None:
    gold, pred = _review(gold_path)
    missed, unexpected = match_findings(gold, pred)
    assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"


def test_the_set_is_half_clean_and_narrative_heavy() -> None:
    golds = [json.loads(path.read_text(encoding="utf-8")) for path in GOLDS]
    assert len(golds) >= 12
    clean = [gold for gold in golds if not gold["findings"]]
    assert 5 <= len(clean) <= len(golds) - 5
    reports = [form for gold in golds for form in gold["forms"] if form["kind"] == "report"]
    assert len(reports) >= 7
    assert all(isinstance(f["line"], int) for gold in golds for f in gold["findings"])
