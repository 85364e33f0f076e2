"""The command line, through click's CliRunner, on real seed reports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from nianbao.cli import cli

from .conftest import needs_shared, seed, seed_cases

QINGLIU = seed("qingliu")


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])
def test_every_command_explains_itself_with_an_example(command):
    args = ([command] if command else []) + ["--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "Example" in result.output


@needs_shared
def test_parse_one_report_prints_canonical_json():
    result = CliRunner().invoke(cli, ["parse", str(QINGLIU)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["schema_version"] == 1 and data["template"] == "2019"
    assert data["tables"]["active"]["procurement"]["amount_yuan"] == 24230421.5
    assert data["source"]["kind"] == "txt" and len(data["source"]["sha256"]) == 64


@needs_shared
def test_parse_many_as_csv_in_input_order(tmp_path):
    out = tmp_path / "sub" / "all.csv"
    paths = [str(p) for p in seed_cases()][::-1]
    result = CliRunner().invoke(cli, ["parse", *paths, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["source.path"] for r in rows] == paths
    jingyuan = next(r for r in rows if "jingyuan" in r["source.path"])
    assert jingyuan["requests.new_received.total"] == "6"
    assert jingyuan["active.procurement.amount_yuan"] == "9600000"


@needs_shared
def test_parse_markdown_shows_the_tables():
    result = CliRunner().invoke(cli, ["parse", str(QINGLIU), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "行政许可" in result.output and "7951" in result.output


@needs_shared
def test_render_docx_from_a_report(tmp_path):
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(cli, ["render", str(QINGLIU), "--to", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_render_rejects_a_json_that_is_not_a_report(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(bad), "--to", "html", "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "bad.json" in result.output


@needs_shared
def test_render_a_document_carries_its_prose_sections(tmp_path):
    out = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["render", str(QINGLIU), "--to", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "截止 2020 年 12 月 31 日，全县 36 个公开单位" in text  # section 一, as written
    assert "加强理论学习" in text  # section 五
    assert text.index("## 一、") < text.index("截止 2020 年") < text.index("## 二、")
