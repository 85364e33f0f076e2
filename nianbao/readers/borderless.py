"""Tables without ruling lines: columns from the alignment of cells across rows, wrapped labels joined.

Without borders the only evidence is where characters sit.  A row of a table is *anchored* by its
numbers; number columns are the clusters of the numbers' centres (numbers are centred or right-aligned
the same way on every row), and the columns of a table are the clusters that occur together on some row.
Left of the numbers, label cells are left-aligned: the cells of one column start at one x.  A label
cell broken over several lines continues only when the line before was full (a wrap) and the next line
does not start a new list item (``1.``, ``（二）``, ``三、``).  A label cell is placed on the row whose
numbers it is aligned with — centred on them, or starting or ending on their line, the same way for
the whole table.  A cell that spans several rows is a group label (三、本年度办理结果) when each of those
rows has its own label further right.

Whatever cannot be placed that way is left as the lines it was printed on, so that the parser sees the
label pieces and numbers as loose cells and resolves them by its arithmetic, or leaves them null.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from .layout import (
    NUMBER_GAP,
    Glyph,
    Line,
    char_width,
    chars,
    join_wrapped,
    make_line,
    row_size,
    split_words,
    word_text,
)

NUMBER = re.compile(r"^[-+－]?\d[\d,，.]*\s*(?:万元|万|元|个|件|条|项|次|人次)?$")
# a label cell starts a new item: 1. 2、 （三） (三 三、 一.
MARKER = re.compile(r"^(?:\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]|[一二三四五六七八九十]+\s*[、.．])")
LABEL_SPLIT = 0.5  # em: inside the label area a gap this wide separates two cells
ON_ROW = 0.35  # em: a label line whose centre is this close to a row's centre is on that row
COLUMN_TOL = 0.8  # em: cells whose left edges (labels) or centres (numbers) are this close share a column
PROSE_WIDTH = 0.55  # of the page: a single cell wider than this is a paragraph, not a table cell


@dataclass(eq=False)
class _Word:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    row: int  # index of its text row

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(eq=False)
class _Cell:
    words: list[_Word]
    col: int
    anchors: list[int] = field(default_factory=list)  # text rows with numbers inside its span

    @property
    def top(self) -> float:
        return self.words[0].top

    @property
    def bottom(self) -> float:
        return self.words[-1].bottom


def rebuild(rows: list[list[Glyph]], page_width: float) -> list[Line]:
    """Lines of one page's text rows (outside ruled grids), with borderless tables put back together."""
    rows = join_wrapped_numbers(rows)
    sizes = [row_size(r) for r in rows]
    split = [split_words(row, size) for row, size in zip(rows, sizes)]
    texts = [[word_text(w, size) for w in ws] for ws, size in zip(split, sizes)]
    anchors = [i for i, ts in enumerate(texts) if len(ts) >= 2 and any(NUMBER.match(t) for t in ts)]
    raw = [make_line(row, ts, size) for row, ts, size in zip(rows, texts, sizes)]
    if len(anchors) < 2:  # no table here: the words' boxes are not needed
        return raw
    words = [
        [_word(w, size, i, t) for w, t in zip(ws, ts)] for i, (ws, ts, size) in enumerate(zip(split, texts, sizes))
    ]
    built: dict[int, Line] = {}
    consumed: set[int] = set()
    pieces: dict[int, list[_Word]] = {}
    floor = 0
    for block in _blocks(words, sizes, anchors, page_width):
        colmap = {i: cols for rs, cols in _families(words, block) for i in rs}
        lines, used, split = _table(rows, words, sizes, block, colmap, page_width, floor)
        built.update(lines)
        consumed |= used
        pieces.update(split)
        floor = max(split) + 1
    out: list[Line] = []
    for i in range(len(rows)):
        if i in built:
            out.append(built[i])
        elif i in pieces:
            rest = [w for w in pieces[i] if id(w) not in consumed]
            if len(rest) == len(pieces[i]):
                out.append(raw[i])
            elif rest:
                out.append(
                    Line(rest[0].x0, rest[0].top, rest[-1].x1, rest[-1].bottom, [w.text for w in rest], sizes[i])
                )
        else:
            out.append(raw[i])
    return out


def _word(glyphs: list[Glyph], size: float, row: int, text: str | None = None) -> _Word:
    if len(glyphs) == 1:
        g = glyphs[0]
        return _Word(g.x0, g.top, g.x1, g.bottom, g.text.strip() if text is None else text, size, row)
    return _Word(
        glyphs[0].x0,
        min([g.top for g in glyphs]),
        max([g.x1 for g in glyphs]),
        max([g.bottom for g in glyphs]),
        word_text(glyphs, size) if text is None else text,
        size,
        row,
    )


def _clusters(values: list[float], tol: float) -> list[list[float]]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _column(cols: list[tuple[float, float]], starts: list[float], x: float) -> int:
    """The column (of sorted, disjoint x ranges starting at ``starts``) that holds ``x``, give or take 0.01."""
    k = bisect_right(starts, x + 0.01) - 1
    if k >= 0 and x <= cols[k][1] + 0.01:
        return k
    return next(k for k, (a, b) in enumerate(cols) if a - 0.01 <= x <= b + 0.01)


def _nearest(cols: list[tuple[float, float]], starts: list[float], x: float) -> int:
    """The first of the sorted, disjoint x ranges nearest to ``x`` (0 away when it holds it)."""
    k = bisect_right(starts, x) - 1  # the last range starting at or left of x
    if k < 0:
        return 0
    if k + 1 < len(cols) and cols[k + 1][0] - x < x - cols[k][1]:
        return k + 1
    return k


def _blocks(words: list[list[_Word]], sizes: list[float], anchors: list[int], page_width: float) -> list[list[int]]:
    """Anchored rows in runs that are one table: no paragraph, larger heading or wide gap between them."""
    out: list[list[int]] = [[anchors[0]]]
    for a, b in pairwise(anchors):
        joined = all(_near(words, sizes, r, r + 1, page_width) for r in range(a, b)) and all(
            sizes[r] <= 1.3 * sizes[a] for r in range(a + 1, b)
        )
        if joined:
            out[-1].append(b)
        else:
            out.append([b])
    return out


def _families(words: list[list[_Word]], anchors: list[int]) -> list[tuple[list[int], list[tuple[float, float]]]]:
    """Anchored rows grouped into tables: number columns (as x ranges of centres) that occur on a common row."""
    size = sorted(w.size for i in anchors for w in words[i])[len(anchors) // 2]
    centres = [(w.x0 + w.x1) / 2 for i in anchors for w in words[i] if NUMBER.match(w.text)]
    cols = [(c[0], c[-1]) for c in _clusters(centres, COLUMN_TOL * size)]

    starts = [a for a, _ in cols]

    def col_of(x: float) -> int:
        return _column(cols, starts, x)

    parent = list(range(len(cols)))

    def find(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    row_cols: dict[int, list[int]] = {}
    for i in anchors:
        ks = [col_of((w.x0 + w.x1) / 2) for w in words[i] if NUMBER.match(w.text)]
        row_cols[i] = ks
        for k in ks[1:]:
            parent[find(k)] = find(ks[0])
    groups: dict[int, list[int]] = {}
    for i in anchors:
        groups.setdefault(find(row_cols[i][0]), []).append(i)
    out = []
    for root, rs in groups.items():
        out.append((rs, [cols[k] for k in range(len(cols)) if find(k) == root]))
    return out


def _table(
    rows: list[list[Glyph]],
    words: list[list[_Word]],
    sizes: list[float],
    anchors: list[int],
    colmap: dict[int, list[tuple[float, float]]],
    page_width: float,
    floor: int,
) -> tuple[dict[int, Line], set[int], dict[int, list[_Word]]]:
    """One table's rebuilt rows (text row -> line), the label pieces they absorbed, each row's pieces."""
    size = sorted(sizes[i] for i in anchors)[len(anchors) // 2]
    tol = COLUMN_TOL * size
    # the label area: left of the table's first number column, over the rows of the table's extent
    left_edge = min(w.x0 for i in anchors for w in words[i] if NUMBER.match(w.text))
    first, last = anchors[0], anchors[-1]
    lo, hi = first, last
    while lo > floor and _near(words, sizes, lo - 1, lo, page_width):
        lo -= 1
    while hi + 1 < len(words) and _near(words, sizes, hi, hi + 1, page_width):
        hi += 1
    label_words: list[_Word] = []
    pieces: dict[int, list[_Word]] = {}  # each row's pieces, split once (the cells below hold the same objects)
    for i in range(lo, hi + 1):
        if abs(sizes[i] - size) > 0.15 * size:
            continue
        pieces[i] = _row_words(rows[i], words[i], left_edge, size)
        label_words.extend(w for w in pieces[i] if w.x1 <= left_edge - 0.3 * size)
    starts = _clusters([w.x0 for w in label_words], tol)
    text_cols = [(c[0], c[-1]) for c in starts]

    text_starts = [a for a, _ in text_cols]

    def tcol(x: float) -> int:
        return _column(text_cols, text_starts, x)

    anchor_cy = {i: (min(w.top for w in words[i]) + max(w.bottom for w in words[i])) / 2 for i in anchors}
    cells = _cells(label_words, tcol, [a for a, _ in text_cols], size)
    for c in cells:
        c.anchors = [i for i in anchors if c.top - 0.1 * size <= anchor_cy[i] <= c.bottom + 0.1 * size]
    mode = _mode(cells, anchor_cy, size)
    label_of: dict[int, list[_Cell]] = {i: [] for i in anchors}
    group: list[_Cell] = []
    certain: set[int] = set()  # ids of cells placed with certainty
    marked: dict[int, list[bool]] = {}
    for c in cells:
        marked.setdefault(c.col, []).append(bool(MARKER.match(c.words[0].text)))
    for c in cells:
        fits = _fits(c, anchor_cy[c.anchors[0]], size) if len(c.anchors) == 1 else set()
        # a row cut by the page's end starts on its line whatever the table's alignment
        cut = c.words[-1].row == hi and c.anchors == anchors[-1:] and fits == {"top"}
        fits = fits if cut else mode & fits
        if fits and "centre" not in fits and len({w.row for w in c.words}) > 1:
            # a cell that starts (or ends) on its row's line and goes on below (above) it could as well be
            # that row's label followed by the label of a row whose cells are all blank: only a list
            # number opening this cell, in a column whose cells open with list numbers, tells them apart
            votes = marked[c.col]
            if not (MARKER.match(c.words[0].text) and sum(votes) * 2 >= len(votes)):
                fits = set()
        if fits:
            label_of[c.anchors[0]].append(c)
            certain.add(id(c))
        else:  # spans several rows, or sits off its row: a group label when the rows have labels of their own
            group.append(c)
    for c in group:  # a group label: every row it spans has a placed label further right
        if c.anchors and all(any(o.col > c.col for o in label_of[i]) for i in c.anchors):
            label_of[c.anchors[0]].append(c)
            certain.add(id(c))
    built: dict[int, Line] = {}
    consumed: set[int] = set()  # ids of the label pieces that went into built rows
    by_row: dict[int, list[_Cell]] = {}
    for c in cells:
        for w in c.words:
            by_row.setdefault(w.row, []).append(c)
    for i in anchors:
        if any(id(c) not in certain for c in by_row.get(i, [])):
            continue
        line = _row_line(rows[i], words[i], label_of[i], colmap[i], left_edge, size)
        if line is not None:
            built[i] = line
            consumed |= {id(w) for c in label_of[i] for w in c.words}
    split = {i: pieces.get(i) or _row_words(rows[i], words[i], left_edge, size) for i in range(lo, hi + 1)}
    for i, ws in split.items():  # the label pieces found here are the same objects as the cells' words
        known = {(w.x0, w.top): w for c in by_row.get(i, []) for w in c.words}
        split[i] = [known.get((w.x0, w.top), w) for w in ws]
    return built, consumed, split


def _row_words(row: list[Glyph], ws: list[_Word], left_edge: float, size: float) -> list[_Word]:
    out: list[_Word] = []
    for w in ws:
        if w.x1 <= left_edge - 0.3 * size and not NUMBER.match(w.text):
            out.extend(_split_label(row, w, w.row))
        else:
            out.append(w)
    return out


def _near(words: list[list[_Word]], sizes: list[float], a: int, b: int, page_width: float) -> bool:
    """Is text row ``b`` part of the same table block as row ``a`` (close below or above it, not prose)?"""
    wa, wb = words[a], words[b]
    gap = (
        min(w.top for w in wb) - max(w.bottom for w in wa)
        if a < b
        else min(w.top for w in wa) - max(w.bottom for w in wb)
    )
    size = max(sizes[a], sizes[b])
    prose = any(len(ws) == 1 and ws[0].x1 - ws[0].x0 > PROSE_WIDTH * page_width for ws in (wa, wb))
    return gap < 1.0 * size and not prose


def _split_label(row: list[Glyph], w: _Word, r: int) -> list[_Word]:
    """Inside the label area, a gap of half an em already separates two cells (a group label and a row label)."""
    glyphs = [g for g in row if w.x0 - 0.01 <= g.x0 and g.x1 <= w.x1 + 0.01]
    parts: list[list[Glyph]] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is None or g.x0 - prev.x1 > LABEL_SPLIT * w.size:
            parts.append([])
        parts[-1].append(g)
        prev = g
    return [_word(p, w.size, r) for p in parts] if len(parts) > 1 else [w]


def _cells(label_words: list[_Word], tcol, starts: list[float], size: float) -> list[_Cell]:  # type: ignore[no-untyped-def]
    """Label pieces -> cells, column by column: a piece continues the cell above when that line was full."""
    out: list[_Cell] = []
    ncols = len(starts)
    cols = [tcol(w.x0) for w in label_words]
    for k in range(ncols):
        col = sorted((w for w, c in zip(label_words, cols) if c == k), key=lambda w: w.top)
        inside = [w.x1 for w in col if k + 1 == ncols or w.x1 < starts[k + 1]]
        right = max(inside or [w.x1 for w in col])
        cur: _Cell | None = None
        for w in col:
            prev = cur.words[-1] if cur else None
            wraps = (
                prev is not None
                and w.row != prev.row
                and w.top - prev.bottom < 0.6 * size
                and abs(w.size - prev.size) <= 0.15 * size
                and prev.x1 + 2.2 * w.size > right
                and not MARKER.match(w.text)
            )
            if cur is not None and wraps:
                cur.words.append(w)
            else:
                cur = _Cell([w], k)
                out.append(cur)
    return out


def _fits(c: _Cell, cy: float, size: float) -> set[str]:
    """How a cell sits against its row's numbers: centred on them, starting on their line, ending on it."""
    out = set()
    if abs((c.top + c.bottom) / 2 - cy) <= ON_ROW * size:
        out.add("centre")
    if abs(c.words[0].cy - cy) <= ON_ROW * size:
        out.add("top")
    if abs(c.words[-1].cy - cy) <= ON_ROW * size:
        out.add("bottom")
    return out


def _mode(cells: list[_Cell], anchor_cy: dict[int, float], size: float) -> set[str]:
    """The vertical alignment of the table's label cells, from the cells that wrapped (one for the table)."""
    votes: dict[str, int] = {"centre": 0, "top": 0, "bottom": 0}
    multi = 0
    for c in cells:
        if len(c.anchors) == 1 and len({w.row for w in c.words}) > 1:
            multi += 1
            for m in _fits(c, anchor_cy[c.anchors[0]], size):
                votes[m] += 1
    if not multi:
        return {"centre", "top", "bottom"}
    best = max(votes.values())
    return {m for m, v in votes.items() if v == best and v > 0}


def _row_line(
    row: list[Glyph],
    ws: list[_Word],
    labels: list[_Cell],
    columns: list[tuple[float, float]],
    left_edge: float,
    size: float,
) -> Line | None:
    """One table row: its label cells in their columns, its values in the table's number columns."""
    # one label cell: group labels (三、本年度办理结果) go in front of the row's own label, so that every row
    # of every table has its values from the second cell on, whatever columns its labels spanned
    cols = [c.col for c in labels]
    if len(set(cols)) != len(cols):
        return None
    text = [join_wrapped([w.text for c in sorted(labels, key=lambda c: c.col) for w in c.words])] if labels else []
    values = [""] * len(columns)
    starts = [a for a, _ in columns]
    for w in ws:
        if w.x1 <= left_edge - 0.3 * size and not NUMBER.match(w.text):
            continue
        cx = (w.x0 + w.x1) / 2
        k = _nearest(columns, starts, cx)
        a, b = columns[k]
        if not (a - COLUMN_TOL * size <= cx <= b + COLUMN_TOL * size) or values[k]:
            return None
        values[k] = w.text
    return make_line(row, text + values, size)


def _digit_words(row: list[Glyph]) -> list[list[Glyph]]:
    """The row's words that are all digits, split as split_words splits them (a gap over NUMBER_GAP em
    next to a digit), in one pass without building the other words."""
    if not any(g.text.isdigit() for g in row):
        return []
    gap = NUMBER_GAP * row_size(row)
    out: list[list[Glyph]] = []
    cur: list[Glyph] = []
    clean = True  # the current run of digits is a word of its own on its left
    prev: Glyph | None = None
    for g in row:
        apart = prev is None or g.x0 - prev.x1 > gap
        if g.text.isdigit():
            if cur and not apart:
                cur.append(g)
            else:
                if cur and clean:
                    out.append(cur)
                cur, clean = [g], apart
        else:
            if cur and clean and apart:
                out.append(cur)
            cur = []
        prev = g
    if cur and clean:
        out.append(cur)
    return out


def join_wrapped_numbers(rows: list[list[Glyph]]) -> list[list[Glyph]]:
    """Numbers too long for their cell, wrapped onto the next line (2569 as 256 over 9), put back together.

    The upper piece must fill its column (as wide as the widest number in that column, so that one more
    digit would not have fitted); the lower one must sit right under it, aligned with it (centred, or on
    its left or right edge), on a line of its own or a line without a label.  The joined number goes to
    the line between or beside the pieces that holds the rest of the table row (its label, the other
    cells), so that a row with vertically centred cells reads as one row.
    """
    if len(rows) < 2:
        return rows
    digit = [_digit_words(r) for r in rows]
    if sum(1 for ws in digit if ws) < 2:
        return rows
    # every number's (width, left, right), widest first: only a wider one can show that a line had room
    everything = sorted(((w[-1].x1 - w[0].x0, w[0].x0, w[-1].x1) for ws in digit for w in ws), reverse=True)
    labelled = [any(not g.text.isdigit() for g in r) for r in rows]
    # the lines that carry a table row: a label with numbers, or a label opening a new item (（七）总计);
    # a piece of a number belongs to the nearest of them, and pieces of one number belong to the same one
    widest = max(len(ws) for ws in digit)
    anchor: dict[int, bool] = {}

    def is_anchor(i: int) -> bool:
        if i not in anchor:
            r = rows[i]
            anchor[i] = labelled[i] and (
                len(digit[i]) >= max(2, widest // 2)
                or any(MARKER.match(word_text(w, size)) for size in [row_size(r)] for w in split_words(r, size))
            )
        return anchor[i]

    centre: dict[int, float] = {}  # text row -> the mean centre of its characters

    def owners(piece: list[Glyph], k: int) -> set[int]:
        """The nearest row-carrying lines to a piece on text row ``k`` (looked for a few lines around it): one,
        or two as near as each other (a piece half-way between two rows, as a fixed-width dump sets it)."""
        cy = _mean_cy(piece)
        best: set[int] = set()
        gap = 0.0
        for i in range(max(0, k - 4), min(len(rows), k + 5)):
            if not is_anchor(i):
                continue
            c = centre.get(i)
            if c is None:
                c = centre[i] = _mean_cy(rows[i])
            if not best or abs(c - cy) < gap:
                best, gap = {i}, abs(c - cy)
            elif abs(c - cy) == gap:
                best.add(i)
        return best

    below: dict[int, tuple[int, list[Glyph]] | None] = {}  # id of a piece's first glyph -> the piece under it
    known: dict[int, set[int]] = {}  # id of a piece's first glyph -> its owners

    def under(k: int, piece: list[Glyph]) -> tuple[int, list[Glyph]] | None:
        """_below, asked once a piece: every piece may start a chain, and chains share their pieces."""
        key = id(piece[0])
        if key not in below:
            below[key] = _below(rows, digit, k, piece, everything)
        return below[key]

    def owners_of(piece: list[Glyph], k: int) -> set[int]:
        key = id(piece[0])
        if key not in known:
            known[key] = owners(piece, k)
        return known[key]

    taken: set[int] = set()  # ids of glyphs moved into a joined number
    moves: list[tuple[int, list[Glyph], list[list[Glyph]]]] = []  # (target row, upper piece, lower pieces)
    touched: set[int] = set()  # the text rows pieces are taken from
    for i, ws in enumerate(digit):
        for w in ws:
            if id(w[0]) in taken:
                continue
            chain, cur, k = [w], w, i
            lines = [i]  # the text row of each piece
            home: set[int] | None = None  # owners(w, i), asked only when a piece below is found
            while True:
                nxt = under(k, cur)
                if nxt is None:
                    break
                if home is None:
                    home = owners_of(w, i)
                there = owners_of(nxt[1], nxt[0])
                if not (home & there or home == there):  # the same row's, or both far from any row
                    break
                k, cur = nxt
                chain.append(cur)
                lines.append(k)
            if len(chain) < 2:
                continue
            if all(labelled[r] for r in lines):
                continue
            # pieces with a line between them hold that line's row between them (a dump sets 248 | row | 3):
            # the row's other cells are on the line between (one with no number is a row label), and the
            # upper piece's line is no whole row of its own (a row's last cell above, the next row's below)
            if any(
                b - a >= 2 and (len(digit[a]) >= widest or not any(digit[j] for j in range(a + 1, b)))
                for a, b in pairwise(lines)
            ):
                continue
            taken.update(id(g) for p in chain for g in p)
            touched.update(lines)
            moves.append((_target(rows, lines, chain), chain[0], chain[1:]))
    if not moves:
        return rows
    out = list(rows)  # only the rows a move takes from or adds to are rebuilt
    for j in touched:
        out[j] = [g for g in rows[j] if id(g) not in taken]
    for target, upper, lower in moves:
        out[target] = sorted(out[target] + _joined(upper, lower, rows[target][0]), key=lambda g: g.x0)
    return [r for r in out if r]


def _below(
    rows: list[list[Glyph]],
    digit: list[list[list[Glyph]]],
    k: int,
    upper: list[Glyph],
    everything: list[tuple[float, float, float]],
) -> tuple[int, list[Glyph]] | None:
    """The digits wrapped from ``upper`` (on text row ``k``) onto the next line, if it filled its column."""
    x0, x1 = upper[0].x0, upper[-1].x1
    char = max(char_width(g) for g in upper)
    bottom, size = max(g.bottom for g in upper), upper[0].size
    tol = 0.5 * char

    def aligned(a: float, b: float) -> bool:  # in the same column: centred, or on the same left or right edge
        return abs((a + b) / 2 - (x0 + x1) / 2) <= tol or abs(a - x0) <= tol or abs(b - x1) <= tol

    for j in range(k + 1, min(k + 4, len(rows))):
        for w in digit[j]:
            gap = w[0].top - bottom
            if gap < -0.3 * size or gap > 0.6 * size or not aligned(w[0].x0, w[-1].x1):
                continue
            room = x1 - x0 + 0.5 * char
            for width, left, right in everything:
                if width <= room:
                    break
                if aligned(left, right):
                    return None  # a wider number in this column: the line had room, it did not wrap
            return j, w
    return None


def _target(rows: list[list[Glyph]], lines: list[int], chain: list[list[Glyph]]) -> int:
    """The text row a joined number belongs on: one within the pieces' height that has the rest of its row."""
    top, bottom = chain[0][0].top, max(g.bottom for g in chain[-1])
    x0, x1 = chain[0][0].x0, chain[0][-1].x1
    best, most = lines[0], 0
    for j in range(lines[0], lines[-1] + 1):
        cy = _mean_cy(rows[j])
        if not top <= cy <= bottom:
            continue
        others = [g for g in chars(rows[j]) if not (g.x1 > x0 and g.x0 < x1)]  # not in this number's column
        if j not in lines and len(others) > most:
            best, most = j, len(others)
    return best


def _joined(upper: list[Glyph], lower: list[list[Glyph]], line: Glyph) -> list[Glyph]:
    """The pieces' digits as one word over the upper piece's extent, on the target line's height."""
    digits = "".join(g.text for p in (upper, *lower) for g in p)
    x0, x1 = upper[0].x0, upper[-1].x1
    step = (x1 - x0) / len(digits)
    return [Glyph(x0 + n * step, line.top, x0 + (n + 1) * step, line.bottom, ch) for n, ch in enumerate(digits)]


def _mean_cy(glyphs: list[Glyph]) -> float:
    """The mean centre of the glyphs' characters (a run counts as many times as it has characters)."""
    if all(g.spans is None for g in glyphs):
        return sum(g.cy for g in glyphs) / len(glyphs)
    return sum(g.cy * len(g.text) for g in glyphs) / sum(len(g.text) for g in glyphs)
