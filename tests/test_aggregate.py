"""Aggregation: the parent's report is the cell-by-cell sum of its units', nulls and money handled as documented."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.aggregate import AggregateError, aggregate
from nianbao.check import check
from nianbao.cli import cli
from nianbao.formats import OUTCOME_ROWS, REQUEST_APPLICANT_COLUMNS, flat_paths
from nianbao.model import Finding, Report, load_json
from nianbao.synth import inject_errors, random_report


def units(seed: int, n: int, template: str = "2021", year: int = 2023) -> list[Report]:
    rng = random.Random(seed)
    return [random_report(rng, template, year=year, organ=f"甲县第{i}局") for i in range(n)]


def set_cell(report: Report, path: str, value: object) -> Report:
    tables = json.loads(json.dumps(report.tables))
    t, r, c = path.split(".")
    tables[t][r][c] = value
    return replace(report, tables=tables)


def filled(report: Report, path: str) -> object:
    """A unit's cell as the sum takes it: a blank total is the sum of its parts (when any is filled)."""
    v = report.cell(path)
    table, row, col = path.split(".")
    if v is not None:
        return v
    if table == "requests" and row == "processed_total":
        parts = [report.cell(f"requests.{r}.{col}") for r in OUTCOME_ROWS[report.template]]
        if col == "total":  # filled first per column, then across
            parts = [filled(report, f"requests.processed_total.{c}") for c in REQUEST_APPLICANT_COLUMNS]
    elif table == "requests" and col == "total":
        parts = [report.cell(f"requests.{row}.{c}") for c in REQUEST_APPLICANT_COLUMNS]
    elif table == "appeals" and col == "total":
        parts = [report.cell(f"appeals.{row}.{f}") for f in ("upheld", "corrected", "other", "pending")]
    else:
        return None
    return None if all(p is None for p in parts) else sum(p for p in parts if p is not None)


def test_a_blank_total_is_summed_from_its_parts():
    a, b = units(21, 2)
    b = set_cell(b, "requests.granted.total", None)
    got, _ = aggregate([a, b], "甲县", 2023)
    want = a.cell("requests.granted.total") + sum(b.cell(f"requests.granted.{c}") for c in REQUEST_APPLICANT_COLUMNS)
    assert got.cell("requests.granted.total") == want


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(1, 6),
    template=st.sampled_from(["2019", "2021"]),
    blanks=st.lists(st.integers(0, 10**6), max_size=8),
)
def test_sum_equals_independent_sum(seed, n, template, blanks):
    year = 2020 if template == "2019" else 2023
    reports = units(seed, n, template, year)
    paths = flat_paths(template)
    for b in blanks:  # blank cells (no finding): they count as 0
        i = b % n
        reports[i] = set_cell(reports[i], paths[b % len(paths)], None)
    got, findings = aggregate(reports, "甲县", year)
    for path in paths:
        values = [filled(r, path) for r in reports]
        if all(v is None for v in values):
            assert got.cell(path) is None, path
            continue
        want = sum((Decimal(str(v)) for v in values if v is not None), Decimal(0))
        assert Decimal(str(got.cell(path))) == want, path
    assert got.template == template and got.meta.organ == "甲县" and got.meta.year == year
    assert [f.rule for f in findings if f.rule != "aggregate.unit_errors"] == ["aggregate.units"]
    assert len(findings[0].found) == n
    failing = {r.meta.organ for r in reports if any(f.severity == "error" for f in check(r))}
    flagged = [f.message for f in findings if f.rule == "aggregate.unit_errors"]
    assert len(flagged) == len(failing) and all(any(o in m for m in flagged) for o in failing)


def test_sum_of_consistent_units_passes_the_checks():
    got, _ = aggregate(units(7, 5), "甲县", 2023)
    assert check(got) == []


def test_money_sums_exactly_in_its_unit():
    a, b = units(1, 2)
    a = set_cell(a, "active.fees.amount_wan_yuan", 0.1)
    b = set_cell(b, "active.fees.amount_wan_yuan", 0.2)
    got, _ = aggregate([a, b], "甲县", 2023)
    assert got.cell("active.fees.amount_wan_yuan") == 0.3  # not 0.30000000000000004
    c, d = units(2, 2, "2019", 2020)
    c = set_cell(c, "active.procurement.amount_yuan", 9_600_000)
    d = set_cell(d, "active.procurement.amount_yuan", 24230421.5)
    got, _ = aggregate([c, d], "甲县", 2020)
    assert got.cell("active.procurement.amount_yuan") == 33830421.5


def test_an_unreadable_cell_makes_the_sum_unknown():
    a, b = units(3, 2)
    b = set_cell(b, "requests.granted.natural_person", None)
    b = b.with_findings([Finding("structure.missing_cells", "warning", "requests.granted", "缺列")])
    got, findings = aggregate([a, b], "甲县", 2023)
    assert got.cell("requests.granted.natural_person") is None
    assert got.cell("requests.granted.commercial") is not None  # read cells of the row still sum
    unknown = [f for f in findings if f.rule == "aggregate.unknown_cell"]
    assert len(unknown) == 1 and unknown[0].where == "requests.granted"
    assert "甲县第1局" in unknown[0].message and "予以公开" in unknown[0].message


def test_an_unreadable_unit_blanks_every_sum():
    a, b = units(4, 2)
    b = Report("2021", b.meta, findings=(Finding("source.unreadable", "error", "source", "坏文件"),))
    got, findings = aggregate([a, b], "甲县", 2023)
    assert all(v is None for v in got.flat().values())
    assert [f.rule for f in findings].count("aggregate.unknown_cell") == 1
    assert any(f.rule == "aggregate.unit_errors" and "甲县第1局" in f.message for f in findings)


def test_units_failing_their_checks_are_named():
    reports = units(5, 3)
    broken, rules = inject_errors(reports[1], random.Random(5))
    reports[1] = broken
    _, findings = aggregate(reports, "甲县", 2023)
    flagged = [f for f in findings if f.rule == "aggregate.unit_errors"]
    assert len(flagged) == 1 and "甲县第1局" in flagged[0].message
    assert set(flagged[0].found) == set(rules)


def test_refuses_to_mix_templates_or_years():
    with pytest.raises(AggregateError, match="格式不一致"):
        aggregate([*units(1, 2, "2021", 2021), *units(2, 1, "2019", 2020)], "甲县", 2021)
    with pytest.raises(AggregateError, match=r"甲县第0局.*2022年度"):
        aggregate([*units(1, 1, "2021", 2022), *units(2, 1, "2021", 2023)], "甲县", 2023)
    with pytest.raises(AggregateError, match="没有"):
        aggregate([], "甲县", 2023)
    legacy = Report("legacy", units(3, 1)[0].meta)
    with pytest.raises(AggregateError, match="2019或2021"):
        aggregate([legacy], "甲县", 2023)


# ------------------------------------------------------------------ CLI
def write_units(folder, reports):
    folder.mkdir(exist_ok=True)
    for i, r in enumerate(reports):
        (folder / f"u{i}.json").write_text(json.dumps(r.to_dict(), ensure_ascii=False), encoding="utf-8")


def test_cli_aggregate_json(tmp_path):
    reports = units(11, 3)
    write_units(tmp_path / "units", reports)
    out = tmp_path / "sum.json"
    res = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "units"), "--organ", "甲县", "--year", "2023",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    got = load_json(out)
    assert got.flat() == aggregate(reports, "甲县", 2023)[0].flat()
    assert got.source.kind == "aggregate"
    assert any(f.rule == "aggregate.units" for f in got.findings)


@pytest.mark.parametrize("suffix", [".xlsx", ".md"])
def test_cli_aggregate_renders_by_suffix(tmp_path, suffix):
    write_units(tmp_path / "units", units(12, 2))
    out = tmp_path / f"sum{suffix}"
    res = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "units"), "--organ", "甲县", "--year", "2023",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 0
    if suffix == ".md":
        assert "甲县" in out.read_text(encoding="utf-8")


def test_cli_aggregate_bad_input(tmp_path):
    write_units(tmp_path / "units", [*units(1, 1, "2021", 2021), *units(2, 1, "2019", 2020)])
    args = ["aggregate", str(tmp_path / "units"), "--organ", "甲县", "--year", "2021"]
    res = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "x.json")])
    assert res.exit_code == 1 and "格式不一致" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "x.pdf")])
    assert res.exit_code == 1 and ".docx" in res.output
    res = CliRunner().invoke(cli, ["aggregate", "--organ", "甲县", "--year", "2021", "--out", "x.json"])
    assert res.exit_code == 1 and "--db" in res.output
