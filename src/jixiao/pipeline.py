"""The pipeline, Beancount style: read → parse (→ score → check, in review).

``extract_file`` never raises for a bad input: the reason goes into
``Document.problems`` so a batch can report it and go on with the next file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from jixiao.model import Document, Problem
from jixiao.parse import parse_source
from jixiao.read import ReadError, read_path
from jixiao.read.convert import expect as expect_conversion
from jixiao.read.source import Source

SUPPORTED_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".htm", ".html", ".docx", ".xlsx", ".xlsm", ".xls", ".et", ".doc", ".wps"}
    | {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)


def extract_source(source: Source) -> Document:
    document = Document(source=source.name)
    document.problems.extend(Problem(source.path, note, fatal=False) for note in source.notes)
    document.forms = parse_source(source)
    if not document.forms:
        document.problems.append(Problem(source.path, "未找到任何绩效表或报告", fatal=False))
    return document


def extract_file(path: str | os.PathLike[str]) -> Document:
    document, _ = read_and_extract(path)
    return document


def read_and_extract(path: str | os.PathLike[str]) -> tuple[Document, Source | None]:
    name = Path(path).name
    try:
        source = read_path(path)
    except ReadError as error:
        return Document(source=name, problems=[Problem(str(path), str(error))]), None
    try:
        return extract_source(source), source
    except RecursionError:
        return Document(source=name, problems=[Problem(str(path), "文件结构过深，无法解析")]), source


def review_source(document: Document, source: Source, profile: str | None = None) -> Document:
    """Re-check every form of an extracted document under the profile that applies to it."""
    from jixiao.checks import Context, run_checks
    from jixiao.rules.profile import profile_for

    department = next((form.department for form in document.forms if form.department), None)
    year = next((form.year for form in document.forms if form.year), None)
    chosen = profile_for(department, year, profile)
    document.profile = chosen.name
    context = Context(forms=document.forms, lines=source.lines, profile=chosen, source=source.name)
    document.findings = run_checks(context)
    return document


def review_file(path: str | os.PathLike[str], profile: str | None = None) -> Document:
    """Extract, then review: findings for every check on every form."""
    document, source = read_and_extract(path)
    if source is None:
        return document
    return review_source(document, source, profile)


def iter_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files named, and the supported files under folders named (recursively, sorted).

    All are listed before the first is yielded, and the legacy Word files among
    them announced to :func:`expect_conversion`: the first one read converts
    them all with one LibreOffice start.
    """
    files = list(_listed(paths))
    expect_conversion(files)
    yield from files


def _listed(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not child.name.upper().startswith("README")
                ):
                    yield child
        else:
            yield path
