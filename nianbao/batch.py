"""Many files -> one Report each, in input order; a file that fails is recorded and the batch goes on."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .check import checked
from .errors import MissingDependency
from .model import Report
from .parse import parse_path, parse_read, read_file

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


def parse_many(paths: Iterable[str], jobs: int = 1, scheduler: str | None = None) -> Iterator[Report]:
    """Reports for ``paths`` in the same order, parsed on ``jobs`` processes (0 = one per core).

    With ``scheduler`` (a Dask scheduler address such as ``tcp://10.0.0.5:8786``, or ``local`` for a
    cluster on this machine) the work goes to Dask workers, which may be on many machines.
    """
    files = list(paths)
    if scheduler:
        yield from _parse_on_dask(files, scheduler, jobs)
        return
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(files) < 8:
        yield from map(parse_one, files)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(parse_one, files, chunksize=max(1, min(64, len(files) // (workers * 8) or 1)))


def parse_read_checked(data: bytes | str, name: str) -> Report:
    """What a remote worker runs: the bytes travel with the task, so workers need no shared disk."""
    return checked(parse_read(data, name))


def _parse_on_dask(files: list[str], scheduler: str, jobs: int, window: int = 512) -> Iterator[Report]:
    """Submit files in windows (bounded memory) and yield the reports in input order."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise MissingDependency(
            "并行集群需要安装 Dask (Dask is needed for --scheduler): pip install 'nianbao[cluster]'",
            expected="dask[distributed]",
        ) from None
    cluster = (
        LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1) if scheduler == "local" else None
    )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        for start in range(0, len(files), window):
            chunk = files[start : start + window]
            futures = client.map(parse_read_checked, [read_file(f) for f in chunk], chunk, pure=False)
            yield from client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
