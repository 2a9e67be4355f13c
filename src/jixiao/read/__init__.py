"""File → :class:`Source`: pick the reader by what the bytes are, not by the extension."""

from __future__ import annotations

import os
import re
from pathlib import Path

from jixiao.read.decode import binary_reason, decode
from jixiao.read.html import read_html
from jixiao.read.source import Cell, ReadError, Row, Source
from jixiao.read.text import read_text

MAX_BYTES = 64 * 1024 * 1024  # a self-evaluation text is ~30 KB; 64 MB is far beyond any real one
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".htm", ".html", ".csv", ".tsv", ""})

__all__ = ["MAX_BYTES", "Cell", "ReadError", "Row", "Source", "read_bytes", "read_path"]


_HTML_TABLE = re.compile(r"<table[\s>].*?</t[dh]>", re.IGNORECASE | re.DOTALL)


def _is_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return "<" in text and _HTML_TABLE.search(text) is not None


_ZIP = b"PK\x03\x04"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF: read by OCR
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _office_kind(data: bytes, name: str) -> str | None:
    """docx / xlsx / xls / doc by what the bytes are (the ZIP's parts, the OLE streams), not the name."""
    if data.startswith(_ZIP):
        head = data[: 64 * 1024]
        if b"word/" in head:
            return "docx"
        if b"xl/" in head:
            return "xlsx"
        return None
    if data.startswith(_OLE):
        from jixiao.read.convert import ole_kind

        return ole_kind(data)
    return None


def read_bytes(data: bytes, name: str, origin: str | os.PathLike[str] | None = None) -> Source:
    """Read a file's bytes; ``origin`` (its path) lets a batch-converted .doc find its conversion."""
    if not data or data.isspace():  # strip() would copy the whole file to find out
        raise ReadError("文件为空")
    office = _office_kind(data, name)
    if office in ("docx", "xlsx", "xls"):
        from jixiao.read.docx import read_docx  # imported here, once, not in every forked child
        from jixiao.read.guard import guarded_read
        from jixiao.read.xlsx import read_workbook

        return guarded_read(read_docx if office == "docx" else read_workbook, data, name)
    if office in ("doc", "wps"):
        from jixiao.read.convert import read_legacy

        return read_legacy(data, name, origin)
    if office == "encrypted":
        raise ReadError("文件已加密或设有密码，无法读取")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        from jixiao.read.guard import guarded_read
        from jixiao.read.pdf import read_pdf

        return guarded_read(read_pdf, data, name)
    if data.startswith(_IMAGES):
        from jixiao.read.guard import guarded_read
        from jixiao.read.ocr import read_image

        return guarded_read(read_image, data, name)
    reason = binary_reason(data)
    if reason is not None:
        raise ReadError(reason)
    text, encoding = decode(data, name)
    if _is_html(text):
        source = read_html(text, name, encoding=encoding)
    else:
        fmt = "markdown" if name.lower().endswith((".md", ".markdown")) else "text"
        source = read_text(text, name, encoding=encoding, fmt=fmt)
    if "\ufffd" in text:
        source.notes.append(f"文件有损坏的字节（按 {encoding} 读取，损坏处以 � 代替）")
    return source


def read_path(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> Source:
    """Read one file; raise :class:`ReadError` with the reason when it cannot be read."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror or error}") from error
    if size > max_bytes:
        raise ReadError(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {max_bytes // 1024 // 1024} MB）")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ReadError(f"无法读取文件：{error.strerror or error}") from error
    return read_bytes(data, file.name, file)
