"""Web pages: real ``<table>`` markup becomes tab-separated grid lines; everything else, one block a line.

Merged cells are expanded (rowspan/colspan continuation positions become empty cells) so that a
column keeps its index on every line, which is what lets the parser place a row with blank cells.
Tables nested in layout tables are found: a table holding other tables is layout, not data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import UnreadableFile
from . import SPAN
from .text import decode

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

HTML_SUFFIXES = ("html", "htm", "shtml", "xhtml", "jsp", "asp", "aspx", "php")
_SNIFF = re.compile(rb"<(!doctype\s+html|html|body|table|div|p)[\s>]", re.I)
_WS = re.compile(r"\s+")
_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li"),
        *("main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"),
    }
)
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "button", "iframe"})


class HtmlReader:
    kinds: tuple[str, ...] = ("html",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        return suffix in HTML_SUFFIXES or bool(_SNIFF.search(data[:2048]))

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        from lxml import etree

        text = decode(data)
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
        try:  # plain etree elements: lxml.html's per-element class lookup costs a third of the reading time
            root = etree.fromstring(text, etree.HTMLParser(remove_comments=True, remove_pis=True))
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
            raise UnreadableFile(f"HTML 无法解析 (cannot parse the HTML): {e}", expected="an HTML page") from None
        if root is None:
            raise UnreadableFile("HTML 没有内容 (the HTML page is empty)", expected="an HTML page")
        out: list[str] = []
        _walk(root, out)
        lines = [ln for ln in (_WS.sub(" ", s).strip() if "\t" not in s else s for s in "".join(out).split("\n"))]
        return "\n".join(ln for ln in lines if ln.strip()), True, ()


def _text(el: HtmlElement) -> str:
    """A cell's text: its pieces joined by a space, whitespace collapsed, no tabs or newlines left.

    A space between the pieces of a label is harmless (labels are matched without spaces), and a number
    cut into two spans is read as one number because it stands in one cell.
    """
    return _WS.sub(" ", " ".join(str(t) for t in el.itertext())).strip()


def _walk(el: HtmlElement, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        if el.tail:
            out.append(el.tail)
        return
    if tag == "table" and not _has_table(el):
        out.append("\n")
        for row in _grid(el):
            out.append("\t".join(row) + "\n")
        out.append("\n")
    else:
        if tag in _BLOCK:
            out.append("\n")
        mark = len(out)
        if el.text:
            out.append(el.text)
        for child in el:
            _walk(child, out)
        if tag in ("p", "div", "td", "th") and _only_nbsp(out[mark:]):
            out.append("\n|\n")  # an empty paragraph standing for a blank table cell
        if tag in _BLOCK:
            out.append("\n")
    if el.tail:
        out.append(el.tail)


def _only_nbsp(parts: list[str]) -> bool:
    text = "".join(parts)
    return "\xa0" in text and not text.strip()


def _has_table(el: HtmlElement) -> bool:
    return next(el.iterdescendants("table"), None) is not None


def _grid(table: HtmlElement) -> list[list[str]]:
    """The table's cells on a grid: merged cells' continuation positions are empty strings."""
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        line: list[str] = []
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                line.append(pending.pop((r, c)))
                c += 1
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            line.append(_text(cell))
            line.extend([SPAN] * (span - 1))
            for dr in range(1, down):
                for dc in range(span):
                    pending[(r + dr, c + dc)] = ""
            c += span
        while (r, c) in pending:
            line.append(pending.pop((r, c)))
            c += 1
        grid.append(line)
    return grid


def _owner(tr: HtmlElement) -> HtmlElement | None:
    return next(tr.iterancestors("table"), None)


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 200))
    except ValueError:
        return 1
