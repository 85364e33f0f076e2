"""Render a report into the shapes real reports arrive in, with the exact data a perfect parser must return.

Every shape walks the same logical document (:mod:`.layout`); traits then damage it the way Word/PDF
copies, converters and machine translation do.  Whatever a trait makes unreadable on purpose (a blank
zero, a missing total) is ``None`` in :attr:`Rendering.expected`; everything else must come back exact.
"""

from __future__ import annotations

import copy
import hashlib
import html
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .. import formats
from ..model import Report, Source
from . import gaps
from .converter import TRAITS as CONVERTER_TRAITS
from .converter import converter_text, expected_tables
from .layout import Block, Cell, Grid, document, random_style
from .oneline import render_oneline

SHAPES: tuple[str, ...] = (
    "text_tabs",
    "text_lines",
    "text_pipes",
    "markdown",
    "html_table",
    "html_flat",
    "text_oneline",
    "md_converter",
)
ENCODINGS = ("encoding_gb18030", "encoding_utf16", "encoding_utf8_bom")
_COMMON = ("traditional", "broken_labels", "units", "fullwidth")
TRAITS: dict[str, tuple[str, ...]] = {
    "text_tabs": (
        *_COMMON,
        "page_breaks",
        "blank_zeros",
        "missing_total",
        "split_numbers",
        "run_together",
        "missing_middle_cell",
        *ENCODINGS,
    ),
    "text_lines": (*_COMMON, "page_breaks", *ENCODINGS),  # a blank cell would vanish: no blank_zeros
    "text_pipes": (*_COMMON, "page_breaks", "blank_zeros", "missing_middle_cell", *ENCODINGS),
    "markdown": (
        *_COMMON,
        "page_breaks",
        "blank_zeros",
        "split_numbers",
        "md_split_rows",
        "missing_middle_cell",
        *ENCODINGS,
    ),
    "html_table": (*_COMMON, "blank_zeros", "missing_middle_cell"),
    "html_flat": (*_COMMON, "page_breaks", "blank_zeros"),
    "text_oneline": ENCODINGS,  # the whole report on one line, cells run together (see .oneline)
    "md_converter": ("traditional", "fullwidth", *CONVERTER_TRAITS),
}
_CODECS = {"encoding_gb18030": "gb18030", "encoding_utf16": "utf-16", "encoding_utf8_bom": "utf-8-sig"}
BREAK = "\x00"  # where a broken label is broken; each shape writes it as a space, a newline or <br>
_FULLWIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, "-": "－"})


@dataclass(frozen=True)
class Rendering:
    """One rendered file and the canonical data a perfect parser must produce from it.

    ``expected`` equals the source report except cells the rendering made blank or absent (``None``),
    ``meta.script`` (``traditional`` when converted) and ``source`` (name, SHA-256 of ``data``, kind);
    ``traits`` lists only the traits that actually took effect (e.g. ``run_together`` is dropped when no
    row has a unique reading).
    """

    name: str
    data: bytes
    expected: Report
    shape: str
    traits: tuple[str, ...]


@dataclass
class _Plan:
    """Per-rendering decisions about cells, drawn once so every shape and the expectation agree."""

    text: dict[str, str] = field(default_factory=dict)  # value path -> display text ('' = blank)
    none: set[str] = field(default_factory=set)  # paths the expectation must hold as None
    absent: set[str] = field(default_factory=set)  # value cells left out of the row entirely
    run_together: dict[int, str] = field(default_factory=dict)  # requests grid row index -> digits
    page_after: set[tuple[str, int]] = field(default_factory=set)
    md_split: set[int] = field(default_factory=set)
    md_header_after: int | None = None
    applied: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def _s2twp() -> Any:
    import opencc

    return opencc.OpenCC("s2twp")


def to_traditional(text: str) -> str:
    """Machine conversion as the sites do it (s2twp also swaps words: 文件→檔案)."""
    return _s2twp().convert(text)


# ------------------------------------------------------------------ run-together cells
def readings(digits: str, parts: int = 7, limit: int | None = None) -> list[tuple[int, ...]]:
    """Every way to cut ``digits`` into ``parts`` integers (no leading zeros) whose first ones sum to the last."""
    out: list[tuple[int, ...]] = []
    n = len(digits)
    for k in range(1, n - parts + 2):
        tail = digits[n - k :]
        if len(tail) > 1 and tail[0] == "0":
            continue
        total = int(tail)
        for combo in _splits(digits[: n - k], parts - 1, total):
            out.append((*combo, total))
            if limit is not None and len(out) >= limit:
                return out
    return out


def _splits(s: str, k: int, remaining: int) -> Iterable[tuple[int, ...]]:
    if k == 1:
        if s and (len(s) == 1 or s[0] != "0") and int(s) == remaining:
            yield (int(s),)
        return
    for cut in range(1, len(s) - k + 2):
        part = s[:cut]
        if cut > 1 and part[0] == "0":
            break
        v = int(part)
        if v > remaining:
            break
        for rest in _splits(s[cut:], k - 1, remaining - v):
            yield (v, *rest)


# ------------------------------------------------------------------ cell plan
def _base_text(v: int | float, rng: random.Random) -> str:
    if isinstance(v, float):
        return rng.choice([f"{v:.2f}", f"{v:.2f}".rstrip("0").rstrip(".")])  # never :g, which rounds to 6 digits
    return str(v)


def _value_cells(grids: list[Grid]) -> list[tuple[Grid, int, Cell]]:
    return [(g, i, c) for g in grids for i, row in enumerate(g.rows) for c in row if c.kind == "value"]


def _plan(report: Report, grids: list[Grid], shape: str, traits: set[str], rng: random.Random) -> _Plan:
    plan = _Plan()
    cells = _value_cells(grids)
    values = {c.path: report.cell(c.path) for _, _, c in cells if c.path}
    req = next(g for g in grids if g.name == "requests")
    reserved: set[str] = set()  # paths some damage already owns

    if "run_together" in traits:
        order = list(req.data_rows)
        rng.shuffle(order)
        for i in order:
            vals = [values[c.path] for c in req.rows[i] if c.kind == "value" and c.path]
            if not all(isinstance(v, int) and v >= 0 for v in vals):
                continue
            digits = "".join(str(v) for v in vals)
            if len(readings(digits, 7, limit=2)) == 1 and sum(1 for v in vals if v) >= 1:
                plan.run_together[i] = digits
                reserved |= {c.path for c in req.rows[i] if c.path}
                plan.applied.add("run_together")
                break
    if "missing_total" in traits:
        rows = [i for i in req.data_rows if i not in plan.run_together][: rng.randint(2, 6)]
        for i in rows:
            total = next(c for c in req.rows[i] if c.path and c.path.endswith(".total"))
            plan.absent.add(total.path or "")
            reserved |= {c.path for c in req.rows[i] if c.path}
        plan.none |= plan.absent
        plan.applied.add("missing_total")
    if "missing_middle_cell" in traits:
        reserved |= _lose_cells(grids, plan, rng)
        plan.none |= plan.absent
    if "blank_zeros" in traits:
        zeros = [p for p, v in values.items() if v == 0 and p not in reserved]
        rate = rng.choice([0.2, 0.5, 1.0])
        blank = {p for p in zeros if rng.random() < rate}
        if blank:
            plan.none |= blank
            reserved |= blank
            plan.applied.add("blank_zeros")
    split: set[str] = set()
    if "split_numbers" in traits:
        for g in grids:
            cands = [c.path for _, _, c in _value_cells([g]) if c.path and c.path not in reserved]
            cands = [p for p in cands if isinstance(values[p], int) and (values[p] or 0) >= 10]
            if cands:
                split.add(rng.choice(cands))
        if split:
            plan.applied.add("split_numbers")
    unit_rows: dict[str, str] = {}
    for path, v in values.items():
        if path in plan.none or v is None:
            plan.text[path] = ""
            continue
        text = _base_text(v, rng)
        if path in split:
            digits = text.lstrip("-")
            cut = rng.randint(1, len(digits) - 1)
            text = text[: len(text) - len(digits)] + digits[:cut] + " " + digits[cut:]
        if "units" in traits and path.startswith("active.") and path not in reserved:
            text = _with_unit(path, v, text, rng, unit_rows)
        if "fullwidth" in traits:
            text = text.translate(_FULLWIDTH)
            plan.applied.add("fullwidth")
        plan.text[path] = text
    if unit_rows:
        plan.applied.add("units")
    if "fullwidth" in traits:
        plan.run_together = {i: d.translate(_FULLWIDTH) for i, d in plan.run_together.items()}
    if "page_breaks" in traits:
        plan.page_after.add(("requests", rng.choice(req.data_rows[:-1])))
        if rng.random() < 0.5:
            act = next(g for g in grids if g.name == "active")
            plan.page_after.add(("active", rng.choice(act.data_rows[:-1])))
        plan.applied.add("page_breaks")
    if "md_split_rows" in traits:
        lost = {p.rsplit(".", 1)[0] for p in plan.absent}
        free = [i for i in req.data_rows if i not in plan.run_together and _row_path(req.rows[i]) not in lost]
        plan.md_split = set(rng.sample(free, rng.randint(1, 2)))
        plan.md_header_after = rng.choice(req.data_rows[2:-2])
        plan.applied.add("md_split_rows")
    return plan


def _row_path(row: list[Cell]) -> str:
    """``table.row`` of a grid row's value cells ('' for a row without values)."""
    return next((c.path.rsplit(".", 1)[0] for c in row if c.path), "")


def _lose_cells(grids: list[Grid], plan: _Plan, rng: random.Random) -> set[str]:
    """Leave a cell out of one or two rows of table 三 (a middle one as often as the last), sometimes of a
    section 二 row of three cells and of table 四's row; returns the paths of those rows (no other damage)."""
    by_name = {g.name: g for g in grids}
    req = by_name["requests"]
    lost = {p.rsplit(".", 1)[0] for p in plan.absent}
    rows = [i for i in req.data_rows if i not in plan.run_together and _row_path(req.rows[i]) not in lost]
    picked = [req.rows[i] for i in rng.sample(rows, min(len(rows), rng.choice([1, 1, 2])))]
    act = by_name["active"]
    wide = [act.rows[i] for i in act.data_rows if sum(1 for c in act.rows[i] if c.kind == "value") == 3]
    if wide and rng.random() < 0.4:
        picked.append(rng.choice(wide))
    if rng.random() < 0.4:
        picked += [by_name["appeals"].rows[i] for i in by_name["appeals"].data_rows]
    owned: set[str] = set()
    for row in picked:
        cells = [c.path for c in row if c.kind == "value" and c.path]
        plan.absent.add(rng.choice(cells))
        owned |= set(cells)
    plan.applied.add("missing_middle_cell")
    return owned


def _lost_expected(report: Report, absent: set[str], none: set[str]) -> dict[str, int | float | None]:
    """What a text whose rows lost cells decides, by :mod:`.gaps` (null where the placement is open)."""
    out: dict[str, int | float | None] = {}
    if not absent:
        return out

    def row(table: str, key: str, fields: Sequence[str]) -> tuple[list[str], list[int | float | None], bool]:
        paths = [f"{table}.{key}.{f}" for f in fields]
        present = [None if p in none else report.cell(p) for p in paths if p not in absent]
        return paths, present, any(p in absent for p in paths)

    cols = [c.key for c in formats.REQUEST_COLUMNS]
    template = report.template or "2019"
    readings: dict[str, list[gaps.Reading]] = {}
    lost_rows: set[str] = set()
    for r in formats.request_rows(template):
        paths, present, lost = row("requests", r.key, cols)
        readings[r.key] = gaps.placements(present, len(cols), ((range(6), 6),)) if lost else [tuple(present)]
        if lost:
            lost_rows.add(r.key)
    if lost_rows:
        decided = gaps.requests_expected(template, readings)
        for key in lost_rows:
            out |= {f"requests.{key}.{c}": v for c, v in zip(cols, decided[key], strict=True)}
    fields = [f.key for f in formats.APPEAL_FIELDS]
    appeal_paths = [f"appeals.{g.key}.{f}" for g in formats.APPEAL_GROUPS for f in fields]
    if any(p in absent for p in appeal_paths):
        present = [None if p in none else report.cell(p) for p in appeal_paths if p not in absent]
        sums = [(range(i, i + 4), i + 4) for i in range(0, 15, 5)]
        out |= dict(zip(appeal_paths, gaps.agree(gaps.placements(present, 15, sums), 15), strict=True))
    for r in formats.active_rows(template):
        paths, present, lost = row("active", r.key, r.fields)
        if lost:
            out |= dict(zip(paths, gaps.agree(gaps.placements(present, len(paths), ()), len(paths)), strict=True))
    return out


def _with_unit(path: str, v: int | float, text: str, rng: random.Random, unit_rows: dict[str, str]) -> str:
    """Numbers as clerks type them: ``-13 条``, ``9个``, ``960 万``, ``24230421.50 元`` (never on 万元 fees)."""
    row, field_ = path.split(".")[1:]
    if field_ == "amount_wan_yuan":
        return text
    sp = rng.choice(["", " "])
    if field_ == "amount_yuan":
        if isinstance(v, int) and v > 0 and v % 10_000 == 0 and " " not in text:
            unit_rows[row] = "万"
            return f"{v // 10_000}{sp}{rng.choice(['万', '万元'])}"
        unit_rows[row] = "元"
        return f"{text}{sp}元"
    if rng.random() < 0.4 and unit_rows:
        return text
    units = ["个", "项"] if field_ == "projects" else ["条", "条", "个", "件", "项"]
    unit = unit_rows.setdefault(row, rng.choice(units))
    return f"{text}{sp}{unit}"


# ------------------------------------------------------------------ walking the grids
@dataclass
class _Ctx:
    rng: random.Random
    plan: _Plan
    title: str
    brk: str = " "
    page: int = 2
    pages: int = 9

    def cell(self, c: Cell, raw: bool = False) -> str:
        """The text a cell shows; ``raw`` keeps the label break marker for the caller to write."""
        if c.kind == "value":
            return self.plan.text.get(c.path or "", "")
        return c.text if raw else c.text.replace(BREAK, self.brk)

    def page_lines(self, grid: Grid, i: int) -> list[str]:
        if (grid.name, i) not in self.plan.page_after:
            return []
        self.page += 1
        p = self.page - 1
        mark = self.rng.choice([f"- {p} -", f"第 {p} 页 共 {self.pages} 页", f"—{p}—", f"第{p}页"])
        return [mark, self.title]


def _lead_slots(row: list[Cell | None]) -> list[Cell | None]:
    """Positions before the first value cell: the label part of a row."""
    out: list[Cell | None] = []
    for s in row:
        if s is not None and s.kind == "value":
            break
        out.append(s)
    return out


def _grid_text(shape: str, grid: Grid, ctx: _Ctx) -> list[str]:
    lines: list[str] = []
    placed = grid.placed()
    width = max(len(r) for r in placed)
    for i, row in enumerate(placed):
        if shape == "text_tabs":
            if i in ctx.plan.run_together and grid.name == "requests":
                cells = ["" if s is None else ctx.cell(s) for s in _lead_slots(row)] + [ctx.plan.run_together[i]]
            else:
                cells = ["" if s is None else ctx.cell(s) for s in row if s is None or s.path not in ctx.plan.absent]
            lines.append("\t".join(cells))
        elif shape == "text_lines":
            lines += [t for s in row if s is not None and (t := ctx.cell(s))]
        elif shape == "text_pipes":
            kept = [s for s in row if s is not None and s.path not in ctx.plan.absent]
            lines += [f"{t} |" if (t := ctx.cell(s)) else "|" for s in kept]
            covered = sum(1 for s in row if s is None)
            if covered:
                lines.append("|" * covered)
        else:  # markdown
            kept = [s for s in row if s is None or s.path not in ctx.plan.absent]
            texts = ["" if s is None else ctx.cell(s) for s in kept] + [""] * (width - len(row))
            if i in ctx.plan.md_split and grid.name == "requests":
                n = len(_lead_slots(row))
                lines.append(_md_row(texts[:n] + [""] * (width - n)))
                lines.append(_md_row([""] * n + texts[n:]))
            else:
                lines.append(_md_row(texts))
            if i == 0 or (grid.name == "requests" and i == ctx.plan.md_header_after):
                if i:
                    lines.append(_md_row(["" if s is None else ctx.cell(s) for s in placed[0]]))
                lines.append("|" + "---|" * width)
        lines += ctx.page_lines(grid, i)
    return lines


def _md_row(texts: list[str]) -> str:
    return "| " + " | ".join(t.replace("|", "\\|") for t in texts) + " |"


def _text_doc(shape: str, blocks: list[Block], ctx: _Ctx) -> str:
    rng = ctx.rng
    gap = rng.random() < 0.5
    indent = rng.choice(["", "", "  ", "\u3000\u3000"])
    out: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.grid is not None:
            out += _grid_text(shape, b.grid, ctx)
        elif b.kind == "heading" and shape == "markdown" and rng.random() < 0.4:
            out.append(f"## {b.text}")
        else:
            out.append(indent + b.text if b.kind == "para" else b.text)
        if gap or shape == "markdown":
            out.append("")
    nl = "\r\n" if rng.random() < 0.2 else "\n"
    return nl.join(out) + nl


# ------------------------------------------------------------------ HTML
def _html_doc(shape: str, blocks: list[Block], ctx: _Ctx) -> str:
    rng = ctx.rng
    wrap = rng.choice(
        ["{}", "<p>{}</p>", "<span>{}</span>", '<p align="center"><span style="font-size:14px">{}</span></p>']
    )
    blank = rng.choice(["&nbsp;", "", "<p>&nbsp;</p>"])
    per_cell = shape == "html_flat" and ("blank_zeros" in ctx.plan.applied or rng.random() < 0.5)
    tag = rng.choice(["p", "div"])
    body: list[str] = []
    for b in blocks:
        if b.kind == "title":
            body.append(f'<p style="text-align:center"><strong>{html.escape(b.text)}</strong></p>')
        elif b.kind == "heading":
            body.append(
                rng.choice(["<h3>{}</h3>", "<p><strong>{}</strong></p>", "<p>{}</p>"]).format(html.escape(b.text))
            )
        elif b.kind in ("para", "line"):
            body.append(f"<p>{html.escape(b.text)}</p>")
        elif b.grid is not None and shape == "html_table":
            body.append(_html_table(b.grid, ctx, wrap, blank))
        elif b.grid is not None:
            body += _html_flat(b.grid, ctx, per_cell, tag)
    content = "\n".join(body)
    if shape == "html_table" and rng.random() < 0.4:  # the CMS page layout: report nested in a <td>
        content = f'<table class="layout" width="100%" border="0"><tr><td valign="top">\n{content}\n</td></tr></table>'
    title = html.escape(ctx.title)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n'
        f'<body>\n<div class="article">\n{content}\n</div>\n</body>\n</html>\n'
    )


def _esc(ctx: _Ctx, c: Cell) -> str:
    return html.escape(ctx.cell(c, raw=True)).replace(BREAK, ctx.brk)


def _html_table(grid: Grid, ctx: _Ctx, wrap: str, blank: str) -> str:
    rows = []
    for row in grid.rows:
        tds = []
        for c in row:
            if c.path in ctx.plan.absent:
                continue
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            text = _esc(ctx, c)
            inner = (wrap.format(text) if c.kind == "value" else text) if text else blank
            tds.append(f"<td{attrs}>{inner}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


def _html_flat(grid: Grid, ctx: _Ctx, per_cell: bool, tag: str) -> list[str]:
    out: list[str] = []
    for i, row in enumerate(grid.placed()):
        cells = [s for s in row if s is not None]
        if per_cell:
            for c in cells:
                text = _esc(ctx, c)
                if text or c.kind == "value":
                    out.append(f"<{tag}>{text or '&nbsp;'}</{tag}>")
        else:
            texts = [t for c in cells if (t := _esc(ctx, c).replace("<br/>", " "))]
            out.append(f"<{tag}>{' '.join(texts)}</{tag}>")
        out += [f"<{tag}>{html.escape(line)}</{tag}>" for line in ctx.page_lines(grid, i)]
    return out


# ------------------------------------------------------------------ entry point
def _break_labels(grids: list[Grid], rng: random.Random) -> bool:
    """Break a few row labels inside (``1.信访举 报投诉类申请``), as narrow cells and page edges do."""
    cands = [c for g in grids for row in g.rows for c in row if c.kind == "label" and len(c.text) >= 5]
    req = next(g for g in grids if g.name == "requests")
    cands += [c for row in req.rows for c in row if c.kind == "group"]  # 三、本年度办 理结果, (五) 不 予处理
    picked = rng.sample(cands, min(len(cands), rng.randint(2, 5)))
    for c in picked:
        cut = rng.randint(3, len(c.text) - 2)
        c.text = c.text[:cut] + BREAK + c.text[cut:]
    return bool(picked)


def render(report: Report, shape: str, rng: random.Random, *, traits: Iterable[str] = ()) -> Rendering:
    """Write ``report`` in ``shape`` with ``traits``; return the bytes and what a perfect parser must read."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose from {SHAPES}")
    wanted = set(traits)
    if bad := wanted - set(TRAITS[shape]):
        raise ValueError(f"traits {sorted(bad)} do not apply to {shape}")
    if len(wanted & set(ENCODINGS)) > 1:
        raise ValueError("at most one encoding trait")
    style = random_style(rng)
    blocks = document(report, rng, style)
    if shape == "md_converter":
        return _converted(report, blocks, rng, wanted)
    grids = [b.grid for b in blocks if b.grid is not None]
    plan = _plan(report, grids, shape, wanted, rng)
    if "broken_labels" in wanted and _break_labels(grids, rng):
        plan.applied.add("broken_labels")
    brk = {"text_lines": "\n", "markdown": " "}.get(shape) or rng.choice([" ", " ", "\n"])
    if shape.startswith("html"):
        brk = rng.choice([" ", "<br/>"])
    ctx = _Ctx(rng, plan, report.meta.title or "", brk=brk, page=rng.randint(2, 4), pages=rng.randint(6, 12))
    is_html = shape.startswith("html")
    read_as: dict[str, int | float | None] = {}
    if shape == "text_oneline":
        text, read_as = render_oneline(report, blocks, rng)
    else:
        text = _html_doc(shape, blocks, ctx) if is_html else _text_doc(shape, blocks, ctx)
    if "traditional" in wanted:
        text = to_traditional(text)
        plan.applied.add("traditional")
    codec = next((_CODECS[t] for t in ENCODINGS if t in wanted), "utf-8")
    plan.applied |= wanted & set(ENCODINGS)
    data = text.encode(codec)
    applied = tuple(t for t in TRAITS[shape] if t in plan.applied)
    digest = hashlib.sha256(data).hexdigest()
    ext = "html" if is_html else "txt"
    name = f"{shape}_{report.template}_{report.meta.year}_{digest[:10]}.{ext}"
    tables = copy.deepcopy(report.tables)
    for path in plan.none:
        t, r, c = path.split(".")
        tables[t][r][c] = None
    read_as |= _lost_expected(report, plan.absent, plan.none)
    for path, v in read_as.items():  # what the one-line text decides (null where several readings fit)
        t, r, c = path.split(".")
        tables[t][r][c] = v
    meta = replace(report.meta, script="traditional" if "traditional" in applied else "simplified")
    expected = Report(report.template, meta, tables, Source(name, digest, ext), ())
    return Rendering(name, data, expected, shape, applied)


def _converted(report: Report, blocks: list[Block], rng: random.Random, wanted: set[str]) -> Rendering:
    """The ``md_converter`` shape: every cell stays readable except ``-`` cells and a merged 2019 row."""
    text = converter_text(report, blocks, rng, wanted)
    if "traditional" in wanted:
        text = to_traditional(text)
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    name = f"md_converter_{report.template}_{report.meta.year}_{digest[:10]}.md"
    meta = replace(report.meta, script="traditional" if "traditional" in wanted else "simplified")
    expected = Report(report.template, meta, expected_tables(report, wanted), Source(name, digest, "md"), ())
    applied = tuple(t for t in TRAITS["md_converter"] if t in wanted)
    return Rendering(name, data, expected, "md_converter", applied)


def decode(rendering: Rendering) -> str:
    """The rendering's text, decoded with the codec its traits chose (for tests and demos)."""
    codec = next((_CODECS[t] for t in ENCODINGS if t in rendering.traits), "utf-8")
    return rendering.data.decode(codec)
