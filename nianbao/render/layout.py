"""The official table shapes as data, built once from :mod:`nianbao.formats` and shared by every renderer.

A :class:`Grid` is an HTML-like description of one table: rows of :class:`Cell` objects, each listing
only the cells that *start* in that row, with ``rowspan``/``colspan``.  Value cells carry the flat path
of the canonical number they show (``requests.granted.total``).  HTML writes the grid as it is; DOCX,
XLSX and Markdown call :func:`place` to get absolute positions.  So a shape is defined here and
nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .. import formats
from ..model import Report

NULL_TEXT = "空缺"  # shown for a null cell: visibly missing, never 0
INFO_HEADER = "信息内容"
APPLICANT_HEADER = "申请人情况"
LEGAL_PERSON_HEADER = "法人或其他组织"
LITIGATION_HEADER = "行政诉讼"
DEFAULT_TITLE = "政府信息公开工作年度报告"

# How a section 二 sub-table fills its 4 columns when a row has fewer fields: the 2019 template leaves
# the spare cells empty, the 2021 template stretches the last field across them.
_ACTIVE_FILL = {"2019": "pad", "2021": "span"}
_ACTIVE_COLS = 4
# Which section holds which table.
TABLE_SECTION = {"active": "二", "requests": "三", "appeals": "四"}

# Cell kinds: title (sub-table heading), header, label, group (label spanning several rows),
# note (the 勾稽关系 cell), value, pad (a spare empty cell of the template).
KINDS = ("title", "header", "label", "group", "note", "value", "pad")

_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})


def display(label: str) -> str:
    """The label as the official template prints it: full-width brackets and punctuation."""
    return label.translate(_FULL_WIDTH)


@dataclass(frozen=True)
class Cell:
    """One table cell; ``path`` is set for value cells only."""

    text: str = ""
    kind: str = "label"
    rowspan: int = 1
    colspan: int = 1
    path: str | None = None


@dataclass(frozen=True)
class Grid:
    """One official table: ``rows`` hold the cells starting in each row, HTML style."""

    table: str
    ncols: int
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    header_rows: int  # rows at the top repeated on every page


@dataclass(frozen=True)
class Placed:
    """A cell at its absolute position (top-left corner) in the expanded grid."""

    row: int
    col: int
    cell: Cell


def layout_template(template: str | None) -> str:
    """The template whose layout a report is drawn in: its own, or 2019's when unknown or legacy."""
    return template if template in formats.TEMPLATES else "2019"


def field_label(template: str, field: str) -> str:
    """The official column label of a section 二 field under ``template``."""
    return display(formats.field_label(template, field))


# ---------------------------------------------------------------- section 二
def _active_grid(template: str) -> Grid:
    rows_by_key = {r.key: r for r in formats.active_rows(template)}
    out: list[tuple[Cell, ...]] = []
    fill = _ACTIVE_FILL[template]
    for heading, keys in formats.ACTIVE_GROUPS[template]:
        members = [rows_by_key[k] for k in keys if k in rows_by_key]
        if not members:
            continue
        fields = members[0].fields
        out.append((Cell(display(heading), "title", colspan=_ACTIVE_COLS),))
        out.append(
            (
                Cell(INFO_HEADER, "header"),
                *_active_cells(fields, fill, lambda f: Cell(field_label(template, f), "header")),
            )
        )
        for row in members:
            out.append(
                (
                    Cell(display(row.label), "label"),
                    *_active_cells(row.fields, fill, lambda f, r=row: _value("active", r.key, f)),
                )
            )
    return Grid("active", _ACTIVE_COLS, tuple(out), (2.2, 1.4, 1.4, 1.4), 0)


def _active_cells(fields: tuple[str, ...], fill: str, make: Callable[[str], Cell]) -> list[Cell]:
    """The data cells of one section 二 row, filled out to the table's width the template's way."""
    cells = [make(f) for f in fields]
    spare = _ACTIVE_COLS - 1 - len(cells)
    if spare > 0 and fill == "span":
        last = cells[-1]
        cells[-1] = Cell(last.text, last.kind, colspan=1 + spare, path=last.path)
    elif spare > 0:
        cells.extend(Cell("", "pad") for _ in range(spare))
    return cells


def _value(table: str, row: str, col: str, **span: int) -> Cell:
    return Cell("", "value", path=f"{table}.{row}.{col}", **span)


# ---------------------------------------------------------------- section 三


def _requests_grid(template: str) -> Grid:
    cols = formats.REQUEST_COLUMNS
    n_data = len(cols)
    n_org = len(formats.REQUEST_APPLICANT_COLUMNS) - 1
    labels = formats.REQUEST_GROUP_LABELS
    header = (
        (
            Cell(display(formats.BALANCE_NOTE), "note", rowspan=3, colspan=3),
            Cell(APPLICANT_HEADER, "header", colspan=n_data),
        ),
        (
            Cell(display(cols[0].label), "header", rowspan=2),
            Cell(LEGAL_PERSON_HEADER, "header", colspan=n_org),
            Cell(display(cols[-1].label), "header", rowspan=2),
        ),
        tuple(Cell(display(c.label), "header") for c in cols[1:-1]),
    )
    rows = formats.request_rows(template)
    outcomes = [r for r in rows if r.key in formats.OUTCOME_ROWS[template] or r.key == "processed_total"]
    group_sizes: dict[str, int] = {}
    for r in rows:
        g = formats.request_group(r.key)
        if g:
            group_sizes[g] = group_sizes.get(g, 0) + 1
    body: list[tuple[Cell, ...]] = []
    seen_groups: set[str] = set()
    for r in rows:
        values = tuple(_value("requests", r.key, c.key) for c in cols)
        lead: list[Cell] = []
        if r is outcomes[0]:
            lead.append(Cell(display(labels["outcomes"]), "group", rowspan=len(outcomes)))
        if r not in outcomes:
            lead.append(Cell(display(r.label), "label", colspan=3))
        elif (g := formats.request_group(r.key)) is None:
            lead.append(Cell(display(r.label), "label", colspan=2))
        else:
            if g not in seen_groups:
                seen_groups.add(g)
                lead.append(Cell(display(labels[g]), "group", rowspan=group_sizes[g]))
            lead.append(Cell(display(r.label), "label"))
        body.append((*lead, *values))
    widths = (0.9, 1.2, 3.3) + (1.1,) * n_data
    return Grid("requests", 3 + n_data, header + tuple(body), widths, 3)


# ---------------------------------------------------------------- section 四
def _appeals_grid() -> Grid:
    groups = formats.APPEAL_GROUPS
    fields = formats.APPEAL_FIELDS
    nf = len(fields)
    top = (
        Cell(display(groups[0].label), "header", colspan=nf),
        Cell(LITIGATION_HEADER, "header", colspan=nf * (len(groups) - 1)),
    )
    middle = (
        *(Cell(display(f.label), "header", rowspan=2) for f in fields),
        *(Cell(display(g.label), "header", colspan=nf) for g in groups[1:]),
    )
    bottom = tuple(Cell(display(f.label), "header") for _ in groups[1:] for f in fields)
    values = tuple(_value("appeals", g.key, f.key) for g in groups for f in fields)
    return Grid("appeals", nf * len(groups), (top, middle, bottom, values), (1.0,) * (nf * len(groups)), 3)


# ---------------------------------------------------------------- public API
def grids(template: str | None) -> dict[str, Grid]:
    """The three official tables of a template (2019 when unknown), keyed by table name."""
    t = layout_template(template)
    return {"active": _active_grid(t), "requests": _requests_grid(t), "appeals": _appeals_grid()}


def place(grid: Grid) -> list[Placed]:
    """Every cell of ``grid`` at its absolute (row, col), resolving rowspan/colspan like a browser."""
    taken: set[tuple[int, int]] = set()
    out: list[Placed] = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append(Placed(r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def expand(grid: Grid) -> list[list[Placed | None]]:
    """The full rectangle: each position holds the cell covering it (None for a hole, which is a bug)."""
    table: list[list[Placed | None]] = [[None] * grid.ncols for _ in grid.rows]
    for p in place(grid):
        for dr in range(p.cell.rowspan):
            for dc in range(p.cell.colspan):
                table[p.row + dr][p.col + dc] = p
    return table


def format_value(value: float | None, field: str, template: str) -> str:
    """A number as the report prints it; money carries 元 when the column header does not say its unit."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, bool):  # a bool is an int to Python but never a count
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return text + unit_suffix(field, template)


def unit_suffix(field: str, template: str) -> str:
    """The money unit a value must carry because its column header does not state it (2019 采购总金额 → 元)."""
    unit = formats.MONEY_FIELDS.get(field, "")
    return "" if not unit or unit in field_label(template, field) else unit


def cell_text(report: Report, cell: Cell) -> str:
    """The text a cell shows for ``report``: its label, or its value formatted."""
    if cell.path is None:
        return cell.text
    field = cell.path.rsplit(".", 1)[1]
    return format_value(report.cell(cell.path), field, layout_template(report.template))


def is_null(report: Report, cell: Cell) -> bool:
    return cell.path is not None and report.cell(cell.path) is None


def title(report: Report) -> str:
    """The report title: its own, else built from organ and year the way the title usually reads."""
    if report.meta.title:
        return report.meta.title
    organ = report.meta.organ or ""
    year = f"{report.meta.year}年" if report.meta.year else ""
    return f"{organ}{year}{DEFAULT_TITLE}"


def heading(number: str) -> str:
    """A section heading in the official wording, e.g. ``二、主动公开政府信息情况``."""
    sec = next(s for s in formats.SECTIONS if s.number == number)
    return f"{sec.number}、{sec.title}"


def paragraphs(sections: dict[str, str] | None, number: str) -> list[str]:
    """The prose of one section split into paragraphs (one per non-blank line)."""
    text = (sections or {}).get(number) or ""
    return [p.strip() for p in text.splitlines() if p.strip()]


@dataclass(frozen=True)
class Block:
    """One piece of the document in reading order: a heading, a paragraph or a table."""

    kind: str  # heading | paragraph | table
    text: str = ""
    grid: Grid | None = None


def document(report: Report, sections: dict[str, str] | None = None) -> Iterator[Block]:
    """The whole report in order: the six sections, each heading, its prose, then its table."""
    tables = grids(report.template)
    by_section = {sec: tables[name] for name, sec in TABLE_SECTION.items()}
    unknown = set(sections or {}) - {s.number for s in formats.SECTIONS}
    if unknown:
        raise ValueError(f"unknown section keys {sorted(unknown)}; expected 一..六")
    for sec in formats.SECTIONS:
        yield Block("heading", heading(sec.number))
        for p in paragraphs(sections, sec.number):
            yield Block("paragraph", p)
        if sec.number in by_section:
            yield Block("table", grid=by_section[sec.number])


def header_chain(grid: Grid, col: int, upto_row: int) -> list[str]:
    """Header texts stacked above ``upto_row`` in column ``col`` (nearest header block), top first."""
    ex = expand(grid)
    chain: list[str] = []
    r = upto_row - 1
    while r >= 0 and (ex[r][col] is None or ex[r][col].cell.kind not in ("header", "note")):
        r -= 1
    while r >= 0 and ex[r][col] is not None and ex[r][col].cell.kind in ("header", "note"):
        text = ex[r][col].cell.text
        if not chain or chain[0] != text:
            chain.insert(0, text)
        r -= 1
    return chain
