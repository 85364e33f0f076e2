"""Many files -> one Report each, in input order; a file that fails is recorded and the batch goes on.

On processes and on a Dask cluster each file has a time limit: a file that takes longer gets a
``source.unreadable`` finding saying so, its worker is replaced (processes), and the run goes on.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

from .check import checked
from .errors import MissingDependency, NianbaoError, UnreadableFile
from .model import Report
from .parse import parse_path, parse_read, read_file, unreadable
from .readers import DEBUG_ENV

T = TypeVar("T")

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
    paths: Iterable[str], jobs: int = 1, scheduler: str | None = None, timeout: float | None = None
) -> Iterator[Report]:
    """Reports for ``paths`` in the same order, parsed on ``jobs`` processes (0 = one per core).

    With ``scheduler`` (a Dask scheduler address such as ``tcp://10.0.0.5:8786``, or ``local`` for a
    cluster on this machine) the work goes to Dask workers, which may be on many machines.  On
    processes or Dask, a file that takes more than ``timeout`` seconds (default FILE_TIMEOUT) is given up
    (a finding says so).  One process parses in this one, without a limit, unless ``timeout`` is given:
    then a single worker process does, so that a file over the limit can be stopped.
    """
    files = list(paths)
    if scheduler:
        yield from _parse_on_dask(files, scheduler, jobs, timeout or FILE_TIMEOUT)
        return
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 and timeout is None:
        yield from map(parse_one, files)
        return
    yield from _parse_on_processes(files, workers, timeout or FILE_TIMEOUT)


def timed_out(path: str, timeout: float, data: bytes | str | None = None) -> Report:
    """The report of a file given up after ``timeout`` seconds (its bytes read again unless given)."""
    said = f"解析超过 {timeout:g} 秒仍未完成，已放弃该文件 (parsing took longer than {timeout:g} s)"
    if data is None:
        data = read_file(path)
    return unreadable(
        path,
        UnreadableFile(said, path=path, expected=f"a file parsed within {timeout:g} s"),
        data if isinstance(data, bytes) else None,
    )


def _outcome(path: str, future: Future, timeout: float, data: bytes | None = None) -> Report:
    """The report a worker returned, or why there is none (timed out, worker died)."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        return timed_out(path, timeout, data)
    except ProcessExpired as e:  # the worker died (a decoder crashed, memory ran out)
        said = f"解析时工作进程异常退出，无法读取该文件 (the worker process died: exit code {e.exitcode})"
        return unreadable(path, UnreadableFile(said, path=path), data)
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


def read_text(data: bytes, name: str) -> str | None:
    """What a worker runs for :meth:`ParsePool.text`: None when the file cannot be read."""
    from .readers import read_bytes

    try:
        return read_bytes(data, name).text
    except (NianbaoError, ValueError):
        return None


class ParsePool:
    """Worker processes kept for a server's lifetime, started at the first file: each file is parsed in one
    within ``timeout`` seconds, so that a file that would hang pdfium or a decoder costs its sender a
    finding and the server a worker, never a request held for ever."""

    def __init__(self, workers: int = 0, timeout: float = FILE_TIMEOUT) -> None:
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.timeout = timeout
        self._pool: Any = None
        self._lock = threading.Lock()

    def parse(self, data: bytes, name: str) -> Report:
        """The checked report of ``data`` (named ``name``), or a finding saying why there is none."""
        return _outcome(name, self._submit(parse_read_checked, data, name), self.timeout, data)

    def text(self, data: bytes, name: str) -> str | None:
        """The text the reader gives for ``data`` (a stored source, for its prose); None when it cannot be
        read, or not in time."""
        return self.call(read_text, data, name)

    def call(self, fn: Callable[..., T], *args: Any) -> T | None:
        """``fn(*args)`` run in a worker (a module-level function: it is pickled), within the time limit;
        None when it runs out of time or its worker dies.  For whatever else reads a stored file (a PDF
        page's image); ``fn`` says itself what a broken file gives."""
        from pebble import ProcessExpired

        try:
            return self._submit(fn, *args).result()
        except (FutureTimeout, ProcessExpired):
            return None

    def _submit(self, fn: Any, *args: Any) -> Future:
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPool(max_workers=self.workers)
            return self._pool.schedule(fn, args, timeout=self.timeout)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None


@contextlib.contextmanager
def dask_client(scheduler: str, jobs: int) -> Iterator[Any]:
    """A Dask client on the cluster at ``scheduler``, or on one started here when it is 'local' (``jobs``
    single-threaded worker processes, 0 = one per core); closed, with the cluster, on the way out."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise MissingDependency(
            "并行集群需要安装 Dask (Dask is needed for --scheduler): pip install 'nianbao[cluster]'",
            expected="dask[distributed]",
        ) from None
    cluster = (
        LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True)
        if scheduler == "local"
        else None
    )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _parse_on_dask(files: list[str], scheduler: str, jobs: int, timeout: float) -> Iterator[Report]:
    """Yield the reports in input order, with at most one task per worker thread in flight.

    A task cannot be stopped on a Dask worker, so a task is only submitted when a thread is free: it starts
    at once, its time limit runs from then, and a file over the limit is given up while its task keeps the
    thread busy (the scheduler sends new files elsewhere) until it ends.
    """
    with dask_client(scheduler, jobs) as client:
        from dask.distributed import wait  # (dask_client said so if Dask is missing)

        slots = max(1, sum(client.nthreads().values()))
        running: dict[Any, tuple[int, float]] = {}  # future -> (index, when submitted)
        given_up: set[Any] = set()  # futures past their limit, still holding a thread
        done: dict[int, Report] = {}
        submitted = collected = 0
        while collected < len(files):
            while submitted < len(files) and len(running) + len(given_up) < slots:
                path = files[submitted]
                future = client.submit(parse_read_checked, read_file(path), path, pure=False)
                running[future] = (submitted, time.monotonic())
                submitted += 1
            while collected in done:
                yield done.pop(collected)
                collected += 1
            if collected >= len(files):
                break
            first = min((t for _, t in running.values()), default=None)
            left = None if first is None else max(0.01, first + timeout - time.monotonic())
            with contextlib.suppress(TimeoutError):
                wait([*running, *given_up], timeout=left, return_when="FIRST_COMPLETED")
            given_up = {f for f in given_up if not f.done()}
            now = time.monotonic()
            for future, (index, started) in list(running.items()):
                if future.done():
                    del running[future]
                    done[index] = _dask_outcome(files[index], future)
                elif now - started >= timeout:
                    del running[future]
                    given_up.add(future)
                    done[index] = timed_out(files[index], timeout)


def _dask_outcome(path: str, future: Any) -> Report:
    try:
        return future.result()
    except Exception as e:  # a worker lost, or a bug (which propagates when debugging)
        if os.environ.get(DEBUG_ENV):
            raise
        said = f"集群任务失败，无法读取该文件 (the Dask task failed: {e!r})"[:300]
        return unreadable(path, UnreadableFile(said, path=path), None)
