"""Office files are recognised by their bytes and routed to their readers by the pipeline."""

from __future__ import annotations

from pathlib import Path

import docx
import xlsxwriter

from jixiao.model import ProjectForm
from jixiao.pipeline import extract_file

ROWS = [
    ["项目名称", "青禾职工书屋建设", "", ""],
    ["主管部门", "青禾县总工会", "实施单位", "宣传部"],
    ["", "年初预算数", "全年预算数", "全年执行数"],
    ["年度资金总额", "20", "20", "18"],
]


def _check(path: Path) -> None:
    document = extract_file(path)
    assert not [problem for problem in document.problems if problem.fatal]
    forms = [form for form in document.forms if isinstance(form, ProjectForm)]
    assert len(forms) == 1
    assert forms[0].project == "青禾职工书屋建设"
    assert forms[0].department == "青禾县总工会"
    assert str(forms[0].funds.total.executed) == "18"


def test_docx_is_read_whatever_its_name(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("项目支出绩效自评表")
    word.add_paragraph("（2023年度）")
    table = word.add_table(rows=len(ROWS), cols=4)
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    path = tmp_path / "form.bin"
    word.save(str(path))
    _check(path)


def test_xlsx_is_read(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("自评表")
    sheet.write(0, 0, "项目支出绩效自评表")
    sheet.write(1, 0, "（2023年度）")
    for r, values in enumerate(ROWS, start=2):
        for c, value in enumerate(values):
            if value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write(r, c, value)
    book.close()
    _check(path)


def test_old_word_file_gets_a_clear_message(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 400
    path = tmp_path / "old.doc"
    path.write_bytes(ole)
    document = extract_file(path)
    assert document.problems[0].fatal
    assert "LibreOffice" in document.problems[0].message
