"""Scanned pages and images (PNG/JPEG/TIFF) into a ``Source``, by OCR.

Text comes from RapidOCR (``rapidocr_onnxruntime``, the ``jixiao[ocr]`` extra;
its Chinese models ship inside the wheel, nothing is downloaded). One engine
is built per process, on first use, because building it takes seconds.

A page image is prepared in two steps. It is read in grey with red seals
(公章) erased: a seal pressed over a table would otherwise read as strokes
and rules through it (print under a seal stays, being darker than the
seal's red). It is turned level when the scan is askew: the long straight
rules of a form show by how much (a page fed a degree or two off square
draws a table's rules across several point rows, and its cells would no
longer line up).

It is then read in two passes. OpenCV morphology finds the table rules (long
thin runs of dark pixels, horizontal and vertical, short gaps in them
closed); they become the same ruling segments a PDF draws, so
``read/layout.py`` rebuilds cells and merges exactly as for a text PDF. The
rules are then painted out so the text detector does not read them as
strokes. OCR text boxes fill the cells; tables without rules fall back to
box geometry (lines of far-apart pieces on common columns), paragraphs to
wrapped-line joining, as in the PDF reader.

Coordinates are converted to points (72 per inch): a rendered PDF page at
its known DPI, an image as if its short side were an A4 page's short side,
so the layout tolerances in points hold for both.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jixiao.read.layout import SNAP, Box, Grid, Page, Rule, assemble, build_page, cell_of, crosses_cells, find_grids
from jixiao.read.source import ReadError, Source

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Gray = npt.NDArray[np.uint8]

__all__ = [
    "MAX_IMAGE_PAGES",
    "MAX_PIXELS",
    "OCR_DPI",
    "OCR_PAGE_SECONDS",
    "engine",
    "grey_levels",
    "ocr_page",
    "read_image",
    "skew_angle",
]

OCR_DPI = 200
OCR_PAGE_SECONDS = 30.0  # more time the guard grants per page sent to OCR (~5 s a page idle, 3× that under load)
MAX_PIXELS = 60_000_000  # one page image; an A4 page at 600 dpi is 35 MP
MAX_SIDE = 3600  # longer images are scaled down first: OCR gains nothing past ~300 dpi
MAX_IMAGE_PAGES = 50  # frames of a TIFF; OCR takes seconds per page
_A4_SHORT = 595.0  # points

_MISSING = (
    "图片和扫描件需要文字识别（OCR）才能读取，但未安装文字识别组件：请安装 jixiao[ocr]（pip install 'jixiao[ocr]'）"
)

_engine: Any = None
_engine_lock = threading.Lock()


def engine() -> Any:
    """The process's OCR engine, built on first use; :class:`ReadError` when the ocr extra is missing."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as error:
                raise ReadError(_MISSING) from error
            # Without dilation the detector keeps a cell's first line apart from a rule just above it.
            _engine = RapidOCR(det_donot_use_dilation=True)
        return _engine


def _modules() -> tuple[Any, Any]:
    try:
        import cv2
        import numpy
    except ImportError as error:
        raise ReadError(_MISSING) from error
    return cv2, numpy


_ACROSS = 16.0  # points: a horizontal rule is longer than any glyph stroke of body text…
_DOWN = 14.0  # …and a vertical one too, yet shorter than the lowest table row
_BRIDGE = 12.0  # points: a gap this short in a rule (a seal erased across it, a faint scan) is closed
_GLYPHS_ACROSS = 1.6  # a rule is also longer than this many character heights…
_GLYPHS_DOWN = 1.3  # …and a vertical one than this many (a table row is taller than its text)
_Segment = tuple[int, int, int, int]


def _glyph_height(ink: Gray) -> int:
    """The height in pixels of the page's characters (the 80th percentile of its small ink blobs), 0 if none.

    A screenshot of a form shows its text larger than a scan does: a
    character's strokes then outrun the rule lengths set in points, so the
    rules must also be longer than a character or two.
    """
    cv2, numpy = _modules()
    height, width = ink.shape
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0
    sizes = stats[1:, 2:4]
    blobs = sizes[(sizes[:, 1] >= 6) & (sizes[:, 1] <= height / 8) & (sizes[:, 0] <= width / 8)]
    return int(numpy.percentile(blobs[:, 1], 80)) if len(blobs) >= 10 else 0


def _candidates(image: Gray, pixels: float) -> tuple[list[_Segment], list[_Segment], Gray, Gray]:
    """Long thin runs of ink, horizontal and vertical, as pixel boxes and masks (``pixels`` per point)."""
    cv2, _ = _modules()
    ink = cv2.adaptiveThreshold(255 - image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    glyph = _glyph_height(ink)
    across = max(10, round(_ACROSS * pixels), round(_GLYPHS_ACROSS * glyph))
    down = max(10, round(_DOWN * pixels), round(_GLYPHS_DOWN * glyph))
    bridge = max(3, round(_BRIDGE * pixels))
    flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1)))
    flat = cv2.morphologyEx(flat, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 3)))
    tall = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, down)))
    tall = cv2.morphologyEx(tall, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, bridge)))
    found: list[list[_Segment]] = []
    for mask in (flat, tall):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        found.append([
            (int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in (stats[index][:4] for index in range(1, count))
        ])  # fmt: skip
    return found[0], found[1], flat, tall


_MAX_SKEW = 5.0  # degrees: a page fed askew into a scanner; more is a page turned on purpose, left as it is
_MIN_SKEW = 0.1  # degrees: less moves a rule across the page by under a point, which the grid's snapping absorbs


_SEAL_RED = 60  # a seal's pixel: its red channel this far above the green and blue ones…
_SEAL_LIGHT = 120  # …and itself this bright; JPEG's colour fringes around black print are neither
_PRINT = 120  # under a seal, a red channel darker than this is print (black or blue) and stays


def grey_levels(image: Any) -> Gray:
    """Grey levels for OCR from a grey (H×W) or RGB (H×W×3) page image; in an RGB one, red seals are erased.

    A seal's red pixels, and the blurred ones around them, turn white: a faint
    ring left behind would still read as strokes and rules. Print under a seal
    stays, being dark (seal ink over black toner is black, not red).
    """
    cv2, numpy = _modules()
    if image.ndim == 2:
        grey: Gray = image
        return grey
    colour = numpy.ascontiguousarray(image[:, :, :3])
    levels: Gray = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY)
    red = colour[:, :, 0].astype(numpy.int16)
    rest = numpy.maximum(colour[:, :, 1], colour[:, :, 2]).astype(numpy.int16)
    seal = ((red - rest > _SEAL_RED) & (red > _SEAL_LIGHT)).astype(numpy.uint8)
    if seal.any():
        seal = cv2.dilate(seal, numpy.ones((3, 3), numpy.uint8))
        levels[(seal > 0) & (red > _PRINT)] = 255
    return levels


def skew_angle(image: Gray) -> float:
    """The angle in degrees (counter-clockwise) that levels the page's long straight rules; 0.0 without any.

    A rule drawn askew survives a one-pixel-high opening as a staircase of
    short runs, which 8-connectivity chains into one component; a component
    a quarter of the page wide is a rule, and a line fitted through its
    pixels gives its slope. The median over the rules, weighted by length,
    is the page's skew.
    """
    cv2, numpy = _modules()
    width = image.shape[1]
    ink = cv2.adaptiveThreshold(255 - image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    ink = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))  # a hairline's steps then touch
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(10, width // 80), 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    slopes: list[tuple[float, int]] = []
    for index in range(1, count):
        x, y, w, h = (int(value) for value in stats[index][:4])
        if w < width / 4 or h > w * 0.1:
            continue
        ys, xs = numpy.nonzero(labels[y : y + h, x : x + w] == index)
        slopes.append((float(numpy.polyfit(xs, ys, 1)[0]), w))
    if not slopes:
        return 0.0
    slopes.sort()
    half, seen = sum(w for _, w in slopes) / 2, 0
    for slope, w in slopes:
        seen += w
        if seen >= half:
            angle = math.degrees(math.atan(slope))
            return angle if _MIN_SKEW <= abs(angle) <= _MAX_SKEW else 0.0
    return 0.0


def _levelled(image: Gray) -> Gray:
    """The page turned level (see :func:`skew_angle`), the corners it uncovers white."""
    angle = skew_angle(image)
    if not angle:
        return image
    cv2, _ = _modules()
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    levelled: Gray = cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return levelled


def _on_grid(segment: _Segment, horizontal: bool, grids: list[Grid], scale: float) -> bool:
    """Whether a pixel segment lies on one of the grids' lines (glyph strokes in the cells do not)."""
    x0, y0, x1, y1 = (value * scale for value in segment)
    middle = (y0 + y1) / 2 if horizontal else (x0 + x1) / 2
    for grid in grids:
        lines = grid.ys if horizontal else grid.xs
        inside = (grid.xs[0] - SNAP <= x0 and x1 <= grid.xs[-1] + SNAP and grid.ys[0] - SNAP <= y0
                  and y1 <= grid.ys[-1] + SNAP)  # fmt: skip
        if inside and any(abs(line - middle) <= SNAP for line in lines):
            return True
    return False


def _table_rules(image: Gray, scale: float) -> tuple[list[Grid], Gray]:
    """The ruled tables of a page image and a copy of the image with their rules painted white.

    The rules go before OCR so the text detector neither reads them as
    strokes nor runs one box across a border; only the rules of a grid are
    erased, never an isolated long stroke of a large glyph.
    """
    cv2, numpy = _modules()
    flat, tall, flat_mask, tall_mask = _candidates(image, 1 / scale)
    # A rule's ink runs half a line's width past the middle of the rule it meets: it ends at that middle.
    rules = [
        Rule((x0 + (y1 - y0) / 2) * scale, (y0 + y1) / 2 * scale, (x1 - (y1 - y0) / 2) * scale, (y0 + y1) / 2 * scale)
        for x0, y0, x1, y1 in flat
    ]
    rules += [
        Rule((x0 + x1) / 2 * scale, (y0 + (x1 - x0) / 2) * scale, (x0 + x1) / 2 * scale, (y1 - (x1 - x0) / 2) * scale)
        for x0, y0, x1, y1 in tall
    ]
    grids, _ = find_grids(rules)
    cleaned = image.copy()
    if grids:
        erase = numpy.zeros_like(image)
        for segments, mask, horizontal in ((flat, flat_mask, True), (tall, tall_mask, False)):
            for segment in segments:
                if _on_grid(segment, horizontal, grids, scale):
                    x0, y0, x1, y1 = segment
                    erase[y0:y1, x0:x1] |= mask[y0:y1, x0:x1]
        erase = cv2.dilate(erase, numpy.ones((3, 3), numpy.uint8))
        cleaned[erase > 0] = 255
    return grids, cleaned


_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_PAIR = re.compile(r"(\s*)[(（]\s*([^()（）]*?)\s*[)）](\s*)")
_SEPARATOR = re.compile(f"(?<=[{_CJK}])\\s*([,:;])\\s*")
_IS_CJK = re.compile(f"[{_CJK}]")
_OPEN = re.compile(f"\\s*[(]\\s*(?=[{_CJK}])")
_CLOSE = re.compile(f"(?<=[{_CJK}])\\s*[)]")
_FULL = {",": "，", ":": "：", ";": "；"}


def _typeset(text: str) -> str:
    """Punctuation as Chinese text writes it: OCR often reads （ as ( and ， as , next to Chinese characters.

    A bracket pair that holds or touches Chinese becomes full-width, as does a
    lone bracket next to a Chinese character (a cell cut short) and a comma,
    colon or semicolon after one; the spaces OCR puts around them go.
    """

    def pair(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        before = text[start - 1 : start] if start else ""
        after = text[end : end + 1]
        if _IS_CJK.search(match.group(2) + before + after) or match.group(0).strip()[0] == "（":
            return f"（{match.group(2)}）"
        return match.group(0)

    text = _PAIR.sub(pair, text)
    text = _CLOSE.sub("）", _OPEN.sub("（", text))
    return _SEPARATOR.sub(lambda m: _FULL[m.group(1)], text)


def _pieces(entry: Sequence[Any], scale: float, grids: list[Grid]) -> list[Box]:
    """One OCR result as boxes in points; a line that runs over a cell border is cut there by its characters."""
    points, text = entry[0], _typeset(str(entry[1]).strip())
    xs = [float(point[0]) * scale for point in points]
    ys = [float(point[1]) * scale for point in points]
    whole = Box(min(xs), min(ys), max(xs), max(ys), text)
    if not text or not crosses_cells(grids, whole.x0, whole.x1, (whole.top + whole.bottom) / 2) or len(entry) < 5:
        return [whole] if text else []
    pieces: list[Box] = []
    key: tuple[int, int] | None = None
    for char_points, char in zip(entry[3], entry[4], strict=False):
        x0 = min(float(point[0]) for point in char_points) * scale
        x1 = max(float(point[0]) for point in char_points) * scale
        here = cell_of(grids, (x0 + x1) / 2, (whole.top + whole.bottom) / 2)
        if pieces and here == key:
            pieces[-1].x1 = x1
            pieces[-1].text += str(char)
        else:
            pieces.append(Box(x0, whole.top, x1, whole.bottom, str(char)))
            key = here
    for piece in pieces:
        piece.text = _typeset(piece.text.strip())
    return [piece for piece in pieces if piece.text] or [whole]


def _without_echoes(boxes: list[Box]) -> list[Box]:
    """Drop a box the detector found twice: one largely inside a larger one whose text contains its own."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.x1 - b.x0) * (b.bottom - b.top), reverse=True):
        area = max((box.x1 - box.x0) * (box.bottom - box.top), 1e-6)
        if not any(
            box.text in other.text
            and max(0.0, min(box.x1, other.x1) - max(box.x0, other.x0))
            * max(0.0, min(box.bottom, other.bottom) - max(box.top, other.top))
            >= 0.4 * area
            for other in kept
        ):
            kept.append(box)
    return kept


def ocr_page(image: Any, number: int, points_per_pixel: float) -> Page:
    """One page image, grey or RGB (see :func:`grey_levels`), into a page of blocks (coordinates in points)."""
    scale = points_per_pixel
    image = _levelled(grey_levels(image))
    grids, cleaned = _table_rules(image, scale)
    result, _ = engine()(cleaned, return_word_box=True)
    boxes = _without_echoes([box for entry in result or [] for box in _pieces(entry, scale, grids)])
    height, width = image.shape
    return build_page(number, width * scale, height * scale, boxes, grids)


def _complete(data: bytes) -> bool:
    """Whether a PNG or JPEG has its end marker: a cut file decodes without error, its rest blank or grey."""
    if data.startswith(b"\x89PNG"):
        return b"IEND" in data[-64:]
    if data.startswith(b"\xff\xd8"):
        return b"\xff\xd9" in data[-4096:]
    return True


def _frames(data: bytes) -> list[Gray]:
    """The pages of an image file as grey arrays; bombs, damage and too many frames are refused."""
    _, numpy = _modules()
    if not _complete(data):
        raise ReadError("图片已损坏：文件不完整（可能被截断）")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            frames: list[Gray] = []
            for index, frame in enumerate(ImageSequence.Iterator(picture)):
                if index >= MAX_IMAGE_PAGES:
                    raise ReadError(f"图片页数过多（超过 {MAX_IMAGE_PAGES} 页），文字识别太慢：请拆分后分别读取")
                width, height = frame.size
                if width * height > MAX_PIXELS:
                    raise ReadError(f"图片过大（{width}×{height} 像素），超过读取上限")
                colour = frame.convert("RGB")
                if max(width, height) > MAX_SIDE:
                    ratio = MAX_SIDE / max(width, height)
                    colour = colour.resize((max(1, round(width * ratio)), max(1, round(height * ratio))))
                frames.append(grey_levels(numpy.asarray(colour, dtype=numpy.uint8)).copy())
    except ReadError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ReadError(f"图片已损坏或格式不受支持，无法读取：{error}") from error
    return frames


def read_image(data: bytes, path: str) -> Source:
    """An image file (one page, or a multi-page TIFF) read by OCR; see the module doc."""
    from jixiao.read.guard import allow_more_time

    engine()
    pages = []
    frames = _frames(data)
    allow_more_time(len(frames) * OCR_PAGE_SECONDS)  # a TIFF of many pages is not cut off by the base deadline
    for number, frame in enumerate(frames, start=1):
        height, width = frame.shape
        pages.append(ocr_page(frame, number, _A4_SHORT / max(1, min(width, height))))
    if not any(page.blocks for page in pages):
        raise ReadError("图片中没有识别出任何文字")
    return assemble(path, pages, "image", ["图片文件，已用文字识别（OCR）读取，请核对识别出的文字和数字"])
