"""read_html(): a page as visual lines plus rows of grid-placed cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.read.html import read_html
from jixiao.read.source import Row, Source

FIXTURE = Path(__file__).parent / "fixtures" / "html" / "project_form.html"


def cells(row: Row) -> list[tuple[str, int, bool]]:
    return [(cell.text, cell.col, cell.inherited) for cell in row.cells]


@pytest.fixture(scope="module")
def form() -> Source:
    return read_html(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE), encoding="utf-8")


def test_source_metadata(form: Source) -> None:
    assert form.format == "html"
    assert form.encoding == "utf-8"
    assert form.path == str(FIXTURE)
    assert form.name == "project_form.html"
    assert [row.index for row in form.rows] == list(range(len(form.rows)))
    assert read_html("<p>甲</p>", "a.html", encoding="gb18030").encoding == "gb18030"


def test_lines(form: Source) -> None:
    assert form.lines == [
        "项目支出绩效自评表",
        "（2023年度）",
        "项目名称\t职工 素质提升工程\t\t",
        "主管部门\t青禾县总工会\t实施单位\t青禾县总工会 宣教科",
        "项目资金 （万元）\t年度资金总额\t140.4\t138.2",
        "\t其中：财政拨款\t120\t118.6",
        "绩效指标\t\t指标值\t实际完成值",
        "\t\t培训人次 ≥ 1200 人次\t1260人次",
        "填表人： 林小禾",
        "联系电话：0000-1234567",
        "说明：本表数据均为虚构，单位为 万元。",
    ]
    assert len(form.rows) == len(form.lines)


def test_heading_and_paragraphs_are_non_table_rows(form: Source) -> None:
    heading, year = form.rows[0], form.rows[1]
    assert not heading.table and not year.table
    assert cells(heading) == [("项目支出绩效自评表", 0, False)]  # <b> markup gone
    assert (heading.line, heading.end_line) == (1, 1)
    assert cells(year) == [("（2023年度）", 0, False)]
    assert year.cells[0].line == 2
    tail = form.rows[8:]
    assert [row.table for row in tail] == [False, False, False]
    assert [row.text for row in tail] == [
        "填表人： 林小禾",  # whitespace run collapsed; <br> starts a new line
        "联系电话：0000-1234567",
        "说明：本表数据均为虚构，单位为 万元。",  # comment dropped, CJK line break joined
    ]
    assert [row.line for row in tail] == [9, 10, 11]


def test_colspan_cells_are_inherited(form: Source) -> None:
    row = form.rows[2]
    assert row.table
    assert (row.line, row.end_line) == (3, 3)
    assert cells(row) == [
        ("项目名称", 0, False),
        ("职工 素质提升工程", 1, False),  # &nbsp; is a space
        ("职工 素质提升工程", 2, True),
        ("职工 素质提升工程", 3, True),
    ]
    assert {cell.line for cell in row.cells} == {3}
    assert [cell.text for cell in row.filled if not cell.inherited] == ["项目名称", "职工 素质提升工程"]


def test_plain_row_and_br_inside_cell(form: Source) -> None:
    assert cells(form.rows[3]) == [
        ("主管部门", 0, False),
        ("青禾县总工会", 1, False),
        ("实施单位", 2, False),
        ("青禾县总工会 宣教科", 3, False),
    ]


def test_rowspan_fills_the_next_row(form: Source) -> None:
    first, second = form.rows[4], form.rows[5]
    assert cells(first) == [
        ("项目资金 （万元）", 0, False),
        ("年度资金总额", 1, False),
        ("140.4", 2, False),
        ("138.2", 3, False),
    ]
    assert cells(second) == [
        ("项目资金 （万元）", 0, True),
        ("其中：财政拨款", 1, False),
        ("120", 2, False),
        ("118.6", 3, False),
    ]
    assert second.line == 6
    assert all(cell.line == 6 for cell in second.cells)


def test_rowspan_and_colspan_together(form: Source) -> None:
    header, values = form.rows[6], form.rows[7]
    assert cells(header) == [
        ("绩效指标", 0, False),
        ("绩效指标", 1, True),
        ("指标值", 2, False),
        ("实际完成值", 3, False),
    ]
    assert cells(values) == [
        ("绩效指标", 0, True),
        ("绩效指标", 1, True),
        ("培训人次 ≥ 1200 人次", 2, False),  # named entity
        ("1260人次", 3, False),  # decimal and hex character references
    ]


def test_script_style_and_head_are_gone(form: Source) -> None:
    page = "\n".join(form.lines)
    for hidden in (
        "不应出现的脚本文字",
        "脚本写出的段落",
        "document.write",
        "border",
        "青禾县总工会 项目支出",
    ):
        assert hidden not in page
    assert "内部备注" not in page


def test_cell_columns_equal_positions(form: Source) -> None:
    for row in form.rows:
        assert [cell.col for cell in row.cells] == list(range(len(row.cells)))


def test_nested_table_rows_follow_the_outer_row() -> None:
    page = """
    <table>
      <tr><td>产出指标</td><td>
        说明
        <table><tr><td>数量指标</td><td>培训人次</td></tr>
               <tr><td>质量指标</td><td>合格率</td></tr></table>
        见下
      </td></tr>
      <tr><td>效益指标</td><td>满意度</td></tr>
    </table>
    """
    src = read_html(page, "nested.html")
    assert src.lines == [
        "产出指标\t说明 见下",
        "数量指标\t培训人次",
        "质量指标\t合格率",
        "效益指标\t满意度",
    ]
    assert all(row.table for row in src.rows)
    assert [row.line for row in src.rows] == [1, 2, 3, 4]
    assert [row.index for row in src.rows] == [0, 1, 2, 3]


def test_caption_short_rows_and_gaps() -> None:
    page = """<table><caption>表1 资金情况</caption>
    <tr><td>甲</td><td>乙</td><td rowspan="2">丙</td></tr>
    <tr><td>丁</td></tr>
    <tr><td>戊</td></tr>
    </table>"""
    src = read_html(page, "t.html")
    assert src.lines == ["表1 资金情况", "甲\t乙\t丙", "丁\t\t", "戊"]
    assert not src.rows[0].table
    assert cells(src.rows[2]) == [("丁", 0, False), ("", 1, False), ("丙", 2, True)]
    assert cells(src.rows[3]) == [("戊", 0, False)]


def test_rowspan_zero_reaches_the_table_end_and_stops_at_row_groups() -> None:
    page = """<table>
    <tbody><tr><td rowspan="0">甲</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody>
    <tbody><tr><td>乙</td><td>4</td></tr></tbody>
    </table>"""
    src = read_html(page, "t.html")
    assert [row.texts for row in src.rows] == [["甲", "1"], ["甲", "2"], ["甲", "3"], ["乙", "4"]]
    assert [row.cells[0].inherited for row in src.rows] == [False, True, True, False]


def test_unclosed_markup_and_word_html() -> None:
    page = (
        "<html><head><title>标题<meta charset=gbk><body>"
        "<!--[if gte mso 9]><xml><w:WordDocument>x</w:WordDocument></xml><![endif]-->"
        "<p class=MsoNormal><span lang=EN-US>2023</span><span>年度<o:p></o:p></span>"
        "<p>下一段"
        "<table><tr><td>单元格一<td>单元格二<tr><td>第二行"
    )
    src = read_html(page, "word.html")
    assert src.lines == ["2023年度", "下一段", "单元格一\t单元格二", "第二行"]
    assert [row.table for row in src.rows] == [False, False, True, True]


def test_lists_pre_and_whitespace() -> None:
    page = "<ul><li>一、 产出</li><li>二、\t效益</li></ul><pre>甲  乙\n丙</pre>\u3000\u3000 末 行 "
    src = read_html(page, "l.html")
    assert src.lines == ["一、 产出", "二、 效益", "甲 乙", "丙", "末 行"]


def test_empty_page() -> None:
    src = read_html("", "e.html")
    assert src.lines == [] and src.rows == []
    assert read_html("<html><head><script>x</script></head><body> </body></html>", "e.html").lines == []


_TAGS = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", '<td colspan="2">', '<td rowspan="3">',
         '<th rowspan="0" colspan="2">', "<tbody>", "</tbody>", "<caption>", "</caption>", "<p>", "</p>",
         "<br>", "<div>", "</div>", "<pre>", "</pre>", "<script>", "</script>", "<head>", "<body>",
         "<b>", "</b>", "&nbsp;", "&amp;", "项目", "140.4", " ", "\n", "绩效\n指标"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TAGS), max_size=40))
def test_any_tag_soup_keeps_the_invariants(pieces: list[str]) -> None:
    src = read_html("".join(pieces), "soup.html")
    assert len(src.lines) == len(src.rows)
    for number, (line, row) in enumerate(zip(src.lines, src.rows, strict=True), start=1):
        assert row.index == number - 1
        assert row.line == row.end_line == number
        assert "\n" not in line
        assert all(cell.line == number for cell in row.cells)
        assert [cell.col for cell in row.cells] == list(range(len(row.cells)))
        if row.table:
            assert line == "\t".join("" if cell.inherited else cell.text for cell in row.cells)
        else:
            assert line and row.texts == [line]


def test_tables_nested_thousands_deep_are_flattened_past_a_limit() -> None:
    depth = 20_000
    page = "<table><tr><td>" * depth + "青禾县总工会" + "</td></tr></table>" * depth + "<p>表后段落</p>"
    source = read_html(page, "deep.html")
    assert "青禾县总工会" in "\n".join(source.lines)
    assert source.lines[-1] == "表后段落"


def test_tables_nested_a_few_deep_keep_their_rows() -> None:
    page = "<table><tr><td>外表</td><td><table><tr><td>内表甲</td><td>内表乙</td></tr></table></td></tr></table>"
    source = read_html(page, "nested.html")
    assert any(row.texts == ["内表甲", "内表乙"] for row in source.rows)
