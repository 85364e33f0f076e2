"""Rendering: every format shows every label and every value in the official cell, nulls as 空缺, merges real.

Each rendered table is read back into an expanded text grid (rowspan/colspan resolved independently of
nianbao.render.layout), and the same position checks run on the HTML, the DOCX and the XLSX.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from lxml import html as lxml_html

from nianbao import formats
from nianbao.errors import NianbaoError
from nianbao.model import Meta, Report
from nianbao.render import UnknownRenderFormat, render, render_docx, render_html, render_markdown, render_xlsx
from nianbao.render.layout import display

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from openpyxl.worksheet.worksheet import Worksheet

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

TEMPLATES = ("2019", "2021")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
MONEY = {"amount_yuan": (24230421.5, "24230421.5元"), "amount_wan_yuan": (12.3456, "12.3456")}
HEADINGS = [f"{s.number}、{s.title}" for s in formats.SECTIONS]
PROSE = {"一": "本年度，本机关认真贯彻落实《条例》。\n第二段落文字。", "四": "全年未发生行政复议。"}


def make_report(template: str) -> Report:
    """Distinct values by position (1, 2, 3, …), every 11th cell null, a negative change, fractional money."""
    tables = formats.empty_tables(template)
    i = 0
    for rows in tables.values():
        for cols in rows.values():
            for col in cols:
                i += 1
                cols[col] = None if i % 11 == 0 else i
    for field, (value, _) in MONEY.items():
        for cols in tables["active"].values():
            if field in cols:
                cols[field] = value
    if template == "2019":
        tables["active"]["penalties"]["change"] = -139
    return Report(template, Meta(title=None, organ="测试县", year=2020 if template == "2019" else 2022), tables)


def expected_text(report: Report, path: str) -> str:
    value = report.cell(path)
    field = path.rsplit(".", 1)[1]
    if value is None:
        return "空缺"
    if field in MONEY:
        return MONEY[field][1]
    return str(value)


def null_paths(report: Report) -> list[str]:
    return [p for p, v in report.flat().items() if v is None]


# ---------------------------------------------------------------- reading tables back
Grid = list[list[str]]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def html_grids(text: str) -> dict[str, Grid]:
    """Expand every <table data-table=…> the way a browser lays it out."""
    doc = lxml_html.fromstring(text)
    out: dict[str, Grid] = {}
    for table in doc.iter("table"):
        taken: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            for td in tr:
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for dr in range(rs):
                    for dc in range(cs):
                        taken[(r + dr, c + dc)] = td.text_content().strip()
                c += cs
        nrows = max(r for r, _ in taken) + 1
        ncols = max(c for _, c in taken) + 1
        out[table.get("data-table")] = [[taken.get((r, c), "<hole>") for c in range(ncols)] for r in range(nrows)]
    return out


def docx_grid(table: Table) -> Grid:
    """Expand a Word table from its raw XML: gridSpan widens a cell, vMerge=continue repeats the one above."""
    grid: Grid = []
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[str] = []
        for tc in tr.tc_lst:
            text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
            if tc.vMerge == "continue":
                text = grid[r - 1][len(row)]
            row.extend([text.strip()] * tc.grid_span)
        grid.append(row)
    return grid


def xlsx_grid(ws: Worksheet, top: int = 3) -> Grid:
    """Expand a sheet: a merged range shows its top-left value everywhere; numbers become their text."""
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
    for rng in ws.merged_cells.ranges:
        top_left = values.get((rng.min_row, rng.min_col))
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[(r, c)] = top_left
    last_row, last_col = ws.max_row, ws.max_column

    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    return [[text(values.get((r, c))) for c in range(1, last_col + 1)] for r in range(top, last_row + 1)]


# ---------------------------------------------------------------- the official shapes, checked on a text grid
def find_row(grid: Grid, col: int, label: str) -> int:
    hits = [r for r, row in enumerate(grid) if col < len(row) and row[col] == label]
    assert len(hits) == 1, f"label {label!r} should be in exactly one row of column {col}, found {hits}"
    return hits[0]


def check_active(grid: Grid, report: Report, value: Callable[[str], str]) -> None:
    t = report.template
    assert all(len(row) == 4 for row in grid), "section 二 table is 4 columns wide"
    for heading, keys in formats.ACTIVE_GROUPS[t]:
        r = find_row(grid, 0, display(heading))
        assert grid[r] == [display(heading)] * 4, "第二十条 heading spans the whole table"
        assert grid[r + 1][0] == "信息内容"
        rows = {row.key: row for row in formats.active_rows(t)}
        for k, key in enumerate(keys):
            row = rows[key]
            assert grid[r + 2 + k][0] == display(row.label)
            fields = row.fields
            for j, f in enumerate(fields):
                path = f"active.{key}.{f}"
                assert grid[r + 2 + k][1 + j] == value(path), path
                label = "本年处理决定数量" if (t, f) == ("2021", "decisions") else display(formats.FIELD_LABELS[f])
                assert grid[r + 1][1 + j] == label
            spare = grid[r + 2 + k][1 + len(fields) :]
            if t == "2021":  # the single field is stretched across the spare columns
                assert spare == [value(f"active.{key}.{fields[-1]}")] * len(spare)
            else:  # the 2019 template leaves the spare cells empty
                assert spare == [""] * len(spare)


def check_requests(grid: Grid, report: Report, value: Callable[[str], str]) -> None:
    t = report.template
    cols = formats.REQUEST_COLUMNS
    assert all(len(row) == 10 for row in grid), "section 三 table is 3 label + 7 data columns"
    for r in range(3):
        assert grid[r][0:3] == [NOTE] * 3, "the 勾稽关系 note covers 3 rows × 3 columns"
    assert grid[0][3:] == ["申请人情况"] * 7
    assert grid[1][3] == grid[2][3] == "自然人"
    assert grid[1][4:9] == ["法人或其他组织"] * 5
    assert grid[2][4:9] == [display(c.label) for c in cols[1:6]]
    assert grid[1][9] == grid[2][9] == "总计"
    rows = formats.request_rows(t)
    assert len(grid) == 3 + len(rows), "one table row per canonical row"
    groups = {"withheld_": "（三）不予公开", "unavailable_": "（四）无法提供", "not_processed_": "（五）不予处理"}
    if t == "2021":
        groups["other_"] = "（六）其他处理"
    for i, row in enumerate(rows):
        r = 3 + i
        label = display(row.label)
        assert grid[r][2] == label, row.key
        outer = row.key in formats.OUTCOME_ROWS[t] or row.key == "processed_total"
        group = next((g for p, g in groups.items() if row.key.startswith(p)), None)
        if not outer:
            assert grid[r][0:3] == [label] * 3, f"{row.key} spans the three label columns"
        elif group:
            assert grid[r][0] == "三、本年度办理结果" and grid[r][1] == group, row.key
        else:
            assert grid[r][0] == "三、本年度办理结果" and grid[r][1] == label, row.key
        for j, c in enumerate(cols):
            assert grid[r][3 + j] == value(f"requests.{row.key}.{c.key}"), f"{row.key}.{c.key}"


def check_appeals(grid: Grid, report: Report, value: Callable[[str], str]) -> None:
    fields = [display(f.label) for f in formats.APPEAL_FIELDS]
    assert len(grid) == 4 and all(len(row) == 15 for row in grid)
    assert grid[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert grid[1][:5] == grid[2][:5] == fields, "复议 field headers span two rows"
    assert grid[1][5:] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert grid[2][5:] == fields * 2
    paths = [f"appeals.{g.key}.{f.key}" for g in formats.APPEAL_GROUPS for f in formats.APPEAL_FIELDS]
    assert grid[3] == [value(p) for p in paths], "the 15 numbers in one row, in document order"


CHECKS = {"active": check_active, "requests": check_requests, "appeals": check_appeals}


# ---------------------------------------------------------------- HTML
@pytest.mark.parametrize("template", TEMPLATES)
def test_html_tables_have_official_shape_and_values(template: str) -> None:
    report = make_report(template)
    grids = html_grids(render_html(report))
    assert set(grids) == set(CHECKS)
    for name, check in CHECKS.items():
        check(grids[name], report, lambda p: expected_text(report, p))


@pytest.mark.parametrize("template", TEMPLATES)
def test_html_nulls_are_marked_and_document_is_self_contained(template: str) -> None:
    report = make_report(template)
    text = render_html(report, PROSE)
    doc = lxml_html.fromstring(text)
    nulls = doc.find_class("nb-null")
    assert sorted(td.get("data-path") for td in nulls) == sorted(null_paths(report))
    assert all(td.text_content() == "空缺" for td in nulls)
    assert [h.text_content() for h in doc.iter("h2")] == HEADINGS
    assert doc.find(".//h1").text_content() == f"测试县{report.meta.year}年政府信息公开工作年度报告"
    assert "第二段落文字。" in [p.text_content() for p in doc.iter("p")]
    assert not doc.xpath("//link|//script|//img|//*[@src]"), "no external assets"
    assert "<style>" in text


# ---------------------------------------------------------------- DOCX
def _docx(report: Report, sections: dict[str, str] | None = None) -> Document:
    buf = io.BytesIO()
    render_docx(report, buf, sections)
    buf.seek(0)
    return docx.Document(buf)


@pytest.mark.parametrize("template", TEMPLATES)
def test_docx_tables_have_official_shape_and_values(template: str) -> None:
    report = make_report(template)
    doc = _docx(report)
    assert len(doc.tables) == 3
    for table, check in zip(doc.tables, CHECKS.values(), strict=True):
        check(docx_grid(table), report, lambda p: expected_text(report, p))
    # the merges are real Word merges (gridSpan / vMerge), not repeated text
    req = doc.tables[1]._tbl.tr_lst
    note = req[0].tc_lst[0]
    assert (note.grid_span, note.vMerge) == (3, "restart")
    assert all((tr.tc_lst[0].grid_span, tr.tc_lst[0].vMerge) == (3, "continue") for tr in req[1:3])
    assert req[0].tc_lst[1].grid_span == 7  # 申请人情况
    n_outcomes = len(formats.OUTCOME_ROWS[template]) + 1  # + (七)总计
    outer = [tr.tc_lst[0] for tr in req[5 : 5 + n_outcomes]]  # 三、本年度办理结果, from 予以公开 to 总计
    assert outer[0].vMerge == "restart" and all(tc.vMerge == "continue" for tc in outer[1:])
    assert req[5 + n_outcomes].tc_lst[0].vMerge is None, "四、结转下年度继续办理 starts fresh"
    appeals = doc.tables[2]._tbl.tr_lst
    assert [tc.grid_span for tc in appeals[0].tc_lst] == [5, 10]
    assert [tc.vMerge for tc in appeals[1].tc_lst[:5]] == ["restart"] * 5
    assert all(tc.vMerge == "continue" for tc in appeals[2].tc_lst[:5])


def test_docx_page_fonts_and_borders() -> None:
    report = make_report("2021")
    doc = _docx(report, PROSE)
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    w = W
    east_asia = {el.get(f"{w}eastAsia") for el in doc.element.body.iter(f"{w}rFonts")}
    assert {"黑体", "方正小标宋简体", "宋体", "仿宋_GB2312"} <= east_asia
    for table in doc.tables:
        borders = table._tbl.tblPr.find(f"{w}tblBorders")
        assert borders is not None and {b.get(f"{w}val") for b in borders} == {"single"}
    texts = [p.text for p in doc.paragraphs]
    for h in HEADINGS:
        assert h in texts
    assert "第二段落文字。" in texts and "全年未发生行政复议。" in texts
    # a null cell says 空缺, shaded
    nulls = [c for t in doc.tables for row in t.rows for c in row.cells if c.text == "空缺"]
    assert nulls and all(c._tc.tcPr.find(f"{w}shd") is not None for c in nulls)


# ---------------------------------------------------------------- XLSX
def _xlsx_value(report: Report, path: str) -> str:
    """What the sheet holds, as text: the raw number (no unit: that is the cell format), or 空缺."""
    value = report.cell(path)
    return "空缺" if value is None else str(value)


@pytest.mark.parametrize("template", TEMPLATES)
def test_xlsx_sheets_have_official_shape_and_values(template: str) -> None:
    report = make_report(template)
    buf = io.BytesIO()
    render_xlsx(report, buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames[0] == "正文"
    for ws, check in zip(wb.worksheets[1:], CHECKS.values(), strict=True):
        check(xlsx_grid(ws), report, lambda p: _xlsx_value(report, p))
    ws = wb.worksheets[2]
    assert "A3:C5" in {str(r) for r in ws.merged_cells.ranges}, "勾稽关系 note merged 3×3"
    assert ws["A3"].value == NOTE
    numbers = [c.value for row in ws.iter_rows(min_row=6, min_col=4) for c in row if c.value != "空缺"]
    assert numbers and all(isinstance(v, int) for v in numbers), "numbers are stored as numbers"
    money = "amount_yuan" if template == "2019" else "amount_wan_yuan"
    sheet = wb.worksheets[1]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == MONEY[money][0]]
    assert len(cells) == 1 and isinstance(cells[0].value, float)


# ---------------------------------------------------------------- Markdown
@pytest.mark.parametrize("template", TEMPLATES)
def test_markdown_one_row_per_canonical_row(template: str) -> None:
    report = make_report(template)
    md = render_markdown(report, PROSE)
    lines = md.splitlines()
    table_rows = [ln for ln in lines if ln.startswith("| ")]
    header_lines = [ln for i, ln in enumerate(lines) if ln.startswith("|") and lines[i + 1].startswith(("|:--", "|--"))]
    data_rows = [ln for ln in table_rows if ln not in header_lines]
    rows = [(r.key, r.label, r.fields) for r in formats.active_rows(template)]
    n_canonical = len(rows) + len(formats.request_rows(template)) + 1  # section 四: its 15 numbers in one row
    assert len(data_rows) == n_canonical

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split(" | ")]

    for key, label, fields in rows:
        hit = [cells(ln) for ln in data_rows if cells(ln)[0] == display(label)]
        assert hit == [[display(label), *(expected_text(report, f"active.{key}.{f}") for f in fields)]]
    for row in formats.request_rows(template):
        hit = [cells(ln) for ln in data_rows if cells(ln)[0].endswith(display(row.label))]
        assert len(hit) == 1, row.key
        assert hit[0][1:] == [expected_text(report, f"requests.{row.key}.{c.key}") for c in formats.REQUEST_COLUMNS]
    appeals = [
        expected_text(report, f"appeals.{g.key}.{f.key}") for g in formats.APPEAL_GROUPS for f in formats.APPEAL_FIELDS
    ]
    assert [cells(ln) for ln in data_rows if len(cells(ln)) == len(appeals)] == [appeals], (
        "section 四 in document order"
    )
    assert "| 行政诉讼 复议后起诉 总计 |" in md
    assert md.count("空缺") == len(null_paths(report))
    assert [ln[3:] for ln in lines if ln.startswith("## ")] == HEADINGS
    assert "第二段落文字。" in lines and NOTE in md


# ---------------------------------------------------------------- sections and dispatch
def test_sections_without_prose_give_headings_only() -> None:
    md = render_markdown(make_report("2019"))
    body = md.split("## 五、存在的主要问题及改进情况")[1]
    assert body.strip() == "## 六、其他需要报告的事项"
    with pytest.raises(ValueError):
        render_markdown(make_report("2019"), {"七": "?"})


@pytest.mark.parametrize("template", [None, "legacy"])
def test_unknown_template_renders_in_2019_layout(template: str | None) -> None:
    report = Report.from_dict({"template": template, "tables": {}})
    grids = html_grids(render_html(report))
    check_requests(grids["requests"], Report("2019", tables=formats.empty_tables("2019")), lambda p: "空缺")


def test_render_dispatch(tmp_path: Path) -> None:
    report = make_report("2021")
    for fmt, kind in (("html", str), ("md", str), ("markdown", str), ("docx", bytes), ("xlsx", bytes)):
        out = tmp_path / f"r.{fmt}"
        data = render(report, fmt, out)
        assert isinstance(data, kind) and out.exists()
        if kind is bytes:
            assert data[:2] == b"PK" and out.read_bytes() == data
    with pytest.raises(UnknownRenderFormat) as err:
        render(report, "pdf")
    assert isinstance(err.value, NianbaoError) and "html" in str(err.value.expected)


# ---------------------------------------------------------------- the printed page
NEEDS = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if shutil.which(tool) is None]


@pytest.mark.skipif(bool(NEEDS), reason=f"needs LibreOffice and poppler-utils; missing: {', '.join(NEEDS)}")
@pytest.mark.parametrize("template", TEMPLATES)
def test_docx_prints_through_libreoffice(template: str, tmp_path: Path) -> None:
    report = make_report(template)
    src = tmp_path / f"report_{template}.docx"
    render_docx(report, src, PROSE)
    home = tmp_path / "lo-profile"  # a private profile: parallel or earlier soffice runs cannot lock it
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{home}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / f"report_{template}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for needle in ("主动公开政府信息情况", "勾稽关系", "申请人情况", "法人或其他组织", "未经复议直接起诉", "空缺"):
        assert needle in flat, needle
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5_000 for p in pages)
