"""The synthetic corpus: clean documents raise nothing, every planted defect raises exactly its findings,
and every format reads back to the generated forms. All units and projects are invented.

Known misbehaviour of checks and readers (benchmarks/synth_issues.md) is pinned by strict xfail
tests at the end: each turns into a failure the day it is fixed, so the list stays true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.checks import REGISTRY
from jixiao.cli import app
from jixiao.rules.profile import PROFILE_NAMES, profile_name_for
from jixiao.synth.build import new_build
from jixiao.synth.compare import judge
from jixiao.synth.corpus import check_sample, make_sample, read_back, render
from jixiao.synth.defects import DEFECTS, Defect
from jixiao.synth.spec import Expected
from jixiao.synth.text import render_text

BINARY = ("html", "xlsx", "docx", "pdf")


def _pdf_available() -> bool:
    try:
        render(make_sample(5, 1), "pdf")
    except (ImportError, OSError):
        return False
    return True


PDF = _pdf_available()


def test_every_check_id_has_a_generator() -> None:
    assert len(REGISTRY) == 42
    assert {defect.check for defect in DEFECTS} == set(REGISTRY)


def test_units_select_every_rule_profile() -> None:
    seen = set()
    for index in range(len(PROFILE_NAMES) * 2):
        build = new_build(3, index)
        assert profile_name_for(build.unit) == build.profile_name
        seen.add(build.profile_name)
    assert seen == set(PROFILE_NAMES)


def test_generation_is_deterministic() -> None:
    first, second = make_sample(11, 7), make_sample(11, 7)
    assert render_text(first) == render_text(second)
    assert first.expected == second.expected
    assert render_text(make_sample(12, 7)) != render_text(first)


def test_clean_documents_raise_nothing_and_read_back_exactly() -> None:
    for index in range(0, 90, 9):  # every ninth document is left clean
        sample = make_sample(21, index)
        assert sample.expected == [] and sample.defects == []
        outcome = check_sample(sample, "text")
        assert [(f.check, f.form, f.field, f.message) for f in outcome.verdict.unexpected] == []
        assert outcome.tally.fn == outcome.tally.fp == 0, outcome.tally.misses
        assert outcome.profile == sample.profile


@pytest.mark.parametrize("defect", DEFECTS, ids=[defect.name for defect in DEFECTS])
def test_each_generator_raises_exactly_its_findings(defect: Defect) -> None:
    for index in range(60):
        sample = make_sample(31, index, defects=[defect.name])
        if sample.defects:
            break
    else:
        pytest.fail(f"{defect.name} found no document to spoil")
    assert any(item.check == defect.check for item in sample.expected_for("text"))
    outcome = check_sample(sample, "text")
    assert outcome.verdict.missed == []
    assert [(f.check, f.form, f.field, f.message) for f in outcome.verdict.unexpected] == []
    assert outcome.tally.fn == outcome.tally.fp == 0, outcome.tally.misses


def test_corpus_of_forty_documents_over_all_formats() -> None:
    """Every document as text and in one of the rendered formats, in turn."""
    for index in range(40):
        sample = make_sample(1, 100 + index)
        for fmt in ("text", BINARY[index % len(BINARY)]):
            if fmt == "pdf" and not PDF:
                continue
            outcome = check_sample(sample, fmt)
            where = f"{sample.stem} {fmt} {sample.defects}"
            assert outcome.tally.fn == outcome.tally.fp == 0, (where, outcome.tally.misses)
            assert outcome.profile == sample.profile, where
            assert outcome.verdict.missed == [], where
            assert [(f.check, f.form, f.field) for f in outcome.verdict.unexpected] == [], where


def test_synth_command_writes_files_and_expectations(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--out", str(tmp_path), "--count", "3", "--seed", "4", "--formats", "text,html"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted(f"synth_4_{i:04d}.{ext}" for i in range(3) for ext in ("txt", "html", "expected.json"))
    expected = json.loads((tmp_path / "synth_4_0001.expected.json").read_text(encoding="utf-8"))
    sample = make_sample(4, 1)
    assert expected["findings"] == [item.as_dict() for item in sorted(sample.expected)]
    assert (tmp_path / "synth_4_0001.txt").read_text(encoding="utf-8") == render_text(sample)


def test_synth_command_rejects_unknown_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--formats", "text,odt"])
    assert result.exit_code == 2
    assert "格式" in result.output


# ---- known misbehaviour (benchmarks/synth_issues.md) ------------------------------------------------


ACCOUNTS = """2023年度青禾县总工会部门决算说明

第一部分 部门概况

青禾县总工会主要负责职工权益保障工作。

第二部分 2023年度部门决算情况说明

本年支出合计120.00万元，其中基本支出80.00万元、项目支出30.00万元。

基本支出80.00万元，其中人员经费60.00万元、公用经费20.00万元。

第三部分 名词解释

基本支出：指为保障机构正常运转而发生的支出。

第四部分 决算报表

报表详见附件。
"""


def test_structure_sum_followed_by_a_basic_expenditure_breakdown() -> None:
    """Was synth_issues.md #1: the list window ran on into the next sentence's own 其中 list."""
    document, _ = read_back(ACCOUNTS.encode("utf-8"), "accounts.txt")
    assert [f.check for f in document.findings or []] == ["accounts.structure_sum"]


def test_department_narrative_in_a_cell_without_problems_or_measures() -> None:
    """Was synth_issues.md #2: a 部门整体 narrative in a table cell was not read."""
    sample = next(s for i in range(60) if (s := make_sample(31, i, defects=["section_missing_dept"])).defects)
    document, _ = read_back(render(sample, "html"), f"{sample.stem}.html")
    assert judge(sample.expected, document.findings or []).missed == []


def test_known_xlsx_score_shown_with_two_decimals() -> None:
    sample = make_sample(1, 56)
    document, _ = read_back(render(sample, "xlsx"), f"{sample.stem}.xlsx")
    assert [f.check for f in judge(sample.expected, document.findings or []).unexpected] == []


@pytest.mark.skipif(not PDF, reason="WeasyPrint or the CJK fonts are not installed")
def test_pdf_heading_on_a_short_last_page() -> None:
    """Was synth_issues.md #4: on a short last PDF page a heading joined the paragraph above."""
    sample = make_sample(1, 0)
    document, _ = read_back(render(sample, "pdf"), f"{sample.stem}.pdf")
    assert [f.check for f in judge(sample.expected, document.findings or []).unexpected] == []


def test_expectations_name_registered_checks() -> None:
    for index in range(30):
        for item in make_sample(41, index).expected:
            assert isinstance(item, Expected) and item.check in REGISTRY
