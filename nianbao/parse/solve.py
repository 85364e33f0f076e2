"""Cells run together, solved as a whole table.

When the digits of a row run together (``640020470``, table 四 as one run ``10203120001200000``), one row
alone rarely decides where to cut: ``640020470`` reads as 64·0·0·2·0·4·70 and as 6·40·0·…, and each
reading may satisfy the row's own total.  The table decides: every column's outcome rows add up to its
（七）总计, and every column keeps its 勾稽关系 (新收 + 上年结转 = 总计 + 结转下年度).  So each row's
readings that satisfy the row's own rule are enumerated (bounded), and the rows are then chosen
together over the column rules.  A cell is filled only when every reading of the whole table that
satisfies all the rules agrees on it; where readings disagree it is null, and so is every cell of a row
whose search hit a bound (hostile input: very many digits) — never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import product

from .. import formats
from .cells import NUMBER, Token
from .numbers import Part, Value

MAX_DIGITS = 12  # digits of one cell: a count or an amount in 元 longer than this is not one
MAX_STEPS = 20_000  # search steps for one row's readings
MAX_TABLE_STEPS = 60_000  # and for all the rows of one table
MAX_READINGS = 2_000  # readings of one row kept for the table
MAX_STATES = 50_000  # partial column sums kept while the rows are chosen together

Reading = tuple[Value | None, ...]


def run_together(tokens: Sequence[Token], n: int) -> bool:
    """A row whose cells are only numbers, fewer than its n cells, with at least n digits: cells ran together."""
    if not tokens or sum(len(t.parts) for t in tokens) >= n or any(t.kind != NUMBER for t in tokens):
        return False
    digits = sum(len(p.digits) for t in tokens for p in t.parts)
    return n <= digits and (len(tokens) == 1 or len(tokens) <= n - 2)


def atoms(tokens: Sequence[Token]) -> list[Part]:
    """The numbers of a row as written, in order: each is one cell or several run together."""
    return [p for t in tokens if t.kind == NUMBER for p in t.parts]


class Budget:
    """Search steps left for one table: however many rows run together, the table stays fast."""

    def __init__(self, steps: int = MAX_TABLE_STEPS) -> None:
        self.left = steps


class Bound(Exception):
    """The search for readings hit its bound."""


def readings(
    row: Sequence[Part],
    n: int,
    ok: Callable[[int, Value], bool],
    prefix_ok: Callable[[tuple[Value, ...]], bool] = lambda _v: True,
    budget: Budget | None = None,
    max_readings: int = MAX_READINGS,
) -> list[tuple[Value, ...]] | None:
    """Every reading of ``row`` as exactly ``n`` values, cell i passing ``ok(i, v)`` and every prefix
    passing ``prefix_ok``; None when the search hit its bound.

    A number may be cut anywhere between its digits (no piece with a leading zero but ``0`` itself); a
    space or a token boundary always cuts (in a row whose cells ran together, a space is a cell's edge).
    """
    found: list[tuple[Value, ...]] = []
    steps = 0
    budget = budget or Budget()
    max_steps = min(MAX_STEPS, budget.left)
    # cells the numbers from atom i on need at least (no cell longer than MAX_DIGITS, none across a space)
    need = [0] * (len(row) + 1)
    for i in range(len(row) - 1, -1, -1):
        need[i] = need[i + 1] + -(-len(row[i].digits) // MAX_DIGITS)
    left = [0] * (len(row) + 1)  # digits from atom i on: the most cells the rest can hold
    for i in range(len(row) - 1, -1, -1):
        left[i] = left[i + 1] + len(row[i].digits)

    def cells_from(i: int, j: int, room: int) -> Iterator[tuple[Value, int, int]]:
        """(value, next atom, next offset) of every cell starting at digit j of atom i."""
        a = row[i]
        digits = a.digits
        sign = a.sign if j == 0 else ""
        if "," in digits:  # 1,234: one number as written
            if j == 0:
                yield a.value, i + 1, 0
            return
        # the rest of the row must still fit in the cells left after this one
        spare = room - 1 - need[i + 1]
        last = len(digits)
        ends = [j + 1] if digits[j] == "0" else range(j + 1, min(last, j + MAX_DIGITS) + 1)
        for e in ends:
            if e < last and -(-(last - e) // MAX_DIGITS) > spare:
                continue
            if e == last and (a.decimals or a.unit):  # the last piece carries decimals and unit
                yield Part(sign, digits[j:e], a.decimals, a.unit).value, i, e
            else:
                v = int(digits[j:e])
                yield (-v if sign == "-" else v), i, e

    def go(i: int, j: int, acc: tuple[Value, ...]) -> None:
        nonlocal steps
        steps += 1
        if steps > max_steps or len(found) > max_readings:
            raise Bound
        if i < len(row) and j >= len(row[i].digits):
            i, j = i + 1, 0
        if i == len(row):
            if len(acc) == n:
                found.append(acc)
            return
        room = n - len(acc)
        if room < -(-(len(row[i].digits) - j) // MAX_DIGITS) + need[i + 1] or room > left[i] - j:
            return
        for v, ni, nj in cells_from(i, j, room):
            if not ok(len(acc), v):
                continue
            nacc = (*acc, v)
            if prefix_ok(nacc):
                go(ni, nj, nacc)

    try:
        go(0, 0, ())
    except Bound:
        return None
    finally:
        budget.left -= steps
    return found


def agreed(found: Sequence[Reading], n: int) -> Reading:
    """Each cell's value where every reading agrees, else None."""
    if not found:
        return (None,) * n
    first = found[0]
    return tuple(v if all(r[i] == v for r in found) else None for i, v in enumerate(first))


# ------------------------------------------------------------------ the requests table as a whole

_HEAD = ("new_received", "carried_over", "processed_total", "carried_forward")
_MAX_HEADS = 20_000


def solve_requests(cands: dict[str, list[Reading]], template: str) -> dict[str, list[Reading]] | None:
    """The readings of each row that belong to some reading of the whole table satisfying every column rule.

    ``cands`` holds every row's candidate readings (one for a row read plainly; an empty list for a row
    whose readings are unknown, which then takes part in no rule).  Returns None when no reading of the
    table satisfies the rules, or when a bound was hit: the caller then keeps what each row decides alone.
    """
    ncol = len(formats.REQUEST_COLUMNS)
    outcomes = [k for k in formats.OUTCOME_ROWS[template] if k in cands]
    head = [cands.get(k, []) for k in _HEAD]
    wild_outcome = any(not cands[k] for k in outcomes) or not head[2]

    def known(rows: Sequence[list[Reading]], c: int) -> bool:
        return all(rows) and all(r[c] is not None for rs in rows for r in rs)

    # a column's outcome sum is used only where 总计 and every outcome row are known there: a cell left null
    # (absent, unreadable) is not a blank zero, and reading it as 0 could pick the wrong cut elsewhere
    mask_o = [] if wild_outcome else [c for c in range(ncol) if known([head[2], *(cands[k] for k in outcomes)], c)]
    mask_b = [c for c in range(ncol) if known(head, c)]
    heads = list(product(*[h or [(None,) * ncol] for h in head]))
    if len(heads) > _MAX_HEADS:
        return None

    def z(v: Value | None) -> Value:
        return 0 if v is None else v

    heads = [h for h in heads if all(z(h[0][c]) + z(h[1][c]) == z(h[2][c]) + z(h[3][c]) for c in mask_b)]

    def proj(r: Reading) -> tuple[Value, ...]:
        return tuple(z(r[c]) for c in mask_o)

    forward: list[set[tuple[Value, ...]]] = [{tuple(0 for _ in mask_o)}]
    for k in outcomes:
        rs = {proj(r) for r in cands[k]} if mask_o else {()}
        nxt = {tuple(a + b for a, b in zip(s, r)) for s in forward[-1] for r in rs}
        if len(nxt) > MAX_STATES:
            return None
        forward.append(nxt)
    targets = {proj(h[2]) for h in heads} if mask_o else {()}
    back: list[set[tuple[Value, ...]]] = [set() for _ in forward]
    back[-1] = forward[-1] & targets
    if not back[-1] or not heads:
        return None
    for i in range(len(outcomes) - 1, -1, -1):
        rs = {proj(r) for r in cands[outcomes[i]]} if mask_o else {()}
        back[i] = {s for s in forward[i] if any(tuple(a + b for a, b in zip(s, r)) in back[i + 1] for r in rs)}
    out: dict[str, list[Reading]] = {k: list(v) for k, v in cands.items()}
    for i, k in enumerate(outcomes):
        if mask_o:
            out[k] = [
                r for r in cands[k] if any(tuple(a + b for a, b in zip(s, proj(r))) in back[i + 1] for s in back[i])
            ]
    fit = [h for h in heads if proj(h[2]) in back[-1]]
    for j, k in enumerate(_HEAD):
        if cands.get(k):
            out[k] = list(dict.fromkeys(h[j] for h in fit))
    return out
