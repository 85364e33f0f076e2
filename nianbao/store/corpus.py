"""Corpus: the public API over the store (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict, Unpack

from ..errors import StoreError
from ..formats import REQUEST_ROWS
from ..model import Report
from ..regions import infer_region
from . import schema as S

STATUSES = ("ok", "errors", "unreadable")
# zlib level of stored sources and documents: level 1 compresses them some 5% less than 6 in under
# half the time (measured on generated reports), and storing is on the ingest's critical path.
ZLIB_LEVEL = 1
# Rules that mean the file could not be read as a report at all.
UNREADABLE_RULES = frozenset({"source.unreadable", "source.scanned", "source.not_a_report"})


@dataclass(frozen=True)
class StoredReport:
    """One row of the reports table: what lists and search results show without loading the cells."""

    id: int
    path: str | None
    sha256: str
    kind: str | None
    template: str | None
    organ: str | None
    year: int | None
    published: str | None
    script: str | None
    province: str | None
    city: str | None
    county: str | None
    status: str  # ok | errors | unreadable
    n_errors: int
    n_warnings: int
    parser_version: str | None
    title: str | None = None


@dataclass
class IngestSummary:
    """What one ingest run did; ``failed`` lists (name, reason) of files stored as unreadable."""

    seen: int = 0
    added: int = 0
    skipped: int = 0  # already stored (same sha256)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


@lru_cache(maxsize=1)
def parser_version() -> str:
    """nianbao's version plus a digest of the code that turns bytes into a report, so that
    ``reparse --outdated`` knows which stored reports an edited parser would read differently."""
    from .. import __version__

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for sub in ("readers", "parse"):
        for f in sorted((root / sub).glob("*.py")):
            digest.update(f.read_bytes())
    for name in ("check.py", "formats.py", "model.py"):
        digest.update((root / name).read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def status_of(report: Report) -> str:
    if any(f.rule in UNREADABLE_RULES and f.severity == "error" for f in report.findings):
        return "unreadable"
    return "errors" if report.has_errors else "ok"


def _pack(obj: Any) -> bytes:
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), ZLIB_LEVEL)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


_NUMBER = frozenset({int, float})
Rows = tuple[dict[str, Any], bytes, list[tuple[str, str, str, int | float]], list[dict[str, Any]]]


def report_rows(report: Report, key: str, version: str | None) -> Rows:
    """The reports row, the packed canonical JSON, the cells (table, row, column, value) and the finding
    rows of one report (no ids yet)."""
    row: dict[str, Any] = {
        "sha256": key,
        "path": report.source.path,
        "kind": report.source.kind,
        "template": report.template,
        "title": report.meta.title,
        "organ": report.meta.organ,
        "year": report.meta.year,
        "published": report.meta.published,
        "script": report.meta.script,
        "parser_version": version,
        "status": status_of(report),
        "n_errors": sum(f.severity == "error" for f in report.findings),
        "n_warnings": sum(f.severity == "warning" for f in report.findings),
        "ingested_at": datetime.now(UTC),
    }
    region = _region(report.meta.organ)  # every way in (ingest, add, upload) files the report under its region
    row.update(province=region.province, city=region.city, county=region.county)
    for name, path in S.SUMMARY_CELLS.items():
        v = report.cell(path)
        row[name] = float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
    number = _NUMBER  # an exact type test: bool is no number here, and two isinstance calls a cell add up
    cell_rows = [
        (t, r, c, v)
        for t, rows in report.tables.items()
        for r, cols in rows.items()
        for c, v in cols.items()
        if type(v) in number or (isinstance(v, int | float) and not isinstance(v, bool))
    ]
    finding_rows = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "location": f.where,
            "message": f.message,
            "expected": _json(f.expected),
            "found": _json(f.found),
        }
        for f in report.findings
    ]
    return row, _pack(report.to_dict()), cell_rows, finding_rows


def store_key(report: Report, data: bytes | None) -> str:
    """The key a report is stored under: the sha256 of its bytes, else of the report itself."""
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    if report.source.sha256:
        return report.source.sha256
    return hashlib.sha256(json.dumps(report.to_dict(), sort_keys=True).encode("utf-8")).hexdigest()


class Filters(TypedDict, total=False):
    """What :meth:`Corpus.search`, :meth:`Corpus.ids` and :meth:`Corpus.chart_data` select reports by, as
    keywords: ``organ`` and ``q`` match substrings (``q`` of organ, title or path), ``region`` matches
    province, city or county, ``rule`` keeps reports with a finding of that rule (or of every rule under a
    prefix ending in '.'), ``has_errors`` those with (or without) an error finding; ``status`` is the
    stored status (``unreadable``, …).  None is no filter."""

    organ: str | None
    year: int | None
    template: str | None
    rule: str | None
    has_errors: bool | None
    region: str | None
    q: str | None
    status: str | None


_FILTER_KEYS = tuple(Filters.__annotations__)


@lru_cache(maxsize=4096)
def _region(organ: str | None) -> Any:
    """The region an organ's name states (cached: a corpus holds each organ's reports of many years)."""
    return infer_region(organ)


def _stored(r: Any) -> StoredReport:
    return StoredReport(
        id=r.id,
        path=r.path,
        sha256=r.sha256,
        kind=r.kind,
        template=r.template,
        organ=r.organ,
        year=r.year,
        published=r.published,
        script=r.script,
        province=r.province,
        city=r.city,
        county=r.county,
        status=r.status,
        n_errors=r.n_errors,
        n_warnings=r.n_warnings,
        parser_version=r.parser_version,
        title=r.title,
    )


_LIST_COLUMNS = [c for c in S.reports.c if c.name not in ("ingested_at", *S.SUMMARY_CELLS)]


class Corpus:
    """A store of reports. Use :func:`open_corpus`; close it (or use ``with``) when done."""

    def __init__(self, engine: Any, url: str) -> None:
        self.engine = engine
        self.url = url
        self._path_ids: dict[tuple[str, str, str], int] = {}

    @property
    def threaded_writes(self) -> bool:
        """Whether a writer thread may commit while another thread reads (not on one shared in-memory
        SQLite connection)."""
        return self.url not in ("sqlite://", "sqlite:///:memory:")

    # ------------------------------------------------------------------ writing
    @contextmanager
    def _tx(self, what: str) -> Iterator[Any]:
        """One transaction; database refusals become a StoreError saying what was being done."""
        from sqlalchemy.exc import DBAPIError, IntegrityError

        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise  # a race with another writer: the caller looks again
        except DBAPIError as e:
            raise store_error(e, self.url, what) from None

    def key_of(self, report: Report, data: bytes | None) -> str:
        return store_key(report, data)

    def has(self, sha256: str) -> int | None:
        """The id of the report stored for these bytes, if any."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            return conn.execute(select(S.reports.c.id).where(S.reports.c.sha256 == sha256)).scalar()

    def stored_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these sha256 keys are stored already (one query)."""
        from sqlalchemy import select

        wanted = list(set(keys))
        if not wanted:
            return set()
        with self.engine.connect() as conn:
            return set(conn.execute(select(S.reports.c.sha256).where(S.reports.c.sha256.in_(wanted))).scalars())

    def add(self, report: Report, data: bytes | None = None, name: str | None = None) -> int:
        """Store one report (and its source bytes); same sha256 => the id already stored, nothing written.

        The report, its cells, findings and source are written in one transaction: a kill leaves
        either all of them or none.
        """
        return self.add_many([(report, data, name)])[0]

    def add_many(self, items: Sequence[tuple[Report, bytes | None, str | None]]) -> list[int]:
        """Store several (report, source bytes, file name) in one transaction; their ids, in order.

        Each report goes in whole (row, canonical JSON, cells, findings, source) or, if the
        transaction does not commit, not at all; reports already stored are left as they are.
        Ingest writes its reports in such small batches: one commit per report costs more than the
        rest of storing it.
        """
        version = parser_version()
        prepared = []
        for report, data, name in items:
            key = self.key_of(report, data)
            prepared.append((key, data, name or report.source.path or key, report_rows(report, key, version)))
        return self.add_prepared(prepared)

    def add_prepared(self, prepared: list[tuple[str, bytes | None, str, Rows]]) -> list[int]:
        """:meth:`add_many` of reports whose rows :func:`report_rows` made already (ingest's workers
        make them, so that the process writing does nothing but write): (key, source bytes, file
        name, rows) each."""
        from sqlalchemy.exc import IntegrityError

        for attempt in (1, 2):
            try:
                with self._tx("写入报告 (storing reports)") as conn:
                    return self._write(conn, prepared)
            except IntegrityError as e:  # another process stored the same bytes (or a new cell path) meanwhile
                self._path_ids.clear()
                if attempt == 2:
                    raise store_error(e, self.url, "写入报告 (storing reports)") from None
        raise AssertionError("unreachable")

    def _write(self, conn: Any, prepared: list[tuple[str, bytes | None, str, Rows]]) -> list[int]:
        from sqlalchemy import insert, select

        R, Src = S.reports.c, S.sources.c
        keys = [p[0] for p in prepared]
        have: dict[str, int] = dict(conn.execute(select(R.sha256, R.id).where(R.sha256.in_(set(keys)))).all())
        new, seen = [], set(have)
        for p in prepared:
            if p[0] not in seen:
                seen.add(p[0])
                new.append(p)
        if not new:
            return [int(have[k]) for k in keys]
        sources = {key: (name, data) for key, data, name, _ in new if data is not None}
        if sources:
            present = set(conn.execute(select(Src.sha256).where(Src.sha256.in_(list(sources)))).scalars())
            rows = [
                {"sha256": k, "name": n, "size": len(d), "data": zlib.compress(d, ZLIB_LEVEL)}
                for k, (n, d) in sources.items()
                if k not in present
            ]
            if rows:
                conn.execute(insert(S.sources), rows)
        ids = (
            conn.execute(insert(S.reports).returning(R.id, sort_by_parameter_order=True), [p[3][0] for p in new])
            .scalars()
            .all()
        )
        paths = self._path_ids
        docs, cells, findings = [], [], []
        for (key, _data, _name, (_row, doc, cell_rows, finding_rows)), rid in zip(new, ids):
            have[key] = int(rid)
            docs.append({"report_id": rid, "doc": doc})
            try:
                cells += [(rid, paths[(t, r, c)], v) for t, r, c, v in cell_rows]
            except KeyError:  # a path not numbered yet (rare after the first reports): number it, go on
                paths = self._ids_of_paths(conn, [(t, r, c) for t, r, c, _ in cell_rows])
                cells += [(rid, paths[(t, r, c)], v) for t, r, c, v in cell_rows]
            findings.extend({"report_id": rid, **f} for f in finding_rows)
        conn.execute(insert(S.docs), docs)
        if cells:
            _insert_cells(conn, cells)
        if findings:
            conn.execute(insert(S.findings), findings)
        return [int(have[k]) for k in keys]

    def _ids_of_paths(self, conn: Any, paths: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
        """Numbers of cell paths, adding the paths not yet numbered (inside the caller's transaction)."""
        from sqlalchemy import insert, select

        missing = {p for p in paths if p not in self._path_ids}
        if missing:
            P = S.cell_paths.c
            known = {(t, r, c): i for i, t, r, c in conn.execute(select(P.id, P.tbl, P.row, P.col))}
            new = sorted(missing - known.keys())
            if new:
                conn.execute(insert(S.cell_paths), [{"tbl": t, "row": r, "col": c} for t, r, c in new])
                known = {(t, r, c): i for i, t, r, c in conn.execute(select(P.id, P.tbl, P.row, P.col))}
            self._path_ids = known
        return self._path_ids

    def _put_children(
        self, conn: Any, rid: int, doc: bytes, cell_rows: list[tuple[str, str, str, int | float]], finding_rows: list
    ) -> None:
        from sqlalchemy import insert

        conn.execute(insert(S.docs).values(report_id=rid, doc=doc))
        if cell_rows:
            ids = self._ids_of_paths(conn, [(t, r, c) for t, r, c, _ in cell_rows])
            conn.execute(
                insert(S.cells), [{"report_id": rid, "path_id": ids[(t, r, c)], "value": v} for t, r, c, v in cell_rows]
            )
        if finding_rows:
            conn.execute(insert(S.findings), [{"report_id": rid, **f} for f in finding_rows])

    def replace(self, id: int, report: Report) -> None:
        """Overwrite a stored report's data (same id, sha256, region and source), as reparse does."""
        from sqlalchemy import delete, update

        with self._tx("更新报告 (replacing a report)") as conn:
            key = conn.execute(S.reports.select().with_only_columns(S.reports.c.sha256).where(S.reports.c.id == id))
            sha = key.scalar()
            if sha is None:
                raise StoreError(f"库中没有编号为 {id} 的报告 (no report with this id)", path=self.url)
            row, doc, cell_rows, finding_rows = report_rows(report, sha, parser_version())
            for kept in ("sha256", "province", "city", "county"):  # a region set by hand stays
                row.pop(kept)
            for table in (S.cells, S.findings, S.docs):
                conn.execute(delete(table).where(table.c.report_id == id))
            conn.execute(update(S.reports).where(S.reports.c.id == id).values(**row))
            self._put_children(conn, id, doc, cell_rows, finding_rows)

    def ingest(
        self,
        paths: Sequence[str],
        jobs: int = 0,
        progress: Callable[[int, int], None] | None = None,
        scheduler: str | None = None,
        timeout: float | None = None,
    ) -> IngestSummary:
        """Parse and store files, folders, globs and zip archives; skips what is already stored.

        ``progress(done, total)`` is called after each file. ``jobs`` processes parse (0 = one per
        core); with ``scheduler`` a Dask cluster does (``local`` starts one here). A file that takes
        more than ``timeout`` seconds on a worker (see :func:`nianbao.batch.parse_many`) is stored as
        unreadable with that reason.
        """
        from .ingest import ingest

        return ingest(self, paths, jobs=jobs, progress=progress, scheduler=scheduler, timeout=timeout)

    def reparse(
        self,
        jobs: int = 0,
        outdated: bool = False,
        progress: Callable[[int, int], None] | None = None,
        scheduler: str | None = None,
    ) -> int:
        """Re-run stored sources through the current parser (only those parsed by another version
        with ``outdated``); returns how many were reparsed."""
        from .ingest import reparse

        return reparse(self, jobs=jobs, outdated=outdated, progress=progress, scheduler=scheduler)

    def set_region(self, id: int, province: str | None, city: str | None, county: str | None) -> None:
        """Record the region inferred for a stored report (nianbao.regions fills these)."""
        from sqlalchemy import update

        with self._tx("写入地区 (storing a region)") as conn:
            conn.execute(
                update(S.reports).where(S.reports.c.id == id).values(province=province, city=city, county=county)
            )

    def delete(self, id: int) -> bool:
        """Remove a report with its cells and findings (its source bytes too when no other report uses them)."""
        from sqlalchemy import delete, select

        with self._tx("删除报告 (deleting a report)") as conn:
            sha = conn.execute(select(S.reports.c.sha256).where(S.reports.c.id == id)).scalar()
            if sha is None:
                return False
            for table in (S.cells, S.findings, S.docs):
                conn.execute(delete(table).where(table.c.report_id == id))
            conn.execute(delete(S.reports).where(S.reports.c.id == id))
            conn.execute(delete(S.sources).where(S.sources.c.sha256 == sha))
            return True

    # ------------------------------------------------------------------ reading
    def get(self, id: int) -> Report | None:
        """The stored report; ``get(id).to_dict()`` equals the dict it was stored from."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            blob = conn.execute(select(S.docs.c.doc).where(S.docs.c.report_id == id)).scalar()
        return None if blob is None else Report.from_dict(_unpack(blob))

    def source(self, id: int) -> tuple[str, bytes] | None:
        """(file name, original bytes) of a stored report, or None when it has none."""
        from sqlalchemy import select

        q = (
            select(S.sources.c.name, S.sources.c.data)
            .join(S.reports, S.reports.c.sha256 == S.sources.c.sha256)
            .where(S.reports.c.id == id)
        )
        with self.engine.connect() as conn:
            r = conn.execute(q).first()
        return None if r is None else (r.name, zlib.decompress(r.data))

    def _filters(self, filters: Filters) -> list[Any]:
        """The WHERE clauses of the :class:`Filters` given."""
        from sqlalchemy import exists, or_, select

        if unknown := filters.keys() - set(_FILTER_KEYS):
            raise TypeError(f"unknown filter {', '.join(sorted(unknown))} (the filters: {', '.join(_FILTER_KEYS)})")
        R = S.reports.c
        where: list[Any] = []
        if organ := filters.get("organ"):
            where.append(R.organ.contains(organ, autoescape=True))
        if (year := filters.get("year")) is not None:
            where.append(R.year == int(year))
        if template := filters.get("template"):
            where.append(R.template == template)
        if status := filters.get("status"):
            where.append(R.status == status)
        if (has_errors := filters.get("has_errors")) is not None:
            where.append(R.n_errors > 0 if has_errors else R.n_errors == 0)
        if region := filters.get("region"):
            where.append(or_(*(c.contains(region, autoescape=True) for c in (R.province, R.city, R.county))))
        if q := filters.get("q"):
            where.append(or_(*(c.contains(q, autoescape=True) for c in (R.organ, R.title, R.path))))
        if rule := filters.get("rule"):
            F = S.findings.c
            match = F.rule.startswith(rule, autoescape=True) if rule.endswith(".") else F.rule == rule
            where.append(exists(select(F.id).where(F.report_id == R.id, match)))
        return where

    def search(self, limit: int = 50, offset: int = 0, **filters: Unpack[Filters]) -> tuple[int, list[StoredReport]]:
        """(total matching, one page ordered by organ, year, id) of the reports the :class:`Filters` select."""
        from sqlalchemy import func, select

        where = self._filters(filters)
        R = S.reports.c
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(S.reports).where(*where)).scalar() or 0
            rows = conn.execute(
                select(*_LIST_COLUMNS)
                .where(*where)
                .order_by(R.organ, R.year, R.id)
                .limit(max(0, int(limit)))
                .offset(max(0, int(offset)))
            ).all()
        return int(total), [_stored(r) for r in rows]

    def ids(self, **filters: Unpack[Filters]) -> Iterator[int]:
        """Ids of every report the :class:`Filters` select, ascending, streamed in pages."""
        from sqlalchemy import select

        where = self._filters(filters)
        last = 0
        while True:
            with self.engine.connect() as conn:
                chunk = list(
                    conn.execute(
                        select(S.reports.c.id).where(S.reports.c.id > last, *where).order_by(S.reports.c.id).limit(1000)
                    ).scalars()
                )
            yield from chunk
            if len(chunk) < 1000:
                return
            last = chunk[-1]

    def stored(self, ids: Iterable[int] | None = None) -> Iterator[StoredReport]:
        """Rows of the reports table (all, ordered by id, or those of ``ids``), streamed."""
        from sqlalchemy import select

        for chunk in self._id_chunks(ids):
            with self.engine.connect() as conn:
                rows = conn.execute(select(*_LIST_COLUMNS).where(S.reports.c.id.in_(chunk)).order_by(S.reports.c.id))
                yield from (_stored(r) for r in rows)

    def reports(self, ids: Iterable[int] | None = None) -> Iterator[Report]:
        """Stored reports (all, by id, or those of ``ids``), streamed: memory does not grow with the corpus."""
        from sqlalchemy import select

        for chunk in self._id_chunks(ids):
            with self.engine.connect() as conn:
                rows = conn.execute(select(S.docs.c.report_id, S.docs.c.doc).where(S.docs.c.report_id.in_(chunk))).all()
            by_id = {r.report_id: r.doc for r in rows}
            for i in chunk:
                if i in by_id:
                    yield Report.from_dict(_unpack(by_id[i]))

    def _id_chunks(self, ids: Iterable[int] | None, size: int = 500) -> Iterator[list[int]]:
        """Ids in chunks: given ones in their order, or every stored id ascending (keyset paging)."""
        from sqlalchemy import select

        if ids is not None:
            chunk: list[int] = []
            for i in ids:
                chunk.append(int(i))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk
            return
        last = 0
        while True:
            with self.engine.connect() as conn:
                chunk = list(
                    conn.execute(
                        select(S.reports.c.id).where(S.reports.c.id > last).order_by(S.reports.c.id).limit(size)
                    ).scalars()
                )
            if not chunk:
                return
            yield chunk
            last = chunk[-1]

    def __len__(self) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(S.reports)).scalar() or 0)

    def stats(self) -> dict[str, Any]:
        """Headline figures: reports by year, template and status, requests by outcome, error rates.

        ``{"reports": N, "by_year": {...}, "by_template": {...}, "by_status": {...},
        "requests": {row: sum of its total column}, "error_rate": share of readable reports with errors,
        "error_rate_by_template": {...}, "top_rules": {rule: reports}, "sources_bytes": ...}``
        """
        from sqlalchemy import case, func, select

        R = S.reports.c
        out: dict[str, Any] = {}
        with self.engine.connect() as conn:
            out["reports"] = int(conn.execute(select(func.count()).select_from(S.reports)).scalar() or 0)

            def grouped(col: Any) -> dict[str, int]:
                rows = conn.execute(select(col, func.count()).group_by(col).order_by(col)).all()
                return {("null" if k is None else str(k)): int(n) for k, n in rows}

            out["by_year"] = grouped(R.year)
            out["by_template"] = grouped(R.template)
            out["by_status"] = {s: 0 for s in STATUSES} | grouped(R.status)
            C, P = S.cells.c, S.cell_paths.c
            req = conn.execute(
                select(P.row, func.sum(C.value))
                .join_from(S.cells, S.cell_paths, C.path_id == P.id)
                .where(P.tbl == "requests", P.col == "total")
                .group_by(P.row)
            ).all()
            order = {r.key: i for i, r in enumerate(REQUEST_ROWS)}
            out["requests"] = {k: _num(v) for k, v in sorted(req, key=lambda kv: order.get(kv[0], len(order)))}
            readable = out["reports"] - out["by_status"].get("unreadable", 0)
            out["error_rate"] = round(out["by_status"].get("errors", 0) / readable, 4) if readable else None
            rates = conn.execute(
                select(R.template, func.count(), func.sum(case((R.n_errors > 0, 1), else_=0)))
                .where(R.status != "unreadable")
                .group_by(R.template)
            ).all()
            out["error_rate_by_template"] = {str(t): round(int(e or 0) / int(n), 4) for t, n, e in rows_sorted(rates)}
            top = conn.execute(
                select(S.findings.c.rule, func.count(func.distinct(S.findings.c.report_id)))
                .where(S.findings.c.severity == "error")
                .group_by(S.findings.c.rule)
                .order_by(func.count(func.distinct(S.findings.c.report_id)).desc())
                .limit(10)
            ).all()
            out["top_error_rules"] = {r: int(n) for r, n in top}
            out["sources_bytes"] = int(conn.execute(select(func.coalesce(func.sum(S.sources.c.size), 0))).scalar())
        return out

    def chart_data(
        self, ids: Iterable[int] | None = None, upto: int | None = None, **filters: Unpack[Filters]
    ) -> dict[str, Any]:
        """The sums behind the corpus charts, by SQL aggregation (no report is read whole).

        Over the reports of ``ids`` if given, else those the :class:`Filters` select, and
        only ids up to ``upto`` when given (so that a caller can add later reports itself):
        ``{"reports": N, "max_id": highest id summed, "rules": {rule: reports with an error of it},
        "outcome": {request row: sum of its total}, "applicant": {column: sum of new requests},
        "years": {year: [reports, new requests, requests processed]}}``.  Outcomes, applicants and
        years count reports of a known template only, outcomes over that template's outcome rows.
        """
        from sqlalchemy import and_, func, or_, select

        from ..formats import OUTCOME_ROWS, REQUEST_APPLICANT_COLUMNS, TEMPLATES

        R, F, C, P = S.reports.c, S.findings.c, S.cells.c, S.cell_paths.c
        where = self._filters(filters)
        if ids is not None:
            where.append(R.id.in_([int(i) for i in ids]))
        whole = not where
        with self.engine.connect() as conn:
            if upto is None:
                upto = int(conn.execute(select(func.coalesce(func.max(R.id), 0)).where(*where)).scalar() or 0)
            where.append(R.id <= upto)
            out: dict[str, Any] = {"max_id": upto}
            out["reports"] = int(conn.execute(select(func.count()).select_from(S.reports).where(*where)).scalar() or 0)
            picked = select(R.id).where(*where)
            n_reports = func.count(func.distinct(F.report_id))
            rules = conn.execute(
                select(F.rule, n_reports)
                .where(F.severity == "error", F.report_id.in_(picked))
                .group_by(F.rule)
                .order_by(n_reports.desc(), F.rule)
            ).all()
            out["rules"] = {r: int(n) for r, n in rules}
            known = [*where, R.template.in_(TEMPLATES)]
            years = conn.execute(
                select(R.year, func.count(), func.sum(R.req_new), func.sum(R.req_processed))
                .where(*known, R.year.is_not(None))
                .group_by(R.year)
                .order_by(R.year)
            ).all()
            out["years"] = {int(y): [int(n), _num(a) or 0, _num(b) or 0] for y, n, a, b in years}
            rows = {row for t in TEMPLATES for row in OUTCOME_ROWS[t]}
            wanted = or_(
                and_(P.col == "total", P.row.in_(sorted(rows))),
                and_(P.row == "new_received", P.col.in_(REQUEST_APPLICANT_COLUMNS)),
            )
            path_ids = {
                i: (row, col)
                for i, row, col in conn.execute(select(P.id, P.row, P.col).where(P.tbl == "requests", wanted))
            }

            def sums_over(reports: list[Any], pids: list[int], few: bool = False) -> dict[int, float]:
                """Sums by path over the cells of the reports matching ``reports``.  The cells are scanned
                by path and each checked against the set of reports (``+ 0`` keeps SQLite from probing
                the index once per report and path instead, many times slower at 100,000 reports);
                ``few`` reports are looked up, report by report."""
                if not pids:
                    return {}
                picked = select(R.id).where(*reports)
                member = C.report_id.in_(picked) if few else (C.report_id + 0).in_(picked)
                q = select(C.path_id, func.sum(C.value)).where(C.path_id.in_(pids), member)
                return {i: _num(v) or 0 for i, v in conn.execute(q.group_by(C.path_id))}

            every = list(path_ids)
            unknown = or_(R.template.is_(None), R.template.not_in(TEMPLATES))
            if whole:  # the whole corpus: every cell by path, less the few reports of no known template
                scan = select(C.path_id, func.sum(C.value)).where(C.path_id.in_(every), C.report_id <= upto)
                known = {i: _num(v) or 0 for i, v in conn.execute(scan.group_by(C.path_id))} if every else {}
                for i, v in sums_over([*where, unknown], every, few=True).items():
                    known[i] -= v
            else:
                known = sums_over([*where, R.template.in_(TEMPLATES)], every)
            # an outcome row of one template only counts for that template's reports
            outside = {
                t: [i for i, (row, col) in path_ids.items() if col == "total" and row in rows - set(OUTCOME_ROWS[t])]
                for t in TEMPLATES
            }
            not_theirs = {t: sums_over([*where, R.template == t], pids) for t, pids in outside.items()}
        outcome: dict[str, int | float] = {}
        for t in TEMPLATES:  # every outcome row in the templates' order, as the charts list them
            for row in OUTCOME_ROWS[t]:
                outcome.setdefault(row, 0)
        applicant: dict[str, int | float] = dict.fromkeys(REQUEST_APPLICANT_COLUMNS, 0)
        for pid, v in known.items():
            row, col = path_ids[pid]
            v -= sum(not_theirs[t].get(pid, 0) for t in TEMPLATES)
            if col == "total" and row in outcome:
                outcome[row] += v
            elif row == "new_received" and col in applicant:
                applicant[col] += v
        out["outcome"], out["applicant"] = outcome, applicant
        return out

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _insert_cells(conn: Any, cells: list[tuple[int, int, int | float]]) -> None:
    """The cells straight to the driver's executemany: tens of thousands of plain tuples a batch, where
    SQLAlchemy's per-row parameter processing would cost more than the database's own work."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO cells (report_id, path_id, value) VALUES ({mark}, {mark}, {mark})", cells)
    finally:
        cursor.close()


def rows_sorted(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: (r[0] is None, str(r[0])))


def _num(v: Any) -> int | float | None:
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def store_error(e: Exception, url: str, what: str) -> StoreError:
    """A database refusal in plain words: locked, read-only, unreachable, not a database."""
    text = str(getattr(e, "orig", e)) or type(e).__name__
    low = text.lower()
    if "locked" in low or "lock timeout" in low:
        msg = f"数据库被其他程序锁定，{what}未完成，库未改动 (the database is locked by another process; retry later)"
    elif "readonly" in low or "read-only" in low or "read only" in low:
        msg = f"数据库只读，无法{what} (the database or its folder is read-only)"
    elif "unable to open" in low:
        msg = "无法打开或创建数据库文件：请检查文件夹是否存在且可写 (cannot open or create the database file)"
    elif "not a database" in low or "file is encrypted" in low:
        msg = "该文件不是 nianbao 语料库 (SQLite) 数据库 (the file is not a corpus database)"
    elif "connection" in low or "could not connect" in low:
        msg = f"无法连接数据库服务器 (cannot connect to the database server): {text.splitlines()[0]}"
    else:
        msg = f"数据库拒绝了操作：{what} (the database refused the operation): {text.splitlines()[0]}"
    return StoreError(msg, path=_safe_url(url), expected="a writable nianbao corpus")


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def database_url(target: str) -> str:
    """A plain path (or ``:memory:``) becomes a SQLite URL; URLs are kept as given."""
    if "://" in target:
        if target.startswith("postgresql://"):
            return "postgresql+psycopg://" + target[len("postgresql://") :]
        if target.startswith("postgres://"):
            return "postgresql+psycopg://" + target[len("postgres://") :]
        return target
    if target in (":memory:", ""):
        return "sqlite://"
    return "sqlite:///" + os.path.abspath(target)


def open_corpus(url: str | os.PathLike[str], busy_seconds: float | None = None) -> Corpus:
    """Open (creating or migrating) a corpus: a file path means SQLite; ``sqlite:///x.db``,
    ``sqlite://`` (in memory) and ``postgresql://user@host/db`` URLs are taken as they are.

    Raises :class:`nianbao.errors.StoreError` with a clear message for a database from a newer
    nianbao, a locked or read-only database, or a server that cannot be reached. ``busy_seconds``:
    how long a write waits for another writer before giving up (default 30).
    """
    from .engine import create, migrate

    full = database_url(os.fspath(url))
    engine = create(full, busy_seconds)
    try:
        migrate(engine, full)
    except BaseException:
        engine.dispose()
        raise
    return Corpus(engine, full)
