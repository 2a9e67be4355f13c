"""Paragraphs of a left-aligned PDF (a page printed from HTML): where a line wraps and where one ends.

A ragged right edge does not tell a wrapped line from a paragraph's last
one: a line breaker moves a word to the next line only when it does not fit,
so a line ends short before a long number, or before a word that a
quotation mark binds to its neighbours. And paragraphs set apart by spacing
stand further apart than the document's wrapped lines. Each page is 20
characters wide (12 pt type, 240 pt of text), so where each line breaks is
known.
"""

from __future__ import annotations

import weasyprint

from jixiao.read.pdf import read_pdf

STYLE = """
@page { size: 260pt 800pt; margin: 10pt; }
body { font-family: "Noto Sans CJK SC"; font-size: 12pt; margin: 0; }
p { margin: 0 0 1em 0; text-align: left; }
"""
# Two full lines and a short one: a paragraph of the document around the one a test is about.
FILL = "组织开展职工技能培训与岗位练兵活动覆盖制造建筑服务等十二个行业累计培训一千二百人次其中新录用职工三百人次。"
NINETEEN = "年度财政预算我单位预算调整数与决算数"  # 18 characters
FULL = "年度财政预算我单位预算调整数与决算数均。"  # 20 characters: a full line


def paragraphs(*texts: str, style: str = "") -> list[str]:
    body = "".join(f"<p>{text}</p>" for text in (FILL, FILL, *texts, FILL))
    page = f"<html><head><meta charset='utf-8'><style>{STYLE}{style}</style></head><body>{body}</body></html>"
    source = read_pdf(weasyprint.HTML(string=page).write_pdf(), "paragraphs.pdf")
    assert not any(row.table for row in source.rows)
    return [row.cells[0].text.replace(" ", "") for row in source.rows]


def test_a_line_ended_short_by_a_long_number_wraps_onto_the_next() -> None:
    text = f"{NINETEEN[:17]}为39190.4625万元，实际支出资金3919.46万元，预算执行率百分之九十六。"  # room for 3
    assert paragraphs(text) == [FILL, FILL, text, FILL]


def test_a_word_a_quotation_mark_binds_wraps_as_one() -> None:
    """在“两 cannot be broken (UAX #14 QU), and the line had room for 在 alone."""
    text = f"{NINETEEN}在“两节”期间走访慰问困难职工家庭一千五百户，发放慰问金。"
    assert paragraphs(text) == [FILL, FILL, text, FILL]


def test_a_list_marker_that_did_not_fit_wraps_in_a_document_without_indents() -> None:
    text = f"存在问题：{NINETEEN[:14]}，（2）内部管理制度不完善，信息采集公开制度不够完善。"
    assert paragraphs(text) == [FILL, FILL, text, FILL]


def test_paragraph_spacing_sets_apart_a_line_that_reached_the_margin() -> None:
    """The first paragraph's one line is full; the spacing after it tells that the next line starts anew."""
    for spacing in ("1em", "0.5em"):
        assert paragraphs(FULL, "3919.46万元为决算数。", style=f"p {{ margin-bottom: {spacing} }}") == [
            FILL,
            FILL,
            FULL,
            "3919.46万元为决算数。",
            FILL,
        ]


# ---- near misses ----------------------------------------------------------------------------------------------


def test_a_short_last_line_ends_the_paragraph_before_a_number() -> None:
    """Room to spare for the next line's first word: a new paragraph, spacing or not."""
    for style in ("", "p { margin: 0; }"):
        assert paragraphs("决算数如下。", "3919.46万元为决算数。", style=style) == [
            FILL,
            FILL,
            "决算数如下。",
            "3919.46万元为决算数。",
            FILL,
        ]


def test_list_items_after_a_finished_sentence_stay_apart() -> None:
    first = f"（1）{NINETEEN[:12]}，困难职工档案不完善；"
    assert paragraphs(first, "（2）内部管理制度不完善。", style="p { margin: 0; }") == [
        FILL,
        FILL,
        first,
        "（2）内部管理制度不完善。",
        FILL,
    ]


def test_wrapped_lines_stay_one_paragraph_at_any_line_spacing() -> None:
    """Spaced lines without paragraph spacing: the gap between wrapped lines is the usual one."""
    for style in ("p { margin: 0; line-height: 1.5; }", "p { margin: 0 0 0.5em 0; line-height: 2; }"):
        text = f"{NINETEEN}均3919.46万元。"
        found = paragraphs(text, style=style)
        assert FILL in found and text in found, style
