"""Fixed-width text dumps (``pdftotext -layout`` and the like): read as the pages they were printed from.

Such a dump keeps where each character stood on the page as its column, and pages apart by form feeds.
Split by runs of spaces, a table's rows lose their columns: a number wrapped in a narrow cell (``248``
on the line above its row's label, ``3`` on the line below) becomes two stray rows, and a row short of
a blank cell shifts its values left.  Put back on a page, character by character, the dump goes through
the same layout steps as a PDF without ruling lines (:mod:`nianbao.readers.layout`,
:mod:`nianbao.readers.borderless`): columns from the alignment of numbers, wrapped labels and numbers
joined, page headers and numbers dropped.
"""

from __future__ import annotations

import re

from .layout import Glyph, PageLayout, pages_to_text

# A line is H high and a character's box LINE_BOX (its em), taller than its line: lines stay apart, and a
# number's piece two lines down (its row's line between, as a dump sets a cell's wrapped number around the
# row's other cells) is right under it, while one on the very next line is not (the dump has no row gaps:
# the next row's number there is no piece).  A column is W wide, an em's 0.55: one space (W) sets a number
# apart from a word in prose (2024 年) no more than the layout's 0.6 em, and three spaces (or two next to
# a number) part two cells.
H = 10.0
LINE_BOX = H / 0.6
W = 0.55 * LINE_BOX
_ALIGNED = re.compile(r"\S {3,}\S")
MAX_CHARS = 60_000  # a longer dump is read as plain lines: a glyph a character would cost too much
MIN_ALIGNED_LINES = 12
PAGE_LINES = 100  # lines of one page at most (a printed A4 page has some 50)
MAX_WIDTH = 300  # characters of a line at most (a landscape page in small type has some 200)


def is_fixed_width(text: str) -> bool:
    """Does ``text`` look like a fixed-width dump: many lines whose words are set apart by runs of spaces,
    and no tabs or ``|`` cells (text with those has its cells already)?"""
    if len(text) > MAX_CHARS:
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines or max(len(ln) for ln in lines) > MAX_WIDTH:
        return False
    aligned = sum(1 for ln in lines if _ALIGNED.search(ln.strip()))
    celled = sum(1 for ln in lines if "\t" in ln or ln.count("|") >= 2)
    return aligned >= MIN_ALIGNED_LINES and aligned * 5 >= len(lines) and celled * 20 < len(lines)


def fixed_pages(text: str) -> list[PageLayout]:
    """The dump's pages (form feeds part them), each character a glyph at its line and column.

    Pages stay apart: a dump sets each page's columns by that page's own pitch, so one page's columns
    need not line up with the next one's.
    """
    pages = []
    for lines in _page_lines(text):
        glyphs = []
        for n, line in enumerate(lines):
            top = n * H - (LINE_BOX - H) / 2
            for c, ch in enumerate(line):
                if not ch.isspace():
                    glyphs.append(Glyph(c * W, top, (c + 1) * W, top + LINE_BOX, ch))
        if glyphs:
            pages.append(PageLayout(max(len(line) for line in lines) * W, len(lines) * H, glyphs, []))
    return pages


def _page_lines(text: str) -> list[list[str]]:
    """The lines of each page; a page longer than a printed one (a dump without form feeds) is cut into
    pieces of at most PAGE_LINES lines, at a blank line where one is near, so that the layout's work
    stays in proportion to the text."""
    out = []
    for page in text.split("\f"):
        lines = page.split("\n")
        while len(lines) > PAGE_LINES:
            blank = [i for i in range(PAGE_LINES // 2, PAGE_LINES) if not lines[i].strip()]
            cut = blank[-1] if blank else PAGE_LINES
            out.append(lines[:cut])
            lines = lines[cut:]
        out.append(lines)
    return out


def read_fixed_width(text: str) -> str:
    """The dump's text as the layout steps give it: a table row a line, cells apart by tabs."""
    return pages_to_text(fixed_pages(text))[0]
