"""The fill-in workbook (nianbao template) and the XLSX reader that reads it, and any workbook, back."""

from __future__ import annotations

import io
import random

import pytest

import nianbao
from nianbao import formats
from nianbao.readers import read_bytes
from nianbao.readers.xlsx import xlsx_text
from nianbao.render.workbook import CHECK_LABEL, COVER_SHEET, ORGAN_CELL, YEAR_CELL, build_template
from nianbao.synth import random_report

openpyxl = pytest.importorskip("openpyxl")

TEMPLATES = ("2019", "2021")


def _saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cells_by_path(template: str, wb) -> dict[str, object]:
    """Each value cell of the workbook by flat path, found by writing a report whose values are unique."""
    report = nianbao.Report.from_dict({"template": template, "tables": formats.empty_tables(template)})
    tables = formats.empty_tables(template)
    marks: dict[int, str] = {}
    for i, path in enumerate(formats.flat_paths(template)):
        t, r, c = path.split(".")
        tables[t][r][c] = 10_000 + i
        marks[10_000 + i] = path
    report = nianbao.Report(template, tables=tables)
    filled = build_template(template, report=report)
    out: dict[str, object] = {}
    for ws_f, ws in zip(filled.worksheets, wb.worksheets, strict=True):
        for row in ws_f.iter_rows():
            for cell in row:
                if cell.value in marks:
                    out[marks[cell.value]] = ws[cell.coordinate]
    return out


@pytest.mark.parametrize("template", TEMPLATES)
def test_labels_locked_inputs_unlocked_and_validated(template: str) -> None:
    wb = build_template(template)
    assert wb.sheetnames[0] == COVER_SHEET and len(wb.sheetnames) == 4
    assert all(ws.protection.sheet for ws in wb.worksheets), "every sheet is protected"
    cells = _cells_by_path(template, wb)
    inputs = {p: c for p, c in cells.items()}
    assert inputs, "value cells found"
    for ws in wb.worksheets[1:]:
        rules = {str(rng): dv for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    assert cell.protection.locked, f"label {cell.value!r} is locked"
        for path, cell in inputs.items():
            if cell.parent is not ws:
                continue
            assert not cell.protection.locked, path
            dv = rules[cell.coordinate]
            field = path.rsplit(".", 1)[1]
            if field in formats.MONEY_FIELDS:
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0"), path
            elif field in formats.SIGNED_FIELDS:
                assert dv.type == "whole" and dv.operator == "between" and int(dv.formula1) < 0, path
            else:
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0"), path
    cover = wb[COVER_SHEET]
    assert not cover[ORGAN_CELL].protection.locked and not cover[YEAR_CELL].protection.locked


@pytest.mark.parametrize("template", TEMPLATES)
def test_totals_are_formulas_and_the_balance_check_turns_red(template: str) -> None:
    wb = build_template(template)
    formulas = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    formulas[(ws.title, cell.coordinate)] = cell.value
    filled = build_template(template, report=random_report(random.Random(1), template))
    ws = filled.worksheets[2]
    # the requests sheet: every row's total and the （七）总计 applicant cells are formulas
    n_rows = len(formats.request_rows(template))
    totals = [v for (sheet, _), v in formulas.items() if sheet == ws.title and v.startswith("=SUM(")]
    assert len(totals) == n_rows + 6
    assert all(
        isinstance(ws[c].value, str) and ws[c].value.startswith("=SUM(")
        for (s, c) in formulas
        if s == ws.title and formulas[(s, c)].startswith("=SUM(")
    )
    appeals = [v for (sheet, _), v in formulas.items() if sheet == wb.worksheets[3].title and v.startswith("=SUM(")]
    assert len(appeals) == len(formats.APPEAL_GROUPS)
    # one check cell per column under the table, with a red rule on the same condition
    check_row = next(r for r in ws.iter_rows() if r[0].value == CHECK_LABEL)
    checks = [c for c in check_row[3:] if c.value]
    assert len(checks) == len(formats.REQUEST_COLUMNS)
    assert all(c.value.startswith("=IF(") and "不符" in c.value for c in checks)
    rules = {str(rng.sqref): rng.rules for rng in ws.conditional_formatting}
    for c in checks:
        (rule,) = rules[c.coordinate]
        assert rule.formula[0] in c.value and rule.dxf.fill.fgColor.rgb.endswith("FF0000")
    assert wb[COVER_SHEET]["A1"].value.startswith(f"={ORGAN_CELL}&{YEAR_CELL}")


@pytest.mark.parametrize("template", TEMPLATES)
def test_blank_template_reads_as_nulls_never_zeros(template: str) -> None:
    report = nianbao.parse_bytes(_saved(build_template(template)), "填报表.xlsx")
    assert report.template == template and report.source.kind == "xlsx"
    values = {p: v for p, v in report.flat().items() if not p.startswith("appeals.")}
    assert all(v is None for v in values.values()), "blank inputs and their formula totals stay null"


def test_blank_appeals_read_as_nulls() -> None:
    report = nianbao.parse_bytes(_saved(build_template("2021")), "填报表.xlsx")
    assert all(v is None for g in report.tables["appeals"].values() for v in g.values())


def test_filled_template_reads_back_with_meta(tmp_path) -> None:
    report = random_report(random.Random(5), "2021")
    wb = build_template("2021", "清流县", 2022, report)
    path = tmp_path / "填报表.xlsx"
    wb.save(path)
    got = nianbao.parse(path)
    assert (got.meta.organ, got.meta.year, got.meta.title) == ("清流县", 2022, "清流县2022年政府信息公开工作年度报告")
    assert got.tables == report.tables
    assert not got.findings


def test_partly_filled_totals_sum_what_is_there() -> None:
    wb = build_template("2019")
    ws = wb.worksheets[2]
    cells = _cells_by_path("2019", wb)
    cells["requests.granted.natural_person"].value = 3
    cells["requests.granted.commercial"].value = 2
    report = nianbao.parse_bytes(_saved(wb), "x.xlsx")
    assert report.cell("requests.granted.total") == 5
    assert report.cell("requests.processed_total.natural_person") == 3
    assert report.cell("requests.new_received.total") is None
    assert ws.title in wb.sheetnames


# ---------------------------------------------------------------- the reader on other workbooks
def test_reader_expands_merges_computes_simple_formulas_and_skips_hidden_sheets() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["标题", None, None, None])
    ws.merge_cells("A1:C1")
    ws.append([1, 2, "=SUM(A2:B2)", "=A2+B2-1"])
    ws.append(['=A2&"件"', "=IF(A2>0,1,0)", "=SUM(C5:C6)", "='另表'!A1*2"])
    ws.append([960, None, "=B4+B4", "=C3+1"])
    ws["A4"].number_format = '0"万元"'
    other = wb.create_sheet("另表")
    other["A1"] = 7
    other["B1"] = "='表'!A2+3"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "不应读出"
    hidden.sheet_state = "hidden"
    text = xlsx_text(_saved(wb))
    assert text.split("\n") == [
        "标题\t\t\t",
        "1\t2\t3\t2",
        "1件\t\t\t",  # IF and * are not computed: blank, never a guess; SUM of blanks stays blank
        "960万元\t\t\t1",  # blank + blank stays blank; blank + 1 is 1, as in Excel
        "7\t4",
    ]


def test_reader_inlines_linked_sheets_where_they_are_linked() -> None:
    report = random_report(random.Random(2), "2019")
    from nianbao.render import render

    doc = read_bytes(render(report, "xlsx"), "r.xlsx")
    lines = doc.text.split("\n")
    at = {s.number: next(i for i, ln in enumerate(lines) if ln.startswith(f"{s.number}、")) for s in formats.SECTIONS}
    assert list(at.values()) == sorted(at.values()), "sections in document order, tables inside their sections"
    assert any("\t" in ln for ln in lines[at["三"] : at["四"]])
    assert doc.grid and doc.kind == "xlsx"


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"PK\x03\x04not really a zip", "坏.xlsx"), (b"just some text, not a workbook", "假.xlsx")],
)
def test_bad_workbooks_give_a_finding_not_a_traceback(data: bytes, name: str) -> None:
    report = nianbao.parse_bytes(data, name)
    assert report.template is None
    assert report.findings and report.findings[0].rule in ("source.unreadable", "source.not_a_report")
