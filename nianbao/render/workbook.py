"""The fill-in workbook (填报表): the official tables as an XLSX a unit fills in, checked while it types.

Same shapes as :mod:`nianbao.render.to_xlsx` (drawn from :mod:`nianbao.render.layout`), but: labels are
locked (sheet protection, no password — it guards against slips, not people), input cells are unlocked
and validated (whole numbers ≥ 0; 本年增/减 may be negative; money decimals ≥ 0), totals are formulas
(each row's 总计, （七）总计 as the sum of the outcome rows, each appeals group's 总计), and under the
requests table a check cell per column shows the 勾稽关系 and turns red when it fails.  The cover sheet
holds the meta fields; its title is a formula over them, so a parsed workbook has title, organ and year.
Nothing here writes a number: a blank input stays blank and is read back as null.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from .. import formats
from ..errors import MissingDependency
from ..model import Report
from .layout import DEFAULT_TITLE, TABLE_SECTION, Grid, grids, heading, layout_template, place, unit_suffix
from .to_xlsx import FIRST_ROW, FONT_NAME, SHEET_NAMES, print_setup

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

COVER_SHEET = "填报说明"
ORGAN_LABEL = "填报单位"
YEAR_LABEL = "报告年度"
ORGAN_CELL = "B3"
YEAR_CELL = "B4"
CHECK_LABEL = "勾稽关系校验（第一项加第二项之和等于第三项加第四项之和）"
CHECK_OK = "相符"
CHECK_FAIL = "不符"
INSTRUCTIONS = (
    "填报说明：白色单元格由填报单位填写；灰色单元格为公式自动计算，不必填写；表格标签已锁定。",
    "数量填写不小于0的整数（“本年增/减”可填负数），金额可填小数；没有发生的事项填0，不要留空。",
    "“勾稽关系校验”一行显示“不符”并变红时，请核对本列第一项加第二项之和是否等于第三项加第四项之和。",
)
INPUT_FILL = "FFFFFF"
FORMULA_FILL = "E7E6E6"
FAIL_FILL = "FF0000"
YEAR_RANGE = (2008, 2100)


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency(
            "生成填报表需要安装 openpyxl：pip install 'nianbao[render]' (the fill-in workbook needs openpyxl)",
            expected="openpyxl",
        ) from None
    return openpyxl


def build_template(
    template: str, organ: str | None = None, year: int | None = None, report: Report | None = None
) -> Workbook:
    """The fill-in workbook of ``template`` ("2019" or "2021"), optionally with organ and year filled in.

    ``report`` pre-fills the input cells with its values (last year's report as a start, or a test's data);
    the computed cells stay formulas.
    """
    if template not in formats.TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(formats.TEMPLATES)}")
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    _cover(cover, template, organ, year)
    for name, grid in grids(template).items():
        ws = wb.create_sheet(SHEET_NAMES[name])
        ws["A1"] = f"='{COVER_SHEET}'!A1"
        ws["A1"].font = _font(size=14, bold=True)
        ws["A2"] = heading(TABLE_SECTION[name])
        ws["A2"].font = _font(name="黑体", size=12)
        cells = _write_grid(ws, grid, template, report)
        if name == "requests":
            _balance_checks(ws, grid, cells)
        print_setup(ws, grid)
        ws.protection.sheet = True
    return wb


def write_template(
    template: str,
    path: str | Path | IO[bytes],
    organ: str | None = None,
    year: int | None = None,
    report: Report | None = None,
) -> None:
    """Write the fill-in workbook to ``path`` (a file name or a binary file object)."""
    build_template(template, organ, year, report).save(path)


# ---------------------------------------------------------------- pieces
def _font(name: str = FONT_NAME, size: float = 10.5, bold: bool = False, color: str = "000000"):
    from openpyxl.styles import Font

    return Font(name=name, size=size, bold=bold, color=color)


def _validation(ws: Worksheet, kind: str, operator: str, lo: str, hi: str | None, message: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=kind,
        operator=operator,
        formula1=lo,
        formula2=hi,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error=message,
        showInputMessage=True,
        promptTitle="填写",
        prompt=message,
    )
    ws.add_data_validation(dv)
    return dv


def _cover(ws: Worksheet, template: str, organ: str | None, year: int | None) -> None:
    """Title (a formula over organ and year), the meta inputs, instructions, the six headings with links."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    ws["A1"] = f'={ORGAN_CELL}&{YEAR_CELL}&"年{DEFAULT_TITLE}"'
    ws["A1"].font = _font(size=16, bold=True)
    ws.merge_cells("A1:B1")
    for ref, label, value in ((ORGAN_CELL, ORGAN_LABEL, organ), (YEAR_CELL, YEAR_LABEL, year)):
        label_cell = ws.cell(row=ws[ref].row, column=1, value=label)
        label_cell.font = _font(bold=True)
        cell = ws[ref]
        cell.value = value
        cell.protection = Protection(locked=False)
        cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
        cell.font = _font(size=12)
        cell.alignment = Alignment(horizontal="left")
    _validation(ws, "whole", "between", str(YEAR_RANGE[0]), str(YEAR_RANGE[1]), "报告年度填四位数年份，如 2024").add(
        YEAR_CELL
    )
    _validation(ws, "textLength", "between", "1", "60", "填写单位全称，如 某某县人民政府办公室").add(ORGAN_CELL)
    row = 6
    for line in INSTRUCTIONS:
        ws.cell(row=row, column=1, value=line).font = _font(size=10, color="404040")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        row += 1
    row += 1
    tables = {sec: name for name, sec in TABLE_SECTION.items()}
    for sec in formats.SECTIONS:
        ws.cell(row=row, column=1, value=heading(sec.number)).font = _font(name="黑体", size=12, bold=True)
        row += 1
        if sec.number in tables:
            sheet = SHEET_NAMES[tables[sec.number]]
            link = ws.cell(row=row, column=1, value=f"（见工作表“{sheet}”）")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
            link.font = Font(name=FONT_NAME, color="0563C1", underline="single")
            row += 1
    ws.protection.sheet = True


def _write_grid(ws: Worksheet, grid: Grid, template: str, report: Report | None) -> dict[str, str]:
    """Write one table; return each value cell's coordinate by its flat path."""
    from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in range(len(grid.rows)):
        for c in range(grid.ncols):
            ws.cell(row=FIRST_ROW + r, column=1 + c).border = border
    coords: dict[str, str] = {}
    placed = place(grid)
    for p in placed:
        if p.cell.path:
            coords[p.cell.path] = ws.cell(row=FIRST_ROW + p.row, column=1 + p.col).coordinate
    formulas = _formulas(template, coords)
    counts = _validation(ws, "whole", "greaterThanOrEqual", "0", None, "请填写不小于0的整数")
    signed = _validation(ws, "whole", "between", "-999999999", "999999999", "请填写整数，减少填负数")
    money = _validation(ws, "decimal", "greaterThanOrEqual", "0", None, "请填写不小于0的金额")
    for p in placed:
        cell = ws.cell(row=FIRST_ROW + p.row, column=1 + p.col)
        bold = p.cell.kind in ("header", "title")
        cell.font = _font(size=9 if p.cell.kind == "note" else 10.5, bold=bold)
        horizontal = "left" if p.cell.kind in ("label", "title") else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        if p.cell.path is None:
            cell.value = p.cell.text or None
        elif p.cell.path in formulas:
            cell.value = formulas[p.cell.path]
            cell.fill = PatternFill("solid", fgColor=FORMULA_FILL)
        else:
            field = p.cell.path.rsplit(".", 1)[1]
            cell.value = report.cell(p.cell.path) if report is not None else None
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
            if field in formats.MONEY_FIELDS:
                unit = unit_suffix(field, layout_template(template))
                cell.number_format = f'General"{unit}"' if unit else "General"
                money.add(cell.coordinate)
            elif field in formats.SIGNED_FIELDS:
                signed.add(cell.coordinate)
            else:
                counts.add(cell.coordinate)
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            ws.merge_cells(
                start_row=cell.row,
                start_column=cell.column,
                end_row=cell.row + p.cell.rowspan - 1,
                end_column=cell.column + p.cell.colspan - 1,
            )
    unit = 12 if grid.ncols > 10 else 60 / sum(grid.widths) * 2.2
    for c, w in enumerate(grid.widths):
        ws.column_dimensions[get_column_letter(1 + c)].width = max(8.0, w * unit)
    return coords


def _formulas(template: str, at: dict[str, str]) -> dict[str, str]:
    """The computed cells: each requests row's 总计, （七）总计 per column, each appeals group's 总计."""
    out: dict[str, str] = {}
    rows = [r.key for r in formats.request_rows(template)]
    outcomes = formats.OUTCOME_ROWS[template]
    for row in rows:
        path = f"requests.{row}.total"
        if path in at:
            cells = [at[f"requests.{row}.{c}"] for c in formats.REQUEST_APPLICANT_COLUMNS]
            out[path] = f"=SUM({cells[0]}:{cells[-1]})"
    for col in formats.REQUEST_APPLICANT_COLUMNS:
        if f"requests.processed_total.{col}" not in at:
            break  # another table's grid
        first, last = at[f"requests.{outcomes[0]}.{col}"], at[f"requests.{outcomes[-1]}.{col}"]
        out[f"requests.processed_total.{col}"] = f"=SUM({first}:{last})"
    for g in formats.APPEAL_GROUPS:
        path = f"appeals.{g.key}.total"
        if path in at:
            parts = [at[f"appeals.{g.key}.{f.key}"] for f in formats.APPEAL_FIELDS if f.key != "total"]
            out[path] = f"=SUM({parts[0]}:{parts[-1]})"
    return {p: f for p, f in out.items() if p in at}


def _balance_checks(ws: Worksheet, grid: Grid, at: dict[str, str]) -> None:
    """Under the requests table: per column 相符/不符 for 新收 + 结转 = 总计 + 结转下年, red when 不符."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    row = FIRST_ROW + len(grid.rows) + 1  # one empty row: the check is not a row of the official table
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    label = ws.cell(row=row, column=1, value=CHECK_LABEL)
    label.font = _font(size=9, bold=True)
    label.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    ws.row_dimensions[row].height = 36
    red = PatternFill("solid", fgColor=FAIL_FILL, bgColor=FAIL_FILL)
    for i, col in enumerate(c.key for c in formats.REQUEST_COLUMNS):
        new, old, done, rest = (
            at[f"requests.{r}.{col}"] for r in ("new_received", "carried_over", "processed_total", "carried_forward")
        )
        cell = ws.cell(row=row, column=4 + i)
        fails = f"N({new})+N({old})<>N({done})+N({rest})"
        cell.value = f'=IF({fails},"{CHECK_FAIL}","{CHECK_OK}")'
        cell.border = border
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor=FORMULA_FILL)
        ws.conditional_formatting.add(
            cell.coordinate, FormulaRule(formula=[fails], fill=red, font=_font(bold=True, color="FFFFFF"))
        )
