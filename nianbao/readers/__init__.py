"""Readers: a file's bytes -> a :class:`Document`, whatever shape the report came in.

A reader knows nothing of the report format.  Its one job is to give the parser the text in reading
order, with every table row on a line of its own and the row's cells separated by a tab (``\\t``);
a blank cell is an empty string between two tabs.  Grid readers (HTML, DOCX, PDF with ruling lines)
expand merged cells so that a column keeps its index on every line: a position covered by a cell
spanning rows is an empty string, one covered by a cell spanning columns is :data:`SPAN` (the cell
goes on; it is no blank of its own).  Prose is one paragraph a line.

Readers are tried by priority, the markitdown way: the first whose ``accepts`` says yes and whose
``read`` succeeds wins; failed attempts are collected into the error that names the file.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from ..errors import NianbaoError, UnreadableFile, UnsupportedFormat

# Size limits: a report is some tens of thousands of characters; beyond these, what is read is cut (and
# a ``source.truncated`` finding says so) so that no input makes a run slow or exhausts memory.
MAX_BYTES = 200 * 1024 * 1024  # bytes of any file (an office file or PDF is a container: it holds more)
MAX_TEXT_BYTES = 8 * 1024 * 1024  # bytes of a plain text, HTML or markdown file decoded
MAX_CHARS = 2_000_000  # characters of text kept from any reader
MAX_LINE = 100_000  # characters kept of one line
MAX_PAGES = 300  # pages of a PDF read
MAX_OCR_PAGES = 30  # pages of a scan read by OCR (seconds a page)
_CONTAINERS = {"pdf", "docx", "doc", "wps", "ofd", "xlsx", "xls", "png", "jpg", "jpeg", "tif", "tiff", "bmp"}
# Set (to anything) to let exceptions raised inside nianbao's own code propagate: the tests do, so that a
# bug is seen as a bug; users get a ``source.unreadable`` finding instead.
DEBUG_ENV = "NIANBAO_DEBUG"

# Stands in a grid line where a cell spanning several columns goes on (U+2060 WORD JOINER).
SPAN = "\u2060"


@dataclass(frozen=True)
class Document:
    """What every reader returns."""

    text: str
    kind: str  # txt | html | pdf | docx | doc | wps | ofd | xlsx
    path: str | None = None
    sha256: str | None = None
    grid: bool = False  # True when table lines come from a real cell grid (merged cells expanded)
    notes: tuple[str, ...] = field(default=())  # reader remarks worth a finding (e.g. "scanned", "ocr")


class Reader(Protocol):
    @property
    def kinds(self) -> tuple[str, ...]:
        """The document kinds this reader produces; the first is the default ``Document.kind``."""
        ...

    def accepts(self, data: bytes, suffix: str) -> bool: ...

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        """Return (text, grid, notes); raise NianbaoError when the bytes cannot be read."""
        ...


@cache
def _readers() -> list[tuple[float, Reader]]:
    """Every reader, by priority (built once: the batch asks for them on every file)."""
    from .html import HtmlReader
    from .ocr import ImageReader
    from .text import TextReader
    from .xlsx import XlsxReader

    # XLSX by its magic bytes, before HTML and text; openpyxl is imported only when a workbook is read.
    found: list[tuple[float, Reader]] = [
        (-1.0, XlsxReader()),
        (-1.0, ImageReader()),
        (0.0, HtmlReader()),
        (10.0, TextReader()),
    ]
    try:  # readers for office documents live in their own modules (issue 3)
        from .office import OFFICE_READERS
    except ImportError:
        pass
    else:
        found.extend(OFFICE_READERS)
    return sorted(found, key=lambda pair: pair[0])


def read_bytes(data: bytes, name: str = "<bytes>") -> Document:
    """Read a document from bytes; ``name`` gives its suffix and the path reported in messages."""
    suffix = Path(name).suffix.lower().lstrip(".")
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise UnreadableFile("文件为空 (the file is empty)", path=name, expected="an annual report")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            f"文件过大（{len(data) // 2**20} MB），超过 {MAX_BYTES // 2**20} MB 的上限，未读取 (the file is too large)",
            path=name,
            expected=f"a file under {MAX_BYTES // 2**20} MB",
        )
    cut: list[str] = []
    if len(data) > MAX_TEXT_BYTES and suffix not in _CONTAINERS and not data.startswith((b"%PDF", b"PK")):
        data = data[:MAX_TEXT_BYTES]
        cut.append(f"truncated: 文件超过 {MAX_TEXT_BYTES // 2**20} MB，只读取了前 {MAX_TEXT_BYTES // 2**20} MB")
    failures: list[str] = []
    for _prio, reader in _readers():
        if not reader.accepts(data, suffix):
            continue
        if failures and reader.kinds[0] == "txt" and _binary(data):
            continue  # a damaged PDF or office file is unreadable as what it is, not a text of gibberish
        try:
            text, grid, notes = reader.read(data, suffix)
        except NianbaoError as e:
            failures.append(e.message)
            continue
        except (MemoryError, RecursionError) as e:
            failures.append(
                f"{Path(name).name}：文件结构过大或嵌套过深，无法读取 (too large or nested: {type(e).__name__})"
            )
            continue
        except Exception as e:
            failures.append(decoder_failure(e, name))
            continue
        text, limited = limit_text(text)
        return Document(
            text=text,
            kind=reader.kinds[0] if suffix not in reader.kinds else suffix,
            path=name,
            sha256=sha,
            grid=grid,
            notes=(*notes, *cut, *limited),
        )
    if failures:
        raise UnreadableFile("; ".join(failures), path=name)
    raise UnsupportedFormat(f"不支持的文件类型 .{suffix or '?'} (unsupported file type)", path=name)


def _binary(data: bytes) -> bool:
    """The bytes are a PDF or an office container (zip, OLE), whatever the file is called."""
    from . import sniff

    return sniff.sniff(data) in (sniff.PDF, sniff.DOCX, sniff.OFD, sniff.XLSX, sniff.ZIP, sniff.OLE)


def limit_text(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` cut to :data:`MAX_CHARS` and its lines to :data:`MAX_LINE`, with notes saying what was cut."""
    notes: list[str] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        notes.append(f"truncated: 文字超过 {MAX_CHARS:,} 个字符，只读取了前 {MAX_CHARS:,} 个")
    if len(text) > MAX_LINE and any(len(line) > MAX_LINE for line in text.split("\n")):
        lines = text.split("\n")
        long = [i + 1 for i, line in enumerate(lines) if len(line) > MAX_LINE]
        text = "\n".join(line[:MAX_LINE] for line in lines)
        shown = "、".join(map(str, long[:5])) + ("等" if len(long) > 5 else "")
        notes.append(f"truncated: 第{shown}行超过 {MAX_LINE:,} 个字符，每行只读取了前 {MAX_LINE:,} 个")
    return text, tuple(notes)


def decoder_failure(error: Exception, name: str) -> str:
    """The message for an exception a reader did not expect, naming what raised it.

    An exception raised inside a library (a corrupt zip's ``zlib.error``, a PDF parser's ``KeyError``)
    means the bytes are damaged: the file is unreadable.  One raised in nianbao's own code is a bug: it
    propagates when :data:`DEBUG_ENV` is set (as in the tests) so that it is fixed, not hidden, and is
    said to be one otherwise.
    """
    frames = traceback.extract_tb(error.__traceback__)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # ours: a builtin exception (IndexError, KeyError, …) raised by nianbao's own line, not a library's
    # exception class (zlib.error, lxml's XMLSyntaxError) raised by a C function our line called
    ours = (
        bool(frames)
        and os.path.abspath(frames[-1].filename).startswith(package + os.sep)
        and type(error).__module__ == "builtins"
    )
    if ours and os.environ.get(DEBUG_ENV):
        raise error
    if ours:
        return f"{Path(name).name}：读取时出现内部错误，请报告此问题 (a bug in nianbao: {error!r})"[:300]
    origin = Path(frames[-1].filename if frames else "?")
    inside = [p for p in origin.with_suffix("").parts if p != "__init__"]
    lib = [i + 1 for i, p in enumerate(inside) if p in ("site-packages", "dist-packages")]
    start = lib[-1] if lib else len(inside) - 1
    module = ".".join(inside[start:]) or origin.stem
    said = f"{Path(name).name}：文件已损坏或格式不符，无法解码"
    return f"{said} (the file is damaged: {type(error).__name__} in {module}: {error})"[:300]


def read_document(path: str | Path) -> Document:
    """Read the file at ``path`` into a :class:`Document`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UnreadableFile(f"无法读取文件 (cannot read the file): {e.strerror or e}", path=str(path)) from None
    return read_bytes(data, str(path))
