"""Render a canonical Report in the standard layout of its template (2019 or 2021): HTML, Markdown, DOCX, XLSX.

All four formats draw the tables from one description, :mod:`nianbao.render.layout`, so the official
shapes (merged header cells, 第二十条 sub-headings, the 勾稽关系 note) are defined once.
``sections`` maps a section number ("一".."六") to its prose; a section without prose gets its heading only.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import UnsupportedFormat
from ..model import Report
from .layout import NULL_TEXT, Cell, Grid, expand, grids, place
from .to_docx import render_docx
from .to_html import render_html
from .to_markdown import render_markdown
from .to_xlsx import render_xlsx

FORMATS = ("html", "md", "docx", "xlsx")
_ALIASES = {"markdown": "md", "htm": "html"}

__all__ = [
    "FORMATS",
    "NULL_TEXT",
    "Cell",
    "Grid",
    "UnknownRenderFormat",
    "expand",
    "grids",
    "place",
    "render",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_xlsx",
]


class UnknownRenderFormat(UnsupportedFormat):
    """Asked to render to a format nianbao cannot write."""


def render(
    report: Report, to: str, out: Path | str | None = None, sections: dict[str, str] | None = None
) -> str | bytes:
    """Render ``report`` to ``to`` (html|md|docx|xlsx); write to ``out`` when given, and return the content.

    Text formats return ``str``, DOCX and XLSX return the file's ``bytes``.
    """
    fmt = _ALIASES.get(to.lower().lstrip("."), to.lower().lstrip("."))
    if fmt not in FORMATS:
        raise UnknownRenderFormat(
            f"cannot render to {to!r}", path=str(out) if out else None, expected=f"one of {', '.join(FORMATS)}"
        )
    if fmt in ("html", "md"):
        text = render_html(report, sections) if fmt == "html" else render_markdown(report, sections)
        if out is not None:
            Path(out).write_text(text, encoding="utf-8")
        return text
    buf = io.BytesIO()
    (render_docx if fmt == "docx" else render_xlsx)(report, buf, sections)
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data
