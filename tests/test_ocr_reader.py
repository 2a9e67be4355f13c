"""OCR readers: images and scanned or garbled PDF pages read by RapidOCR into the same rows as a text PDF.

The pictures are made in the test: invented forms of 青禾县总工会 rendered by
WeasyPrint and rasterised by pypdfium2 at 200 dpi. OCR costs seconds a page,
so there are few of them and the pages are small (A5). They run wherever the
``jixiao[ocr]`` extra is installed; the missing-extra message is tested by
hiding the module.
"""

from __future__ import annotations

import base64
import io
import sys
from typing import Any

import pypdfium2 as pdfium
import pytest
import weasyprint

from jixiao.read import ocr as ocr_module
from jixiao.read.guard import guarded_read
from jixiao.read.layout import Box
from jixiao.read.ocr import OCR_DPI, engine, grey_levels, read_image, skew_angle
from jixiao.read.pdf import read_pdf
from jixiao.read.source import ReadError, Row, Source

pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra (jixiao[ocr]) is not installed")

STYLE = """
@page { size: A5; margin: 1.2cm; }
body { font-family: "Noto Sans CJK SC"; font-size: 11pt; }
table { border-collapse: collapse; width: 100%; }
td { border: 1pt solid black; padding: 3pt; }
table.plain td { border: none; padding: 2pt 36pt 2pt 0; }
table.plain { width: auto; }
"""
FORM = """
<p>项目支出绩效自评表</p>
<table>
<tr><td colspan="2">项目名称</td><td colspan="3">职工书屋建设</td></tr>
<tr><td rowspan="3">项目资金</td><td>资金来源</td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td></tr>
<tr><td>年度资金总额</td><td>20.00</td><td>20.00</td><td>18.00</td></tr>
<tr><td>财政拨款</td><td>20.00</td><td>20.00</td><td>18.00</td></tr>
</table>
"""
FORM_ROWS = [
    [("项目名称", False), ("项目名称", True), ("职工书屋建设", False), ("职工书屋建设", True), ("职工书屋建设", True)],
    [("项目资金", False), ("资金来源", False), ("年初预算数", False), ("全年预算数", False), ("全年执行数", False)],
    [("项目资金", True), ("年度资金总额", False), ("20.00", False), ("20.00", False), ("18.00", False)],
    [("项目资金", True), ("财政拨款", False), ("20.00", False), ("20.00", False), ("18.00", False)],
]
LIST = """
<p>已完成项目如下</p>
<table class="plain">
<tr><td>职工书屋</td><td>12.50</td><td>已完成</td></tr>
<tr><td>技能竞赛</td><td>8.00</td><td>已完成</td></tr>
</table>
"""


def render(body: str) -> bytes:
    page = f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=page).write_pdf()
    return data


def rasterise(pdf: bytes) -> bytes:
    """The first page as a PNG at the OCR resolution."""
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(OCR_DPI, OCR_DPI))
    return buffer.getvalue()


def cells(row: Row) -> list[tuple[str, bool]]:
    return [(cell.text, cell.inherited) for cell in row.cells]


@pytest.fixture(scope="module")
def form_png() -> bytes:
    return rasterise(render(FORM))


@pytest.fixture(scope="module")
def scanned_pdf() -> bytes:
    """Page 1 a bare scan of the form; page 2 a scan of a list under a text layer of CJK radicals."""
    form_image = base64.b64encode(rasterise(render(FORM))).decode()
    list_image = base64.b64encode(rasterise(render(LIST))).decode()
    garbage = "⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊⺋⺌⺍⺎⺏⺐⺑⺒⺓⺔" * 3
    full = "position:absolute; left:0; top:0; width:148mm; height:210mm"
    body = (
        f"<div style='position:relative; height:200mm; page-break-after:always'>"
        f"<img style='{full}' src='data:image/png;base64,{form_image}'></div>"
        f"<div style='position:relative; height:200mm'>"
        f"<img style='{full}' src='data:image/png;base64,{list_image}'>"
        f"<p style='position:absolute; left:20mm; top:20mm; color:rgba(0,0,0,0)'>{garbage}</p></div>"
    )
    style = "@page { size: A5; margin: 0 } body { margin: 0 }"
    page = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=page).write_pdf()
    assert len(pdfium.PdfDocument(data)) == 2
    return data


@pytest.fixture(scope="module")
def scanned(scanned_pdf: bytes) -> Source:
    return read_pdf(scanned_pdf, "scanned.pdf")


def test_one_engine_per_process() -> None:
    assert engine() is engine()


def test_image_table_cells_and_merges_from_ruling_lines(form_png: bytes) -> None:
    source = read_image(form_png, "form.png")
    assert source.format == "image"
    assert source.notes == ["图片文件，已用文字识别（OCR）读取，请核对识别出的文字和数字"]
    assert source.lines[0] == "项目支出绩效自评表"
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS
    assert all(row.page == 1 for row in source.rows)


def turned(png: bytes, degrees: float) -> bytes:
    """The picture as a page fed askew into a scanner: turned counter-clockwise, the uncovered corners white."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("L").rotate(degrees, resample=Image.BICUBIC, fillcolor=255)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", dpi=(OCR_DPI, OCR_DPI))
    return buffer.getvalue()


def grey(png: bytes) -> Any:
    import numpy
    from PIL import Image

    return numpy.asarray(Image.open(io.BytesIO(png)).convert("L"))


@pytest.mark.parametrize("degrees", [0.4, 1.5, -2.5])
def test_skew_is_measured_on_the_rules(form_png: bytes, degrees: float) -> None:
    assert skew_angle(grey(turned(form_png, degrees))) == pytest.approx(-degrees, abs=0.05)


def test_level_ruleless_and_turned_pages_are_not_deskewed(form_png: bytes) -> None:
    assert skew_angle(grey(form_png)) == 0.0
    assert skew_angle(grey(rasterise(render(LIST)))) == 0.0  # no rules: nothing to measure by
    assert skew_angle(grey(turned(form_png, 8))) == 0.0  # turned on purpose, not fed askew


def test_a_scan_fed_askew_reads_like_a_straight_one(form_png: bytes) -> None:
    """Askew by 1.5°, a table's rules cross several point rows: unlevelled, its cells no longer line up."""
    source = read_image(turned(form_png, 1.5), "askew.png")
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS


def sealed(png: bytes) -> bytes:
    """The picture in colour with a red seal pressed over the funds rows (ink over print: multiplied)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    page = Image.open(io.BytesIO(png)).convert("RGB")
    seal = Image.new("RGB", page.size, (255, 255, 255))
    width, height = page.size
    centre_x, centre_y, radius = width // 2, height // 4, width // 8
    draw = ImageDraw.Draw(seal)
    draw.ellipse((centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
                 outline=(215, 40, 50), width=max(4, radius // 14))  # fmt: skip
    draw.regular_polygon((centre_x, centre_y, radius // 4), 5, fill=(215, 40, 50))
    picture = ImageChops.multiply(page, seal.filter(ImageFilter.GaussianBlur(1.2)))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", dpi=(OCR_DPI, OCR_DPI))
    return buffer.getvalue()


def test_a_red_seal_is_erased_and_the_print_under_it_kept() -> None:
    import numpy

    page = numpy.full((40, 40, 3), 255, dtype=numpy.uint8)
    page[:, 10:30] = (215, 40, 50)  # the seal's red
    page[18:22, :] = (20, 15, 15)  # a rule of black print running under it
    grey = grey_levels(page)
    assert grey[5, 20] == 255 and grey[35, 15] == 255  # the seal is gone, its edge too
    assert grey[20, 20] < 60 and grey[20, 2] < 60  # the print stays, under the seal and beside it
    assert grey[5, 2] == 255
    plain = numpy.full((4, 4), 200, dtype=numpy.uint8)
    assert grey_levels(plain) is plain  # grey already: nothing to erase
    blue = numpy.zeros((4, 4, 3), dtype=numpy.uint8)
    blue[:, :] = (30, 60, 200)  # blue ink (a signature) is print, not a seal
    assert (grey_levels(blue) < 100).all()


def test_a_sealed_scan_reads_like_a_clean_one(form_png: bytes) -> None:
    source = read_image(sealed(form_png), "sealed.png")
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS


def test_a_sealed_scan_in_a_pdf_is_read_in_colour(form_png: bytes) -> None:
    """A scanned PDF's page is rendered in colour for OCR, so its seal is told from the print too."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(sealed(form_png))).save(buffer, "PDF", resolution=OCR_DPI)
    source = read_pdf(buffer.getvalue(), "sealed.pdf")
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS


def test_a_screenshot_with_large_text_keeps_its_characters_whole() -> None:
    """A phone screenshot of a form (1 080 pixels wide) shows its text large: a character's strokes outrun a
    rule's length in points and must not be taken for rules (and painted out)."""
    style = STYLE.replace("font-size: 11pt", "font-size: 20pt").replace("size: A5", "size: 148mm 260mm")
    page = f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{FORM}</body></html>"
    pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    picture = pdfium.PdfDocument(pdf)[0].render(scale=1080 / (148 / 25.4 * 72)).to_pil()
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    source = read_image(buffer.getvalue(), "screenshot.png")
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS


def test_gaps_in_the_rules_are_bridged(form_png: bytes) -> None:
    """A faint scan (or a seal erased across a rule) leaves gaps of a few points in the rules."""
    import numpy
    from PIL import Image

    page = numpy.asarray(Image.open(io.BytesIO(form_png)).convert("L")).copy()
    rules = (page < 128).mean(axis=1) > 0.5  # the pixel rows of the horizontal rules
    height, width = page.shape
    gap = round(8 * min(height, width) / 595)  # 8 points, as the reader scales an image (short side = A4's)
    for left in range(width // 10, width, width // 10):
        page[rules, left : left + gap] = 255
    buffer = io.BytesIO()
    Image.fromarray(page).save(buffer, "PNG", dpi=(OCR_DPI, OCR_DPI))
    source = read_image(buffer.getvalue(), "faint.png")
    assert [cells(row) for row in source.rows if row.table] == FORM_ROWS


def test_scanned_and_garbled_pages_are_read_by_ocr(scanned: Source) -> None:
    assert scanned.format == "pdf"
    assert scanned.notes == [
        "第 1 页为扫描页，已用文字识别（OCR）读取，请核对识别出的文字和数字",
        "第 2 页的文字层无法识别（乱码），已改用文字识别（OCR）读取",
    ]
    assert [cells(row) for row in scanned.rows if row.table and row.page == 1] == FORM_ROWS
    assert not any("⺁" in line for line in scanned.lines)


def test_the_deadline_grows_with_the_pages_sent_to_ocr(scanned_pdf: bytes, scanned: Source) -> None:
    """Two OCR'd pages take seconds: far past a 1 s deadline, which the reader extends per page."""
    source = guarded_read(read_pdf, scanned_pdf, "scanned.pdf", timeout=1, isolate=True)
    assert source.lines == scanned.lines


def test_unruled_rows_from_box_geometry(scanned: Source) -> None:
    page_two = [row for row in scanned.rows if row.page == 2]
    assert [(row.table, row.texts) for row in page_two] == [
        (False, ["已完成项目如下"]),
        (True, ["职工书屋", "12.50", "已完成"]),
        (True, ["技能竞赛", "8.00", "已完成"]),
    ]


def test_a_box_found_twice_is_read_once() -> None:
    line = Box(104, 266, 497, 277, "春节慰问省部级劳模23人")
    echo = Box(102, 263, 108, 277, "春")  # a sliver over the line's first character
    neighbour = Box(500, 266, 520, 277, "春")  # the same character beside the line, not over it
    assert ocr_module._without_echoes([echo, line, neighbour]) == [line, neighbour]


def test_missing_ocr_extra_is_a_read_error(form_png: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import now raises ImportError
    monkeypatch.setattr(ocr_module, "_engine", None)
    with pytest.raises(ReadError, match=r"需要文字识别（OCR）.*jixiao\[ocr\]"):
        read_image(form_png, "form.png")
    scan = io.BytesIO()
    from PIL import Image

    Image.open(io.BytesIO(form_png)).save(scan, "PDF", resolution=OCR_DPI)
    with pytest.raises(ReadError, match=r"jixiao\[ocr\]"):
        read_pdf(scan.getvalue(), "scan.pdf")


def test_damaged_and_blank_images_are_read_errors(form_png: bytes) -> None:
    with pytest.raises(ReadError, match="图片已损坏"):
        read_image(form_png[: len(form_png) // 2], "cut.png")
    from PIL import Image

    blank = io.BytesIO()
    Image.new("L", (400, 300), 255).save(blank, "PNG")
    with pytest.raises(ReadError, match="图片中没有识别出任何文字"):
        read_image(blank.getvalue(), "blank.png")
