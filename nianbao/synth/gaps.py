"""The ``missing_middle_cell`` trait: a row that lost a cell (a blank a converter dropped, or any cell a
copy lost), so that every later value of the line sits one column left of its own.

What a perfect parser must read is computed here by brute force, independently of the parser: every
placement of the lost cells among the row's cells is tried; a lost part is what its row's total leaves
(when it is the only unknown of the sum), a lost total is unknown (a blank total).  The placements of all
rows are then taken together and kept when the table's rules hold -- each column's outcome sum and
勾稽关系 for table 三, the three groups of table 四 (section 二 has no arithmetic).  A cell is expected only
where every kept reading agrees; a lost cell itself is expected null.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, product

from .. import formats

Value = int | float
Reading = tuple[Value | None, ...]


def placements(present: Sequence[Value | None], n: int, sums: Sequence[tuple[Sequence[int], int]]) -> list[Reading]:
    """Every reading of a row's ``present`` cells (blank ones None) as ``n`` cells that its ``sums`` admit."""
    out: list[Reading] = []
    for gaps in combinations(range(n), n - len(present)):
        it = iter(present)
        row: list[Value | None] = [None if i in gaps else next(it) for i in range(n)]
        ok = True
        for parts, total in sums:
            if total in gaps:
                continue  # a lost total: unknown, its sum cannot be checked
            known = [row[i] or 0 for i in parts if i not in gaps]
            lost = [i for i in parts if i in gaps]
            rest = (row[total] or 0) - sum(known)
            if rest < 0 or (not lost and rest != 0):
                ok = False
                break
            if len(lost) == 1 or rest == 0:
                for i in lost:
                    row[i] = rest if len(lost) == 1 else 0
        if ok and tuple(row) not in out:
            out.append(tuple(row))
    return out


def agree(readings: Sequence[Reading], n: int) -> list[Value | None]:
    """Each cell where every reading gives it the same value, else None."""
    if not readings:
        return [None] * n
    return [r[0] if len(set(r)) == 1 else None for r in zip(*readings, strict=True)]


def requests_expected(template: str, rows: dict[str, list[Reading]]) -> dict[str, list[Value | None]]:
    """Table 三 as a perfect parser reads it: the rows' readings chosen together over every column rule.

    ``rows`` maps every row to its readings (one for a whole row).  A rule of a column is checked in a
    reading of the table only where each cell it needs is known.
    """
    ncol = len(formats.REQUEST_COLUMNS)
    outcomes = formats.OUTCOME_ROWS[template]
    multi = [k for k, rs in rows.items() if len(rs) > 1]
    fit: dict[str, set[Reading]] = {k: set() for k in rows}
    for combo in product(*(rows[k] for k in multi)):
        pick = {k: rs[0] for k, rs in rows.items()} | dict(zip(multi, combo, strict=True))
        ok = True
        for c in range(ncol):
            out = [pick[o][c] for o in outcomes if o in pick]
            total = pick["processed_total"][c]
            if total is not None and None not in out and sum(out) != total:  # type: ignore[arg-type]
                ok = False
                break
            head = [pick[k][c] for k in ("new_received", "carried_over", "processed_total", "carried_forward")]
            if None not in head and head[0] + head[1] != head[2] + head[3]:  # type: ignore[operator]
                ok = False
                break
        if ok:
            for k in rows:
                fit[k].add(pick[k])
    if not any(fit.values()):  # no reading of the whole table: each row keeps what it decides alone
        return {k: agree(rs, ncol) for k, rs in rows.items()}
    return {k: agree(sorted(fit[k], key=str), ncol) for k in rows}
