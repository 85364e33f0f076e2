"""Many files -> one Report each, in input order; a file that fails is recorded and the batch goes on.

On processes and on a Dask cluster each file has a time limit: a file that takes longer gets a
``source.unreadable`` finding saying so, its worker is replaced (processes), and the run goes on.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from .check import checked
from .errors import MissingDependency, UnreadableFile
from .model import Report
from .parse import parse_path, parse_read, read_file, unreadable
from .readers import DEBUG_ENV

# Seconds one file may take on a worker (a report takes well under one; a 300-page PDF some tens).
FILE_TIMEOUT = 120.0

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


def parse_many(
    paths: Iterable[str], jobs: int = 1, scheduler: str | None = None, timeout: float = FILE_TIMEOUT
) -> Iterator[Report]:
    """Reports for ``paths`` in the same order, parsed on ``jobs`` processes (0 = one per core).

    With ``scheduler`` (a Dask scheduler address such as ``tcp://10.0.0.5:8786``, or ``local`` for a
    cluster on this machine) the work goes to Dask workers, which may be on many machines.  On
    processes or Dask, a file that takes more than ``timeout`` seconds is given up (a finding says so).
    """
    files = list(paths)
    if scheduler:
        yield from _parse_on_dask(files, scheduler, jobs, timeout)
        return
    workers = jobs or os.cpu_count() or 1
    if workers <= 1:
        yield from map(parse_one, files)
        return
    yield from _parse_on_processes(files, workers, timeout)


def timed_out(path: str, timeout: float) -> Report:
    """The report of a file given up after ``timeout`` seconds."""
    said = f"解析超过 {timeout:g} 秒仍未完成，已放弃该文件 (parsing took longer than {timeout:g} s)"
    data = read_file(path)
    return unreadable(
        path,
        UnreadableFile(said, path=path, expected=f"a file parsed within {timeout:g} s"),
        data if isinstance(data, bytes) else None,
    )


def _outcome(path: str, future: Future, timeout: float) -> Report:
    """The report a worker returned, or why there is none (timed out, worker died)."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        return timed_out(path, timeout)
    except ProcessExpired as e:  # the worker died (a decoder crashed, memory ran out)
        said = f"解析时工作进程异常退出，无法读取该文件 (the worker process died: exit code {e.exitcode})"
        return unreadable(path, UnreadableFile(said, path=path), None)
    except Exception as e:  # parse_one does not raise; a bug propagates when debugging
        if os.environ.get(DEBUG_ENV):
            raise
        return unreadable(path, UnreadableFile(f"解析时出现内部错误 (a bug in nianbao: {e!r})"[:300], path=path), None)


def _parse_on_processes(files: list[str], workers: int, timeout: float) -> Iterator[Report]:
    """One task a file on a pebble pool, which kills and replaces a worker whose file runs out of time."""
    from pebble import ProcessPool

    window = workers * 16  # files in flight: bounded memory, workers kept busy
    with ProcessPool(max_workers=workers) as pool:
        pending: deque[tuple[str, Future]] = deque()
        todo = iter(files)
        for path in todo:
            pending.append((path, pool.schedule(parse_one, (path,), timeout=timeout)))
            if len(pending) >= window:
                break
        while pending:
            path, future = pending.popleft()
            yield _outcome(path, future, timeout)
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt, pool.schedule(parse_one, (nxt,), timeout=timeout)))


def parse_read_checked(data: bytes | str, name: str) -> Report:
    """What a remote worker runs: the bytes travel with the task, so workers need no shared disk."""
    return checked(parse_read(data, name))


def _parse_on_dask(files: list[str], scheduler: str, jobs: int, timeout: float, window: int = 512) -> Iterator[Report]:
    """Submit files in windows (bounded memory) and yield the reports in input order.

    A task cannot be stopped on a Dask worker: a file still running ``timeout`` seconds after the one
    before it was collected is given up (its task cancelled) and the run goes on with the others.
    """
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
            for path, future in zip(chunk, futures, strict=True):
                try:
                    yield future.result(timeout=timeout)
                except FutureTimeout:
                    future.cancel()
                    yield timed_out(path, timeout)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
