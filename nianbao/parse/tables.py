"""Tokens -> table cells keyed as in the spec.  Rows are found by their labels, wherever the labels sit.

Steps (each a small function): ``match_rows`` finds which row each run of label tokens names and
collects the cells after it; ``place`` turns one row's cells into values — directly when every cell
is plainly there, through :func:`numbers.resolve` when cells were split or run together, by grid
position when some are blank or missing — and reports what it could not place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import combinations

from .. import formats
from ..formats import Row
from ..model import Finding
from ..readers.normalize import label_key
from . import solve
from .cells import BLANK, LABEL, NUMBER, PROSE, Token
from .numbers import Part, Value, resolve, scale, tidy, whole
from .rows import RowCells, align_by_sequence, near_row

_ALL_REQUEST_ROWS = formats.REQUEST_ROWS
# the captions of section 二's sub-tables (第二十条第（五）项), as label keys
_CAPTION = re.compile(
    "|".join(sorted({re.escape(label_key(c)) for groups in formats.ACTIVE_GROUPS.values() for c, _ in groups}))
)
_PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _patterns(table: str, rows: Sequence[Row]) -> list[tuple[str, re.Pattern[str]]]:
    if table not in _PATTERNS:
        _PATTERNS[table] = [(r.key, re.compile("|".join(f"(?:{k})" for k in r.keys))) for r in rows]
    return _PATTERNS[table]


_ROWSETS: dict[str, Sequence[Row]] = {}


@lru_cache(maxsize=16384)
def name_row(run: str, table: str) -> str | None:
    """The row a run of label text names: of all rows whose pattern occurs, the one matched last in the run."""
    best: tuple[int, int, str] | None = None
    for key, pat in _patterns(table, _ROWSETS[table]):
        for m in pat.finditer(run):
            cand = (m.end(), -m.start(), key)
            if best is None or cand > best:
                best = cand
    if best:
        return best[2]
    return near_row(run, _ROWSETS[table])


# the requests table's column headings but 其他/总计 (words of row labels too), as label keys
_REQUEST_HEADINGS = re.compile("|".join(label_key(c.label) for c in formats.REQUEST_COLUMNS[:5]))


def _column_block(run: str, table: str) -> bool:
    """Does a run of label text name two rows and then give the columns' headings?  Then the numbers after it
    are the table set column by column (a converter's one-cell-a-paragraph text), not the last row's."""
    headings = list(_REQUEST_HEADINGS.finditer(run))
    if len(headings) < 2:
        return False
    before = run[: headings[0].start()]
    named = {key for key, pat in _patterns(table, _ROWSETS[table]) if pat.search(before)}
    return len(named) >= 2


def match_rows(tokens: Sequence[Token], table: str, rows: Sequence[Row]) -> dict[str, RowCells]:
    """Collect, for every row named in ``tokens``, the number and blank cells that follow its label."""
    _ROWSETS.setdefault(table, rows)
    found: dict[str, RowCells] = {}
    current: RowCells | None = None
    run: list[Token] = []
    after_noise = False
    # a blank cell before a label on the same line is padding of that label's row, not a cell of the previous
    last_label_col: dict[int, int] = {}
    widths: dict[int, int] = {}
    for t in tokens:
        if t.kind == LABEL:
            last_label_col[t.line] = t.col
        widths[t.line] = max(widths.get(t.line, 0), t.col + 1)
    numbered = Counter(widths[t.line] for t in tokens if t.kind == NUMBER)
    per_line = Counter(t.line for t in tokens)
    spilled = {t.line for t in tokens if t.kind == NUMBER and "(" in t.text and per_line[t.line] == 1}
    full_width = numbered.most_common(1)[0][0] if numbered else 0
    skip: set[int] = set()
    for idx, t in enumerate(tokens):
        if idx in skip:
            continue
        if t.kind == LABEL:
            run.append(t)
            continue
        if t.kind == PROSE:
            run = []
            current = None
            continue
        if t.kind == NUMBER:
            after_noise = False
        if run:
            text = "".join(r.text for r in run)
            captions = list(_CAPTION.finditer(text))
            if captions:
                # a sub-table's caption (第二十条第（五）项) ends the row before it: only labels after it count
                text = text[captions[-1].end() :]
                current = None
            key = name_row(text, table) if text else None
            if key is not None and table == "requests" and _column_block(text, table):
                key, current = None, None
            if key is None and t.kind == NUMBER and t.line == run[-1].line:
                key, more = _wrapped_label(tokens, idx, text, table)
                skip.update(more)
            if key is not None:
                after_noise = False
                prev = found.get(key)
                if prev is None or not any(x.kind == NUMBER for x in prev.tokens):
                    current = found[key] = RowCells(
                        key,
                        label_line=run[-1].line,
                        label_col=run[-1].col,
                        shift=_shift(run, widths, full_width),
                        short=full_width - widths.get(run[-1].line, 0),
                    )
                else:
                    current = None  # the same row again (a repeated header): its cells belong to no row
            else:
                after_noise = t.kind == BLANK  # blanks after an unmatched label pad that label's cells
            run = []
        if current is None:
            continue
        if t.kind == BLANK and (after_noise or last_label_col.get(t.line, -1) > t.col):
            continue
        if t.kind == NUMBER and t.line in spilled:
            continue
        current.tokens.append(t)
    # a value with a remark alone on its line (``22 （其中修订 16 件）``) is a cell spilled out of a row beside
    # it that lost its column: which column cannot be told, so those rows are placed by order only
    for rc in found.values():
        if any(abs(s - rc.label_line) <= 2 for s in spilled):
            rc.shift = None
    return found


def _wrapped_label(tokens: Sequence[Token], idx: int, text: str, table: str) -> tuple[str | None, list[int]]:
    """A label wrapped with its numbers on the first fragment (``行政规范⇥13⇥2⇥101`` / ``性文件``).

    When the fragment before the numbers names no row, the label-only line right after the numbers'
    line may finish it; the whole label names the row, and that line is consumed (it is not the start of
    the next row's label).  Returns (row, indices of the continuation's tokens).
    """
    line = tokens[idx].line
    j = idx
    while j < len(tokens) and tokens[j].line == line:
        j += 1
    if j == len(tokens):
        return None, []
    nxt = tokens[j].line
    end = j
    while end < len(tokens) and tokens[end].line == nxt:  # tokens come in line order: the next line's run
        end += 1
    cont = list(range(j, end))
    if not all(tokens[k].kind == LABEL for k in cont):
        return None, []
    key = name_row(text + "".join(tokens[k].text for k in cont), table)
    return (key, cont) if key is not None else (None, [])


def _shift(run: Sequence[Token], widths: dict[int, int], full_width: int) -> int | None:
    """By how many grid columns the label's line is shifted because a label cell broke across lines.

    The continuation restarts at column 0.  The shift is the broken piece's column when the line's width
    confirms it, and None (grid positions cannot be trusted: place by order and arithmetic) when it does not.
    """
    last = run[-1].line
    head = [t for t in run if t.line == last]
    before = [t for t in run if t.line == last - 1]
    if not before or head[0].col != 0:
        return 0
    k = before[-1].col
    if k == 0 or len(before) > 2:  # nothing lost, or the line before was a header row, not a broken label
        return 0
    return k if widths.get(last, 0) + k == full_width else None


Sums = Sequence[tuple[Sequence[int], int]]
# the row's own arithmetic as sums: (cells that add up, the cell that holds their total)
REQUEST_SUMS: Sums = ((range(6), 6),)
APPEAL_SUMS: Sums = tuple((range(i, i + 4), i + 4) for i in range(0, 15, 5))


def place(
    cells: RowCells,
    n: int,
    holds: Callable[[tuple[Value, ...]], bool] | None,
    data_col: int | None,
    sums: Sums = (),
    seen: list[tuple[Value | None, ...]] | None = None,
) -> tuple[list[Part | None], str | None]:
    """The numbers of one row as written (value and unit) and, when some could not be placed with
    certainty, the rule to report.

    ``holds`` is the row's own arithmetic (None for rows that have none: their split or run-together
    digits are never guessed); ``data_col`` is the grid column where this table's values start, taken
    from its complete rows, used to place the values of a row with blank or missing cells.  ``sums`` is
    the same arithmetic as sums, used to place a row that lost cells (which ones, the line does not say);
    every admissible placement of such a row is appended to ``seen``, for the table's column rules to choose.
    """
    toks = cells.tokens
    nums = [t for t in toks if t.kind == NUMBER]
    if len(nums) == n:
        return [whole(t.parts) for t in nums], None
    if not nums:  # every cell blank (null), or the cells are not there at all
        return [None] * n, None if sum(t.kind == BLANK for t in toks) >= n else "structure.missing_cells"
    if cells.shift is None:
        data_col = None  # the label's line lost columns we cannot count: place by order and arithmetic only
    elif cells.shift:
        toks = [t._replace(col=t.col + cells.shift) if t.line == cells.label_line else t for t in toks]
        cells = replace(cells, tokens=toks, label_col=cells.label_col + cells.shift, shift=0)
    # the line holding all the row's numbers: the label's own line, or a label-less line after it
    lines = {t.line for t in nums}
    data_line = lines.pop() if len(lines) == 1 else cells.label_line
    after = cells.label_col if data_line == cells.label_line else -1
    on_line = [t for t in toks if t.line == data_line and t.col > after]
    if len(on_line) == n and on_line[0].kind == NUMBER and len(nums) == sum(t.kind == NUMBER for t in on_line):
        # exactly the row's cells on its line, the first a number (no padding): they stand in order, whatever
        # columns merged cells made them span
        return [whole(t.parts) if t.kind == NUMBER else None for t in on_line], None
    if data_col is not None and len(on_line) >= n and nums:
        grid = _on_grid(on_line, n, max(data_col, after + 1))
        if grid is not None:
            return grid, None
    flat = sum(len(t.parts) for t in nums)
    if flat == n:
        return [p for t in nums for p in t.parts], None
    digits = sum(len(p.digits) for t in nums for p in t.parts)
    if len(nums) > n or flat > n:
        if holds is not None:
            value, _count = resolve([t.parts for t in nums], n, holds)
            if value is not None:
                return _as_parts(value), None
        return [None] * n, "structure.ambiguous_cells"
    first = next(i for i, t in enumerate(toks) if t.kind == NUMBER) if nums else 0
    delimited = any(t.kind == BLANK for t in toks[first:])  # blank cells between values: cells are marked
    if holds is not None and digits >= n and not delimited and (len(nums) <= n - 2 or len(nums) == 1):
        value, count = resolve([t.parts for t in nums], n, holds)
        if value is not None:
            return _as_parts(value), None
        if count > 1 or not any(t.kind == BLANK for t in toks):
            # several readings fit, or none does and no blank cell shows where the values stand
            return [None] * n, "structure.ambiguous_cells"
    # Fewer values than cells: place by grid position only when the row's line is as wide as the table's
    # complete lines (a grid).  A shorter line lost cells -- its last, or one in the middle, which moves every
    # later value one column left: its column indices mean nothing, and placements are weighed instead.
    # (the line must also reach the row's last column: section 二's tables differ in width)
    start = max(data_col or 0, after + 1)
    gridlike = cells.short <= 0 and max(t.col for t in on_line or toks) >= start + n - 1
    if data_col is not None and nums and data_line == cells.label_line and not lines and gridlike:
        out: list[Part | None] = [None] * n
        for t in on_line:
            if t.kind == NUMBER and 0 <= t.col - start < n:
                out[t.col - start] = whole(t.parts)
        return out, "structure.missing_cells"
    if data_col is not None and data_line == cells.label_line:
        # blanks left of the column where values start pad the label: a lost cell moves only what follows it
        toks = [t for t in toks if not (t.kind == BLANK and t.line == data_line and t.col < data_col)]
    items: list[Part | None] = []
    explicit = any(t.kind == BLANK for t in toks)  # cells are marked: a cell's spaced digits are one number
    for t in toks:
        if t.kind == NUMBER:
            items.extend([whole(t.parts)] if explicit else t.parts)
        else:
            items.append(None)
    # blanks beyond the row's cells are padding of merged label cells: drop them from the ends
    while len(items) > n and items[-1] is None:
        items.pop()
    while len(items) > n and items[0] is None:
        items.pop(0)
    if len(items) == n and sums and (items[0] is None or items[-1] is None):
        return _ends_weighed(items, n, holds, sums, seen)
    # n cells, unless a leading blank is only the padding of a label cell: the row's arithmetic tells
    if len(items) == n and not (items[0] is None and holds is not None and not holds(_zeros(items))):
        return items, None
    if len(items) > n:
        return [None] * n, "structure.ambiguous_cells"
    while items and items[0] is None:
        items.pop(0)
    return consensus(items, n, holds, sums, seen), "structure.missing_cells"


def _ends_weighed(
    items: list[Part | None],
    n: int,
    holds: Callable[[tuple[Value, ...]], bool] | None,
    sums: Sums,
    seen: list[tuple[Value | None, ...]] | None,
) -> tuple[list[Part | None], str | None]:
    """n items with a blank at an end: a blank cell, or the padding of a merged cell beside a row that lost
    a cell (``5 | 0 | 0 | 0 | 0 | 5 | |``).

    A row whose sums hold as written stands as written; otherwise every reading of both (a blank total left
    unchecked) is weighed, and a cell is kept where they all agree.
    """
    if _fill(items, set(), sums) is not None:
        return items, None
    read: list[tuple[Value | None, ...]] = []
    if items[-1] is None:  # a blank total: its sum cannot be checked
        consensus(items[:-1], n, holds, sums, read, gaps_at=(n - 1,))
    lead = 0
    while lead < n and items[lead] is None:
        lead += 1
    trail = n
    while trail > lead and items[trail - 1] is None:
        trail -= 1
    for v in {(lead, n), (0, trail), (lead, trail)} - {(0, n)}:
        consensus(items[v[0] : v[1]], n, holds, sums, read)
    distinct = list(dict.fromkeys(read))
    if seen is not None:
        seen.extend(distinct)
    if not distinct:
        return [None] * n, "structure.missing_cells"
    agreed = [v if all(r[i] == v for r in distinct) else None for i, v in enumerate(distinct[0])]
    return _as_parts(agreed), "structure.missing_cells"


def _zeros(items: Sequence[Part | None]) -> tuple[Value, ...]:
    """The row as the arithmetic reads it: blank cells count as 0."""
    return tuple(0 if p is None else p.value for p in items)


def values(parts: Sequence[Part | None]) -> list[Value | None]:
    """The numbers of placed parts (None stays None)."""
    return [None if p is None else p.value for p in parts]


def _as_parts(vals: Sequence[Value | None], unit: str = "") -> list[Part | None]:
    """Numbers read from split or run-together digits, as parts (the last carrying ``unit``)."""
    out: list[Part | None] = []
    for i, v in enumerate(vals):
        if v is None:
            out.append(None)
            continue
        text = f"{abs(v):.6f}".rstrip("0") if isinstance(v, float) else str(abs(v))
        digits, _, decimals = text.partition(".")
        last = unit if i == len(vals) - 1 else ""
        out.append(Part("-" if v < 0 else "", digits, f".{decimals}" if decimals else "", last))
    return out


def _on_grid(on_line: Sequence[Token], n: int, start: int) -> list[Part | None] | None:
    """The row's values by grid column, when its line has a cell (number or blank) at every data column."""
    out: list[Part | None] = [None] * n
    covered = set()
    for t in on_line:
        i = t.col - start
        if 0 <= i < n:
            covered.add(i)
            if t.kind == NUMBER:
                out[i] = whole(t.parts)
    return out if len(covered) == n else None


_ZERO = Part("", "0", "", "")


def consensus(
    items: Sequence[Part | None],
    n: int,
    holds: Callable[[tuple[Value, ...]], bool] | None,
    sums: Sums = (),
    seen: list[tuple[Value | None, ...]] | None = None,
    gaps_at: tuple[int, ...] = (),
) -> list[Part | None]:
    """Place ``items`` in ``n`` cells when some cells are absent and nothing tells which (or at ``gaps_at``).

    Every way of putting the absent cells among the items is tried.  With ``sums`` (the row's arithmetic),
    an absent part is what its total leaves (when it is the only unknown of its sum) and an absent total is
    unknown (a blank total); a placement stays when its sums can hold.  Without, an absent cell is a blank
    (0) checked by ``holds``, or unknown when the row has no arithmetic.  A cell keeps a value only where
    every admissible placement gives it the same one; the admissible rows are appended to ``seen``.
    """
    missing = n - len(items)
    agreed: list[Part | None] | None = None
    for gaps in [gaps_at] if gaps_at else combinations(range(n), missing):
        it = iter(items)
        vals: list[Part | None] = [None if i in gaps else next(it) for i in range(n)]
        if sums:
            filled = _fill(vals, set(gaps), sums)
            if filled is None:
                continue
            vals = filled
        elif holds is not None:
            vals = [_ZERO if i in gaps else v for i, v in enumerate(vals)]
            if not holds(_zeros(vals)):
                continue
        if seen is not None:
            seen.append(tuple(None if p is None else p.value for p in vals))
        agreed = vals if agreed is None else [a if a == v else None for a, v in zip(agreed, vals)]
    return agreed if agreed is not None else [None] * n


def _fill(vals: list[Part | None], gaps: set[int], sums: Sums) -> list[Part | None] | None:
    """``vals`` with each absent part its sum leaves; None when the placement breaks a sum.

    Blank cells (present, empty) count as 0; an absent total leaves its sum unchecked.
    """
    if any(v is not None and not (isinstance(v.value, int) and v.value >= 0) for v in vals):
        return None  # counts are whole numbers, never negative
    out = list(vals)
    for cells, total in sums:
        if total in gaps:
            continue
        t = 0 if vals[total] is None else vals[total].value
        unknown = [i for i in cells if i in gaps]
        rest = t - sum(0 if vals[i] is None else vals[i].value for i in cells if i not in gaps)
        if rest < 0 or (not unknown and rest != 0):
            return None
        if len(unknown) == 1 or rest == 0:  # the one unknown part, or parts that can only all be 0
            for i in unknown:
                out[i] = Part("", str(rest), "", "") if len(unknown) == 1 else _ZERO
    return out


def data_column(found: dict[str, RowCells], n: int) -> int | None:
    """The grid column where values start, taken from the rows that have all n values on their label's line."""
    starts: Counter[int] = Counter()
    for rc in found.values():
        nums = [t for t in rc.tokens if t.kind == NUMBER]
        cells = [t for t in rc.tokens if t.line == rc.label_line and t.col > rc.label_col]
        if len(nums) == n and all(t.line == rc.label_line for t in nums):
            starts[nums[0].col] += 2
        elif len(cells) == n and len({t.col for t in cells}) == n:
            starts[cells[0].col] += 1
    return starts.most_common(1)[0][0] if starts else None


# ------------------------------------------------------------------ the three tables


def extract_requests(
    tokens: Sequence[Token], template: str
) -> tuple[dict[str, dict[str, Value | None]], list[Finding], bool]:
    """Section 三.  Returns (rows, findings, any row found)."""
    cols = [c.key for c in formats.REQUEST_COLUMNS]
    n = len(cols)
    found = match_rows(tokens, "requests", _ALL_REQUEST_ROWS)
    data_col = data_column(found, n)
    wanted = {r.key for r in formats.request_rows(template)}
    old = found.get("other_handling")
    if template == "2021" and old is not None and any(t.line == old.label_line for t in old.tokens):
        wanted -= set(_OTHER_2021)  # the 2019 row stands in their place (template.mixed)
    found, undecided = align_by_sequence(found, tokens, _ALL_REQUEST_ROWS, wanted, n, data_col)
    out: dict[str, dict[str, Value | None]] = {}
    findings: list[Finding] = []

    def holds(v: tuple[Value, ...]) -> bool:
        return all(isinstance(x, int) and x >= 0 for x in v) and sum(v[:-1]) == v[-1]

    budget = solve.Budget()
    cands: dict[str, list[solve.Reading]] = {}
    run: set[str] = set()  # rows whose cells ran together: their readings are chosen with the whole table
    gapped: set[str] = set()  # rows that lost cells, several placements possible: chosen the same way
    for row in formats.request_rows(template):
        rc = None if row.key in undecided else found.get(row.key)
        if rc is None:
            out[row.key] = dict.fromkeys(cols)
            findings.append(
                _unordered("requests", row, [c.label for c in formats.REQUEST_COLUMNS])
                if row.key in undecided
                else _missing("requests", row, None)
            )
            cands[row.key] = [(None,) * n]
            continue
        if solve.run_together(rc.tokens, n):
            run.add(row.key)
            read = solve.readings(solve.atoms(rc.tokens), n, _count_ok, _row_total, budget)
            cands[row.key] = [] if read is None else list(dict.fromkeys(read))
            continue
        seen: list[solve.Reading] = []
        parts, rule = place(rc, n, holds, data_col, REQUEST_SUMS, seen)
        counts = [_count(v) for v in values(parts)]
        out[row.key] = dict(zip(cols, counts))
        cands[row.key] = [tuple(counts)]
        if len(set(seen)) > 1:  # cells absent, placements open: the table's column rules choose among them
            cands[row.key] = list(dict.fromkeys(seen))
            gapped.add(row.key)
        elif rule:
            findings.append(_unplaced("requests", row, cols, counts, rule, template))
    if run or gapped:
        joint = solve.solve_requests(cands, template)
        findings.extend(_gapped_requests(cands, joint, gapped, template, out))
    if run:
        findings.extend(_solved_requests(cands, run, template, out, joint))
    mixed = _mixed_other_handling(found, out, template, n, holds, data_col)
    if mixed is not None:
        findings = [f for f in findings if f.where not in {f"requests.{k}" for k in _OTHER_2021}]
        findings.append(mixed)
    for key in found:
        if (
            key not in out
            and key != "other_handling" * (mixed is not None)
            and any(t.kind == NUMBER for t in found[key].tokens)
        ):
            row = next(r for r in _ALL_REQUEST_ROWS if r.key == key)
            findings.append(
                Finding(
                    "template.outdated",
                    "warning",
                    f"requests.{key}",
                    f"第三部分表格中出现了{template}版模板没有的行“{row.label}”，其数字未计入。",
                    expected=f"template {template}",
                    found=row.label,
                )
            )
    return out, findings, bool(found)


_OTHER_2021 = ("other_overdue_correction", "other_overdue_fee", "other_other")


def _mixed_other_handling(
    found: dict[str, RowCells],
    out: dict[str, dict[str, Value | None]],
    template: str,
    n: int,
    holds: Callable[[tuple[Value, ...]], bool],
    data_col: int | None,
) -> Finding | None:
    """A 2021 table 三 that keeps the single 2019 row (六)其他处理 in place of its three rows.

    The three 2021 rows are 0 where the 2019 row is 0 (their sum is 0, so each is); where it is not 0,
    how it splits cannot be told: null.  Changes ``out`` in place; returns the ``template.mixed`` finding.
    """
    rc = found.get("other_handling")
    if template != "2021" or rc is None or any(k in found for k in _OTHER_2021):
        return None
    if not any(t.kind == NUMBER for t in rc.tokens):
        return None
    parts, _rule = place(rc, n, holds, data_col, REQUEST_SUMS)
    old = [_count(v) for v in values(parts)]
    cols = [c.key for c in formats.REQUEST_COLUMNS]
    for key in _OTHER_2021:
        out[key] = {c: (0 if v == 0 else None) for c, v in zip(cols, old)}
    said = "、".join(str(v) if v is not None else "空" for v in old)
    return Finding(
        "template.mixed",
        "warning",
        "requests.other_handling",
        f"这是2021版格式的报告，但第三部分表格仍用2019版的一行“(六)其他处理”（{said}），没有2021版的三行"
        "“1.申请人无正当理由逾期不补正…”“2.申请人逾期未按收费通知要求缴纳费用…”“3.其他”："
        "该行为0的列，三行都记为0；不为0的列无法拆分到三行，已留空。",
        expected="template 2021",
        found="(六)其他处理",
    )


def extract_active(
    tokens: Sequence[Token], template: str
) -> tuple[dict[str, dict[str, Value | None]], list[Finding], bool]:
    """Section 二.  Money goes to 元 (2019 procurement) or 万元 (2021 fees)."""
    rows = formats.active_rows(template)
    found = match_rows(tokens, f"active{template}", rows)
    header = "".join(t.text for t in tokens if t.kind == LABEL)
    out: dict[str, dict[str, Value | None]] = {}
    findings: list[Finding] = []
    by_width: dict[int, int | None] = {}
    # label-less rows of three numbers (the widest rows; narrower ones cannot be told from a wide row's
    # blank-padded cells) go to the three-field rows by their order
    wide = [r for r in rows if len(r.fields) == 3]
    aligned, undecided = align_by_sequence(
        {k: v for k, v in found.items() if k in {r.key for r in wide}},
        tokens,
        wide,
        {r.key for r in wide},
        3,
        data_column({k: v for k, v in found.items() if len(_fields(rows, k)) == 3}, 3),
    )
    found = {**{k: v for k, v in found.items() if len(_fields(rows, k)) != 3}, **aligned}
    budget = solve.Budget()
    recovered: list[str] = []
    for row in rows:
        n = len(row.fields)
        if n not in by_width:
            by_width[n] = data_column({k: v for k, v in found.items() if len(_fields(rows, k)) == n}, n)
        rc = None if row.key in undecided else found.get(row.key)
        if rc is None:
            out[row.key] = dict.fromkeys(row.fields)
            unsure = row.key in undecided
            labels = [formats.field_label(template, f) for f in row.fields]
            findings.append(_unordered("active", row, labels) if unsure else _missing("active", row, None))
            continue
        rule: str | None = None
        if solve.run_together(rc.tokens, n):
            parts, why = _active_run(rc.tokens, row, budget)
            if why:
                unknown = [formats.field_label(template, f) for f, p in zip(row.fields, parts) if p is None]
                findings.append(_run_unresolved("active", row, unknown, why))
            else:
                recovered.append(row.label)
        else:
            parts, rule = place(rc, n, None, by_width[n] if by_width[n] is not None else by_width.get(3))
        fixed: list[Value | None] = []
        for f, p in zip(row.fields, parts):
            if p is None:
                fixed.append(None)
            elif f in formats.MONEY_FIELDS:
                target = formats.MONEY_FIELDS[f]
                default = "万元" if re.search(r"(金额|采购总金额)万元|单位万元", header) else target
                fixed.append(scale(p.value, p.unit or default, target))
            else:
                fixed.append(_count(p.value * formats.UNITS.get(p.unit, 1) if p.unit == "万" else p.value))
        out[row.key] = dict(zip(row.fields, fixed))
        if rule:
            findings.append(_unplaced("active", row, list(row.fields), fixed, rule, template))
    if recovered:
        findings.append(
            _recovered("active", "主动公开政府信息情况表", recovered, "数字位数（每格至少一位、不以0开头）")
        )
    return out, findings, bool(found)


def extract_appeals(tokens: Sequence[Token]) -> tuple[dict[str, dict[str, Value | None]], list[Finding], bool]:
    """Section 四: the 15 numbers after the header, in the spec's order."""
    groups = [g.key for g in formats.APPEAL_GROUPS]
    fields = [f.key for f in formats.APPEAL_FIELDS]
    n = len(groups) * len(fields)
    # the header ends with its last 总计/尚未审结 label; the data are the numbers and blanks after it
    last = -1
    for i, t in enumerate(tokens):
        if t.kind == LABEL and re.search(r"总计|尚未审结|其他结果|结果纠正|结果维持", t.text):
            last = i
    empty = {g: dict.fromkeys(fields) for g in groups}
    if last < 0:
        return empty, [], False
    data: list[Token] = []
    for t in tokens[last + 1 :]:
        if t.kind in (LABEL, PROSE):
            if any(x.kind == NUMBER for x in data):
                break
            continue
        data.append(t)
    first = next((t for t in data if t.kind == NUMBER), None)
    line = first.line if first else -1
    on_line = [t for t in data if t.line == line]
    if first is not None and len(on_line) >= n and all(t.line == line for t in data if t.kind == NUMBER):
        data = on_line  # one grid line holds the 15 cells, blanks included
        start: int | None = on_line[0].col
    else:
        start = None
    rc = RowCells("appeals", data, label_line=line, label_col=-1)

    def holds(v: tuple[Value, ...]) -> bool:
        return all(isinstance(x, int) and x >= 0 for x in v) and all(
            sum(v[i : i + 4]) == v[i + 4] for i in range(0, n, 5)
        )

    findings: list[Finding] = []
    if solve.run_together(data, n):
        read = solve.readings(solve.atoms(data), n, _count_ok, _group_totals)
        parts = _as_parts(solve.agreed(read, n)) if read else [None] * n
        rule = None if None not in parts else "structure.ambiguous_cells"
        if rule is None:
            findings.append(_recovered("appeals", "行政复议、行政诉讼情况表", [], "三组各自的总计关系"))
    else:
        parts, rule = place(rc, n, holds, start, APPEAL_SUMS)
    counts = [_count(v) for v in values(parts)]
    out = {g: dict(zip(fields, counts[i * 5 : i * 5 + 5])) for i, g in enumerate(groups)}
    if rule:
        nulls = [
            f"{formats.row_label(None, 'appeals', g)}·{formats.column_label(None, 'appeals', f)}"
            for g in groups
            for f in fields
            if out[g][f] is None
        ]
        findings.append(
            Finding(
                rule,
                "warning",
                "appeals",
                _PLACE_MESSAGES[rule].format(row="行政复议、行政诉讼情况表", cells=_cells_said(nulls)),
                expected=n,
                found=len(nulls),
            )
        )
    return out, findings, True


# ------------------------------------------------------------------ cells run together


def _count_ok(_i: int, v: Value) -> bool:
    return isinstance(v, int) and v >= 0


def _row_total(v: tuple[Value, ...]) -> bool:
    """A requests row's own rule, checked once its last cell is read: 总计 is the sum of the six."""
    return len(v) < len(formats.REQUEST_COLUMNS) or sum(v[:-1]) == v[-1]


def _group_totals(v: tuple[Value, ...]) -> bool:
    """Table 四's rule, checked as each group of five is read: 总计 is the sum of the four results."""
    return len(v) % 5 != 0 or sum(v[-5:-1]) == v[-1]


def _active_run(tokens: Sequence[Token], row: Row, budget: solve.Budget) -> tuple[list[Part | None], str]:
    """A section 二 row whose cells ran together, and why some cells stay null ('' when none does).

    These rows have no arithmetic: only the text decides (``000`` into three cells; a run of n digits
    into n cells; no number but 0 starts with 0), so a cell is kept only where every reading agrees.
    """
    fields = row.fields

    def ok(i: int, v: Value) -> bool:
        if fields[i] in formats.MONEY_FIELDS:
            return v >= 0
        return isinstance(v, int) and (v >= 0 or fields[i] in formats.SIGNED_FIELDS)

    atoms = solve.atoms(tokens)
    read = solve.readings(atoms, len(fields), ok, budget=budget)
    vals = solve.agreed(read or [], len(fields))
    if read is None:
        why = "数字过多，无法在限定范围内穷举读法"
    elif not read:
        why = "没有一种读法成立（数字不以0开头，只有“本年增/减”可为负数）"
    else:
        why = "该行没有合计关系可以判断拆分，有不止一种读法" if None in vals else ""
    return _as_parts(vals, atoms[-1].unit if atoms else ""), why


def _run_unresolved(table: str, row: Row, labels: Sequence[str], why: str) -> Finding:
    return Finding(
        "structure.ambiguous_cells",
        "warning",
        f"{table}.{row.key}",
        f"“{row.label}”一行的数字连在一起（没有分隔），{why}，以下单元格已留空：{'、'.join(labels)}。",
        expected=len(row.fields),
        found=len(row.fields) - len(labels),
    )


def _gapped_requests(
    cands: dict[str, list[solve.Reading]],
    joint: dict[str, list[solve.Reading]] | None,
    gapped: set[str],
    template: str,
    out: dict[str, dict[str, Value | None]],
) -> list[Finding]:
    """Values of the rows that lost cells: a cell is kept where every placement the table admits agrees.

    Without a reading of the whole table that keeps every column rule, a row keeps what its own sum decides.
    """
    cols = [c.key for c in formats.REQUEST_COLUMNS]
    findings = []
    for row in formats.request_rows(template):
        if row.key not in gapped:
            continue
        vals = [_count(v) for v in solve.agreed((joint or cands)[row.key] or cands[row.key], len(cols))]
        out[row.key] = dict(zip(cols, vals))
        f = _unplaced("requests", row, cols, vals, "structure.missing_cells", template)
        if None not in vals:
            f = replace(
                f,
                message=f"“{row.label}”一行的单元格少于表头的列数（缺少的单元格不知在哪一列）；只有一种放法"
                "符合该行总计与表内各列的勾稽关系，已按它放置，请核对。",
            )
        findings.append(f)
    return findings


def _solved_requests(
    cands: dict[str, list[solve.Reading]],
    run: set[str],
    template: str,
    out: dict[str, dict[str, Value | None]],
    joint: dict[str, list[solve.Reading]] | None,
) -> list[Finding]:
    """Values of the rows whose cells ran together, chosen with every rule of the table at once."""
    cols = [c.key for c in formats.REQUEST_COLUMNS]
    labels = {r.key: r.label for r in formats.REQUEST_ROWS}
    findings: list[Finding] = []
    recovered: list[str] = []
    for key in (r.key for r in formats.request_rows(template) if r.key in run):
        readings = (joint or cands)[key]
        # without a reading of the whole table, a row keeps only what it decides alone: all or nothing
        vals = solve.agreed(readings, len(cols)) if joint or len(readings) == 1 else (None,) * len(cols)
        out[key] = dict(zip(cols, vals))
        nulls = [c.label for c, v in zip(formats.REQUEST_COLUMNS, vals) if v is None]
        if nulls:
            if not cands[key]:
                why = "数字过多，无法在限定范围内穷举读法"
            elif joint:
                why = _AMBIGUOUS_WHY[True]
            else:
                why = _AMBIGUOUS_WHY[False] if readings else "没有一种拆分符合该行的总计"
            findings.append(
                Finding(
                    "structure.ambiguous_cells",
                    "warning",
                    f"requests.{key}",
                    f"“{labels[key]}”一行的数字连在一起，{why}，以下单元格无法确定，已留空：{'、'.join(nulls)}。",
                    expected=len(cols),
                    found=len(cols) - len(nulls),
                )
            )
        else:
            recovered.append(labels[key])
    if recovered:
        findings.append(_recovered("requests", "收到和处理政府信息公开申请情况表", recovered, _HOW[joint is not None]))
    return findings


_HOW = {
    True: "表内全部勾稽关系（每行总计、各列办理结果之和、各列“第一项加第二项等于第三项加第四项”）",
    False: "各行自身的总计关系",
}
_AMBIGUOUS_WHY = {
    True: "有不止一种拆分符合表内全部勾稽关系（每行总计、各列办理结果之和、各列“第一项加第二项等于第三项加第四项”）",
    False: "有不止一种拆分符合该行的总计，而全表没有一种读法能使各列的合计与勾稽关系成立",
}


def _recovered(table: str, name: str, rows: Sequence[str], how: str) -> Finding:
    """The info finding that says cells were cut apart by the table's rules, not read as written."""
    named = "、".join(f"“{r}”" for r in rows[:4]) + (f"等{len(rows)}行" if len(rows) > 4 else "") or "全部"
    return Finding(
        "structure.ambiguous_cells",
        "info",
        table,
        f"{name}中{named}的数字连在一起（没有分隔），已按{how}确定拆分（只有一种读法符合）。",
        expected=None,
        found=len(rows),
    )


# ------------------------------------------------------------------ helpers

_PLACE_MESSAGES = {
    "structure.missing_cells": "“{row}”一行缺少数据，{cells}。",
    "structure.ambiguous_cells": "“{row}”一行的数字粘连或断开，有不止一种读法符合表内勾稽关系（或没有一种符合），"
    "{cells}。",
}


def _cells_said(names: list[str]) -> str:
    """The end of a placement message: which cells were left blank, by their Chinese labels."""
    if not names:
        return "但各单元格仍可确定，没有留空"
    return "以下单元格无法确定，已留空：" + "、".join(names)


def _fields(rows: Sequence[Row], key: str) -> tuple[str, ...]:
    return next((r.fields for r in rows if r.key == key), ())


def _count(v: Value | None) -> Value | None:
    """Counts are integers; a fractional count is not a count we can trust."""
    if v is None:
        return None
    v = tidy(v)
    return v if isinstance(v, int) else None


def _missing(table: str, row: Row, _cols: object) -> Finding:
    return Finding(
        "structure.missing_cells",
        "warning",
        f"{table}.{row.key}",
        f"表格中找不到“{row.label}”一行，该行数据留空。",
        expected=row.label,
        found=None,
    )


def _unordered(table: str, row: Row, cols: list[str]) -> Finding:
    """The finding for a row whose label floated away and whose numbers the row order cannot place.

    ``cols`` are the columns' Chinese labels.
    """
    return Finding(
        "structure.ambiguous_cells",
        "warning",
        f"{table}.{row.key}",
        f"“{row.label}”一行的标签与数字分开排版，表中没有标签的数字行与缺少标签的行数目不符或次序错乱，"
        f"无法按行序确定哪一行数字属于它，以下单元格已留空：{'、'.join(cols)}。",
        expected=len(cols),
        found=0,
    )


def _unplaced(
    table: str, row: Row, cols: list[str], values: list[Value | None], rule: str, template: str | None
) -> Finding:
    """A row some of whose cells could not be placed, named by its Chinese label and its columns' labels."""
    nulls = [c for c, v in zip(cols, values) if v is None]
    names = [f"“{formats.column_label(template, table, c)}”" for c in nulls]
    said = (
        _PLACE_MESSAGES[rule].format(row=row.label, cells=_cells_said(names))
        if nulls
        else f"“{row.label}”一行的单元格少于表头的列数，数字已按所在列放置，请核对。"
    )
    return Finding(
        rule,
        "warning",
        f"{table}.{row.key}",
        said,
        expected=len(cols),
        found=len(cols) - len(nulls),
    )
