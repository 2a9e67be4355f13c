"""Real Excel 97–2003 (.xls) workbooks: written at test time by xlwt and by LibreOffice, read back.

Checks what a self-evaluation form needs from a legacy workbook: every
sheet in order, merged ranges as inherited cells, numbers as written (no
``.0``, no binary noise), dates as dates, Chinese text intact.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
import xlsxwriter
import xlwt

from jixiao.model import ProjectForm
from jixiao.pipeline import extract_file
from jixiao.read import read_path
from jixiao.read.convert import soffice_path
from jixiao.read.source import Source
from jixiao.read.xlsx import read_workbook


def _cells(source: Source, sheet: str) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.inherited) for cell in row.cells] for row in source.rows if row.sheet == sheet]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Two sheets: a project form with merges, numbers and dates; a department sheet with an offset area."""
    book = xlwt.Workbook(encoding="utf-8")
    form = book.add_sheet("项目支出")
    form.write_merge(0, 0, 0, 3, "项目支出绩效自评表")
    form.write(1, 0, "项目名称")
    form.write_merge(1, 1, 1, 3, "青禾职工书屋建设")
    form.write(2, 0, "主管部门")
    form.write(2, 1, "青禾县总工会")
    form.write(2, 2, "实施单位")
    form.write(2, 3, "宣传部")
    form.write(3, 1, "年初预算数")
    form.write(3, 2, "全年预算数")
    form.write(3, 3, "全年执行数")
    form.write_merge(4, 5, 0, 0, "年度资金总额")
    form.write(4, 1, 20)
    form.write(4, 2, 19.5)
    form.write(4, 3, 62.38)
    form.write(5, 1, 1234567.89)
    form.write(5, 2, 0.9631)
    form.write(5, 3, 0.1 + 0.2)
    form.write(6, 0, "填报日期")
    form.write(6, 1, datetime.date(2023, 12, 31), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    form.write(6, 2, datetime.datetime(2024, 1, 5, 14, 30), xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM"))
    other = book.add_sheet("部门整体")
    other.write(2, 1, "部门名称")
    other.write(2, 2, "青禾县总工会")
    path = tmp_path / "自评表.xls"
    book.save(str(path))
    return path


def test_xls_bytes_are_ole_and_every_sheet_is_read_in_order(workbook: Path) -> None:
    data = workbook.read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    source = read_workbook(data, workbook.name)
    assert source.format == "xls"
    assert source.lines[0] == "【工作表：项目支出】"
    assert "【工作表：部门整体】" in source.lines
    assert [row.sheet for row in source.rows][-1] == "部门整体"


def test_merged_ranges_are_inherited_cells(workbook: Path) -> None:
    rows = _cells(read_workbook(workbook.read_bytes(), workbook.name), "项目支出")
    assert rows[1] == [("项目支出绩效自评表", False)]  # a merged title alone is a paragraph
    assert rows[2] == [
        ("项目名称", False), ("青禾职工书屋建设", False), ("青禾职工书屋建设", True), ("青禾职工书屋建设", True),
    ]  # fmt: skip
    assert rows[5][0] == ("年度资金总额", False)
    assert rows[6][0] == ("年度资金总额", True)  # the vertical merge continues into the next row


def test_numbers_are_as_written_and_dates_are_dates(workbook: Path) -> None:
    source = read_workbook(workbook.read_bytes(), workbook.name)
    assert "年度资金总额\t20\t19.5\t62.38" in source.lines
    assert "\t1234567.89\t0.9631\t0.3" in source.lines
    assert "填报日期\t2023-12-31\t2024-01-05 14:30:00" in source.lines


def test_numbers_are_read_as_their_format_shows_them(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("得分")
    sheet.write(0, 0, "得分")
    sheet.write(0, 1, 4.9, xlwt.easyxf(num_format_str="0.00"))
    sheet.write(0, 2, 5, xlwt.easyxf(num_format_str="0.00"))
    sheet.write(0, 3, 0.9631, xlwt.easyxf(num_format_str="0.00%"))
    sheet.write(0, 4, 1234.5, xlwt.easyxf(num_format_str="#,##0.00"))
    sheet.write(0, 5, "4.9", xlwt.easyxf(num_format_str="0.00"))  # text: as written
    sheet.write(0, 6, 4.9)
    path = tmp_path / "shown.xls"
    book.save(str(path))
    assert read_workbook(path.read_bytes(), path.name).lines == ["得分\t4.90\t5.00\t96.31%\t1,234.50\t4.9\t4.9"]


def test_an_offset_data_area_starts_at_column_zero(workbook: Path) -> None:
    rows = _cells(read_workbook(workbook.read_bytes(), workbook.name), "部门整体")
    assert rows[-1] == [("部门名称", False), ("青禾县总工会", False)]


def test_xls_through_the_guarded_reader_and_the_parser(workbook: Path) -> None:
    source = read_path(workbook)
    assert source.path == "自评表.xls"
    assert source.lines == read_workbook(workbook.read_bytes(), workbook.name).lines
    forms = [form for form in extract_file(workbook).forms if isinstance(form, ProjectForm)]
    assert [(form.project, form.department) for form in forms] == [("青禾职工书屋建设", "青禾县总工会")]


def test_xls_saved_by_libreoffice_reads_like_its_xlsx(tmp_path: Path) -> None:
    soffice = soffice_path()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    xlsx = tmp_path / "form.xlsx"
    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet("自评表")
    sheet.merge_range(0, 0, 0, 2, "青禾县总工会项目支出绩效自评表")
    sheet.write_row(1, 0, ["指标", "分值", "得分"])
    sheet.write_row(2, 0, ["职工满意度", 10, 9.5])
    sheet.write(2, 3, 4.9, book.add_format({"num_format": "0.00"}))
    sheet.merge_range(3, 0, 4, 0, "合计")
    sheet.write_row(3, 1, [100, 96.25])
    sheet.write_datetime(5, 0, datetime.datetime(2023, 6, 30), book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "out"), str(xlsx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    shutil.rmtree(profile, ignore_errors=True)
    xls = tmp_path / "out" / "form.xls"
    assert xls.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    from_xls, from_xlsx = read_path(xls), read_path(xlsx)
    assert from_xls.format == "xls"
    assert from_xls.lines == from_xlsx.lines
    assert from_xls.lines[-1] == "2023-06-30"
    assert "职工满意度\t10\t9.5\t4.90" in from_xls.lines  # the number format, read from the xls records
    merged = [[cell.inherited for cell in row.cells] for row in from_xls.rows]
    assert merged == [[cell.inherited for cell in row.cells] for row in from_xlsx.rows]
    assert from_xls.lines[0] == "青禾县总工会项目支出绩效自评表"
    assert not from_xls.rows[0].table  # the title merge alone is a paragraph, as in the xlsx
    assert any(row.cells[0].inherited and row.cells[0].text == "合计" for row in from_xls.rows)
