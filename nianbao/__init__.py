"""nianbao: read, check, store and render China's government information disclosure annual reports.

>>> import nianbao
>>> report = nianbao.parse("report.txt")        # canonical data + findings
>>> [f.message for f in report.findings]
"""

from __future__ import annotations

from pathlib import Path

from .check import check, checked
from .model import Finding, Meta, Report, Source
from .parse import parse_bytes as _parse_bytes
from .parse import parse_document, parse_path
from .readers import Document, read_bytes, read_document

__version__ = "0.2.0"

__all__ = [
    "Document",
    "Finding",
    "Meta",
    "Report",
    "Source",
    "__version__",
    "check",
    "parse",
    "parse_bytes",
    "read_bytes",
    "read_document",
]


def parse(source: str | Path | Document) -> Report:
    """Parse a file (or an already read Document) into a checked canonical Report.

    Never raises for bad input: an unreadable file gives a Report with a ``source.unreadable`` finding.
    """
    report = parse_document(source) if isinstance(source, Document) else parse_path(str(source))
    return checked(report)


def parse_bytes(data: bytes, name: str = "<bytes>") -> Report:
    """Parse bytes as if read from a file called ``name`` (its suffix picks the reader)."""
    return checked(_parse_bytes(data, name))
