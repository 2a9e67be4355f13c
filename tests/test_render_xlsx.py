"""The review workbook, reopened with openpyxl: the findings sheet, one sheet per form, marked cells."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import jixiao.rules.scoring as scoring
from jixiao.model import Document, Finding, Indicator, ProjectForm
from jixiao.pipeline import read_and_extract, review_source
from jixiao.render.xlsx import FINDINGS_COLUMNS, FINDINGS_SHEET, RED_FILL, review_xlsx, sheet_names
from test_render_html import fake_explain, sample_document

RED = "FF" + RED_FILL.lstrip("#").upper()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def fill(cell: Any) -> str | None:
    if cell.fill is None or cell.fill.fill_type != "solid":
        return None
    rgb = cell.fill.fgColor.rgb
    return rgb if isinstance(rgb, str) else None


def find_row(sheet: Worksheet, column: int, value: object) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == value:
            return row
    raise AssertionError(f"{value!r} not in column {column} of {sheet.title}")


def header_of(sheet: Worksheet, row: int) -> dict[str, int]:
    cells = [(sheet.cell(row, col).value, col) for col in range(1, sheet.max_column + 1)]
    return {str(value): col for value, col in cells if value}


def write(document: Document, tmp_path: Path) -> Any:
    path = tmp_path / "review.xlsx"
    review_xlsx(document, path)
    return openpyxl.load_workbook(path)


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jixiao.rules.scoring", None)


def test_findings_sheet_has_one_row_per_finding(tmp_path: Path, no_engine: None) -> None:
    document = sample_document()
    workbook = write(document, tmp_path)
    assert workbook.sheetnames[0] == FINDINGS_SHEET
    sheet = workbook[FINDINGS_SHEET]
    assert [sheet.cell(1, col).value for col in range(1, 12)] == [name for name, _ in FINDINGS_COLUMNS]
    assert [name for name, _ in FINDINGS_COLUMNS] == [
        "文件", "表单序号", "表单", "检查项", "严重程度", "字段", "行号", "说明", "应为", "实为", "复核意见"]
    findings = document.findings or []
    assert sheet.max_row == len(findings) + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(findings) + 1}"
    assert sheet.column_dimensions["H"].width >= 40
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for row, finding in enumerate(findings, start=2):
        values = [sheet.cell(row, col).value for col in range(1, 12)]
        assert values[0] == document.source
        assert values[1] == (None if finding.form is None else finding.form + 1)
        assert values[3] == finding.check
        assert values[4] == labels[finding.severity]
        assert values[5] == finding.field
        assert values[6] == finding.line
        assert values[7] == finding.message
        assert values[10] is None  # 复核意见: left for the reviewer
    first = [sheet.cell(2, col).value for col in range(1, 12)]
    assert first[2] == "项目支出绩效自评表：<p>职工书屋</p> & <b>更新</b>"
    assert (first[8], first[9]) == (9, 10)
    assert sheet.cell(2, 3).hyperlink is not None and "1 项目表" in sheet.cell(2, 3).hyperlink.location


def test_one_sheet_per_form_with_names_that_excel_accepts(tmp_path: Path, no_engine: None) -> None:
    document = sample_document()
    workbook = write(document, tmp_path)
    assert workbook.sheetnames[1:] == sheet_names(document)
    assert len(workbook.sheetnames) == 1 + len(document.forms)
    assert workbook.sheetnames[1].startswith("1 项目表")
    assert workbook.sheetnames[2].startswith("2 部门表")
    assert workbook.sheetnames[3].startswith("3 报告")


def test_sheet_names_are_short_legal_and_unique() -> None:
    long_name = "关于2023年度[职工]书屋/阅读:推广*活动?的专项资金项目（第一批）"
    forms = [ProjectForm(line=n, project=long_name) for n in range(1, 4)]
    forms.append(ProjectForm(line=9, project="审核发现"))
    names = sheet_names(Document(source="x.txt", forms=list(forms)))
    assert len(names) == 4
    assert all(len(name) <= 31 for name in names)
    assert all(not set(name) & set("[]:*?/\\") for name in names)
    assert len({name.casefold() for name in names} | {FINDINGS_SHEET}) == 5


def test_project_sheet_marks_wrong_scores_and_writes_findings_beside_their_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring, "explain_form", fake_explain)
    document = sample_document()
    workbook = write(document, tmp_path)
    sheet = workbook[workbook.sheetnames[1]]
    assert sheet["A4"].value == "项目名称" and sheet["B4"].value == "<p>职工书屋</p> & <b>更新</b>"

    funds_head = find_row(sheet, 1, "项目资金（万元）") + 1
    heads = header_of(sheet, funds_head)
    total = find_row(sheet, 1, "年度资金总额")
    assert sheet.cell(total, heads["全年预算数（A）"]).value == 80
    assert sheet.cell(total, heads["执行率（B/A）"]).value == pytest.approx(0.9)
    assert sheet.cell(total, heads["执行率（B/A）"]).number_format == "0.00%"
    score = sheet.cell(total, heads["得分"])
    assert score.value == 10 and fill(score) == RED  # an error names it, and 9 was recomputed
    assert sheet.cell(total, heads["复算得分"]).value == 9
    assert fill(sheet.cell(total, heads["全年预算数（A）"])) is None
    assert "funds.score_mismatch" in sheet.cell(total, heads["复核意见"]).value

    indicator_head = find_row(sheet, 1, "一级指标")
    heads = header_of(sheet, indicator_head)
    assert list(heads)[-1] == "复核意见"
    books = find_row(sheet, heads["三级指标"], "更新图书册数")
    assert fill(sheet.cell(books, heads["得分"])) == RED
    assert sheet.cell(books, heads["得分"]).value == 23
    assert sheet.cell(books, heads["偏差原因分析及改进措施"]).value == "<script>alert('注入')</script>"
    assert fill(sheet.cell(books, heads["偏差原因分析及改进措施"])) == "FFFFEB9C"  # a warning names it
    note = sheet.cell(books, heads["复核意见"]).value
    assert "indicator.score_mismatch" in note and "indicator.reason_missing" in note
    assert sheet.cell(books, heads["行号"]).value == 17
    rooms = find_row(sheet, heads["三级指标"], "新建职工书屋")
    assert fill(sheet.cell(rooms, heads["得分"])) is None
    assert sheet.cell(rooms, heads["复算得分"]).value == 25
    assert sheet.cell(rooms, heads["复核意见"]).value is None
    header_weight = find_row(sheet, 1, "产出指标（表头分值）")
    assert sheet.cell(header_weight, heads["分值"]).value == 50
    assert "weights.nonstandard" in sheet.cell(header_weight, heads["复核意见"]).value
    total_row = find_row(sheet, 1, "总分")
    assert sheet.cell(total_row, heads["得分"]).value == 98 and fill(sheet.cell(total_row, heads["得分"])) != RED


def test_department_sheet_has_its_indicators_and_subtotals(tmp_path: Path, no_engine: None) -> None:
    workbook = write(sample_document(), tmp_path)
    sheet = workbook[workbook.sheetnames[2]]
    head = find_row(sheet, 1, "一级指标")
    heads = header_of(sheet, head)
    assert {"参考分值", "设定分值", "计算分析情况", "评价得分", "复核意见"} <= set(heads)
    labels = [sheet.cell(row, 1).value for row in range(head + 1, head + 9)]
    assert labels == ["投入（小计）", "投入", "过程（小计）", "过程", "产出（小计）", "产出", "效果（小计）", "效果"]
    process = find_row(sheet, 1, "过程（小计）")
    assert sheet.cell(process, heads["评价得分"]).value == 37
    assert fill(sheet.cell(process, heads["评价得分"])) == RED
    assert "dept.subtotal_mismatch" in sheet.cell(process, heads["复核意见"]).value
    assert fill(sheet.cell(process, heads["设定分值"])) != RED
    assert sheet.cell(find_row(sheet, 1, "上年结转金额（万元）"), 4).value == 12.5
    assert sheet.cell(find_row(sheet, 3, "预算完成率"), heads["计算分析情况"]).value == "893.1/917.8=97.31%"


def test_report_sheet_has_budget_projects_and_unplaced_findings(tmp_path: Path, no_engine: None) -> None:
    workbook = write(sample_document(), tmp_path)
    sheet = workbook[workbook.sheetnames[3]]
    budget_head = find_row(sheet, 1, "年初预算数")
    assert sheet.cell(budget_head + 1, 1).value == 860
    assert sheet.cell(budget_head + 1, 4).value == pytest.approx(0.9731)
    projects_head = find_row(sheet, 1, "项目名称")
    heads = header_of(sheet, projects_head)
    row = find_row(sheet, 1, "困难职工帮扶")
    assert sheet.cell(row, heads["执行数"]).value == 176.4
    assert sheet.cell(row, heads["行号"]).value == 52
    other = find_row(sheet, 1, "其他审核发现")
    assert sheet.cell(other + 1, 1).value == "警告"
    assert "year.mismatch" in sheet.cell(other + 1, 2).value


def test_text_is_never_turned_into_a_formula_or_number(tmp_path: Path, no_engine: None) -> None:
    document = sample_document()
    form = document.forms[0]
    assert isinstance(form, ProjectForm)
    form.indicators.append(Indicator("产出指标", "数量指标", "=HYPERLINK(\"x\")", 21, "=1+1", "0012", Decimal("0"),
                                     Decimal("0")))
    placeholder = Finding("indicator.placeholder", "warning", 0, "indicators[4].name", 21, "=SUM(A1)", None, None)
    document.findings = [*(document.findings or []), placeholder]
    workbook = write(document, tmp_path)
    sheet = workbook[workbook.sheetnames[1]]
    heads = header_of(sheet, find_row(sheet, 1, "一级指标"))
    row = find_row(sheet, heads["年度指标值"], "=1+1")
    assert sheet.cell(row, heads["年度指标值"]).data_type == "s"
    assert sheet.cell(row, heads["三级指标"]).data_type == "s"
    assert sheet.cell(row, heads["实际完成值"]).value == "0012"
    findings = workbook[FINDINGS_SHEET]
    assert findings.cell(findings.max_row, 8).value == "=SUM(A1)"
    assert findings.cell(findings.max_row, 8).data_type == "s"


def test_a_document_without_findings_or_forms_still_makes_a_workbook(tmp_path: Path, no_engine: None) -> None:
    workbook = write(Document(source="空.txt", findings=[]), tmp_path)
    assert workbook.sheetnames == [FINDINGS_SHEET]
    assert workbook[FINDINGS_SHEET].max_row == 1


def test_example_with_a_wrong_rate_marks_the_rate_and_score_cells(tmp_path: Path) -> None:
    """examples/04: rate stated 98% for 57/60 (95%), score 9.8 for 9.5 — with the real checks and engine."""
    document, source = read_and_extract(EXAMPLES / "04_project_form_gb18030.html")
    assert source is not None
    review_source(document, source)
    workbook = write(document, tmp_path)
    sheet = workbook[workbook.sheetnames[1]]
    heads = header_of(sheet, find_row(sheet, 1, "项目资金（万元）") + 1)
    total = find_row(sheet, 1, "年度资金总额")
    assert sheet.cell(total, heads["执行率（B/A）"]).value == pytest.approx(0.98)
    assert fill(sheet.cell(total, heads["执行率（B/A）"])) == RED
    assert fill(sheet.cell(total, heads["得分"])) == RED
    assert sheet.cell(total, heads["复算执行率"]).value == pytest.approx(0.95)
    assert "funds.rate_mismatch" in sheet.cell(total, heads["复核意见"]).value
    findings = workbook[FINDINGS_SHEET]
    checks = {findings.cell(row, 4).value for row in range(2, findings.max_row + 1)}
    assert {"funds.rate_mismatch", "funds.score_mismatch"} <= checks
