"""Ingest: files, folders, globs and zips into the store; idempotent, resumable after kill -9, parallel, Dask."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("sqlalchemy")

from nianbao.cli import cli
from nianbao.model import Report
from nianbao.store import ingest as ingest_module
from nianbao.store import open_corpus
from nianbao.synth import write_samples

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Twelve generated reports (text and HTML shapes, both templates) with their expected JSON beside them."""
    return write_samples(tmp_path_factory.mktemp("samples"), 12, seed=11)


def expected(path: Path) -> dict:
    return json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))


def test_folder_then_again_adds_nothing(corpus, samples: list[Path]) -> None:
    folder = str(samples[0].parent)
    first = corpus.ingest([folder], jobs=1)
    assert (first.seen, first.added, first.skipped, first.failed) == (12, 12, 0, [])
    second = corpus.ingest([folder, str(samples[0])], jobs=1)
    assert (second.added, second.skipped) == (0, 13)
    assert len(corpus) == 12
    stored = {r.source.path: r for r in corpus.reports()}
    for p in samples:
        assert stored[str(p)].tables == expected(p)["tables"]
        assert corpus.source(next(corpus.ids(q=p.name)))[1] == p.read_bytes()


def test_parallel_equals_serial(tmp_path: Path, samples: list[Path]) -> None:
    with open_corpus(tmp_path / "one.db") as one, open_corpus(tmp_path / "two.db") as two:
        one.ingest([str(samples[0].parent)], jobs=1)
        two.ingest([str(samples[0].parent)], jobs=2)
        assert [r.to_dict() for r in one.reports()] == [r.to_dict() for r in two.reports()]


def test_globs_json_and_a_failing_file(corpus, samples: list[Path], tmp_path: Path) -> None:
    """Canonical JSON goes in as it is; an unreadable file is stored with its reason and the run goes on."""
    report = Report.from_dict(expected(samples[1]))
    (tmp_path / "a.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 this is not a real docx")
    (tmp_path / "empty.txt").write_bytes(b"")
    s = corpus.ingest([str(samples[0].parent / "*_2021_*.txt"), str(tmp_path / "*.json"), str(tmp_path / "b*")])
    n_glob = len(list(samples[0].parent.glob("*_2021_*.txt")))
    assert s.seen == n_glob + 2 and s.added == n_glob + 2
    assert [name for name, _ in s.failed] == [str(tmp_path / "broken.docx")]
    _, rows = corpus.search(status="unreadable")
    assert [r.path for r in rows] == [str(tmp_path / "broken.docx")]
    assert corpus.get(rows[0].id).findings[0].rule.startswith("source.")
    json_id = next(r.id for r in corpus.search(limit=100)[1] if r.sha256 == sha(tmp_path / "a.json"))
    assert corpus.get(json_id).to_dict() == report.to_dict()
    assert corpus.reparse(jobs=1) == s.added  # a stored JSON source is read back as JSON, not as text
    assert corpus.get(json_id).to_dict() == report.to_dict()
    again = corpus.ingest([str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")])
    assert [n for n, _ in again.failed] == [str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")]
    assert "不存在" in again.failed[1][1]
    assert corpus.ingest([str(tmp_path / "missing.txt")]).added == 0  # the refusal is stored once


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zip_with(path: Path, members: dict[str, bytes], utf8: bool = True) -> None:
    """A zip of ``members``; with ``utf8=False`` the names are GBK bytes without the UTF-8 flag, as zip
    tools on Chinese Windows write them (zipfile itself would always write UTF-8, so the names are
    written as same-length ASCII placeholders and the bytes swapped in afterwards)."""
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members.items()):
            if not utf8:
                raw = name.encode("gb18030")
                placeholder = f"~{i}~".encode().ljust(len(raw), b"_")
                swaps.append((placeholder, raw))
                name = placeholder.decode()
            zf.writestr(name, data)
    blob = path.read_bytes()
    for placeholder, raw in swaps:
        blob = blob.replace(placeholder, raw)
    path.write_bytes(blob)


def test_zip_archives_traversal_and_gbk_names(corpus, samples: list[Path], tmp_path: Path) -> None:
    archive = tmp_path / "年报.zip"
    _zip_with(
        archive,
        {
            "县直/甲.txt": samples[0].read_bytes(),
            "../../evil.txt": samples[1].read_bytes(),
            "/etc/abs.html": samples[2].read_bytes(),
            "readme.exe": b"MZ not a report",
        },
    )
    gbk = tmp_path / "gbk.zip"
    _zip_with(gbk, {"乡镇/乙.html": samples[3].read_bytes()}, utf8=False)
    s = corpus.ingest([str(tmp_path)])
    assert s.seen == 4 and s.added == 4
    names = sorted(n for n, _ in s.failed)
    assert names == sorted([f"{archive}!/../../evil.txt", f"{archive}!//etc/abs.html"])
    assert all("包外" in reason for _, reason in s.failed)
    paths = {r.path for r in corpus.search(limit=100)[1]}
    assert f"{archive}!/县直/甲.txt" in paths and f"{gbk}!/乡镇/乙.html" in paths
    good = next(r for r in corpus.search(limit=100)[1] if r.path == f"{gbk}!/乡镇/乙.html")
    assert corpus.get(good.id).tables == expected(samples[3])["tables"]
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()


def test_zip_bombs_are_refused(corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.zip"
    _zip_with(bomb, {"huge.txt": b"0" * (24 * 1024 * 1024), "ok.txt": "标题\n".encode()})
    s = corpus.ingest([str(bomb)])
    assert s.seen == 2
    (_name, reason), *_ = [f for f in s.failed if f[0].endswith("huge.txt")]
    assert "zip 炸弹" in reason
    monkeypatch.setattr(ingest_module, "MAX_ARCHIVE_BYTES", 1024 * 1024)
    other = tmp_path / "other.zip"
    _zip_with(other, {"a.txt": b"1" * (2 * 1024 * 1024)})
    s = corpus.ingest([str(other)])
    assert s.failed and s.failed[0][0] == str(other) and "zip 炸弹" in s.failed[0][1]
    not_zip = tmp_path / "fake.zip"
    not_zip.write_bytes(b"not a zip at all")
    s = corpus.ingest([str(not_zip)])
    assert s.failed and "zip" in s.failed[0][1]


def test_kill_and_resume_stores_every_file_exactly_once(tmp_path: Path) -> None:
    """kill -9 in the middle of an ingest, run it again: every file is stored once, none twice or half."""
    files = write_samples(tmp_path / "in", 400, seed=5)
    db = tmp_path / "c.db"
    cmd = [sys.executable, "-m", "nianbao", "ingest", str(tmp_path / "in"), "--db", str(db), "-j", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    stored = con.execute("SELECT count(*) FROM reports").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0  # the schema is still being created
        if stored > 0:  # the first batch is committed: kill it now, mid-run
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:
        partial = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT id FROM reports)").fetchone()
    assert 0 < partial < len(files) and orphans == (0,)

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"新增 {len(files) - partial} 份" in done.stdout
    with sqlite3.connect(db) as con:
        shas = [r[0] for r in con.execute("SELECT sha256 FROM reports")]
        paths = [r[0] for r in con.execute("SELECT path FROM reports")]
        no_cells = con.execute(
            "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM cells c WHERE c.report_id = r.id)"
        ).fetchone()[0]
    assert sorted(shas) == sorted(sha(f) for f in files)
    assert sorted(paths) == sorted(str(f) for f in files)
    assert no_cells == 0


def test_dask_local_cluster(tmp_path: Path, samples: list[Path]) -> None:
    """The same ingest on a Dask cluster the test starts (in-process workers): same stored reports."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster as lc, open_corpus(tmp_path / "dask.db") as c, open_corpus(tmp_path / "here.db") as here:
        s = c.ingest([str(samples[0].parent)], scheduler=lc.scheduler_address)
        assert s.added == 12
        here.ingest([str(samples[0].parent)], jobs=1)
        assert [r.to_dict() for r in c.reports()] == [r.to_dict() for r in here.reports()]


def test_cli_ingest_stats_export(tmp_path: Path, samples: list[Path]) -> None:
    """The commands a user runs, checked the way a user would: counts, the flat form, the sheets."""
    db = str(tmp_path / "c.db")
    run = CliRunner().invoke
    r = run(cli, ["ingest", str(samples[0].parent), "--db", db, "-j", "1"])
    assert r.exit_code == 0, r.output
    assert "新增 12 份" in r.output
    r = run(cli, ["stats", "--db", db, "--json"])
    stats = json.loads(r.output)
    assert stats["reports"] == 12 and stats["by_template"] == {"2019": 6, "2021": 6}
    granted = sum(expected(p)["tables"]["requests"]["granted"]["total"] or 0 for p in samples)
    assert stats["requests"]["granted"] == granted
    assert "库中报告 12 份" in run(cli, ["stats", "--db", db]).output

    r = run(cli, ["export", "--db", db, "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 0, r.output
    import csv

    rows = list(csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8")))
    assert len(rows) == 12
    by_path = {row["source.path"]: row for row in rows}
    first = expected(samples[0])
    want = first["tables"]["requests"]["granted"]["total"]
    assert by_path[str(samples[0])]["requests.granted.total"] == ("" if want is None else str(want))

    r = run(cli, ["export", "--db", db, "--out", str(tmp_path / "x.xlsx"), "--chinese-headers", "--template", "2021"])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "x.xlsx", read_only=True)
    assert wb.sheetnames == ["报告", "主动公开", "依申请公开", "复议诉讼", "问题清单"]
    header = next(wb["依申请公开"].iter_rows(values_only=True))
    assert "三、依申请公开·(一)予以公开·自然人" in header
    assert len(list(wb["报告"].iter_rows(values_only=True))) == 1 + 6

    pq = pytest.importorskip("pyarrow.parquet")
    assert run(cli, ["export", "--db", db, "--out", str(tmp_path / "x.parquet")]).exit_code == 0
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.num_rows == 12
    col = dict(zip(table.column("source.path").to_pylist(), table.column("requests.granted.total").to_pylist()))
    assert col[str(samples[0])] == first["tables"]["requests"]["granted"]["total"]
    assert run(cli, ["export", "--db", db, "--out", str(tmp_path / "x.jsonl")]).exit_code == 0
    assert len((tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()) == 12
    r = run(cli, ["export", "--db", db, "--out", str(tmp_path / "x.txt")])
    assert r.exit_code != 0 and "csv" in r.output

    r = run(cli, ["reparse", "--db", db, "--outdated"])
    assert r.exit_code == 0 and "0 份" in r.output


def test_cli_bad_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    r = CliRunner().invoke(cli, ["stats", "--db", str(bad)])
    assert r.exit_code == 1 and "不是" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["ingest", str(tmp_path / "none.txt"), "--db", str(tmp_path / "c.db")])
    assert r.exit_code == 1 and "不存在" in r.output and "无法读取 1 份" in r.output


def test_same_bytes_twice_in_one_run(tmp_path: Path, samples: list[Path]) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(samples[0].read_bytes())
    with open_corpus(tmp_path / "c.db") as c:
        s = c.ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], jobs=1)
        assert (s.added, s.skipped, len(c)) == (1, 1, 1)


@pytest.mark.parametrize("backend", ["sqlite-file", "postgresql"])
def test_two_ingests_at_once_store_each_file_once(backend: str, tmp_path: Path) -> None:
    """Two `nianbao ingest` processes over the same folder at the same time: every file once, both succeed."""
    from .conftest import store_url

    url = store_url(backend, tmp_path)
    open_corpus(url).close()  # the schema first, so that the race is over the reports
    files = write_samples(tmp_path / "in", 120, seed=9)
    cmd = [sys.executable, "-m", "nianbao", "ingest", str(tmp_path / "in"), "--db", url, "-j", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with open_corpus(url) as c:
        assert len(c) == len(files)
        assert sorted(r.sha256 for r in c.stored()) == sorted(sha(f) for f in files)
