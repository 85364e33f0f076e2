"""The ``md_converter`` shape: a PDF report after a PDF-to-markdown converter (issue #7).

Converters keep the numbers but lose the table's structure: row labels float away from their numbers
(broken into fragments above or below a label-less number row), each stretch of rows becomes a
mini-table with its own ``|---|`` line, header words are split across lines and cells (``商业企`` /
``业``), table 四's header keeps fewer cells than its 15 values, a stray number line sits between rows,
and the report numbers its own sections (an extra ``二、工作机制保障``; the tables under
``一、主动公开政府信息情况`` …; captions like ``## 表三``).  Every row is still written once and in
order, so a perfect parser reads every cell: the expectation is the report itself.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence

from .. import formats
from ..model import Report
from .layout import Block

TRAITS = (
    "renumbered_headings",
    "floating_labels",
    "split_header_words",
    "mini_tables",
    "stray_numbers",
    "dash_cells",  # zeros of the requests table written as ``-`` (blank: null)
    "old_other_row",  # a 2021 table 三 keeping the single 2019 row (六)其他处理 (template.mixed)
    "label_column",  # table 三's labels set apart, one a line, then its number rows (not with the two above)
    "plain_text",  # a PDF-to-text converter: cells separated by spaces, no pipes (dash_cells then ignored)
)
_OTHER_2021 = ("other_overdue_correction", "other_overdue_fee", "other_other")

_FULLWIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, "-": "－"})
_GROUP_OF = {"withheld": "（三）不予公开", "unavailable": "（四）无法提供", "not_processed": "（五）不予处理"}


class _Writer:
    """Lines of a converted document: a markdown row opens a new mini-table after any text line."""

    def __init__(self, rng: random.Random, fullwidth: bool, dash: bool = False, plain: bool = False) -> None:
        self.rng = rng
        self.fullwidth = fullwidth
        self.dash = dash  # write zeros as "-"
        self.plain = plain  # cells separated by spaces, no table markup
        self.lines: list[str] = []
        self.in_table = False

    def text(self, *lines: str) -> None:
        if self.in_table:
            self.lines.append("")
        self.lines += lines
        self.in_table = False

    def row(self, cells: Sequence[object], sep: bool = False) -> None:
        texts = [self.value(c) if not isinstance(c, str) else c for c in cells]
        if self.plain:
            self.lines.append(" ".join(t for t in texts if t))
            self.in_table = True
            return
        self.lines.append("| " + " | ".join(texts) + " |")
        if not self.in_table or sep:
            self.lines.append("|" + "---|" * len(texts))
        self.in_table = True

    def value(self, v: object) -> str:
        if v is None:
            return ""
        if self.dash and v == 0 and not self.plain:
            return "-"
        s = f"{v:.2f}" if isinstance(v, float) else str(v)
        return s.translate(_FULLWIDTH) if self.fullwidth else s


def fragments(label: str, rng: random.Random) -> list[str]:
    """A label as a narrow PDF cell leaves it: pieces of 4 to 11 characters, one a line."""
    out: list[str] = []
    while label:
        k = rng.randint(4, 11)
        out.append(label[:k])
        label = label[k:]
    return out


def _active(w: _Writer, report: Report, t: str, mini: bool) -> None:
    by_key = {r.key: r for r in formats.active_rows(t)}
    for heading, keys in formats.ACTIVE_GROUPS[t]:
        fields = by_key[keys[0]].fields
        w.text(heading.replace("(", "（").replace(")", "）"))
        w.row(["信息内容", *(formats.field_label(t, f) for f in fields)])
        for k in keys:
            w.row([by_key[k].label, *(report.tables["active"][k][f] for f in fields)])
        if not mini:
            w.in_table = True  # one table: the next group's header row continues it


def _requests(w: _Writer, report: Report, t: str, traits: set[str]) -> None:
    rng = w.rng
    rows = formats.request_rows(t)
    cols = [c.key for c in formats.REQUEST_COLUMNS]
    if "split_header_words" in traits:
        w.text("申请人情况", "（本列数据的勾稽关系为：第一项加第二项法人或其他组织", "之和，等于第三项加第四项之和）")
        w.text("自然人总计", "商业企科研机社会公法律服", "其他")
        w.row(["业", "构", "益组织", "务机构", "", "", "", "", ""])
    else:
        w.row(["申请人情况", *(c.label for c in formats.REQUEST_COLUMNS)])
    if "label_column" in traits:
        w.dash = "dash_cells" in traits
        w.text(*(r.label for r in rows))
        for r in rows:
            w.row([report.tables["requests"][r.key][c] for c in cols])
        return
    floating: set[str] = set()
    if "floating_labels" in traits:
        inner = [r.key for r in rows[1:-1]]
        floating = set(rng.sample(inner, rng.randint(2, min(8, len(inner)))))
    seen_groups: set[str] = set()
    old_row = "old_other_row" in traits and t == "2021"
    w.dash = "dash_cells" in traits
    for r in rows:
        vals = [report.tables["requests"][r.key][c] for c in cols]
        if old_row and r.key in _OTHER_2021:
            if r.key != _OTHER_2021[0]:
                continue
            olds = [[report.tables["requests"][k][c] for c in cols] for k in _OTHER_2021]
            w.row(["（六）其他处理", *(sum(x) for x in zip(*olds))])
            continue
        group = formats.request_group(r.key)
        if r.key.startswith("other_") and r.key != "other_handling":
            group = "other"
        lead: list[str] = []
        if group and group not in seen_groups and not (old_row and group == "other"):
            seen_groups.add(group)
            lead = fragments(_GROUP_OF.get(group, "（六）其他处理"), rng)
        if r.key not in floating:
            if lead:
                w.text(*lead)
            w.row([r.label, *vals], sep="mini_tables" in traits and rng.random() < 0.3)
            continue
        label = fragments(r.label, rng)
        stray = [str(rng.randint(1, 9))] if "stray_numbers" in traits and rng.random() < 0.5 else []
        if rng.random() < 0.5:  # the label floats above its numbers
            w.text(*lead, *label, *stray)
            w.row(vals)
        else:  # below them
            if lead:
                w.text(*lead)
            w.row(vals)
            w.text(*label)


def _appeals(w: _Writer, report: Report, traits: set[str]) -> None:
    vals = [report.tables["appeals"][g.key][f.key] for g in formats.APPEAL_GROUPS for f in formats.APPEAL_FIELDS]
    if "split_header_words" in traits:
        w.text("行政复议行政诉讼", "未经复议直接起诉复议后起诉", "结果结果其他尚未", "总计", "总计总计")
        w.row(["维持", "纠正", "结果", "审结", "结果", "结果", "其他", "尚未", "结果", "结果", "其他", "尚未"])
        w.row(vals, sep=True)
        return
    w.row(["行政复议", "行政诉讼"])
    w.row([f.label for f in formats.APPEAL_FIELDS] + ["未经复议直接起诉", "复议后起诉"])
    w.row([f.label for f in formats.APPEAL_FIELDS] * 3)
    w.row(vals)


_RENUMBERED = {"二": "一", "三": "二", "四": "三", "五": "四", "六": "五"}
_TITLES = {s.number: s.title for s in formats.SECTIONS}


def converter_text(report: Report, blocks: list[Block], rng: random.Random, traits: set[str]) -> str:
    """The converted document's text (``blocks`` give the title, intro and prose of the report)."""
    t = report.template or "2019"
    w = _Writer(rng, "fullwidth" in traits, plain="plain_text" in traits)
    renumber = "renumbered_headings" in traits
    section = ""
    for b in blocks:
        if b.kind == "heading":
            section = b.text[0]
            if section == "二" and renumber:
                w.text("二、工作机制保障", "本机关设立政务公开工作协调小组，统筹推进政务公开工作。")
                w.text("三、主动公开工作情况", "本机关积极做好政府信息主动公开工作。")
                w.text("四、政府信息公开申请情况", "所有申请均已按要求办理完成。")
            number = _RENUMBERED[section] if renumber and section in _RENUMBERED else section
            w.text(f"{number}、{_TITLES[section]}")
            if section in ("二", "三") and rng.random() < 0.5:
                w.text(f"## 表{section}" + (f"：{_TITLES[section]}" if rng.random() < 0.5 else ""))
        elif b.kind == "table":
            if section == "二":
                _active(w, report, t, "mini_tables" in traits)
            elif section == "三":
                _requests(w, report, t, traits)
            else:
                w.dash = False
                _appeals(w, report, traits)
        elif b.text:
            w.text(b.text)
    return "\n".join(w.lines) + "\n"


def expected_tables(report: Report, traits: set[str]) -> dict[str, dict[str, dict[str, object]]]:
    """What a perfect parser reads: the report, less what the traits made unknowable."""
    tables = copy.deepcopy(report.tables)
    req = tables["requests"]
    if "dash_cells" in traits and "plain_text" not in traits:
        for row in req.values():
            for c, v in row.items():
                if v == 0:
                    row[c] = None
    if "old_other_row" in traits and report.template == "2021" and "label_column" not in traits:
        for c in req[_OTHER_2021[0]]:
            old = sum(report.tables["requests"][k][c] or 0 for k in _OTHER_2021)
            for k in _OTHER_2021:
                req[k][c] = 0 if old == 0 and ("dash_cells" not in traits or "plain_text" in traits) else None
    return tables
