"""Positioned characters and ruling lines -> text lines and table rows (shared by the PDF and OFD readers).

The steps are small and separate, as in pdfplumber: ``segments_to_tables`` (ruling lines -> cell grid),
``glyphs_to_lines`` (characters -> lines by baseline, cells by gaps), ``page_items`` (one page in reading
order), then ``pages_to_text`` drops running headers and page numbers, drops header rows repeated on a
table's next page, and joins prose lines back into paragraphs.  Coordinates are in points, top-down
(``top`` grows downwards), whatever the source used.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from statistics import median


class Glyph:
    """One character's box and text, or a run of characters set side by side in one line of one size.

    A plain slotted class with its centre and size worked out once: pages have thousands of characters,
    and building them and reading those values are most of the layout's cost.  Treat it as immutable.

    A run (the PDF reader makes them: a word or number written as one piece) reads as its characters would:
    no gap inside it splits a word or makes a space, and ``spans`` keeps each character's left and right
    edge, (x0, x1, x0, x1, ...), for the few steps that look at characters one by one (:func:`chars`).
    """

    __slots__ = ("bottom", "cx", "cy", "size", "spans", "text", "top", "x0", "x1")

    def __init__(
        self, x0: float, top: float, x1: float, bottom: float, text: str, spans: tuple[float, ...] | None = None
    ) -> None:
        self.x0, self.top, self.x1, self.bottom, self.text, self.spans = x0, top, x1, bottom, text, spans
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2
        height = bottom - top
        self.size = height if height > 1.0 else 1.0

    def __repr__(self) -> str:
        return f"Glyph({self.x0!r}, {self.top!r}, {self.x1!r}, {self.bottom!r}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Glyph):
            return NotImplemented
        return (self.x0, self.top, self.x1, self.bottom, self.text, self.spans) == (
            other.x0,
            other.top,
            other.x1,
            other.bottom,
            other.text,
            other.spans,
        )

    def __hash__(self) -> int:
        return hash((self.x0, self.top, self.x1, self.bottom, self.text))


def chars(glyphs: Iterable[Glyph]) -> list[Glyph]:
    """The glyphs with every run taken apart into its characters."""
    out: list[Glyph] = []
    for g in glyphs:
        s = g.spans
        if s is None:
            out.append(g)
        else:
            top, bottom = g.top, g.bottom
            out.extend(Glyph(s[2 * k], top, s[2 * k + 1], bottom, ch) for k, ch in enumerate(g.text))
    return out


def char_width(g: Glyph) -> float:
    """The width of the glyph's widest character."""
    s = g.spans
    if s is None:
        return g.x1 - g.x0
    return max(s[k + 1] - s[k] for k in range(0, len(s), 2))


def in_x_order(glyphs: list[Glyph]) -> list[Glyph]:
    """One line's glyphs left to right, in the order their characters would be: a run with another glyph
    starting inside it (type printed twice, slightly apart, to look bold) is taken apart."""
    if len(glyphs) < 2:
        return list(glyphs)
    out = sorted(glyphs, key=_BY_X)
    for a, b in pairwise(out):
        if a.spans is not None and b.x0 <= a.spans[-2]:
            return sorted(chars(out), key=_BY_X)
    return out


@dataclass
class PageLayout:
    """One page: its size, its printed characters (no blanks: readers leave spaces out) and its thin ruling
    boxes (x0, top, x1, bottom)."""

    width: float
    height: float
    glyphs: list[Glyph]
    segments: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass
class Line:
    x0: float
    top: float
    x1: float
    bottom: float
    cells: list[str]
    size: float

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass
class Table:
    top: float
    bottom: float
    x0: float
    x1: float
    rows: list[list[str]]
    anchors: list[list[tuple[int, int] | None]] = field(default_factory=list)  # (row, col) owning each position
    xs: list[float] = field(default_factory=list)  # column edges
    full: set[tuple[int, int]] = field(default_factory=set)  # (row, col) of cells whose last line is full


Item = Line | Table

SNAP = 2.5  # points: ruling lines this close are the same line
THIN = 3.0  # points: a box thinner than this is a line, not an area
CELL_GAP = 1.5  # em: a horizontal gap this wide between characters separates two cells
NUMBER_GAP = 0.6  # em: ... or this wide next to a number (prose puts about 0.25 em around numbers)
SPACE_GAP = 0.25  # em: a gap this wide is a space

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


# ---------------------------------------------------------------- characters -> lines


def glyph_rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Group characters into text rows by vertical overlap, each row sorted left to right.

    A character joins a row when it overlaps the row's first character, not the row's span so far: a span
    that grows with each character chains lines together (the 5 wrapped under 108 in a table cell read
    into the line above as 1058).
    """
    rows: list[list[Glyph]] = []
    row: list[Glyph] = []
    top = bottom = 0.0  # the vertical span of the current row's first character
    for g in line_order(glyphs):
        gt, gb, gs = g.top, g.bottom, g.size
        if row:
            overlap = (bottom if bottom < gb else gb) - (top if top > gt else gt)
            height = bottom - top
            if overlap >= 0.5 * (height if height < gs else gs) and abs(g.cy - (top + bottom) / 2) < 0.6 * (
                gs if gs > height else height
            ):
                row.append(g)
                continue
        row = [g]
        rows.append(row)
        top, bottom = gt, gb
    return [in_x_order(row) for row in rows]


_BY_X = attrgetter("x0")
_BY_CY = attrgetter("cy")


def line_order(glyphs: Iterable[Glyph]) -> list[Glyph]:
    """The glyphs top to bottom by centre, then left to right; ties keep their order.

    Two stable sorts on one number each are this order, and faster than one sort on pairs.
    """
    out = sorted(glyphs, key=_BY_X)
    out.sort(key=_BY_CY)
    return out


def split_words(row: list[Glyph], size: float, *, split_cells: bool = True) -> list[list[Glyph]]:
    """A row's cells: characters split by wide gaps (narrower ones next to a number)."""
    words: list[list[Glyph]] = []
    prev: Glyph | None = None
    number_gap, cell_gap = NUMBER_GAP * size, CELL_GAP * size  # NUMBER_GAP < CELL_GAP: no split below it
    for g in row:
        if prev is not None and split_cells:
            gap = g.x0 - prev.x1
            if gap > number_gap and (
                gap > cell_gap or prev.text[-1:].isdigit() or g.text[:1].isdigit() or g.text[:1] in "-+"
            ):
                words.append([])
        if not words:
            words.append([])
        words[-1].append(g)
        prev = g
    return words


def word_text(word: list[Glyph], size: float) -> str:
    """A cell's characters, with a space where the gap between two of them is a space."""
    if len(word) == 1:
        return word[0].text.strip()
    out: list[str] = []
    space = SPACE_GAP * size
    prev: Glyph | None = None
    for g in word:
        if prev is not None and g.x0 - prev.x1 > space and out and not out[-1].isspace():
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out).strip()


def row_size(row: list[Glyph]) -> float:
    """The median glyph size (as statistics.median, without its overhead: it runs once per line and cell)."""
    if len(row) == 1:
        return row[0].size
    sizes = sorted([g.size for g in row])
    n = len(sizes)
    if not n:
        raise ValueError("no glyphs")
    if sizes[0] != sizes[-1] and any(g.spans is not None for g in row):  # each character counts once
        sizes = sorted([g.size for g in row for _ in g.text])
        n = len(sizes)
    mid = n // 2
    return sizes[mid] if n % 2 else (sizes[mid - 1] + sizes[mid]) / 2


def make_line(row: list[Glyph], cells: list[str], size: float) -> Line:
    if len(row) == 1:  # one run: a line of one word or number is common
        g = row[0]
        return Line(g.x0, g.top, g.x1, g.bottom, cells, size)
    top = min([g.top for g in row])
    return Line(row[0].x0, top, max([g.x1 for g in row]), max([g.bottom for g in row]), cells, size)


def glyphs_to_lines(glyphs: list[Glyph], *, split_cells: bool = True) -> list[Line]:
    """Group characters into lines (by vertical overlap) and a line into cells (by wide gaps)."""
    lines: list[Line] = []
    for row in glyph_rows(glyphs):
        size = row_size(row)
        cells = [word_text(w, size) for w in split_words(row, size, split_cells=split_cells)]
        lines.append(make_line(row, cells, size))
    return lines


def join_wrapped(parts: list[str]) -> str:
    """Join a cell's wrapped lines: no space between CJK characters, a space between Latin words."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not _CJK.match(p[0]) and not _CJK.match(out[-1]) and out[-1].isalnum() and p[0].isalnum():
            out += " "
        out += p
    return out


# ---------------------------------------------------------------- ruling lines -> tables


@dataclass
class _Seg:
    pos: float  # y of a horizontal line, x of a vertical one
    a: float  # start along the line
    b: float  # end along the line


def _merge_segments(segs: list[_Seg]) -> list[_Seg]:
    """Snap nearly collinear segments together and join the ones that touch."""
    out: list[_Seg] = []
    ordered = sorted(segs, key=_BY_A)
    ordered.sort(key=_BY_POS)  # by position, then start
    for s in ordered:
        pos, sa, sb = s.pos, s.a, s.b
        # the last few lines kept, back to the first that is too far from this one's position
        for k in range(len(out) - 1, max(len(out) - 9, -1), -1):
            o = out[k]
            if pos - o.pos > SNAP:
                break
            if sa <= o.b + SNAP and sb >= o.a - SNAP:
                o.a, o.b = min(o.a, sa), max(o.b, sb)
                break
        else:
            out.append(_Seg(pos, sa, sb))
            continue
        if pos - out[k].pos > SNAP:
            out.append(_Seg(pos, sa, sb))
    return out


def _clusters(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


class _UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a: int, b: int) -> None:
        p = self.p  # both finds inlined: grids call this for most pairs of boxes
        while p[a] != a:
            p[a] = p[p[a]]
            a = p[a]
        while p[b] != b:
            p[b] = p[p[b]]
            b = p[b]
        p[a] = b


@dataclass
class _Grid:
    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]]  # (row0, col0, row1, col1) inclusive, one per merged cell


def segments_to_grids(segments: list[tuple[float, float, float, float]]) -> list[_Grid]:
    """Ruling boxes -> one grid per connected set of lines, with merged cells found from missing borders."""
    hs: list[_Seg] = []
    vs: list[_Seg] = []
    for x0, top, x1, bottom in segments:
        width, height = x1 - x0, bottom - top
        if height <= THIN and width > THIN:
            hs.append(_Seg((top + bottom) / 2, x0, x1))
        elif width <= THIN and height > THIN:
            vs.append(_Seg((x0 + x1) / 2, top, bottom))
    hs, vs = _merge_segments(hs), _merge_segments(vs)
    if len(hs) < 2 or len(vs) < 2:
        return []
    uf = _UF(len(hs) + len(vs))
    p, n = uf.p, len(hs)
    order = sorted(range(len(vs)), key=lambda j: vs[j].pos)  # verticals by x, to find the ones a line crosses
    vx = [vs[j].pos for j in order]
    va, vb = [vs[j].a - SNAP for j in order], [vs[j].b + SNAP for j in order]
    for i, h in enumerate(hs):
        y = h.pos
        root = uf.find(i)  # each vertical line this one crosses joins its set, found once
        for k in range(bisect_left(vx, h.a - SNAP), bisect_right(vx, h.b + SNAP)):
            if va[k] <= y <= vb[k]:
                r = uf.find(n + order[k])
                if r != root:
                    p[r] = root
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = defaultdict(lambda: ([], []))
    for i, h in enumerate(hs):
        groups[uf.find(i)][0].append(h)
    for j, v in enumerate(vs):
        groups[uf.find(len(hs) + j)][1].append(v)
    grids = []
    for gh, gv in groups.values():
        if len(gh) >= 2 and len(gv) >= 2:
            grid = _grid(gh, gv)
            if grid is not None:
                grids.append(grid)
    return grids


def _covered(near: list[list[_Seg]], spans: list[float]) -> list[list[bool]]:
    """[edge][i]: does a ruling line along the edge run along most of [spans[i], spans[i + 1]]?

    ``near`` holds each edge's lines (within SNAP of it).  The spans a line runs right through are marked
    at once; only the spans at its two ends, whose middle it reaches (give or take SNAP), are measured.
    """
    n = len(spans) - 1
    mids = [(spans[i] + spans[i + 1]) / 2 for i in range(n)]
    needs = [0.6 * (spans[i + 1] - spans[i]) for i in range(n)]
    out = []
    for segs in near:
        row = [False] * n
        for s in segs:
            sa, sb = s.a, s.b
            lo, hi = bisect_left(mids, sa - SNAP), bisect_right(mids, sb + SNAP)
            first, last = bisect_left(spans, sa), bisect_right(spans, sb) - 1  # spans[first:last + 1] in [a, b]
            ends: Iterable[int] = range(lo, hi)
            if first < last:
                row[first:last] = [True] * (last - first)
                ends = (*range(lo, first), *range(last, hi))
            for i in ends:
                x0, x1 = spans[i], spans[i + 1]
                if not row[i] and (sb if sb < x1 else x1) - (sa if sa > x0 else x0) >= needs[i]:
                    row[i] = True
        out.append(row)
    return out


def _near(segs: list[_Seg], edges: list[float]) -> list[list[_Seg]]:
    """For each grid edge, the lines within SNAP of it: the only ones that can be its border."""
    ordered = sorted(segs, key=_BY_POS)
    at = [s.pos for s in ordered]
    out = []
    for e in edges:  # the window is a little wider than SNAP; the test itself is the exact one
        window = ordered[bisect_left(at, e - 2 * SNAP) : bisect_right(at, e + 2 * SNAP)]
        out.append([s for s in window if abs(s.pos - e) <= SNAP])
    return out


_BY_POS = attrgetter("pos")
_BY_A = attrgetter("a")


def _reach(segs: list[_Seg], mids: list[float]) -> list[float]:
    """For each midpoint, the smallest position of a line whose extent (give or take SNAP) holds it."""
    out = [float("inf")] * len(mids)
    for s in segs:
        pos = s.pos
        for i in range(bisect_left(mids, s.a - SNAP), bisect_right(mids, s.b + SNAP)):
            if pos < out[i]:
                out[i] = pos
    return out


def _grid(hs: list[_Seg], vs: list[_Seg]) -> _Grid | None:
    xs, ys = _clusters([v.pos for v in vs]), _clusters([h.pos for h in hs])
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
    uf = _UF(nr * nc)
    # an elementary box belongs to the table when some border encloses it on the left and above: a vertical
    # line through the row's middle starts left of it, a horizontal one through the column's middle above it
    left = _reach(vs, [(ys[r] + ys[r + 1]) / 2 for r in range(nr)])
    above = _reach(hs, [(xs[c] + xs[c + 1]) / 2 for c in range(nc)])
    reach = [x + SNAP for x in xs]
    inside = [[lr <= reach[c] and above[c] <= y for c in range(nc)] for lr, y in zip(left, [y + SNAP for y in ys])]
    walls, floors = _covered(_near(vs, xs), ys), _covered(_near(hs, ys), xs)  # [edge][span]: ruled there?
    for c in range(1, nc):  # boxes with no border between them are one cell
        for r, ruled in enumerate(walls[c]):
            if not ruled:
                uf.union(r * nc + c - 1, r * nc + c)
    for r in range(1, nr):
        for c, ruled in enumerate(floors[r]):
            if not ruled:
                uf.union((r - 1) * nc + c, r * nc + c)
    boxes: dict[int, list[int]] = {}
    p = uf.p
    for r in range(nr):
        for c, box in enumerate(inside[r]):
            if not box:
                continue
            i = r * nc + c
            root = i if p[i] == i else uf.find(i)  # most boxes are a cell of their own
            b = boxes.get(root)
            if b is None:
                boxes[root] = [r, c, r, c]
                continue
            # rows come in increasing order: the first one seen is the top, the current one the bottom
            b[2] = r
            if c < b[1]:
                b[1] = c
            elif c > b[3]:
                b[3] = c
    cells = [(b[0], b[1], b[2], b[3]) for b in boxes.values()]
    return _Grid(xs, ys, cells) if cells else None


def _fill_grid(grid: _Grid, glyphs: list[Glyph]) -> tuple[Table, list[Glyph]]:
    """Put each character into the cell that holds its centre; return the table and the leftovers."""
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    owner: list[int] = [-1] * (nr * nc)  # elementary box (r * nc + c) -> its cell
    for k, (r0, c0, r1, c1) in enumerate(grid.cells):
        if r0 == r1 and c0 == c1:  # most cells are one box
            owner[r0 * nc + c0] = k
            continue
        for r in range(r0, r1 + 1):
            owner[r * nc + c0 : r * nc + c1 + 1] = [k] * (c1 - c0 + 1)
    content: list[list[Glyph]] = [[] for _ in grid.cells]
    y0, y1, x0, x1 = ys[0], ys[-1], xs[0], xs[-1]
    rest: list[Glyph] = []
    left_of, right_of = [xs[c0] for _, c0, _, _ in grid.cells], [xs[c1 + 1] for _, _, _, c1 in grid.cells]
    apart: list[Glyph] = []  # the characters of runs that cross a cell's side, each placed by its own centre
    for batch in (glyphs, apart):
        for g in batch:
            cy, cx = g.cy, g.cx
            if y0 <= cy <= y1:
                if x0 <= cx <= x1:  # _index, inlined: this runs for every glyph on the page
                    r, c = bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1
                    c = c if c < nc else nc - 1
                    k = owner[(r if r < nr else nr - 1) * nc + c]
                    if g.spans is not None:
                        lo, hi = (left_of[k], right_of[k]) if k >= 0 else (xs[c], xs[c + 1])
                        if not lo <= g.x0 <= g.x1 < hi:
                            apart.extend(chars([g]))
                            continue
                    if k >= 0:
                        content[k].append(g)
                        continue
                elif g.spans is not None and g.x0 <= x1 and g.x1 >= x0:
                    apart.extend(chars([g]))
                    continue
            rest.append(g)
    rows = [[""] * nc for _ in range(nr)]
    for (r0, c0, _r1, c1), gs in zip(grid.cells, content):
        if gs:
            rows[r0][c0] = _cell_text(gs, xs[c1 + 1] - xs[c0])
    keep = [r for r in range(nr) if any(rows[r])]
    # whether a cell's last line is full matters only where a page break may cut it: in the last row
    full: set[tuple[int, int]] = set()
    last = keep[-1] if keep else -1
    for (r0, c0, r1, c1), gs in zip(grid.cells, content):
        if gs and r0 <= last <= r1 and _full_line(_last_line(gs), xs[c1 + 1] - xs[c0]):
            full.add((r0, c0))
    new_index = {r: i for i, r in enumerate(keep)}
    # each position's anchor is its cell's: worked out once a cell, then looked up through ``owner``
    anchor_of = [(new_index[r0], c0) if r0 in new_index else None for r0, c0, _r1, _c1 in grid.cells]
    anchor_of.append(None)  # owner -1: a box outside every cell
    anchor = anchor_of.__getitem__
    anchors = [list(map(anchor, owner[r * nc : (r + 1) * nc])) for r in keep]
    full = {(new_index[r], c) for r, c in full if r in new_index}
    table = Table(ys[0], ys[-1], xs[0], xs[-1], [rows[r] for r in keep], anchors, list(xs), full)
    return table, rest


CELL_PAD = 6.0  # points: the inner margin a word processor leaves on each side of a cell's text (Word: 5.4)


def _last_line(gs: list[Glyph]) -> list[Glyph]:
    """The glyphs of a cell's bottom line."""
    low = max(g.cy for g in gs)
    return [g for g in gs if abs(g.cy - low) < 0.5 * g.size]


def _full_line(line: list[Glyph], width: float) -> bool:
    """Would one more character of the line's kind not have fitted in the cell (so that the text may
    have wrapped onto the next line, or onto the next page)?"""
    x0, x1 = min(g.x0 for g in line), max(g.x1 for g in line)
    char = max(char_width(g) for g in line)
    return x1 - x0 + char > width - 2 * CELL_PAD


def _cell_text(gs: list[Glyph], width: float = 0.0) -> str:
    """A ruled cell's text: its lines joined.  Most cells are one line of one size, read without grouping.

    A number too long for its cell wraps (2569 as 256 over 9): lines of digits under a full line of
    digits are one number.
    """
    if len(gs) == 1:
        return gs[0].text.strip()
    top, bottom = gs[0].top, gs[0].bottom
    for g in gs:
        if g.top != top or g.bottom != bottom:
            rows = glyph_rows(gs)
            parts = [word_text(row, row_size(row)) for row in rows]
            out = parts[0]
            for row, before, part in zip(rows, parts, parts[1:]):
                if width and before.isdigit() and part[:1].isdigit() and _full_line(row, width):
                    out += part
                else:
                    out = join_wrapped([out, part])
            return out
    return word_text(in_x_order(gs), gs[0].size)


def _index(edges: list[float], v: float) -> int | None:
    """The interval of increasing ``edges`` that holds ``v`` (the last one holds its upper edge too)."""
    if v < edges[0] or v > edges[-1]:
        return None
    return min(bisect_right(edges, v) - 1, len(edges) - 2)


# ---------------------------------------------------------------- one page, then the document


def page_items(page: PageLayout) -> tuple[list[Item], bool]:
    """A page's lines and tables in reading order (top to bottom); True when a ruled table was found."""
    from .borderless import rebuild  # it builds on this module's line steps

    rest = page.glyphs
    items: list[Item] = []
    for grid in segments_to_grids(page.segments):
        table, rest = _fill_grid(grid, rest)
        if table.rows and (len(table.rows) > 1 or len(table.rows[0]) > 1):
            items.append(table)
    items.extend(rebuild(glyph_rows(rest), page.width))
    items.sort(key=lambda it: (it.top, it.x0))
    return items, any(isinstance(it, Table) for it in items)


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~\s]*\d{1,4}[-—–－~\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|(?:page|Page|PAGE)\s*\d+(?:\s*of\s*\d+)?|共\s*\d+\s*页\s*第\s*\d+\s*页)$"
)


def _running_lines(pages: list[tuple[PageLayout, list[Item]]]) -> set[tuple[int, int]]:
    """(page, item) indexes of headers, footers and page numbers: lines in the margins that repeat."""
    keys: Counter[tuple[int, str]] = Counter()
    where: dict[tuple[int, int], tuple[int, str]] = {}
    drop: set[tuple[int, int]] = set()
    for p, (layout, items) in enumerate(pages):
        seen = set()
        for i, it in enumerate(items):
            if not isinstance(it, Line):
                continue
            margin = it.bottom < 0.15 * layout.height or it.top > 0.85 * layout.height
            if not margin:
                continue
            if _PAGE_NUMBER.match(it.text.replace("\t", " ").strip()):
                drop.add((p, i))
                continue
            key = (round(it.top / 4), re.sub(r"\d+", "#", it.text.replace("\t", "")))
            where[(p, i)] = key
            if key not in seen:
                keys[key] += 1
                seen.add(key)
    need = max(2, (len(pages) + 1) // 2)
    drop.update(pi for pi, key in where.items() if keys[key] >= need)
    return drop


_NUMERAL = "[一二三四五六七八九十]+"
_HEADING = re.compile(rf"^(?:{_NUMERAL}、|[（(]{_NUMERAL}[)）]|第{_NUMERAL}[章节条])")


def pages_to_text(pages: list[PageLayout]) -> tuple[str, bool]:
    """The document's text: one paragraph or table row a line; True when tables came from ruled grids."""
    laid = []
    grid = False
    for page in pages:
        items, g = page_items(page)
        grid = grid or g
        laid.append((page, items))
    drop = _running_lines(laid)
    sizes = [it.size for _, items in laid for it in items if isinstance(it, Line)]
    body = median(sizes) if sizes else 0.0
    out: list[str] = []
    prev_table: Table | None = None  # the table that ended the previous page (for repeated headers)
    chain: list[tuple[Table, dict[int, int]]] = []  # parts of a table running over pages: row -> index in out
    last_line: Line | None = None  # the prose line before, to join wrapped paragraphs
    for p, (layout, items) in enumerate(laid):
        kept = [it for i, it in enumerate(items) if (p, i) not in drop]
        lines = [it for it in kept if isinstance(it, Line) and len(it.cells) == 1]
        left = min((ln.x0 for ln in lines), default=0.0)
        right = max((ln.x1 for ln in lines), default=layout.width)
        ended: Table | None = None
        prev_item: Line | None = None  # the line before, for a centred title broken over two lines
        for n, it in enumerate(kept):
            if isinstance(it, Table) or len(it.cells) > 1:
                prev_item = None
            last_line = None if isinstance(it, Table) or len(it.cells) > 1 else last_line
            if isinstance(it, Table):
                start = 0
                if n == 0 and prev_table is not None and _same_table(prev_table, it):
                    xs = _clusters(prev_table.xs + it.xs)
                    for t, _ in chain:
                        _regrid(t, xs)
                    _regrid(it, xs)
                    start = _repeated_header(chain[0][0], it.rows)
                    if start < len(it.rows):
                        _continue_row(prev_table, it, start) and (start := start + 1)
                    for t, at in chain:
                        for r, i in at.items():
                            out[i] = "\t".join(t.rows[r])
                else:
                    chain = []
                at = {}
                for r in range(start, len(it.rows)):
                    at[r] = len(out)
                    out.append("\t".join(it.rows[r]))
                chain.append((it, at))
                ended = it
                continue
            ended = None
            if len(it.cells) > 1:
                out.append(it.text)
                continue
            wrapped = last_line is not None and _continues(last_line, it, left, right)
            if out and (wrapped or (prev_item is not None and _title_goes_on(prev_item, it, layout.width, body))):
                out[-1] = join_wrapped([out[-1], it.text])
            else:
                out.append(it.text)
            last_line = it if it.x1 >= right - 1.5 * it.size else None
            prev_item = it
        prev_table = ended
    return "\n".join(out), grid


def _continues(prev: Line, line: Line, left: float, right: float) -> bool:
    """A full-width line followed by an unindented, non-heading line is one paragraph wrapped."""
    if line.x0 > left + 0.6 * line.size or _HEADING.match(line.text):
        return False
    same_page_gap = line.top - prev.bottom
    return same_page_gap < 1.2 * line.size or same_page_gap < 0  # negative: continued on a new page


def _title_goes_on(prev: Line, line: Line, width: float, body: float) -> bool:
    """Two centred lines in the same large type, one under the other, are one title broken in two."""
    if len(prev.cells) != 1 or abs(prev.size - line.size) > 0.05 * line.size or line.size < 1.2 * body:
        return False
    centred = all(abs((ln.x0 + ln.x1) / 2 - width / 2) < 2 * ln.size for ln in (prev, line))
    return centred and 0 <= line.top - prev.bottom < 0.8 * line.size and not _HEADING.match(line.text)


def _same_table(prev: Table, new: Table) -> bool:
    """A table at the top of a page continues the one that ended the page before when they line up."""
    return abs(prev.x0 - new.x0) <= 2 * SNAP and abs(prev.x1 - new.x1) <= 2 * SNAP


def _regrid(table: Table, xs: list[float]) -> None:
    """Re-expand a table onto finer column edges, so that both parts of a table cut by a page agree."""
    if len(xs) == len(table.xs):
        return
    cols = [_index(table.xs, (xs[u] + xs[u + 1]) / 2) for u in range(len(xs) - 1)]
    first: dict[int, int] = {}
    for u, c in enumerate(cols):
        if c is not None:
            first.setdefault(c, u)
    rows, anchors = [], []
    for r, row in enumerate(table.rows):
        rows.append([row[c] if c is not None and first[c] == u else "" for u, c in enumerate(cols)])
        line: list[tuple[int, int] | None] = []
        for c in cols:
            a = table.anchors[r][c] if c is not None else None
            line.append((a[0], first[a[1]]) if a is not None else None)
        anchors.append(line)
    table.rows, table.anchors, table.xs = rows, anchors, list(xs)
    table.full = {(r, first[c]) for r, c in table.full if c in first}


def _repeated_header(prev: Table, rows: list[list[str]]) -> int:
    """How many leading rows repeat the header of the table the previous page ended with (kept once)."""
    k = 0
    while k < len(rows) and k < len(prev.rows) and rows[k] == prev.rows[k] and not any(_is_number(c) for c in rows[k]):
        k += 1
    return k


_LIST_MARK = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、])")


def _continue_row(prev: Table, new: Table, r: int) -> bool:
    """Merge row ``r`` of ``new`` into the last row of ``prev`` when a page break cut one row in two.

    It is a continuation when each filled cell either goes on with a label (no list number of its own,
    as in 一、本年新收政府信息公 | 开申请数量) whose last line filled its cell, or fills a cell the cut
    row left blank, and at least one goes on with a label.  Columns are matched by position, since the two
    parts may have different grids.
    """
    if not prev.rows or not prev.anchors:
        return False
    last = prev.anchors[-1]
    plan: list[tuple[int, int, str]] = []
    for c, text in enumerate(new.rows[r]):
        if not text:
            continue
        centre = (new.xs[c] + new.xs[c + 1]) / 2 if len(new.xs) > c + 1 else -1.0
        pc = _index(prev.xs, centre) if prev.xs else None
        anchor = last[pc] if pc is not None and pc < len(last) else None
        if anchor is None:
            return False
        ar, ac = anchor
        owner_text = prev.rows[ar][ac]
        if not owner_text and ar != len(prev.rows) - 1:
            return False
        full = (ar, ac) in prev.full
        digits = owner_text.isdigit() and text.isdigit() and full
        if owner_text and not digits and (_is_number(text) or _is_number(owner_text) or _LIST_MARK.match(text)):
            return False
        if owner_text and not full:  # 行政许可 had room to go on: 第二十条第（六）项 below starts a new row
            return False
        plan.append((ar, ac, text))
    if not any(prev.rows[ar][ac] for ar, ac, _ in plan):
        return False
    for ar, ac, text in plan:
        owner_text = prev.rows[ar][ac]
        number = owner_text.isdigit() and text.isdigit()
        prev.rows[ar][ac] = owner_text + text if number else join_wrapped([owner_text, text])
    return True


def _is_number(s: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d[\d,.]*", s.strip()))
