"""Many files -> one Report each, in input order; a file that fails is recorded and the batch goes on."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .check import checked
from .model import Report
from .parse import parse_path

# Suffixes collected when a folder is given (files named explicitly are always read).
REPORT_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps", ".ofd", ".xlsx"}
)


def expand(paths: Iterable[str | Path]) -> list[str]:
    """Files as given, folders expanded (recursively, sorted) to the report files inside them."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(
                str(f)
                for f in sorted(path.rglob("*"))
                if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not f.name.endswith(".expected.json")
            )
        else:
            out.append(str(path))
    return out


def parse_one(path: str) -> Report:
    """Parse and check one file; never raises for bad input (see :func:`nianbao.parse.parse_path`)."""
    return checked(parse_path(path))


def parse_many(paths: Iterable[str], jobs: int = 1) -> Iterator[Report]:
    """Reports for ``paths`` in the same order, parsed on ``jobs`` processes (0 = one per core)."""
    files = list(paths)
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(files) < 8:
        yield from map(parse_one, files)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(parse_one, files, chunksize=max(1, min(64, len(files) // (workers * 8) or 1)))
