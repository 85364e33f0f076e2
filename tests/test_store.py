"""The corpus store on SQLite (file and memory) and a real PostgreSQL server: what goes in comes back."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from nianbao.check import checked
from nianbao.errors import StoreError
from nianbao.model import Finding, Meta, Report, Source
from nianbao.store import open_corpus
from nianbao.synth import inject_errors, random_report


def generated(n: int, seed: int = 7) -> list[Report]:
    """Checked generated reports of both templates, some with injected errors, each with its own sha256."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = random_report(rng, ("2019", "2021")[i % 2])
        if i % 3 == 0:
            r, _ = inject_errors(r, rng)
        r = checked(r)
        out.append(replace(r, source=Source(f"gen/{i}.txt", f"{i:064x}", "txt")))
    return out


def test_round_trip_is_exact(corpus) -> None:
    """get(id).to_dict() equals what was stored: ints stay ints, 3.0 stays a float, nulls stay, findings keep
    their expected/found values of every JSON type."""
    reports = generated(6)
    odd = reports[0]
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in odd.tables.items()}
    tables["active"]["procurement"]["amount_yuan"] = 3.0
    tables["requests"]["granted"]["commercial"] = None
    odd = replace(
        odd,
        tables=tables,
        meta=replace(odd.meta, title="某县2020年政府信息公开工作年度报告", script="traditional"),
        findings=(
            *odd.findings,
            Finding("table.row_sum", "error", "requests.granted", "总计不符", expected={"a": [1, 2.5]}, found=None),
            Finding("prose.mismatch", "warning", "一", "正文 12 件，表格 13 件", expected=12, found="13"),
        ),
    )
    ids = [corpus.add(r) for r in [odd, *reports[1:]]]
    for i, r in zip(ids, [odd, *reports[1:]]):
        assert corpus.get(i).to_dict() == r.to_dict()
    assert corpus.get(ids[0]).tables["active"]["procurement"]["amount_yuan"] == 3.0
    assert isinstance(corpus.get(ids[0]).tables["active"]["procurement"]["amount_yuan"], float)
    assert corpus.get(10_000) is None
    assert [r.to_dict() for r in corpus.reports()] == [r.to_dict() for r in [odd, *reports[1:]]]
    assert [r.source.path for r in corpus.reports([ids[2], ids[0]])] == ["gen/2.txt", "gen/0.txt"]


def test_same_bytes_same_id_and_source_kept(corpus) -> None:
    report = generated(1)[0]
    data = "某单位年度报告\n".encode("gb18030") + b"\x00\xff binary tail"
    a = corpus.add(report, data, name="某单位.txt")
    b = corpus.add(replace(report, meta=Meta(title="changed")), data)
    assert a == b
    assert len(corpus) == 1
    assert corpus.source(a) == ("某单位.txt", data)
    assert corpus.get(a).meta.title == report.meta.title  # the second add wrote nothing


def test_search_filters_and_pages(corpus) -> None:
    reports = generated(12)
    ids = [corpus.add(r) for r in reports]
    corpus.set_region(ids[0], "福建省", "三明市", "清流县")

    total, page = corpus.search(limit=5)
    assert total == 12 and len(page) == 5
    _, rest = corpus.search(limit=50, offset=5)
    assert len(rest) == 7 and not {p.id for p in page} & {p.id for p in rest}

    want_errors = {i for i, r in zip(ids, reports) if r.has_errors}
    assert want_errors, "the generator injected errors into every third report"
    total, rows = corpus.search(has_errors=True)
    assert total == len(want_errors) and {r.id for r in rows} == want_errors
    assert all(r.status == "errors" and r.n_errors > 0 for r in rows)
    total, rows = corpus.search(has_errors=False)
    assert total == 12 - len(want_errors)

    total, rows = corpus.search(template="2021")
    assert total == 6 and all(r.template == "2021" for r in rows)
    year = reports[3].meta.year
    total, rows = corpus.search(year=year)
    assert total == sum(r.meta.year == year for r in reports)

    organ = reports[5].meta.organ
    total, rows = corpus.search(organ=organ[1:4])
    assert ids[5] in {r.id for r in rows}
    total, rows = corpus.search(q=organ)
    assert ids[5] in {r.id for r in rows}

    rule = next(f.rule for f in reports[0].findings if f.severity == "error")
    with_rule = {i for i, r in zip(ids, reports) if any(f.rule == rule for f in r.findings)}
    assert {r.id for r in corpus.search(rule=rule, limit=100)[1]} == with_rule
    prefix = rule.split(".")[0] + "."
    with_prefix = {i for i, r in zip(ids, reports) if any(f.rule.startswith(prefix) for f in r.findings)}
    assert {r.id for r in corpus.search(rule=prefix, limit=100)[1]} == with_prefix

    total, rows = corpus.search(region="三明")
    assert total == 1 and rows[0].county == "清流县" and rows[0].province == "福建省"
    assert corpus.search(organ="100%_不存在")[0] == 0  # LIKE wildcards are taken literally
    assert list(corpus.ids(template="2019")) == [i for i, r in zip(ids, reports) if r.template == "2019"]
    # a misspelt filter is an error, not a filter silently left out
    with pytest.raises(TypeError, match="unknown filter organs"):
        corpus.search(organs=organ)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown filter"):
        corpus.chart_data(yaer=year)  # type: ignore[call-arg]


def test_stats_match_an_independent_count(corpus) -> None:
    reports = generated(10)
    for r in reports:
        corpus.add(r)
    s = corpus.stats()
    assert s["reports"] == 10
    assert s["by_template"] == {"2019": 5, "2021": 5}
    assert sum(s["by_year"].values()) == 10
    assert s["by_status"]["errors"] == sum(r.has_errors for r in reports)
    granted = sum(r.cell("requests.granted.total") or 0 for r in reports)
    assert s["requests"]["granted"] == granted
    assert s["error_rate"] == round(sum(r.has_errors for r in reports) / 10, 4)


def test_delete_removes_cells_findings_and_source(corpus) -> None:
    a, b = generated(2)
    ia = corpus.add(a, b"bytes of a")
    ib = corpus.add(b, b"bytes of b")
    assert corpus.delete(ia) is True
    assert corpus.delete(ia) is False
    assert corpus.get(ia) is None and corpus.source(ia) is None
    assert corpus.get(ib).to_dict() == b.to_dict()
    assert corpus.stats()["reports"] == 1
    assert corpus.add(a, b"bytes of a") != ib  # can be stored again


def test_reparse_replaces_in_place(corpus, tmp_path: Path) -> None:
    """A report stored from its bytes with stale data is corrected by reparse; its id stays."""
    from nianbao.synth import render

    rng = random.Random(3)
    truth = random_report(rng, "2021")
    rendering = render(truth, "text_tabs", rng)
    stale = replace(checked(truth), tables={t: {} for t in truth.tables}, source=Source("old.txt", None, "txt"))
    rid = corpus.add(stale, rendering.data, name=rendering.name)
    corpus.set_region(rid, "福建省", None, None)
    assert corpus.reparse(jobs=1) == 1
    again = corpus.get(rid)
    assert again.tables == rendering.expected.tables
    assert corpus.search()[1][0].province == "福建省"
    assert corpus.reparse(jobs=1, outdated=True) == 0  # all parsed by this very parser now


# ---------------------------------------------------------------- bad databases (SQLite files)
def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with open_corpus(db) as c:
        c.add(generated(1)[0])
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="更新版本") as e:
        open_corpus(db)
    assert "9999_future" in e.value.message
    assert db.read_bytes() == before


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("这不是数据库\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="不是"):
        open_corpus(db)
    assert db.read_text(encoding="utf-8").startswith("这不是数据库")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="不存在"):
        open_corpus(tmp_path / "nowhere" / "c.db")


def test_locked_database_gives_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    open_corpus(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        c = open_corpus(db, busy_seconds=0.2)
        with pytest.raises(StoreError, match="锁定"):
            c.add(generated(1)[0])
        c.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_corpus(db) as c:
        assert len(c) == 0  # nothing half-written
        c.add(generated(1)[0])
        assert len(c) == 1


def test_read_only_folder(tmp_path: Path) -> None:
    """Creating a corpus in a folder the user cannot write to says so (run as 'nobody' when we are root)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    code = (
        "import sys\nfrom nianbao.store import open_corpus\nfrom nianbao.errors import StoreError\n"
        "try:\n    open_corpus(sys.argv[1])\nexcept StoreError as e:\n    print(e.message)\n    sys.exit(3)\n"
    )
    kwargs: dict = {}
    if os.geteuid() == 0:
        kwargs["user"] = "nobody"
        tmp_path.chmod(0o755)
    root = Path(__file__).resolve().parents[1]
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(folder / "c.db")],
            capture_output=True,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
            timeout=60,
            **kwargs,
        )
    except PermissionError as e:
        pytest.skip(f"root ignores folder permissions and 'nobody' cannot run this Python: {e}")
    if done.returncode not in (0, 3) and "Permission denied" in done.stderr:
        pytest.skip(f"root ignores folder permissions and 'nobody' cannot run this Python: {done.stderr[-200:]}")
    assert done.returncode == 3, done.stderr
    assert "只读" in done.stdout
    assert not (folder / "c.db").exists()


def test_read_only_database(tmp_path: Path) -> None:
    """A corpus opened read-only (as on a read-only mount) reads, and refuses writes in plain words."""
    db = tmp_path / "c.db"
    with open_corpus(db) as c:
        rid = c.add(generated(1)[0])
    ro = open_corpus(f"sqlite:///file:{db}?mode=ro&uri=true")
    assert ro.get(rid) is not None
    with pytest.raises(StoreError, match="只读"):
        ro.add(generated(2)[1])
    ro.close()
    with open_corpus(db) as c:
        assert len(c) == 1


def test_migrations_build_exactly_the_schema(corpus) -> None:
    """The Alembic scripts and schema.py describe the same tables, indexes and constraints."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from nianbao.store.engine import MIGRATIONS, schema_revision
    from nianbao.store.schema import metadata

    with corpus.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    heads = sorted(p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert schema_revision(corpus.engine) == heads[-1]


def test_xlsx_export_stops_clearly_at_the_sheet_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openpyxl")
    from nianbao import export
    from nianbao.errors import NianbaoError

    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 4)
    with pytest.raises(NianbaoError, match="行数上限"):
        export.write_export(generated(6), str(tmp_path / "x.xlsx"), "xlsx")
    assert not (tmp_path / "x.xlsx").exists()
    assert export.write_export(generated(2), str(tmp_path / "y.xlsx"), "xlsx") == 2


def test_every_report_is_filed_under_the_region_its_organ_names(corpus) -> None:
    """add (the path of ingest, upload and reparse alike) records province/city/county from the organ's name;
    a region set by hand survives a reparse."""
    a, b = generated(2, seed=11)
    a = replace(a, meta=replace(a.meta, organ="三明市清流县人民政府"))
    b = replace(b, meta=replace(b.meta, organ="某某单位"))
    ia, ib = corpus.add(a), corpus.add(b)
    stored = {s.id: s for s in corpus.stored([ia, ib])}
    assert (stored[ia].province, stored[ia].city, stored[ia].county) == ("福建省", "三明市", "清流县")
    assert (stored[ib].province, stored[ib].city, stored[ib].county) == (None, None, None)
    assert corpus.search(region="三明市")[0] == 1
    corpus.set_region(ib, "福建省", None, None)
    corpus.replace(ib, b)
    assert next(iter(corpus.stored([ib]))).province == "福建省"
