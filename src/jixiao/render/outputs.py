"""All review outputs of a batch in one call: ``<stem>.html`` and ``<stem>.xlsx`` per document, and ``index.html``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from jixiao.model import Document
from jixiao.render.html import IndexEntry, index_html, review_html
from jixiao.render.xlsx import review_xlsx

INDEX = "index.html"


def output_stem(source: str, taken: set[str]) -> str:
    """The file stem for a document's outputs: its source's stem, made unique in the batch.

    ``index`` is taken by the index page; a second ``a.txt`` (from another folder) becomes ``a-2``.
    Comparison ignores case, for case-insensitive file systems.
    """
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem = Path(name).stem or "document"
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.casefold())
    return candidate


def _write_text(path: Path, text: str) -> None:
    # a lone surrogate from a damaged input must not stop the batch
    path.write_bytes(text.encode("utf-8", "replace"))


def write_review_outputs(
    documents_with_lines: Iterable[tuple[Document, list[str] | None]],
    out_dir: str | os.PathLike[str],
) -> list[Path]:
    """Write ``<stem>.html`` and ``<stem>.xlsx`` for every reviewed document, then ``index.html`` over all.

    ``lines`` are the document's source text lines (``Source.lines``); a document given with
    ``None`` (an unreadable file) gets no report, only its row in the index with its problems.
    Returns the paths written, the index last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    taken = {Path(INDEX).stem}
    written: list[Path] = []
    entries: list[IndexEntry] = []
    for document, lines in documents_with_lines:
        if lines is None:
            entries.append(IndexEntry.from_document(document, None))
            continue
        stem = output_stem(document.source, taken)
        report = out / f"{stem}.html"
        workbook = out / f"{stem}.xlsx"
        _write_text(report, review_html(document, lines))
        review_xlsx(document, workbook)
        written += [report, workbook]
        entries.append(IndexEntry.from_document(document, quote(report.name), quote(workbook.name)))
    index = out / INDEX
    _write_text(index, index_html(entries))
    written.append(index)
    return written
