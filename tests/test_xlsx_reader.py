"""read_workbook(): .xlsx/.xls into one text line per sheet row plus rows of grid cells.

Every workbook here is invented and written with xlsxwriter at test time: a
项目支出绩效自评表 of 青禾县总工会 (merged title, merged 项目名称 value, a
funds block with 万元 values, a rate stored as a fraction and a formula with a
cached value, an indicator table with a vertically merged 一级指标 cell and a
总分 row) plus a second sheet.
"""

from __future__ import annotations

import datetime
import io
import random
import re
import zipfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import xlsxwriter

from jixiao.model import ProjectForm
from jixiao.parse import parse_source
from jixiao.read import numfmt
from jixiao.read.numfmt import parse_format, shown_text
from jixiao.read.source import ReadError, Row, Source
from jixiao.read.xlsx import format_number, format_value, read_workbook


def cells(row: Row) -> list[tuple[str, int, bool]]:
    return [(cell.text, cell.col, cell.inherited) for cell in row.cells]


def project_workbook(second_sheet: bool = True) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    percent = book.add_format({"num_format": "0.00%"})
    sheet = book.add_worksheet("项目自评表")
    sheet.merge_range("A1:G1", "项目支出绩效自评表")
    sheet.write("A2", "（2023年度）")
    sheet.write("A3", "项目名称")
    sheet.merge_range("B3:G3", "职工素质提升工程")
    sheet.write_row("A4", ["主管部门", "青禾县总工会", "实施单位", "青禾县总工会宣教科"])
    sheet.write_row(
        "A5",
        ["项目资金\n（万元）", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
    )
    sheet.write_row("A6", ["年度资金总额", 60, 64.77])
    sheet.write_formula("D6", "=D7", None, 62.379999999)  # cached value with float noise
    sheet.write("E6", 10)
    sheet.write("F6", 0.9631, percent)
    sheet.write("G6", 9.63)
    sheet.write_row("A7", ["其中：本年财政拨款", 60, 64.77, 62.38])
    # row 8 left empty: a blank separator
    sheet.write_row("A9", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    sheet.merge_range("A10:A11", "产出指标（50分）")
    sheet.write_row("B10", ["数量指标", "培训职工人次", "≥1200人次", "1260人次", 25, 25])
    sheet.write_row("B11", ["质量指标", "培训合格率", "≥95%", "97%", 25, 24])
    sheet.write_row("A12", ["效益指标（30分）", "社会效益指标", "职工技能提升", "有提升", "有提升", 30, 28])
    sheet.write_row("A13", ["满意度指标（10分）", "服务对象满意度指标", "参训职工满意度", "≥90%", "95%", 10, 10])
    sheet.write("A14", "总分")
    sheet.write_row("F14", [100, 96.63])
    if second_sheet:
        notes = book.add_worksheet("填报说明")
        notes.write("A1", "本表数据均为虚构。")
        notes.write_row("A2", ["填表人", "林小禾", "是否公开", True])
        notes.write_datetime("A3", datetime.datetime(2024, 1, 15), book.add_format({"num_format": "yyyy-mm-dd"}))
        notes.write_formula("B3", "=1/0", None, "#DIV/0!")
        notes.write("C3", "说明")
    book.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def workbook() -> Source:
    return read_workbook(project_workbook(), "青禾县总工会/自评表.xlsx")


LINES = [
    "【工作表：项目自评表】",
    "项目支出绩效自评表",
    "（2023年度）",
    "项目名称\t职工素质提升工程\t\t\t\t\t",
    "主管部门\t青禾县总工会\t实施单位\t青禾县总工会宣教科",
    "项目资金 （万元）\t年初预算数\t全年预算数（A）\t全年执行数（B）\t分值\t执行率（B/A）\t得分",
    "年度资金总额\t60\t64.77\t62.38\t10\t96.31%\t9.63",
    "其中：本年财政拨款\t60\t64.77\t62.38",
    "",
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
    "产出指标（50分）\t数量指标\t培训职工人次\t≥1200人次\t1260人次\t25\t25",
    "\t质量指标\t培训合格率\t≥95%\t97%\t25\t24",
    "效益指标（30分）\t社会效益指标\t职工技能提升\t有提升\t有提升\t30\t28",
    "满意度指标（10分）\t服务对象满意度指标\t参训职工满意度\t≥90%\t95%\t10\t10",
    "总分\t\t\t\t\t100\t96.63",
    "【工作表：填报说明】",
    "本表数据均为虚构。",
    "填表人\t林小禾\t是否公开\t是",
    "2024-01-15\t#DIV/0!\t说明",
]


def test_lines(workbook: Source) -> None:
    assert workbook.lines == LINES
    assert workbook.format == "xlsx"
    assert workbook.name == "自评表.xlsx"


def test_rows_line_numbers_and_sheets(workbook: Source) -> None:
    assert [row.index for row in workbook.rows] == list(range(len(workbook.rows)))
    assert [row.line for row in workbook.rows] == [n for n in range(1, len(LINES) + 1) if LINES[n - 1]]
    assert all(row.end_line == row.line for row in workbook.rows)
    for row in workbook.rows:
        assert {cell.line for cell in row.cells} == {row.line}
        assert [cell.col for cell in row.cells] == list(range(len(row.cells)))
    sheets = [row.sheet for row in workbook.rows]
    assert sheets == ["项目自评表"] * 14 + ["填报说明"] * 4


def test_paragraph_rows(workbook: Source) -> None:
    paragraphs = [(row.line, cells(row)) for row in workbook.rows if not row.table]
    assert paragraphs == [
        (1, [("【工作表：项目自评表】", 0, False)]),
        (2, [("项目支出绩效自评表", 0, False)]),  # merged across A:G, still one paragraph
        (3, [("（2023年度）", 0, False)]),
        (16, [("【工作表：填报说明】", 0, False)]),
        (17, [("本表数据均为虚构。", 0, False)]),
    ]


def row_at(source: Source, line: int) -> Row:
    (row,) = [row for row in source.rows if row.line == line]
    return row


def test_horizontal_merge_is_inherited(workbook: Source) -> None:
    row = row_at(workbook, 4)
    assert row.table
    assert cells(row) == [("项目名称", 0, False)] + [("职工素质提升工程", col, col > 1) for col in range(1, 7)]


def test_numbers_as_written(workbook: Source) -> None:
    assert row_at(workbook, 7).texts == ["年度资金总额", "60", "64.77", "62.38", "10", "96.31%", "9.63"]
    assert not any(cell.inherited for cell in row_at(workbook, 7).cells)
    assert row_at(workbook, 8).texts == ["其中：本年财政拨款", "60", "64.77", "62.38"]  # trailing empties trimmed


def test_vertical_merge_is_inherited(workbook: Source) -> None:
    assert cells(row_at(workbook, 11))[:2] == [("产出指标（50分）", 0, False), ("数量指标", 1, False)]
    assert cells(row_at(workbook, 12))[:2] == [("产出指标（50分）", 0, True), ("质量指标", 1, False)]
    assert row_at(workbook, 12).table
    total = row_at(workbook, 15)
    assert cells(total) == [("总分", 0, False)] + [("", col, False) for col in range(1, 5)] + [
        ("100", 5, False),
        ("96.63", 6, False),
    ]


def test_dates_booleans_errors(workbook: Source) -> None:
    assert row_at(workbook, 18).texts == ["填表人", "林小禾", "是否公开", "是"]
    assert row_at(workbook, 19).texts == ["2024-01-15", "#DIV/0!", "说明"]  # an error cell as the sheet shows it


def test_single_sheet_has_no_marker() -> None:
    source = read_workbook(project_workbook(second_sheet=False), "a.xlsx")
    assert source.lines == LINES[1:15]
    assert source.rows[0].line == 1
    assert {row.sheet for row in source.rows} == {"项目自评表"}


def test_empty_area_and_blank_rows() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("表")
    sheet.write("C3", "甲")
    sheet.write("D3", 1.5)
    sheet.write("C6", "乙\t丙")
    sheet.merge_range("E3:E9", "竖排")  # reaches past the data area: clipped
    book.close()
    source = read_workbook(buffer.getvalue(), "b.xlsx")
    assert source.lines == ["甲\t1.5\t竖排", "\t\t", "\t\t", "乙 丙\t\t"]
    assert [row.line for row in source.rows] == [1, 2, 3, 4]
    assert cells(source.rows[1]) == [("", 0, False), ("", 1, False), ("竖排", 2, True)]
    assert source.rows[1].table  # only an inherited slot: still part of the table


def test_empty_workbook() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("空表")
    book.close()
    source = read_workbook(buffer.getvalue(), "empty.xlsx")
    assert source.lines == []
    assert source.rows == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (62.379999999, "62.38"),
        (62.37999999999999, "62.38"),
        (0.1 + 0.2, "0.3"),
        (5.0, "5"),
        (-3.0, "-3"),
        (0.9631, "0.9631"),
        (1e-7, "0.0000001"),
        (123456789.12, "123456789.12"),
        (12345678901.0, "12345678901"),
        (-0.5, "-0.5"),
        (1.5e20, "150000000000000000000"),
        (float("nan"), ""),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def _random_floats(count: int) -> list[float]:
    """Amounts, rates and scores of every magnitude, with few and many digits, both signs."""
    rng = random.Random(20240115)
    values = []
    for _ in range(count):
        exponent = rng.randint(-9, 17)
        value = rng.uniform(-1, 1) * 10.0**exponent
        values.append(round(value, rng.randint(0, 12)) if rng.random() < 0.6 else value)
    return [*values, 0.1 + 0.2, 62.379999999, 1e-5, 9.999999999, 99999.99999, 123456789.125, 1e15 + 0.5]


def test_format_number_equals_rounding_to_significant_digits() -> None:
    """The short way (the shortest text when it is no longer than the rounding) writes what rounding writes."""
    for value in _random_floats(20000):
        digits = max(10, len(str(int(abs(value)))) + 2)
        text = format(Decimal(format(value, f".{digits}g")), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
        assert format_number(value) == ("0" if text == "-0" else text), value


def test_format_value() -> None:
    assert format_value(True) == "是"
    assert format_value(False) == "否"
    assert format_value(7) == "7"
    assert format_value(None) == ""
    assert format_value(datetime.date(2023, 12, 31)) == "2023-12-31"
    assert format_value(datetime.datetime(2023, 12, 31)) == "2023-12-31"
    assert format_value(datetime.datetime(2023, 12, 31, 8, 30)) == "2023-12-31 08:30:00"
    assert format_value(datetime.time(8, 30)) == "08:30:00"
    assert format_value("  项目\n名称　") == "项目 名称"


def test_parse_project_form(workbook: Source) -> None:
    (form,) = [form for form in parse_source(workbook) if isinstance(form, ProjectForm)]
    assert form.year == 2023
    assert form.project == "职工素质提升工程"
    assert form.department == "青禾县总工会"
    assert form.implementer == "青禾县总工会宣教科"
    funds = form.funds
    assert (funds.total.initial, funds.total.budget, funds.total.executed) == (
        Decimal("60"),
        Decimal("64.77"),
        Decimal("62.38"),
    )
    assert (funds.fiscal.initial, funds.fiscal.budget, funds.fiscal.executed) == (
        Decimal("60"),
        Decimal("64.77"),
        Decimal("62.38"),
    )
    assert (funds.weight, funds.rate, funds.score) == (Decimal("10"), Decimal("0.9631"), Decimal("9.63"))
    assert [
        (ind.level1, ind.level2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.line)
        for ind in form.indicators
    ] == [
        ("产出指标", "数量指标", "培训职工人次", "≥1200人次", "1260人次", Decimal(25), Decimal(25), 11),
        ("产出指标", "质量指标", "培训合格率", "≥95%", "97%", Decimal(25), Decimal(24), 12),
        ("效益指标", "社会效益指标", "职工技能提升", "有提升", "有提升", Decimal(30), Decimal(28), 13),
        ("满意度指标", "服务对象满意度指标", "参训职工满意度", "≥90%", "95%", Decimal(10), Decimal(10), 14),
    ]
    assert form.level1_weights == {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
    assert (form.total_weight, form.total_score) == (Decimal(100), Decimal("96.63"))
    assert form.provenance["funds.total.executed"].line == 7


# ---- numbers as shown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "text"),
    [
        ("0.00", 4.9, "4.90"),
        ("0.0", 96.0, "96.0"),
        ("0.00", 2.675, "2.68"),  # half away from zero, on the decimal the cell shows
        ("0%", 0.9631, "96%"),
        ("0.00%", 0.9631, "96.31%"),
        ("#,##0.00", 1234567.891, "1,234,567.89"),
        ("#,##0", -1234.5, "-1,235"),
        ('0.00"万元"', 12.3, "12.30万元"),
        ("0.00万元", 12.3, "12.30万元"),
        ("#,##0.00;(#,##0.00)", -5.5, "(5.50)"),
        ("[Red]0.00", 1, "1.00"),
        ("[$¥-804]#,##0.00", 3.2, "¥3.20"),
        ("0.0#", 4.9, "4.9"),
        ("0.0#", 4.956, "4.96"),
        ("0.00_ ", 4.9, "4.90"),
        ("0", 2.5, "3"),
    ],
)
def test_shown_text(code: str, value: float, text: str) -> None:
    pattern = parse_format(code)
    assert pattern is not None
    assert shown_text(value, pattern) == text


def test_shown_text_equals_decimal_rounding() -> None:
    """Values that need no rounding take a short way; it must write what rounding half away from zero writes."""
    codes = [
        "0",
        "0.0",
        "0.00",
        "0.000",
        "#,##0",
        "#,##0.00",
        "0.0#",
        "#.##",
        '0.00"万元"',
        "#,##0.00;(#,##0.00)",
        "000",
    ]
    for code in codes:
        pattern = parse_format(code)
        assert pattern is not None
        for value in _random_floats(3000):
            number = Decimal(repr(value)).quantize(Decimal(1).scaleb(-pattern.max_decimals), rounding=ROUND_HALF_UP)
            integer, _, decimals = format(abs(number), "f").partition(".")
            while len(decimals) > pattern.min_decimals and decimals.endswith("0"):
                decimals = decimals[:-1]
            integer = integer.lstrip("0").rjust(pattern.min_integer, "0")
            if pattern.thousands and integer:
                integer = f"{int(integer):,}".rjust(pattern.min_integer, "0")
            text = integer + ("." + decimals if decimals else "")
            if number < 0 and pattern.negative is not None:
                expected = pattern.negative[0] + text + pattern.negative[1]
            else:
                expected = (pattern.prefix + ("-" if number < 0 else "") + text + pattern.suffix).strip()
            assert shown_text(value, pattern) == expected, (code, value)


@pytest.mark.parametrize("code", ["General", "@", "yyyy-mm-dd", "0.00E+00", "[>=100]0;0.0", "[DBNum1]0", "# ?/?", ""])
def test_formats_left_to_the_default_text(code: str) -> None:
    assert parse_format(code) is None


def formatted_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    two = book.add_format({"num_format": "0.00"})
    sheet = book.add_worksheet("表一")
    sheet.write_row("B2", ["指标", "分值", "得分"])
    sheet.write_row("B3", ["合格率", 5], two)
    sheet.write("D3", 4.9, two)
    sheet.write("B4", "资金", two)  # text under a number format: as written
    sheet.write("C4", 1234.5, book.add_format({"num_format": "#,##0.00"}))
    sheet.write("D4", 12.3, book.add_format({"num_format": '0.00"万元"'}))
    sheet.write_datetime("E4", datetime.datetime(2024, 1, 15), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write("F4", 0.5)  # no format: as stored
    sheet.merge_range("B5:D5", 0.8, book.add_format({"num_format": "0.0%"}))
    other = book.add_worksheet("表二")
    other.write("A1", 4.9)  # same position as nothing formatted on this sheet
    other.write("B1", 7, two)
    book.close()
    return buffer.getvalue()


def test_numbers_are_read_as_shown() -> None:
    source = read_workbook(formatted_workbook(), "shown.xlsx")
    assert source.lines == [
        "【工作表：表一】",
        "指标\t分值\t得分",
        "合格率\t5.00\t4.90",
        "资金\t1,234.50\t12.30万元\t2024-01-15\t0.5",
        "80.0%",
        "【工作表：表二】",
        "4.9\t7.00",
    ]
    merged = [row for row in source.rows if row.line == 5]
    assert [(cell.text, cell.inherited) for cell in merged[0].cells] == [("80.0%", False)]


def _rewritten(data: bytes, changes: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The workbook with some of its members rewritten, the others copied as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            change = changes.get(item.filename)
            new.writestr(item, change(content) if change else content)
    return buffer.getvalue()


def test_only_sheets_with_numbers_are_scanned_for_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[bytes] = []
    original = numfmt._sheet_cells

    def recording(sheet: bytes, *args: Any) -> dict[tuple[int, int], numfmt.Shown]:
        scanned.append(sheet)
        return original(sheet, *args)

    monkeypatch.setattr(numfmt, "_sheet_cells", recording)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    two = book.add_format({"num_format": "0.00"})
    book.add_worksheet("说明").write("A1", "本表数据均为虚构。", two)
    book.add_worksheet("得分").write_row("A1", ["得分", 4.9], two)
    book.close()
    assert read_workbook(buffer.getvalue(), "two.xlsx").lines == [
        "【工作表：说明】",
        "本表数据均为虚构。",
        "【工作表：得分】",
        "得分\t4.90",
    ]
    assert len(scanned) == 1 and b"4.9" in scanned[0]


def test_formats_in_another_writer_s_markup() -> None:
    """Namespace prefixes, attributes in another order and an absolute sheet path, as some generators write."""
    data = _rewritten(
        formatted_workbook(),
        {
            "xl/worksheets/sheet1.xml": lambda content: re.sub(
                rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"', rb'<c s="\2" r="\1"', content
            ),
            "xl/_rels/workbook.xml.rels": lambda content: content.replace(
                b'Target="worksheets/sheet1.xml"', b'Target="/xl/worksheets/sheet1.xml"'
            ),
        },
    )
    source = read_workbook(data, "shown.xlsx")
    assert source.lines[2] == "合格率\t5.00\t4.90"


@pytest.mark.parametrize(
    "styles",
    [
        b'<styleSheet><cellXfs count="1"><xf numFmtId="2"/></cellXfs></styleSheet>',
        b'<x:styleSheet><x:cellXfs><x:xf numFmtId="2"/></x:cellXfs></x:styleSheet>',
        b'<a note="cellXfs"/><cellXfsX/><cellXfs><xf numFmtId="4"/></cellXfs><cellXfs><xf/></cellXfs>',
        b"</cellXfs><cellXfs><xf numFmtId='10'/>",  # no end after the start: none
        b"<cellStyleXfs><xf numFmtId='9'/></cellStyleXfs>",
        b"<cellXfs><xf/></ns:cellXfs>",
    ],
)
def test_the_cell_styles_block_is_what_one_regular_expression_finds(styles: bytes) -> None:
    whole = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?cellXfs\b.*?</(?:[A-Za-z_][\w.-]*:)?cellXfs>", re.DOTALL)
    found = whole.search(styles)
    assert numfmt._cell_xfs(styles) == (found.group(0) if found else None)


def test_styles_with_a_dtd_leave_numbers_as_stored() -> None:
    dtd = b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = _rewritten(formatted_workbook(), {"xl/styles.xml": lambda content: content.replace(b"?>", dtd, 1)})
    source = read_workbook(data, "shown.xlsx")
    assert "合格率\t5\t4.9" in source.lines


# ---- damaged and hostile files ------------------------------------------------------------------


def test_truncated_xlsx() -> None:
    data = project_workbook()
    with pytest.raises(ReadError, match="损坏"):
        read_workbook(data[: len(data) // 2], "cut.xlsx")


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    with pytest.raises(ReadError, match="文件已损坏，无法按 Excel 工作簿读取"):
        read_workbook(buffer.getvalue(), "fake.xlsx")


@pytest.fixture
def parts_inflated(zip_members_opened: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The members inflated, by zipfile or by the number-format reader's own inflating of small parts."""
    original = numfmt._read

    def recording_read(archive: zipfile.ZipFile, data: bytes, name: str) -> bytes:
        zip_members_opened.append(name)
        return original(archive, data, name)

    monkeypatch.setattr(numfmt, "_read", recording_read)
    return zip_members_opened


def test_parts_inflated_sees_the_number_format_reader(parts_inflated: list[str]) -> None:
    read_workbook(formatted_workbook(), "shown.xlsx")
    assert {"xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(parts_inflated)


def _with_member(
    data: bytes, name: str, change: Callable[[zipfile.ZipInfo, bytes], tuple[zipfile.ZipInfo, bytes]]
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == name:
                item, content = change(item, content)
            new.writestr(item, content)
    return buffer.getvalue()


def _stored(item: zipfile.ZipInfo, content: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    item.compress_type = zipfile.ZIP_STORED
    return item, content


def test_parts_read_as_zipfile_reads_them() -> None:
    data = _with_member(formatted_workbook(), "xl/workbook.xml", _stored)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kinds = set()
        for item in archive.infolist():
            kinds.add(item.compress_type)
            assert numfmt._read(archive, data, item.filename) == archive.read(item.filename)
        assert kinds == {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
        with pytest.raises(KeyError):
            numfmt._read(archive, data, "xl/missing.xml")


def test_a_part_that_fails_its_crc_is_an_error() -> None:
    """The CRC in the central directory is what both readers check the inflated part against."""
    data = bytearray(formatted_workbook())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        crc = archive.getinfo("xl/styles.xml").CRC
    position = data.find(crc.to_bytes(4, "little"), data.find(b"PK\x01\x02"))  # in the central directory
    assert position > 0
    data[position : position + 4] = (crc ^ 1).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        with pytest.raises(zipfile.BadZipFile):
            archive.read("xl/styles.xml")
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            numfmt._read(archive, bytes(data), "xl/styles.xml")


def test_a_part_whose_local_header_is_cut_short_is_an_error() -> None:
    """A directory entry pointing at a header signature in the last bytes (a crafted comment): zipfile's error."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(formatted_workbook())) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        new.comment = b"PK\x03\x04" + b"\0" * 6
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.getinfo("xl/styles.xml").header_offset = len(data) - 10
        with pytest.raises(zipfile.BadZipFile):
            archive.read("xl/styles.xml")
        with pytest.raises(zipfile.BadZipFile):
            numfmt._read(archive, data, "xl/styles.xml")


def test_zip_bomb_member_is_refused_before_it_is_inflated(parts_inflated: list[str]) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(project_workbook())) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        bomb.writestr("xl/media/image1.png", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_workbook(buffer.getvalue(), "bomb.xlsx")
    assert "xl/media/image1.png" not in parts_inflated  # refused from the sizes the archive declares


def test_random_bytes_named_xls() -> None:
    data = bytes((index * 7919 + 13) % 251 for index in range(4096))
    with pytest.raises(ReadError, match="文件已损坏，无法按 Excel 工作簿读取"):
        read_workbook(data, "random.xls")


def test_damaged_ole_container() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048
    with pytest.raises(ReadError, match="文件已损坏，无法按 Excel 工作簿读取"):
        read_workbook(data, "broken.xls")


def test_encrypted_ooxml_package() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(ReadError, match="加密"):
        read_workbook(data, "secret.xlsx")
