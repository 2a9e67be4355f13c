"""Table rows that a page break cuts in two, in PDFs that draw both parts ruled all round.

Word ("allow row to break across pages", its default) and WeasyPrint with
separate cell borders close a cut row's cells at the foot of the page and
open them again at the top of the next, so the rules cannot tell the rest of
a row from a new one. Each test prints one table several times, pushed down
by a spacer of a different height, so the page break falls at different
places in it; every print must read as the same rows.
"""

from __future__ import annotations

import html
import itertools

import pypdfium2 as pdfium
import pytest
import weasyprint

from jixiao.read.pdf import read_pdf
from jixiao.read.source import Row, Source

STYLE = """
@page { size: A4; margin: 2cm; }
body { font-family: "Noto Sans CJK SC"; font-size: 10.5pt; }
table { border-collapse: separate; border-spacing: 0; width: 100%; }
td, th { border: 0.75pt solid black; padding: 2pt 3pt; font-weight: normal; vertical-align: ALIGN; }
"""

TRAINING = (
    "组织全县职工开展技能培训与岗位练兵活动，覆盖制造、建筑、服务等十二个行业，"
    "累计培训一千二百人次，其中新录用职工三百人次，农民工四百人次；"
    "举办县级职业技能竞赛六场，带动企业自办竞赛四十余场，参赛职工两千余人，"
    "评选技术能手三十名，推荐参加市级竞赛十二人。"
)
SECURITY = "解决在职职工各项社会保险费、离退休人员经费等经济保障，让职工无后顾之忧。"


def render(body: str, align: str = "top", style: str = "") -> bytes:
    css = STYLE.replace("ALIGN", align) + style
    page = f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=page).write_pdf()
    return data


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append("".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def table(rows: list[list[str]], head: str = "") -> str:
    body = "".join("<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in row) + "</tr>" for row in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def table_rows(source: Source) -> list[Row]:
    return [row for row in source.rows if row.table]


def split_across(texts: list[str], text: str) -> bool:
    """Whether ``text`` starts on one page and ends on the next (the break cut the cell holding it)."""
    head, tail = text[:6], text[-6:]
    return any(head in before and tail not in before and tail in after for before, after in itertools.pairwise(texts))


INDICATORS = [
    ["序号", "二级指标", "三级指标", "分值"],
    ["1", "数量指标", TRAINING, "20"],
    ["2", "质量指标", "培训合格率不低于百分之九十五", "20"],
]


@pytest.mark.parametrize("align", ["top", "middle"])
def test_a_row_cut_by_the_page_break_is_read_as_one_row(align: str) -> None:
    """The first part of the cut row keeps the row's page; the rest of each cell follows its start."""
    cut = 0
    for spacer in range(500, 700, 12):
        data = render(f"<div style='height:{spacer}pt'></div>" + table(INDICATORS), align)
        texts = page_texts(data)
        rows = table_rows(read_pdf(data, "cut.pdf"))
        assert [row.texts for row in rows] == INDICATORS, spacer
        if split_across(texts, TRAINING):
            cut += 1
            assert rows[1].page == 1
            assert [cell.col for cell in rows[1].cells] == [0, 1, 2, 3]
    assert cut >= 2  # the break did cut the row, at more than one place


SECURITY_ROWS = [
    ["序号", "二级指标", "三级指标", "实际完成值", "分值"],
    ["1", "社会效益指标", SECURITY, "效果明显", "10"],
    ["2", "满意度指标", "职工满意度", "100%", "10"],
]


def test_cells_of_a_cut_row_on_either_page_are_one_row() -> None:
    """Cells centred in a tall row: the short ones stay at the foot of the page, the tall one goes on
    to the next, wholly, so the two parts fill different columns."""
    apart = 0
    for spacer in range(640, 700, 6):
        data = render(f"<div style='height:{spacer}pt'></div>" + table(SECURITY_ROWS), "middle")
        texts = page_texts(data)
        rows = table_rows(read_pdf(data, "apart.pdf"))
        assert [row.texts for row in rows] == SECURITY_ROWS, spacer
        if len(texts) == 2 and "效果明显" in texts[0] and SECURITY[:8] in texts[1]:
            apart += 1
            assert rows[1].page == 1
    assert apart >= 1


def test_the_rest_of_a_cut_row_after_a_repeated_header() -> None:
    head = "<thead><tr>" + "".join(f"<th>{text}</th>" for text in INDICATORS[0]) + "</tr></thead>"
    cut = 0
    for spacer in range(500, 700, 12):
        data = render(f"<div style='height:{spacer}pt'></div>" + table(INDICATORS[1:], head))
        texts = page_texts(data)
        rows = table_rows(read_pdf(data, "header.pdf"))
        assert [row.texts for row in rows] == INDICATORS, spacer
        if split_across(texts, TRAINING):
            cut += 1
            assert texts[1].startswith("".join(INDICATORS[0]))  # the header was repeated above the rest
    assert cut >= 1


# ---- near misses: a new row at the top of the page whose first cells are empty by design ---------------------

COLLAPSED = "table { border-collapse: collapse; }"

# Level-1 and level-2 cells left blank under the row that names them (as a text dump shows a merged cell);
# every row's third-level name fills its two lines to the end, as a wrapped line does.
FILLED = "职工技能培训合格率达标"  # with the column's width below, just two full lines
BLANK_LEVELS = [["一级指标", "二级指标", "三级指标", "年度指标值", "分值", "得分"]] + [
    ["产出指标" if i == 0 else "", "数量指标" if i % 5 == 0 else "", f"{FILLED}{i:02d}", f"≥{i}0户", "5", "5"]
    for i in range(40)
]


def test_a_new_row_with_blank_first_cells_is_not_joined_to_the_last() -> None:
    style = "td:nth-child(3) { width: 66pt; } tr { break-inside: avoid; }"
    for spacer in (0, 37, 81):
        data = render(f"<div style='height:{spacer}pt'></div>" + table(BLANK_LEVELS), style=style)
        rows = table_rows(read_pdf(data, "blank.pdf"))
        assert [row.texts for row in rows] == BLANK_LEVELS, spacer
        assert (rows[-1].page or 0) >= 2  # page breaks fell between rows


def test_a_merged_level_1_cell_going_on_past_the_break_is_not_joined() -> None:
    """Collapsed borders: the merged cell is drawn on both pages, open at the break; the rows are not."""
    names = [f"帮扶困难职工家庭第{i:02d}批次" for i in range(45)]
    body = "".join(
        f"<tr>{'<td rowspan=45>产出指标（50分）</td>' if i == 0 else ''}<td>{name}</td><td>≥{i}户</td><td>2</td></tr>"
        for i, name in enumerate(names)
    )
    for spacer in (0, 23, 51):
        data = render(f"<div style='height:{spacer}pt'></div><table>{body}</table>", style=COLLAPSED)
        rows = table_rows(read_pdf(data, "merged.pdf"))
        expected = [["产出指标（50分）", name, f"≥{i}户", "2"] for i, name in enumerate(names)]
        assert [row.texts for row in rows] == expected, spacer
        assert {row.page for row in rows} == {1, 2}
        assert [cell.inherited for cell in rows[0].cells] == [False] * 4
        assert all(row.cells[0].inherited for row in rows[1:])
