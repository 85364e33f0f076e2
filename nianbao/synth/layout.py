"""The logical document a report renders to: prose blocks and the three official tables as cell grids.

Tables are kept as grids of cells with rowspan/colspan exactly as the official templates merge them,
so that every shape (tabs, one cell a line, pipes, markdown, HTML) is a different walk over the same
grid, and the expected data is the same whatever the shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .. import formats
from ..formats import (
    ACTIVE_GROUPS,
    APPEAL_FIELDS,
    APPEAL_GROUPS,
    REQUEST_COLUMNS,
    REQUEST_GROUP_LABELS,
    SECTIONS,
    active_rows,
    request_rows,
)
from ..model import Report

NOTE = formats.BALANCE_NOTE
SECTION_VARIANTS = {
    "四": "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    "五": "存在的主要问题及今后努力方向",
}


@dataclass
class Cell:
    """One grid cell: ``path`` is set for value cells, ``row`` for row-label cells."""

    text: str = ""
    kind: str = "label"  # label | header | group | value | pad
    path: str | None = None
    row: str | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A table: rows of cells in source order (covered positions are implied by spans)."""

    name: str
    rows: list[list[Cell]]
    header_rows: int = 1
    data_rows: tuple[int, ...] = ()

    def placed(self) -> list[list[Cell | None]]:
        """Each row as grid positions: the cell at its top-left corner, ``None`` where a span covers."""
        occupied: dict[tuple[int, int], bool] = {}
        out: list[list[Cell | None]] = []
        width = 0
        for r, cells in enumerate(self.rows):
            c = 0
            slots: dict[int, Cell | None] = {}
            for cell in cells:
                while occupied.get((r, c)):
                    slots[c] = None
                    c += 1
                slots[c] = cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied[(r + dr, c + dc)] = True
                        if dr == 0 and dc:
                            slots[c + dc] = None
                c += cell.colspan
            while occupied.get((r, c)):
                slots[c] = None
                c += 1
            width = max(width, c)
            out.append([slots[i] for i in sorted(slots)])
        for r, row in enumerate(out):  # covered positions past the last cell, e.g. under a rowspan
            while len(row) < width and occupied.get((r, len(row))):
                row.append(None)
        return out


@dataclass
class Block:
    """A document block: a title, a plain line, a heading, a paragraph, or a table."""

    kind: str  # title | line | heading | para | table
    text: str = ""
    grid: Grid | None = None


@dataclass
class Style:
    """Per-document choices every shape honours, drawn once so all shapes agree."""

    fullwidth_punct: bool = False
    pad_mode: str = "pad"  # how 3-wide rows of the 4-wide 2019 active table end: pad | span | short
    heading_variants: dict[str, str] = field(default_factory=dict)


def punct(s: str, style: Style) -> str:
    """Official documents print full-width brackets and commas; converted copies often ASCII ones."""
    if not style.fullwidth_punct:
        return s
    return s.translate(str.maketrans({"(": "（", ")": "）", ",": "，", ":": "："}))


field_label = formats.field_label


def active_grid(report: Report, style: Style) -> Grid:
    """Section 二: 第二十条 sub-heading, 信息内容 header, then the rows of each group (4 columns wide)."""
    t = report.template or "2019"
    by_key = {r.key: r for r in active_rows(t)}
    rows: list[list[Cell]] = []
    data: list[int] = []
    for heading, keys in ACTIVE_GROUPS[t]:
        fields = by_key[keys[0]].fields
        rows.append([Cell(punct(heading, style), "group", colspan=4)])
        header = [Cell("信息内容", "header")]
        header += [Cell(punct(field_label(t, f), style), "header") for f in fields]
        rows.append(_fill(header, 4, style, "header"))
        for k in keys:
            cells = [Cell(punct(by_key[k].label, style), "label", row=k)]
            cells += [Cell(kind="value", path=f"active.{k}.{f}") for f in fields]
            data.append(len(rows))
            rows.append(_fill(cells, 4, style, "value"))
    return Grid("active", rows, header_rows=2, data_rows=tuple(data))


def _fill(cells: list[Cell], width: int, style: Style, kind: str) -> list[Cell]:
    """Widen a short row to the table width the way the official tables (or their copies) do."""
    missing = width - len(cells)
    if missing <= 0:
        return cells
    if len(cells) == 2 or style.pad_mode == "span":  # 2021 one-field rows are one merged cell
        cells[-1].colspan += missing
    elif style.pad_mode == "pad":
        cells += [Cell("", "pad") for _ in range(missing)]
    return cells


def requests_grid(report: Report, style: Style) -> Grid:
    """Section 三 with the official three header rows and merged group labels (10 columns wide)."""
    t = report.template or "2019"
    cols = [c.label for c in REQUEST_COLUMNS]
    rows: list[list[Cell]] = [
        [Cell(punct(NOTE, style), "header", rowspan=3, colspan=3), Cell("申请人情况", "header", colspan=7)],
        [
            Cell(cols[0], "header", rowspan=2),
            Cell("法人或其他组织", "header", colspan=5),
            Cell(cols[-1], "header", rowspan=2),
        ],
        [Cell(c, "header") for c in cols[1:6]],
    ]
    keys = [r.key for r in request_rows(t)]
    labels = {r.key: r.label for r in request_rows(t)}
    outcome_keys = keys[2:-1]
    groups: dict[str, list[str]] = {}
    for k in outcome_keys:
        g = formats.request_group(k)
        if g:
            groups.setdefault(g, []).append(k)
    data: list[int] = []
    for k in keys:
        values = [Cell(kind="value", path=f"requests.{k}.{c.key}") for c in REQUEST_COLUMNS]
        label = Cell(punct(labels[k], style), "label", row=k)
        lead: list[Cell] = []
        if k in ("new_received", "carried_over", "carried_forward"):
            label.colspan = 3
        else:
            if k == outcome_keys[0]:
                lead.append(Cell(punct(REQUEST_GROUP_LABELS["outcomes"], style), "group", rowspan=len(outcome_keys)))
            g = formats.request_group(k)
            if g is None:
                label.colspan = 2
            elif groups[g][0] == k:
                lead.append(Cell(punct(REQUEST_GROUP_LABELS[g], style), "group", rowspan=len(groups[g])))
        data.append(len(rows))
        rows.append([*lead, label, *values])
    return Grid("requests", rows, header_rows=3, data_rows=tuple(data))


def appeals_grid(report: Report, style: Style) -> Grid:
    """Section 四: the double header (行政复议 / 行政诉讼 → 未经复议直接起诉, 复议后起诉) and 15 values."""
    fields = [f.label for f in APPEAL_FIELDS]
    g = {x.key: x.label for x in APPEAL_GROUPS}
    rows = [
        [Cell(g["review"], "header", colspan=5), Cell("行政诉讼", "header", colspan=10)],
        [Cell(f, "header", rowspan=2) for f in fields]
        + [Cell(g["litigation_direct"], "header", colspan=5), Cell(g["litigation_after_review"], "header", colspan=5)],
        [Cell(f, "header") for f in fields * 2],
        [Cell(kind="value", path=f"appeals.{grp.key}.{f.key}") for grp in APPEAL_GROUPS for f in APPEAL_FIELDS],
    ]
    return Grid("appeals", rows, header_rows=3, data_rows=(3,))


# ------------------------------------------------------------------ prose
_CATEGORIES = (
    "机构职能",
    "政策文件",
    "规划计划",
    "财政预决算",
    "人事信息",
    "重点领域",
    "应急管理",
    "民生实事",
    "工作动态",
    "统计信息",
    "通知公告",
    "政策解读",
)


def _overview(report: Report, rng: random.Random) -> list[str]:
    """Section 一 prose; every figure it states agrees with the tables (narrative.mismatch stays quiet)."""
    req, app = report.tables["requests"], report.tables["appeals"]
    year = report.meta.year
    cats = rng.sample(_CATEGORIES, rng.randint(2, 5))
    parts = [rng.randint(0, 400) for _ in cats]
    total = sum(parts)
    listed = "，".join(f"{c}类信息{p}条" for c, p in zip(cats, parts, strict=True))
    paras = [
        f"{year}年，我单位坚持把政务公开作为转变作风、服务群众的重要抓手，健全工作机制，规范公开流程。",
        f"（一）主动公开。全年通过门户网站等渠道主动公开政府信息{total}条，其中{listed}。",
    ]
    new = req["new_received"]["total"] or 0
    if new == 0 and not req["carried_over"]["total"]:
        paras.append("（二）依申请公开。本年度未收到政府信息公开申请。")
    else:
        paras.append(
            f"（二）依申请公开。本年度共收到政府信息公开申请{new}件，上年结转{req['carried_over']['total']}件，"
            f"办结{req['processed_total']['total']}件，结转下年度继续办理{req['carried_forward']['total']}件。"
        )
    review = app["review"]["total"] or 0
    suits = (app["litigation_direct"]["total"] or 0) + (app["litigation_after_review"]["total"] or 0)
    if review == 0 and suits == 0:
        paras.append("（三）监督保障。全年未发生因政府信息公开引起的行政复议、行政诉讼案件。")
    else:
        paras.append(f"（三）监督保障。因政府信息公开被申请行政复议{review}件，被提起行政诉讼{suits}件。")
    return paras


_PROBLEMS = (
    "一是部分工作人员对公开标准把握不够精准，二是信息更新的及时性有待提高，三是政策解读形式较为单一。",
    "主要是栏目内容更新不够均衡，基层公开的规范化程度仍需提升，依申请公开答复的说理还不够充分。",
    "公开的深度和广度与群众期待尚有差距，部分栏目信息发布不够及时。",
)
_PLANS = (
    "下一步，将加强业务培训，完善发布审核机制，丰富解读形式，持续提升公开质量。",
    "今后将进一步压实工作责任，定期开展栏目自查，推动公开内容全面准确、及时更新。",
    "我们将以标准化规范化建设为抓手，细化公开目录，畅通依申请渠道，不断提高群众满意度。",
)
_OTHER = (
    "本年度无其他需要报告的事项。",
    "无其他需要报告的事项。",
    "本机关本年度未发生其他需要报告的事项，政务公开年度工作要点已全部落实。",
)


def heading(number: str, style: Style) -> str:
    title = style.heading_variants.get(number) or next(s.title for s in SECTIONS if s.number == number)
    return f"{number}、{title}"


def document(report: Report, rng: random.Random, style: Style) -> list[Block]:
    """The whole report, in order: title, date, intro, the six sections with prose and tables."""
    year = report.meta.year
    blocks = [Block("title", report.meta.title or "")]
    if report.meta.published:
        label = rng.choice(["发布日期：", "发布时间：", "发布日期:"])
        blocks.append(Block("line", f"{label}{report.meta.published}"))
    blocks.append(
        Block(
            "para",
            f"本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{year}年1月1日起"
            f"至{year}年12月31日止。如对本报告有疑问，请与本机关政务公开工作机构联系。",
        )
    )
    blocks.append(Block("heading", heading("一", style)))
    blocks += [Block("para", p) for p in _overview(report, rng)]
    blocks.append(Block("heading", heading("二", style)))
    blocks.append(Block("table", grid=active_grid(report, style)))
    blocks.append(Block("heading", heading("三", style)))
    blocks.append(Block("table", grid=requests_grid(report, style)))
    blocks.append(Block("heading", heading("四", style)))
    blocks.append(Block("table", grid=appeals_grid(report, style)))
    blocks.append(Block("heading", heading("五", style)))
    blocks += [Block("para", rng.choice(_PROBLEMS)), Block("para", rng.choice(_PLANS))]
    blocks.append(Block("heading", heading("六", style)))
    blocks.append(Block("para", rng.choice(_OTHER)))
    return blocks


def random_style(rng: random.Random) -> Style:
    variants = {n: v for n, v in SECTION_VARIANTS.items() if rng.random() < 0.3}
    return Style(
        fullwidth_punct=rng.random() < 0.5,
        pad_mode=rng.choice(["pad", "span", "short"]),
        heading_variants=variants,
    )
