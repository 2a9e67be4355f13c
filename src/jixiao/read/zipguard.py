"""Office files are ZIP containers: refuse bombs before any parser opens them.

A .docx or .xlsx whose members would inflate past a size limit, or by a
ratio no real document shows, is refused with a clear reason; so is a
container with an absurd number of members or an encrypted one.
"""

from __future__ import annotations

import io
import zipfile

from jixiao.read.source import ReadError

MAX_MEMBERS = 2000
MAX_TOTAL = 200 * 1024 * 1024  # inflated bytes over all members
MAX_MEMBER = 100 * 1024 * 1024
MAX_RATIO = 200  # inflated ÷ compressed, per member of any size worth checking


def open_office_zip(data: bytes) -> zipfile.ZipFile:
    """The ZIP container of an Office file, checked; raise :class:`ReadError` with the reason."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:  # ValueError: a name flagged UTF-8 that is not UTF-8
        raise ReadError(f"文件已损坏（不是有效的 ZIP/Office 容器：{error}）") from error
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"文件结构异常：包含 {len(members)} 个部件（上限 {MAX_MEMBERS}），拒绝读取")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ReadError("文件已加密或设有密码，无法读取")
        total += member.file_size
        if member.file_size > MAX_MEMBER or total > MAX_TOTAL:
            raise ReadError("文件解压后过大（疑似压缩炸弹），拒绝读取")
        large = member.compress_size and member.file_size > 1024 * 1024
        if large and member.file_size / member.compress_size > MAX_RATIO:
            raise ReadError("文件压缩比异常（疑似压缩炸弹），拒绝读取")
    return archive
