"""Lines -> a stream of cell tokens: labels, numbers and blanks, each with its line and column.

Whatever the shape (tabs, ``|``, one cell per line, markdown, a grid from HTML), a table becomes the
same stream; the row assembler in :mod:`nianbao.parse.tables` never looks at the shape again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..readers import SPAN
from ..readers.normalize import label_key
from .numbers import Part, is_number_cell, parts, split_label

LABEL, NUMBER, BLANK, PROSE = "label", "number", "blank", "prose"
# Labels longer than this (in normalised characters) are prose, not table labels.
MAX_LABEL = 60

# Cell texts that mean "nothing here": read as blank cells, like —, / and -.
NOTHING = frozenset({"无", "暂无", "空", "空缺", "空白", "没有", "不适用", "NA", "na", "N/A"})

# Page furniture that PDF converters leave inside tables.
NOISE = re.compile(
    r"^\s*(?:[-—–_~·.]+\s*\d{1,4}\s*[-—–_~·.]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?|:?-{3,}:?(?:\s*\|\s*:?-{3,}:?)*\s*\|?"
    r"|\|?(?:\s*:?-{3,}:?\s*\|)+\s*)\s*$",
    re.I,
)


# A value followed by a remark in brackets: ``22 （其中修订 16 件）``.  The value is the cell; the remark is
# prose, and its numbers must not become cells of their own (shifting the row's values left).
REMARKED = re.compile(r"^([^()]{1,40}?)\s*\([^()]{1,60}\)\s*$")


_BR = re.compile(r"<br\s*/?>", re.I)


class Token(NamedTuple):
    """One cell (or the label or numbers part of one), where it stands: a tuple, as pages make thousands."""

    kind: str
    text: str  # the cell as written (labels: normalised key)
    line: int
    col: int
    parts: tuple[Part, ...] = ()


def split_cells(line: str) -> list[str]:
    """A line's cells: split by tabs or ``|``; a line ending in `` |`` (one cell a line) is one cell."""
    s = line.strip()
    if s.startswith("||") and not s.strip("|"):
        return []  # a line of bare pipes pads merged cells; a lone "|" is one blank cell
    if "|" in s:
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        return [c.strip() for c in re.split(r"\t|\|", s)]
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return [s]


def tokenize(lines: list[str], start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``lines[start:end]``; page numbers and markdown separator lines are dropped."""
    out: list[Token] = []
    for i in range(start, len(lines) if end is None else end):
        out.extend(Token(kind, text, i, col, parts) for kind, text, col, parts in _line_cells(lines[i]))
    return out


@lru_cache(maxsize=65536)
def _line_cells(line: str) -> tuple[tuple[str, str, int, tuple[Part, ...]], ...]:
    """(kind, text, column, numbers) of a line's cells (cached: the same lines recur in every report)."""
    if not line.strip() or NOISE.match(line):
        return ()
    if "<" in line:  # converters write a line break inside a markdown cell as <br>: the cell goes on
        line = _BR.sub(" ", line)
    out: list[tuple[str, str, int, tuple[Part, ...]]] = []
    for j, cell in enumerate(split_cells(line)):
        if cell == SPAN:  # a cell spanning columns goes on: no cell of its own, but the columns still count
            continue
        if not cell:
            out.append((BLANK, "", j, ()))
        else:
            out.extend((kind, text, j, parts) for kind, text, parts in _classify(cell))
    return tuple(out)


@lru_cache(maxsize=65536)
def _classify(cell: str) -> tuple[tuple[str, str, tuple[Part, ...]], ...]:
    """What a cell holds, independent of where it stands (cached: the same labels recur in every report)."""
    if cell.isdigit():
        return ((NUMBER, cell, (Part("", cell, "", ""),)),)
    if is_number_cell(cell):
        return ((NUMBER, cell, tuple(parts(cell))),)
    r = REMARKED.match(cell)
    if r and is_number_cell(r.group(1)):  # the text keeps the remark: a value spilled out of its row shows it
        return tuple((kind, cell if kind == NUMBER else text, ps) for kind, text, ps in _classify(r.group(1)))
    m = split_label(cell)
    if m and len(label_key(m[0])) <= MAX_LABEL and not m[0].rstrip().endswith(("第", "共")):
        return ((LABEL, label_key(m[0]), ()), (NUMBER, m[1], tuple(parts(m[1]))))
    key = label_key(cell)
    if not key or key in NOTHING:
        return ((BLANK, "", ()),)
    return ((PROSE if len(key) > MAX_LABEL else LABEL, key, ()),)
