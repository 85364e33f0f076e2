"""Uploaded files -> (name, bytes) pairs, with zips opened in memory under hard limits.

Uploads are hostile: a zip may claim small sizes and inflate to gigabytes (a zip bomb), nest zips,
or name members ``../../etc/passwd``.  Nothing is written to disk; every member is read with a
bounded read (declared sizes are not trusted) and a zip that breaks any rule is refused as a whole,
with a message saying which rule.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import NianbaoError

RATIO_FLOOR = 1024 * 1024  # below this a high ratio is harmless (a page of blanks), so it is not judged


class UploadRefused(NianbaoError):
    """An upload broke a limit or looked malicious; nothing of it is stored."""


@dataclass(frozen=True)
class Limits:
    """Upload limits; the defaults suit a clerk's batch of a few hundred reports."""

    max_request_bytes: int = 200 * 1024 * 1024  # the whole multipart body
    max_files: int = 500  # files in one upload, zip members included
    max_file_bytes: int = 50 * 1024 * 1024  # one report, inflated
    max_unzipped_bytes: int = 500 * 1024 * 1024  # all members of one upload, inflated
    max_ratio: int = 200  # inflated / compressed for a member (text compresses ~10x; bombs ~1000x)


def _safe_name(name: str, archive: str) -> str:
    """The member's name, refusing absolute paths and '..' (path traversal) outright."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and p.parts[0].endswith(":")):
        raise UploadRefused(
            f"压缩包中的路径不安全：{name}（不允许绝对路径或“..”）", path=archive, expected="relative member paths"
        )
    return str(p)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int, archive: str) -> bytes:
    """The member's bytes, reading at most the limits allow whatever its header claims."""
    cap = min(limits.max_file_bytes, budget, max(info.compress_size * limits.max_ratio, RATIO_FLOOR))
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise UploadRefused(
            f"压缩包成员 {info.filename} 解压后过大或压缩比异常（疑似压缩炸弹），已拒绝整个压缩包。",
            path=archive,
            expected=f"each member at most {limits.max_file_bytes} bytes and {limits.max_ratio}x its compressed size",
        )
    return data


def unzip(data: bytes, archive: str, limits: Limits) -> list[tuple[str, bytes]]:
    """The report files inside a zip (folders and hidden files skipped); nested zips are refused."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UploadRefused(f"压缩包已损坏，无法打开：{e}", path=archive, expected="a zip archive") from None
    if len(infos) > limits.max_files:
        raise UploadRefused(
            f"压缩包含 {len(infos)} 个文件，超过上限 {limits.max_files} 个。", path=archive, expected="fewer files"
        )
    out: list[tuple[str, bytes]] = []
    budget = limits.max_unzipped_bytes
    with zf:
        for info in infos:
            name = _safe_name(info.filename, archive)
            base = PurePosixPath(name).name
            if base.startswith(".") or name.startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                raise UploadRefused(f"压缩包成员 {name} 已加密，无法读取。", path=archive, expected="no encryption")
            try:
                member = _read_member(zf, info, limits, budget, archive)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
                raise UploadRefused(f"压缩包成员 {name} 无法解压：{e}", path=archive) from None
            budget -= len(member)
            if member[:4] == b"PK\x03\x04" and name.lower().endswith(".zip"):
                raise UploadRefused(f"压缩包内不能再嵌套压缩包：{name}", path=archive, expected="report files")
            out.append((f"{archive}/{name}", member))
    return out


def expand_uploads(files: list[tuple[str, bytes]], limits: Limits) -> list[tuple[str, bytes]]:
    """Each uploaded file as it is, zips replaced by their members; the count limit covers all of them."""
    out: list[tuple[str, bytes]] = []
    for name, data in files:
        safe = PurePosixPath((name or "upload").replace("\\", "/")).name or "upload"
        if data[:4] == b"PK\x03\x04" and safe.lower().endswith(".zip"):
            out.extend(unzip(data, safe, limits))
        else:
            if len(data) > limits.max_file_bytes:
                raise UploadRefused(f"文件 {safe} 超过单个文件上限 {limits.max_file_bytes} 字节。", path=safe)
            out.append((safe, data))
        if len(out) > limits.max_files:
            raise UploadRefused(f"本次上传超过 {limits.max_files} 个文件的上限。", expected="fewer files")
    return out
