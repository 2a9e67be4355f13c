"""The 自评报告 drafted from a document's forms (``render.forms.drafting``, ``jixiao draft``).

The strongest property: a draft put beside the forms it was drafted from, rendered as one Word file,
read back and reviewed, adds no finding (its figures are the forms' own, its 存在问题 names every row
that lost points), and the report parser reads back the figures that were drafted.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.model import (
    Amounts,
    DepartmentForm,
    Document,
    Finding,
    Goals,
    Indicator,
    ProjectForm,
    ProjectFunds,
    ReportForm,
)
from jixiao.pipeline import extract_source, review_source
from jixiao.read import read_bytes
from jixiao.render.forms import render_document
from jixiao.render.forms.drafting import GAP, compose_report
from jixiao.synth.corpus import make_sample

D = Decimal


def _project(
    name: str,
    *,
    indicators: list[Indicator],
    initial: str = "50",
    budget: str = "50",
    executed: str = "50",
    rate: str = "1",
) -> ProjectForm:
    form = ProjectForm(line=1, year=2023, project=name, department="青禾县总工会")
    form.funds = ProjectFunds(
        total=Amounts(D(initial), D(budget), D(executed)), weight=D(10), rate=D(rate), score=D(10)
    )
    form.goals = Goals(expected="为困难职工提供帮扶，帮扶人数不少于300人", actual="帮扶困难职工320人")
    form.indicators = indicators
    scores = [row.score or D(0) for row in indicators]
    form.total_score = D(10) + sum(scores, D(0))
    return form


def _row(name: str, target: str, actual: str, weight: int, score: int, note: str | None = None) -> Indicator:
    return Indicator(
        "产出指标", "数量指标", name, line=1, target=target, actual=actual, weight=D(weight), score=D(score), note=note
    )


def _paragraphs(document: Document) -> str:
    drafted = compose_report(document)
    return "\n".join(
        [*drafted.analysis.overview, *drafted.analysis.results, *drafted.analysis.problems, *drafted.analysis.measures]
    )


def test_a_row_that_lost_points_is_named_with_the_reason_its_row_gives() -> None:
    form = _project(
        "职工帮扶",
        indicators=[
            _row("帮扶人数", "≥300人", "320人", 40, 40),
            _row("发放及时率", "≥95%", "90%", 40, 36, note="年底集中审批，部分补助延至次年发放"),
        ],
    )
    drafted = compose_report(Document(source="x", forms=[form]))
    problems = "\n".join(drafted.analysis.problems)
    assert "“发放及时率”未达到年度指标值" in problems and "年底集中审批" in problems
    assert "帮扶人数" not in problems
    assert drafted.gaps == 0
    results = "\n".join(drafted.analysis.results)
    assert "产出指标共2项，其中1项达到年度指标值" in results and "实际完成值90%" in results


def test_a_missing_reason_is_a_marked_gap_not_an_invented_one() -> None:
    form = _project("职工帮扶", indicators=[_row("发放及时率", "≥95%", "90%", 40, 36)])
    drafted = compose_report(Document(source="x", forms=[form]))
    assert drafted.gaps == 1 and GAP in "\n".join(drafted.analysis.problems)


def test_points_lost_on_a_target_that_was_met_are_not_called_a_missed_target() -> None:
    form = _project("职工帮扶", indicators=[_row("帮扶人数", "≥300人", "320人", 40, 38, note="佐证资料不全")])
    problems = "\n".join(compose_report(Document(source="x", forms=[form])).analysis.problems)
    assert "“帮扶人数”未得满分" in problems and "未达到年度指标值" not in problems


def test_a_form_with_every_target_met_leaves_no_problem_paragraph() -> None:
    form = _project("职工帮扶", indicators=[_row("帮扶人数", "≥300人", "320人", 90, 90)])
    drafted = compose_report(Document(source="x", forms=[form]))
    assert drafted.analysis.problems == () and drafted.gaps == 0
    assert "全部达到年度指标值" in "\n".join(drafted.analysis.results)


def test_one_project_is_drafted_as_that_projects_report() -> None:
    form = _project("职工帮扶", indicators=[_row("帮扶人数", "≥300人", "320人", 90, 90)])
    report = compose_report(Document(source="x", forms=[form])).document.forms[0]
    assert isinstance(report, ReportForm)
    assert report.title == "2023年度职工帮扶项目支出绩效自评报告"
    assert report.total_score == D(100) and report.budget.executed is None


def test_several_projects_without_a_unit_form_state_the_total_of_their_funds() -> None:
    first = _project("职工帮扶", indicators=[], initial="50", budget="40", executed="38", rate="0.95")
    second = _project("劳模慰问", indicators=[], initial="30", budget="30", executed="30")
    report = compose_report(Document(source="x", forms=[first, second])).document.forms[0]
    assert isinstance(report, ReportForm)
    assert (report.budget.budget, report.budget.adjusted, report.budget.executed) == (D(80), D(70), D(68))
    assert report.budget.rate == D("0.9714")
    assert [project.name for project in report.projects] == ["职工帮扶", "劳模慰问"]


def test_a_project_without_amounts_leaves_the_total_unstated() -> None:
    first = _project("职工帮扶", indicators=[])
    second = _project("劳模慰问", indicators=[])
    second.funds.total = Amounts()
    report = compose_report(Document(source="x", forms=[first, second])).document.forms[0]
    assert isinstance(report, ReportForm)
    assert report.budget.budget is None and report.budget.executed is None


def test_a_unit_form_gives_the_budget_line_and_the_unit_score() -> None:
    unit = DepartmentForm(line=1, year=2023, department="青禾县总工会", total_score=D(88), grade="良")
    unit.funds = ProjectFunds(total=Amounts(D(700), D(650), D(640)), rate=D("0.9846"))
    unit.indicators = [Indicator("过程", "预算执行", "预算完成率", line=1, weight=D(4), score=D(2))]
    drafted = compose_report(Document(source="x", forms=[unit]))
    report = drafted.document.forms[0]
    assert isinstance(report, ReportForm)
    assert (report.budget.budget, report.budget.adjusted, report.budget.executed) == (D(700), D(650), D(640))
    assert (report.total_score, report.grade) == (D(88), "良")
    assert "“预算完成率”未得满分" in "\n".join(drafted.analysis.problems)


def test_a_document_with_no_table_form_cannot_be_drafted() -> None:
    with pytest.raises(ValueError, match="无法起草"):
        compose_report(Document(source="x", forms=[ReportForm(line=1, title="2023年度自评报告")]))


def _review(document: Document, analyses: dict[int, object] | None = None) -> tuple[Document, list[Finding]]:
    data = render_document(document, "docx", analyses=analyses)  # type: ignore[arg-type]
    source = read_bytes(data, "draft.docx")
    reviewed = review_source(extract_source(source), source)
    return reviewed, list(reviewed.findings or [])


@pytest.mark.parametrize("index", range(10))
def test_a_draft_beside_its_clean_forms_adds_no_finding_and_reads_back(index: int) -> None:
    sample = make_sample(7, index, defects=[])
    tables = [form for form in sample.document.forms if not isinstance(form, ReportForm)]
    base = Document(source=sample.stem, forms=tables, profile=sample.profile)
    drafted = compose_report(base)
    combined = Document(source=sample.stem, forms=[*tables, *drafted.document.forms], profile=sample.profile)
    _, before = _review(base)
    back, after = _review(combined, {len(tables): drafted.analysis})
    assert [(f.check, f.message) for f in after] == [(f.check, f.message) for f in before]
    reports = [form for form in back.forms if isinstance(form, ReportForm)]
    assert len(reports) == 1
    got, want = reports[0], drafted.document.forms[0]
    assert isinstance(want, ReportForm)
    assert (got.title, got.year, got.department, got.total_score, got.grade) == (
        want.title,
        want.year,
        want.department,
        want.total_score,
        want.grade,
    )
    assert got.budget == want.budget
    figures = ("name", "initial", "budget", "executed", "rate", "score")
    assert [[getattr(p, key) for key in figures] for p in got.projects] == [
        [getattr(p, key) for key in figures] for p in want.projects
    ]


def test_the_draft_command_writes_each_draft_and_goes_on_past_a_file_it_cannot_draft(tmp_path: Path) -> None:
    form = _project("职工帮扶", indicators=[_row("发放及时率", "≥95%", "90%", 40, 36)])
    tables = tmp_path / "表.docx"
    tables.write_bytes(render_document(Document(source="表", forms=[form]), "docx"))
    narrative = tmp_path / "报告.txt"
    narrative.write_text("2023年度青禾县总工会部门整体支出绩效自评报告\n一、基本情况\n本年度工作正常开展。\n", "utf-8")
    result = CliRunner().invoke(app, ["draft", str(narrative), str(tables), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "报告.txt" in result.output and "无法起草" in result.output
    written = tmp_path / "out" / "表.draft.docx"
    text = "\n".join(read_bytes(written.read_bytes(), written.name).lines)
    assert "职工帮扶项目支出绩效自评报告" in text and "“发放及时率”未达到年度指标值" in text
    assert "1 处标为" in result.output
