"""Word ``.docx`` files into a ``Source``.

The container is checked by :func:`open_office_zip` first (bombs, encryption,
corruption); then only the main document part (found through the package
relationships, as python-docx finds it) is parsed, with python-docx's own
lxml settings (entity resolution off, no network). python-docx itself would
also parse the styles parts on every open (~0.8 MB of XML in a file Word
made from its default template), which the reader never looks at: that was
most of a file's reading time. The document body is walked in order:

* every paragraph (``w:p``) is one line: its runs' text (tracked insertions,
  hyperlinks, fields' shown results and content controls included; deleted
  text, field codes and text boxes left out), whitespace runs (tabs and line
  breaks included) collapsed to one space. An empty paragraph is an empty
  line, so the text keeps its blank separators like a dump, but it makes no
  row (as in the text reader, a blank line is a separator, not a row); every
  other paragraph is a one-cell ``Row(table=False)``, its cell at column 0;
* every table row (``w:tr``) is one line and one ``Row(table=True)``. Cells are
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

Headers, footers, footnotes, comments and text boxes are not read.
"""

from __future__ import annotations

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
_TC_PR = qn("w:tcPr")
_GRID_BEFORE = qn("w:gridBefore")
_GRID_SPAN = qn("w:gridSpan")
_V_MERGE = qn("w:vMerge")
_H_MERGE = qn("w:hMerge")
# Containers whose children are read as if they stood in their parent.
_WRAPPERS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")})
# Inside a paragraph: never text that is shown (properties, deleted or moved-away text, alternatives).
_SKIP_IN_P = frozenset(
    {
        qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:moveFrom"), qn("w:sdtPr"), qn("w:sdtEndPr"),
        qn("w:customXmlPr"), qn("w:smartTagPr"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
    }
)  # fmt: skip
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_MAX_SPAN = 1000
_WS = re.compile(r"\s+")


@dataclass(slots=True, eq=False)
class _TableRow:
    cells: list[tuple[str, int, bool]]  # (text, col, inherited), indexed by col


_Block = str | _TableRow


def _children(element: _Element) -> Iterator[_Element]:
    """Child elements, looking through content controls and custom XML wrappers."""
    for child in element.iterchildren():
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _run_text(run: _Element, parts: list[str]) -> None:
    for child in run.iterchildren():
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])


def _collect(element: _Element, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_P:
            continue  # comments and processing instructions have a non-string tag
        if tag == _R:
            _run_text(child, parts)
        else:  # hyperlink, ins, moveTo, fldSimple, sdt, smartTag, customXml…
            _collect(child, parts)


def _paragraph_text(paragraph: _Element) -> str:
    parts: list[str] = []
    _collect(paragraph, parts)
    return _WS.sub(" ", "".join(parts)).strip()


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


def _cell_content(tc: _Element) -> tuple[str, list[_Block]]:
    """A cell's own text (its paragraphs joined by a space) and the blocks of its nested tables."""
    texts: list[str] = []
    nested: list[_Block] = []
    for child in _children(tc):
        if child.tag == _P:
            text = _paragraph_text(child)
            if text:
                texts.append(text)
        elif child.tag == _TBL:
            nested.extend(_table_blocks(child))
    return " ".join(texts), nested


def _table_blocks(tbl: _Element) -> list[_Block]:
    blocks: list[_Block] = []
    above: dict[int, str] = {}  # grid column -> the text the row above shows there (vertical merges)
    for tr in _children(tbl):
        if tr.tag != _TR:
            continue
        slots: dict[int, tuple[str, bool]] = {}
        current: dict[int, str] = {}
        nested: list[_Block] = []
        col = _int_val(tr.find(_TR_PR), _GRID_BEFORE, 0)
        for tc in _children(tr):
            if tc.tag != _TC:
                continue
            properties = tc.find(_TC_PR)
            span = max(1, _int_val(properties, _GRID_SPAN, 1))
            text, inner = _cell_content(tc)
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


def _body_blocks(body: _Element) -> list[_Block]:
    blocks: list[_Block] = []
    for child in _children(body):
        if child.tag == _P:
            blocks.append(_paragraph_text(child))
        elif child.tag == _TBL:
            blocks.extend(_table_blocks(child))
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


def _body(data: bytes) -> _Element:
    with open_office_zip(data) as archive:
        part = _main_part(archive)
        try:
            xml = archive.read(part)
        except KeyError:
            raise ReadError(f"文件已损坏，无法按 Word 文档读取：缺少正文部件 {part}") from None
    root = etree.fromstring(xml, _PARSER)
    body = root.find(_BODY)
    if root.tag != _DOCUMENT or body is None:
        raise ReadError("文件已损坏，无法按 Word 文档读取：正文部件不是 Word 文档")
    return body


def read_docx(data: bytes, path: str) -> Source:
    """Read a ``.docx`` file's body into lines and rows; see the module doc.

    Raise :class:`ReadError` when the container is unsafe or the file is not a readable Word document.
    """
    try:
        blocks = _body_blocks(_body(data))
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
