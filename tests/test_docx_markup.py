# ruff: noqa: E501  (XML written out whole reads best on one line)
"""Markup Word and WPS leave in a document body that the reader must read as the page shows it.

Each case is the smallest file that needs the rule, with a near miss the rule must leave alone. The
files are written by ``fixtures/office4/build.py`` (raw WordprocessingML), or patched in place where a
case needs markup the builder does not write.
"""

from __future__ import annotations

import io
import zipfile

from fixtures.office4.build import Alt, Check, Doc, FormCheck, FormText, Ins, P, Sdt, Tbl, Tc, Tr, docx_bytes
from jixiao.read.docx import read_docx


def _lines(doc: Doc) -> list[str]:
    return read_docx(docx_bytes(doc), "t.docx").lines


def _patched(doc: Doc, old: str, new: str) -> bytes:
    """The file with one piece of its document part's XML replaced (markup the builder does not write)."""
    return _patched_bytes(docx_bytes(doc), old, new)


def _patched_bytes(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                text = content.decode("utf-8")
                assert old in text
                content = text.replace(old, new).encode("utf-8")
            target.writestr(item, content)
    return buffer.getvalue()


# ---- mc:AlternateContent: one of its branches, once ------------------------------------------------------


def test_alternate_content_in_a_paragraph_is_read_once() -> None:
    """A title and a value Word wrote as a w14 choice with a fallback: shown once (the fallback), not lost."""
    doc = Doc([P((Alt("项目支出绩效自评表", "项目支出绩效自评表"),)), P(("得分", Alt("9.5", "9.5")))])
    assert _lines(doc) == ["项目支出绩效自评表", "得分9.5"]


def test_alternate_content_reads_the_fallback_not_the_choice() -> None:
    """The two branches may differ (a symbol the fallback draws another way): the fallback alone is read."""
    assert _lines(Doc([P((Alt("☑", "√"), "优"))])) == ["√优"]


def test_alternate_content_inside_a_run_and_around_a_table_is_read_once() -> None:
    run_level = '<w:r><mc:AlternateContent><mc:Choice Requires="w14"><w:t>甲</w:t></mc:Choice><mc:Fallback><w:t>甲</w:t></mc:Fallback></mc:AlternateContent></w:r>'
    doc = Doc([P("占位"), Tbl((Tr(("a", "b")),), grid=2)])
    data = _patched(doc, '<w:r><w:t xml:space="preserve">占位</w:t></w:r>', run_level)
    table = '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    start, end = xml.index(table), xml.index("</w:tbl>") + len("</w:tbl>")
    block = xml[start:end]
    wrapped = f'<mc:AlternateContent><mc:Choice Requires="w14">{block}</mc:Choice><mc:Fallback>{block}</mc:Fallback></mc:AlternateContent>'
    doc_xml = xml[:start] + wrapped + xml[end:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, doc_xml if item.filename == "word/document.xml" else source.read(item))
    assert read_docx(buffer.getvalue(), "t.docx").lines == ["甲", "a\tb"]


def test_a_text_box_in_alternate_content_is_still_read_once() -> None:
    """Near miss: a text box is DrawingML in the choice and VML in the fallback; its lines come once, before
    its anchor paragraph, and the fallback's copy adds nothing to the anchor's own line."""
    from fixtures.office3 import build as office3

    data = office3.docx_bytes([office3.TextBox(("标题甲", "（2023年度）")), office3.P("正文")])
    assert read_docx(data, "t.docx").lines == ["标题甲", "（2023年度）", "", "正文"]


# ---- check boxes: content controls and legacy form fields -------------------------------------------------


def test_a_form_field_check_box_shows_its_state() -> None:
    """FORMCHECKBOX draws a box with no character in the file: ☑ when checked (or checked by default), □ when not."""
    doc = Doc([P((FormCheck(True, "优"), " ", FormCheck(False, "良")))])
    assert _lines(doc) == ["☑优 □良"]
    by_default = _patched(doc, '<w:default w:val="0"/><w:checked/>', '<w:default w:val="1"/>')
    assert read_docx(by_default, "t.docx").lines == ["☑优 □良"]
    unticked = _patched(doc, '<w:default w:val="0"/><w:checked/>', '<w:default w:val="1"/><w:checked w:val="0"/>')
    assert read_docx(unticked, "t.docx").lines == ["□优 □良"]


def test_a_form_text_field_reads_its_text_not_its_code() -> None:
    """Near miss: a FORMTEXT field is text typed into the form; its instruction is not shown."""
    assert _lines(Doc([P(("项目名称：", FormText("助学")))])) == ["项目名称：助学"]


def test_a_check_box_content_control_reads_by_its_state() -> None:
    """A w14 check box whose checked glyph is a Wingdings 2 character (a private-use code in the file): the
    control's state says ☑ or ☐, whatever glyph the template chose."""
    doc = Doc([P((Check(True, "优"), " ", Check(False, "良")))])
    assert _lines(doc) == ["☑优 ☐良"]
    wingdings = _patched(
        doc,
        '<w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">☒</w:t></w:r>',
        '<w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>\uf052</w:t></w:r>',
    )
    assert read_docx(wingdings, "t.docx").lines == ["☑优 ☐良"]


def test_a_symbol_font_character_in_the_private_use_area_shows_its_glyph() -> None:
    """Word writes a Wingdings character typed from the symbol dialog as U+F0xx in the text: ☑ for F0FE."""
    doc = Doc([P(("X优",))])
    data = _patched(
        doc,
        '<w:r><w:t xml:space="preserve">X优</w:t></w:r>',
        '<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>\uf0fe</w:t></w:r><w:r><w:t>优</w:t></w:r>',
    )
    assert read_docx(data, "t.docx").lines == ["☑优"]
    plain = _patched(doc, '<w:t xml:space="preserve">X优</w:t>', "<w:t>\uf0fe优</w:t>")
    assert read_docx(plain, "t.docx").lines == ["\uf0fe优"]  # near miss: no symbol font, left as it is


# ---- content controls never filled in ----------------------------------------------------------------------


def test_an_unfilled_content_control_reads_empty() -> None:
    """A control still showing its prompt (单击或点击此处输入文字。) holds nothing the clerk wrote: empty in a
    paragraph, a cell or a whole block; a filled control next to it is read."""
    doc = Doc(
        [
            P(("偏差原因：", Sdt((), placeholder=True))),
            P(("偏差原因：", Sdt(("已整改",)))),
            Tbl((Tr(("得分", Tc((Sdt((), placeholder=True),)))),), grid=2),
        ]
    )
    assert _lines(doc) == ["偏差原因：", "偏差原因：已整改", "得分\t"]


def test_an_unfilled_block_and_cell_content_control_reads_empty() -> None:
    doc = Doc([P("前"), Tbl((Tr(("得分", "9")),), grid=2), P("后")])
    prompt = '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>单击或点击此处输入文字。</w:t></w:r>'
    block = f"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p>{prompt}</w:p></w:sdtContent></w:sdt>"
    data = _patched(doc, '<w:p><w:r><w:t xml:space="preserve">后</w:t></w:r></w:p>', block)
    assert read_docx(data, "t.docx").lines == ["前", "得分\t9", ""]
    cell = (
        '<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:tc><w:tcPr><w:gridSpan w:val="1"/></w:tcPr>'
        f"<w:p>{prompt}</w:p></w:tc></w:sdtContent></w:sdt>"
    )
    data = _patched(
        doc,
        '<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">9</w:t></w:r></w:p></w:tc>',
        cell,
    )
    assert read_docx(data, "t.docx").lines == ["前", "得分\t", "后"]


# ---- tracked changes: a deleted row is gone --------------------------------------------------------------


def test_a_row_deleted_with_track_changes_is_not_read() -> None:
    """A row struck out with track changes on (w:trPr/w:del) is no row of the table; a merged cell above it
    continues below it; an inserted row (w:trPr/w:ins) is read."""
    doc = Doc(
        [
            Tbl(
                (
                    Tr((Tc("产出", merge="restart"), "数量", "20")),
                    Tr((Tc("", merge="continue"), "器材", "5"), deleted=True),
                    Tr((Tc("", merge="continue"), "质量", (Ins("10"),))),
                ),
                grid=3,
            )
        ]
    )
    source = read_docx(docx_bytes(doc), "t.docx")
    assert source.lines == ["产出\t数量\t20", "\t质量\t10"]
    assert [cell.text for cell in source.rows[1].cells] == ["产出", "质量", "10"]
    inserted = _patched(doc, "<w:trPr><w:del ", "<w:trPr><w:ins ")
    assert len(read_docx(inserted, "t.docx").lines) == 3


# ---- fields nested in an instruction, phonetic guides -------------------------------------------------------


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _char(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def test_a_field_nested_in_an_instruction_shows_only_the_outer_result() -> None:
    """{ IF { =SUM(ABOVE) } >= 90 "优" "良" }: the inner field's cached 95 and the quoted options are part of the
    outer instruction; the page shows 优 alone. Near miss: a plain field's result and the text around it."""
    doc = Doc([P("等级："), P("总分：")])
    nested = (
        _char("begin")
        + '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + _char("begin")
        + '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) </w:instrText></w:r>'
        + _char("separate")
        + _run("95")
        + _char("end")
        + _run(' >= 90 "优" "良" ')
        + _char("separate")
        + _run("优")
        + _char("end")
    )
    data = _patched(doc, _run("等级："), _run("等级：") + nested)
    plain = _char("begin") + '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) </w:instrText></w:r>'
    plain += _char("separate") + _run("95") + _char("end") + _run("分")
    data = _patched_bytes(data, _run("总分："), _run("总分：") + plain)
    assert read_docx(data, "t.docx").lines == ["等级：优", "总分：95分"]


def test_a_phonetic_guide_reads_its_base_text() -> None:
    """Word's 拼音指南 (w:ruby) puts the reading above the characters: the characters are the text."""
    ruby = (
        '<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/><w:hps w:val="10"/><w:hpsRaise w:val="18"/>'
        '<w:hpsBaseText w:val="21"/><w:lid w:val="zh-CN"/></w:rubyPr>'
        "<w:rt><w:r><w:t>shè</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>歙</w:t></w:r></w:rubyBase></w:ruby></w:r>"
    )
    data = _patched(Doc([P("实施单位：县")]), _run("实施单位：县"), _run("实施单位：") + ruby + _run("县文化馆"))
    assert read_docx(data, "t.docx").lines == ["实施单位：歙县文化馆"]
