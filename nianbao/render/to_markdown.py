"""Markdown with pipe tables: the official grid flattened to one data row per canonical row, label first."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Report
from .layout import Grid, cell_text, document, expand, header_chain, title
from .to_html import PUBLISHED_LABEL

ROW_HEADER = "项目"  # first-column header when the official table has none (section 四)


@dataclass
class _FlatTable:
    title: str | None
    corner: str | None  # None: the table has no label column
    columns: list[str]
    rows: list[tuple[str | None, list[str]]]


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def flatten(report: Report, grid: Grid) -> list[_FlatTable]:
    """Group the grid's value cells by canonical row; consecutive rows with the same columns share a table.

    A row's label is the chain of label cells to its left (e.g. 三、本年度办理结果 （三）不予公开
    1.属于国家秘密).  Where the grid row has no label (section 四, 15 numbers in one row) it stays one
    row with no label column, its columns named by their full header chain (行政诉讼 复议后起诉 总计).
    """
    ex = expand(grid)
    tables: list[_FlatTable] = []
    pending_title: str | None = None
    for r, line in enumerate(ex):
        if line and line[0] is not None and line[0].cell.kind == "title":
            pending_title = line[0].cell.text
            continue
        labels: list[str] = []
        corner: list[str] = []
        by_row: dict[str, list[tuple[list[str], str]]] = {}
        for c, placed in enumerate(line):
            if placed is None:
                continue
            cell = placed.cell
            if cell.kind in ("label", "group") and cell.text not in labels:
                labels.append(cell.text)
                for t in header_chain(grid, c, r):
                    if t not in corner:
                        corner.append(t)
            elif cell.kind == "value" and cell.path and placed.col == c:
                key = cell.path.rsplit(".", 1)[0]
                by_row.setdefault(key, []).append((header_chain(grid, c, r), cell_text(report, cell)))
        if not labels and by_row:
            # no row labels (section 四): one row of all its numbers in document order, as the official table
            # has it, each column named by its header chain; a row per group would not read back
            items = [item for group in by_row.values() for item in group]
            columns = [" ".join(chain) for chain, _ in items]
            tables.append(_FlatTable(pending_title, None, columns, [(None, [v for _, v in items])]))
            pending_title = None
            continue
        for items in by_row.values():
            chains = [chain for chain, _ in items]
            label = " ".join(labels)
            columns = [" ".join(ch) for ch in chains]
            corner_text = " ".join(corner) or ROW_HEADER
            values = [v for _, v in items]
            if pending_title is None and tables and (tables[-1].columns, tables[-1].corner) == (columns, corner_text):
                tables[-1].rows.append((label, values))
            else:
                tables.append(_FlatTable(pending_title, corner_text, columns, [(label, values)]))
                pending_title = None
    return tables


def grid_markdown(report: Report, grid: Grid) -> str:
    """One official table as one or more pipe tables (section 二 splits at its 第二十条 sub-headings)."""
    out: list[str] = []
    for ft in flatten(report, grid):
        if ft.title:
            out.append(f"**{ft.title}**\n")
        lead = [] if ft.corner is None else [ft.corner]
        out.append("| " + " | ".join(_esc(h) for h in (*lead, *ft.columns)) + " |")
        out.append("|" + "|".join([":---"] * len(lead) + ["---:"] * len(ft.columns)) + "|")
        for label, vals in ft.rows:
            cells = vals if ft.corner is None else [label or "", *vals]
            out.append("| " + " | ".join(_esc(x) for x in cells) + " |")
        out.append("")
    return "\n".join(out)


def render_markdown(report: Report, sections: dict[str, str] | None = None) -> str:
    """The report as Markdown: title, six section headings, prose, pipe tables."""
    parts = [f"# {title(report)}", ""]
    if report.meta.published:
        parts += [f"{PUBLISHED_LABEL}{report.meta.published}", ""]
    for block in document(report, sections):
        if block.kind == "heading":
            parts += [f"## {block.text}", ""]
        elif block.kind == "paragraph":
            parts += [block.text, ""]
        elif block.grid is not None:
            parts.append(grid_markdown(report, block.grid))
    return "\n".join(parts).rstrip("\n") + "\n"
