"""The five real seed reports parse exactly to their hand-checked JSON."""

from __future__ import annotations

import pytest

import nianbao

from .conftest import compare, needs_shared, seed, seed_cases

pytestmark = needs_shared


@pytest.mark.parametrize("path", seed_cases(), ids=lambda p: p.stem)
def test_seed_parses_exactly(path, load_expected):
    report = nianbao.parse(path)
    assert compare(report.to_dict(), load_expected(path)) == []


@pytest.mark.parametrize("path", seed_cases(), ids=lambda p: p.stem)
def test_seed_has_no_arithmetic_errors(path):
    # the seeds' tables are consistent; only structure findings (e.g. a missing section 六) may be errors
    report = nianbao.parse(path)
    rules = {f.rule for f in report.findings if f.severity == "error"}
    assert rules <= {"structure.missing_section"}


def test_seed_traditional_script_is_recorded():
    report = nianbao.parse(seed("fuzhou"))
    assert report.meta.script == "traditional"
    assert report.meta.organ == "福州市人民政府办公厅"


def test_missing_total_column_is_null_with_a_finding():
    report = nianbao.parse(seed("heshi"))
    assert report.tables["requests"]["new_received"]["total"] is None
    assert report.tables["requests"]["withheld_third_party"]["total"] == 0
    where = {f.where for f in report.findings if f.rule == "structure.missing_cells"}
    assert "requests.new_received" in where


def test_cut_off_report_misses_section_six():
    report = nianbao.parse(seed("jingyuan"))
    assert [f.where for f in report.findings if f.rule == "structure.missing_section"] == ["section.六"]
