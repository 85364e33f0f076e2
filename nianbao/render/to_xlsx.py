"""XLSX: a 正文 sheet (title, headings, prose) and one sheet per official table with merged header cells.

Numbers are written as numbers so the workbook can be summed; a null cell holds the text 空缺 on a grey
fill, so it can never be mistaken for 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from .. import formats
from ..errors import MissingDependency
from ..model import Report
from .layout import (
    NULL_TEXT,
    TABLE_SECTION,
    Grid,
    document,
    grids,
    heading,
    is_null,
    layout_template,
    place,
    title,
    unit_suffix,
)
from .to_html import PUBLISHED_LABEL

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

try:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink
except ImportError:  # pragma: no cover - depends on the environment
    Workbook = None

# Sheet name per table (≤ 31 characters, no []:*?/\).
SHEET_NAMES = {"active": "二、主动公开", "requests": "三、依申请公开", "appeals": "四、复议诉讼"}
TEXT_SHEET = "正文"
FIRST_ROW = 3  # row 1: report title, row 2: section heading, then the table
FONT_NAME = "宋体"
NULL_FILL = "EDEDED"


def print_setup(ws: Worksheet, grid: Grid) -> None:
    """A table sheet prints on A4, one page wide, with its header rows frozen."""
    ws.freeze_panes = ws.cell(row=FIRST_ROW + grid.header_rows, column=1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if grid.ncols > 4 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _value(report: Report, path: str) -> float | int | str:
    """The cell as Excel should hold it: the number itself, or 空缺 when null."""
    value = report.cell(path)
    return NULL_TEXT if value is None else value


def write_grid(ws: Worksheet, report: Report, grid: Grid, top: int = FIRST_ROW) -> None:
    """Write one official table with its top-left corner at row ``top``, column A."""
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in range(len(grid.rows)):  # borders on every covered cell, so merged areas are framed too
        for c in range(grid.ncols):
            ws.cell(row=top + r, column=1 + c).border = border
    for p in place(grid):
        row, col = top + p.row, 1 + p.col
        cell = ws.cell(row=row, column=col)
        if p.cell.path:
            cell.value = _value(report, p.cell.path)
            field = p.cell.path.rsplit(".", 1)[1]
            if field in formats.MONEY_FIELDS and not isinstance(cell.value, str):
                unit = unit_suffix(field, layout_template(report.template))
                cell.number_format = f'General"{unit}"' if unit else "General"
        else:
            cell.value = p.cell.text or None
        bold = p.cell.kind in ("header", "title")
        null = is_null(report, p.cell)
        cell.font = Font(
            name=FONT_NAME, size=9 if p.cell.kind == "note" else 10.5, bold=bold, color="A00000" if null else "000000"
        )
        if null:
            cell.fill = PatternFill("solid", fgColor=NULL_FILL)
        horizontal = "left" if p.cell.kind in ("label", "title") else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            ws.merge_cells(
                start_row=row, start_column=col, end_row=row + p.cell.rowspan - 1, end_column=col + p.cell.colspan - 1
            )
    unit = 12 if grid.ncols > 10 else 60 / sum(grid.widths) * 2.2
    for c, w in enumerate(grid.widths):
        ws.column_dimensions[get_column_letter(1 + c)].width = max(8.0, w * unit)


def build_workbook(report: Report, sections: dict[str, str] | None = None) -> Workbook:
    """The report as an openpyxl Workbook (not saved)."""
    if Workbook is None:
        raise MissingDependency("openpyxl is needed to write XLSX", expected="pip install openpyxl")
    wb = Workbook()
    text = wb.active
    text.title = TEXT_SHEET
    text.column_dimensions["A"].width = 100
    text.append([title(report)])
    text["A1"].font = Font(name=FONT_NAME, size=16, bold=True)
    if report.meta.published:
        text.append([f"{PUBLISHED_LABEL}{report.meta.published}"])
    for block in document(report, sections):
        if block.kind == "heading":
            text.append([block.text])
            text.cell(row=text.max_row, column=1).font = Font(name="黑体", size=12, bold=True)
        elif block.kind == "paragraph":
            text.append([block.text])
            text.cell(row=text.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        else:  # a link to the table's sheet: clickable, and the XLSX reader inlines the sheet here
            sheet = SHEET_NAMES[block.grid.table]
            text.append([f"（见工作表“{sheet}”）"])
            link = text.cell(row=text.max_row, column=1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
            link.font = Font(name=FONT_NAME, color="0563C1", underline="single")
    for name, grid in grids(report.template).items():
        ws = wb.create_sheet(SHEET_NAMES[name])
        ws["A1"] = title(report)
        ws["A1"].font = Font(name=FONT_NAME, size=14, bold=True)
        ws["A2"] = heading(TABLE_SECTION[name])
        ws["A2"].font = Font(name="黑体", size=12)
        write_grid(ws, report, grid)
        print_setup(ws, grid)
    return wb


def render_xlsx(report: Report, path: str | Path | IO[bytes], sections: dict[str, str] | None = None) -> None:
    """Write the report as XLSX to ``path`` (a file name or a binary file object)."""
    build_workbook(report, sections).save(path)
