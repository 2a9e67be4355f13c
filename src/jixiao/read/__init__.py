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


def read_bytes(data: bytes, name: str) -> Source:
    if not data.strip():
        raise ReadError("文件为空")
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
    return read_bytes(data, file.name)
