"""Ruled tables set one right under the other, with no space between them.

A text dump converted to HTML makes a table of each run of tab-separated
lines, and a blank line starts the next; printed, the second table's top
border lies on the first one's bottom border, so their rules touch and form
one drawing. Each table must still be read with its own columns, as the Word
file of the same page gives them; one table whose parts have columns of
their own must stay one table.
"""

from __future__ import annotations

import html

import pytest
import weasyprint

from jixiao.read.pdf import read_pdf
from jixiao.read.source import Row

SEPARATE = "table { border-collapse: separate; border-spacing: 0; }"
COLLAPSED = "table { border-collapse: collapse; }"
STYLE = """
@page { size: A4; margin: 2cm; }
body { font-family: "Noto Sans CJK SC"; font-size: 10.5pt; }
table { width: 100%; margin: 0; }
td { border: 0.75pt solid black; padding: 2pt 3pt; }
"""

FUNDS = [
    ["项目名称", "职工技能培训经费", "主管部门", "县总工会"],
    ["年度资金总额", "36.5", "执行数", "36.5"],
]
INDICATORS = [
    ["产出指标", "数量指标", "培训职工人次", "≥1200", "1260", "20"],
    ["", "质量指标", "培训合格率", "≥95%", "97%", "20"],
]


def render(body: str, model: str) -> bytes:
    page = f"<html><head><meta charset='utf-8'><style>{STYLE}{model}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=page).write_pdf()
    return data


def table(rows: list[list[str]], widths: list[int]) -> str:
    """A table whose columns have the given widths (per cent of the text width)."""
    cells = [
        "".join(f"<td style='width:{w}%'>{html.escape(t)}</td>" for t, w in zip(row, widths, strict=True))
        for row in rows
    ]
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


def table_rows(data: bytes) -> list[Row]:
    return [row for row in read_pdf(data, "stacked.pdf").rows if row.table]


@pytest.mark.parametrize("model", [SEPARATE, COLLAPSED])
def test_tables_touching_are_read_each_with_its_own_columns(model: str) -> None:
    data = render(table(FUNDS, [18, 40, 17, 25]) + table(INDICATORS, [13, 14, 29, 16, 16, 12]), model)
    rows = table_rows(data)
    assert [row.texts for row in rows] == FUNDS + INDICATORS
    assert [len(row.cells) for row in rows] == [4, 4, 6, 6]
    assert not any(cell.inherited for row in rows for cell in row.cells)


def test_each_table_goes_on_over_the_page_break_with_its_own_columns() -> None:
    """The lower table, cut by a page break, is stitched to its own part on the next page."""
    many = [[f"第{i:02d}项", "质量指标", "培训合格率", "≥95%", "97%", "2"] for i in range(60)]
    data = render(table(FUNDS, [18, 40, 17, 25]) + table(many, [13, 14, 29, 16, 16, 12]), SEPARATE)
    rows = table_rows(data)
    assert [row.texts for row in rows] == FUNDS + many
    assert [len(row.cells) for row in rows] == [4] * len(FUNDS) + [6] * len(many)
    assert {row.page for row in rows} == {1, 2}


# ---- near misses: one table whose parts have different columns ------------------------------------------------


@pytest.mark.parametrize("model", [SEPARATE, COLLAPSED])
def test_tables_sharing_a_column_line_stay_one_grid(model: str) -> None:
    """The first column line runs on from one table into the other: one table, as before, its columns
    the union of both (a cell spanning the columns of the other part repeats as inherited)."""
    data = render(table(FUNDS, [18, 40, 17, 25]) + table(INDICATORS, [18, 14, 24, 16, 16, 12]), model)
    rows = table_rows(data)
    assert [len(row.cells) for row in rows] == [len(rows[0].cells)] * 4
    assert len(rows[0].cells) > 6
    assert any(cell.inherited for row in rows for cell in row.cells)


@pytest.mark.parametrize("model", [SEPARATE, COLLAPSED])
def test_a_row_spanning_all_columns_between_parts_keeps_one_table(model: str) -> None:
    """Column lines end above a full-width row and others start below it: one table still."""
    spans = (3, 5, 2, 2)
    funds = "".join(
        "<tr>" + "".join(f"<td colspan={span}>{text}</td>" for text, span in zip(row, spans, strict=True)) + "</tr>"
        for row in FUNDS
    )
    middle = "<tr><td colspan=12>绩效指标</td></tr>"
    indicators = "".join("<tr>" + "".join(f"<td colspan=2>{text}</td>" for text in row) + "</tr>" for row in INDICATORS)
    data = render(f"<table style='table-layout:fixed'>{'<col>' * 12}{funds}{middle}{indicators}</table>", model)
    rows = table_rows(data)
    assert [row.texts[0] for row in rows] == ["项目名称", "年度资金总额", "绩效指标", "产出指标", ""]
    assert len({len(row.cells) for row in rows}) == 1
    assert len(rows[0].cells) > 6
