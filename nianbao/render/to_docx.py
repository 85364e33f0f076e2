"""DOCX in the layout of a government document: A4, 公文 margins, Chinese fonts set on w:eastAsia, merged cells.

Word and LibreOffice pick the font for Chinese characters from ``w:rFonts/@w:eastAsia`` only; setting
``run.font.name`` alone leaves Chinese text in the Latin font's fallback, hence the explicit XML.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import MissingDependency
from ..model import Report
from .layout import Grid, cell_text, document, is_null, place, title
from .to_html import PUBLISHED_LABEL

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run
    from lxml.etree import _Element

try:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor
except ImportError:  # pragma: no cover - depends on the environment
    Document = None

# Fonts of a 公文 (GB/T 9704): body 仿宋_GB2312 三号, first-level headings 黑体, title 方正小标宋简体 二号.
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT, NOTE_PT, DENSE_PT = 16, 22, 10.5, 9, 9
# Page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_W, PAGE_H = 210, 297
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_W - MARGINS["left"] - MARGINS["right"]
NULL_FILL = "EDEDED"
NULL_COLOR = (0xA0, 0x00, 0x00)


def _fonts(rpr_owner: Run | BaseStyle, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set Latin and East Asian font names on a run or a style (the eastAsia one is what Chinese text uses)."""
    rpr = rpr_owner._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _run(
    paragraph: Paragraph,
    text: str,
    font: str,
    size: float,
    bold: bool = False,
    color: tuple[int, int, int] | None = None,
) -> Run:
    run = paragraph.add_run(text)
    _fonts(run, font)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor(*color)
    return run


def _setup(doc: DocxDocument) -> None:
    """A4 portrait, 公文 margins, Normal style in 仿宋_GB2312 with Chinese as the East Asian language."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(PAGE_W), Mm(PAGE_H)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_PT)
    rpr = normal._element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = Pt(28)  # the fixed 28-point line of a 公文


def _borders(table: Table) -> None:
    """Single black borders on every edge, inside lines included (not left to a table style)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    _insert_before(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"))


def _insert_before(parent: _Element, child: _Element, later: tuple[str, ...]) -> None:
    """Insert ``child`` before the first of ``later`` present, keeping the schema's element order Word insists on."""
    for tag in later:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    later = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    _insert_before(cell._tc.get_or_add_tcPr(), shd, later)


def _mark_header(row: _Row) -> None:
    """Repeat this row at the top of every page the table runs onto, and never split it."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def add_grid(doc: DocxDocument, report: Report, grid: Grid) -> Table:
    """Write one official table with its merged cells; returns the python-docx table."""
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/>
    _borders(table)
    total = sum(grid.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in grid.widths]
    for i, col in enumerate(table.columns):
        col.width = widths[i]
        for cell in col.cells:
            cell.width = widths[i]
    for r in range(grid.header_rows):
        _mark_header(table.rows[r])
    size = DENSE_PT if grid.ncols > 10 else TABLE_PT
    for p in place(grid):
        cell = table.cell(p.row, p.col)
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            cell = cell.merge(table.cell(p.row + p.cell.rowspan - 1, p.col + p.cell.colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        para = cell.paragraphs[0]
        para.paragraph_format.line_spacing = 1.0
        para.paragraph_format.first_line_indent = Pt(0)
        left = p.cell.kind in ("label", "title")
        para.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        null = is_null(report, p.cell)
        text = cell_text(report, p.cell)
        if text:
            _run(
                para,
                text,
                TABLE_FONT,
                NOTE_PT if p.cell.kind == "note" else size,
                bold=p.cell.kind in ("header", "title"),
                color=NULL_COLOR if null else None,
            )
        if null:
            _shade(cell, NULL_FILL)
    return table


def build_document(report: Report, sections: dict[str, str] | None = None) -> DocxDocument:
    """The report as a python-docx Document (not saved)."""
    if Document is None:
        raise MissingDependency("python-docx is needed to write DOCX", expected="pip install python-docx")
    doc = Document()
    _setup(doc)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.space_after = Pt(16)
    head.paragraph_format.line_spacing = 1.2
    _run(head, title(report), TITLE_FONT, TITLE_PT)
    if report.meta.published:
        pub = doc.add_paragraph()
        pub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(pub, f"{PUBLISHED_LABEL}{report.meta.published}", BODY_FONT, BODY_PT)
    for block in document(report, sections):
        if block.kind == "heading":
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            para.paragraph_format.keep_with_next = True
            _run(para, block.text, HEADING_FONT, BODY_PT)
            level = OxmlElement("w:outlineLvl")  # shows in the navigation pane; appended last, as the schema orders
            level.set(qn("w:val"), "0")
            para._p.get_or_add_pPr().append(level)
        elif block.kind == "paragraph":
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _run(para, block.text, BODY_FONT, BODY_PT)
        elif block.grid is not None:
            add_grid(doc, report, block.grid)
            doc.add_paragraph()  # Word needs a paragraph between tables; it also gives air
    return doc


def render_docx(report: Report, path: str | Path | IO[bytes], sections: dict[str, str] | None = None) -> None:
    """Write the report as DOCX to ``path`` (a file name or a binary file object)."""
    build_document(report, sections).save(path)
