"""Numbers as Excel shows them: the number formats of an .xlsx, read without a full XML parse of the sheets.

A workbook stores 4.9 and shows ``4.90`` when the cell's format is ``0.00``;
a reviewer reads ``4.90`` (two decimals written, so the tolerance of a form
showing two decimals applies). calamine gives the stored value only, so:

* ``xl/styles.xml``, the workbook and its relationships are small; their few
  tags are found by regular expressions (no XML parser runs on them, and a
  part declaring a DTD is ignored, so no entity is ever expanded): the
  custom ``numFmt`` codes and, in ``cellXfs`` order, each cell style's
  format id. Built-in ids 1–4, 9, 10 and 37–40 have fixed codes, and 14, 31,
  57 and 58 the dates a Chinese Excel shows for them;
* a code is understood when its first section is a plain number pattern
  (digit placeholders ``0 # ?``, one decimal point, thousands commas, a
  percent sign) with literal text around it (quoted, escaped, or CJK such as
  ``万元``); colours and locale tags are dropped. A date code (year, month,
  day, the Chinese weekday ``aaaa``, literal text) is understood as a
  :class:`DateShown`. Times, month and weekday names, Chinese numerals,
  scientific notation, fractions, text formats and scaling commas are not:
  such cells keep the reader's default text;
* the sheet parts are read once (they were size-checked by
  :func:`jixiao.read.zipguard.open_office_zip`); only when some cell style has
  an understood format does a regular expression find just the ``<c>`` start
  tags whose ``s`` is one of those styles (no entity is expanded). The same
  parts tell the hidden rows and columns, from where ``hidden="`` occurs.

The result maps each sheet name to a function giving ``{(row, col): Shown}``
in absolute 0-based cell positions, the coordinates calamine's ``start``
uses. The parts are read (and so checked) at once; a sheet is scanned only
when asked for, so a sheet with no number in it (a report's text, notes)
costs no scan.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "CellFormat",
    "DateShown",
    "Hidden",
    "Shown",
    "ShownCells",
    "date_text",
    "parse_format",
    "sheet_facts",
    "shown_cells",
    "shown_text",
    "xls_shown_cells",
]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_BUILTIN = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
}
_MAX_DECIMALS = 15


@dataclass(frozen=True, slots=True)
class Shown:
    """A number pattern: decimals written (at least, at most), integer digits, thousands, percent, literals."""

    min_decimals: int
    max_decimals: int
    min_integer: int
    thousands: bool
    percent: bool
    prefix: str
    suffix: str
    negative: tuple[str, str] | None  # prefix and suffix of an explicit negative section, shown with the magnitude


@dataclass(frozen=True, slots=True)
class DateShown:
    """A date format: its parts in order, each a field (``Y`` year, ``M`` month, ``D`` day, ``A`` weekday) with
    its width, or literal text (``yyyy"年"m"月"d"日"`` → Y4 年 M1 月 D1 日)."""

    parts: tuple[tuple[str, int] | str, ...]


CellFormat = Shown | DateShown
ShownCells = dict[str, Callable[[], dict[tuple[int, int], CellFormat]]]  # sheet name → its formatted cells


_BRACKET = re.compile(r"\[([^\]]*)\]")
_COLOURS = frozenset({"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"})
_TOKEN = re.compile(r'"[^"]*"|\\.|_.|\*.|[0#?.,%]|.', re.DOTALL)
_DATE_OR_OTHER = frozenset("yYmMdDhHsSeEgGbB/@")


def _section(code: str) -> tuple[str, str, str] | None:
    """A section as (literal prefix, number pattern, literal suffix); None when it is not a plain number."""
    for content in _BRACKET.findall(code):
        lowered = content.lower()
        if not (lowered in _COLOURS or lowered.startswith("color") or content.startswith("$")):
            return None  # a condition ([>=100]), Chinese numerals ([DBNum1]), elapsed time ([h])
    code = _BRACKET.sub(lambda match: match.group(1)[1:].split("-")[0] if match.group(1).startswith("$") else "", code)
    prefix: list[str] = []
    pattern: list[str] = []
    suffix: list[str] = []
    for token in _TOKEN.findall(code):
        if token[0] == '"':
            literal = token[1:-1]
        elif token[0] == "\\":
            literal = token[1]
        elif token[0] in "_*":
            literal = " " if token[0] == "_" else ""
        elif token in "0#?.,":
            if suffix:
                return None  # placeholders after literal text that follows the number: not a simple pattern
            pattern.append(token)
            continue
        elif token == "%":
            (suffix if pattern else prefix).append("%")
            continue
        elif token in _DATE_OR_OTHER:
            return None
        else:
            literal = token
        (suffix if pattern else prefix).append(literal)
    if not pattern:
        return None
    return "".join(prefix), "".join(pattern), "".join(suffix)


def parse_format(code: str) -> Shown | None:
    """The pattern of a number format code; None for General, dates, text and whatever is not understood."""
    if not code or code.strip().lower() == "general":
        return None
    sections = code.split(";")
    first = _section(sections[0])
    if first is None:
        return None
    prefix, pattern, suffix = first
    if pattern.count(".") > 1 or pattern.endswith(","):
        return None  # a trailing comma scales by a thousand: left to the default text
    integer, _, decimals = pattern.partition(".")
    if "," in decimals or len(decimals) > _MAX_DECIMALS:
        return None
    negative = None
    if len(sections) > 1 and sections[1].strip():
        second = _section(sections[1])
        if second is None:
            return None
        negative = (second[0], second[2])
    return Shown(
        min_decimals=decimals.count("0"),
        max_decimals=len(decimals.replace(",", "")),
        min_integer=integer.count("0"),
        thousands="," in integer,
        percent="%" in prefix + suffix,
        prefix=prefix,
        suffix=suffix,
        negative=negative,
    )


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|_.|\*.|y+|m+|d+|a+|[hsHSeEgGbB]|.', re.DOTALL | re.IGNORECASE)
# Built-in ids a Chinese Excel shows as dates (14 follows the system's short date: yyyy/m/d there).
_BUILTIN_DATES = {14: "yyyy/m/d", 31: 'yyyy"年"m"月"d"日"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"'}


def parse_date_format(code: str) -> DateShown | None:
    """The parts of a date format (year, month, day, weekday and literal text); None for a time, elapsed or
    Chinese-numeral format, or anything else not understood (such a cell keeps the reader's default text)."""
    first = code.split(";")[0]
    for content in _BRACKET.findall(first):
        if not content.startswith("$"):
            return None  # [h] elapsed time, [DBNum1], a condition, a colour we need not handle here
    first = _BRACKET.sub("", first)
    parts: list[tuple[str, int] | str] = []
    for token in _DATE_TOKEN.findall(first):
        lowered = token.lower()
        if token[0] == '"':
            parts.append(token[1:-1])
        elif token[0] == "\\":
            parts.append(token[1])
        elif token[0] in "_*":
            parts.append(" " if token[0] == "_" else "")
        elif lowered[0] == "y":
            parts.append(("Y", 4 if len(token) > 2 else 2))
        elif lowered[0] == "m":
            if len(token) > 2:
                return None  # month names (mmm, mmmm): locale text
            parts.append(("M", len(token)))
        elif lowered[0] == "d":
            if len(token) > 2:
                return None  # weekday names in English
            parts.append(("D", len(token)))
        elif lowered[0] == "a":
            parts.append(("A", len(token)))
        elif lowered in "hseg" or lowered == "b" or token in "0#?":
            return None  # a time, an era, a number
        else:
            parts.append(token)
    fields = {part[0] for part in parts if isinstance(part, tuple)}
    if not fields & {"Y", "D"}:
        return None  # no year and no day: ``m`` alone may be minutes, and a bare weekday is no date
    return DateShown(tuple(parts))


def _any_format(code: str) -> CellFormat | None:
    return parse_format(code) or parse_date_format(code)


_pattern_of = functools.lru_cache(maxsize=512)(_any_format)  # the same few codes in every workbook
_WEEKDAYS = "一二三四五六日"
_EPOCH = datetime.date(1899, 12, 30)


def date_text(value: datetime.date | float, shown: DateShown) -> str:
    """A date (or a day serial a reader left as a number) written the way ``shown`` displays it."""
    if isinstance(value, float | int):
        if not 0 < value < 2958466:
            return ""
        value = _EPOCH + datetime.timedelta(days=int(value))
    out: list[str] = []
    for part in shown.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        field, width = part
        if field == "Y":
            out.append(str(value.year) if width == 4 else f"{value.year % 100:02d}")
        elif field == "M":
            out.append(f"{value.month:0{width}d}")
        elif field == "D":
            out.append(f"{value.day:0{width}d}")
        else:
            day = _WEEKDAYS[value.weekday()]
            out.append("星期" + day if width >= 4 else day)
    return "".join(out).strip()


def shown_text(value: float, shown: Shown) -> str:
    """``value`` written the way ``shown`` displays it (Excel rounds half away from zero)."""
    if not shown.percent and value >= 0:
        written = repr(float(value))
        integer, _, decimals = written.partition(".")
        decimals = decimals.rstrip("0")
        if len(decimals) <= shown.max_decimals and "e" not in written and integer.isdigit():
            # the shortest text of the value needs no rounding: only zeros to pad and separators to add
            decimals = decimals.ljust(shown.min_decimals, "0")
            integer = integer.lstrip("0").rjust(shown.min_integer, "0")
            if shown.thousands and integer:
                integer = f"{int(integer):,}".rjust(shown.min_integer, "0")
            return (shown.prefix + integer + ("." + decimals if decimals else "") + shown.suffix).strip()
    try:
        number = Decimal(repr(value))
    except InvalidOperation:
        return ""
    if not number.is_finite():
        return ""
    if shown.percent:
        number *= 100
    number = number.quantize(Decimal(1).scaleb(-shown.max_decimals), rounding=ROUND_HALF_UP)
    negative = number < 0
    integer, _, decimals = format(abs(number), "f").partition(".")
    decimals = decimals[: shown.max_decimals]
    while len(decimals) > shown.min_decimals and decimals.endswith("0"):
        decimals = decimals[:-1]
    integer = integer.lstrip("0").rjust(shown.min_integer, "0")
    if shown.thousands and integer:
        integer = f"{int(integer):,}".rjust(shown.min_integer, "0")
    text = integer + ("." + decimals if decimals else "")
    if negative and shown.negative is not None:
        return shown.negative[0] + text + shown.negative[1]
    if negative and number != 0:
        text = "-" + text
    return (shown.prefix + text + shown.suffix).strip()


_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CHARACTER = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _character(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code < 0x110000 else ""


def _attributes(tag: bytes, wanted: frozenset[bytes], ends: tuple[bytes, ...]) -> dict[bytes, str]:
    """The ``wanted`` attributes of a start tag (``ends``: the same names), namespace prefixes dropped, character
    references decoded."""
    found = {}
    for name, double, single in _ATTRIBUTE.findall(tag):
        if name.endswith(ends) and (name := name.rpartition(b":")[2]) in wanted:
            text = (double or single).decode("utf-8", "replace")  # an empty value leaves both empty
            found[name] = _CHARACTER.sub(_character, text) if "&" in text else text
    return found


def _tags(name: bytes, data: bytes, *wanted: bytes) -> list[dict[bytes, str]]:
    """The ``wanted`` attributes of every ``name`` start tag in ``data``, with or without a namespace prefix."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?" + name + rb"(\s[^>]*)?/?>")
    keys = frozenset(wanted)
    return [_attributes(inner, keys, wanted) for inner in pattern.findall(data)]


_LOCAL_HEADER = b"PK\x03\x04"
_UNUSUAL_FLAGS = 0x61  # encrypted, patched, strongly encrypted: zipfile gives its own error


def _read(archive: zipfile.ZipFile, data: bytes, name: str) -> bytes:
    """A member's bytes (``KeyError`` when missing), as ``archive.read`` gives them.

    The parts read here are a few KB: zipfile's file object costs more than inflating them, so a plain
    deflated member is inflated straight from ``data`` (the bytes ``archive`` was opened on), never past its
    size in the directory (checked by :func:`jixiao.read.zipguard.open_office_zip`), CRC checked. Anything
    else (stored, other methods, odd headers) goes through zipfile.
    """
    info = archive.getinfo(name)
    offset, size = info.header_offset, info.file_size
    if (
        info.compress_type == zipfile.ZIP_DEFLATED
        and size > 0  # a limit of 0 would mean none
        and not info.flag_bits & _UNUSUAL_FLAGS
        and 0 <= offset <= len(data) - 30
        and data[offset : offset + 4] == _LOCAL_HEADER
        and info.orig_filename.isascii()
    ):
        name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
        start = offset + 30 + name_length + extra_length
        end = start + info.compress_size
        if end <= len(data) and data[offset + 30 : offset + 30 + name_length] == info.orig_filename.encode():
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            content = inflater.decompress(data[start:end], size)
            if len(content) < size:
                content = (content + inflater.flush())[:size]
            if zlib.crc32(content) != info.CRC:
                raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
            return content
    return archive.read(name)


def _part(archive: zipfile.ZipFile, data: bytes, name: str) -> bytes | None:
    """A part's bytes; None when it is missing or declares a DTD (entities are never expanded here)."""
    try:
        content = _read(archive, data, name)
    except KeyError:
        return None
    return None if _DOCTYPE.search(content, 0, 4096) else content


_CELL_XFS_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?cellXfs\b")
_CELL_XFS_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?cellXfs>")


def _cell_xfs(data: bytes) -> bytes | None:
    """The first ``cellXfs`` element, start tag to end tag. Found from the places its name occurs: a regular
    expression tried at every ``<`` of the part costs more than the rest of the styles put together."""
    at = data.find(b"cellXfs")
    while at >= 0:
        start = data.rfind(b"<", 0, at)  # a start tag's name and prefix hold no "<"
        opened = _CELL_XFS_OPEN.match(data, start) if start >= 0 else None
        if opened is not None:
            closed = _CELL_XFS_CLOSE.search(data, opened.end())
            return data[start : closed.end()] if closed is not None else None  # no later start has an end either
        at = data.find(b"cellXfs", at + 1)
    return None


def _styles(archive: zipfile.ZipFile, data: bytes) -> dict[int, CellFormat]:
    """Cell style index → pattern, for the styles whose format changes how a number is shown."""
    styles = _part(archive, data, "xl/styles.xml")
    return _styles_of(styles) if styles is not None else {}


@functools.lru_cache(maxsize=16)
def _styles_of(data: bytes) -> dict[int, CellFormat]:
    """Kept for the next workbooks: files of one batch often come from one template with the same styles."""
    block = _cell_xfs(data)
    if block is None:
        return {}
    codes: dict[int, str] = {**_BUILTIN, **_BUILTIN_DATES}
    for fmt in _tags(b"numFmt", data, b"numFmtId", b"formatCode"):
        with contextlib.suppress(ValueError):
            codes[int(fmt.get(b"numFmtId", ""))] = fmt.get(b"formatCode", "")
    patterns: dict[int, CellFormat | None] = {}
    styles: dict[int, CellFormat] = {}
    for index, xf in enumerate(_tags(b"xf", block, b"numFmtId")):
        try:
            number = int(xf.get(b"numFmtId") or 0)
        except ValueError:
            continue
        if number not in patterns:
            patterns[number] = _any_format(codes.get(number, ""))
        found = patterns[number]
        if found is not None:
            styles[index] = found
    return styles


def _sheet_parts(archive: zipfile.ZipFile, data: bytes) -> dict[str, str]:
    """Sheet name → the part that holds it."""
    book = _part(archive, data, "xl/workbook.xml")
    rels = _part(archive, data, "xl/_rels/workbook.xml.rels")
    return _sheet_parts_of(book, rels) if book is not None and rels is not None else {}


@functools.lru_cache(maxsize=16)
def _sheet_parts_of(book: bytes, rels: bytes) -> dict[str, str]:
    targets = {}
    for rel in _tags(b"Relationship", rels, b"Id", b"Target"):
        target = rel.get(b"Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get(b"Id")] = path
    parts = {}
    for sheet in _tags(b"sheet", book, b"name", b"id"):
        name, rid = sheet.get(b"name"), sheet.get(b"id")
        if name is not None and rid in targets:
            parts[name] = targets[rid]
    return parts


_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')


def _column(letters: bytes) -> int:
    """0-based column of ``A``, ``B``, …, ``AA``…"""
    col = 0
    for letter in letters:
        col = col * 26 + letter - 64
    return col - 1


def _scan(
    data: bytes, common: re.Pattern[bytes], any_order: re.Pattern[bytes]
) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """(column letters, row digits, style, type) of the formatted cells; the common markup in one pass."""
    found: list[tuple[bytes, bytes, bytes, bytes]] = common.findall(data)
    if found:
        return found
    for match in any_order.finditer(data):  # prefixed tags, attributes in another order
        start = match.group(0)
        kind = _TYPE.search(start)
        ref = _REF.search(start)
        if ref is not None:
            found.append((ref.group(1), ref.group(2), match.group(1), kind.group(1) if kind else b""))
    return found


class _Columns(dict[bytes, int]):
    """Column letters → 0-based column, worked out once per process (at most 26³ entries)."""

    def __missing__(self, letters: bytes) -> int:
        self[letters] = column = _column(letters)
        return column


_COLUMNS = _Columns()


def _sheet_cells(
    sheet: bytes, common: re.Pattern[bytes], any_order: re.Pattern[bytes], by_style: dict[bytes, CellFormat]
) -> dict[tuple[int, int], CellFormat]:
    columns = _COLUMNS
    return {
        (int(digits) - 1, columns[letters]): by_style[style]
        for letters, digits, style, kind in _scan(sheet, common, any_order)
        if not kind or kind == b"n"  # a string, boolean, error or inline text: no number to show
    }


Hidden = dict[str, tuple[frozenset[int], frozenset[int]]]  # sheet name → hidden rows, hidden columns (0-based)

_HIDDEN = b'hidden="'
_HIDDEN_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|col)\s")
_HIDDEN_ON = re.compile(rb'\bhidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')
_MIN_MAX = re.compile(rb'\b(min|max)="([0-9]{1,5})"')


def _hidden_of(sheet: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """The rows and columns a sheet part marks hidden: found from where the attribute occurs (a part without
    it costs one search), each occurrence's tag read alone."""
    rows: set[int] = set()
    cols: set[int] = set()
    at = sheet.find(_HIDDEN)
    while at >= 0:
        start = sheet.rfind(b"<", 0, at)
        end = sheet.find(b">", at)
        tag = sheet[start : end + 1] if start >= 0 and end >= 0 else b""
        name = _HIDDEN_TAG.match(tag)
        if name is not None and _HIDDEN_ON.search(tag):
            if name.group(1) == b"row":
                number = _ROW_NUMBER.search(tag)
                if number is not None:
                    rows.add(int(number.group(1)) - 1)
            else:
                bounds: dict[bytes, bytes] = dict(_MIN_MAX.findall(tag))
                low = bounds.get(b"min")
                if low is not None:
                    first = int(low)
                    last = min(int(bounds.get(b"max", low)), first + 16384)
                    cols.update(range(first - 1, last))
        at = sheet.find(_HIDDEN, at + 1)
    return frozenset(rows), frozenset(cols)


Errors = dict[str, dict[tuple[int, int], str]]  # sheet name → (row, column) → #DIV/0!, #REF! … as shown

_ERROR_MARK = b't="e"'
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# an error cell from its start tag: the tag (t="e"), an optional formula, its cached value
_ERROR_CELL = re.compile(
    rb"<" + _PREFIX + rb'c\s([^>]*?\bt="e"[^>/]*)>(?:<' + _PREFIX + rb"f\b[^>]*?(?:/>|>[^<]*</" + _PREFIX + rb"f>))?<"
    + _PREFIX + rb"v>(#[^<]{1,20})</"
)  # fmt: skip


def _errors_of(sheet: bytes) -> dict[tuple[int, int], str]:
    """The error cells of a sheet part (calamine gives them as empty), found from where ``t="e"`` occurs: a part
    without one costs one search, each occurrence's cell is matched alone."""
    found: dict[tuple[int, int], str] = {}
    at = sheet.find(_ERROR_MARK)
    while at >= 0:
        start = sheet.rfind(b"<", 0, at)
        match = _ERROR_CELL.match(sheet, start) if start >= 0 else None
        if match is not None:
            ref = _REF.search(match.group(1))
            if ref is not None:
                found[int(ref.group(2)) - 1, _COLUMNS[ref.group(1)]] = match.group(2).decode("ascii", "replace")
        at = sheet.find(_ERROR_MARK, at + 1)
    return found


def sheet_facts(archive: zipfile.ZipFile, data: bytes) -> tuple[ShownCells, Hidden, Errors]:
    """Per sheet name, the number cells whose style shows them otherwise than as stored (see the module doc),
    the rows and columns hidden in Excel (unused template rows a clerk hid rather than deleted, helper
    columns: not on the form as seen or printed; only sheets hiding something are listed), and the error
    cells with the text they show (only sheets with one listed). Each sheet part is read once for all three.
    ``data`` is the bytes ``archive`` was opened on."""
    sheets: dict[str, bytes] = {}
    for name, part in _sheet_parts(archive, data).items():
        try:
            sheets[name] = _read(archive, data, part)
        except KeyError:
            continue
    hidden: Hidden = {}
    errors: Errors = {}
    for name, sheet in sheets.items():
        rows, cols = _hidden_of(sheet)
        if rows or cols:
            hidden[name] = (rows, cols)
        shown = _errors_of(sheet)
        if shown:
            errors[name] = shown
    return _shown_in(archive, data, sheets), hidden, errors


def shown_cells(archive: zipfile.ZipFile, data: bytes) -> ShownCells:
    """The first part of :func:`sheet_facts`."""
    return sheet_facts(archive, data)[0]


def _shown_in(archive: zipfile.ZipFile, data: bytes, sheets: dict[str, bytes]) -> ShownCells:
    styles = _styles(archive, data)
    if not styles:
        return {}
    ids = "|".join(str(index) for index in sorted(styles)).encode()
    common = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})" s="(' + ids + rb')"(?: t="([a-zA-Z]+)")?')
    any_order = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bs="(' + ids + rb')"[^>]*>')
    by_style = {str(index).encode(): pattern for index, pattern in styles.items()}
    return {name: functools.partial(_sheet_cells, sheet, common, any_order, by_style) for name, sheet in sheets.items()}


# ---- .xls (BIFF8): the Workbook stream's FORMAT, XF and number-cell records ----------------------

_BOF, _EOF, _FORMAT, _XF, _SHEET = 0x0809, 0x000A, 0x041E, 0x00E0, 0x0085
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006


_HEAD = struct.Struct("<HH")  # a record's type and length
_CELL = struct.Struct("<HHH")  # a cell record's row, column and XF index
_XF_INDEX = struct.Struct("<H")
_NUMBER_CELLS = frozenset({_NUMBER, _RK, _MULRK, _FORMULA})


def biff_records(stream: bytes, offset: int) -> list[tuple[int, int, int]]:
    """(type, start, end) of each record from ``offset`` to the end of its substream (its EOF included)."""
    found = []
    head = _HEAD.unpack_from
    size = len(stream)
    while offset + 4 <= size:
        kind, length = head(stream, offset)
        start = offset + 4
        offset = start + length
        if offset > size:
            break
        found.append((kind, start, offset))
        if kind == _EOF:
            break
    return found


def sheet_records(stream: bytes, position: int, wanted: frozenset[int]) -> list[tuple[int, int, int]]:
    """(type, start, length) of the records of the ``wanted`` types in the sheet substream at ``position``
    ([] when no sheet begins there). Only record headers are read: most records are cells of other kinds,
    told apart by their type alone."""
    found: list[tuple[int, int, int]] = []
    size = len(stream)
    if position + 4 > size or stream[position : position + 2] != b"\x09\x08":  # the sheet's BOF
        return found
    head = _HEAD.unpack_from
    offset = position
    while offset + 4 <= size:
        kind, length = head(stream, offset)
        start = offset + 4
        offset = start + length
        if offset > size or kind == _EOF:
            break
        if kind in wanted:
            found.append((kind, start, length))
    return found


def _biff_string(stream: bytes, start: int, count: int) -> str:
    """An XLUnicodeString body: a flags byte, then ``count`` characters, one byte each or UTF-16."""
    wide = stream[start] & 1
    body = stream[start + 1 : start + 1 + count * (2 if wide else 1)]
    return body.decode("utf-16-le" if wide else "latin-1", "replace")


def xls_shown_cells(stream: bytes) -> ShownCells:
    """:func:`shown_cells` for the Workbook stream of an .xls (BIFF8); ``{}`` for what it does not understand."""
    codes: dict[int, str] = {**_BUILTIN, **_BUILTIN_DATES}
    xf_formats: list[int] = []
    sheets: list[tuple[str, int]] = []
    try:
        for kind, start, end in biff_records(stream, 0):
            if kind == _FORMAT and end - start >= 5:
                number, count = struct.unpack_from("<HH", stream, start)
                codes[number] = _biff_string(stream, start + 4, count)
            elif kind == _XF and end - start >= 4:
                xf_formats.append(struct.unpack_from("<H", stream, start + 2)[0])
            elif kind == _SHEET and end - start >= 8:
                position, _hidden, sheet_type, count = struct.unpack_from("<IBBB", stream, start)
                if sheet_type == 0:
                    sheets.append((_biff_string(stream, start + 7, count), position))
        patterns = {number: _pattern_of(codes.get(number, "")) for number in set(xf_formats)}
        styles: dict[int, CellFormat] = {}
        for index, number in enumerate(xf_formats):
            pattern = patterns[number]
            if pattern is not None:
                styles[index] = pattern
        if not styles:
            return {}
        positions: dict[str, list[int]] = {}
        for name, position in sheets:
            positions.setdefault(name, []).append(position)
        return {name: functools.partial(_xls_cells_named, stream, at, styles) for name, at in positions.items()}
    except (struct.error, IndexError):
        return {}  # a damaged stream: calamine gives the reason, or reads what it can


def _xls_cells_named(
    stream: bytes, positions: list[int], styles: dict[int, CellFormat]
) -> dict[tuple[int, int], CellFormat]:
    """The cells of the last sheet of that name that has any (names repeat only in damaged files)."""
    found: dict[tuple[int, int], CellFormat] = {}
    for position in positions:
        cells = _xls_sheet_cells(stream, position, styles)
        if cells:
            found = cells
    return found


def _xls_sheet_cells(stream: bytes, position: int, styles: dict[int, CellFormat]) -> dict[tuple[int, int], CellFormat]:
    """The formatted number cells of the sheet substream at ``position``."""
    cells: dict[tuple[int, int], CellFormat] = {}
    head, cell, xf_index = _HEAD.unpack_from, _CELL.unpack_from, _XF_INDEX.unpack_from
    for kind, start, length in sheet_records(stream, position, _NUMBER_CELLS):
        if kind in (_NUMBER, _RK):
            if length >= 6:
                row, col, xf = cell(stream, start)
                if xf in styles:
                    cells[row, col] = styles[xf]
        elif kind == _FORMULA:
            if length >= 14:
                row, col, xf = cell(stream, start)
                if xf in styles and stream[start + 12 : start + 14] != b"\xff\xff":  # a number, not text or an error
                    cells[row, col] = styles[xf]
        elif length >= 6:  # MULRK
            row, first = head(stream, start)
            for index, entry in enumerate(range(start + 4, start + length - 2 - 5, 6)):
                xf = xf_index(stream, entry)[0]
                if xf in styles:
                    cells[row, first + index] = styles[xf]
    return cells
