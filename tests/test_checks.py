"""The rules of spec §3 hold on consistent tables and fire, naming the cell, on broken ones."""

from __future__ import annotations

import copy
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao import formats
from nianbao.check import ALL_RULES, RULES, check
from nianbao.model import Finding, Meta, Report

from .conftest import SHARED, needs_shared

SPEC = SHARED / "spec" / "REPORT_FORMAT.md"
APPLICANTS = formats.REQUEST_APPLICANT_COLUMNS


@st.composite
def consistent(draw, template: str | None = None) -> Report:
    """A report whose three tables satisfy every arithmetic rule."""
    t = template or draw(st.sampled_from(formats.TEMPLATES))
    tables = formats.empty_tables(t)
    req = tables["requests"]
    outcomes = formats.OUTCOME_ROWS[t]
    small = st.integers(0, 40)
    for col in APPLICANTS:
        for row in outcomes:
            req[row][col] = draw(small)
        processed = sum(req[row][col] for row in outcomes)
        req["processed_total"][col] = processed
        forward = draw(small)
        req["carried_forward"][col] = forward
        carried = draw(st.integers(0, processed + forward))
        req["carried_over"][col] = carried
        req["new_received"][col] = processed + forward - carried
    for row in req.values():
        row["total"] = sum(row[c] for c in APPLICANTS)
    for group in tables["appeals"].values():
        for f in ("upheld", "corrected", "other", "pending"):
            group[f] = draw(small)
        group["total"] = sum(group[f] for f in ("upheld", "corrected", "other", "pending"))
    for row in tables["active"].values():
        for f in row:
            row[f] = draw(st.integers(-50, 50) if f == "change" else st.integers(0, 5000))
    year = draw(st.integers(2021, 2025) if t == "2021" else st.integers(2019, 2020))
    return Report(template=t, meta=Meta(title="x", organ="x", year=year), tables=tables)


@settings(max_examples=150, deadline=None)
@given(consistent())
def test_consistent_tables_have_no_findings(report):
    assert check(report) == []


@settings(max_examples=150, deadline=None)
@given(consistent(), st.data())
def test_changing_one_outcome_breaks_balance_and_sum(report, data):
    tables = copy.deepcopy(report.tables)
    row = data.draw(st.sampled_from(formats.OUTCOME_ROWS[report.template]))
    col = data.draw(st.sampled_from(APPLICANTS))
    tables["requests"][row][col] += data.draw(st.integers(1, 9))
    broken = Report(template=report.template, meta=report.meta, tables=tables)
    found = {(f.rule, f.where) for f in check(broken)}
    assert ("requests.outcome_sum", f"requests.processed_total.{col}") in found
    assert ("requests.row_total", f"requests.{row}.total") in found


@settings(max_examples=100, deadline=None)
@given(consistent(), st.data())
def test_changing_a_total_breaks_row_total_only_there(report, data):
    tables = copy.deepcopy(report.tables)
    group = data.draw(st.sampled_from([g.key for g in formats.APPEAL_GROUPS]))
    tables["appeals"][group]["total"] += 1
    broken = Report(template=report.template, meta=report.meta, tables=tables)
    findings = check(broken)
    assert [(f.rule, f.where) for f in findings] == [("appeals.group_total", f"appeals.{group}.total")]
    assert findings[0].expected == findings[0].found - 1
    assert "行政复议" in findings[0].message or "起诉" in findings[0].message


def test_balance_message_names_column_and_both_figures():
    tables = formats.empty_tables("2019")
    for row in tables["requests"].values():
        for c in row:
            row[c] = 0
    tables["requests"]["new_received"]["natural_person"] = 5
    tables["requests"]["new_received"]["total"] = 5
    report = Report(template="2019", meta=Meta(year=2020), tables=tables)
    balance = [f for f in check(report) if f.rule == "requests.balance"]
    assert {f.where for f in balance} == {"requests.*.natural_person", "requests.*.total"}
    msg = next(f.message for f in balance if f.where.endswith("natural_person"))
    assert "自然人" in msg and "5" in msg and "0" in msg


def test_negative_count_is_an_error_but_change_may_be_negative():
    tables = formats.empty_tables("2019")
    tables["active"]["licensing"]["change"] = -3
    tables["active"]["penalties"]["decisions"] = -1
    report = Report(template="2019", meta=Meta(year=2020), tables=tables)
    neg = [f.where for f in check(report) if f.rule == "values.negative"]
    assert neg == ["active.penalties.decisions"]


def test_outdated_template():
    report = Report(template="2019", meta=Meta(year=2022), tables=formats.empty_tables("2019"))
    assert [f.rule for f in check(report)] == ["template.outdated"]
    report = Report(template="2021", meta=Meta(year=2022), tables=formats.empty_tables("2021"))
    assert check(report) == []


@needs_shared
def test_every_spec_rule_id_is_known():
    ids = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", SPEC.read_text(encoding="utf-8"), re.M))
    assert ids and ids <= set(ALL_RULES)
    assert set(RULES) <= ids


def _blanked(report: Report, paths: list[str], value: object = None) -> Report:
    tables = copy.deepcopy(report.tables)
    for p in paths:
        table, row, col = p.split(".")
        tables[table][row][col] = value
    return Report(template=report.template, meta=report.meta, tables=tables)


@settings(max_examples=100, deadline=None)
@given(consistent(), st.data())
def test_blank_totals_give_one_warning_naming_the_cells_and_no_arithmetic_error(report, data):
    totals = [f"requests.{r}.total" for r in report.tables["requests"]]
    totals += [f"requests.processed_total.{c}" for c in APPLICANTS]
    totals += [f"appeals.{g.key}.total" for g in formats.APPEAL_GROUPS]
    chosen = data.draw(st.lists(st.sampled_from(totals), min_size=1, max_size=8, unique=True))
    blanked = _blanked(report, chosen)
    findings = check(blanked)
    assert all(f.severity != "error" for f in findings), findings
    warned = [f for f in findings if f.rule == "structure.blank_total"]
    with_parts = [p for p in chosen if report.cell(p) != 0]  # a total of 0 has parts that are all 0
    assert len(warned) == (1 if with_parts else 0)
    if with_parts:
        assert warned[0].severity == "warning"
        assert "总计" in warned[0].message and "total" not in warned[0].message
        assert warned[0].found == f"{len(with_parts)} blank"


def test_blank_total_message_names_rows_and_columns_in_chinese():
    tables = formats.empty_tables("2021")
    for rows in tables.values():
        for cols in rows.values():
            for c in cols:
                cols[c] = 0
    req = tables["requests"]
    for row in ("new_received", "granted", "processed_total"):
        req[row]["natural_person"] = 3
    req["new_received"]["total"] = None
    req["granted"]["total"] = 3
    req["processed_total"]["total"] = 3
    tables["appeals"]["review"].update(upheld=2, total=None)
    report = Report(template="2021", meta=Meta(year=2022), tables=tables)
    findings = check(report)
    assert [f.rule for f in findings] == ["structure.blank_total"]
    msg = findings[0].message
    assert "第三部分表格“一、本年新收政府信息公开申请数量”一行“总计”列" in msg
    assert "第四部分表格“行政复议·总计”" in msg


def test_a_total_of_zero_beside_parts_is_still_an_error():
    tables = formats.empty_tables("2019")
    for rows in tables.values():
        for cols in rows.values():
            for c in cols:
                cols[c] = 0
    tables["requests"]["granted"].update(natural_person=5, commercial=6, total=0)
    report = Report(template="2019", meta=Meta(year=2020), tables=tables)
    rules = {(f.rule, f.where) for f in check(report)}
    assert ("requests.row_total", "requests.granted.total") in rules
    assert ("requests.outcome_sum", "requests.processed_total.natural_person") in rules
    assert not any(r == "structure.blank_total" for r, _ in rules)


def test_unreadable_cells_stay_out_of_sums_and_are_not_called_blank():
    tables = formats.empty_tables("2019")
    for rows in tables.values():
        for cols in rows.values():
            for c in cols:
                cols[c] = 0
    tables["requests"]["granted"].update(natural_person=5, total=None)
    unsure = Finding("structure.ambiguous_cells", "warning", "requests.granted", "x")
    report = Report(template="2019", meta=Meta(year=2020), tables=tables, findings=(unsure,))
    rules = {f.rule for f in check(report)}
    assert "structure.blank_total" not in rules and "requests.row_total" not in rules


def test_findings_name_rows_and_columns_in_chinese_never_by_key():
    """A row missing a cell, and a table that does not add up: every message uses the template's labels."""
    import random as _random

    import nianbao
    from nianbao.synth import random_report, render

    r = render(random_report(_random.Random(4), "2021"), "text_tabs", _random.Random(4))
    text = r.data.decode("utf-8")
    line = next(ln for ln in text.split("\n") if "予以公开" in ln)
    cells = line.split("\t")
    short = "\t".join(cells[:4] + cells[5:])  # one applicant cell gone: the row has a cell too few
    report = nianbao.parse_bytes(text.replace(line, short).encode("utf-8"), "r.txt")
    findings = [f for f in report.findings if f.rule.startswith(("structure.", "requests."))]
    assert findings
    for f in findings:
        assert not re.search(r"[a-z]{3,}", f.message), f.message  # no `total`, `natural_person`, …
        assert "无。" not in f.message
    assert any(f.where == "requests.granted" and "予以公开" in f.message for f in findings)
