"""nianbao compare: changed cells with absolute and relative change, cross-template mapping, prose similarity."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao import formats
from nianbao.cli import cli
from nianbao.compare import CellChange, Side, compare_files, compare_reports, comparison_html, load, write_comparison
from nianbao.errors import NianbaoError
from nianbao.model import Report
from nianbao.synth import random_report

from .conftest import needs_shared, seed

QINGLIU = seed("qingliu")
JINGYUAN = seed("jingyuan")


def _with(report: Report, path: str, value: object) -> Report:
    table, row, col = path.split(".")
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in report.tables.items()}
    tables[table][row][col] = value
    return replace(report, tables=tables)


def _json(tmp_path: Path, name: str, report: Report) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8")
    return path


def test_same_template_lists_every_changed_cell_with_its_change() -> None:
    a = random_report(random.Random(1), "2021")
    b = _with(
        _with(_with(a, "requests.granted.total", 10), "active.fees.amount_wan_yuan", 2.5), "appeals.review.total", None
    )
    a = _with(_with(a, "requests.granted.total", 8), "active.fees.amount_wan_yuan", 0)
    cmp = compare_reports(Side("a", a), Side("b", b))
    assert cmp.compared == len(formats.flat_paths("2021"))
    by_path = {c.path: c for c in cmp.changes}
    assert set(by_path) == {"requests.granted.total", "active.fees.amount_wan_yuan", "appeals.review.total"}
    granted = by_path["requests.granted.total"]
    assert (granted.absolute, granted.relative) == (2, 0.25)
    assert granted.label == "三、依申请公开 · （一）予以公开 · 总计"
    assert by_path["active.fees.amount_wan_yuan"].relative is None, "no relative change from 0"
    assert by_path["appeals.review.total"].absolute is None, "blank on one side: no difference computed"
    assert not cmp.notes and not cmp.incomparable and cmp.prose is None


def test_across_templates_the_2019_other_row_meets_the_sum_of_the_2021_three() -> None:
    a = random_report(random.Random(3), "2019")
    b = random_report(random.Random(3), "2021")
    for col in ("natural_person", "total"):
        a = _with(a, f"requests.other_handling.{col}", 6)
        b = _with(b, f"requests.other_overdue_correction.{col}", 1)
        b = _with(b, f"requests.other_overdue_fee.{col}", 2)
        b = _with(b, f"requests.other_other.{col}", 3 if col == "total" else 4)
    cmp = compare_reports(Side("a", a), Side("b", b))
    other = {c.path: c for c in cmp.changes if "other_" in c.path}
    assert set(other) <= {f"requests.other_handling.{c.key}" for c in formats.REQUEST_COLUMNS}
    assert "requests.other_handling.total" not in other, "6 == 1 + 2 + 3"
    assert other["requests.other_handling.natural_person"].b == 7
    assert "三项之和" in other["requests.other_handling.natural_person"].note
    assert any("其他处理" in n and "三项之和" in n for n in cmp.notes)
    text = "\n".join(cmp.incomparable)
    for label in ("其他对外管理服务事项", "政府集中采购", "本年新制作数量", "本年制发件数", "上一年项目数量"):
        assert label in text, label
    assert all(c.path.split(".")[2] == "decisions" for c in cmp.changes if c.path.startswith("active."))
    # the reverse direction maps the same way
    back = compare_reports(Side("b", b), Side("a", a))
    assert {c.path for c in back.changes if "other_" in c.path} == set(other)


@needs_shared
def test_documents_get_prose_similarity_per_section(tmp_path: Path) -> None:
    same = compare_files(QINGLIU, QINGLIU)
    assert not same.changes and same.prose is not None
    assert set(same.prose) == {s.number for s in formats.SECTIONS}
    assert same.prose["一"] == 1.0
    other = compare_files(QINGLIU, JINGYUAN)
    assert other.changes and other.prose is not None and 0 <= other.prose["一"] < 0.5
    mixed = compare_files(QINGLIU, _json(tmp_path, "b.json", load(JINGYUAN).report))
    assert mixed.prose is None and [c.to_dict() for c in mixed.changes] == [c.to_dict() for c in other.changes]


@needs_shared
def test_html_and_docx_outputs(tmp_path: Path) -> None:
    cmp = compare_files(QINGLIU, JINGYUAN)
    html = comparison_html(cmp)
    assert "<style>" in html and "<link" not in html and "<script" not in html
    assert html.count("<tr data-path=") == len(cmp.changes) and "正文相似度" in html
    docx = pytest.importorskip("docx")
    out = tmp_path / "c.docx"
    write_comparison(cmp, "docx", out)
    doc = docx.Document(str(out))
    assert len(doc.tables[0].rows) == 1 + len(cmp.changes)
    assert doc.tables[0].rows[0].cells[0].text == "位置"


def test_bad_inputs_raise_a_named_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    prose = tmp_path / "note.txt"
    prose.write_text("这是一份会议纪要，不是年度报告。", encoding="utf-8")
    for path in (bad, prose, tmp_path / "missing.docx"):
        with pytest.raises(NianbaoError) as err:
            load(path)
        assert str(path) in str(err.value)


def test_change_arithmetic_on_money() -> None:
    c = CellChange("active.procurement.amount_yuan", "x", 10.1, 12.35)
    assert c.absolute == 2.25 and c.relative == pytest.approx(0.2227722)


# ---------------------------------------------------------------- the commands
@needs_shared
def test_cli_compare_prints_a_table_and_writes_html_and_docx(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", str(QINGLIU), str(JINGYUAN)])
    assert result.exit_code == 0, result.output
    assert "变化的单元格" in result.output and "正文相似度" in result.output and "7951" in result.output
    for fmt in ("html", "docx"):
        out = tmp_path / "sub" / f"c.{fmt}"
        result = runner.invoke(cli, ["compare", str(QINGLIU), str(JINGYUAN), "--to", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.exists() and out.stat().st_size > 1000
    result = runner.invoke(cli, ["compare", str(QINGLIU), str(JINGYUAN), "--out", str(tmp_path / "c.html")])
    assert result.exit_code == 0 and (tmp_path / "c.html").exists(), "format from the suffix"


@needs_shared
def test_cli_compare_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    runner = CliRunner()
    for args in (
        [str(QINGLIU), str(bad)],
        [str(QINGLIU), str(JINGYUAN), "--to", "html"],
        [str(QINGLIU), str(JINGYUAN), "--out", str(tmp_path / "c.pdf")],
    ):
        result = runner.invoke(cli, ["compare", *args])
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: ") and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert str(bad) in runner.invoke(cli, ["compare", str(QINGLIU), str(bad)]).output


def test_cli_template_then_parse_and_render(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "填报表.xlsx"
    result = runner.invoke(
        cli, ["template", "--template", "2019", "--out", str(out), "--organ", "清流县", "--year", "2020"]
    )
    assert result.exit_code == 0, result.output
    parsed = json.loads(runner.invoke(cli, ["parse", str(out)]).output)
    assert (parsed["template"], parsed["meta"]["organ"], parsed["meta"]["year"]) == ("2019", "清流县", 2020)
    docx_out = tmp_path / "年报.docx"
    result = runner.invoke(cli, ["render", str(out), "--to", "docx", "--out", str(docx_out)])
    assert result.exit_code == 0, result.output
    assert docx_out.read_bytes()[:2] == b"PK"
    result = runner.invoke(cli, ["template", "--out", str(tmp_path / "x.txt")])
    assert result.exit_code == 1 and ".xlsx" in result.output
