"""Word ``.docx`` files into a ``Source``.

The container is checked by :func:`open_office_zip` first (bombs, encryption,
corruption); then only the main document part (found through the package
relationships, as python-docx finds it) is parsed, with python-docx's own
lxml settings (entity resolution off, no network). python-docx itself would
also parse the styles parts on every open (~0.8 MB of XML in a file Word
made from its default template), which the reader never looks at: that was
most of a file's reading time. The document body is walked in order:

* every paragraph (``w:p``) is one line: its runs' text (tracked insertions,
  the tick and box glyphs of symbol fonts as ☑ □ ✓ … — typed as a letter or as
  the private-use code Word writes —, hyperlinks, smart tags, fields' shown
  results, the base text of a phonetic guide (拼音指南) and content controls
  included; deleted and moved-away text, field codes — with the result of a
  field nested in another's instruction, as in ``{ IF { =SUM(ABOVE) } …}`` —
  and text boxes, read apart below, left out), whitespace runs (tabs and line
  breaks included) collapsed to one space. A check box shows its state,
  whatever glyph it draws: a check box content control (``w14:checkbox``) is
  ☑ or ☐, a FORMCHECKBOX form field (which draws a box with no character in
  the file) ☑ or □. A content control still showing its prompt
  (``w:showingPlcHdr``: 单击或点击此处输入文字。) holds nothing the clerk wrote and
  reads empty, in a paragraph, a cell or as a whole block. Of
  ``mc:AlternateContent`` one branch is read, once: the fallback, else the first
  choice. A paragraph in a Word list starts
  with the label Word shows for it (``一、``, ``（二）``, ``3.``): the list's
  level formats and counters are kept from ``numbering.xml`` in document
  order, a level restarting under a higher one; a list set by the paragraph's
  style is found through ``styles.xml``, read only when some paragraph
  names a style and the document has lists. Bullets add nothing. An empty paragraph is an empty
  line, so the text keeps its blank separators like a dump, but it makes no
  row (as in the text reader, a blank line is a separator, not a row); every
  other paragraph is a one-cell ``Row(table=False)``, its cell at column 0;
* every table row (``w:tr``) is one line and one ``Row(table=True)`` (a row deleted
  with track changes on, ``w:trPr/w:del``, is none: a merged cell above it
  continues below it). Cells are
  placed on the table grid: ``w:gridBefore`` leaves leading slots empty,
  ``w:gridSpan`` makes a cell cover several columns, and ``w:vMerge`` without
  ``restart`` (or the legacy ``w:hMerge`` continue) continues the merged cell
  above (or to the left). The slots a merged cell covers besides its own get
  a ``Cell`` with the same text and ``inherited=True``, as in the HTML
  reader: ``row.cells[i].col == i``, and a slot no cell covers is an empty,
  non-inherited cell. A cell's text is its paragraphs joined by a space, so a
  row always stays on one line;
* in ``lines`` a table row is its cells joined by a tab with inherited slots
  left empty, so a merged cell shows its text once while the tabs keep the
  grid columns;
* a table nested in a cell is flattened: its rows come right after the outer
  row that contains it (the inner text is not part of the outer cell).

A text box (a title a template or a PDF-to-Word conversion floats at the top
of the page) is read where it is anchored: its paragraphs and tables come
before the line of the paragraph holding it, once (Word writes the box twice,
as DrawingML and as a VML fallback; the fallback is not read).

Headers, footers, footnotes and comments are not read.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library

from jixiao.read.source import Cell, ReadError, Row, Source
from jixiao.read.zipguard import open_office_zip

__all__ = ["read_docx"]

_Element = Any  # lxml elements (python-docx's oxml classes); lxml ships no type information

_DOCUMENT = qn("w:document")
_BODY = qn("w:body")
_P = qn("w:p")
_TBL = qn("w:tbl")
_TR = qn("w:tr")
_TC = qn("w:tc")
_R = qn("w:r")
_T = qn("w:t")
_VAL = qn("w:val")
_TR_PR = qn("w:trPr")
_DEL = qn("w:del")
_TC_PR = qn("w:tcPr")
_GRID_BEFORE = qn("w:gridBefore")
_GRID_SPAN = qn("w:gridSpan")
_V_MERGE = qn("w:vMerge")
_H_MERGE = qn("w:hMerge")
_P_PR = qn("w:pPr")
_TXBX_CONTENT = qn("w:txbxContent")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P_STYLE = qn("w:pStyle")
_NUM_PR = qn("w:numPr")
_ILVL = qn("w:ilvl")
_NUM_ID = qn("w:numId")
_MC_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_SDT = qn("w:sdt")
_SDT_PR = qn("w:sdtPr")
_SHOWING_PLACEHOLDER = qn("w:showingPlcHdr")
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W14_CHECKBOX = f"{{{_W14}}}checkbox"
_W14_CHECKED = f"{{{_W14}}}checked"
_W14_VAL = f"{{{_W14}}}val"
_TRUE = frozenset({"1", "true", "on"})
# Containers whose children are read as if they stood in their parent (a content control, unless it shows its
# prompt; one branch of alternate content).
_WRAPPERS = frozenset({_SDT, qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag"), _ALTERNATE})
# Inside a paragraph: never text that is shown (properties, deleted or moved-away text).
_SKIP_IN_P = frozenset(
    {
        qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:moveFrom"), qn("w:sdtPr"), qn("w:sdtEndPr"),
        qn("w:customXmlPr"), qn("w:smartTagPr"),
    }
)  # fmt: skip
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_MAX_SPAN = 1000
_WS = re.compile(r"\s+")


# ---- list numbering: the labels Word draws before numbered paragraphs --------------------------------

_ABSTRACT_NUM = qn("w:abstractNum")
_ABSTRACT_NUM_ID = qn("w:abstractNumId")
_NUM = qn("w:num")
_LVL = qn("w:lvl")
_LVL_OVERRIDE = qn("w:lvlOverride")
_START_OVERRIDE = qn("w:startOverride")
_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
_LEVEL_REF = re.compile(r"%([1-9])")


def _chinese(number: int) -> str:
    """一, 十, 十一, 二十, 一百零五 … as a Word 中文计数 list counts (numbers below ten thousand)."""
    if number <= 0 or number >= 10000:
        return str(number)
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out: list[str] = []
    gap = False
    for value, unit in units:
        digit, number = divmod(number, value)
        if digit:
            if gap and out:
                out.append("零")
            out.append(_CN_DIGITS[digit] + unit)
            gap = False
        elif out:
            gap = True
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def _letters(number: int) -> str:
    """A, B … Z, AA, BB … as Word letters a list (the letter repeated per round)."""
    if number <= 0:
        return str(number)
    return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


def _formatted(number: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting"):
        return _chinese(number)
    if fmt == "ideographTraditional" and 1 <= number <= len(_STEMS):
        return _STEMS[number - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if fmt == "upperLetter":
        return _letters(number)
    if fmt == "lowerLetter":
        return _letters(number).lower()
    if fmt == "upperRoman" and number > 0:
        return _roman(number)
    if fmt == "lowerRoman" and number > 0:
        return _roman(number).lower()
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


@dataclass(slots=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


class _Numbering:
    """The lists of ``numbering.xml``; :meth:`label` gives a numbered paragraph's label and counts it."""

    def __init__(self, numbering: _Element | None, styles: dict[str, tuple[str, int]]) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.styles = styles
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is None:
            return
        for abstract in numbering.iterchildren(_ABSTRACT_NUM):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(_LVL):
                level = _int_attr(lvl, qn("w:ilvl"))
                if level is None:
                    continue
                levels[level] = _Level(
                    start=_child_int(lvl, "w:start", 1),
                    fmt=_child_val(lvl, "w:numFmt") or "decimal",
                    text=_child_val(lvl, "w:lvlText") or "",
                    legal=lvl.find(qn("w:isLgl")) is not None,
                )
            self.abstract[abstract.get(_ABSTRACT_NUM_ID) or ""] = levels
        for num in numbering.iterchildren(_NUM):
            ref = num.find(_ABSTRACT_NUM_ID)
            if ref is None:
                continue
            overrides: dict[int, int] = {}
            for override in num.iterchildren(_LVL_OVERRIDE):
                level = _int_attr(override, _ILVL)
                start = override.find(_START_OVERRIDE)
                if level is not None and start is not None:
                    overrides[level] = _int_attr(start, _VAL) or 0
            self.nums[num.get(_NUM_ID) or ""] = (ref.get(_VAL) or "", overrides)

    def label(self, paragraph: _Element) -> str:
        """The label Word shows before ``paragraph`` ("" when it is in no list), counting it."""
        found = self._list_of(paragraph)
        if found is None:
            return ""
        num_id, level = found
        entry = self.nums.get(num_id)
        if entry is None:
            return ""
        abstract_id, overrides = entry
        levels = self.abstract.get(abstract_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in overrides.items():
                counters[overridden] = start - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        spec = levels[level]
        if spec.fmt in ("bullet", "none"):
            return ""

        def part(match: re.Match[str]) -> str:
            shown = int(match.group(1)) - 1
            known = levels.get(shown)
            count = counters.get(shown, known.start if known else 1)
            fmt = "decimal" if spec.legal or known is None else known.fmt
            return _formatted(count, fmt)

        return _LEVEL_REF.sub(part, spec.text)

    def _list_of(self, paragraph: _Element) -> tuple[str, int] | None:
        properties = paragraph.find(_P_PR)
        if properties is None:
            return None
        num_pr = properties.find(_NUM_PR)
        if num_pr is not None:
            num = num_pr.find(_NUM_ID)
            if num is None:
                return None
            return num.get(_VAL) or "", _int_val(num_pr, _ILVL, 0)
        style = properties.find(_P_STYLE)
        if style is not None and self.styles:
            return self.styles.get(style.get(_VAL) or "")
        return None


def _int_attr(element: _Element, name: str) -> int | None:
    match = re.match(r"\s*(-?\d+)", element.get(name) or "")
    return int(match.group(1)) if match else None


def _child_val(element: _Element, name: str) -> str | None:
    child = element.find(qn(name))
    return None if child is None else child.get(_VAL)


def _child_int(element: _Element, name: str, default: int) -> int:
    child = element.find(qn(name))
    found = None if child is None else _int_attr(child, _VAL)
    return default if found is None else found


_MAX_STYLES = 200  # a document uses a few dozen paragraph styles; more is a crafted file, not searched further
_USED_STYLE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?pStyle\b[^>]*?\bval="([^"]{1,100})"')
_STYLE_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?style>")
_STYLE_NUM_ID = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?numId\b[^>]*?\bval="(\d{1,9})"')
_STYLE_ILVL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?ilvl\b[^>]*?\bval="(\d{1,2})"')
_STYLE_BASED_ON = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?basedOn\b[^>]*?\bval="([^"]{1,100})"')


def _style_block(styles: bytes, style_id: bytes) -> bytes | None:
    """The ``w:style`` element of one style id, found by where its id occurs (a styles part is often
    ~0.35 MB of latent and unused styles: it is never parsed whole)."""
    at = styles.find(b'styleId="' + style_id + b'"')
    if at < 0:
        return None
    start = styles.rfind(b"<", 0, at)
    end = _STYLE_END.search(styles, at)
    return styles[start : end.start()] if start >= 0 and end is not None else None


def _style_lists(styles: bytes, document: bytes) -> dict[str, tuple[str, int]]:
    """Style id → (numId, level) for the paragraph styles the document uses that number their paragraphs
    (``numPr`` in the style or a style it is ``basedOn``)."""
    found: dict[str, tuple[str, int]] = {}
    for raw in sorted(set(_USED_STYLE.findall(document)))[:_MAX_STYLES]:
        current: bytes | None = raw
        seen: set[bytes] = set()
        while current is not None and current not in seen and len(seen) < 20:
            seen.add(current)
            block = _style_block(styles, current)
            if block is None:
                break
            num = _STYLE_NUM_ID.search(block)
            if num is not None:
                if num.group(1) != b"0":
                    level = _STYLE_ILVL.search(block)
                    found[raw.decode("utf-8", "replace")] = (num.group(1).decode(), int(level.group(1)) if level else 0)
                break
            based = _STYLE_BASED_ON.search(block)
            current = based.group(1) if based is not None else None
    return found


@dataclass(slots=True, eq=False)
class _TableRow:
    cells: list[tuple[str, int, bool]]  # (text, col, inherited), indexed by col


_Block = str | _TableRow


def _branch(alternate: _Element) -> _Element | None:
    """The branch of ``mc:AlternateContent`` that is read, once: the fallback (the same text drawn for any
    reader; for a text box a VML copy, which is read apart), else the first choice."""
    chosen = None
    for child in alternate.iterchildren():
        if child.tag == _MC_FALLBACK:
            return child
        if chosen is None and child.tag == _MC_CHOICE:
            chosen = child
    return chosen


def _control(sdt: _Element) -> str | None:
    """What a content control shows instead of its content: "" while it shows its prompt (单击或点击此处输入文字。,
    nothing the clerk wrote), ☑ / ☐ for a check box by its state (whatever glyph the template draws); None
    when its content is what it shows."""
    properties = sdt.find(_SDT_PR)
    if properties is None:
        return None
    if properties.find(_SHOWING_PLACEHOLDER) is not None:
        return ""
    box = properties.find(_W14_CHECKBOX)
    if box is None:
        return None
    checked = box.find(_W14_CHECKED)
    return "☑" if checked is not None and (checked.get(_W14_VAL) or "").lower() in _TRUE else "☐"


_EMPTY_P = etree.Element(_P)


def _blank(element: _Element) -> _Element:
    """A paragraph or cell of a control showing its prompt, emptied (a cell keeps its span and merge)."""
    if element.tag == _P:
        return _EMPTY_P
    if element.tag == _TC:
        empty = etree.Element(_TC)
        properties = element.find(_TC_PR)
        if properties is not None:
            empty.append(copy.deepcopy(properties))
        return empty
    return element


def _children(element: _Element) -> Iterator[_Element]:
    """Child elements, looking through content controls, custom XML wrappers and alternate content."""
    for child in element.iterchildren():
        if child.tag in _WRAPPERS:
            if child.tag == _ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    yield from _children(branch)
            elif child.tag == _SDT and _control(child) == "":
                yield from map(_blank, _children(child))
            else:
                yield from _children(child)
        else:
            yield child


_SYM = qn("w:sym")
_SYM_FONT = qn("w:font")
_SYM_CHAR = qn("w:char")
_R_PR = qn("w:rPr")
_R_FONTS = qn("w:rFonts")
_ASCII = qn("w:ascii")
# The tick and box glyphs of the symbol fonts, as the characters they show (a ticked 优 among 优/良/中/差).
_SYMBOLS: dict[str, dict[int, str]] = {
    "wingdings 2": {0x52: "☑", 0x54: "☒", 0xA3: "□", 0x2A: "□", 0x50: "✓", 0x4F: "✗", 0x99: "●", 0x9A: "○"},
    "wingdings": {0xFE: "☑", 0xFD: "☒", 0x78: "☒", 0xA8: "□", 0x6F: "□", 0x71: "□", 0xFC: "✓", 0xFB: "✗"},
    "symbol": {0xD6: "√"},
}


def _symbol(font: str | None, code: int) -> str:
    """The character a symbol-font glyph shows ("" for one that is no tick or box); ``code`` may carry the
    private-use offset (F052 for 52) Word writes."""
    table = _SYMBOLS.get((font or "").strip().lower())
    if table is None:
        return ""
    return table.get(code - 0xF000 if code >= 0xF000 else code, "")


def _run_font(run: _Element) -> str | None:
    properties = run.find(_R_PR)
    fonts = properties.find(_R_FONTS) if properties is not None else None
    return fonts.get(_ASCII) if fonts is not None else None


_FLD_CHAR = qn("w:fldChar")
_FLD_CHAR_TYPE = qn("w:fldCharType")
_RUBY = qn("w:ruby")
_RUBY_BASE = qn("w:rubyBase")
_FF_CHECK_BOX = f"{qn('w:ffData')}/{qn('w:checkBox')}"
_CHECKED = qn("w:checked")
_DEFAULT = qn("w:default")


def _form_box(field: _Element) -> str:
    """A FORMCHECKBOX form field draws its box with no character in the file: ☑ or □ by its state ("" for
    any other field)."""
    box = field.find(_FF_CHECK_BOX)
    if box is None:
        return ""
    state = box.find(_CHECKED)
    if state is None:
        state = box.find(_DEFAULT)
        return "☑" if state is not None and (state.get(_VAL) or "").lower() in _TRUE else "□"
    return "□" if (state.get(_VAL) or "true").lower() in ("0", "false", "off") else "☑"


def _run_text(run: _Element, parts: list[str], fields: list[bool], within: _Element | None = None) -> None:
    """The text a run shows; ``within`` is the branch of alternate content inside it being read. ``fields``
    holds, for each field the paragraph is inside of, whether its instruction is being read (a field nested in
    an instruction, as in ``{ IF { =F5 } > 90 "优" "良" }``, shows its result only to the outer field)."""
    for child in (run if within is None else within).iterchildren():
        tag = child.tag
        if fields and tag != _FLD_CHAR and True in fields:
            continue
        if tag == _T:
            text = child.text or ""
            # a box typed as a letter in a symbol font (R, T, £ in Wingdings 2), or as its private-use code (F052)
            if len(text) == 1 and (text.isascii() or "\uf000" <= text <= "\uf0ff"):
                shown = _symbol(_run_font(run), ord(text))
                parts.append(shown or text)
            else:
                parts.append(text)
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])
        elif tag == _SYM:
            try:
                parts.append(_symbol(child.get(_SYM_FONT), int(child.get(_SYM_CHAR) or "", 16)))
            except ValueError:
                continue
        elif tag == _FLD_CHAR:
            kind = child.get(_FLD_CHAR_TYPE)
            if kind == "begin":
                parts.append(_form_box(child))
                fields.append(True)
            elif kind == "separate" and fields:
                fields[-1] = False
            elif kind == "end" and fields:
                fields.pop()
        elif tag == _ALTERNATE:
            branch = _branch(child)
            if branch is not None:
                _run_text(run, parts, fields, branch)
        elif tag == _RUBY:  # a phonetic guide (拼音指南): the base text is shown, its reading above it is not
            base = child.find(_RUBY_BASE)
            if base is not None:
                _collect(base, parts, fields)


def _collect(element: _Element, parts: list[str], fields: list[bool]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_P:
            continue  # comments and processing instructions have a non-string tag
        if tag == _R:
            _run_text(child, parts, fields)
        elif tag == _SDT:
            shown = _control(child)
            if shown is None:
                _collect(child, parts, fields)
            else:
                parts.append(shown)
        elif tag == _ALTERNATE:
            branch = _branch(child)
            if branch is not None:
                _collect(branch, parts, fields)
        else:  # hyperlink, ins, moveTo, fldSimple, smartTag, customXml…
            _collect(child, parts, fields)


def _paragraph_text(paragraph: _Element, numbering: _Numbering | None = None) -> str:
    parts: list[str] = []
    _collect(paragraph, parts, [])
    text = _WS.sub(" ", "".join(parts)).strip()
    if numbering is None:
        return text
    label = _WS.sub(" ", numbering.label(paragraph)).strip()
    if not label or not text:
        return text
    return label + ("" if not label[-1].isalnum() else " ") + text


def _int_val(properties: _Element | None, name: str, default: int) -> int:
    if properties is None:
        return default
    found = properties.find(name)
    if found is None:
        return default
    match = re.match(r"\s*(\d+)", found.get(_VAL) or "")
    return min(int(match.group(1)), _MAX_SPAN) if match else default


def _continues(properties: _Element | None, name: str) -> bool:
    """``w:vMerge``/``w:hMerge`` present and not ``restart``: the cell continues a merged one."""
    if properties is None:
        return False
    found = properties.find(name)
    return found is not None and (found.get(_VAL) or "continue") != "restart"


def _cell_content(tc: _Element, numbering: _Numbering | None) -> tuple[str, list[_Block]]:
    """A cell's own text (its paragraphs joined by a space) and the blocks of its nested tables."""
    texts: list[str] = []
    nested: list[_Block] = []
    for child in _children(tc):
        if child.tag == _P:
            text = _paragraph_text(child, numbering)
            if text:
                texts.append(text)
        elif child.tag == _TBL:
            nested.extend(_table_blocks(child, numbering))
    return " ".join(texts), nested


def _table_blocks(tbl: _Element, numbering: _Numbering | None) -> list[_Block]:
    blocks: list[_Block] = []
    above: dict[int, str] = {}  # grid column -> the text the row above shows there (vertical merges)
    for tr in _children(tbl):
        if tr.tag != _TR:
            continue
        slots: dict[int, tuple[str, bool]] = {}
        current: dict[int, str] = {}
        nested: list[_Block] = []
        row_properties = tr.find(_TR_PR)
        if row_properties is not None and row_properties.find(_DEL) is not None:
            continue  # deleted with track changes on: struck out, no longer a row of the table
        col = _int_val(row_properties, _GRID_BEFORE, 0)
        for tc in _children(tr):
            if tc.tag != _TC:
                continue
            properties = tc.find(_TC_PR)
            span = max(1, _int_val(properties, _GRID_SPAN, 1))
            text, inner = _cell_content(tc, numbering)
            nested.extend(inner)
            inherited_first = False
            if _continues(properties, _V_MERGE) and col in above:
                text, inherited_first = above[col], True
            elif _continues(properties, _H_MERGE) and col - 1 in current:
                text, inherited_first = current[col - 1], True
            for offset in range(span):
                slots[col + offset] = (text, inherited_first or offset > 0)
                current[col + offset] = text
            col += span
        above = current
        if slots:
            width = max(slots) + 1
            cells = [(slots[c][0], c, slots[c][1]) if c in slots else ("", c, False) for c in range(width)]
            blocks.append(_TableRow(cells))
        blocks.extend(nested)
    return blocks


def _text_boxes(paragraph: _Element) -> list[_Element]:
    """The text boxes anchored in a paragraph, each once: not the VML fallback copy, not a box inside a box."""
    boxes = []
    for box in paragraph.iter(_TXBX_CONTENT):
        if not any(parent.tag in (_MC_FALLBACK, _TXBX_CONTENT) for parent in box.iterancestors()):
            boxes.append(box)
    return boxes


def _body_blocks(body: _Element, numbering: _Numbering | None = None, boxes: bool = False) -> list[_Block]:
    """The blocks of the body (or of a text box); ``boxes`` when the document has text boxes at all."""
    blocks: list[_Block] = []
    for child in _children(body):
        if child.tag == _P:
            if boxes:
                for box in _text_boxes(child):
                    blocks.extend(_body_blocks(box, numbering, boxes))
            blocks.append(_paragraph_text(child, numbering))
        elif child.tag == _TBL:
            blocks.extend(_table_blocks(child, numbering))
    return blocks


_PACKAGE_RELS = "_rels/.rels"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _main_part(archive: zipfile.ZipFile) -> str:
    """The path of the main document part: the package's officeDocument relationship, else ``word/document.xml``."""
    try:
        rels = etree.fromstring(archive.read(_PACKAGE_RELS), _PARSER)
    except KeyError:
        return "word/document.xml"
    for rel in rels.iter(_RELATIONSHIP):
        if rel.get("Type") in (_OFFICE_DOCUMENT, _STRICT_DOCUMENT):
            return posixpath.normpath((rel.get("Target") or "").lstrip("/"))
    return "word/document.xml"


_NUMBERING_REL = "/numbering"
_STYLES_REL = "/styles"


def _related_parts(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship type suffix (``/numbering``, ``/styles``) → part path, from the main part's relationships."""
    folder, name = posixpath.split(part)
    try:
        rels = etree.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")), _PARSER)
    except KeyError:
        return {}
    found: dict[str, str] = {}
    for rel in rels.iter(_RELATIONSHIP):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.setdefault("/" + kind, posixpath.normpath(path))
    return found


def _optional_part(archive: zipfile.ZipFile, path: str | None) -> bytes | None:
    if path is None:
        return None
    try:
        return archive.read(path)
    except KeyError:
        return None


def _body(data: bytes) -> tuple[_Element, _Numbering | None, bool]:
    """The document body, its lists when some paragraph may be numbered (``numPr`` or a style named), and
    whether it has text boxes."""
    numbering_xml = styles_xml = None
    with open_office_zip(data) as archive:
        part = _main_part(archive)
        try:
            xml = archive.read(part)
        except KeyError:
            raise ReadError(f"文件已损坏，无法按 Word 文档读取：缺少正文部件 {part}") from None
        direct, styled = b"numPr" in xml, b"pStyle" in xml
        if direct or styled:
            related = _related_parts(archive, part)
            numbering_xml = _optional_part(archive, related.get(_NUMBERING_REL))
            if numbering_xml is not None and styled:
                styles_xml = _optional_part(archive, related.get(_STYLES_REL))
                if styles_xml is not None and b"numPr" not in styles_xml:
                    styles_xml = None  # no style numbers its paragraphs: the styles are never parsed
    root = etree.fromstring(xml, _PARSER)
    body = root.find(_BODY)
    if root.tag != _DOCUMENT or body is None:
        raise ReadError("文件已损坏，无法按 Word 文档读取：正文部件不是 Word 文档")
    boxes = b"txbxContent" in xml
    if numbering_xml is None:
        return body, None, boxes
    styles = _style_lists(styles_xml, xml) if styles_xml is not None else {}
    return body, _Numbering(etree.fromstring(numbering_xml, _PARSER), styles), boxes


def read_docx(data: bytes, path: str) -> Source:
    """Read a ``.docx`` file's body into lines and rows; see the module doc.

    Raise :class:`ReadError` when the container is unsafe or the file is not a readable Word document.
    """
    try:
        blocks = _body_blocks(*_body(data))
    except ReadError:
        raise
    except Exception as error:  # lxml/zipfile raise many kinds on damaged files
        raise ReadError(f"文件已损坏，无法按 Word 文档读取：{error}") from error
    lines: list[str] = []
    rows: list[Row] = []
    for block in blocks:
        number = len(lines) + 1
        if isinstance(block, str):
            lines.append(block)
            if block:
                rows.append(Row([Cell(block, number, 0)], number, number, table=False, index=len(rows)))
        else:
            lines.append("\t".join("" if inherited else text for text, _, inherited in block.cells))
            cells = [Cell(text, number, col, inherited) for text, col, inherited in block.cells]
            rows.append(Row(cells, number, number, table=True, index=len(rows)))
    return Source(path=path, lines=lines, rows=rows, encoding="utf-8", format="docx")
