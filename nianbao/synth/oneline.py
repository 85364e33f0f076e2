"""The ``text_oneline`` shape: the whole report on one line, as crawlers dump a web page, cells run together.

A crawler header (``标题:``, ``发布时间:``, ``==== 正文 ====``) comes first, then the page chrome
(``当前位置：首页…``, ``微信 微博``) and the report with no line break at all; a table row's numbers follow
its label with no separator, or with a space here and there (a cell edge the page kept).

What a perfect parser must read is computed here by brute force, independently of the parser: every
way to cut each run into the row's cells (no number with a leading zero but 0 itself), kept when it
satisfies the rules of the table — each row's 总计, each column's outcome sum and 勾稽关系, table 四's three
groups — across all rows at once.  A cell is expected only where every such reading agrees; else null.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import product

from .. import formats
from ..model import Report
from .layout import Block, Cell, Grid

Value = int | float
_PIECE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
_MAX_COMBOS = 5000
_CHROME_HEAD = ("当前位置：首页 > 政务公开 > 政府信息公开年报", "当前位置： 首页政务公开政府信息公开年报")
_CHROME_TAIL = ("微信 微博 QQ空间 全真版 文字版", "【打印】 【关闭】", "附件下载")


def pieces(text: str, k: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``text`` (one space-free group) into ``k`` written numbers."""
    if k == 1:
        if _PIECE.fullmatch(text):
            yield (text,)
        return
    for cut in range(1, len(text)):
        head = text[:cut]
        if _PIECE.fullmatch(head):
            for rest in pieces(text[cut:], k - 1):
                yield (head, *rest)


def run_readings(run: str, n: int) -> list[tuple[Value, ...]]:
    """Every reading of a run (groups separated by spaces, each cut into one or more numbers) as n values."""
    groups = run.split()
    out: list[tuple[Value, ...]] = []

    def go(i: int, acc: tuple[Value, ...]) -> None:
        if i == len(groups):
            if len(acc) == n:
                out.append(acc)
            return
        for k in range(1, n - len(acc) - (len(groups) - i - 1) + 1):
            for ps in pieces(groups[i], k):
                go(i + 1, (*acc, *(float(p) if "." in p else int(p) for p in ps)))

    go(0, ())
    return out


def agree(readings: Sequence[tuple[Value, ...]], n: int) -> list[Value | None]:
    if not readings:
        return [None] * n
    return [r[0] if len(set(r)) == 1 else None for r in zip(*readings, strict=True)]


def _text(v: Value) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _run(values: Sequence[Value], rng: random.Random, space: float) -> str:
    return "".join(_text(v) + (" " if rng.random() < space else "") for v in values).strip()


def _requests_expected(report: Report, runs: dict[str, str], rng: random.Random) -> dict[str, list[Value | None]]:
    """The requests rows a perfect parser reads: readings chosen together over the table's rules."""
    t = report.template or "2019"
    cols = len(formats.REQUEST_COLUMNS)
    keys = [r.key for r in formats.request_rows(t)]
    req = report.tables["requests"]

    def row_ok(r: tuple[Value, ...]) -> bool:
        return all(isinstance(x, int) and x >= 0 for x in r) and sum(r[:-1]) == r[-1]

    while True:
        cands = {k: [r for r in run_readings(runs[k], cols) if row_ok(r)] for k in keys}
        multi = [k for k in keys if len(cands[k]) > 1]
        size = 1
        for k in multi:
            size *= len(cands[k])
        if size <= _MAX_COMBOS:
            break
        worst = max(multi, key=lambda k: len(cands[k]))  # too many to check by hand: show this row's cell edges
        runs[worst] = " ".join(_text(req[worst][c.key]) for c in formats.REQUEST_COLUMNS)
    outcomes = formats.OUTCOME_ROWS[t]
    fit: dict[str, set[tuple[Value, ...]]] = {k: set() for k in keys}
    for combo in product(*(cands[k] for k in multi)):
        pick = {k: cands[k][0] for k in keys} | dict(zip(multi, combo, strict=True))
        ok = all(
            sum(pick[o][c] for o in outcomes) == pick["processed_total"][c]
            and pick["new_received"][c] + pick["carried_over"][c]
            == pick["processed_total"][c] + pick["carried_forward"][c]
            for c in range(cols)
        )
        if ok:
            for k in keys:
                fit[k].add(pick[k])
    if not any(fit.values()):  # no reading of the whole table: each row keeps only what it decides alone
        return {k: list(cands[k][0]) if len(cands[k]) == 1 else [None] * cols for k in keys}
    return {k: agree(sorted(fit[k], key=str), cols) for k in keys}


def _appeals_ok(r: tuple[Value, ...]) -> bool:
    """Table 四: whole numbers ≥ 0, each group's 总计 the sum of its four results."""
    return all(isinstance(x, int) and x >= 0 for x in r) and all(sum(r[i : i + 4]) == r[i + 4] for i in range(0, 15, 5))


def _field_ok(field: str, v: Value) -> bool:
    """Money is any amount ≥ 0; counts are whole numbers ≥ 0 except 本年增/减."""
    if field in formats.MONEY_FIELDS:
        return v >= 0
    return isinstance(v, int) and (v >= 0 or field in formats.SIGNED_FIELDS)


def _row_values(report: Report, path_cells: Sequence[Cell]) -> list[Value]:
    return [report.cell(c.path or "") for c in path_cells]


def render_oneline(report: Report, blocks: list[Block], rng: random.Random) -> tuple[str, dict[str, Value | None]]:
    """The one-line text of ``blocks``, and the value every cell path must read as."""
    space = rng.choice([0.0, 0.0, 0.1, 0.3])
    glue = rng.choice(["", " "])
    expected: dict[str, Value | None] = {}
    req_runs: dict[str, str] = {}
    req_cells: dict[str, list[Cell]] = {}
    texts: list[str | tuple[str, str]] = []  # text, or (requests row key, label) to fill once runs are final
    own_title = rng.random() < 0.6
    sectioned = rng.random() < 0.3  # a page that kept a line break before each heading, its tables flattened
    for b in blocks:
        if b.kind == "title":
            if own_title:
                texts.append(b.text)
        elif b.kind == "heading" and sectioned:
            texts += ["\n", b.text]
        elif b.grid is None:
            texts.append(b.text)
        else:
            texts += _grid(report, b.grid, rng, space, expected, req_runs, req_cells)
    if req_runs:
        solved = _requests_expected(report, req_runs, rng)
        for k, vals in solved.items():
            for c, v in zip(req_cells[k], vals, strict=True):
                expected[c.path or ""] = v
    body = glue.join(x if isinstance(x, str) else x[1] + req_runs[x[0]] for x in texts).replace(f"{glue}\n{glue}", "\n")
    title = report.meta.title or ""
    if own_title and rng.random() < 0.5:  # the page's title need not be the report's own heading
        title = re.sub(
            r"(\d{4})年度?", lambda m: m.group(1) + ("年" if m.group(0).endswith("度") else "年度"), title, count=1
        )
    if rng.random() < 0.7:  # the crawler's own header
        head = [f"标题: {title}"]
        if report.meta.published:
            head.append(f"发布时间: {report.meta.published} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}")
        head += ["文号: ", "栏目: 政府信息公开年报", "==================== 正文 ===================="]
    else:  # a site's information index, then a marker line
        head = [
            f"标题：{title}",
            f"索引号：{rng.randint(10**8, 10**9)}-2022-{rng.randint(1, 999):03d}",
        ]
        if report.meta.published:
            head.append(f"发布日期：{report.meta.published}")
        head.append("----- 正文 -----")
    chrome = rng.choice(_CHROME_HEAD) + " " if rng.random() < 0.5 else ""
    tail = " " + rng.choice(_CHROME_TAIL) if rng.random() < 0.5 else ""
    return "\n".join([*head, chrome + body + tail]) + "\n", expected


def _grid(
    report: Report,
    grid: Grid,
    rng: random.Random,
    space: float,
    expected: dict[str, Value | None],
    req_runs: dict[str, str],
    req_cells: dict[str, list[Cell]],
) -> list[str | tuple[str, str]]:
    out: list[str | tuple[str, str]] = []
    active = {r.key: r for r in formats.active_rows(report.template or "2019")}
    for row in grid.rows:
        labels = "".join(c.text.replace("\x00", "") for c in row if c.kind != "value")
        cells = [c for c in row if c.kind == "value" and c.path]
        if not cells:
            out.append(labels)
            continue
        values = _row_values(report, cells)
        if grid.name == "requests":
            key = (cells[0].path or "").split(".")[1]
            req_runs[key] = _run(values, rng, space)
            req_cells[key] = cells
            out.append((key, labels))
            continue
        if grid.name == "appeals":
            run = _run(values, rng, space)
            ok: Callable[[tuple[Value, ...]], bool] = _appeals_ok
        else:
            key = (cells[0].path or "").split(".")[1]
            fields = active[key].fields
            if any(isinstance(v, float) or (isinstance(v, int) and v < 0) for v in values) and rng.random() < 0.5:
                run = " ".join(_text(v) for v in values)  # money and signed changes often keep their cell edges
            else:
                run = _run(values, rng, space)

            def ok(r: tuple[Value, ...], fields: tuple[str, ...] = fields) -> bool:
                return all(
                    (
                        v >= 0
                        if f in formats.MONEY_FIELDS
                        else isinstance(v, int) and (v >= 0 or f in formats.SIGNED_FIELDS)
                    )
                    for f, v in zip(fields, r, strict=True)
                )

        found = [r for r in run_readings(run, len(cells)) if ok(r)]
        for c, v in zip(cells, agree(found, len(cells)), strict=True):
            expected[c.path or ""] = v
        out.append(labels + run)
    return out
