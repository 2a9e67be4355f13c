"""PDF files into a ``Source``: the text layer where it is sound, OCR where it is not.

Everything is read through pypdfium2, page by page:

* text: every character of the text layer with its box (pdfium's loose
  boxes, so lines of one font line up), in page coordinates turned to
  points from the top left of the page as shown (``/Rotate`` applied).
  Characters are gathered into runs on one line; a run ends at a gap wider
  than a character, at a line change, and at a table cell border, so a cell
  never takes text from its neighbour. Kangxi radicals and compatibility
  ideographs that some producers map in place of ordinary ideographs are
  mapped back (NFKC), and a glyph drawn twice for fake bold is read once;
* rules: the page's path objects (in form XObjects too), their straight
  axis-parallel segments and thin rectangles, with the object and form
  matrices applied. White and invisible shapes are left out.

``read/layout.py`` makes tables, lines and paragraphs of that, drops running
heads and page numbers and stitches tables across pages; its module doc
gives the conventions, the same as ``read/docx.py``'s. ``Source.format`` is
``"pdf"`` and every row has its 1-based ``page``.

pdfium's own text and path objects are used rather than pdfplumber: the same
geometry at a fraction of pdfminer's cost (see the benchmark in the tests).

A page is read by OCR (``read/ocr.py``, at 200 dpi) when its text layer is
garbage (characters with no Unicode mapping, private-use or radical code
points, ``(cid:N)`` runs) or nearly empty while the page shows an image or
many drawn shapes (a scan, or text turned into outlines); the notes name
those pages; before OCR starts, the reader asks the guard for
``OCR_PAGE_SECONDS`` more per page (:func:`jixiao.read.guard.allow_more_time`,
capped by the guard), so a long scan is not cut off by the deadline meant
for a text PDF. Hostile files: a password, more than :data:`MAX_PAGES` pages, a
damaged file pdfium cannot open are :class:`ReadError`; a page with more than
:data:`MAX_OBJECTS` objects or :data:`MAX_CHARS` characters is read only in
part, with a note, so no page can take unbounded time.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from jixiao.read.layout import (
    MAX_THICK,
    Box,
    Cells,
    Grid,
    Page,
    assemble,
    build_page,
    find_grids,
)
from jixiao.read.source import ReadError, Source

__all__ = ["MAX_CHARS", "MAX_OBJECTS", "MAX_OCR_PAGES", "MAX_PAGES", "garbage_share", "read_pdf"]

MAX_PAGES = 500  # a self-evaluation is a few dozen pages
MAX_OCR_PAGES = 60  # OCR takes ~5 s a page on two cores
MAX_OBJECTS = 20_000  # page objects walked for rules (nested ones included); a form page has a few hundred
MAX_CHARS = 60_000  # characters read on one page; a dense page has ~3 000
_MAX_DEPTH = 8  # form XObjects nested deeper are not walked
_GARBAGE = 0.1  # share of bad characters that condemns a page's text layer
_FEW_CHARS = 30  # fewer visible characters than this on a page that shows something: read it by OCR
_IMAGE_COVER = 0.3  # share of the page an image must cover to count as a scan
_OUTLINES = 300  # drawn shapes that are not rules, on a page with almost no text: text as outlines
_MAX_RENDER_PIXELS = 40_000_000

# pdfium is not thread-safe: one document at a time in the process.
_pdfium_lock = threading.Lock()

_CID = re.compile(r"\(cid:\d+\)")


def _compatibility_table() -> dict[int, str]:
    """Kangxi radicals and CJK compatibility ideographs → the unified ideographs they stand for."""
    table: dict[int, str] = {}
    for code in (*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)):
        mapped = unicodedata.normalize("NFKC", chr(code))
        if len(mapped) == 1 and mapped != chr(code):
            table[code] = mapped
    return table


_COMPAT = _compatibility_table()
_COMPAT_CHARS = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_COMPAT)) + "]")


# Code points no sound text layer has in place of Chinese: private use, radicals, controls, U+FFFD.
_BAD = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\u2e80-\u2eff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPACE = re.compile(r"\s+")


def garbage_share(text: str, unmapped: float = 0.0) -> float:
    """Share of a page's visible characters that are garbage, or ``unmapped`` (pdfium's mapping errors) if more."""
    if "(cid:" not in text and _BAD.search(text) is None:  # a sound page, the usual case: one pass over it
        return unmapped if not text or text.isspace() else max(unmapped, 0.0)
    cids = len(_CID.findall(text))
    visible = _SPACE.sub("", _CID.sub("", text)) if cids else _SPACE.sub("", text)
    total = len(visible) + cids
    if not total:
        return unmapped
    return max(unmapped, (len(_BAD.findall(visible)) + cids) / total)


@dataclass(slots=True)
class _Shapes:
    """What a page draws besides text: rules, how much image, how many other shapes, objects seen."""

    rules: list[tuple[float, float, float, float]] = field(default_factory=list)
    image_area: float = 0.0
    shapes: int = 0
    objects: int = 0
    truncated: bool = False
    hidden: set[int] = field(default_factory=set)  # text objects their clip path hides wholly (addresses)


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2, a * b2 + b * d2,
        c * a2 + d * c2, c * b2 + d * d2,
        e * a2 + f * c2 + e2, e * b2 + f * d2 + f2,
    )  # fmt: skip


def _address(pointer: Any) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


class _Handle(ctypes.c_void_p):
    """A pdfium handle as returned: a subclass, so ctypes keeps the object and passes it back unconverted."""


# A page object's or path segment's address made once into a ready pointer argument (``c_void_p.from_param``):
# ctypes passes it as it is, where a ``_Handle`` is converted again at every call. An object is asked three or
# four things, so its getter returns the bare address and the walk makes the argument once.
_Ref = Any
_ref = ctypes.c_void_p.from_param


def _lean(name: str, restype: Any, *, quick: bool = True) -> Any:
    """pypdfium2's binding of a pdfium function again, untyped: handles and buffers go in as they are.

    pypdfium2's typed pointers make and check a Python object per argument,
    per call and per returned handle; a page asks pdfium a few hundred times,
    and that was most of the reader's own time per page. Every argument given
    is a :class:`_Handle`, a pointer made by :data:`_ref`, a ``byref`` buffer or a
    small ``int`` (a C int).
    A ``quick`` function (a lookup taking a microsecond) keeps the GIL: letting
    it go and taking it back cost more than the call itself. Loading and
    closing a page, which take milliseconds, let other threads run.
    """
    prototype = ctypes.PYFUNCTYPE if quick else ctypes.CFUNCTYPE
    function = prototype(restype)(_address(getattr(raw, name)))
    function.argtypes = None  # type: ignore[assignment]  # untyped: arguments passed as given
    return function


_I = ctypes.c_int
# Array types made once: ``c_float * 4`` builds a new type at every evaluation.
_Ints2, _Uints4, _Floats4, _Floats6 = ctypes.c_int * 2, ctypes.c_uint * 4, ctypes.c_float * 4, ctypes.c_float * 6
_count_page_objects = _lean("FPDFPage_CountObjects", _I)
_page_object = _lean("FPDFPage_GetObject", ctypes.c_void_p)
_count_form_objects = _lean("FPDFFormObj_CountObjects", _I)
_form_object = _lean("FPDFFormObj_GetObject", ctypes.c_void_p)
_object_type = _lean("FPDFPageObj_GetType", _I)
_draw_mode = _lean("FPDFPath_GetDrawMode", _I)
_stroke_color = _lean("FPDFPageObj_GetStrokeColor", _I)
_fill_color = _lean("FPDFPageObj_GetFillColor", _I)
_bounds = _lean("FPDFPageObj_GetBounds", _I)
_matrix = _lean("FPDFPageObj_GetMatrix", _I)
_count_segments = _lean("FPDFPath_CountSegments", _I)
_segment = _lean("FPDFPath_GetPathSegment", ctypes.c_void_p)
_segment_point = _lean("FPDFPathSegment_GetPoint", _I)
_segment_type = _lean("FPDFPathSegment_GetType", _I)
_segment_close = _lean("FPDFPathSegment_GetClose", _I)
_char_box = _lean("FPDFText_GetLooseCharBox", _I)
_map_error = _lean("FPDFText_HasUnicodeMapError", _I)
_clip_path = _lean("FPDFPageObj_GetClipPath", _Handle)
_count_clip_paths = _lean("FPDFClipPath_CountPaths", _I)
_count_clip_segments = _lean("FPDFClipPath_CountPathSegments", _I)
_clip_segment = _lean("FPDFClipPath_GetPathSegment", _Handle)
_text_object = _lean("FPDFText_GetTextObject", _Handle)
_load_page = _lean("FPDF_LoadPage", _Handle, quick=False)
_close_page = _lean("FPDF_ClosePage", None, quick=False)
_load_textpage = _lean("FPDFText_LoadPage", _Handle, quick=False)
_close_textpage = _lean("FPDFText_ClosePage", None, quick=False)
_page_box = _lean("FPDF_GetPageBoundingBox", _I)
_page_rotation = _lean("FPDFPage_GetRotation", _I)
_count_chars = _lean("FPDFText_CountChars", _I)
_get_text = _lean("FPDFText_GetText", _I, quick=False)
_get_unicode = _lean("FPDFText_GetUnicode", ctypes.c_uint)


def _form_child(form: _Ref, index: int) -> int | None:
    return _form_object(form, ctypes.c_ulong(index))  # type: ignore[no-any-return]  # an unsigned long index


_FORM, _IMAGE, _PATH, _TEXT = (
    raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_TEXT
)  # fmt: skip
_MOVETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO


class _View:
    """PDF user space → points from the top left of the page as displayed."""

    def __init__(self, page: _Handle) -> None:
        rect = _Floats4()  # FS_RECTF: left, top, right, bottom
        turns = _page_rotation(page)
        if not _page_box(page, ctypes.byref(rect)) or turns < 0:
            raise pdfium.PdfiumError("页面边界或旋转无法读取")
        left, top, right, bottom = rect
        self.left, self.bottom, self.right, self.top = left, bottom, right, top
        self.rotation = turns * 90 % 360
        if self.rotation in (90, 270):
            self.width, self.height = top - bottom, right - left
        else:
            self.width, self.height = right - left, top - bottom

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.rotation == 90:
            return y - self.bottom, x - self.left
        if self.rotation == 180:
            return self.right - x, y - self.bottom
        if self.rotation == 270:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        if not self.rotation:
            if x0 > x1:
                x0, x1 = x1, x0
            if y0 > y1:
                y0, y1 = y1, y0
            return x0 - self.left, self.top - y1, x1 - self.left, self.top - y0
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _floats(buffer: Any) -> memoryview[float]:
    """A ctypes float array as a memoryview: ``tolist()`` reads it whole, cheaper than ctypes items or slices."""
    return memoryview(buffer).cast("B").cast("f")


class _Scratch:
    """Out-parameters for pdfium, one buffer each, passed by reference (pdfium is used under one lock)."""

    def __init__(self) -> None:
        self.ints = _Ints2()
        self.uints = _Uints4()
        self.floats = _Floats6()
        self.bounds = _Floats4()
        self.int_at = tuple(ctypes.byref(self.ints, 4 * k) for k in range(2))
        self.uint_at = tuple(ctypes.byref(self.uints, 4 * k) for k in range(4))
        self.float_at = tuple(ctypes.byref(self.floats, 4 * k) for k in range(6))
        self.bound_at = tuple(ctypes.byref(self.bounds, 4 * k) for k in range(4))
        self.int_view = memoryview(self.ints).cast("B").cast("i")
        self.uint_view = memoryview(self.uints).cast("B").cast("I")
        self.bound_view = _floats(self.bounds)


def _clipped_out(handle: _Ref, clip: _Handle, scratch: _Scratch) -> bool:
    """Whether the object's clip path hides all of it: its bounds lie outside a clip path's bounding box.

    A spreadsheet exported to PDF clips each cell to its rectangle; a merged
    cell a page break cuts is drawn on both pages, and where its text falls
    wholly outside the part on a page (the header row repeated there, or
    above the page), nothing of it shows. Text a clip only cuts (a line
    through the middle of a merged cell at the break) shows, and stays.
    """
    paths = _count_clip_paths(clip)
    if paths <= 0 or not _bounds(handle, *scratch.bound_at):
        return False
    left, bottom, right, top = scratch.bound_view.tolist()
    margin = 0.05 * min(right - left, top - bottom)
    at_x, at_y = scratch.float_at[:2]
    floats = scratch.floats
    for path in range(paths):
        xs: list[float] = []
        ys: list[float] = []
        for index in range(_count_clip_segments(clip, path)):
            _segment_point(_clip_segment(clip, path, index), at_x, at_y)
            xs.append(floats[0])
            ys.append(floats[1])
        if not xs:
            continue
        across = min(right, max(xs)) - max(left, min(xs))
        down = min(top, max(ys)) - max(bottom, min(ys))
        if across <= margin or down <= margin:
            return True
    return False


def _path_rules(
    handle: _Ref, matrix: _Matrix, view: _View, out: _Shapes, paint: tuple[bool, bool], scratch: _Scratch
) -> None:
    """Rules a path draws, walked segment by segment (a path that is not itself one thin line or bar).

    A curve (a rounded box, a chart, a glyph drawn as outlines) draws no
    rule: its segments' kinds are read first, and the first curve ends the
    walk before any point is read.
    """
    segments: list[tuple[_Ref, int]] = []
    for index in range(_count_segments(handle)):
        segment = _ref(_segment(handle, index))
        kind = _segment_type(segment)
        if index and kind == _BEZIERTO:
            out.shapes += 1
            return
        segments.append((segment, kind))
    stroked, filled = paint
    _matrix(handle, scratch.float_at[0])
    a, b, c, d, e, f = _compose(tuple(scratch.floats), matrix)
    at_x, at_y = scratch.float_at[:2]
    floats = scratch.floats
    subpaths: list[list[tuple[float, float]]] = []
    for segment, kind in segments:
        _segment_point(segment, at_x, at_y)
        x, y = floats[:2]
        point = view.point(a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
        if _segment_close(segment):
            subpaths[-1].append(subpaths[-1][0])
    for points in subpaths:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        straight = all(abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5 for p, q in itertools.pairwise(points))
        if not straight:
            out.shapes += 1
            continue
        if filled and not stroked and min(x1 - x0, y1 - y0) <= MAX_THICK:
            out.rules.append((x0, y0, x1, y1))  # a border drawn as a thin filled rectangle
            continue
        for p, q in itertools.pairwise(points):
            out.rules.append((min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])))


def _walk(parent: _Ref, form: bool, matrix: _Matrix, view: _View, out: _Shapes, depth: int, scratch: _Scratch) -> None:
    """Every object of a page (``form`` False) or form XObject; paths give rules, images their area.

    A path that is itself thin (one border line or bar) is taken whole from
    its bounds, unwalked. The loop runs once per object of every page, so the
    out-parameters' addresses and the view are kept in locals.
    """
    count, get = (_count_form_objects, _form_child) if form else (_count_page_objects, _page_object)
    rules = out.rules
    floats = scratch.floats
    read_modes, read_colour, read_bounds = scratch.int_view.tolist, scratch.uint_view.tolist, scratch.bound_view.tolist
    fill_at, stroke_at = scratch.int_at
    red_at, green_at, blue_at, alpha_at = scratch.uint_at
    left_at, bottom_at, right_at, top_at = scratch.bound_at
    matrix_at = scratch.float_at[0]
    draw_mode, stroke_colour, fill_colour, bounds = _draw_mode, _stroke_color, _fill_color, _bounds
    object_type, clip_path, count_clip_paths, ref = _object_type, _clip_path, _count_clip_paths, _ref
    box_of = view.box
    upright = not view.rotation
    page_left, page_top = view.left, view.top
    seen = out.objects
    kind = _PATH
    for index in range(count(parent)):
        seen += 1
        if seen > MAX_OBJECTS:
            out.objects = seen
            out.truncated = True
            return
        address = get(parent, index)
        handle = ref(address)
        # Producers draw in long runs of one kind (a table's borders, then its text). Only a path has a draw
        # mode: after a path, asking for it first spares a path the type query; after other objects, the
        # type comes first, and a text object needs no draw mode query.
        if kind == _PATH:
            painted = draw_mode(handle, fill_at, stroke_at)
            kind = _PATH if painted else object_type(handle)
        else:
            kind = object_type(handle)
            painted = kind == _PATH and draw_mode(handle, fill_at, stroke_at)
        if painted:
            # A stroke or fill shows unless fully transparent or white (white lines are invisible on paper);
            # a colour pdfium cannot tell shows.
            fill_mode, stroke = read_modes()
            stroked = filled = False
            if stroke:
                if stroke_colour(handle, red_at, green_at, blue_at, alpha_at):
                    red, green, blue, alpha = read_colour()
                    stroked = alpha > 0 and (red < 235 or green < 235 or blue < 235)
                else:
                    stroked = True
            if fill_mode:
                if fill_colour(handle, red_at, green_at, blue_at, alpha_at):
                    red, green, blue, alpha = read_colour()
                    filled = alpha > 0 and (red < 235 or green < 235 or blue < 235)
                else:
                    filled = True
            if not (stroked or filled):
                continue
            if depth == 0 and bounds(handle, left_at, bottom_at, right_at, top_at):
                x0, y0, x1, y1 = read_bounds()
                if upright and x0 <= x1 and y0 <= y1:  # view.box, inlined for the usual page
                    box = (x0 - page_left, page_top - y1, x1 - page_left, page_top - y0)
                else:
                    box = box_of(x0, y0, x1, y1)
                if box[2] - box[0] <= MAX_THICK or box[3] - box[1] <= MAX_THICK:
                    rules.append(box)
                    continue
            out.objects = seen
            _path_rules(handle, matrix, view, out, (stroked, filled), scratch)
            continue
        if kind == _TEXT:
            clip = clip_path(handle)
            if clip and count_clip_paths(clip) > 0 and _clipped_out(handle, clip, scratch):
                out.hidden.add(address or 0)
            continue
        if kind != _FORM and kind != _IMAGE:
            continue
        _matrix(handle, matrix_at)
        total = _compose(tuple(floats), matrix)
        if kind == _IMAGE:
            # An image draws the unit square through its matrix.
            corners = [view.point(total[4] + total[0] * u + total[2] * v, total[5] + total[1] * u + total[3] * v)
                       for u, v in ((0, 0), (1, 1))]  # fmt: skip
            out.image_area += abs(corners[1][0] - corners[0][0]) * abs(corners[1][1] - corners[0][1])
        elif depth < _MAX_DEPTH:
            out.objects = seen
            _walk(handle, True, total, view, out, depth + 1, scratch)
            if out.truncated:
                return
            seen = out.objects
    out.objects = seen


def _shapes(page: _Handle, view: _View) -> _Shapes:
    out = _Shapes()
    _walk(page, False, _IDENTITY, view, out, 0, _Scratch())
    return out


@dataclass(slots=True)
class _Text:
    boxes: list[Box]
    text: str
    unmapped: float  # share of sampled characters pdfium could not map to Unicode
    visible: int
    truncated: bool


_WORD = re.compile(r"[^\s\x00]+")
_SAMPLE = 8  # every so many words, pdfium is asked whether the character had a Unicode mapping


@functools.cache
def _utf16_buffer(size: int) -> Any:
    """The ctypes array type of ``size`` UTF-16 units, made once per size (sizes are powers of two)."""
    return ctypes.c_uint16 * size


def _page_text(textpage: _Handle, count: int) -> str:
    """The first ``count`` characters of the page's text, one per character index (pdfium's text is UTF-16)."""
    if not count:
        return ""
    buffer = _utf16_buffer(1 << count.bit_length())()  # room for the count and pdfium's NUL
    written = _get_text(textpage, 0, count, buffer)
    text = ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le", "ignore")
    if len(text) != count:  # characters outside the BMP: index the page one character at a time
        text = "".join(chr(_get_unicode(textpage, index) or 0x20) for index in range(count))
    return text


def _text(textpage: _Handle, view: _View, grids: list[Grid], hidden: set[int]) -> _Text:
    """The page's text as runs (see the module doc).

    pdfium's page text separates words, lines and far-apart text with spaces
    and line breaks; a word needs the boxes of its first and last characters
    only, unless it crosses a cell border or a line, when every character is
    placed on its own. So a page costs a few calls per word, not per character.

    Pieces (words, or single characters) join the open run while they stay on
    its line, in its table cell and close after it; the run's state is kept in
    local variables, as this loop is most of the reader's own time per page.
    """
    address = textpage
    count = _count_chars(textpage)
    if count < 0:
        raise pdfium.PdfiumError("文字层无法读取")
    truncated = count > MAX_CHARS
    count = min(count, MAX_CHARS)
    text = _page_text(textpage, count)
    if hidden:  # what a clip hides wholly becomes blank, offset for offset (rare: cells of spreadsheets)
        text = "".join(
            " " if (_text_object(textpage, index).value or 0) in hidden else char for index, char in enumerate(text)
        )
    if _COMPAT_CHARS.search(text):  # rare: translating every page costs more than looking
        text = text.translate(_COMPAT)
    rect = _Floats4()  # FS_RECTF: left, top, right, bottom
    rect_at = ctypes.byref(rect)
    read_rect = _floats(rect).tolist
    view_box = view.box
    upright = not view.rotation  # then view.box is inlined below: a few subtractions, no call
    page_left, page_top = view.left, view.top
    cells = Cells(grids)
    crosses = cells.splits
    # First the pieces, a line break as None; then the runs, in a loop of its own with every value a plain local.
    pieces: list[tuple[str, float, float, float, float, bool] | None] = []
    put = pieces.append
    visible = sampled = unmapped = 0
    end = 0
    for number, match in enumerate(_WORD.finditer(text)):
        start, stop = match.span()
        between = text[end:start]
        end = stop
        if "\n" in between or "\r" in between:
            put(None)
        visible += stop - start
        if number % _SAMPLE == 0:
            sampled += 1
            unmapped += _map_error(address, start) == 1
        _char_box(address, start, rect_at)
        left, above, right, below = read_rect()  # FS_RECTF order
        if upright and left <= right and below <= above:
            first = (left - page_left, page_top - above, right - page_left, page_top - below)
        else:
            first = view_box(left, above, right, below)
        if stop - start > 1:
            _char_box(address, stop - 1, rect_at)
            left, above, right, below = read_rect()
            if upright and left <= right and below <= above:
                last = (left - page_left, page_top - above, right - page_left, page_top - below)
            else:
                last = view_box(left, above, right, below)
        else:
            last = first
        x0, x1 = first[0], last[2]
        top = first[1] if first[1] <= last[1] else last[1]
        bottom = first[3] if first[3] >= last[3] else last[3]
        height = first[3] - first[1]
        if (
            height > 0
            and abs((first[1] + first[3]) - (last[1] + last[3])) <= height
            and x1 >= x0
            and not (grids and crosses(x0, x1, (top + bottom) / 2))
        ):
            put((match.group(), x0, top, x1, bottom, bool(between)))
            continue
        for index in range(start, stop):  # the end characters' boxes are known already
            if index == start:
                c_x0, c_top, c_x1, c_bottom = first
            elif index == stop - 1:
                c_x0, c_top, c_x1, c_bottom = last
            else:
                _char_box(address, index, rect_at)
                left, above, right, below = read_rect()
                if upright and left <= right and below <= above:
                    c_x0, c_top = left - page_left, page_top - above
                    c_x1, c_bottom = right - page_left, page_top - below
                else:
                    c_x0, c_top, c_x1, c_bottom = view_box(left, above, right, below)
            if c_x1 > c_x0 or c_bottom > c_top:
                put((text[index], c_x0, c_top, c_x1, c_bottom, index == start and bool(between)))
    cell_of = cells.of
    boxes: list[Box] = []
    parts: list[str] = []
    r_x0 = r_top = r_x1 = r_bottom = 0.0
    r_key: tuple[int, int] | None = None
    r_from = 0  # the open run's first piece
    disordered = False  # a piece of the open run was drawn after the text to its right
    for position, piece in enumerate(pieces):
        if piece is None:
            if parts:
                written = _in_order(pieces[r_from:position], r_bottom - r_top) if disordered else "".join(parts)
                boxes.append(Box(r_x0, r_top, r_x1, r_bottom, written))
                parts, disordered = [], False
            continue
        chars, x0, top, x1, bottom, space = piece
        key = cell_of((x0 + x1) / 2, (top + bottom) / 2) if grids else None
        height = bottom - top
        if parts and (
            key != r_key
            or abs((top + bottom) - (r_top + r_bottom)) > max(min(height, r_bottom - r_top), 1.0)
            or x0 < r_x0 - 0.5 * height
            or x0 - r_x1 > height
        ):
            written = _in_order(pieces[r_from:position], r_bottom - r_top) if disordered else "".join(parts)
            boxes.append(Box(r_x0, r_top, r_x1, r_bottom, written))
            parts, disordered = [], False
        elif parts and x0 < r_x1 - 0.5 * height:
            disordered = True  # back inside the run (another font, drawn later): put in its place at the end
        if parts:
            if space:
                parts.append(" ")
            if x0 < r_x0:
                r_x0 = x0
            if top < r_top:
                r_top = top
            if x1 > r_x1:
                r_x1 = x1
            if bottom > r_bottom:
                r_bottom = bottom
        else:
            r_x0, r_top, r_x1, r_bottom, r_key, r_from = x0, top, x1, bottom, key, position
        parts.append(chars)
    if parts:
        written = _in_order(pieces[r_from:], r_bottom - r_top) if disordered else "".join(parts)
        boxes.append(Box(r_x0, r_top, r_x1, r_bottom, written))
    return _Text(boxes, text, unmapped / sampled if sampled else 0.0, visible, truncated)


def _in_order(pieces: list[tuple[str, float, float, float, float, bool] | None], height: float) -> str:
    """A run's pieces as they stand on the line, left to right, when pdfium gave one out of order (a
    closing quote of a fallback font, drawn after the line it belongs in). A space only where one was
    written and a gap shows: the space pdfium put where the late piece belongs is filled by it."""
    placed = sorted((piece for piece in pieces if piece is not None), key=lambda piece: piece[1])
    out = [placed[0][0]]
    for before, (chars, x0, _, _, _, space) in itertools.pairwise(placed):
        if space and x0 - before[3] > 0.1 * height:
            out.append(" ")
        out.append(chars)
    return "".join(out)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise ReadError("PDF 文件设有打开密码（已加密），无法读取：请去除密码后再试") from error
        if code == raw.FPDF_ERR_SECURITY:
            raise ReadError("PDF 文件使用了不支持的加密方式，无法读取：请去除加密后再试") from error
        raise ReadError(f"PDF 文件已损坏，无法读取：{error}") from error


@dataclass(slots=True)
class _Plan:
    """How each page is read: text pages already built, pages left for OCR, notes gathered on the way."""

    pages: dict[int, Page] = field(default_factory=dict)
    ocr: dict[int, str] = field(default_factory=dict)  # page number → why
    notes: list[str] = field(default_factory=list)


def _read_page(document: _Handle, number: int, plan: _Plan) -> None:
    """Read one page's text layer into ``plan``, or mark the page for OCR; a damaged page is skipped with a note.

    The page and its text page are pdfium's own handles, closed here as soon
    as the page is read: pypdfium2's page objects would add a finalizer and
    bookkeeping per page for a lifetime this function already bounds.
    """
    page = _load_page(document, number - 1)
    if not page:
        plan.notes.append(f"第 {number} 页已损坏，已跳过")
        return
    try:
        view = _View(page)
        shapes = _shapes(page, view)
        if shapes.truncated:
            plan.notes.append(f"第 {number} 页图形对象过多（超过 {MAX_OBJECTS} 个），未识别其中的表格线")
            shapes.rules.clear()
        grids, complete = find_grids(shapes.rules)
        if not complete:
            plan.notes.append(f"第 {number} 页线条过多，未识别其中的表格")
        textpage = _load_textpage(page)
        if not textpage:
            raise pdfium.PdfiumError("文字层无法读取")
        try:
            found = _text(textpage, view, grids, shapes.hidden)
        finally:
            _close_textpage(textpage)
    except pdfium.PdfiumError:
        plan.notes.append(f"第 {number} 页已损坏，已跳过")
        return
    finally:
        _close_page(page)
    if found.truncated:
        plan.notes.append(f"第 {number} 页文字过多（超过 {MAX_CHARS} 个字符），只读取了前一部分")
    area = view.width * view.height
    if found.visible >= 10 and garbage_share(found.text, found.unmapped) >= _GARBAGE:
        plan.ocr[number] = "文字层无法识别"
    elif found.visible < _FEW_CHARS and (
        (area > 0 and shapes.image_area / area >= _IMAGE_COVER)
        or (found.visible == 0 and shapes.image_area > 0)
        or shapes.shapes >= _OUTLINES
    ):
        plan.ocr[number] = "扫描页"
    else:
        plan.pages[number] = build_page(number, view.width, view.height, found.boxes, grids)


def _page_image(document: pdfium.PdfDocument, number: int, dpi: int) -> tuple[Any, float] | None:
    """A page rendered in colour (RGB, so OCR can tell a red seal from print) at ``dpi`` (less for a huge page),
    and its points per pixel; None if it will not render."""
    try:
        page = document[number - 1]
    except pdfium.PdfiumError:
        return None
    try:
        width, height = page.get_size()
        scale = dpi / 72
        if width * height * scale * scale > _MAX_RENDER_PIXELS:
            scale = (_MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5
        bitmap = page.render(scale=scale, rev_byteorder=True)
        image = bitmap.to_numpy().copy()
        bitmap.close()
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()
    return image, 1 / scale


def _ocr_pages(document: pdfium.PdfDocument, plan: _Plan) -> None:
    if len(plan.ocr) > MAX_OCR_PAGES:
        raise ReadError(
            f"需要文字识别的页数过多（{len(plan.ocr)} 页，上限 {MAX_OCR_PAGES} 页）：请拆分文件或提供带文字层的 PDF"
        )
    from jixiao.read.guard import allow_more_time
    from jixiao.read.ocr import OCR_DPI, OCR_PAGE_SECONDS, engine, ocr_page

    allow_more_time(len(plan.ocr) * OCR_PAGE_SECONDS)  # the guard's deadline grows with the pages (bounded)
    engine()  # the ReadError about the missing extra comes before any slow work
    for number in sorted(plan.ocr):
        rendered = _page_image(document, number, OCR_DPI)
        if rendered is None:
            plan.notes.append(f"第 {number} 页无法渲染为图像，已跳过")
            continue
        plan.pages[number] = ocr_page(rendered[0], number, rendered[1])
    scanned = [n for n, why in sorted(plan.ocr.items()) if why == "扫描页"]
    garbled = [n for n, why in sorted(plan.ocr.items()) if why != "扫描页"]
    if scanned:
        plan.notes.append(f"第 {_pages_text(scanned)} 页为扫描页，已用文字识别（OCR）读取，请核对识别出的文字和数字")
    if garbled:
        plan.notes.append(f"第 {_pages_text(garbled)} 页的文字层无法识别（乱码），已改用文字识别（OCR）读取")


def _pages_text(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


def read_pdf(data: bytes, path: str) -> Source:
    """Read a PDF into lines and rows; see the module doc. Raise :class:`ReadError` when it cannot be read.

    The cyclic collector is paused while the file is read: the reader makes
    no reference cycles, yet its thousands of small objects a page would set
    off collections that find nothing. The collector's state is restored
    whatever happens.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(data, path)
    finally:
        if collecting:
            gc.enable()


def _read(data: bytes, path: str) -> Source:
    with _pdfium_lock:
        document = _open(data)
        try:
            count = len(document)
            if count == 0:
                raise ReadError("PDF 文件没有任何页面")
            if count > MAX_PAGES:
                raise ReadError(f"PDF 页数过多（{count} 页，上限 {MAX_PAGES} 页），不像一份绩效自评材料，未读取")
            plan = _Plan()
            if b"%%EOF" not in data[-2048:]:
                plan.notes.append("PDF 文件末尾不完整（可能被截断），已尽量读取")
            handle = _Handle(_address(document.raw))
            for number in range(1, count + 1):
                _read_page(handle, number, plan)
            if plan.ocr:
                _ocr_pages(document, plan)
        finally:
            document.close()
    if not plan.pages:
        raise ReadError("PDF 文件的页面都已损坏，无法读取")
    pages = [plan.pages[n] for n in sorted(plan.pages)]
    if not any(page.blocks for page in pages):
        raise ReadError("PDF 中没有找到任何文字（空白页面，或文字以图形绘制而无法识别）")
    return assemble(path, pages, "pdf", plan.notes)
