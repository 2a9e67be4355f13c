"""read_pdf(): a PDF's text layer as lines plus rows of grid-placed cells, merges exact, pages stitched.

Every PDF here is invented and made by WeasyPrint from HTML written in the
test (no binary fixtures): a 项目支出绩效自评表 of 青禾县总工会 with spanned
cells, an indicator table that runs over a page break with a repeated
header, a narrative with running heads and page numbers, and hostile files
built with pypdfium2 or by hand.
"""

from __future__ import annotations

import bisect
import collections
import gc
import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
import weasyprint

from jixiao.parse import parse_source
from jixiao.read import pdf as pdf_module
from jixiao.read import read_bytes
from jixiao.read.convert import export, soffice_path
from jixiao.read.layout import Grid
from jixiao.read.pdf import MAX_PAGES, garbage_share, read_pdf
from jixiao.read.source import ReadError, Row, Source
from jixiao.render.jsonout import form_to_dict

STYLE = """
@page { size: A4; margin: 2cm; }
body { font-family: "Noto Sans CJK SC"; font-size: 10.5pt; }
p { text-indent: 2em; margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.75pt solid black; padding: 2pt 3pt; font-weight: normal; }
"""


def render(body: str, style: str = "") -> bytes:
    page = f"<html><head><meta charset='utf-8'><style>{STYLE}{style}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=page).write_pdf()
    return data


def cells(row: Row) -> list[tuple[str, bool]]:
    return [(cell.text, cell.inherited) for cell in row.cells]


def table_rows(source: Source) -> list[Row]:
    return [row for row in source.rows if row.table]


PROJECT_FORM = """
<p style="text-indent:0">项目支出绩效自评表</p>
<p style="text-indent:0">（2023年度）</p>
<table>
<tr><td colspan="2">项目名称</td><td colspan="7">职工素质提升工程</td></tr>
<tr><td colspan="2">主管部门</td><td colspan="3">青禾县总工会</td>
    <td colspan="2">实施单位</td><td colspan="2">宣教科</td></tr>
<tr><td rowspan="3">项目资金（万元）</td><td></td><td>年初预算数</td><td>全年预算数（A）</td><td>全年执行数（B）</td>
    <td>分值</td><td>执行率（B/A）</td><td colspan="2">得分</td></tr>
<tr><td>年度资金总额</td><td>50</td><td>50</td><td>48</td><td>10</td><td>96%</td><td colspan="2">9.6</td></tr>
<tr><td>其中：本年财政拨款</td><td>50</td><td>50</td><td>48</td><td>—</td><td></td><td colspan="2">—</td></tr>
<tr><td rowspan="6">绩效指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td>
    <td>实际完成值</td><td>分值</td><td>得分</td><td>偏差原因分析及改进措施</td></tr>
<tr><td rowspan="3">产出指标（50分）</td><td>数量指标</td><td>培训人次</td><td>≥1200人次</td><td>1260人次</td>
    <td>20</td><td>20</td><td></td></tr>
<tr><td>质量指标</td><td>培训合格率</td><td>≥95%</td><td>97%</td><td>20</td><td>20</td><td></td></tr>
<tr><td>时效指标</td><td>按期完成率</td><td>100%</td><td>100%</td><td>10</td><td>10</td><td></td></tr>
<tr><td>效益指标（30分）</td><td>社会效益指标</td><td>职工技能提升</td><td>有提升</td><td>有提升</td><td>30</td><td>27</td>
    <td>部分学员仍需巩固</td></tr>
<tr><td>满意度指标（10分）</td><td>服务对象满意度指标</td><td>参训职工满意度</td><td>≥90%</td><td>95%</td><td>10</td>
    <td>10</td><td></td></tr>
<tr><td colspan="7">总分</td><td>96.6</td><td></td></tr>
</table>
"""


@pytest.fixture(scope="module")
def form_pdf() -> bytes:
    return render(PROJECT_FORM)


@pytest.fixture(scope="module")
def form(form_pdf: bytes) -> Source:
    return read_pdf(form_pdf, "qinghe_form.pdf")


# ---- one page: tables with merges ----------------------------------------------------------------


def test_source_metadata(form: Source) -> None:
    assert (form.path, form.format, form.encoding, form.notes) == ("qinghe_form.pdf", "pdf", "utf-8", [])
    assert all(row.page == 1 for row in form.rows)
    assert [row.index for row in form.rows] == list(range(len(form.rows)))
    assert all(row.line == row.end_line == row.cells[0].line for row in form.rows)


def test_paragraphs_then_table_rows(form: Source) -> None:
    assert form.lines[:2] == ["项目支出绩效自评表", "（2023年度）"]
    assert [row.table for row in form.rows] == [False, False] + [True] * 12
    assert form.lines[2] == "项目名称\t\t职工素质提升工程\t\t\t\t\t\t"
    assert (
        form.lines[4] == "项目资金（万元）\t\t年初预算数\t全年预算数（A）\t全年执行数（B）\t分值\t执行率（B/A）\t得分\t"
    )


def test_spans_are_inherited_like_docx(form: Source) -> None:
    rows = table_rows(form)
    assert all(len(row.cells) == 9 and [cell.col for cell in row.cells] == list(range(9)) for row in rows)
    assert (
        cells(rows[0])
        == [("项目名称", False), ("项目名称", True)] + [("职工素质提升工程", False)] + [("职工素质提升工程", True)] * 6
    )
    assert cells(rows[1])[2:7] == [("青禾县总工会", False), ("青禾县总工会", True), ("青禾县总工会", True),
                                   ("实施单位", False), ("实施单位", True)]  # fmt: skip
    # 项目资金 spans three rows; 产出指标 three; 绩效指标 six; the empty corner cell is its own.
    assert [cells(row)[0] for row in rows[2:5]] == [("项目资金（万元）", False)] + [("项目资金（万元）", True)] * 2
    assert cells(rows[2])[1] == ("", False)
    assert [cells(row)[0] for row in rows[5:11]] == [("绩效指标", False)] + [("绩效指标", True)] * 5
    assert [cells(row)[1] for row in rows[6:9]] == [("产出指标（50分）", False)] + [("产出指标（50分）", True)] * 2
    assert cells(rows[3]) == [
        ("项目资金（万元）", True), ("年度资金总额", False), ("50", False), ("50", False), ("48", False),
        ("10", False), ("96%", False), ("9.6", False), ("9.6", True),
    ]  # fmt: skip
    assert cells(rows[11])[6:] == [("总分", True), ("96.6", False), ("", False)]


def _plumber_tables(data: bytes) -> list[list[list[str | None]]]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [table for page in document.pages for table in page.extract_tables()]


def test_grid_agrees_with_pdfplumber(form_pdf: bytes, form: Source) -> None:
    """pdfplumber (pdfminer underneath) gives spanned slots as None: ours are the inherited ones."""

    def flat(text: str | None) -> str | None:
        return None if text is None else re.sub(r"\s+", "", text)

    (plumber,) = _plumber_tables(form_pdf)
    ours = [[None if cell.inherited else flat(cell.text) for cell in row.cells] for row in table_rows(form)]
    assert ours == [[flat(text) for text in row] for row in plumber]


def test_end_to_end_project_form(form: Source) -> None:
    forms = [form_to_dict(parsed) for parsed in parse_source(form)]
    assert len(forms) == 1, [parsed["kind"] for parsed in forms]
    parsed = forms[0]
    assert (parsed["kind"], parsed["year"], parsed["project"], parsed["department"]) == (
        "project", 2023, "职工素质提升工程", "青禾县总工会",
    )  # fmt: skip
    assert parsed["funds"]["total"] == {"initial": 50, "budget": 50, "executed": 48}
    assert (parsed["funds"]["weight"], parsed["funds"]["rate"], parsed["funds"]["score"]) == (10, 0.96, 9.6)
    assert [(row["level1"], row["name"], row["weight"], row["score"]) for row in parsed["indicators"]] == [
        ("产出指标", "培训人次", 20, 20),
        ("产出指标", "培训合格率", 20, 20),
        ("产出指标", "按期完成率", 10, 10),
        ("效益指标", "职工技能提升", 30, 27),
        ("满意度指标", "参训职工满意度", 10, 10),
    ]
    assert parsed["total_score"] == 96.6


def test_wrapped_cell_text_is_one_cell() -> None:
    long = "围绕青禾县职工技能提升开展培训，覆盖全县十二个乡镇的一线职工，培训内容包括安全生产与岗位技能"
    source = read_pdf(render(f"<table><tr><td style='width:20%'>项目概况</td><td>{long}</td></tr>"
                             "<tr><td>备注</td><td>English words wrap with spaces kept between them</td></tr></table>"),
                      "wrap.pdf")  # fmt: skip
    assert [cells(row) for row in source.rows] == [
        [("项目概况", False), (long, False)],
        [("备注", False), ("English words wrap with spaces kept between them", False)],
    ]


def test_unruled_table_from_box_geometry() -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>{amount}</td><td>{note}</td></tr>"
        for name, amount, note in (
            ("职工书屋", "12.50", "已完成"),
            ("技能竞赛", "8.00", "已完成"),
            ("困难帮扶", "30.00", "部分完成"),
        )
    )
    style = "table.plain td { border: none; padding: 2pt 30pt 2pt 0; } table.plain { width: auto; }"
    source = read_pdf(
        render(f"<p>项目清单如下：</p><table class='plain'>{rows}</table><p>以上为全部项目。</p>", style), "u.pdf"
    )
    assert [row.table for row in source.rows] == [False, True, True, True, False]
    assert [row.texts for row in table_rows(source)] == [
        ["职工书屋", "12.50", "已完成"], ["技能竞赛", "8.00", "已完成"], ["困难帮扶", "30.00", "部分完成"],
    ]  # fmt: skip


# ---- several pages: stitched tables, running heads, paragraphs ----------------------------------

HEADED = """
@page { @top-center { content: "青禾县总工会2023年度绩效自评材料"; font-family: "Noto Sans CJK SC"; font-size: 9pt; }
        @bottom-center { content: "第 " counter(page) " 页"; font-family: "Noto Sans CJK SC"; font-size: 9pt; } }
"""
INDICATORS = [(f"帮扶指标{i:02d}", f"≥{i * 10}户", f"{i * 10 + 3}户") for i in range(1, 61)]


@pytest.fixture(scope="module")
def long_table() -> Source:
    head = "<thead><tr><th>一级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th></tr></thead>"
    body = "".join(
        f"<tr>{'<td rowspan=60>产出指标</td>' if i == 0 else ''}<td>{name}</td><td>{target}</td><td>{actual}</td></tr>"
        for i, (name, target, actual) in enumerate(INDICATORS)
    )
    data = render(
        f"<p>三、绩效指标完成情况</p><table>{head}<tbody>{body}</tbody></table><p>以上指标均已核实。</p>", HEADED
    )
    assert len(pdfium.PdfDocument(data)) >= 2
    return read_pdf(data, "long.pdf")


def test_table_over_a_page_break_is_one_table(long_table: Source) -> None:
    rows = table_rows(long_table)
    assert long_table.lines[0] == "三、绩效指标完成情况"
    assert long_table.lines[-1] == "以上指标均已核实。"
    assert [row.texts for row in rows[:1]] == [["一级指标", "三级指标", "年度指标值", "实际完成值"]]
    assert len(rows) == 1 + len(INDICATORS)  # the repeated header is dropped
    assert [row.texts[1:] for row in rows[1:]] == [list(item) for item in INDICATORS]
    pages = [row.page or 0 for row in rows]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 2


def test_a_cell_open_at_the_break_continues_on_the_next_page(long_table: Source) -> None:
    rows = table_rows(long_table)
    assert cells(rows[1])[0] == ("产出指标", False)
    assert all(cells(row)[0] == ("产出指标", True) for row in rows[2:])
    assert any(row.page == 2 for row in rows[2:])


def test_running_heads_and_page_numbers_are_dropped(long_table: Source) -> None:
    assert not any("绩效自评材料" in line or re.fullmatch(r"第 ?\d+ ?页", line) for line in long_table.lines)


def test_a_title_repeated_on_every_page_is_not_a_running_head() -> None:
    """One form a page, narrow margins: the same title at the same place on every page is content."""
    forms = "".join(
        f"<div style='page-break-after: always'><p style='text-indent:0'>项目支出绩效自评表</p>"
        f"<p style='text-indent:0'>（2023年度）</p><table><tr><td>项目名称</td><td>{name}</td></tr>"
        f"<tr><td>主管部门</td><td>青禾县总工会</td></tr></table></div>"
        for name in ("职工书屋建设", "技能竞赛", "困难职工帮扶", "劳模疗休养")
    )
    style = "@page { margin: 1.5cm; @bottom-center { content: counter(page); font-family: 'Noto Sans CJK SC'; } }"
    data = render(forms, style)
    assert len(pdfium.PdfDocument(data)) == 4
    source = read_pdf(data, "forms.pdf")
    assert source.lines.count("项目支出绩效自评表") == 4
    assert source.lines.count("（2023年度）") == 4
    assert not any(line.isdigit() for line in source.lines)  # the bare page numbers are dropped
    assert [row.page for row in source.rows if row.texts[0] == "项目名称"] == [1, 2, 3, 4]


NARRATIVE = [
    "一、基本情况",
    "青禾县总工会围绕职工素质提升工程，组织开展岗位练兵、技能竞赛和职工书屋建设，全年培训职工一千二百六十人次，"
    "覆盖全县十二个乡镇和三个工业园区，培训合格率达到百分之九十七，参训职工满意度调查结果为百分之九十五。",
]


@pytest.fixture(scope="module")
def narrative() -> tuple[list[str], Source]:
    filler = (
        "项目实施过程中，县总工会严格执行预算管理制度，按照计划进度拨付资金，资金使用规范，未发现挤占挪用情况。" * 3
    )
    paragraphs = (
        [NARRATIVE[0], NARRATIVE[1]] + [f"（{i}）{filler}" for i in range(1, 12)] + ["二、下一步工作", NARRATIVE[1]]
    )
    style = HEADED.replace('"第 " counter(page) " 页"', '"- " counter(page) " -"')
    data = render("".join(f"<p>{html.escape(text)}</p>" for text in paragraphs), style)
    assert len(pdfium.PdfDocument(data)) >= 2
    return paragraphs, read_pdf(data, "narrative.pdf")


def test_wrapped_lines_are_joined_into_paragraphs_across_pages(narrative: tuple[list[str], Source]) -> None:
    paragraphs, source = narrative
    assert source.lines == paragraphs
    assert [row.texts for row in source.rows] == [[text] for text in paragraphs]
    assert not any(row.table for row in source.rows)
    assert source.rows[0].page == 1 and (source.rows[-1].page or 0) >= 2


def test_headings_and_list_items_at_the_margin() -> None:
    """Paragraphs indent their first line; a flush-left heading after a nearly full line is still a heading,
    and an item marker that wraps to the start of a line after a full one continues its paragraph."""
    first = "青禾县总工会组织职工参加技能培训和岗位"  # 19 characters: a full first line after the indent
    paragraphs = [
        first + "全年共举办培训班十二期培训职工千余人次",  # 19 + 19: the last line ends two short
        "二、下一步工作",
        first + "（2）加强培训考核并建立职工技能档案管理",  # （2） wraps to a line's start after a full line
        first + "各乡镇工会按计划完成了年度目标任务",
    ]
    style = "p { width: 21em; } p.head { text-indent: 0; }"
    body = "".join(f"<p{' class=head' if text.startswith('二') else ''}>{text}</p>" for text in paragraphs)
    source = read_pdf(render(body, style), "margins.pdf")
    assert source.lines == paragraphs


def test_a_short_page_takes_the_margins_of_the_fuller_pages() -> None:
    """On a last page of indented one-line paragraphs, the widest line is not at the margin and no line
    continues another: the edges come from the full page before."""
    long = "青禾县总工会严格执行预算管理制度，按照计划进度拨付资金，资金使用规范，未发现挤占挪用情况。" * 3
    first = ["一、基本情况", long, "二、预算执行情况", long, "三、绩效目标完成情况", long]
    last = [
        "基本支出四十二万元，其中人员经费三十万元。",
        "第三部分 名词解释",
        "财政拨款收入：指本级财政当年拨付的资金，用于职工帮扶。",
        "第四部分 决算报表",
        "收入支出决算总表等报表详见附件。",
    ]
    body = "".join(f"<p{' class=head' if '、' in t[:3] else ''}>{t}</p>" for t in first)
    body += "<div style='page-break-before: always'>" + "".join(f"<p>{t}</p>" for t in last) + "</div>"
    source = read_pdf(render(body, "p.head { text-indent: 0; }"), "short_last_page.pdf")
    assert source.lines == first + last
    assert [row.page for row in source.rows][-5:] == [2] * 5


def test_kangxi_radicals_are_read_as_ideographs() -> None:
    # Some producers map 工 and 一 to the Kangxi radicals ⼯ (U+2F2F) and ⼀ (U+2F00).
    source = read_pdf(render("<p>⼯作经费⼀览</p>"), "kangxi.pdf")
    assert source.lines == ["工作经费一览"]


def test_rotated_page_reads_as_shown(form_pdf: bytes, form: Source) -> None:
    """A landscape sheet stored sideways: content drawn turned (in a form XObject) and /Rotate 90 to show it."""
    source = pdfium.PdfDocument(form_pdf)
    width, height = source[0].get_size()
    target = pdfium.PdfDocument.new()
    page = target.new_page(height, width)
    xobject = source.page_as_xobject(0, target)
    drawn = xobject.as_pageobject()
    drawn.transform(pdfium.PdfMatrix(0, 1, -1, 0, height, 0))
    page.insert_obj(drawn)
    page.gen_content()
    page.set_rotation(90)
    buffer = io.BytesIO()
    target.save(buffer)
    turned = read_pdf(buffer.getvalue(), "turned.pdf")
    assert turned.lines == form.lines
    assert [cells(row) for row in turned.rows] == [cells(row) for row in form.rows]


# ---- garbage text layers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "garbage"),
    [
        ("项目支出绩效自评表 年度资金总额 50 48", False),
        ("(cid:12)(cid:873)(cid:44)(cid:12) (cid:5)(cid:88)", True),
        ("\ue012\ue3a1\ue004\ue0ff 项目", True),
        ("⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊", True),
        ("\x01\x02\x03\x04\x05\x06 abc", True),
        ("", False),
    ],
)
def test_garbage_share(text: str, garbage: bool) -> None:
    assert (garbage_share(text) >= 0.1) is garbage


def test_unmapped_characters_count_as_garbage() -> None:
    assert garbage_share("看似正常的文字", unmapped=0.5) == 0.5


# ---- hostile files ---------------------------------------------------------------------------------


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def test_password_protected_pdf_is_refused() -> None:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"ab" * 32, b"cd" * 32)
    data = _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page, encrypt],
        b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"01" * 16, b"01" * 16),
    )
    with pytest.raises(ReadError, match="密码"):
        read_pdf(data, "locked.pdf")


def test_too_many_pages_are_refused() -> None:
    document = pdfium.PdfDocument.new()
    for _ in range(MAX_PAGES + 1):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ReadError, match=f"页数过多（{MAX_PAGES + 1} 页，上限 {MAX_PAGES} 页）"):
        read_pdf(buffer.getvalue(), "many.pdf")  # by the count the document declares, before any page is read


def test_damaged_pdf_names_the_reason(form_pdf: bytes) -> None:
    with pytest.raises(ReadError, match="PDF 文件已损坏"):
        read_pdf(b"%PDF-1.7\n" + bytes(range(256)) * 40, "noise.pdf")
    with pytest.raises(ReadError, match="损坏"):
        read_pdf(form_pdf[: len(form_pdf) // 3], "cut.pdf")


def test_blank_pdf_is_refused() -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ReadError, match="没有找到任何文字"):
        read_pdf(buffer.getvalue(), "blank.pdf")


def test_page_with_too_many_objects_is_read_without_rules(form_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_OBJECTS", 20)
    source = read_pdf(form_pdf, "busy.pdf")
    assert source.notes == ["第 1 页图形对象过多（超过 20 个），未识别其中的表格线"]
    assert "职工素质提升工程" in "\n".join(source.lines)


def test_reading_is_bounded_per_page(monkeypatch: pytest.MonkeyPatch, form_pdf: bytes) -> None:
    monkeypatch.setattr(pdf_module, "MAX_CHARS", 40)
    source = read_pdf(form_pdf, "long_page.pdf")
    assert source.notes == ["第 1 页文字过多（超过 40 个字符），只读取了前一部分"]
    assert sum(len(line.replace("\t", "")) for line in source.lines) <= 40


# ---- routing and speed ----------------------------------------------------------------------------


def test_pdf_bytes_are_routed_to_the_pdf_reader(form_pdf: bytes, form: Source) -> None:
    source = read_bytes(form_pdf, "named_wrongly.docx")
    assert (source.format, source.lines) == ("pdf", form.lines)


def test_cell_finder_agrees_with_cell_of_and_crosses_cells(form_pdf: bytes) -> None:
    """The reader's per-page cell finder answers exactly as the plain functions, points on lines included."""
    import random

    from jixiao.read.layout import Cells, cell_of, crosses_cells, find_grids
    from jixiao.read.pdf import _address, _close_page, _Handle, _load_page, _shapes, _View

    document = pdfium.PdfDocument(form_pdf)
    page = _load_page(_Handle(_address(document.raw)), 0)
    grids, _ = find_grids(_shapes(page, _View(page)).rules)
    assert grids
    finder = Cells(grids)
    chance = random.Random(4)
    xs = sorted({x for grid in grids for x in grid.xs})
    ys = sorted({y for grid in grids for y in grid.ys})
    points = [(x + dx, y + dy) for x in xs for y in ys for dx in (-2.0, -1.0, 0.0, 1.0, 2.0) for dy in (-2.0, 0.0, 2.0)]
    points += [(chance.uniform(-5, 600), chance.uniform(-5, 850)) for _ in range(2000)]
    for x, y in points:
        assert finder.of(x, y) == cell_of(grids, x, y)
        for width in (0.5, 3.0, 40.0):
            assert finder.crosses(x, x + width, y) == crosses_cells(grids, x, x + width, y)
    _close_page(page)
    document.close()


def _splits_plainly(grids: list[Grid], x0: float, x1: float, y: float) -> bool:
    """A column line inside the piece (a point beyond each end) whose slots on either side, in the piece's row,
    belong to different cells."""
    for grid in grids:
        if not grid.ys[0] <= y <= grid.ys[-1]:
            continue
        row = min(max(bisect.bisect_right(grid.ys, y) - 1, 0), len(grid.ys) - 2)
        for c in range(1, len(grid.xs) - 1):
            if x0 + 1 < grid.xs[c] < x1 - 1 and grid.groups[row][c - 1] != grid.groups[row][c]:
                return True
    return False


def test_a_piece_splits_only_at_lines_that_part_cells(form_pdf: bytes) -> None:
    """Words in a cell merged across columns lie over column lines of other rows: they do not split, though
    they cross; a piece over a line between two cells of its row splits."""
    import random

    from jixiao.read.layout import Cells, crosses_cells, find_grids
    from jixiao.read.pdf import _address, _close_page, _Handle, _load_page, _shapes, _View

    document = pdfium.PdfDocument(form_pdf)
    page = _load_page(_Handle(_address(document.raw)), 0)
    grids, _ = find_grids(_shapes(page, _View(page)).rules)
    finder = Cells(grids)
    chance = random.Random(7)
    merged = parted = 0
    for _ in range(4000):
        x, y, width = chance.uniform(-5, 600), chance.uniform(-5, 850), chance.choice((0.5, 3.0, 40.0, 150.0))
        splits = finder.splits(x, x + width, y)
        assert splits == _splits_plainly(grids, x, x + width, y)
        assert not splits or crosses_cells(grids, x, x + width, y)
        merged += crosses_cells(grids, x, x + width, y) and not splits
        parted += splits
    assert merged and parted  # both kinds were met
    _close_page(page)
    document.close()


# ---- pdfium handles and the collector ---------------------------------------------------------------

_HANDLES = ("_load_page", "_close_page", "_load_textpage", "_close_textpage")


def _count_handles(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Count every page and text page the reader opens and closes through pdfium's own API."""
    counts: collections.Counter[str] = collections.Counter()

    def counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            counts[name] += 1
            return function(*args)

        return call

    for name in _HANDLES:
        monkeypatch.setattr(pdf_module, name, counted(name, getattr(pdf_module, name)))
    return counts


def test_every_page_and_text_page_is_closed(form_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _count_handles(monkeypatch)
    pages = len(pdfium.PdfDocument(form_pdf))
    for _ in range(40):
        read_pdf(form_pdf, "form.pdf")
    assert counts["_load_page"] == counts["_close_page"] == 40 * pages
    assert counts["_load_textpage"] == counts["_close_textpage"] == 40 * pages


def test_a_page_that_fails_midway_is_still_closed(form_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _count_handles(monkeypatch)

    def damaged(*args: Any) -> Any:
        raise pdfium.PdfiumError("damaged")

    monkeypatch.setattr(pdf_module, "_text", damaged)
    with pytest.raises(ReadError, match="页面都已损坏"):
        read_pdf(form_pdf, "form.pdf")
    assert counts["_load_page"] == counts["_close_page"] >= 1
    assert counts["_load_textpage"] == counts["_close_textpage"] >= 1

    def bug(*args: Any) -> Any:
        raise ZeroDivisionError

    monkeypatch.setattr(pdf_module, "_shapes", bug)
    with pytest.raises(ZeroDivisionError):
        read_pdf(form_pdf, "form.pdf")
    assert counts["_load_page"] == counts["_close_page"]


def test_collector_is_paused_while_reading_and_restored_after(form_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    read_page = pdf_module._read_page

    def watched(*args: Any) -> None:
        seen.append(gc.isenabled())
        read_page(*args)

    monkeypatch.setattr(pdf_module, "_read_page", watched)
    was = gc.isenabled()
    try:
        gc.enable()
        read_pdf(form_pdf, "form.pdf")
        assert seen and not any(seen)
        assert gc.isenabled()
        with pytest.raises(ReadError):
            read_pdf(form_pdf[: len(form_pdf) // 3], "cut.pdf")
        assert gc.isenabled()
        gc.disable()
        read_pdf(form_pdf, "form.pdf")
        assert not gc.isenabled()  # a caller's paused collector stays paused
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_slot_edges_measured_at_once_agree_with_one_by_one() -> None:
    """A grid line's edges answered in one pass equal the share of each interval measured on its own."""
    import random

    from jixiao.read.layout import _Line, _separated, _share

    chance = random.Random(11)
    for _ in range(3000):
        edges = sorted({round(chance.uniform(0, 100), chance.choice((0, 1, 3))) for _ in range(chance.randint(2, 9))})
        if len(edges) < 2:
            continue
        lines = []
        for _ in range(chance.choice((1, 1, 1, 2, 3))):
            a = chance.choice([*edges, round(chance.uniform(-10, 110), 1)])
            b = chance.choice([*edges, round(chance.uniform(-10, 110), 1)])
            lines.append(_Line(0.0, min(a, b), max(a, b)))
        expected = [_share(lines, edges[k], edges[k + 1]) for k in range(len(edges) - 1)]
        assert _separated(lines, edges) == expected, (lines, edges)
    assert _separated([], [0.0, 1.0, 2.0]) == [False, False]


def test_garbage_share_of_a_sound_page_takes_the_short_way_to_the_same_answer() -> None:
    """Texts with and without garbage, cid runs and odd whitespace: the same share as counting every character."""
    import random

    def counted(text: str, unmapped: float) -> float:
        cids = len(re.findall(r"\(cid:\d+\)", text))
        visible = re.sub(r"\s+", "", re.sub(r"\(cid:\d+\)", "", text))
        total = len(visible) + cids
        if not total:
            return unmapped
        return max(unmapped, (len(pdf_module._BAD.findall(visible)) + cids) / total)

    alphabet = ["绩", "效", " ", "\t", "\n", "\x0b", "\x1c", "\u3000", "\xa0", "a", "1", "(cid:12)", "\ue000", "\x01"]
    chance = random.Random(3)
    for _ in range(20000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 8)))
        unmapped = chance.choice((0.0, 0.05, 0.5))
        assert garbage_share(text, unmapped) == counted(text, unmapped), (text, unmapped)


# ---- what producers other than WeasyPrint do -------------------------------------------------------------

_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page_pdf(content: bytes) -> bytes:
    """One A4 page drawing ``content`` with Helvetica as /F1."""
    resources = b"/Resources << /Font << /F1 5 0 R >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s >>" % resources
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    return _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page, stream, _HELVETICA]
    )


def test_text_its_clip_hides_wholly_is_not_read() -> None:
    """A spreadsheet's PDF clips every cell; a merged cell cut by a page break draws its text again on the next
    page, outside the part of the cell there (so nothing of it shows). Text the clip only cuts still shows."""
    content = b"\n".join(
        [
            b"q 100 600 300 30 re W n BT /F1 12 Tf 110 610 Td (Shown in its cell) Tj ET Q",
            b"q 100 500 300 30 re W n BT /F1 12 Tf 110 560 Td (Drawn outside its clip) Tj ET Q",
            b"q 100 400 300 20 re W n BT /F1 12 Tf 110 414 Td (Cut through the middle) Tj ET Q",
        ]
    )
    source = read_pdf(_page_pdf(content), "clipped.pdf")
    assert source.lines == ["Shown in its cell", "Cut through the middle"]


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_a_piece_drawn_after_the_text_around_it_is_read_in_its_place(tmp_path: Path) -> None:
    """LibreOffice (as Word and WPS) draws a closing quote of a fallback font after the text of its line:
    pdfium gives it last, though it stands after the quoted words."""
    import docx

    document = docx.Document()
    document.add_paragraph("“两节”期间开展集中送温暖活动，计划慰问困难职工千余人。")
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "“三公经费”变动率"
    table.cell(0, 1).text = "3"
    document.add_paragraph("填报人：青禾县总工会")
    document.save(str(tmp_path / "quotes.docx"))
    exported = export([tmp_path / "quotes.docx"], "pdf", tmp_path, timeout=300)[0]
    source = read_pdf(exported.read_bytes(), "quotes.pdf")
    assert source.lines == [
        "“两节”期间开展集中送温暖活动，计划慰问困难职工千余人。",
        "“三公经费”变动率\t3",
        "填报人：青禾县总工会",
    ]


def test_a_heading_after_a_full_line_that_ends_a_sentence_starts_afresh() -> None:
    """A paragraph whose last line happens to fill the line and ends its sentence: the heading under it is
    not a continuation, though it starts at the margin and the document indents its paragraphs."""
    first = "青禾县总工会组织职工参加技能培训和岗位"  # 19 characters: a full first line after the indent
    filler = [first + f"练兵第{number}期培训按计划完成" for number in "一二三四"]  # the indent habit shows
    paragraphs = [
        *filler,
        first + "练兵全年举办培训班十二期培训职工千余人次。",  # 21 characters: a full second line
        "二、下一步工作",
        first + "练兵各乡镇工会按计划完成了年度目标任务",
    ]
    style = "p { width: 21em; } p.head { text-indent: 0; }"
    body = "".join(f"<p{' class=head' if text.startswith('二') else ''}>{text}</p>" for text in paragraphs)
    source = read_pdf(render(body, style), "sentence_end.pdf")
    assert source.lines == paragraphs
