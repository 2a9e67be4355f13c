"""Review findings on the hand-made dumps of ``fixtures/realistic2``, against their gold ``findings``.

Each gold lists the defects put into its dump on purpose (check id, form, line) and nothing else;
half the dumps have none. Every gold finding must be reported on its line, and no error or warning
that the gold does not list may appear (an ``info`` note is not a defect claim). The extraction of
the same dumps is scored in ``test_realistic_layouts``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.pipeline import review_file
from jixiao.render.jsonout import document_to_dict

FIXTURES = Path(__file__).parent / "fixtures" / "realistic2"
GOLDS = sorted(FIXTURES.glob("*.gold.json"))


def _source(gold_path: Path) -> Path:
    stem = gold_path.name.removesuffix(".gold.json")
    (found,) = [p for p in FIXTURES.glob(stem + ".*") if not p.name.endswith(".gold.json")]
    return found


def _form_map(gold: dict[str, Any], pred: dict[str, Any]) -> dict[int, int]:
    """Gold form index → predicted form index: same kind, nearest start line."""
    pairs: dict[int, int] = {}
    free = list(range(len(pred["forms"])))
    for index, form in enumerate(gold["forms"]):
        same = [j for j in free if pred["forms"][j]["kind"] == form["kind"]]
        if same:
            j = min(same, key=lambda k: abs(pred["forms"][k]["line"] - form["line"]))
            pairs[index] = j
            free.remove(j)
    return pairs


def match_findings(gold: dict[str, Any], pred: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(gold findings not reported, reported errors and warnings the gold does not list)."""
    forms = _form_map(gold, pred)
    found = list(pred.get("findings") or [])
    used: set[int] = set()
    missed: list[str] = []
    for want in gold.get("findings") or []:
        checks = want["check"].split("|")
        form = forms.get(want["form"]) if want.get("form") is not None else None
        hit = next(
            (
                k
                for k, got in enumerate(found)
                if k not in used
                and got["check"] in checks
                and (want.get("form") is None or got.get("form") == form)
                and got.get("line") == want["line"]
            ),
            None,
        )
        if hit is None:
            missed.append(f"{want['check']} line {want['line']} ({want.get('field')})")
        else:
            used.add(hit)
    back = {j: i for i, j in forms.items()}
    allowed = {(a["check"], a.get("form")) for a in gold.get("allowed_findings") or []}
    unexpected = [
        f"{got['check']} {got['severity']} line {got.get('line')}: {got.get('message')}"
        for k, got in enumerate(found)
        if k not in used
        and got["severity"] in ("error", "warning")
        and (got["check"], back.get(got.get("form"))) not in allowed
        and (got["check"], None) not in allowed
    ]
    return missed, unexpected


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda path: path.name.removesuffix(".gold.json"))
def test_review_finds_the_planted_defects_and_nothing_else(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    pred = document_to_dict(review_file(_source(gold_path)))
    missed, unexpected = match_findings(gold, pred)
    assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"


def test_half_the_dumps_are_clean_and_every_defect_names_a_line() -> None:
    golds = [json.loads(path.read_text(encoding="utf-8")) for path in GOLDS]
    assert len(golds) >= 12
    clean = [gold for gold in golds if not gold["findings"]]
    assert 5 <= len(clean) <= len(golds) - 5
    assert all(isinstance(f["line"], int) for gold in golds for f in gold["findings"])


def test_match_findings_reports_a_miss_and_an_extra() -> None:
    """The matcher itself: a gold finding on another line is missed; an unlisted warning is extra."""
    gold = {
        "forms": [{"kind": "project", "line": 1}],
        "findings": [{"check": "total.sum_mismatch", "form": 0, "line": 20}],
    }
    pred = {
        "forms": [{"kind": "project", "line": 1}],
        "findings": [
            {"check": "total.sum_mismatch", "severity": "error", "form": 0, "line": 21},
            {"check": "weights.nonstandard", "severity": "info", "form": 0, "line": 3},
        ],
    }
    missed, unexpected = match_findings(gold, pred)
    assert missed == ["total.sum_mismatch line 20 (None)"]
    assert len(unexpected) == 1 and unexpected[0].startswith("total.sum_mismatch")
    pred["findings"][0]["line"] = 20
    assert match_findings(gold, pred) == ([], [])


def test_a_markdown_table_row_is_cells_not_narrative() -> None:
    """A framework 部门整体 form in pipe tables has no narrative: its long 计算分析 cells are not prose
    that should have named problems and measures (report.section_missing)."""
    from jixiao.checks import prose

    line = "|  | 预算执行 | 预算完成率 | 10 | 10 | 完成数1,021.30万元/预算数1,056.20万元，完成率96.7%，较上年提高 | 8 |"
    pieces, table = prose._pieces(line)
    assert table and pieces == ["完成数1,021.30万元/预算数1,056.20万元，完成率96.7%，较上年提高"]
    assert prose._pieces("|---|---|---|") == ([], True)
