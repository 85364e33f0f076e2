"""Cell text -> numbers, and the readings of cells that were split or run together.

A reading of a row is only taken when it is certain: either the cells are plainly there, or exactly
one way of splitting/merging the digits satisfies the table's own arithmetic.  Otherwise the caller
gets ``None`` and says so in a finding — a plausible wrong value is worse than a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from ..formats import UNITS

Value = int | float

_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# One number with an optional unit: 12 · -139 条 · 24230421.50 元 · 960 万 · 1,234
NUMBER = re.compile(rf"([+-]?)\s*(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?\s*({_UNIT_ALT})?")
# Patterns below cannot backtrack (atomic groups, possessive quantifiers): a cell of many numbers
# followed by a letter used to take exponential time.  A number's decimals may run straight into the
# next number ("6.657,3" is 6.6 and 57,3), as the first, backtracking form of these patterns allowed.
_DECIMALS = r"(?:\.\d(?:\d[\d,]*+\.\d)*+(?:\d[\d,]*+)?+)?+"
_ONE_NUMBER = rf"(?>[+-]?\s*+\d[\d,]*+{_DECIMALS}\s*+(?:{_UNIT_ALT})?+\s*+)"
# A whole cell made only of numbers (with units), possibly several separated by spaces: "0 0 0", "1 2".
NUMBER_CELL = re.compile(rf"^{_ONE_NUMBER}++$")
# The numbers after a label in one cell ("行政许可 585 32 7951"): no space after a sign here.
_TAIL = re.compile(rf"\s++((?>[+-]?\d[\d,]*+{_DECIMALS}\s*+(?:{_UNIT_ALT})?+\s*+)++)")
_IN_TAIL = re.compile(rf"[\d\s.,+\-{''.join(sorted(set(''.join(UNITS))))}]*+")
_UNIT_THEN_SPACE = re.compile(rf"[{''.join(sorted(set(''.join(UNITS))))}](?=\s)")
_LABEL_TRIES = 4  # unit characters tried as the end of a label inside a run of numbers (each try scans the run)
_UNIT_WORD = re.compile(rf"^(?:{_UNIT_ALT})$")


@dataclass(frozen=True)
class Part:
    """One number as written: its digits, sign, decimals and unit."""

    sign: str
    digits: str
    decimals: str
    unit: str

    @property
    def value(self) -> Value:
        text = self.digits.replace(",", "") + self.decimals
        v: Value = float(text) if self.decimals else int(text)
        v = -v if self.sign == "-" else v
        return v


def parts(cell: str) -> list[Part]:
    return [Part(m.group(1), m.group(2), m.group(3) or "", m.group(4) or "") for m in NUMBER.finditer(cell)]


def is_number_cell(cell: str) -> bool:
    return bool(NUMBER_CELL.match(cell)) and not _UNIT_WORD.match(cell.strip())


def split_label(cell: str) -> tuple[str, str] | None:
    """A cell that is a label followed by its numbers -> (label, numbers); else None.

    The label is the shortest that leaves only numbers after it (as ``^(.*?[^\\d\\s.,+-])\\s+(numbers)$``
    would say), found in time linear in the cell: the numbers can only start after the last character
    that cannot be part of them, so only that one and the unit characters after it can end the label.
    """
    if "\n" in cell:
        return None
    run = len(_IN_TAIL.match(cell[::-1]).group())  # the run of number characters at the end
    start = len(cell) - run
    ends = [start - 1] if start > 0 else []
    ends += [m.start() for _, m in zip(range(_LABEL_TRIES), _UNIT_THEN_SPACE.finditer(cell, start), strict=False)]
    for end in ends:
        m = _TAIL.fullmatch(cell, end + 1)
        if m:
            return cell[: end + 1], m.group(1)
    return None


def whole(cell_parts: Sequence[Part]) -> Part:
    """The parts of one cell read as a single number (``1 2`` -> 12)."""
    if len(cell_parts) == 1:
        return cell_parts[0]
    first, last = cell_parts[0], cell_parts[-1]
    return Part(first.sign, "".join(p.digits for p in cell_parts), last.decimals, last.unit)


def _splits(digits: str, k: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut a digit string into k integers written without leading zeros."""
    n = len(digits)
    if k > n:
        return
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        pieces = [digits[a:b] for a, b in pairwise(bounds)]
        if all(p == "0" or p[0] != "0" for p in pieces):
            yield tuple(int(p) for p in pieces)


class Truncated(Exception):
    """Reading the cells took more steps than allowed."""


def readings(cells: Sequence[Sequence[Part]], n: int, limit: int = 20000) -> Iterator[tuple[Value, ...]]:
    """Every reading of ``cells`` as exactly ``n`` values; raises :class:`Truncated` past ``limit`` steps.

    Within a cell, adjacent parts may be one number split by a space (``1 2``) or separate numbers;
    a part with no sign, decimals or unit may be several numbers run together (``801000081``).
    """
    flat = [p for c in cells for p in c]
    # Each part: either starts a new number, or continues the previous one (only inside one cell).
    starts_cell = [i == 0 for c in cells for i in range(len(c))]
    seen = 0

    def go(i: int, acc: tuple[Value, ...], pending: str | None) -> Iterator[tuple[Value, ...]]:
        nonlocal seen
        seen += 1  # every step counts, not only the readings found: many digits must not make this slow
        if seen > limit:
            raise Truncated
        if i == len(flat):
            if pending is not None:
                acc = (*acc, int(pending))
            if len(acc) == n:
                seen += 1
                yield acc
            return
        p = flat[i]
        if len(acc) > n:
            return
        # continue the previous part (a number split by a space inside one cell)
        if pending is not None and not starts_cell[i] and not p.sign:
            if not p.decimals and not p.unit and "," not in p.digits:
                yield from go(i + 1, acc, pending + p.digits)
            else:
                yield from go(i + 1, (*acc, Part("", pending + p.digits, p.decimals, p.unit).value), None)
        done = acc if pending is None else (*acc, int(pending))
        room = n - len(done)
        if room <= 0:
            return
        if p.sign or p.decimals or p.unit or "," in p.digits:
            yield from go(i + 1, (*done, p.value), None)
            return
        yield from go(i + 1, done, p.digits)
        for k in range(2, min(room, len(p.digits)) + 1):
            for pieces in _splits(p.digits, k):
                seen += 1
                if seen > limit:
                    raise Truncated
                yield from go(i + 1, (*done, *pieces[:-1]), str(pieces[-1]))

    yield from go(0, (), None)


def resolve(
    cells: Sequence[Sequence[Part]], n: int, holds: Callable[[tuple[Value, ...]], bool]
) -> tuple[tuple[Value, ...] | None, int]:
    """The one reading of ``cells`` as ``n`` values that ``holds``; (None, count) when not exactly one."""
    found: set[tuple[Value, ...]] = set()
    try:
        for r in readings(cells, n):
            if holds(r):
                found.add(r)
                if len(found) > 1:
                    return None, len(found)
    except Truncated:  # too many ways to read to look at them all: not one reading we can be sure of
        return None, 2
    if len(found) == 1:
        return next(iter(found)), 1
    return None, 0


def scale(value: Value, unit: str, target_unit: str) -> Value:
    """Convert a money value written with ``unit`` into ``target_unit`` (元 or 万元)."""
    factor = UNITS.get(unit, 1) if unit in ("万", "万元", "亿元", "元") else UNITS.get(target_unit, 1)
    v = value * factor / UNITS[target_unit]
    return tidy(v)


def tidy(v: Value) -> Value:
    """Integral floats become ints; others keep six decimals (万元 amounts are written to the yuan's cents and
    beyond: 24252.311082), which drops only the float noise of unit conversion."""
    if isinstance(v, float):
        r = round(v, 6)
        return int(r) if r == int(r) else r
    return v
