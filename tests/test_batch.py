"""Many files: input order kept, failures recorded, the same reports on one core, many, or a Dask cluster."""

from __future__ import annotations

import pytest

from nianbao.batch import expand, parse_many
from nianbao.synth import corpus


@pytest.fixture
def files(tmp_path):
    paths = []
    for i, r in enumerate(corpus(5, seed=3)):
        (tmp_path / f"{i}_{r.name}").write_bytes(r.data)
        paths.append(str(tmp_path / f"{i}_{r.name}"))
    paths *= 2
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01" * 300)
    return [*paths, str(bad), str(tmp_path / "missing.txt")]


def test_processes_give_the_same_reports_in_order(files):
    one = [r.to_dict() for r in parse_many(files, jobs=1)]
    many = [r.to_dict() for r in parse_many(files, jobs=2)]
    assert one == many
    assert [r["source"]["path"] for r in many] == files
    assert many[-1]["findings"][0]["rule"] == "source.unreadable"


def test_dask_cluster_gives_the_same_reports_in_order(files):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        remote = [r.to_dict() for r in parse_many(files, scheduler=c.scheduler_address)]
    assert remote == [r.to_dict() for r in parse_many(files)]


def test_folders_expand_to_report_files_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/2.html", "a.txt", "b/1.pdf", "notes.json", "x.expected.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.replace(str(tmp_path), "") for p in expand([tmp_path])] == ["/a.txt", "/b/1.pdf", "/b/2.html"]


def _slow_file(tmp_path) -> str:
    """A real input that takes seconds whatever the machine: a large scanned page (noise), read by OCR."""
    pytest.importorskip("rapidocr_onnxruntime")
    image = pytest.importorskip("PIL.Image")
    path = tmp_path / "scan.png"
    image.effect_noise((1400, 2000), 80).convert("RGB").save(path)
    return str(path)


@pytest.mark.parametrize("how", ["processes", "dask"])
def test_a_file_over_the_time_limit_is_given_up_and_the_run_goes_on(files, tmp_path, how):
    if how == "dask":
        distributed = pytest.importorskip("dask.distributed")
    paths = [*files[:3], _slow_file(tmp_path), *files[3:6]]
    if how == "processes":
        got = [r.to_dict() for r in parse_many(paths, jobs=2, timeout=1.0)]
    else:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
            got = [r.to_dict() for r in parse_many(paths, scheduler=c.scheduler_address, timeout=1.0)]
    assert [r["source"]["path"] for r in got] == paths
    slow = got[3]["findings"]
    assert [f["rule"] for f in slow] == ["source.unreadable"] and "超过 1 秒" in slow[0]["message"]
    others = [r for i, r in enumerate(got) if i != 3]
    assert others == [r.to_dict() for r in parse_many([p for i, p in enumerate(paths) if i != 3])]
