"""What calamine does not tell about a legacy .xls (BIFF8): the rows and columns hidden in Excel.

The Workbook stream's globals list each worksheet's substream (BOUNDSHEET); a sheet's ROW records
carry a flag for a hidden row (``fDyZero``) and its COLINFO records one for a range of hidden
columns. Only record headers are walked, and only those two record types read.
"""

from __future__ import annotations

import struct

from jixiao.read.numfmt import Hidden, biff_records

__all__ = ["xls_hidden_cells"]

_EOF, _SHEET, _ROW, _COLINFO = 0x000A, 0x0085, 0x0208, 0x007D
_HEAD = struct.Struct("<HH")
_ROW_HIDDEN = 0x0020
_MAX_COLUMNS = 256  # BIFF8 has 256 columns


def _sheet_hidden(stream: bytes, position: int) -> tuple[frozenset[int], frozenset[int]]:
    """One pass over the sheet substream's record headers (most records are cells, told apart by type alone)."""
    rows: set[int] = set()
    cols: set[int] = set()
    size = len(stream)
    if position + 4 > size or stream[position : position + 2] != b"\x09\x08":  # the sheet's BOF
        return frozenset(), frozenset()
    head = _HEAD.unpack_from
    offset = position
    while offset + 4 <= size:
        kind, length = head(stream, offset)
        start = offset + 4
        offset = start + length
        if offset > size or kind == _EOF:
            break
        if kind == _ROW:
            if length >= 16 and stream[start + 12] & _ROW_HIDDEN:
                rows.add(head(stream, start)[0])
        elif kind == _COLINFO and length >= 10 and stream[start + 8] & 1:
            first, last = head(stream, start)
            cols.update(range(first, min(last, _MAX_COLUMNS - 1) + 1))
    return frozenset(rows), frozenset(cols)


def xls_hidden_cells(stream: bytes) -> Hidden:
    """Per worksheet name, its hidden rows and columns (0-based); ``{}`` for a stream that cannot be walked."""
    found: Hidden = {}
    try:
        for kind, start, end in biff_records(stream, 0):
            if kind != _SHEET or end - start < 8:
                continue
            position, _state, sheet_type, count = struct.unpack_from("<IBBB", stream, start)
            if sheet_type != 0:
                continue
            wide = stream[start + 7] & 1
            raw = stream[start + 8 : start + 8 + count * (2 if wide else 1)]
            rows, cols = _sheet_hidden(stream, position)
            if rows or cols:
                found[raw.decode("utf-16-le" if wide else "latin-1", "replace")] = (rows, cols)
    except (struct.error, IndexError):
        return {}
    return found
