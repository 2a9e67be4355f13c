"""What calamine does not tell about a legacy .xls (BIFF8): the rows and columns hidden in Excel, and
the error cells (calamine gives them as empty).

The Workbook stream's globals list each worksheet's substream (BOUNDSHEET); a sheet's ROW records
carry a flag for a hidden row (``fDyZero``) and its COLINFO records one for a range of hidden
columns; a BOOLERR record with its error flag, or a FORMULA record whose cached result is an error,
holds an error code (#DIV/0! …). Only record headers are walked, and only those record types read.
"""

from __future__ import annotations

import struct

from jixiao.read.numfmt import Errors, Hidden, biff_records, sheet_records

__all__ = ["xls_sheet_facts"]

_SHEET, _ROW, _COLINFO, _BOOLERR, _FORMULA = 0x0085, 0x0208, 0x007D, 0x0205, 0x0006
_READ = frozenset({_ROW, _COLINFO, _BOOLERR, _FORMULA})
_HEAD = struct.Struct("<HH")
_ROW_HIDDEN = 0x0020
_MAX_COLUMNS = 256  # BIFF8 has 256 columns
_ERROR_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


def _sheet_hidden(stream: bytes, position: int) -> tuple[frozenset[int], frozenset[int], dict[tuple[int, int], str]]:
    """The hidden rows and columns and the error cells of the sheet substream at ``position``."""
    rows: set[int] = set()
    cols: set[int] = set()
    errors: dict[tuple[int, int], str] = {}
    head = _HEAD.unpack_from
    for kind, start, length in sheet_records(stream, position, _READ):
        if kind == _ROW:
            if length >= 16 and stream[start + 12] & _ROW_HIDDEN:
                rows.add(head(stream, start)[0])
        elif kind == _COLINFO and length >= 10 and stream[start + 8] & 1:
            first, last = head(stream, start)
            cols.update(range(first, min(last, _MAX_COLUMNS - 1) + 1))
        elif kind == _BOOLERR and length >= 8 and stream[start + 7] == 1 and stream[start + 6] in _ERROR_CODES:
            errors[head(stream, start)] = _ERROR_CODES[stream[start + 6]]
        elif (  # a formula whose cached result is an error: the result's last two bytes FFFF, its first 2
            kind == _FORMULA
            and length >= 14
            and stream[start + 12 : start + 14] == b"\xff\xff"
            and stream[start + 6] == 2
            and stream[start + 8] in _ERROR_CODES
        ):
            errors[head(stream, start)] = _ERROR_CODES[stream[start + 8]]
    return frozenset(rows), frozenset(cols), errors


def xls_sheet_facts(stream: bytes) -> tuple[Hidden, Errors]:
    """Per worksheet name, its hidden rows and columns (0-based) and its error cells; ``{}`` for a stream that
    cannot be walked."""
    found: Hidden = {}
    errors: Errors = {}
    try:
        for kind, start, end in biff_records(stream, 0):
            if kind != _SHEET or end - start < 8:
                continue
            position, _state, sheet_type, count = struct.unpack_from("<IBBB", stream, start)
            if sheet_type != 0:
                continue
            wide = stream[start + 7] & 1
            raw = stream[start + 8 : start + 8 + count * (2 if wide else 1)]
            rows, cols, shown = _sheet_hidden(stream, position)
            name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            if rows or cols:
                found[name] = (rows, cols)
            if shown:
                errors[name] = shown
    except (struct.error, IndexError):
        return {}, {}
    return found, errors
