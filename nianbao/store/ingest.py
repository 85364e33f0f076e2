"""Files, folders, globs and zip archives -> stored reports, parsed on many processes or a Dask cluster.

The main process reads each file, hashes it and skips what the store already holds (so a second run
adds nothing and a killed run resumes where it stopped); only new bytes travel to the workers, at
most a few per worker at a time (memory stays flat however many files), and the parsed reports are
committed in small batches (at most a second of work), each report whole with its cells, findings
and source, so that a kill loses nothing but the uncommitted batch, which the next run redoes.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import queue
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..batch import FILE_TIMEOUT, REPORT_SUFFIXES, dask_client, parse_read_checked, timed_out
from ..errors import UnreadableFile
from ..model import Report
from ..parse import read_file, unreadable

if TYPE_CHECKING:
    from .corpus import Corpus, IngestSummary, Rows

# What a folder or an archive contributes: the report formats, canonical JSON, and archives.
INGEST_SUFFIXES = REPORT_SUFFIXES | {".json"}
ARCHIVE_SUFFIXES = frozenset({".zip"})
# Zip-bomb limits: one member, the whole archive, and the compression ratio of a big member.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 200_000

# Reports are committed in small batches (each report whole or not at all): at most this many, this
# many source bytes, or this much time of work is redone after a kill.  (256 rather than 64 reports:
# a tenth less time storing, measured; a second of work is the bound that counts.)
BATCH_REPORTS = 256
BATCH_BYTES = 32 * 1024 * 1024
BATCH_SECONDS = 1.0

Work = tuple[str, "bytes | str"]  # (name, bytes) or (name, why it cannot be read)


# ---------------------------------------------------------------------------------- inputs
def collect(paths: Iterable[str]) -> list[str]:
    """Files named, folders (recursively, sorted) and glob matches; a missing path is kept so that it is
    reported as a failure rather than silently dropped."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*")) if f.is_file() and _wanted(f.name, archives=True))
        elif not path.exists() and any(ch in p for ch in "*?["):
            out.extend(m for m in sorted(glob.glob(p, recursive=True)) if Path(m).is_file())
        else:
            out.append(str(path))
    return out


def _wanted(name: str, archives: bool) -> bool:
    low = name.lower()
    if low.endswith(".expected.json"):
        return False
    suffix = PurePosixPath(low).suffix
    return suffix in INGEST_SUFFIXES or (archives and suffix in ARCHIVE_SUFFIXES)


def _is_zip(path: str) -> bool:
    return path.lower().endswith(".zip")


def count(files: Sequence[str]) -> int:
    """How many reports the files hold (an archive counts its report members)."""
    n = 0
    for f in files:
        if _is_zip(f):
            try:
                with zipfile.ZipFile(f) as zf:
                    n += sum(1 for i in zf.infolist() if not i.is_dir() and _wanted(_member_name(i), False)) or 1
            except (OSError, zipfile.BadZipFile, ValueError):
                n += 1
        else:
            n += 1
    return n


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; archives made on Chinese Windows store GBK names without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name


def _unsafe(name: str) -> bool:
    """A member path that would land outside the folder it is extracted to."""
    p = name.replace("\\", "/")
    return p.startswith("/") or (len(p) > 1 and p[1] == ":") or ".." in PurePosixPath(p).parts


def zip_members(path: str) -> Iterator[Work]:
    """The report members of an archive as (``archive!/member``, bytes or why refused).

    Nothing is extracted to disk. Members with ``..`` or absolute paths, members larger than
    MAX_MEMBER_BYTES (whatever their header claims), suspicious compression ratios and archives
    whose members add up to more than MAX_ARCHIVE_BYTES are refused with a reason.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as e:
        yield path, f"不是可读的 zip 压缩包 (not a readable zip archive): {e}"
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        declared = sum(i.file_size for i in infos)
        if len(infos) > MAX_MEMBERS or declared > MAX_ARCHIVE_BYTES:
            yield (
                path,
                (
                    f"压缩包解压后过大（{len(infos)} 个文件，共 {declared} 字节），疑似 zip 炸弹，已拒绝 "
                    f"(archive too large when unpacked: a zip bomb?; limit {MAX_ARCHIVE_BYTES} bytes)"
                ),
            )
            return
        for info in infos:
            name = _member_name(info)
            if not _wanted(name, False):
                continue
            shown = f"{path}!/{name}"
            if _unsafe(name):
                yield shown, "压缩包内的路径指向包外（含 .. 或绝对路径），已拒绝 (member path escapes the folder)"
                continue
            big = info.file_size > MAX_MEMBER_BYTES
            ratio = info.file_size / max(1, info.compress_size)
            if big or (info.file_size > 16 * 1024 * 1024 and ratio > MAX_RATIO):
                yield (
                    shown,
                    (
                        f"压缩包内文件解压后过大（{info.file_size} 字节，压缩比 {ratio:.0f}），疑似 zip 炸弹，已拒绝 "
                        "(member too large or too compressed: a zip bomb?)"
                    ),
                )
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_MEMBER_BYTES + 1)
            except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as e:
                yield shown, f"无法解压该文件 (cannot unpack the member): {e}"
                continue
            if len(data) > MAX_MEMBER_BYTES:
                yield shown, "压缩包内文件实际大小超过其声明，疑似 zip 炸弹，已拒绝 (member larger than declared)"
                continue
            yield shown, data


def works(files: Iterable[str]) -> Iterator[Work]:
    """(name, bytes or reason) for every report the files hold, one at a time."""
    for f in files:
        if _is_zip(f) and Path(f).is_file():
            yield from zip_members(f)
        elif not Path(f).exists():
            yield f, "文件不存在 (no such file)"
        else:
            yield f, read_file(f)


def key_of(name: str, data: bytes | str) -> str:
    """The store key: the sha256 of the bytes, or of the refusal when there are none."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"unreadable\0{name}".encode()).hexdigest()


# ---------------------------------------------------------------------------------- parsing
def parse_work(name: str, data: bytes | str) -> Report:
    """What a worker runs: canonical JSON is taken as it is, every other format is parsed and checked."""
    if isinstance(data, bytes) and name.lower().endswith(".json"):
        return _canonical_json(name, data)
    if isinstance(data, str):
        return unreadable(name, UnreadableFile(data, path=name), None)
    return parse_read_checked(data, name)


Prepared = tuple[str, "Rows", str, str, str]  # key, rows, status, path shown, reason when unreadable


def prepare_work(name: str, data: bytes | str) -> Prepared:
    """What an ingest worker runs: the parse and the report's rows for the store, so that the process
    writing does nothing but write (region, canonical JSON packed, cells, findings made here)."""
    return prepared(parse_work(name, data), name, data)


def prepared(report: Report, name: str, data: bytes | str) -> Prepared:
    """The store's rows of a parsed report (stored under its bytes' key, or its refusal's)."""
    from .corpus import parser_version, report_rows, status_of, store_key

    if not isinstance(data, bytes):
        report = _keyed(report, key_of(name, data))
    key = store_key(report, data if isinstance(data, bytes) else None)
    status = status_of(report)
    reason = _reason(report) if status == "unreadable" else ""
    return key, report_rows(report, key, parser_version()), status, report.source.path or "?", reason


def _canonical_json(name: str, data: bytes) -> Report:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
        if not isinstance(obj, dict) or not isinstance(obj.get("tables"), dict):
            raise ValueError("no 'tables' object")
        return Report.from_dict(obj)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
        err = UnreadableFile(f"不是规范的报告 JSON (not a canonical report JSON): {e}", path=name)
        return unreadable(name, err, data)


def run(
    items: Iterator[tuple[Any, str, bytes | str]],
    jobs: int,
    scheduler: str | None,
    timeout: float | None = None,
    task: Callable[[str, bytes | str], Any] = parse_work,
    in_process: bool = True,
) -> Iterator[tuple[Any, Any]]:
    """(tag, ``task(name, data)``) for each (tag, name, data), in order, on ``jobs`` processes or Dask.

    At most a few items per worker are in flight, so memory does not grow with the input.  On
    processes each file has the batch's time limit (``timeout``, default FILE_TIMEOUT), as ``nianbao
    parse`` has; a file over it (or whose worker died) gives a Report saying so instead of the task's
    result.  With one job, ``in_process`` and no ``timeout``, the task runs in this process.
    """
    if scheduler:
        yield from _run_dask(items, jobs, scheduler, task)
        return
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 and timeout is None and in_process:
        for tag, name, data in items:
            yield tag, task(name, data)
        return
    from pebble import ProcessPool

    limit = timeout or FILE_TIMEOUT
    with ProcessPool(max_workers=workers) as pool:
        names: dict[int, tuple[str, bytes | str]] = {}

        def submit(name: str, data: bytes | str) -> Any:
            future = pool.schedule(task, (name, data), timeout=limit)
            names[id(future)] = (name, data)
            return future

        def result(future: Any) -> Any:
            name, data = names.pop(id(future))
            return worker_outcome(name, data, future, limit)

        yield from _windowed(items, submit, result, workers * 16)


def worker_outcome(name: str, data: bytes | str, future: Any, limit: float) -> Any:
    """The worker's report, or the file's bytes stored with why there is none (over the limit, worker died)."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        return timed_out(name, limit, data)
    except ProcessExpired as e:
        said = f"解析时工作进程异常退出，无法读取该文件 (the worker process died: exit code {e.exitcode})"
        return unreadable(name, UnreadableFile(said, path=name), data if isinstance(data, bytes) else None)


def _windowed(
    items: Iterator[tuple[Any, str, bytes | str]],
    submit: Callable[[str, bytes | str], Any],
    result: Callable[[Any], Any],
    window: int,
) -> Iterator[tuple[Any, Any]]:
    pending: deque[tuple[Any, Any]] = deque()
    for tag, name, data in items:
        pending.append((tag, submit(name, data)))
        if len(pending) >= window:
            t, fut = pending.popleft()
            yield t, result(fut)
    while pending:
        t, fut = pending.popleft()
        yield t, result(fut)


def _run_dask(
    items: Iterator[tuple[Any, str, bytes | str]], jobs: int, scheduler: str, task: Callable[[str, bytes | str], Any]
) -> Iterator[tuple[Any, Any]]:
    with dask_client(scheduler, jobs) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _windowed(
            items, lambda n, d: client.submit(task, n, d, pure=False), lambda f: f.result(), workers * 8
        )


# ---------------------------------------------------------------------------------- the runs
def _reason(report: Report) -> str:
    return next((f.message for f in report.findings if f.severity == "error"), "unreadable")


def ingest(
    corpus: Corpus,
    paths: Sequence[str],
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
) -> IngestSummary:
    """See :meth:`Corpus.ingest`."""
    from .corpus import IngestSummary

    start = time.perf_counter()
    files = collect(paths)
    total = count(files)
    summary = IngestSummary()
    done = 0
    lock = threading.Lock()
    run_keys: set[str] = set()  # in flight or not yet committed (stored ones are looked up): bounded

    def tick(n: int = 1) -> None:
        nonlocal done
        with lock:
            done += n
            now = done
        if progress is not None:
            progress(now, total)

    def unseen(chunk: list[tuple[str, str, bytes | str]]) -> Iterator[tuple[Any, str, bytes | str]]:
        stored = corpus.stored_keys([key for key, _, _ in chunk])
        for key, name, data in chunk:
            with lock:
                fresh = key not in run_keys and key not in stored
                if fresh:
                    run_keys.add(key)
            if not fresh:
                summary.skipped += 1
                tick()
                continue
            yield (key, data if isinstance(data, bytes) else None, name), name, data

    def new_items() -> Iterator[tuple[Any, str, bytes | str]]:
        """The works not stored yet, looked up a few dozen at a time (one query, not one per file)."""
        chunk: list[tuple[str, str, bytes | str]] = []
        size = 0
        for name, data in works(files):
            summary.seen += 1
            chunk.append((key_of(name, data), name, data))
            size += len(data)
            if len(chunk) >= 32 or size >= BATCH_BYTES:
                yield from unseen(chunk)
                chunk, size = [], 0
        yield from unseen(chunk)

    def commit(batch: list[tuple[str, bytes | None, str, Rows]], keys: list[str]) -> None:
        corpus.add_prepared(batch)
        with lock:
            run_keys.difference_update(keys)
        tick(len(batch))

    # A writer thread overlaps the writing with waiting for the workers; when this very thread parses,
    # it only fights it for the GIL (measured: more CPU, no less time), so the batches are written in place.
    parses_here = not scheduler and (jobs or os.cpu_count() or 1) <= 1 and timeout is None
    writer = _Writer(commit, threaded=corpus.threaded_writes and not parses_here)
    batch: list[tuple[str, bytes | None, str, Rows]] = []
    keys: list[str] = []
    held = 0
    last = time.monotonic()
    try:
        # Workers make the rows too, so that this process only reads, hashes and writes.  One job parses
        # in this process (unless a time limit is given): measured, a worker process of its own cost
        # more CPU (pickling both ways) than the overlap saved on a busy machine.
        for (key, data, name), out in run(new_items(), jobs, scheduler, timeout, task=prepare_work):
            if isinstance(out, Report):  # given up by the pool (time limit, worker died)
                out = prepared(out, name, data if data is not None else "")
            stored_key, rows, status, path, reason = out
            keys.append(key)
            # the file's own name goes with its bytes: it picks the reader on reparse
            batch.append((stored_key, data, name if data is not None else path, rows))
            held += len(data or b"")
            summary.added += 1
            if status == "unreadable":
                summary.failed.append((path, reason))
            if len(batch) >= BATCH_REPORTS or held >= BATCH_BYTES or time.monotonic() - last >= BATCH_SECONDS:
                writer.put(batch, keys)
                batch, keys, held, last = [], [], 0, time.monotonic()
        if batch:
            writer.put(batch, keys)
    finally:
        writer.close()
    summary.seconds = time.perf_counter() - start
    return summary


class _Writer:
    """Commits batches on a thread of its own, so that SQLite's work (which releases the GIL) overlaps
    the parsing; at most two batches wait. Errors surface in the ingesting thread on the next put or
    at close. ``threaded=False`` (an in-memory database: one shared connection) commits in place."""

    def __init__(self, commit: Callable[[list, list[str]], None], threaded: bool = True) -> None:
        self.commit = commit
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[list, list[str]] | None] | None = None
        if threaded:
            self.queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._loop, name="nianbao-ingest-writer", daemon=True)
            self.thread.start()

    def _loop(self) -> None:
        assert self.queue is not None
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.commit(*item)
                except BaseException as e:  # handed to the ingesting thread
                    self.error = e

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, batch: list, keys: list[str]) -> None:
        self._raise()
        if self.queue is None:
            self.commit(batch, keys)
        else:
            self.queue.put((batch, keys))

    def close(self) -> None:
        if self.queue is not None:
            self.queue.put(None)
            self.thread.join()
        self._raise()


def _keyed(report: Report, key: str) -> Report:
    """A report without bytes stored under its refusal key (so a rerun skips it too)."""
    from dataclasses import replace

    return replace(report, source=replace(report.source, sha256=report.source.sha256 or key))


def reparse(
    corpus: Corpus,
    jobs: int = 0,
    outdated: bool = False,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
) -> int:
    """See :meth:`Corpus.reparse`: stored sources through the current parser, ids kept."""
    import zlib

    from sqlalchemy import func, select

    from . import schema as S
    from .corpus import parser_version

    R, Src = S.reports.c, S.sources.c
    where = [R.parser_version != parser_version()] if outdated else []
    with corpus.engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(S.reports.join(S.sources, Src.sha256 == R.sha256)).where(*where)
        ).scalar()

    def items() -> Iterator[tuple[Any, str, bytes | str]]:
        last = 0
        while True:
            with corpus.engine.connect() as conn:
                rows = conn.execute(
                    select(R.id, R.path, Src.name, Src.data)
                    .join(S.sources, Src.sha256 == R.sha256)
                    .where(R.id > last, *where)
                    .order_by(R.id)
                    .limit(64)
                ).all()
            if not rows:
                return
            for r in rows:
                yield r.id, r.name, zlib.decompress(r.data)
            last = rows[-1].id

    n = 0
    for rid, report in run(items(), jobs, scheduler):
        corpus.replace(rid, report)
        n += 1
        if progress is not None:
            progress(n, int(total or 0))
    return n
