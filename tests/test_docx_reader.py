"""read_docx(): a Word document as lines plus rows of grid-placed cells, merges exact.

Every document here is invented and built with python-docx inside the test
(no binary fixtures): a 项目支出绩效自评表 of 青禾县总工会 with a horizontally
merged 项目名称 value, a vertically merged 一级指标 over three rows and a 总分
row spanning the label columns.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from jixiao.parse import parse_source
from jixiao.read.docx import read_docx
from jixiao.read.source import ReadError, Row, Source
from jixiao.render.jsonout import form_to_dict

FUNDS_HEAD = ["项目资金（万元）", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）"]
FUNDS_HEAD += ["得分", ""]
FUNDS = [
    ["", "年度资金总额", "50", "50", "48", "10", "96%", "9.6", ""],
    ["", "其中：本年财政拨款", "50", "50", "48", "—", "", "—", ""],
]
INDICATOR_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
INDICATOR_HEAD.append("偏差原因分析及改进措施")
INDICATORS = [
    ["", "产出指标（50分）", "数量指标", "培训人次", "≥1200人次", "1260人次", "20", "20", ""],
    ["", "", "质量指标", "培训合格率", "≥95%", "97%", "20", "20", ""],
    ["", "", "时效指标", "按期完成率", "100%", "100%", "10", "10", ""],
    ["", "效益指标（30分）", "社会效益指标", "职工技能提升", "有提升", "有提升", "30", "27", ""],
    ["", "满意度指标（10分）", "服务对象满意度指标", "参训职工满意度", "≥90%", "95%", "10", "10", ""],
]


def cells(row: Row) -> list[tuple[str, int, bool]]:
    return [(cell.text, cell.col, cell.inherited) for cell in row.cells]


def to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def project_form_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    document.add_paragraph("（2023年度）")
    rows = [FUNDS_HEAD, *FUNDS, INDICATOR_HEAD, *INDICATORS]
    table = document.add_table(rows=2 + len(rows) + 1, cols=9)
    # 项目名称: the value spans columns 1–8.
    table.cell(0, 0).text = "项目名称"
    table.cell(0, 1).merge(table.cell(0, 8)).text = "职工素质提升工程"
    table.cell(1, 0).text = "主管部门"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "青禾县总工会"
    table.cell(1, 4).text = "实施单位"
    table.cell(1, 5).merge(table.cell(1, 8)).text = "宣教科"
    for offset, values in enumerate(rows):
        for col, value in enumerate(values):
            if value:
                table.cell(2 + offset, col).text = value
    # 产出指标（50分） covers the first three indicator rows (table rows 6–8).
    table.cell(6, 1).merge(table.cell(8, 1))
    # The deviation note of 效益指标 is two paragraphs, the second with a line break inside.
    note = table.cell(9, 8)
    note.text = "部分学员仍需巩固"
    second = note.add_paragraph("下年")
    second.add_run().add_break()
    second.add_run("继续跟踪")
    last = len(table.rows) - 1
    table.cell(last, 0).merge(table.cell(last, 5)).text = "总分"
    table.cell(last, 6).text = "100"
    table.cell(last, 7).text = "96.6"
    document.add_paragraph("")
    document.add_paragraph("填表人：林小禾")
    return to_bytes(document)


@pytest.fixture(scope="module")
def form() -> Source:
    return read_docx(project_form_docx(), "青禾/自评表.docx")


def test_source_metadata(form: Source) -> None:
    assert form.format == "docx"
    assert form.path == "青禾/自评表.docx"
    assert form.name == "自评表.docx"
    assert [row.index for row in form.rows] == list(range(len(form.rows)))
    assert all(row.page is None and row.sheet is None for row in form.rows)


def test_lines(form: Source) -> None:
    assert form.lines == [
        "项目支出绩效自评表",
        "（2023年度）",
        "项目名称\t职工素质提升工程\t\t\t\t\t\t\t",
        "主管部门\t青禾县总工会\t\t\t实施单位\t宣教科\t\t\t",
        "项目资金（万元）\t\t年初预算数\t全年预算数（A）\t全年执行数（B）\t分值\t执行率（B/A）\t得分\t",
        "\t年度资金总额\t50\t50\t48\t10\t96%\t9.6\t",
        "\t其中：本年财政拨款\t50\t50\t48\t—\t\t—\t",
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "\t产出指标（50分）\t数量指标\t培训人次\t≥1200人次\t1260人次\t20\t20\t",
        "\t\t质量指标\t培训合格率\t≥95%\t97%\t20\t20\t",  # the merged cell shows its text once
        "\t\t时效指标\t按期完成率\t100%\t100%\t10\t10\t",
        "\t效益指标（30分）\t社会效益指标\t职工技能提升\t有提升\t有提升\t30\t27\t部分学员仍需巩固 下年 继续跟踪",
        "\t满意度指标（10分）\t服务对象满意度指标\t参训职工满意度\t≥90%\t95%\t10\t10\t",
        "总分\t\t\t\t\t\t100\t96.6\t",
        "",  # the empty paragraph stays a blank separator line
        "填表人：林小禾",
    ]


def test_paragraph_rows(form: Source) -> None:
    paragraphs = [row for row in form.rows if not row.table]
    assert [(cells(row), row.line, row.end_line) for row in paragraphs] == [
        ([("项目支出绩效自评表", 0, False)], 1, 1),
        ([("（2023年度）", 0, False)], 2, 2),
        ([("填表人：林小禾", 0, False)], 16, 16),  # line 15 is blank: a separator, not a row
    ]
    assert paragraphs[2].cells[0].line == 16
    assert len(form.rows) == len(form.lines) - 1


def test_horizontal_merges_are_inherited(form: Source) -> None:
    name, unit = form.rows[2], form.rows[3]
    assert name.table and (name.line, name.end_line) == (3, 3)
    assert cells(name) == [("项目名称", 0, False), ("职工素质提升工程", 1, False)] + [
        ("职工素质提升工程", col, True) for col in range(2, 9)
    ]
    assert cells(unit) == [
        ("主管部门", 0, False),
        ("青禾县总工会", 1, False),
        ("青禾县总工会", 2, True),
        ("青禾县总工会", 3, True),
        ("实施单位", 4, False),
        ("宣教科", 5, False),
        ("宣教科", 6, True),
        ("宣教科", 7, True),
        ("宣教科", 8, True),
    ]
    assert {cell.line for row in (name, unit) for cell in row.cells} == {3, 4}
    total = form.rows[13]
    assert cells(total)[:7] == [("总分", 0, False)] + [("总分", col, True) for col in range(1, 6)] + [("100", 6, False)]


def test_vertical_merge_is_inherited_below(form: Source) -> None:
    first, second, third, fourth = form.rows[8:12]
    assert [row.line for row in (first, second, third, fourth)] == [9, 10, 11, 12]
    assert cells(first)[1] == ("产出指标（50分）", 1, False)
    assert cells(second)[1] == ("产出指标（50分）", 1, True)
    assert cells(third)[1] == ("产出指标（50分）", 1, True)
    assert cells(fourth)[1] == ("效益指标（30分）", 1, False)
    assert [cell.line for cell in second.cells] == [10] * 9
    assert cells(second) == [
        ("", 0, False),
        ("产出指标（50分）", 1, True),
        ("质量指标", 2, False),
        ("培训合格率", 3, False),
        ("≥95%", 4, False),
        ("97%", 5, False),
        ("20", 6, False),
        ("20", 7, False),
        ("", 8, False),
    ]


def test_every_table_row_is_on_the_full_grid(form: Source) -> None:
    for row in form.rows:
        if row.table:
            assert [cell.col for cell in row.cells] == list(range(9))
            assert row.line == row.end_line


def test_cell_paragraphs_and_breaks_stay_on_one_line(form: Source) -> None:
    assert form.rows[11].cells[8].text == "部分学员仍需巩固 下年 继续跟踪"
    assert form.rows[11].cells[8].line == 12


def test_agrees_with_python_docx_grid(form: Source) -> None:
    """python-docx gives every slot of a merged cell the same ``<w:tc>``: a slot is inherited
    exactly when its element is the one left of it or above it (compared with ``is``)."""
    document = docx.Document(io.BytesIO(project_form_docx()))
    table_rows = [row for row in form.rows if row.table]
    above: list[Any] = []
    for ours, theirs in zip(table_rows, document.tables[0].rows, strict=True):
        slots = [cell._tc for cell in theirs.cells]
        assert len(slots) == len(ours.cells)
        for col, tc in enumerate(slots):
            same_as_left = col > 0 and slots[col - 1] is tc
            same_as_above = bool(above) and above[col] is tc
            assert ours.cells[col].inherited == (same_as_left or same_as_above), (ours.line, col)
        above = slots


def test_end_to_end_project_form(form: Source) -> None:
    forms = [form_to_dict(parsed) for parsed in parse_source(form)]
    assert len(forms) == 1, [parsed["kind"] for parsed in forms]
    parsed = forms[0]
    assert (parsed["kind"], parsed["line"], parsed["year"], parsed["title"]) == (
        "project",
        1,
        2023,
        "项目支出绩效自评表",
    )
    assert parsed["project"] == "职工素质提升工程"
    assert parsed["department"] == "青禾县总工会"
    assert parsed["implementer"] == "宣教科"
    funds = parsed["funds"]
    assert funds["total"] == {"initial": 50, "budget": 50, "executed": 48}
    assert funds["fiscal"] == {"initial": 50, "budget": 50, "executed": 48}
    assert (funds["weight"], funds["rate"], funds["score"]) == (10, 0.96, 9.6)
    assert parsed["level1_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [
        (row["level1"], row["level2"], row["name"], row["target"], row["actual"], row["weight"], row["score"])
        for row in parsed["indicators"]
    ] == [
        ("产出指标", "数量指标", "培训人次", "≥1200人次", "1260人次", 20, 20),
        ("产出指标", "质量指标", "培训合格率", "≥95%", "97%", 20, 20),
        ("产出指标", "时效指标", "按期完成率", "100%", "100%", 10, 10),
        ("效益指标", "社会效益指标", "职工技能提升", "有提升", "有提升", 30, 27),
        ("满意度指标", "服务对象满意度指标", "参训职工满意度", "≥90%", "95%", 10, 10),
    ]
    assert [row["note"] for row in parsed["indicators"]][3] == "部分学员仍需巩固 下年 继续跟踪"
    assert parsed["total_score"] == 96.6
    assert parsed["total_weight"] == 100


# ---- nested tables and legacy markup -------------------------------------------------------------


def test_nested_table_rows_follow_the_outer_row() -> None:
    document = docx.Document()
    document.add_paragraph("前言")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "说明"
    holder = outer.cell(0, 1)
    holder.text = "见下表"
    inner = holder.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "甲"
    inner.cell(0, 1).text = "乙"
    inner.cell(1, 0).merge(inner.cell(1, 1)).text = "丙"
    holder.add_paragraph("（完）")
    outer.cell(1, 0).text = "下一行"
    source = read_docx(to_bytes(document), "nested.docx")
    assert source.lines == ["前言", "说明\t见下表 （完）", "甲\t乙", "丙\t", "下一行\t"]
    assert [(row.table, row.index, row.line) for row in source.rows] == [
        (False, 0, 1),
        (True, 1, 2),
        (True, 2, 3),
        (True, 3, 4),
        (True, 4, 5),
    ]
    assert cells(source.rows[3]) == [("丙", 0, False), ("丙", 1, True)]


def test_grid_before_and_legacy_hmerge() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for col, value in enumerate(["一", "二", "三"]):
        table.cell(0, col).text = value
    tr = table.rows[1]._tr
    # Row 2: one grid slot skipped before the first cell, and a legacy horizontal merge.
    tr_pr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)
    tcs = tr.findall(qn("w:tc"))
    tr.remove(tcs[2])
    tcs[0].text = None
    first, second = tcs[0], tcs[1]
    for tc, value in ((first, "restart"), (second, "continue")):
        merge = OxmlElement("w:hMerge")
        merge.set(qn("w:val"), value)
        tc.get_or_add_tcPr().append(merge)
    first.findall(qn("w:p"))[0].append(_run("合并"))
    source = read_docx(to_bytes(document), "legacy.docx")
    assert source.lines == ["一\t二\t三", "\t合并\t"]
    assert cells(source.rows[1]) == [("", 0, False), ("合并", 1, False), ("合并", 2, True)]


def _run(text: str) -> Any:
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    return run


def test_tracked_changes_and_hyperlinks() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("保留")
    inserted = OxmlElement("w:ins")
    inserted.append(_run("插入"))
    deleted = OxmlElement("w:del")
    gone = OxmlElement("w:r")
    gone_text = OxmlElement("w:delText")
    gone_text.text = "删除"
    gone.append(gone_text)
    deleted.append(gone)
    link = OxmlElement("w:hyperlink")
    link.append(_run("链接"))
    for element in (inserted, deleted, link):
        paragraph._p.append(element)
    assert read_docx(to_bytes(document), "t.docx").lines == ["保留插入链接"]


# ---- damaged and hostile files -------------------------------------------------------------------


def test_truncated_file_is_a_read_error() -> None:
    data = project_form_docx()
    with pytest.raises(ReadError, match="文件已损坏"):
        read_docx(data[: len(data) // 2], "cut.docx")


def test_broken_document_xml_is_a_read_error() -> None:
    original = zipfile.ZipFile(io.BytesIO(project_form_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as damaged:
        for item in original.infolist():
            body = original.read(item.filename)
            if item.filename == "word/document.xml":
                body = body[: len(body) // 2]
            damaged.writestr(item.filename, body)
    with pytest.raises(ReadError, match=r"^文件已损坏，无法按 Word 文档读取："):
        read_docx(buffer.getvalue(), "broken.docx")


def test_zip_that_is_not_a_word_file_is_a_read_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是 Word 文档")
    with pytest.raises(ReadError, match=r"^文件已损坏，无法按 Word 文档读取："):
        read_docx(buffer.getvalue(), "plain.zip")


def test_entities_are_not_expanded() -> None:
    """A DOCTYPE entity in document.xml is never resolved (python-docx's parser keeps it off)."""
    original = zipfile.ZipFile(io.BytesIO(project_form_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as hostile:
        for item in original.infolist():
            body = original.read(item.filename)
            if item.filename == "word/document.xml":
                text = body.decode("utf-8")
                head, rest = text.split("?>", 1)
                text = head + '?><!DOCTYPE w:document [<!ENTITY x "展开了">]>' + rest
                body = text.replace("填表人：林小禾", "&x;").encode("utf-8")
            hostile.writestr(item.filename, body)
    try:
        source = read_docx(buffer.getvalue(), "entity.docx")
    except ReadError:
        return  # refusing the file is fine too
    assert not any("展开了" in line for line in source.lines)


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Any, zip_members_opened: list[str]) -> None:
    bomb = tmp_path / "bomb.docx"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(150):
                member.write(chunk)
    data = bomb.read_bytes()
    assert len(data) < 1024 * 1024
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_docx(data, "bomb.docx")
    assert "word/document.xml" not in zip_members_opened  # refused from the declared sizes, not by inflating it
