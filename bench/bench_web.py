"""Load test of `nianbao serve` on loopback: page latency over a large corpus, and concurrent uploads.

1. Fills a SQLite corpus with N generated reports (stored directly, with their source bytes).
2. Starts `nianbao serve` on a free loopback port, as a user would.
3. Times R requests each of a random report page and of a corpus list page (random filters and pages),
   one at a time, and prints p50/p95/max.
4. Four clients upload U files each at the same time (one file a request), then checks that every
   upload answered 201, that the corpus grew by exactly 4×U and that every returned id is served.

Before these, the whole-corpus charts' first view (summed in SQL) at 10,000 and 100,000 reports, the
database built by bulk copies of generated reports (--charts).

Bounded in count (the arguments) and in time (--max-seconds stops each phase early, saying so).

    python bench/bench_web.py                   # 10,000 reports, 200 requests each, 4 x 25 uploads
    python bench/bench_web.py -n 1000 -r 50     # quick
    python bench/bench_web.py --charts-only     # the charts' first view at 10,000 and 100,000 reports
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from nianbao.check import checked
from nianbao.model import Source
from nianbao.store import open_corpus
from nianbao.synth import corpus as synth

TOKEN = "bench-token"
ORGAN_BITS = ("县", "市", "镇", "人民政府", "办公室", "局")


def fill(db: Path, n: int, seed: int) -> float:
    """Store ``n`` generated reports (64 a transaction, as ingest does); seconds taken."""
    t = time.perf_counter()
    with open_corpus(str(db)) as corpus:
        batch = []
        for r in synth(n, seed=seed):
            src = Source(r.name, r.expected.source.sha256, r.expected.source.kind)
            batch.append((checked(dataclasses.replace(r.expected, source=src)), r.data, r.name))
            if len(batch) == 64:
                corpus.add_many(batch)
                batch = []
        if batch:
            corpus.add_many(batch)
    return time.perf_counter() - t


def charts_at_scale(sizes: list[int], base: int, tmp: Path, python_upto: int) -> None:
    """First view of the whole-corpus charts at each size: ``base`` generated reports bulk-copied (as
    bench_ingest.py does) up to the size; the charts summed in SQL (``Corpus.chart_data``), the charts
    page of a fresh app (first view, then cached) and a filtered view; and, up to ``python_upto``
    reports, the sums the app computed before (every report read whole) for comparison."""
    from bench_ingest import replicate
    from fastapi.testclient import TestClient

    from nianbao.web.app import make_app
    from nianbao.web.views import chart_data

    seed_db = tmp / "charts-base.db"
    print(f"charts: {base} generated reports stored in {fill(seed_db, base, seed=7):.1f} s")
    for size in sizes:
        db = tmp / f"charts-{size}.db"
        db.write_bytes(seed_db.read_bytes())
        t = time.perf_counter()
        total = replicate(str(db), max(0, -(-size // base) - 1))
        print(f"charts over {total} reports (bulk-copied in {time.perf_counter() - t:.1f} s, "
              f"{db.stat().st_size / 1e6:.0f} MB):")  # fmt: skip
        with open_corpus(str(db)) as corpus:
            t = time.perf_counter()
            sql = corpus.chart_data()
            print(f"  Corpus.chart_data() (SQL), first call        {(time.perf_counter() - t) * 1000:8.0f} ms")
            with TestClient(make_app(corpus)) as client:
                for label in ("first view", "cached"):
                    t = time.perf_counter()
                    assert client.get("/charts").status_code == 200
                    print(f"  GET /charts, {label:<33}{(time.perf_counter() - t) * 1000:8.0f} ms")
                for q in ("year=2022", "template=2021&has_errors=1", "rule=requests."):
                    t = time.perf_counter()
                    assert client.get(f"/charts?{q}").status_code == 200
                    print(f"  GET /charts?{q:<34}{(time.perf_counter() - t) * 1000:8.0f} ms")
            if total <= python_upto:
                t = time.perf_counter()
                before = chart_data(corpus.reports())
                secs = time.perf_counter() - t
                from nianbao.web.views import ChartSums

                same = before == ChartSums.of_store(sql).to_dict()
                print(f"  before: every report read whole (Python)    {secs * 1000:8.0f} ms; same figures: {same}")
        db.unlink()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
        env={**os.environ, "NIANBAO_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/reports?limit=1", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("nianbao serve did not start")


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def timed(client: httpx.Client, urls: list[str], max_seconds: float) -> list[float]:
    out = []
    stop = time.monotonic() + max_seconds
    for url in urls:
        t = time.perf_counter()
        resp = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        if resp.status_code != 200:
            raise SystemExit(f"{url}: HTTP {resp.status_code}: {resp.text[:300]}")
        if time.monotonic() > stop:
            print(f"  (stopped after {len(out)} requests: --max-seconds reached)")
            break
    return out


def report(name: str, ms: list[float]) -> None:
    print(f"  {name:<28} n={len(ms):<5} p50={pct(ms, 50):7.1f} ms  p95={pct(ms, 95):7.1f} ms  max={max(ms):7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--reports", type=int, default=10_000, help="reports stored before timing")
    ap.add_argument("-r", "--requests", type=int, default=200, help="requests timed per page kind")
    ap.add_argument("-u", "--uploads", type=int, default=25, help="files each of the 4 clients uploads")
    ap.add_argument("--db", type=Path, help="keep the filled corpus here and reuse it on the next run")
    ap.add_argument("--max-seconds", type=float, default=300, help="time bound of each phase")
    ap.add_argument("--charts", default="10000,100000", help="corpus sizes for the charts' first view ('' = skip)")
    ap.add_argument("--charts-base", type=int, default=2000, help="generated reports bulk-copied to those sizes")
    ap.add_argument("--charts-python", type=int, default=10_000,
                    help="also time the old per-report sums up to this many reports")  # fmt: skip
    ap.add_argument("--charts-only", action="store_true", help="only the charts' first view")
    args = ap.parse_args()
    if args.charts:
        with tempfile.TemporaryDirectory() as tmp:
            sizes = [int(x) for x in args.charts.split(",") if x.strip()]
            charts_at_scale(sizes, args.charts_base, Path(tmp), args.charts_python)
    if args.charts_only:
        return
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if db.exists():
            with open_corpus(str(db)) as corpus:
                args.reports = len(corpus)
            print(f"reusing {db}: {args.reports} reports")
        else:
            secs = fill(db, args.reports, seed=2024)
            print(f"stored {args.reports} reports in {secs:.1f} s ({args.reports / secs:.0f}/s); "
                  f"database {db.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        port = free_port()
        log = Path(tmp) / "serve.log"
        proc = start(db, port, log)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                client.get("/")  # warm up: templates compiled, first connection
                total = client.get("/api/reports?limit=1").json()["total"]
                print(f"latency with {total} reports stored (one request at a time):")
                ids = [rng.randint(1, total) for _ in range(args.requests)]
                report("report page /reports/{id}", timed(client, [f"/reports/{i}" for i in ids], args.max_seconds))
                lists = []
                for _ in range(args.requests):
                    q = rng.choice(["", f"year={rng.randint(2019, 2024)}", "has_errors=1", "template=2021",
                                    f"organ={rng.choice(ORGAN_BITS)}", "rule=requests."])  # fmt: skip
                    lists.append(f"/?{q}&page={rng.randint(1, 5)}")
                report("corpus list /?filters&page", timed(client, lists, args.max_seconds))
                for label in ("cold", "cached"):  # the charts sum every report once, then serve from a cache
                    t = time.perf_counter()
                    assert client.get("/charts").status_code == 200
                    print(f"  charts page over all reports ({label}): {(time.perf_counter() - t) * 1000:.0f} ms")
                report("API list /api/reports", timed(client, [u.replace("/?", "/api/reports?") for u in lists[:50]],
                                                       args.max_seconds))  # fmt: skip

            # four clients uploading at once, one file a request
            per = args.uploads
            batches = [[(r.name, r.data) for r in synth(per, seed=10 * total + k)] for k in range(4)]  # new each run
            answers: list[list[int]] = [[] for _ in range(4)]
            failures: list[str] = []

            def client_run(k: int) -> None:
                with httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
                    for name, data in batches[k]:
                        resp = c.post("/api/reports", files=[("files", (name, data))])
                        if resp.status_code != 201:
                            failures.append(f"{name}: HTTP {resp.status_code} {resp.text[:200]}")
                        else:
                            answers[k].extend(resp.json()["ids"])

            t = time.perf_counter()
            threads = [threading.Thread(target=client_run, args=(k,)) for k in range(4)]
            for th in threads:
                th.start()
            for th in threads:
                th.join(args.max_seconds)
            secs = time.perf_counter() - t
            got = [i for a in answers for i in a]
            after = httpx.get(f"{base}/api/reports?limit=1").json()["total"]
            served = sum(httpx.get(f"{base}/api/reports/{i}").status_code == 200 for i in got)
            print(f"uploads: 4 clients x {per} files in {secs:.1f} s ({4 * per / secs:.1f} files/s); "
                  f"{len(got)} ids, {len(set(got))} distinct, corpus {total} -> {after}, "
                  f"{served} served back, {len(failures)} failed")  # fmt: skip
            lost = 4 * per - len(set(got))
            if failures or lost or after != total + 4 * per or served != len(got):
                print("  LOST OR FAILED UPLOADS:", *failures[:5], sep="\n  ")
                raise SystemExit(1)
            print("  nothing lost")
            t = time.perf_counter()
            assert httpx.get(f"{base}/charts", timeout=120).status_code == 200
            print(f"  charts page after the uploads (updated in place): {(time.perf_counter() - t) * 1000:.0f} ms")
        finally:
            proc.terminate()
            proc.wait(10)
            errors = log.read_text(errors="replace").strip()
            if errors:
                print("server log (last lines):", *errors.splitlines()[-30:], sep="\n  ")


if __name__ == "__main__":
    main()
