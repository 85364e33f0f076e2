"""Bad input gives a clear message or a canonical JSON with findings — never a traceback — and a batch goes on."""

from __future__ import annotations

import json

from click.testing import CliRunner

import nianbao
from nianbao.cli import cli

from .conftest import needs_shared, seed


def rules(report) -> set[str]:
    return {f.rule for f in report.findings}


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    report = nianbao.parse(p)
    assert report.template is None
    assert rules(report) == {"source.unreadable"}
    assert "文件为空" in report.findings[0].message


def test_binary_garbage(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(bytes(range(256)) * 40)
    report = nianbao.parse(p)
    assert rules(report) == {"source.unreadable"}
    assert report.source.sha256 is not None


def test_missing_file(tmp_path):
    report = nianbao.parse(tmp_path / "nope.txt")
    assert rules(report) == {"source.unreadable"}
    assert "无法读取" in report.findings[0].message


def test_not_a_report():
    report = nianbao.parse_bytes("今天天气很好，我们去公园散步。\n晚上吃饺子。\n".encode(), "diary.txt")
    assert report.template is None
    assert rules(report) == {"source.not_a_report"}


def test_legacy_report():
    text = (
        "某某县2015年政府信息公开工作年度报告\n一、概述\n2015年，我县主动公开政府信息1200条。\n"
        "二、主动公开政府信息情况\n全年公开文件若干。\n"
    )
    report = nianbao.parse_bytes(text.encode("gb18030"), "old.txt")
    assert report.template == "legacy"
    assert report.meta.year == 2015
    assert rules(report) == {"template.legacy"}
    assert not report.has_errors


@needs_shared
def test_report_cut_off_before_section_three():
    path = seed("lingqiu")
    text = path.read_text(encoding="utf-8")
    cut = text[: text.index("三、收到和处理政府信息公开申请情况")]
    report = nianbao.parse_bytes(cut.encode(), "cut.txt")
    assert report.template == "2019"
    assert report.tables["active"]["licensing"]["prev_items"] == 262
    assert all(v is None for row in report.tables["requests"].values() for v in row.values())
    missing = {f.where for f in report.findings if f.rule == "structure.missing_table"}
    assert missing == {"requests", "appeals"}
    assert {f.where for f in report.findings if f.rule == "structure.missing_section"} == {
        "section.三",
        "section.四",
        "section.五",
        "section.六",
    }


@needs_shared
def test_batch_goes_on_and_reports_every_file(tmp_path):
    good = seed("qingliu")
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_bytes(good.read_bytes())
    (tmp_path / "c_garbage.html").write_bytes(b"\x00\x01\x02" * 500)
    result = CliRunner().invoke(cli, ["parse", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["source"]["path"].rsplit("/", 1)[-1] for x in lines] == ["a_empty.txt", "b_good.txt", "c_garbage.html"]
    assert lines[1]["meta"]["organ"] == "清流县"
    assert lines[0]["findings"][0]["rule"] == "source.unreadable"
    assert lines[2]["findings"][0]["rule"] == "source.unreadable"
    assert "Traceback" not in result.output


@needs_shared
def test_check_exit_status_and_message(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "source.unreadable" in result.output and "文件为空" in result.output
    ok = seed("lingqiu")
    result = CliRunner().invoke(cli, ["check", str(ok)])
    assert result.exit_code == 0, result.output


def test_no_files_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["parse", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: 没有找到报告文件")
