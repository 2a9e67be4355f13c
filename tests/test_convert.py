"""Legacy .doc/.wps files go through LibreOffice into the docx reader; a folder costs one LibreOffice start.

The .doc files are made by LibreOffice itself from python-docx files, so the
test reads real Word 97–2003 bytes.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
import xlwt

from jixiao.model import ProjectForm
from jixiao.pipeline import extract_file, iter_inputs, read_and_extract
from jixiao.read import ReadError, convert, read_bytes, read_path
from jixiao.read.convert import convert_many, export, ole_kind, ole_streams, soffice_path

SOFFICE = soffice_path()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

ROWS = [
    ["项目名称", "青禾职工书屋建设", "", ""],
    ["主管部门", "青禾县总工会", "实施单位", "宣传部"],
    ["", "年初预算数", "全年预算数", "全年执行数"],
    ["年度资金总额", "20", "20", "18"],
]


def _form_docx(path: Path, project: str = "青禾职工书屋建设") -> None:
    word = docx.Document()
    word.add_paragraph("项目支出绩效自评表")
    word.add_paragraph("（2023年度）")
    table = word.add_table(rows=len(ROWS), cols=4)
    table.style = "Table Grid"
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            table.cell(r, c).text = project if (r, c) == (0, 1) else value
    table.cell(0, 1).merge(table.cell(0, 3))  # the project name spans three columns
    word.add_paragraph("填报人：青禾县总工会财务科")  # LibreOffice drops a table that ends the body
    word.save(str(path))


def _to_doc(sources: list[Path], into: Path) -> list[Path]:
    """Convert .docx files to Word 97–2003 with LibreOffice, in one call."""
    made = export(sources, "doc:MS Word 97", into, timeout=300)
    assert [path.stem for path in made] == [source.stem for source in sources]
    return made


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three real .doc files: a project form and two more forms with other project names."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("docs")
    sources = []
    for stem, project in (("form", "青禾职工书屋建设"), ("second", "青禾职工健身角"), ("third", "青禾困难职工帮扶")):
        path = folder / f"{stem}.docx"
        _form_docx(path, project)
        sources.append(path)
    made = _to_doc(sources, folder / "doc")
    return {path.stem: path for path in made}


@pytest.fixture
def soffice_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records every LibreOffice start (the real process still runs)."""
    calls: list[list[str]] = []
    real: Callable[..., Any] = subprocess.Popen

    def spy(command: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(convert.subprocess, "Popen", spy)
    return calls


def test_ole_directory_names_the_word_stream(docs: dict[str, Path]) -> None:
    data = docs["form"].read_bytes()
    names = ole_streams(data)
    assert names is not None and "WordDocument" in names
    assert ole_kind(data) == "doc"


def test_xls_is_routed_to_the_workbook_reader_not_to_libreoffice(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("自评表").write(0, 0, "青禾县总工会")
    path = tmp_path / "form.xls"
    book.save(str(path))
    data = path.read_bytes()
    assert ole_kind(data) == "xls"
    (tmp_path / "form.et").write_bytes(data)  # WPS 表格 .et files are BIFF too
    assert read_path(tmp_path / "form.et").lines == ["青禾县总工会"]


@needs_soffice
def test_doc_is_read_with_merges_names_the_original_file_and_extracts(docs: dict[str, Path]) -> None:
    document, source = read_and_extract(docs["form"])
    assert source is not None
    assert source.path == "form.doc"
    assert source.format == "doc"
    first = next(row for row in source.rows if row.table)
    assert [cell.text for cell in first.cells] == [
        "项目名称",
        "青禾职工书屋建设",
        "青禾职工书屋建设",
        "青禾职工书屋建设",
    ]
    assert [cell.inherited for cell in first.cells] == [False, False, True, True]
    assert "主管部门\t青禾县总工会\t实施单位\t宣传部" in source.lines
    assert not [problem for problem in document.problems if problem.fatal]
    forms = [form for form in document.forms if isinstance(form, ProjectForm)]
    assert [form.project for form in forms] == ["青禾职工书屋建设"]
    assert str(forms[0].funds.total.executed) == "18"


@needs_soffice
def test_wps_in_word_binary_format_is_read_whatever_its_name(docs: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "青禾自评.wps"
    shutil.copyfile(docs["second"], path)
    source = read_bytes(path.read_bytes(), path.name)
    assert source.path == "青禾自评.wps"
    assert any("青禾职工健身角" in line for line in source.lines)


@needs_soffice
def test_convert_many_uses_one_libreoffice_start(
    docs: dict[str, Path], tmp_path: Path, soffice_calls: list[list[str]]
) -> None:
    not_word = tmp_path / "notes.doc"
    not_word.write_text("青禾县总工会：这不是 Word 文件", encoding="utf-8")
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(docs["third"].read_bytes()[:1536])
    paths = [docs["form"], docs["second"], not_word, damaged, docs["third"]]
    results = convert_many(paths)
    assert len(soffice_calls) == 1
    assert set(results) == set(paths)
    for good in (docs["form"], docs["second"], docs["third"]):
        data = results[good]
        assert isinstance(data, bytes) and data.startswith(b"PK\x03\x04")
    assert isinstance(results[not_word], ReadError) and "不是旧版 Word" in str(results[not_word])
    assert isinstance(results[damaged], ReadError) and str(results[damaged])


@needs_soffice
def test_a_folder_of_doc_files_costs_one_libreoffice_start(
    docs: dict[str, Path], tmp_path: Path, soffice_calls: list[list[str]]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for stem, path in docs.items():
        shutil.copyfile(path, folder / f"{stem}.doc")
    projects = []
    for file in iter_inputs([folder]):
        document, source = read_and_extract(file)
        assert source is not None and source.path == file.name
        projects += [form.project for form in document.forms if isinstance(form, ProjectForm)]
    assert sorted(projects) == sorted(["青禾职工书屋建设", "青禾职工健身角", "青禾困难职工帮扶"])
    assert len(soffice_calls) == 1
    assert len(soffice_calls[0]) > 3 and sum(arg.endswith(".doc") for arg in soffice_calls[0]) == 3


@needs_soffice
def test_a_file_changed_after_the_batch_is_converted_again(
    docs: dict[str, Path], tmp_path: Path, soffice_calls: list[list[str]]
) -> None:
    first, second = tmp_path / "a.doc", tmp_path / "b.doc"
    shutil.copyfile(docs["form"], first)
    shutil.copyfile(docs["second"], second)
    files = list(iter_inputs([first, second]))
    read_path(files[0])
    shutil.copyfile(docs["third"], second)  # replaced between the batch and its reading
    assert any("青禾困难职工帮扶" in line for line in read_path(files[1]).lines)
    assert len(soffice_calls) == 2


@needs_soffice
def test_a_conversion_that_overruns_is_killed(
    docs: dict[str, Path], monkeypatch: pytest.MonkeyPatch, soffice_calls: list[list[str]]
) -> None:
    monkeypatch.setenv("JIXIAO_CONVERT_TIMEOUT", "0.05")
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT_PER_FILE", 0.0)
    results = convert_many([docs["form"], docs["second"]])
    for result in results.values():
        assert isinstance(result, ReadError) and "超时" in str(result)
    assert len(soffice_calls) == 3  # the batch, then each unfinished file on its own


def test_missing_libreoffice_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    path = tmp_path / "old.doc"
    path.write_bytes(_minimal_word_ole())
    with pytest.raises(ReadError, match="libreoffice-writer-nogui"):
        read_path(path)
    document = extract_file(path)
    assert document.problems[0].fatal and "LibreOffice" in document.problems[0].message


def _minimal_word_ole() -> bytes:
    """A well-formed OLE compound file whose directory holds one ``WordDocument`` stream."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 0x1000)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    directory = b""
    for name, kind in (("Root Entry", 5), ("WordDocument", 2)):
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<HB", entry, 0x40, len(encoded), kind)
        directory += entry
    return bytes(header) + fat + directory.ljust(512, b"\0")


def test_the_ole_directory_is_read_not_guessed() -> None:
    data = _minimal_word_ole()
    assert ole_streams(data) == ["Root Entry", "WordDocument"]
    assert ole_kind(data) == "doc"
    assert ole_kind(data.replace("WordDocument".encode("utf-16-le"), "EncryptedPac".encode("utf-16-le"))) is None


def test_export_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(FileNotFoundError, match="LibreOffice"):
        export([tmp_path / "form.docx"], "pdf", tmp_path)
