"""Benchmark: ingest into the corpus store against parse-only throughput, and analytic queries at scale.

Measured in the same run, each phase in a fresh process (so its peak memory is its own):

* parse-only: ``batch.parse_many`` over the generated files with 1 and 2 workers (read, parse, check);
* ingest: ``Corpus.ingest`` of the same folder into a new SQLite file with 1 and 2 workers (the same
  work plus hashing, the skip check and one transaction per report with its cells and findings);
* peak resident memory of the ingesting process for a tenth of the files and for all of them, with
  2 workers (flat memory: the two should be close), and the database size per report;
* three analytic queries over ``--rows`` stored reports (the 10,000 ingested ones copied in bulk
  under new keys and organ names): totals by year, top organs by requests, error rate by template,
  on the headline columns and, for the first, over the long-form cells too; and ``Corpus.stats()``.

    python bench/bench_ingest.py                       # 10,000 reports; queries over 100,000
    python bench/bench_ingest.py -n 2000 --rows 20000  # a quicker run
    python bench/bench_ingest.py -n 2000 --repeat 3    # best of three of each phase, on a busy machine
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = ("text_tabs", "text_lines", "text_pipes", "markdown", "html_table", "html_flat")


def write_corpus(folder: Path, n: int, seed: int = 8) -> None:
    from nianbao.synth import inject_errors, random_report, render

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        report = random_report(rng, ("2019", "2021")[i % 2])
        if i % 5 == 0:
            report, _ = inject_errors(report, rng)
        r = render(report, SHAPES[i % len(SHAPES)], rng)
        (folder / f"{i:06d}_{r.name}").write_bytes(r.data)


def peak_mb() -> dict[str, float]:
    """Peak memory of this process and its workers, and the CPU seconds all of them used (the CPU time
    compares phases fairly on a machine that other work keeps busy, where wall time does not)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return {"peak_mb": round(own.ru_maxrss / 1024, 1), "worker_peak_mb": round(kids.ru_maxrss / 1024, 1), "cpu": cpu}


def phase_parse(folder: str, jobs: int, limit: int) -> dict:
    from nianbao.batch import expand, parse_many

    files = expand([folder])[:limit]
    _before = peak_mb()["cpu"]
    start = time.perf_counter()
    n = sum(1 for _ in parse_many(files, jobs))
    seconds = time.perf_counter() - start
    return {"reports": n, "seconds": seconds, **peak_mb(), "cpu": peak_mb()["cpu"] - _before}


def phase_ingest(folder: str, jobs: int, limit: int, db: str) -> dict:
    from nianbao.store import open_corpus
    from nianbao.store.ingest import collect

    files = collect([folder])[:limit]
    with open_corpus(db) as corpus:
        before = peak_mb()["cpu"]
        start = time.perf_counter()
        s = corpus.ingest(files, jobs=jobs)
        seconds = time.perf_counter() - start
        cpu = peak_mb()["cpu"] - before
        with corpus.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"reports": s.added, "seconds": seconds, "db_bytes": os.path.getsize(db), **peak_mb(), "cpu": cpu}


def in_child(*args: str) -> dict:
    """Run one phase of this script in a fresh interpreter and return what it measured."""
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def replicate(db: str, copies: int) -> int:
    """Copy every stored report ``copies`` more times under new ids, keys and organ names (bulk SQL)."""
    from sqlalchemy import func, select, text

    from nianbao.store import open_corpus
    from nianbao.store import schema as S

    with open_corpus(db) as corpus, corpus.engine.begin() as conn:
        top = conn.execute(select(func.max(S.reports.c.id))).scalar()
        rcols = [c.name for c in S.reports.c]
        fcols = [c.name for c in S.findings.c if c.name != "id"]
        for k in range(1, copies + 1):
            off = k * top
            picked = {
                "id": f"id + {off}",
                "sha256": f"sha256 || '-{k}'",
                "organ": f"organ || '·{k}'",
            }
            conn.execute(
                text(
                    f"INSERT INTO reports ({', '.join(rcols)}) SELECT "
                    + ", ".join(picked.get(c, c) for c in rcols)
                    + f" FROM reports WHERE id <= {top}"
                )
            )
            conn.execute(text(f"INSERT INTO docs SELECT report_id + {off}, doc FROM docs WHERE report_id <= {top}"))
            conn.execute(
                text(f"INSERT INTO cells SELECT report_id + {off}, path_id, value FROM cells WHERE report_id <= {top}")
            )
            conn.execute(
                text(
                    f"INSERT INTO findings ({', '.join(fcols)}) SELECT "
                    + ", ".join(f"report_id + {off}" if c == "report_id" else c for c in fcols)
                    + f" FROM findings WHERE report_id <= {top}"
                )
            )
        conn.exec_driver_sql("ANALYZE")
        return int(conn.execute(select(func.count()).select_from(S.reports)).scalar())


QUERIES = {
    "totals by year": (
        "SELECT year, count(*), sum(req_new), sum(req_processed), sum(req_granted) FROM reports GROUP BY year"
    ),
    "top organs by requests": ("SELECT organ, sum(req_new) AS n FROM reports GROUP BY organ ORDER BY n DESC LIMIT 20"),
    "error rate by template": (
        "SELECT template, count(*), avg(CASE WHEN n_errors > 0 THEN 1.0 ELSE 0 END) FROM reports"
        " WHERE status != 'unreadable' GROUP BY template"
    ),
    "totals by year (long-form cells)": (
        "SELECT r.year, sum(c.value) FROM cells c JOIN reports r ON r.id = c.report_id"
        " WHERE c.path_id = (SELECT id FROM cell_paths WHERE tbl = 'requests' AND row = 'new_received'"
        " AND col = 'total') GROUP BY r.year"
    ),
}


def time_queries(db: str) -> dict[str, float]:
    from sqlalchemy import text

    from nianbao.store import open_corpus

    out: dict[str, float] = {}
    with open_corpus(db) as corpus:
        for name, sql in QUERIES.items():
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                with corpus.engine.connect() as conn:
                    conn.execute(text(sql)).all()
                best = min(best, time.perf_counter() - start)
            out[name] = best
        start = time.perf_counter()
        corpus.stats()
        out["Corpus.stats()"] = time.perf_counter() - start
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10_000, help="generated reports to parse and ingest")
    ap.add_argument("--rows", type=int, default=100_000, help="stored reports for the analytic queries")
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=1, help="run each parse/ingest phase this many times, keep the best")
    args = ap.parse_args()
    if args.phase:
        kind, folder, jobs, limit, *rest = args.phase
        result = (
            phase_parse(folder, int(jobs), int(limit))
            if kind == "parse"
            else phase_ingest(folder, int(jobs), int(limit), rest[0])
        )
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        folder = Path(tmp) / "in"
        start = time.perf_counter()
        write_corpus(folder, args.n)
        print(f"generated {args.n} reports ({', '.join(SHAPES)}) in {time.perf_counter() - start:.1f} s")
        n = args.n
        results: dict[str, dict] = {}
        for jobs in (1, 2):
            for _ in range(max(1, args.repeat)):  # alternating, the best of each: other work on the machine varies
                parse = in_child("parse", str(folder), str(jobs), str(n))
                db = str(Path(tmp) / f"j{jobs}.db")
                for old in Path(tmp).glob(f"j{jobs}.db*"):
                    old.unlink()
                ingest = in_child("ingest", str(folder), str(jobs), str(n), db)
                for name, r in ((f"parse j{jobs}", parse), (f"ingest j{jobs}", ingest)):
                    if name not in results or r["seconds"] < results[name]["seconds"]:
                        results[name] = r
        # Memory: the ingesting process of a 2-worker run only hashes, looks up and writes (the parser's own
        # caches live in the workers), so its peak for a tenth of the files against all of them shows
        # whether anything grows with the input.
        results["ingest j2, a tenth"] = in_child("ingest", str(folder), "2", str(n // 10), str(Path(tmp) / "t.db"))

        head = f"{'phase':<22}{'reports':>9}{'seconds':>10}{'reports/s':>11}{'CPU s':>8}{'peak MB':>9}{'worker MB':>11}"
        print(f"\n{head}")
        for name, r in results.items():
            print(
                f"{name:<22}{r['reports']:>9}{r['seconds']:>10.1f}{r['reports'] / r['seconds']:>11.1f}"
                f"{r['cpu']:>8.1f}{r['peak_mb']:>9.0f}{r['worker_peak_mb']:>11.0f}"
            )
        print(f"machine load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for jobs in (1, 2):
            ingest, parse = results[f"ingest j{jobs}"], results[f"parse j{jobs}"]
            print(
                f"ingest / parse-only with {jobs} worker(s): time {ingest['seconds'] / parse['seconds']:.2f}x, "
                f"CPU {ingest['cpu'] / parse['cpu']:.2f}x (target <= 1.5x)"
            )
        one = results["ingest j1"]
        print(
            f"database: {one['db_bytes'] / 1e6:.1f} MB for {one['reports']} reports = "
            f"{one['db_bytes'] / max(1, one['reports']) / 1024:.1f} KiB a report (sources included)"
        )
        tenth, two = results["ingest j2, a tenth"], results["ingest j2"]
        print(
            f"peak memory of the ingesting process (2 workers): {tenth['peak_mb']:.0f} MB for {n // 10} reports, "
            f"{two['peak_mb']:.0f} MB for {n}; each worker at most {two['worker_peak_mb']:.0f} MB"
        )

        big = str(Path(tmp) / "big.db")
        shutil.copy(str(Path(tmp) / "j1.db"), big)
        start = time.perf_counter()
        copies = max(0, -(-args.rows // max(1, one["reports"])) - 1)
        total = replicate(big, copies)
        print(
            f"\nbulk-copied to {total} stored reports in {time.perf_counter() - start:.1f} s "
            f"({os.path.getsize(big) / 1e6:.0f} MB)"
        )
        for name, seconds in time_queries(big).items():
            print(f"  {name:<36}{seconds * 1000:>8.0f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()
