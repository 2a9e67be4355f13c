"""decode(): encodings detected from the bytes, binary content refused with a reason."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.read.decode import binary_reason, decode, looks_binary
from jixiao.read.source import ReadError

FIXTURES = Path(__file__).parent / "fixtures" / "encodings"
TEXT = "项目支出绩效自评表\n年度资金总额\t140.4\n"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8.txt", "utf-8"),
        ("utf8_bom.txt", "utf-8-sig"),
        ("gb18030.txt", "gb18030"),
        ("utf16le.txt", "utf-16-le"),
        ("utf16be.txt", "utf-16-be"),
        ("utf16le_bom.txt", "utf-16"),
        ("utf16be_bom.txt", "utf-16"),
        ("gb18030_crlf.txt", "gb18030"),
    ],
)
def test_fixture_files_decode_to_the_same_text(name: str, encoding: str) -> None:
    data = read(name)
    text, found = decode(data, name)
    assert text == TEXT
    assert found == encoding
    # the name is a codec that reads the raw bytes (before newline normalisation)
    assert data.decode(found).replace("\r\n", "\n") == TEXT
    assert not looks_binary(data)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32"),
    ],
)
def test_in_memory_encodings(data: bytes, encoding: str) -> None:
    assert decode(data, "mem.txt") == (TEXT, encoding)


def test_fixtures_are_what_they_claim() -> None:
    assert read("utf16le_bom.txt").startswith(codecs.BOM_UTF16_LE)
    assert read("utf16be_bom.txt").startswith(codecs.BOM_UTF16_BE)
    assert read("utf8_bom.txt").startswith(codecs.BOM_UTF8)
    assert b"\r\n" in read("gb18030_crlf.txt")
    with pytest.raises(UnicodeDecodeError):
        read("gb18030.txt").decode("utf-8")


def test_extension_is_ignored() -> None:
    # GB18030 bytes in a file named .html or .utf8 are still GB18030
    assert decode(read("gb18030.txt"), "form.utf8.html") == (TEXT, "gb18030")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newlines_normalised(newline: str) -> None:
    raw = TEXT.replace("\n", newline)
    for encoding in ("utf-8", "gb18030", "utf-16-le"):
        assert decode(raw.encode(encoding), "x.txt")[0] == TEXT


def test_mixed_newlines_and_other_whitespace_kept() -> None:
    raw = "第一行\r\n第二行\r第三行\n\f第四页\u3000全角空格\t制表\n"
    text, _ = decode(raw.encode("utf-8"), "x.txt")
    assert text == "第一行\n第二行\n第三行\n\f第四页\u3000全角空格\t制表\n"


def test_bom_is_stripped_but_inner_feff_kept() -> None:
    text, _ = decode(codecs.BOM_UTF8 + "甲\ufeff乙".encode(), "x.txt")
    assert text == "甲\ufeff乙"


def test_empty_file() -> None:
    assert decode(read("empty.txt"), "empty.txt")[0] == ""
    assert decode(b"", "empty.txt")[0] == ""
    assert not looks_binary(b"")


def test_pure_ascii_is_utf8() -> None:
    assert decode(b"Total 140.4\n", "a.txt") == ("Total 140.4\n", "utf-8")


def test_utf16_without_bom_with_cjk_nuls_of_the_other_parity() -> None:
    # 一 is U+4E00 and 最 U+6700: in UTF-16 LE their NUL byte sits at an even offset
    raw = "一、最终完成 1 项\n"
    assert decode(raw.encode("utf-16-le"), "x.txt") == (raw, "utf-16-le")
    assert decode(raw.encode("utf-16-be"), "x.txt") == (raw, "utf-16-be")


def test_short_gb18030_that_is_also_valid_utf8() -> None:
    # 支 is D6 A7 in GB18030, which is also valid UTF-8 (U+05A7, a Hebrew accent)
    assert "支".encode("gb18030").decode("utf-8") == "\u05a7"
    assert decode("支".encode("gb18030"), "x.txt") == ("支", "gb18030")
    assert decode("支出 140.4".encode("gb18030"), "x.txt") == ("支出 140.4", "gb18030")
    # genuine UTF-8 with accents stays UTF-8
    assert decode("Qīnghé 25°C".encode(), "x.txt") == ("Qīnghé 25°C", "utf-8")


def test_gbk_text_decodes_as_gb18030() -> None:
    raw = "青禾县总工会2023年度项目支出绩效自评表，得分 92.5 分。\n"
    assert decode(raw.encode("gbk"), "x.txt") == (raw, "gb18030")


def test_truncated_utf8_is_not_read_as_gb18030_mojibake() -> None:
    raw = ("青禾县总工会职工素质提升工程绩效自评\n" * 3).encode()
    text, encoding = decode(raw[:-2], "cut.txt")  # last character cut in half
    assert encoding == "utf-8"
    assert text.startswith("青禾县总工会职工素质提升工程")
    assert text.endswith("\ufffd")


def test_damaged_gb18030_keeps_its_encoding() -> None:
    raw = "青禾县总工会职工素质提升工程绩效自评，得分 92.5 分。\n" * 3
    data = bytearray(raw.encode("gb18030"))
    data[6] = 0x80  # the lead byte of 总; 0x80 is never a GB18030 lead byte
    text, encoding = decode(bytes(data), "flipped.txt")
    assert encoding == "gb18030"
    assert text.count("\ufffd") >= 1
    # GB18030 has no self-synchronisation: after the broken byte the pairs are
    # misaligned until the next ASCII byte, so only that stretch is garbled
    assert text.startswith("青禾县\ufffd")
    assert text.endswith(" 92.5 分。\n" + raw[raw.index("\n") + 1 :])


def test_charset_normalizer_is_the_last_resort() -> None:
    # Not UTF-8 (lone high bytes) and not GB18030 (0x80 and a lead byte before '\n')
    raw = "Résumé du projet: coût total 140,4 €, réalisé 138,2 €.\n" * 4
    data = raw.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb18030")
    text, encoding = decode(data, "fr.txt")
    assert encoding not in ("utf-8", "gb18030")
    assert "140,4" in text and "138,2" in text


def test_random_garbage_is_refused() -> None:
    data = read("garbage.bin")
    assert looks_binary(data)
    with pytest.raises(ReadError, match="不是文本文件（检测到二进制内容）"):
        decode(data, "garbage.bin")


def test_control_characters_without_nul_are_refused() -> None:
    data = bytes([0x01, 0x02, 0x03, 0x1B, 0x7F]) * 20 + "项目".encode()
    assert binary_reason(data) == "不是文本文件（检测到二进制内容）"
    with pytest.raises(ReadError, match="二进制"):
        decode(data, "x.txt")


def test_nul_in_utf8_text_is_binary() -> None:
    data = "项目支出绩效自评表".encode() + b"\x00\x00\x00\x00" + "年度资金总额".encode()
    with pytest.raises(ReadError, match="二进制"):
        decode(data, "x.txt")


def test_png_is_refused_by_name() -> None:
    data = read("header.png")
    assert looks_binary(data)
    with pytest.raises(ReadError, match="PNG"):
        decode(data, "scan.txt")


def test_zip_is_refused_by_name() -> None:
    data = read("header.zip")
    assert looks_binary(data)
    with pytest.raises(ReadError, match="ZIP/Office 文件") as info:
        decode(data, "form.txt")
    assert "文本读取器无法处理" in str(info.value)


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "OLE"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x1f\x8b\x08\x00" + bytes(10), "GZIP"),
    ],
)
def test_known_containers_named(data: bytes, word: str) -> None:
    reason = binary_reason(data)
    assert reason is not None and word in reason
    with pytest.raises(ReadError, match=word):
        decode(data, "x.txt")


def test_broken_utf16_with_bom_is_refused() -> None:
    data = codecs.BOM_UTF16_LE + "项目".encode("utf-16-le") + b"\x00"  # odd length
    with pytest.raises(ReadError, match="UTF-16"):
        decode(data, "x.txt")


def test_form_feed_text_is_not_binary() -> None:
    # pdftotext separates pages with \f; many pages must not look binary
    data = ("第1页\f" * 50).encode()
    assert not looks_binary(data)
    assert decode(data, "x.txt")[0] == "第1页\f" * 50


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_read_error(data: bytes) -> None:
    try:
        text, encoding = decode(data, "fuzz.bin")
    except ReadError as exc:
        assert str(exc)
    else:
        assert "\r" not in text
        assert encoding


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("项目支出绩效自评表一最年度资金总额：，。 \t\n\r0123456789.%（）AZaz")))
def test_chinese_text_roundtrips_through_utf8_and_gb18030(tail: str) -> None:
    raw = "青禾县总工会" + tail
    expected = raw.replace("\r\n", "\n").replace("\r", "\n")
    for encoding in ("utf-8", "gb18030"):
        assert decode(raw.encode(encoding), "x.txt")[0] == expected
