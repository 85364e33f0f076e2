"""One self-contained, print-ready HTML file: inline CSS, real rowspan/colspan, A4 page rules."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..model import Report
from .layout import Cell, Grid, cell_text, document, is_null, title

PUBLISHED_LABEL = "发布日期："  # stated the way reports state it, so the date reads back as meta.published
CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC",
       "Source Han Serif SC", serif; font-size: 16pt; line-height: 1.6; color: #000; max-width: 170mm;
       margin: 2em auto; }
h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC", serif;
     font-size: 22pt; font-weight: normal; text-align: center; margin: 0 0 1em; }
h2 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
     font-size: 16pt; font-weight: normal; margin: 1em 0 .5em; text-indent: 2em; }
p { text-indent: 2em; margin: 0; text-align: justify; }
table.nb-table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; table-layout: fixed;
                 font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", serif; font-size: 10.5pt;
                 line-height: 1.3; page-break-inside: auto; }
.nb-table td, .nb-table th { border: 1px solid #000; padding: 2px 4px; text-align: center;
                             vertical-align: middle; word-break: break-all; }
.nb-table th { font-weight: bold; }
.nb-table tr { page-break-inside: avoid; }
.nb-table td.nb-label { text-align: left; }
.nb-table td.nb-title { text-align: left; font-weight: bold; }
.nb-table th.nb-note { font-weight: normal; font-size: 9pt; }
.nb-table td.nb-value { font-family: "Times New Roman", serif; }
.nb-table td.nb-null { color: #a00; background: #f3f3f3; font-style: normal; }
.nb-appeals { font-size: 9pt; }
"""


def cell_html(
    report: Report, cell: Cell, classes: Sequence[str] = (), attrs: Sequence[str] = (), after: str = ""
) -> str:
    """One cell of the official layout; ``classes``, ``attrs`` and ``after`` (HTML put after its text) let
    the web interface mark the cells that findings name."""
    tag = "th" if cell.kind in ("header", "note") else "td"
    names = [f"nb-{cell.kind}", *(["nb-null"] if is_null(report, cell) else []), *classes]
    out = [f'class="{" ".join(names)}"', *attrs]
    if cell.rowspan > 1:
        out.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        out.append(f'colspan="{cell.colspan}"')
    if cell.path:
        out.append(f'data-path="{escape(cell.path)}"')
    return f"<{tag} {' '.join(out)}>{escape(cell_text(report, cell))}{after}</{tag}>"


def grid_html(report: Report, grid: Grid) -> str:
    """One official table as an HTML <table>; header rows go in <thead> so they repeat on print."""
    total = sum(grid.widths)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in grid.widths)
    head = grid.rows[: grid.header_rows]
    body = grid.rows[grid.header_rows :]
    # border/cellspacing attributes as well as CSS: mail clients, word processors and pandoc ignore the CSS.
    attrs = f'class="nb-table nb-{grid.table}" data-table="{grid.table}" border="1" cellspacing="0" cellpadding="3"'
    out = [f"<table {attrs}>", f"<colgroup>{cols}</colgroup>"]
    if head:
        out.append("<thead>")
        out.extend("<tr>" + "".join(cell_html(report, c) for c in row) + "</tr>" for row in head)
        out.append("</thead>")
    out.append("<tbody>")
    out.extend("<tr>" + "".join(cell_html(report, c) for c in row) + "</tr>" for row in body)
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(report: Report, sections: dict[str, str] | None = None) -> str:
    """The report as one HTML document with no external assets."""
    name = title(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(name)}</title>",
        f"<style>{CSS}</style>",
        "</head><body>",
        f"<h1>{escape(name)}</h1>",
    ]
    if report.meta.published:
        parts.append(
            f'<p class="nb-published" style="text-align:center;text-indent:0">'
            f"{PUBLISHED_LABEL}{escape(report.meta.published)}</p>"
        )
    for block in document(report, sections):
        if block.kind == "heading":
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "paragraph":
            parts.append(f"<p>{escape(block.text)}</p>")
        elif block.grid is not None:
            parts.append(grid_html(report, block.grid))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
