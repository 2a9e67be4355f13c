"""Every list as CSV, XLSX or JSON, with the columns the page shows and the filters it has."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import orjson
import xlsxwriter  # type: ignore[import-untyped]
from starlette.responses import Response

from jixiao.render.jsonout import number

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def plain(value: Any) -> Any:
    """A value as JSON has it: decimals as numbers (exact spelling kept by their shortest form), times as ISO text."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def local(value: datetime) -> datetime:
    """Stored times are UTC (SQLite hands them back naive); shown in the server's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def json_bytes(value: Any) -> bytes:
    return orjson.dumps(plain(value), option=orjson.OPT_NON_STR_KEYS)


def text_of(value: Any) -> str:
    kind = type(value)
    if kind is str:  # most cells of a large export: returned at once
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is Decimal:
        text = str(value)
        if "E" not in text and not ("." in text and text[-1] == "0"):
            return text  # already without exponent and trailing zeros: what the arithmetic below gives
    if isinstance(value, Decimal):
        return format(value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1)), "f")
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dict | list):
        return orjson.dumps(plain(value)).decode()
    return str(value)


def to_csv(columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in columns])
    keys = [key for key, _ in columns]
    for row in rows:
        cells = [text_of(row.get(key)) for key in keys]
        writer.writerow([_safe_cell(cell) if cell and cell[0] in RISKY else cell for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


RISKY = "=+-@\t\r"


def _safe_cell(text: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is written as text."""
    if text and text[0] in RISKY and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def to_xlsx(columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], title: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    for col, (_, label) in enumerate(columns):
        sheet.write_string(0, col, label, bold)
        sheet.set_column(col, col, max(8, min(40, len(label) * 2 + 4)))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (key, _) in enumerate(columns):
            value = row.get(key)
            if isinstance(value, bool) or value is None:
                sheet.write_string(count, col, text_of(value))
            elif isinstance(value, int | Decimal):
                sheet.write_number(count, col, float(value))
            else:
                sheet.write_string(count, col, text_of(value))
    sheet.autofilter(0, 0, max(count, 1), max(len(columns) - 1, 0))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def to_json(columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    keys = [key for key, _ in columns]
    return json_bytes({**meta, "columns": dict(columns), "rows": [{k: row.get(k) for k in keys} for row in rows]})


def download(
    fmt: str,
    name: str,
    columns: Sequence[tuple[str, str]],
    rows: list[dict[str, Any]],
    meta: dict[str, Any] | None = None,
) -> Response:
    """The rows as a file to download in ``fmt`` (csv, xlsx, json)."""
    if fmt == "csv":
        body = to_csv(columns, rows)
    elif fmt == "xlsx":
        body = to_xlsx(columns, rows, name)
    else:
        body = to_json(columns, rows, meta or {})
    return attachment(body, f"{name}.{fmt}", FORMATS[fmt])


def attachment(body: bytes, filename: str, media_type: str) -> Response:
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
