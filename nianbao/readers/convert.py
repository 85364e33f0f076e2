"""Word 97-2003 (.doc), WPS (.wps) and RTF: convert to DOCX with LibreOffice, then read as DOCX.

No pure-Python reader handles merged table cells in these binary formats well; LibreOffice does.
Each conversion gets its own throw-away profile so that parallel conversions do not lock each other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingDependency, UnreadableFile
from . import sniff
from .docx import docx_text

TIMEOUT = 120.0  # seconds; a document LibreOffice cannot convert in two minutes will not convert at all
SUFFIXES = ("doc", "wps", "dot", "wpt", "rtf")


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class ConvertReader:
    """Reads .doc/.wps/.rtf (by their magic bytes) through ``soffice --headless --convert-to docx``."""

    kinds = ("doc", "wps", "rtf")

    def accepts(self, data: bytes, suffix: str) -> bool:
        kind = sniff.sniff(data)
        return kind in (sniff.OLE, sniff.RTF) or (suffix in SUFFIXES and kind is None)

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        kind = sniff.sniff(data)
        if kind not in (sniff.OLE, sniff.RTF):
            raise UnreadableFile(
                f"文件扩展名是 .{suffix}，但内容不是 Word/WPS 文档 (the file is named .{suffix} "
                "but is not a Word 97-2003, WPS or RTF document)",
                expected="a .doc, .wps or .rtf document",
            )
        if sniff.is_encrypted_ooxml(data):
            raise UnreadableFile(
                "Word 文档已加密，需要密码才能打开 (the document is password-protected)",
                expected="a document without a password",
            )
        return (
            docx_text(to_docx(data, "rtf" if kind == sniff.RTF else (suffix if suffix in SUFFIXES else "doc"))),
            True,
            ("converted by LibreOffice",),
        )


def to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT) -> bytes:
    """The document converted to DOCX bytes by LibreOffice."""
    exe = soffice_path()
    if exe is None:
        raise MissingDependency(
            "读取 .doc/.wps 文档需要安装 LibreOffice：在 Debian/Ubuntu 上运行 apt-get install libreoffice-writer，"
            "或先用 Word/WPS 另存为 .docx 或 PDF (reading .doc/.wps needs LibreOffice: apt-get install "
            "libreoffice-writer, or save the file as .docx or PDF first)",
            expected="soffice on PATH (Debian package libreoffice-writer)",
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp:
        src = Path(tmp) / f"input.{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        out = Path(tmp) / "out"
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, timeout=timeout, env={**os.environ, "HOME": tmp}, check=False
            )
        except subprocess.TimeoutExpired:
            raise UnreadableFile(
                f"LibreOffice 转换超时（{timeout:.0f} 秒），文件可能已损坏或加密 "
                f"(LibreOffice did not convert the file within {timeout:.0f} s: damaged or encrypted?)",
                expected="a .doc/.wps document LibreOffice can open",
            ) from None
        result = out / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise UnreadableFile(
                "LibreOffice 无法转换此文件，文件可能已损坏或加密 (LibreOffice could not convert the file"
                + (f": {detail[-1]}" if detail else "")
                + ")",
                expected="a .doc/.wps document LibreOffice can open",
            )
        return result.read_bytes()
