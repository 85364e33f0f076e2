"""--timeout on parse, check and ingest: a file over the per-file limit is recorded as unreadable, with a
Chinese message, and the batch goes on (#8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import cli
from nianbao.synth import corpus


@pytest.fixture
def inputs(tmp_path) -> list[str]:
    """Two quick generated reports around a slow one: 4 MB of table lines, some seconds of parsing.

    (A page of noise read by OCR was the slow file before: it took about a second, so in a full test run it
    sometimes finished within the one-second limit.)
    """
    quick = []
    for i, r in enumerate(corpus(2, seed=5)):
        (tmp_path / f"{i}_{r.name}").write_bytes(r.data)
        quick.append(str(tmp_path / f"{i}_{r.name}"))
    slow = tmp_path / "slow.txt"
    slow.write_bytes(("行政许可\t12\t3\t4\n" * 200_000).encode())
    return [quick[0], str(slow), quick[1]]


def _given_up(findings: list[dict]) -> bool:
    return [f["rule"] for f in findings] == ["source.unreadable"] and "解析超过 1 秒仍未完成" in findings[0]["message"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parse_gives_up_a_slow_file_and_goes_on(inputs, jobs) -> None:
    res = CliRunner().invoke(cli, ["parse", *inputs, "--format", "jsonl", "--timeout", "1", "-j", jobs])
    assert res.exit_code == 0, res.output
    got = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["source"]["path"] for r in got] == inputs
    assert _given_up(got[1]["findings"])
    assert all(r["tables"]["requests"] for r in (got[0], got[2]))  # the others are parsed as usual


def test_check_reports_the_slow_file_as_unreadable(inputs) -> None:
    res = CliRunner().invoke(cli, ["check", *inputs, "--json", "--timeout", "1", "-j", "2"])
    assert res.exit_code == 1  # an error-severity finding: the file given up
    assert "解析超过 1 秒仍未完成" in res.stdout


def test_ingest_stores_the_slow_file_with_its_reason(inputs, tmp_path) -> None:
    from nianbao.store import open_corpus

    db = str(tmp_path / "c.db")
    res = CliRunner().invoke(cli, ["ingest", *inputs, "--db", db, "--timeout", "1", "-j", "1"])
    assert res.exit_code == 1  # a file could not be read: said, and the run went on
    assert "解析超过 1 秒仍未完成" in res.stderr and "新增 3 份" in res.stdout
    with open_corpus(db) as c:
        by_path = {r.source.path: r for r in c.reports()}
        assert _given_up([f.to_dict() for f in by_path[inputs[1]].findings])
        stored = {s.path: s for s in c.stored()}
        assert stored[inputs[1]].status == "unreadable" and stored[inputs[0]].status != "unreadable"
        assert c.source(stored[inputs[1]].id)[1] == Path(inputs[1]).read_bytes()  # kept: reparse can retry it


def test_a_timeout_must_be_positive(inputs) -> None:
    res = CliRunner().invoke(cli, ["parse", inputs[0], "--timeout", "0"])
    assert res.exit_code == 2 and "--timeout" in res.output
