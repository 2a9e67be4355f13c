"""``document_from_dict`` is the exact inverse of ``document_to_dict``: gold files, extractions, edge cases."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.model import DepartmentForm, ProjectForm, ReportForm
from jixiao.parse.jsonin import document_from_dict, load_document
from jixiao.pipeline import extract_file, iter_inputs, review_file
from jixiao.read.source import ReadError
from jixiao.render.jsonout import document_to_dict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _subset(gold: Any, got: Any, where: str = "") -> list[str]:
    """Where ``got`` differs from ``gold`` on the keys ``gold`` has (the fields FORMAT.md defines)."""
    if isinstance(gold, dict):
        if not isinstance(got, dict):
            return [f"{where}: {got!r} is no object"]
        out: list[str] = []
        for key, value in gold.items():
            if key == "allowed_findings":  # scorer metadata, not part of FORMAT.md
                continue
            if key not in got:
                out.append(f"{where}.{key}: missing")
            else:
                out.extend(_subset(value, got[key], f"{where}.{key}"))
        return out
    if isinstance(gold, list):
        if not isinstance(got, list) or len(got) != len(gold):
            return [f"{where}: length {len(gold)} != {len(got) if isinstance(got, list) else got!r}"]
        return [d for i, (a, b) in enumerate(zip(gold, got, strict=True)) for d in _subset(a, b, f"{where}[{i}]")]
    if type(gold) is not type(got) and not (isinstance(gold, (int, float)) and isinstance(got, (int, float))):
        return [f"{where}: {gold!r} != {got!r}"]
    return [] if gold == got else [f"{where}: {gold!r} != {got!r}"]


def test_seed_gold_files_round_trip(shared: Path) -> None:
    files = sorted((shared / "corpus" / "seeds" / "gold").glob("*.json"))
    assert files
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        again = document_to_dict(document_from_dict(gold))
        assert _subset(gold, again) == [], path.name


def test_seed_extractions_round_trip_exactly(shared: Path) -> None:
    """Review output (provenance and findings included) comes back identical, key for key."""
    for doc in sorted((shared / "corpus" / "seeds" / "docs").glob("*.txt")):
        data = json.loads(json.dumps(document_to_dict(review_file(doc)), default=str))
        assert document_to_dict(document_from_dict(data)) == data, doc.name


def test_example_documents_round_trip_exactly() -> None:
    files = list(iter_inputs([EXAMPLES]))
    assert len(files) >= 4
    for path in files:
        data = json.loads(json.dumps(document_to_dict(extract_file(path)), default=str))
        document = document_from_dict(data)
        assert document_to_dict(document) == data, path.name


def test_types_and_layouts_are_restored() -> None:
    data = {
        "format": "jixiao/1",
        "source": "青禾县.json",
        "forms": [
            {
                "kind": "project",
                "line": 3,
                "project": "职工书屋",
                "funds": {"total": {"budget": 12.5}, "central": {"budget": 10}, "rate": 0.9631},
                "indicators": [{"name": "书屋", "weight": 10}],
            },
            {
                "kind": "department",
                "line": 40,
                "funds": {"carryover": 0.0, "initial": 713.28},
                "subtotals": {"投入": {"weight": 16, "score": 15.5}},
            },
            {"kind": "department", "line": 80, "funds": {"total": {"budget": 5}}, "goals": {"expected": "甲"}},
            {"kind": "report", "line": 99, "projects": [{"name": "乙", "group": "transfer", "rate": 1}]},
        ],
    }
    document = document_from_dict(data)
    project, framework, layout, report = document.forms
    assert isinstance(project, ProjectForm) and project.funds.total.budget == Decimal("12.5")
    assert project.funds.rate == Decimal("0.9631") and project.funds.central is not None
    assert project.funds.local is None and project.indicators[0].line == 3
    assert isinstance(framework, DepartmentForm) and framework.layout == "framework"
    assert framework.overall_funds.initial == Decimal("713.28") and framework.subtotals["投入"].score == Decimal("15.5")
    assert isinstance(layout, DepartmentForm) and layout.layout == "project" and layout.goals.expected == "甲"
    assert isinstance(report, ReportForm) and report.projects[0].group == "transfer"
    assert document.findings is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "JSON 对象"),
        ({"format": "other", "forms": []}, "jixiao/1"),
        ({"format": "jixiao/1", "forms": [{"kind": "table"}]}, "未知的表单类型"),
        ({"format": "jixiao/1", "forms": [{"kind": "project", "total_score": "98"}]}, "forms[0].total_score 应为数字"),
        ({"format": "jixiao/1", "forms": {"kind": "project"}}, "应为数组"),
        ({"format": "jixiao/1", "forms": [{"kind": "report", "projects": [{"group": "project"}]}]}, "name 缺失"),
        ({"format": "jixiao/1", "forms": [], "findings": [{"check": "x", "severity": "fatal"}]}, "severity"),
    ],
)
def test_malformed_documents_raise_read_errors(data: object, words: str) -> None:
    with pytest.raises(ReadError, match=words.replace("[", r"\[").replace("]", r"\]")):
        document_from_dict(data)


def test_load_document_reports_bad_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReadError, match="不是有效的 JSON"):
        load_document(broken)
    with pytest.raises(ReadError, match="无法读取文件"):
        load_document(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": "jixiao/1", "source": "a.txt", "forms": []}), encoding="utf-8")
    assert load_document(good).source == "a.txt"
