"""Hostile and corrupted files: every one is read or refused with a Chinese reason, none hangs or crashes.

Over 200 files are generated at test time from valid text, HTML, docx, xlsx,
xls and PDF files (and .doc when LibreOffice is installed): truncations and
bit flips with fixed seeds, zip bombs (huge members, extreme ratios,
thousands of members, overlapping members, lying sizes, nesting), XML entity
attacks, encrypted containers, PDFs with absurd page trees, wrong names,
empty and random files and a 300 MB file. For each, ``read_path`` must give
a ``Source`` or raise ``ReadError`` with a non-empty Chinese message; where
the right outcome is known (a bomb is refused, a misnamed file reads like the
original) it is asserted too. Nothing here sets a test timeout: the
reader's own deadline (``jixiao.read.guard``) is what keeps every case
bounded. The batch test runs ``jixiao extract``/``review`` over a folder
mixing hostile and good files.
"""

from __future__ import annotations

import ctypes
import io
import os
import pickle
import random
import re
import socket
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import xlsxwriter
import xlwt
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.pipeline import SUPPORTED_SUFFIXES
from jixiao.read import ReadError, Source, guard, read_bytes, read_path
from jixiao.read.convert import export, soffice_path
from jixiao.read.guard import ReaderCrash, allow_more_time, guarded_read, stop_worker

READ_TIMEOUT = "30"  # seconds; the guard's bound for every case below
SOFFICE = soffice_path()
_CJK = re.compile("[\u4e00-\u9fff]")

TEXT_FORM = (
    "项目支出绩效自评表\n（2023年度）\n项目名称\t青禾职工书屋建设\n主管部门\t青禾县总工会\t实施单位\t宣传部\n"
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "\t年度资金总额\t20\t20\t18\t10\t90%\t9\n"
)
ROWS = [
    ["项目名称", "青禾职工书屋建设", "", ""],
    ["主管部门", "青禾县总工会", "实施单位", "宣传部"],
    ["", "年初预算数", "全年预算数", "全年执行数"],
    ["年度资金总额", "20", "20", "18"],
]
HTML_FORM = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
    "body{font-family:'Noto Sans CJK SC',sans-serif} td{border:1px solid #000;padding:4px}</style></head><body>"
    "<h1>项目支出绩效自评表</h1><p>（2023年度）</p><table>"
    + "".join("<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>" for row in ROWS)
    + "</table><p>青禾县总工会填报</p></body></html>"
)


@pytest.fixture(autouse=True)
def _bounded_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_READ_TIMEOUT", READ_TIMEOUT)


# ---------------------------------------------------------------- valid files


def _docx() -> bytes:
    word = docx.Document()
    word.add_paragraph("项目支出绩效自评表")
    word.add_paragraph("（2023年度）")
    table = word.add_table(rows=len(ROWS), cols=4)
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(0, 1).merge(table.cell(0, 3))
    word.add_paragraph("青禾县总工会填报")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("自评表")
    sheet.merge_range(0, 0, 0, 3, "项目支出绩效自评表")
    for r, values in enumerate(ROWS, start=1):
        for c, value in enumerate(values):
            if value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("自评表")
    sheet.write_merge(0, 0, 0, 3, "项目支出绩效自评表")
    for r, values in enumerate(ROWS, start=1):
        for c, value in enumerate(values):
            sheet.write(r, c, int(value) if value.isdigit() else value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_from_html() -> bytes:
    import weasyprint

    return bytes(weasyprint.HTML(string=HTML_FORM).write_pdf())


def _doc(folder: Path, docx_bytes: bytes) -> bytes | None:
    if SOFFICE is None:
        return None
    source = folder / "form.docx"
    source.write_bytes(docx_bytes)
    return export([source], "doc:MS Word 97", folder, timeout=300)[0].read_bytes()


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The valid files every corruption starts from, keyed by their suffix."""
    made = {
        "txt": TEXT_FORM.encode("utf-8"),
        "html": HTML_FORM.encode("utf-8"),
        "docx": _docx(),
        "xlsx": _xlsx(),
        "xls": _xls(),
        "pdf": _pdf_from_html(),
        "png": _png(),
    }
    doc = _doc(tmp_path_factory.mktemp("doc"), made["docx"])
    if doc is not None:
        made["doc"] = doc
    return made


# ------------------------------------------------------------ hostile builders


@dataclass(frozen=True)
class Case:
    """A hostile file: its name, how to make its bytes, and what reading it must give."""

    name: str
    make: Callable[[dict[str, bytes]], bytes]
    expect: str = "any"  # "any" | "error" | "source" | "same:<base>" (reads exactly like that valid file)
    reason: str = ""  # a word the ReadError must contain


def _truncate(base: str, fraction: float) -> Callable[[dict[str, bytes]], bytes]:
    return lambda b: b[base][: max(1, int(len(b[base]) * fraction))]


def _flip(base: str, seed: int) -> Callable[[dict[str, bytes]], bytes]:
    def make(b: dict[str, bytes]) -> bytes:
        rng = random.Random(seed)
        data = bytearray(b[base])
        for _ in range(rng.choice((1, 3, 16, 64))):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)

    return make


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(members: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _with(base: str, name: str, content: bytes) -> Callable[[dict[str, bytes]], bytes]:
    """The base container with one member replaced or added."""
    return lambda b: _zip({**_members(b[base]), name: content})


def _many_members(base: str) -> Callable[[dict[str, bytes]], bytes]:
    def make(b: dict[str, bytes]) -> bytes:
        extra = {f"customXml/item{i}.xml": b"<a/>" for i in range(3000)}
        return _zip({**_members(b[base]), **extra}, level=1)

    return make


def _patch_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite a member's declared uncompressed size in its local header and the central directory."""
    out = bytearray(data)
    encoded = member.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            if out[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", out, start + size_at, size)
            start += 4
    return bytes(out)


def _declared_huge(base: str, member: str) -> Callable[[dict[str, bytes]], bytes]:
    return lambda b: _patch_sizes(b[base], member, 0xFFFFFFF0)


def _lying_small(base: str, member: str) -> Callable[[dict[str, bytes]], bytes]:
    """A member that inflates to 40 MB while its headers claim 2 KB."""

    def make(b: dict[str, bytes]) -> bytes:
        members = _members(b[base])
        members[member] = members[member] + b" " * (40 * 1024 * 1024)
        return _patch_sizes(_zip(members, level=9), member, 2048)

    return make


def _encrypted_flag(base: str) -> Callable[[dict[str, bytes]], bytes]:
    """Every member marked encrypted (general-purpose flag bit 0), as a password-protected ZIP has."""

    def make(b: dict[str, bytes]) -> bytes:
        out = bytearray(b[base])
        for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (start := out.find(signature, start)) >= 0:
                out[start + flag_at] |= 1
                start += 4
        return bytes(out)

    return make


def _overlapping(first_member: str) -> Callable[[dict[str, bytes]], bytes]:
    """A non-recursive zip bomb: 1 500 central entries all pointing at one 20 MB deflate stream."""

    def make(_: dict[str, bytes]) -> bytes:
        raw = b"\0" * (20 * 1024 * 1024)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = compressor.compress(raw) + compressor.flush()
        crc = zlib.crc32(raw)
        name = first_member.encode()
        local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), len(raw), len(name), 0)
        body = local + name + packed
        central = b""
        count = 1500
        for index in range(count):
            entry = first_member.encode() if index == 0 else f"word/part{index}.xml".encode()
            central += struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), len(raw),
                len(entry), 0, 0, 0, 0, 0, 0,
            ) + entry  # fmt: skip
        end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
        return body + central + end

    return make


def _nested(base: str) -> Callable[[dict[str, bytes]], bytes]:
    """A zip of a zip of a zip of 30 MB of zeros, embedded as an attachment."""

    def make(b: dict[str, bytes]) -> bytes:
        inner = b"\0" * (30 * 1024 * 1024)
        for depth in range(3):
            inner = _zip({f"layer{depth}.bin": inner}, level=9)
        return _zip({**_members(b[base]), "word/embeddings/nested.zip": inner})

    return make


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
_DTD_LAUGHS = f'<!DOCTYPE d [<!ENTITY l0 "哈哈">{_LAUGHS}]>'
_DTD_FILE = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_DTD_REMOTE = '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">'
_DTD_PARAMETER = '<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"><!ENTITY % q "<!ENTITY x \'%p;\'>">%q;]>'


def _document_xml(dtd: str, entity: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<w:document {_W}><w:body>'
        f"<w:p><w:r><w:t>项目名称{entity}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def _shared_strings(dtd: str, entity: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<sst {_S} count="1" uniqueCount="1">'
        f"<si><t>项目名称{entity}</t></si></sst>"
    ).encode()


def _sheet_xml(cells: str, dimension: str = "A1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_S}><dimension ref="{dimension}"/>'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def _deep_docx(b: dict[str, bytes]) -> bytes:
    depth = 5000
    body = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}<w:p/></w:body></w:document>'
    return _with("docx", "word/document.xml", xml.encode())(b)


def _huge_sheet(b: dict[str, bytes]) -> bytes:
    """A sheet whose used range is every cell Excel allows: 17 billion slots for two values."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>项目</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    return _with("xlsx", "xl/worksheets/sheet1.xml", _sheet_xml(cells, "A1:XFD1048576"))(b)


def _ole(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE compound file (512-byte sectors, one FAT sector) holding the given streams."""
    entries = [("Root Entry", 5, b""), *((name, 2, data.ljust(4096, b"\0")) for name, data in streams)]
    dir_sectors = (len(entries) + 3) // 4
    fat = [0xFFFFFFFD]  # sector 0 is the FAT itself
    chains: list[int] = []
    for count in [dir_sectors, *((len(data) + 511) // 512 for _, _, data in entries[1:])]:
        chains.append(len(fat))
        fat.extend([*range(len(fat) + 1, len(fat) + count), 0xFFFFFFFE])
    assert len(fat) <= 128
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, chains[0], 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([0xFFFFFFFF] * 108))
    directory = bytearray()
    for index, (name, kind, data) in enumerate(entries):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        right = index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF
        child = 1 if index == 0 and len(entries) > 1 else 0xFFFFFFFF
        struct.pack_into("<HBBIII", entry, 0x40, len(encoded), kind, 1, 0xFFFFFFFF, right, child)
        start = chains[index] if index else 0xFFFFFFFE
        struct.pack_into("<II", entry, 0x74, start, len(data))
        directory += entry
    sectors = bytes(directory).ljust(dir_sectors * 512, b"\0")
    sectors += b"".join(data.ljust((len(data) + 511) // 512 * 512, b"\0") for _, _, data in entries[1:])
    return bytes(header) + struct.pack("<128I", *fat, *([0xFFFFFFFF] * (128 - len(fat)))) + sectors


def _encrypted_package(_: dict[str, bytes]) -> bytes:
    info = struct.pack("<HHI", 4, 4, 0x40) + "<encryption/>".encode("utf-16-le")
    return _ole([("EncryptionInfo", info), ("EncryptedPackage", struct.pack("<Q", 9000) + os.urandom(9000))])


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
)
_CONTENT = b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 72 720 Td (Page) Tj ET\nendstream"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf_pages(kids: int, count: int) -> Callable[[dict[str, bytes]], bytes]:
    """A page tree declaring ``count`` pages whose ``kids`` entries all point at one page."""
    pages = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, b" ".join([b"3 0 R"] * kids))
    return lambda _: _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", pages, _PAGE, _CONTENT, _FONT])


def _pdf_cycle(_: dict[str, bytes]) -> bytes:
    pages = b"<< /Type /Pages /Count 3 /Kids [2 0 R 3 0 R] >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", pages, _PAGE, _CONTENT, _FONT])


def _pdf_bogus_encryption(_: dict[str, bytes]) -> bytes:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"ab" * 32, b"cd" * 32)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>", _PAGE, _CONTENT]
    trailer = b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (b"01" * 16, b"01" * 16)
    return _pdf([*objects, _FONT, encrypt], trailer)


def _pdf_encrypted_by_libreoffice(b: dict[str, bytes]) -> bytes:
    assert SOFFICE is not None
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"jixiao-hostile-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    (folder / "form.docx").write_bytes(b["docx"])
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"qh"}}'
    return export([folder / "form.docx"], f"pdf:writer_pdf_Export:{options}", folder, timeout=300)[0].read_bytes()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), "white").save(out, "PNG")
    return out.getvalue()


def _random(seed: int, prefix: bytes = b"") -> Callable[[dict[str, bytes]], bytes]:
    def make(_: dict[str, bytes]) -> bytes:
        rng = random.Random(seed)
        return prefix + rng.randbytes(rng.choice((1, 7, 512, 4096, 65536)))

    return make


def _cases() -> list[Case]:
    cases: list[Case] = []
    fractions = (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999)
    for base in ("txt", "html", "docx", "xlsx", "xls", "pdf"):
        cases += [Case(f"truncated_{i}.{base}", _truncate(base, f)) for i, f in enumerate(fractions)]
        cases += [Case(f"flipped_{seed}.{base}", _flip(base, seed)) for seed in range(14)]
    for base in ("doc",):  # each costs a LibreOffice start
        cases += [Case(f"truncated_{i}.{base}", _truncate(base, f)) for i, f in enumerate((0.3, 0.8))]
        cases += [Case(f"flipped_{seed}.{base}", _flip(base, seed)) for seed in (3, 5)]
    for base, main, other in (
        ("docx", "word/document.xml", "word/media/zeros.bin"),
        ("xlsx", "xl/worksheets/sheet1.xml", "xl/media/zeros.bin"),
    ):
        cases += [
            Case(f"bomb_declared_huge.{base}", _declared_huge(base, main), "error", "过大"),
            Case(f"bomb_ratio.{base}", _with(base, other, b"\0" * (5 * 1024 * 1024)), "error", "压缩"),
            Case(f"bomb_members.{base}", _many_members(base), "error", "部件"),
            Case(f"bomb_overlapping.{base}", _overlapping(main), "error"),
            Case(f"bomb_lying_sizes.{base}", _lying_small(base, main)),
            Case(f"bomb_nested.{base}", _nested(base)),
            Case(f"encrypted_members.{base}", _encrypted_flag(base), "error", "加密"),
            Case(f"encrypted_package.{base}", _encrypted_package, "error", "加密"),
        ]
    cases.append(Case("bomb_huge_member.docx", _with("docx", "word/document.xml", b" " * (110 * 1024 * 1024)), "error"))
    for label, dtd, entity in (
        ("laughs", _DTD_LAUGHS, "&l9;"),
        ("file_entity", _DTD_FILE, "&x;"),
        ("remote_dtd", _DTD_REMOTE, ""),
        ("parameter_entity", _DTD_PARAMETER, "&x;"),
    ):
        cases += [
            Case(f"xml_{label}.docx", _with("docx", "word/document.xml", _document_xml(dtd, entity))),
            Case(f"xml_{label}.xlsx", _with("xlsx", "xl/sharedStrings.xml", _shared_strings(dtd, entity))),
        ]
    laughs_types = f'<?xml version="1.0"?>{_DTD_LAUGHS}<Types>&l9;</Types>'.encode()
    cases += [
        Case("xml_laughs_content_types.docx", _with("docx", "[Content_Types].xml", laughs_types)),
        Case("xml_laughs_content_types.xlsx", _with("xlsx", "[Content_Types].xml", laughs_types)),
        Case("deep_tables.docx", _deep_docx),
        Case("sheet_of_17_billion_cells.xlsx", _huge_sheet, "error"),
        Case("missing_parts.docx", lambda b: _zip({"word/document.xml": _members(b["docx"])["word/document.xml"]})),
        Case("thousands_of_pages.pdf", _pdf_pages(5000, 5000), "error"),
        Case("declares_pages_it_lacks.pdf", _pdf_pages(1, 100_000)),
        Case("page_tree_cycle.pdf", _pdf_cycle),
        Case("encrypted_bogus.pdf", _pdf_bogus_encryption, "error"),
        Case("deep_nesting.html", lambda _: ("<div>" * 200_000 + "项目名称" + "</div>" * 200_000).encode()),
        Case("deep_tables.html", lambda _: ("<table><tr><td>" * 3_000 + "项目名称").encode()),
        Case("one_long_line.txt", lambda _: ("项目名称青禾职工书屋建设" * 400_000).encode()),
        Case("nul_padded.txt", lambda b: b["txt"] + b"\0" * 100_000, "error"),
        Case("pdf_named.docx", lambda b: b["pdf"], "same:pdf"),
        Case("docx_named.txt", lambda b: b["docx"], "same:docx"),
        Case("xlsx_named.pdf", lambda b: b["xlsx"], "same:xlsx"),
        Case("xls_named.docx", lambda b: b["xls"], "same:xls"),
        Case("html_named.xlsx", lambda b: b["html"], "same:html"),
        Case("text_named.xls", lambda b: b["txt"], "same:txt"),
        Case("image_named.xlsx", lambda b: b["png"], "same:png"),
    ]
    if SOFFICE is not None:
        cases += [
            Case("doc_named.txt", lambda b: b["doc"], "same:doc"),
            Case("encrypted_by_libreoffice.pdf", _pdf_encrypted_by_libreoffice, "error"),
        ]
    for suffix in ("txt", "html", "docx", "xlsx", "xls", "pdf", "doc"):
        cases.append(Case(f"empty.{suffix}", lambda _: b"", "error", "空"))
    cases += [
        Case("whitespace.txt", lambda _: b" \n\t\r\n  ", "error", "空"),
        Case("bom_only.txt", lambda _: b"\xef\xbb\xbf", "any"),
    ]
    suffixes = ("txt", "docx", "xlsx", "xls", "pdf", "html", "doc", "bin")
    cases += [Case(f"random_{seed}.{suffixes[seed % len(suffixes)]}", _random(seed)) for seed in range(16)]
    magics = {
        "zip": b"PK\x03\x04",
        "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "pdf": b"%PDF-1.7\n",
        "png": b"\x89PNG\r\n\x1a\n",
        "gzip": b"\x1f\x8b",
        "utf16": b"\xff\xfe",
    }
    for label, magic in magics.items():
        cases += [Case(f"random_after_{label}_{seed}.bin", _random(100 + seed, magic)) for seed in range(3)]
    return [case for case in cases if not case.name.endswith(".doc") or SOFFICE is not None]


CASES = _cases()


def test_there_are_at_least_200_hostile_files() -> None:
    assert len(CASES) + 1 >= 200  # + the 300 MB file below
    assert len({case.name for case in CASES}) == len(CASES)


def _outcome(path: Path) -> Source | ReadError:
    """What reading gives: a Source, or the ReadError. Any other exception fails the test."""
    try:
        source = read_path(path)
    except ReadError as error:
        message = str(error)
        assert message.strip(), f"{path.name}: empty ReadError"
        assert _CJK.search(message), f"{path.name}: reason is not in Chinese: {message!r}"
        return error
    assert isinstance(source, Source)
    assert all(isinstance(line, str) for line in source.lines)
    return source


def _same(first: Source | ReadError, second: Source | ReadError) -> bool:
    if isinstance(first, ReadError) or isinstance(second, ReadError):
        return str(first) == str(second)
    return first.lines == second.lines and first.format == second.format


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_file_is_read_or_refused_with_a_reason(case: Case, bases: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.make(bases))
    started = time.monotonic()
    outcome = _outcome(path)
    assert time.monotonic() - started < float(READ_TIMEOUT) + 60  # the guard's bound, plus LibreOffice's start
    if case.expect == "error":
        assert isinstance(outcome, ReadError), f"{case.name} was read: {outcome}"
    elif case.expect.startswith("same:"):
        base = case.expect.removeprefix("same:")
        original = tmp_path / f"original.{base}"
        original.write_bytes(bases[base])
        assert _same(outcome, _outcome(original))
    if case.reason:
        assert isinstance(outcome, ReadError) and case.reason in str(outcome)
    if isinstance(outcome, Source):
        assert outcome.path == case.name
        assert sum(map(len, outcome.lines)) < 20_000_000  # no entity or bomb was expanded
        assert not any("root:" in line for line in outcome.lines)  # no external entity was resolved


def test_a_300_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.docx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(300 * 1024 * 1024)
    before = _bytes_read()
    outcome = _outcome(path)
    assert isinstance(outcome, ReadError) and "过大" in str(outcome)
    assert _bytes_read() - before < 1024 * 1024  # refused from its size: its 300 MB were never read


def _bytes_read() -> int:
    """Bytes this process has read through system calls so far (Linux /proc accounting)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_valid_bases_are_read(bases: dict[str, bytes], tmp_path: Path) -> None:
    """The corruptions start from files that do read, so a refusal above is the corruption's doing."""
    for suffix, data in bases.items():
        if suffix in ("pdf", "png"):
            continue  # a blank image has no text; the PDF is compared by "same:pdf" above
        path = tmp_path / f"form.{suffix}"
        path.write_bytes(data)
        source = read_path(path)
        assert any("青禾职工书屋建设" in line for line in source.lines), suffix


# ----------------------------------------------------------- the guard itself


def _sleeps(data: bytes, name: str) -> Source:
    time.sleep(60)
    return Source(path=name, lines=[])


def _allocates(data: bytes, name: str) -> Source:
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))


def _segfaults(data: bytes, name: str) -> Source:
    ctypes.string_at(0)
    return Source(path=name, lines=[])


def _buggy(data: bytes, name: str) -> Source:
    return Source(path=name, lines=[data.decode("ascii")])


def _refuses(data: bytes, name: str) -> Source:
    raise ReadError("文件已损坏（测试）")


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reader_that_overruns_is_killed_at_the_deadline(isolate: bool) -> None:
    started = time.monotonic()
    with pytest.raises(ReadError, match=r"读取超时（超过 1 秒），已中止"):
        guarded_read(_sleeps, b"x", "slow.docx", timeout=1, isolate=isolate)
    assert time.monotonic() - started < 5


def test_the_deadline_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_READ_TIMEOUT", "0.5")
    with pytest.raises(ReadError, match=r"0\.5 秒"):
        guarded_read(_sleeps, b"x", "slow.docx")


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reader_that_allocates_without_end_gets_a_memory_message(isolate: bool) -> None:
    with pytest.raises(ReadError, match="内存超出上限（256 MB）"):
        guarded_read(_allocates, b"x", "greedy.xlsx", memory_mb=256, isolate=isolate)


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reader_that_crashes_is_reported_not_fatal(isolate: bool) -> None:
    with pytest.raises(ReadError, match="崩溃（信号 SIGSEGV）"):
        guarded_read(_segfaults, b"x", "crash.pdf", isolate=isolate)


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reader_bug_surfaces_with_the_child_traceback(isolate: bool) -> None:
    with pytest.raises(ReaderCrash, match="UnicodeDecodeError") as raised:
        guarded_read(_buggy, "青禾".encode(), "bug.docx", isolate=isolate)
    assert "_buggy" in str(raised.value)


def test_read_errors_and_sources_cross_the_process_boundary(bases: dict[str, bytes]) -> None:
    with pytest.raises(ReadError, match=r"^文件已损坏（测试）$"):
        guarded_read(_refuses, b"x", "bad.docx")
    assert read_bytes(bases["docx"], "form.docx").lines[0] == "项目支出绩效自评表"
    first = read_bytes(bases["xlsx"], "form.xlsx")
    assert [(cell.text, cell.inherited) for cell in first.rows[1].cells][:2] == [
        ("项目名称", False),
        ("青禾职工书屋建设", False),
    ]


def test_good_files_read_after_every_kind_of_failure(bases: dict[str, bytes]) -> None:
    """Whatever killed or upset the reader before, the next file is read normally."""
    failures: list[tuple[Callable[[bytes, str], Source], float | None, int | None]] = [
        (_segfaults, None, None), (_sleeps, 1, None), (_allocates, None, 256), (_buggy, None, None),
        (_refuses, None, None),
    ]  # fmt: skip
    for reader, timeout, memory_mb in failures:
        with pytest.raises((ReadError, ReaderCrash)):
            guarded_read(reader, "青禾".encode(), "bad.docx", timeout=timeout, memory_mb=memory_mb)
        assert read_bytes(bases["docx"], "form.docx").lines[0] == "项目支出绩效自评表"


def test_the_worker_holds_no_inherited_socket(bases: dict[str, bytes]) -> None:
    """A server's connection closed by the parent must not stay open in the long-lived worker."""
    stop_worker()
    left, right = socket.socketpair()
    read_bytes(bases["docx"], "form.docx")  # a new worker is forked while ``left`` is open
    left.close()
    right.settimeout(5)
    assert right.recv(1) == b""  # end of stream: no other process holds ``left``
    right.close()


def _asks_for_time(data: bytes, name: str) -> Source:
    allow_more_time(3)
    time.sleep(1.5)
    return Source(path=name, lines=["读完"])


def _asks_for_ever(data: bytes, name: str) -> Source:
    allow_more_time(1e9)
    time.sleep(60)
    return Source(path=name, lines=[])


def _forges_a_reply(data: bytes, name: str) -> Source:
    """A subverted reader writing its own reply, naming a class the parent would have to import."""
    assert guard._reply_fd is not None
    guard._send_frame(guard._reply_fd, pickle.dumps(("ok", Source(path=name, lines=["伪造"]))))
    time.sleep(60)
    return Source(path=name, lines=[])


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reader_may_ask_for_more_time_before_long_work(isolate: bool) -> None:
    assert guarded_read(_asks_for_time, b"x", "scan.pdf", timeout=1, isolate=isolate).lines == ["读完"]


def test_more_time_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_EXTENSION", 1.0)  # the isolated child is forked after this, so it sees it too
    started = time.monotonic()
    with pytest.raises(ReadError, match=r"读取超时（超过 2 秒）"):
        guarded_read(_asks_for_ever, b"x", "scan.pdf", timeout=1, isolate=True)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_a_reply_naming_a_class_is_refused(isolate: bool, bases: dict[str, bytes]) -> None:
    with pytest.raises(ReadError, match="无法识别的结果"):
        guarded_read(_forges_a_reply, b"x", "forged.docx", timeout=30, isolate=isolate)
    assert read_bytes(bases["docx"], "form.docx").lines[0] == "项目支出绩效自评表"


def test_a_reader_that_cannot_be_sent_to_the_worker_gets_a_child_of_its_own() -> None:
    with pytest.raises(ReadError, match="读取超时"):
        guarded_read(lambda data, name: _sleeps(data, name), b"x", "slow.docx", timeout=1)


def test_a_timeout_of_zero_reads_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_READ_TIMEOUT", "0")
    with pytest.raises(UnicodeDecodeError):  # no child: the exception itself, not a ReaderCrash
        guarded_read(_buggy, "青禾".encode(), "bug.docx")


# ------------------------------------------------------------------ the batch


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("command", ["extract", "review"])
def test_a_batch_with_hostile_files_finishes_and_names_each(
    command: str, bases: dict[str, bytes], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"good_text.txt": bases["txt"], "good_word.docx": bases["docx"], "good_sheet.xlsx": bases["xlsx"]}
    chosen = {
        "bomb_ratio.docx", "bomb_members.xlsx", "encrypted_package.xlsx", "xml_laughs_content_types.docx",
        "sheet_of_17_billion_cells.xlsx", "truncated_3.xls", "flipped_2.docx", "thousands_of_pages.pdf",
        "empty.txt", "random_after_ole_0.bin", "truncated_0.doc",
    }  # fmt: skip
    hostile = {case.name.replace(".bin", ".xls"): case.make(bases) for case in CASES if case.name in chosen}
    hostile = {name: data for name, data in hostile.items() if Path(name).suffix in SUPPORTED_SUFFIXES}
    for name, data in {**good, **hostile}.items():
        (folder / name).write_bytes(data)
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    expected = {path.name: _outcome(path) for path in sorted(folder.iterdir())}
    refused = {name: str(outcome) for name, outcome in expected.items() if isinstance(outcome, ReadError)}
    assert {"huge.txt", "empty.txt", "bomb_ratio.docx", "encrypted_package.xlsx"} <= set(refused)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [command, str(folder), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    output = _flat(result.output)
    for name, reason in refused.items():
        assert _flat(f"{name}: {reason}") in output, name
        assert not (out / f"{Path(name).stem}.json").exists()
    for name in good:
        assert (out / f"{Path(name).stem}.json").is_file(), name
    assert _flat(f"{len(refused)} 个文件无法读取") in output


@pytest.mark.parametrize("part", ["word/document.xml", "xl/workbook.xml"])
def test_a_member_name_flagged_utf8_but_not_utf8_is_a_damaged_file(part: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")  # the first part's directory entry
    flags = struct.unpack_from("<H", data, central + 8)[0]
    struct.pack_into("<H", data, central + 8, flags | 0x800)  # the name is UTF-8, says the directory
    name_at = central + 46
    data[name_at : name_at + 2] = b"\xff\xfe"  # which it is not
    with pytest.raises(ReadError, match="文件已损坏"):
        read_bytes(bytes(data), "broken.docx" if part.startswith("word/") else "broken.xlsx")
