"""Rows of a table as the parser collects them, and two ways to tell which row is which when labels fail.

``RowCells`` is one row's cells as found after its label.  ``near_row`` names the row of a label with a
character dropped (``2.其他法律行政止公开``); ``align_by_sequence`` gives label-less number rows, whose
labels a PDF converter floated away, to the rows missing between rows that kept their labels, by the
table's fixed row order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from ..formats import Row
from ..readers.normalize import label_key
from .cells import LABEL, MAX_LABEL, NUMBER, PROSE, Token


@dataclass
class RowCells:
    """One row's cells as found after its label, with where the label stood (to place cells by column)."""

    key: str
    tokens: list[Token] = field(default_factory=list)
    label_line: int = -1
    label_col: int = -1
    # columns lost on the label's line when a label cell broke across lines; None when that cannot be told
    shift: int | None = 0
    short: int = 0  # how many cells the label's line has fewer than the table's full lines


# group labels of the requests table: a run ending in one names no row, whatever it resembles
_GROUP_END = re.compile(r"(不予公开|无法提供|不予处理|其他处理|办理结果)$")


def near_row(run: str, rows: Sequence[Row]) -> str | None:
    """The row a label with one character dropped names (``2.其他法律行政止公开``), if only one row fits.

    Each plain key of four or more characters, less any one character, is looked for in the run; the row
    is taken only when exactly one row has such a near match.
    """
    if _GROUP_END.search(run):
        return None
    run = run[-3 * MAX_LABEL :]  # a row's label is short: only the end of a long run can be it
    hits = set()
    traces = set()  # rows whose key is spread through the run (two labels interleaved, as in a bad PDF)
    for row in rows:
        for key in row.keys:
            plain = key.strip("^$")
            if len(plain) < 3 or re.search(r"[\\()\[\]|.*+?{}]", plain):
                continue
            if len(plain) >= 4 and any(plain[:i] + plain[i + 1 :] in run for i in range(len(plain))):
                if _label_tail(run, label_key(row.label)) >= max(4, 0.6 * len(label_key(row.label))):
                    hits.add(row.key)
            elif _spread(plain, run):
                traces.add(row.key)
    return hits.pop() if len(hits) == 1 and not traces - hits else None


def _label_tail(run: str, label: str) -> int:
    """How many characters at the end of ``run`` are the official label's, in order, with some left out."""
    j = len(label) - 1
    n = 0
    for ch in reversed(run):
        while j >= 0 and label[j] != ch:
            j -= 1
        if j < 0:
            break
        n += 1
        j -= 1
    return n


def _spread(key: str, text: str) -> bool:
    """Whether the characters of ``key`` occur in ``text`` in order (not necessarily together)."""
    it = iter(text)
    return all(ch in it for ch in key)


def _bare_full_lines(tokens: Sequence[Token], n: int) -> dict[int, list[Token]]:
    """Lines that are a whole row without a label: exactly ``n`` values, or ``n`` cells, and nothing else."""
    out: dict[int, list[Token]] = {}
    line = -1
    cur: list[Token] | None = None  # None: the line has a label
    for t in (*tokens, Token(LABEL, "", -2, 0)):  # tokens come line by line; a sentinel ends the last
        if t.line != line:
            if cur:
                nums = sum(x.kind == NUMBER for x in cur)
                spaced = sum(len(x.parts) for x in cur) if nums == len(cur) else 0  # ``0 0 1 0 0 0 1``
                if nums == n or len(cur) == n or spaced == n:  # n cells: a row of blanks (``-``) is one too
                    out[line] = cur
            line, cur = t.line, []
        if cur is None:
            continue
        if t.kind in (LABEL, PROSE):
            cur = None
        else:
            cur.append(t)
    return out


def align_by_sequence(
    found: dict[str, RowCells],
    tokens: Sequence[Token],
    order: Sequence[Row],
    wanted: set[str],
    n: int,
    data_col: int | None,
) -> tuple[dict[str, RowCells], set[str]]:
    """Give label-less number rows to the rows whose labels floated away, by the table's fixed row order.

    PDF-to-markdown converters set some rows as label-less lines of numbers and float their labels
    above or below (``5.属于三类内部事务信`` / ``息`` / ``| 1 | 0 | … | 1 |``).  Rows whose label stands
    on the line of its numbers anchor their place; the label-less full rows between two anchors fill the
    rows missing between them in order -- only when there are exactly as many of them.  Otherwise those
    rows are returned as undecided (null with a finding).  A floating label never takes numbers, and a
    line that is not a whole row (a stray ``1``) is ignored.  Returns (rows, undecided row keys).
    """
    bare = _bare_full_lines(tokens, n)
    if not bare:
        return found, set()
    hard: dict[str, int] = {}
    soft: dict[str, int] = {}  # a label line of blank cells (``-``) right before a label-less row
    lines = sorted({t.line for t in tokens})
    following = dict(pairwise(lines))
    for k, rc in found.items():
        on = [t for t in rc.tokens if t.line == rc.label_line]
        if rc.label_line in bare:
            continue
        if any(t.kind == NUMBER for t in on):
            hard[k] = rc.label_line
        elif len(on) >= n:
            (soft if following.get(rc.label_line) in bare else hard)[k] = rc.label_line
    if not (hard or soft):
        # no label beside its numbers at all (the labels set apart, as a column): the label-less rows are
        # the table's rows in order only when there is exactly one for each row
        keys = [r.key for r in order if r.key in wanted]
        if len(bare) != len(keys) or not found:
            return found, set()
        return _by_sequence(found, bare, order, wanted, {}, n, data_col, allow_none=True)[:2]
    # the blanks of a soft anchor are either its own cells (``-``) or the padding of a label whose values
    # are the next row: take the reading under which every label-less row has its place
    readings = [_by_sequence(found, bare, order, wanted, {**hard, **soft}, n, data_col)]
    if soft:
        readings.append(_by_sequence(found, bare, order, wanted, hard, n, data_col))
    best = min(readings, key=lambda r: (not r[2], len(r[1])))
    return best[0], best[1]


def _by_sequence(
    found: dict[str, RowCells],
    bare: dict[int, list[Token]],
    order: Sequence[Row],
    wanted: set[str],
    anchors: dict[str, int],
    n: int,
    data_col: int | None,
    allow_none: bool = False,
) -> tuple[dict[str, RowCells], set[str], bool]:
    """(rows, undecided rows, whether every label-less row found its place) for one choice of anchors."""
    if not anchors and not allow_none:
        return found, set(), False
    keys = [r.key for r in order if r.key in wanted or r.key in anchors]
    out: dict[str, RowCells] = {}
    for k, rc in found.items():
        if k in anchors:
            on_line = [t for t in rc.tokens if t.line == rc.label_line]
            # a whole row on the label's line keeps only that line (a stray number after it is not its);
            # a line of blanks may only pad the label of a row split over two lines: it keeps what follows
            full = len([t for t in on_line if t.col > rc.label_col]) >= n and any(t.kind == NUMBER for t in on_line)
            kept = on_line if full else [t for t in rc.tokens if t.line not in bare]
            out[k] = replace(rc, tokens=kept)
    undecided: set[str] = set()
    consistent = True
    marks = [(-1, -1)] + [(i, anchors[k]) for i, k in enumerate(keys) if k in anchors] + [(len(keys), 1 << 30)]
    for (i, lo), (j, hi) in pairwise(marks):
        missing = keys[i + 1 : j]
        between = sorted(line for line in bare if lo < line < hi)
        if not missing:
            consistent &= not between
            continue
        if not between or lo > hi:  # nothing label-less here: the rows keep what their labels found
            for k in missing:
                own = [t for t in found[k].tokens if t.line not in bare] if k in found else []
                if k in found and (own or lo < hi):
                    out[k] = replace(found[k], tokens=own)
                elif lo > hi:  # anchors out of order: no sequence to place by
                    undecided.add(k)
            continue
        if len(between) != len(missing):
            undecided.update(missing)
            consistent = False
            continue
        for k, line in zip(missing, between):
            ts = bare[line]
            if len(ts) == n and data_col is not None:  # n cells: they stand in the grid's value columns
                ts = [t._replace(col=data_col + c) for c, t in enumerate(ts)]
            out[k] = RowCells(k, list(ts), label_line=line, label_col=-1)
    return out, undecided, consistent
