"""Bytes to text: detect the encoding from the bytes, never from the file name.

Order (cheapest first):

1. known binary containers (PDF, ZIP/Office, OLE, images, archives) are refused
   with a message naming them;
2. a byte-order mark decides (UTF-8-SIG, UTF-32 LE/BE, UTF-16 LE/BE);
3. BOM-less UTF-16, recognised by NUL bytes at odd (LE) or even (BE) positions
   and confirmed by a strict decode that yields plausible text;
4. anything else with NUL bytes or many control characters is binary garbage;
5. strict UTF-8, unless that reading is clearly GB18030 bytes misread (no CJK
   but Hebrew/Arabic/combining marks, see ``_gb18030_misread_as_utf8``);
6. damaged UTF-8: overwhelmingly valid UTF-8 with a few broken places (a
   flipped byte, a truncated last character) is read with U+FFFD at the
   broken places rather than mis-read as GB18030 mojibake;
7. strict GB18030 (a superset of GB2312 and GBK);
8. damaged GB18030, the same rule as step 6;
9. ``charset_normalizer`` as a last resort; if it finds nothing, ``ReadError``.

The returned encoding name is always a Python codec such that
``data.decode(name)`` gives the text before newline normalisation: ``utf-8``,
``utf-8-sig``, ``utf-16`` / ``utf-32`` (with BOM, either byte order),
``utf-16-le`` / ``utf-16-be`` (no BOM), ``gb18030``, or whatever
``charset_normalizer`` names. The exception are damaged files (steps 6 and 8),
reported as ``utf-8`` / ``gb18030`` although they only decode with
``errors="replace"``; their text contains U+FFFD.

Newlines are normalised (``\\r\\n`` and ``\\r`` become ``\\n``), a BOM is dropped,
nothing else is touched.
"""

from __future__ import annotations

import codecs
import re

from jixiao.read.source import ReadError

__all__ = ["binary_reason", "decode", "looks_binary"]

# (magic prefix, Chinese description); checked with bytes.startswith.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "这是 PDF 文件，文本读取器无法处理"),
    (b"PK\x03\x04", "这是 ZIP/Office 文件（.zip/.docx/.xlsx 等），文本读取器无法处理"),
    (b"PK\x05\x06", "这是 ZIP/Office 文件（.zip/.docx/.xlsx 等），文本读取器无法处理"),
    (b"PK\x07\x08", "这是 ZIP/Office 文件（.zip/.docx/.xlsx 等），文本读取器无法处理"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "这是 OLE 复合文档（旧版 .doc/.xls/.wps 等），文本读取器无法处理",
    ),
    (b"\x89PNG\r\n\x1a\n", "这是 PNG 图片，文本读取器无法处理"),
    (b"\xff\xd8\xff", "这是 JPEG 图片，文本读取器无法处理"),
    (b"GIF87a", "这是 GIF 图片，文本读取器无法处理"),
    (b"GIF89a", "这是 GIF 图片，文本读取器无法处理"),
    (b"\x1f\x8b", "这是 GZIP 压缩文件，文本读取器无法处理"),
    (b"Rar!\x1a\x07", "这是 RAR 压缩文件，文本读取器无法处理"),
    (b"7z\xbc\xaf\x27\x1c", "这是 7z 压缩文件，文本读取器无法处理"),
    (b"\x7fELF", "这是可执行程序（ELF），文本读取器无法处理"),
)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# C0 controls other than \t \n \v \f \r, plus DEL. Form feed stays allowed:
# pdftotext separates pages with it.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_SHARE = 0.05  # above this share of control bytes a file is binary
_SAMPLE = 65536  # bytes examined by the heuristics; strict decodes see everything

_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_UNLIKELY = re.compile("[\u0250-\u02af\u0300-\u036f\u0530-\u07ff]")

_BROKEN = re.compile("\ufffd+")

_NOT_TEXT = "不是文本文件（检测到二进制内容）"


def _magic_reason(data: bytes) -> str | None:
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            return reason
    return None


def _boms(data: bytes) -> list[tuple[int, str, str]]:
    """(BOM length, codec for the body, reported name) for each BOM ``data`` starts with.

    Usually none or one; ``FF FE 00 00`` is both the UTF-32 LE BOM and a UTF-16 LE
    BOM followed by U+0000, so it yields both, UTF-32 first.
    """
    return [(len(bom), codec, name) for bom, codec, name in _BOMS if data.startswith(bom)]


# Characters a budget document decoded with the right codec is made of: ASCII
# text and whitespace, Latin-1/Latin extended, Greek/Cyrillic, general
# punctuation to box drawing (…, ‰, ℃, Ⅱ, →, ≤, ①, □), CJK punctuation, kana and
# bopomofo, enclosed CJK to CJK extension A, CJK unified ideographs, CJK
# compatibility ideographs and forms, full-width forms.
_IMPLAUSIBLE = re.compile(
    "[^\t\n\r\f\v\x20-\x7e\xa0-\u024f\u0370-\u04ff\u2000-\u27ff\u3000-\u30ff"
    "\u3200-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)


def _plausible_share(text: str) -> float:
    head = text[:4096]
    return 1 - len(_IMPLAUSIBLE.findall(head)) / len(head) if head else 0.0


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Decode BOM-less UTF-16 if the NUL pattern says so and the result reads as text.

    ASCII in UTF-16 LE is ``41 00`` (NUL at odd offsets), in BE ``00 41``
    (NUL at even offsets). CJK text adds a few NULs of the other parity (一 is
    U+4E00), so when the parities are not clearly lopsided both byte orders
    are tried and the one that reads as more plausible text wins. Either way
    the decode must be strict and at least 90 % plausible characters.
    Pure CJK text without a single ASCII character has no NULs at all and is
    not recognised (it needs a BOM).
    """
    sample = data[: _SAMPLE & ~1]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if even + odd == 0:
        return None
    if odd >= 2 * even:
        order = ["utf-16-le"]
    elif even >= 2 * odd:
        order = ["utf-16-be"]
    else:
        order = ["utf-16-le", "utf-16-be"]
    best: tuple[float, str, str] | None = None
    for codec in order:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text)
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, text, codec)
    return None if best is None else (best[1], best[2])


def _control_share(data: bytes) -> float:
    sample = data[:_SAMPLE]
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _text_control_share(text: str) -> float:
    head = text[:_SAMPLE]
    if not head:
        return 0.0
    return len(_CONTROL_CHARS.findall(head)) / len(head)


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not a text file (a Chinese message), or None if it may be text.

    A known container names itself; otherwise NUL bytes in a file that is not
    UTF-16/UTF-32 or a high share of control characters mean binary content.
    """
    reason = _magic_reason(data)
    if reason is not None:
        return reason
    boms = _boms(data)
    if boms and boms[0][1] != "utf-8":
        return None  # UTF-16/32 with BOM: NULs are expected; decode() checks the text
    if b"\x00" in data:
        if not boms and _utf16_without_bom(data) is not None:
            return None
        return _NOT_TEXT
    if _control_share(data) > _CONTROL_SHARE:
        return _NOT_TEXT
    return None


def looks_binary(data: bytes) -> bool:
    """True if ``data`` is binary (a known container or binary-looking bytes)."""
    return binary_reason(data) is not None


def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _damaged(data: bytes, codec: str) -> str | None:
    """Text of mostly-valid ``codec`` bytes with a few broken places, else None.

    Decodes with ``errors="replace"`` (U+FFFD marks each broken place) and
    accepts the result if it has at least 10 non-ASCII characters decoded
    correctly and at most one broken place per 100 of them (two allowed in
    any case, e.g. a flipped byte and a truncated last character). Text in
    another encoding breaks far more often than that (GB18030 read as UTF-8,
    UTF-8 read as GB18030), so this only rescues files that really are in
    ``codec`` but were damaged or cut short.
    """
    text = data.decode(codec, errors="replace")
    places = len(_BROKEN.findall(text))
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if good >= 10 and places <= max(2, good // 100):
        return text
    return None


def _gb18030_misread_as_utf8(data: bytes, text: str) -> str | None:
    """The GB18030 reading of valid UTF-8 ``data`` if UTF-8 was clearly the wrong guess.

    About one GB2312 hanzi in seven is, on its own, a valid two-byte UTF-8
    sequence (支 is ``D6 A7``, read as U+05A7, a Hebrew accent). A real
    document almost never consists of those alone, but a short snippet can.
    So: if the UTF-8 reading has no CJK at all but characters from scripts a
    Chinese budget document does not use (IPA, combining marks, Armenian to
    NKo) and the bytes are strict GB18030 whose non-ASCII characters are
    (nearly) all CJK, GB18030 wins.
    """
    if _CJK.search(text) or not _UNLIKELY.search(text):
        return None
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    non_ascii = len(gb) - len(gb.encode("ascii", "ignore"))
    return gb if len(_CJK.findall(gb)) >= 0.9 * non_ascii else None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding name)``.

    Raises ``ReadError`` with a Chinese message for binary content, a known
    non-text container, a BOM whose body does not decode, or bytes no
    encoding reads cleanly. ``path`` is part of the reader interface; the
    messages do not repeat it because the caller reports which file failed.
    """
    if not data:
        return "", "utf-8"

    reason = _magic_reason(data)
    if reason is not None:
        raise ReadError(reason)

    boms = _boms(data)
    for size, codec, name in boms:
        try:
            text = data[size:].decode(codec)
        except UnicodeDecodeError:
            continue
        if _text_control_share(text) > _CONTROL_SHARE:
            raise ReadError(_NOT_TEXT)
        return _normalise(text), name
    if boms:
        label = boms[-1][2].upper().replace("-SIG", "")
        raise ReadError(f"文件以 {label} 字节序标记（BOM）开头，但内容无法按 {label} 解码（文件可能已损坏或被截断）")

    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise ReadError(_NOT_TEXT)
        text, name = utf16
        if _text_control_share(text) > _CONTROL_SHARE:
            raise ReadError(_NOT_TEXT)
        return _normalise(text), name

    if _control_share(data) > _CONTROL_SHARE:
        raise ReadError(_NOT_TEXT)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if len(text) != len(data):  # not pure ASCII
            misread = _gb18030_misread_as_utf8(data, text)
            if misread is not None:
                return _normalise(misread), "gb18030"
        return _normalise(text), "utf-8"
    damaged = _damaged(data, "utf-8")
    if damaged is not None:
        return _normalise(damaged), "utf-8"
    try:
        return _normalise(data.decode("gb18030")), "gb18030"
    except UnicodeDecodeError:
        pass
    damaged = _damaged(data, "gb18030")
    if damaged is not None:
        return _normalise(damaged), "gb18030"

    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError("无法识别文件编码（不是 UTF-8、UTF-16 或 GB18030/GBK，自动检测也未能识别）")
    return _normalise(str(best)), best.encoding
