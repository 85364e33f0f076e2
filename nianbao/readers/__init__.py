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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from ..errors import NianbaoError, UnreadableFile, UnsupportedFormat

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
    failures: list[str] = []
    for _prio, reader in _readers():
        if not reader.accepts(data, suffix):
            continue
        try:
            text, grid, notes = reader.read(data, suffix)
        except NianbaoError as e:
            failures.append(e.message)
            continue
        return Document(
            text=text,
            kind=reader.kinds[0] if suffix not in reader.kinds else suffix,
            path=name,
            sha256=sha,
            grid=grid,
            notes=notes,
        )
    if failures:
        raise UnreadableFile("; ".join(failures), path=name)
    raise UnsupportedFormat(f"不支持的文件类型 .{suffix or '?'} (unsupported file type)", path=name)


def read_document(path: str | Path) -> Document:
    """Read the file at ``path`` into a :class:`Document`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UnreadableFile(f"无法读取文件 (cannot read the file): {e.strerror or e}", path=str(path)) from None
    return read_bytes(data, str(path))
