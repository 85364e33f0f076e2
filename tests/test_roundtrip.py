"""Round trip, property-tested: a random consistent report rendered to HTML, Markdown, DOCX, XLSX and the
fill-in workbook parses back to the same canonical tables, template, organ, year, title and date."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.model import Report
from nianbao.render import render
from nianbao.synth import random_report

from .conftest import compare

pytest.importorskip("docx")
pytest.importorskip("openpyxl")

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
TEMPLATES = st.sampled_from(["2019", "2021"])
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trip(expected: Report, data: bytes, name: str, workbook: bool = False) -> None:
    got = nianbao.parse_bytes(data, name).to_dict()
    want = expected.to_dict()
    if workbook:  # the fill-in workbook builds its title from organ and year, and has no date field
        want["meta"].pop("title")
        want["meta"].pop("published")
    assert compare(got, want) == [], name
    assert (got["template"], got["meta"]["organ"], got["meta"]["year"]) == (
        expected.template,
        expected.meta.organ,
        expected.meta.year,
    )
    assert not [f for f in got["findings"] if f["rule"].startswith(("structure.", "source."))], got["findings"]


def _rendered(report: Report, fmt: str) -> bytes:
    data = render(report, fmt)
    return data.encode("utf-8") if isinstance(data, str) else data


@pytest.mark.parametrize("fmt", ["html", "md"])
@FAST
@given(seed=SEEDS, template=TEMPLATES)
def test_text_formats_parse_back(fmt: str, seed: int, template: str) -> None:
    report = random_report(random.Random(seed), template)
    _round_trip(report, _rendered(report, fmt), f"report.{fmt}")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@SLOW
@given(seed=SEEDS, template=TEMPLATES)
def test_office_formats_parse_back(fmt: str, seed: int, template: str) -> None:
    report = random_report(random.Random(seed), template)
    _round_trip(report, _rendered(report, fmt), f"report.{fmt}")


@SLOW
@given(seed=SEEDS, template=TEMPLATES)
def test_filled_in_workbook_parses_back(seed: int, template: str) -> None:
    from nianbao.render.workbook import write_template

    report = random_report(random.Random(seed), template)
    buf = io.BytesIO()
    write_template(template, buf, report.meta.organ, report.meta.year, report)
    _round_trip(report, buf.getvalue(), "填报表.xlsx", workbook=True)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_parse_of_a_file_on_disk_matches(template: str, tmp_path) -> None:
    """nianbao.parse(path) sees what parse_bytes sees: the suffix picks the reader."""
    report = random_report(random.Random(7), template)
    for fmt in ("docx", "xlsx", "html", "md"):
        path = tmp_path / f"r.{fmt}"
        render(report, fmt, path)
        assert compare(nianbao.parse(path).to_dict(), report.to_dict()) == [], fmt


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "xlsx"])
@SLOW
@given(seed=SEEDS, template=TEMPLATES, data=st.data())
def test_blank_cells_parse_back_as_blank(fmt: str, seed: int, template: str, data: st.DataObject) -> None:
    """A cell rendered as 空缺 is null again, and every other cell keeps its column (no value shifts)."""
    from dataclasses import replace

    from nianbao import formats

    report = random_report(random.Random(seed), template)
    paths = formats.flat_paths(template)
    blank = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=20, unique=True))
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in report.tables.items()}
    for p in blank:
        table, row, col = p.split(".")
        tables[table][row][col] = None
    report = replace(report, tables=tables)
    got = nianbao.parse_bytes(_rendered(report, fmt), f"report.{fmt}")
    assert {p: got.cell(p) for p in paths} == {p: report.cell(p) for p in paths}
    # blanking a part makes a sum fail (a blank part counts as 0): exactly the errors of the data itself
    errors = {(f.rule, f.where) for f in got.findings if f.severity == "error"}
    assert errors == {(f.rule, f.where) for f in nianbao.check(report) if f.severity == "error"}
