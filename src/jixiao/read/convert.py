"""Legacy Word files (.doc, WPS 文字 .wps, Works .wps) through LibreOffice into .docx.

No Python library reads Word 97–2003 tables with their merges; LibreOffice
headless does (see STACK.md). What a file is comes from its bytes: the OLE
compound file's directory names its streams —

* ``WordDocument``: Word 97–2003, and WPS 文字 .wps, which WPS writes in
  Word's binary format (LibreOffice's own type table maps ``.wps`` there) →
  converted with the ``MS Word 97`` import filter;
* ``CONTENTS``: a Microsoft Works word-processor .wps → ``MS_Works`` filter;
* ``Workbook``/``Book``: Excel 97–2003 BIFF, and WPS 表格 .et, also BIFF
  (LibreOffice maps ``.et`` to its Excel 97 filter): no conversion, calamine
  reads it in :mod:`jixiao.read.xlsx`;
* ``EncryptedPackage``: a password-protected .docx/.xlsx.

The import filter is always named, so a damaged file is refused instead of
being imported as plain text. Conversion is batched: :func:`convert_many`
converts many files with ONE LibreOffice start (the start costs ~1 s, a file
~0.1 s). A folder read file by file gets the same batching from
:func:`expect`: the batch path announces the legacy files it will read, and
the first of them to be read converts all announced ones at once; the
results wait on disk until each file is read. Each LibreOffice call has its
own short-lived profile directory (``-env:UserInstallation``) so it never
touches or waits for a user's running LibreOffice, and a deadline
(:data:`CONVERT_TIMEOUT` plus :data:`CONVERT_TIMEOUT_PER_FILE` per file,
``JIXIAO_CONVERT_TIMEOUT`` overrides the first). If a batch is killed or
crashes, the files it did not finish are retried one by one, so one hostile
file costs only itself.

The converted .docx is read by the docx reader under the guard
(:mod:`jixiao.read.guard`); the ``Source`` names the original file and has
``format`` ``"doc"`` or ``"wps"``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from jixiao.read.source import ReadError, Source

__all__ = [
    "CONVERT_TIMEOUT",
    "CONVERT_TIMEOUT_PER_FILE",
    "LEGACY_SUFFIXES",
    "MAX_BATCH",
    "MAX_LEGACY_BYTES",
    "convert_many",
    "expect",
    "export",
    "ole_kind",
    "ole_streams",
    "read_legacy",
    "soffice_path",
]

CONVERT_TIMEOUT = 60.0  # seconds for one LibreOffice start, plus …
CONVERT_TIMEOUT_PER_FILE = 15.0  # … this much per file in the batch
MAX_BATCH = 200  # files per LibreOffice call
MAX_LEGACY_BYTES = 64 * 1024 * 1024
LEGACY_SUFFIXES = frozenset({".doc", ".dot", ".wps", ".wpt"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_FILTERS = {"doc": "MS Word 97", "wps": "MS_Works"}
_SUFFIX = {"doc": ".doc", "wps": ".wps"}
_MISSING = (
    "旧版 Word/WPS 文件（.doc/.wps）需用 LibreOffice 转换后读取，但本机未安装 LibreOffice："
    "请安装 libreoffice-writer-nogui（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
    "或将文件另存为 .docx"
)
_UNLOADABLE = "LibreOffice 无法打开此文件（文件已损坏，或不是有效的 Word 97–2003/WPS 文档）"


def _fat(data: bytes) -> tuple[int, list[int]] | None:
    """An OLE compound file's sector size and allocation table; ``None`` when the header or table is damaged."""
    if len(data) < 512 or not data.startswith(_OLE_MAGIC):
        return None
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    sectors = (len(data) - 512 + size - 1) // size  # the header takes 512 bytes even for 4 KB sectors
    difat_next, difat_count = struct.unpack_from("<II", data, 0x44)
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s <= _MAX_SECTOR]
    for _ in range(min(difat_count, sectors)):  # further FAT sector numbers live in a DIFAT chain
        if difat_next > _MAX_SECTOR:
            break
        if not _whole(data, difat_next, size):
            return None
        *listed, difat_next = struct.unpack_from(f"<{size // 4}I", data, 512 + difat_next * size)
        fat_sectors.extend(s for s in listed if s <= _MAX_SECTOR)
    if len(fat_sectors) > sectors:
        return None
    fat: list[int] = []
    for sector in fat_sectors:
        if not _whole(data, sector, size):
            return None
        fat.extend(struct.unpack_from(f"<{size // 4}I", data, 512 + sector * size))
    return size, fat


def _chain(data: bytes, fat: list[int], start: int, size: int) -> list[int] | None:
    """The sectors of a chain, in order; ``None`` when it leaves the file or loops."""
    sectors: list[int] = []
    sector = start
    while sector != _END_OF_CHAIN:
        if sector >= len(fat) or not _whole(data, sector, size) or len(sectors) > len(fat):
            return None
        sectors.append(sector)
        sector = fat[sector]
    return sectors


def _directory(data: bytes) -> list[tuple[str, int, int, int]] | None:
    """(name, kind, first sector, size) of every directory entry; ``None`` when damaged."""
    table = _fat(data)
    if table is None:
        return None
    size, fat = table
    chain = _chain(data, fat, struct.unpack_from("<I", data, 0x30)[0], size)
    if chain is None:
        return None
    entries = []
    for sector in chain:
        base = 512 + sector * size
        for entry in range(base, base + size, 128):
            length, kind = struct.unpack_from("<HB", data, entry + 0x40)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                first, stream_size = struct.unpack_from("<II", data, entry + 0x74)
                name = data[entry : entry + length - 2].decode("utf-16-le", "replace")
                entries.append((name, kind, first, stream_size))
    return entries


def ole_streams(data: bytes) -> list[str] | None:
    """Names in an OLE compound file's directory; ``None`` when the header or directory is damaged."""
    entries = _directory(data)
    return [name for name, _, _, _ in entries] or None if entries is not None else None


def ole_stream(data: bytes, names: Iterable[str]) -> bytes | None:
    """The first stream of an OLE compound file found under one of ``names``; ``None`` if missing or damaged."""
    entries = _directory(data)
    table = _fat(data)
    if entries is None or table is None:
        return None
    size, fat = table
    streams = {name: (first, length) for name, kind, first, length in entries if kind == 2}
    found = next((streams[name] for name in names if name in streams), None)
    if found is None:
        return None
    first, length = found
    cutoff = struct.unpack_from("<I", data, 0x38)[0]
    if length >= cutoff:
        chain = _chain(data, fat, first, size)
        if chain is None:
            return None
        return b"".join(data[512 + s * size : 512 + (s + 1) * size] for s in chain)[:length]
    # A small stream lives in the mini stream (the root entry's data), cut in 64-byte mini sectors.
    root = next(((start, total) for _, kind, start, total in entries if kind == 5), None)
    mini_fat_start, mini_fat_count = struct.unpack_from("<II", data, 0x3C)
    mini_chain = _chain(data, fat, mini_fat_start, size) if mini_fat_count else None
    root_chain = _chain(data, fat, root[0], size) if root is not None else None
    if mini_chain is None or root_chain is None:
        return None
    mini_fat: list[int] = []
    for sector in mini_chain:
        mini_fat.extend(struct.unpack_from(f"<{size // 4}I", data, 512 + sector * size))
    mini = b"".join(data[512 + s * size : 512 + (s + 1) * size] for s in root_chain)
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    parts: list[bytes] = []
    sector = first
    while sector != _END_OF_CHAIN:
        if sector >= len(mini_fat) or (sector + 1) * mini_size > len(mini) or len(parts) > len(mini_fat):
            return None
        parts.append(mini[sector * mini_size : (sector + 1) * mini_size])
        sector = mini_fat[sector]
    return b"".join(parts)[:length]


def _whole(data: bytes, sector: int, size: int) -> bool:
    return 512 + (sector + 1) * size <= len(data)


def ole_kind(data: bytes) -> str | None:
    """``"doc"``, ``"wps"`` (Works), ``"xls"``, ``"encrypted"`` or ``None`` for an OLE file, by its streams.

    A damaged directory falls back to looking for the stream names anywhere in
    the bytes, so LibreOffice (which recovers more) still gets its chance.
    """
    names = ole_streams(data)
    if names is None:
        if not data.startswith(_OLE_MAGIC):
            return None
        wanted = ("EncryptedPackage", "Workbook", "Book", "WordDocument", "CONTENTS")
        found = {name for name in wanted if name.encode("utf-16-le") in data}
    else:
        found = set(names)
    if "EncryptedPackage" in found:
        return "encrypted"
    if found & {"Workbook", "Book"}:
        return "xls"
    if "WordDocument" in found:
        return "doc"
    if "CONTENTS" in found:
        return "wps"
    return None


def soffice_path() -> str | None:
    """LibreOffice's command: ``JIXIAO_SOFFICE``, else ``soffice`` or ``libreoffice`` on the PATH."""
    configured = os.environ.get("JIXIAO_SOFFICE", "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def export(inputs: Iterable[Path], target: str, out: Path, timeout: float = 600.0) -> list[Path]:
    """Have LibreOffice save ``inputs`` into ``out`` as ``target``, a ``--convert-to`` spec (``"pdf"``,
    ``"doc:MS Word 97"``, ``"xls:MS Excel 97"`` …), in one call; the files it wrote, in input order.

    For the tools and tests that make legacy or exported files as Word, WPS or Excel users would; reading a
    legacy file goes through :func:`convert_many`. Raise ``FileNotFoundError`` without LibreOffice and
    ``subprocess.CalledProcessError`` when it fails.
    """
    soffice = soffice_path()
    if soffice is None:
        raise FileNotFoundError(_MISSING)
    sources = list(inputs)
    suffix = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="jixiao-export-") as profile:
        subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
             "--convert-to", target, "--outdir", str(out), *map(str, sources)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
    return [path for path in (out / f"{source.stem}.{suffix}" for source in sources) if path.is_file()]


def _timeout(count: int) -> float:
    raw = os.environ.get("JIXIAO_CONVERT_TIMEOUT", "").strip()
    try:
        base = float(raw) if raw else CONVERT_TIMEOUT
    except ValueError:
        base = CONVERT_TIMEOUT
    return base + CONVERT_TIMEOUT_PER_FILE * count


def _run_soffice(soffice: str, kind: str, inputs: list[Path], out: Path, work: Path) -> str | None:
    """One LibreOffice call converting ``inputs`` into ``out``; the reason it ended badly, or ``None``."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=work))
    command = [
        soffice, "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}", f"--infilter={_FILTERS[kind]}",
        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, inputs),
    ]  # fmt: skip
    env = {**os.environ, "HOME": str(profile), "SAL_USE_VCLPLUGIN": "svp"}
    seconds = _timeout(len(inputs))
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env, start_new_session=True,
    )  # fmt: skip
    try:
        code = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return f"LibreOffice 转换超时（超过 {seconds:g} 秒），已中止"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # helpers LibreOffice left behind in its session
    if code != 0:
        return f"LibreOffice 转换时异常退出（退出码 {code}），文件可能已损坏"
    return None


def _convert_into(items: list[tuple[bytes, str]], work: Path) -> list[Path | ReadError]:
    """Convert ``(data, kind)`` items to .docx files under ``work``; one LibreOffice call per kind."""
    soffice = soffice_path()
    if soffice is None:
        return [ReadError(_MISSING) for _ in items]
    results: list[Path | ReadError] = [ReadError(_UNLOADABLE) for _ in items]
    for kind in _FILTERS:
        indexes = [i for i, (_, item_kind) in enumerate(items) if item_kind == kind]
        for start in range(0, len(indexes), MAX_BATCH):
            _convert_group(soffice, kind, indexes[start : start + MAX_BATCH], items, work, results)
    return results


def _convert_group(
    soffice: str, kind: str, indexes: list[int], items: list[tuple[bytes, str]], work: Path,
    results: list[Path | ReadError],
) -> None:  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="batch-", dir=work))
    inputs, out = folder / "in", folder / "out"
    inputs.mkdir()
    out.mkdir()
    paths = []
    for index in indexes:
        path = inputs / f"{index:06d}{_SUFFIX[kind]}"
        path.write_bytes(items[index][0])
        paths.append(path)
    failure = _run_soffice(soffice, kind, paths, out, work)
    unfinished = []
    for index, path in zip(indexes, paths, strict=True):
        converted = out / f"{path.stem}.docx"
        if converted.is_file() and converted.stat().st_size > 0:
            results[index] = converted
        elif failure is not None and len(indexes) > 1:
            unfinished.append(index)
        elif failure is not None:
            results[index] = ReadError(failure)
    shutil.rmtree(inputs, ignore_errors=True)
    for index in unfinished:  # the batch died: give every file it did not finish a call of its own
        _convert_group(soffice, kind, [index], items, work, results)


def _item(data: bytes) -> tuple[bytes, str] | ReadError:
    if len(data) > MAX_LEGACY_BYTES:
        return ReadError(f"文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 {MAX_LEGACY_BYTES // 1024 // 1024} MB）")
    kind = ole_kind(data)
    if kind not in _FILTERS:
        return ReadError("不是旧版 Word/WPS 文档（.doc/.wps），无法用 LibreOffice 转换")
    return data, kind


def _convert_paths(paths: list[Path], work: Path) -> dict[Path, Path | ReadError]:
    items: list[tuple[bytes, str]] = []
    owners: list[Path] = []
    results: dict[Path, Path | ReadError] = {}
    for path in paths:
        try:
            item = _item(path.read_bytes())
        except OSError as error:
            item = ReadError(f"无法读取文件：{error.strerror or error}")
        if isinstance(item, ReadError):
            results[path] = item
        else:
            items.append(item)
            owners.append(path)
    for path, result in zip(owners, _convert_into(items, work), strict=True):
        results[path] = result
    return results


def convert_many(paths: Iterable[str | os.PathLike[str]]) -> dict[str | os.PathLike[str], bytes | ReadError]:
    """Convert many .doc/.wps files to .docx bytes with one LibreOffice start; a reason for each that fails."""
    given = list(paths)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as tmp:
        converted = _convert_paths([Path(path) for path in given], Path(tmp))
        out: dict[str | os.PathLike[str], bytes | ReadError] = {}
        for path in given:
            result = converted[Path(path)]
            out[path] = result if isinstance(result, ReadError) else result.read_bytes()
    return out


def _convert_bytes(data: bytes) -> bytes:
    item = _item(data)
    if isinstance(item, ReadError):
        raise item
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as tmp:
        result = _convert_into([item], Path(tmp))[0]
        if isinstance(result, ReadError):
            raise result
        return result.read_bytes()


class _Batch:
    """Legacy files announced by the batch path, converted together on first demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[Path, None] = {}
        self.ready: dict[Path, tuple[tuple[int, int], Path | ReadError]] = {}
        self.work: Path | None = None

    def folder(self) -> Path:
        if self.work is None:
            self.work = Path(tempfile.mkdtemp(prefix="jixiao-lo-"))
            atexit.register(shutil.rmtree, self.work, True)
        return self.work

    def take(self, path: Path) -> bytes | ReadError | None:
        """The converted bytes for an announced file (converting the pending batch if needed), else ``None``."""
        try:
            key = path.resolve()
            stat = key.stat()
        except OSError:
            return None
        stamp = (stat.st_size, stat.st_mtime_ns)
        with self.lock:
            if key not in self.ready and key in self.pending:
                batch = [key, *(p for p in self.pending if p != key)][:MAX_BATCH]
                for member in batch:
                    del self.pending[member]
                for member, result in _convert_paths(batch, self.folder()).items():
                    try:
                        member_stat = member.stat()
                    except OSError:
                        continue
                    self.ready[member] = ((member_stat.st_size, member_stat.st_mtime_ns), result)
            entry = self.ready.pop(key, None)
        if entry is None or entry[0] != stamp:
            return None  # never announced, or changed since it was converted
        result = entry[1]
        if isinstance(result, ReadError):
            return result
        try:
            return result.read_bytes()
        finally:
            result.unlink(missing_ok=True)


_batch = _Batch()


def expect(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Announce files a batch will read; the legacy ones (by suffix) are converted together on first demand."""
    with _batch.lock:
        for raw in paths:
            path = Path(raw)
            if path.suffix.lower() in LEGACY_SUFFIXES:
                try:
                    _batch.pending[path.resolve()] = None
                except OSError:
                    continue


def read_legacy(data: bytes, name: str, origin: str | os.PathLike[str] | None = None) -> Source:
    """Read a .doc/.wps file: convert it (from the batch when ``origin`` was announced), then read the .docx."""
    from jixiao.read.docx import read_docx
    from jixiao.read.guard import guarded_read

    item = _item(data)
    if isinstance(item, ReadError):
        raise item
    converted = _batch.take(Path(origin)) if origin is not None else None
    if converted is None:
        converted = _convert_bytes(data)
    elif isinstance(converted, ReadError):
        raise converted
    source = guarded_read(read_docx, converted, name)
    source.format = item[1]
    return source
