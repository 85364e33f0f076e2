"""Figures stated in the prose, checked against the tables (``narrative.mismatch``).

Each figure the prose commonly states is data: the pattern that finds it, and the table cells whose
sum it states.  Only the prose before the tables is read (the preamble and section 一), where the
summary figures stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Finding, Report

_N = r"(?:共|合计|总计)?\s*(\d+)\s*"


@dataclass(frozen=True)
class Figure:
    """A figure of the prose: how to find it, and which sums of cells may state it."""

    kind: str
    what: str  # what the figure counts, for the message
    pattern: re.Pattern[str]
    readings: tuple[tuple[str, ...], ...]  # each a set of flat paths whose sum the figure may state
    none: re.Pattern[str] | None = None  # a sentence saying there were none
    # words the sentence must hold: it is about information disclosure (not, say, a hotline's cases)
    context: tuple[str, ...] = ("信息公开",)


_APPLICATION = r"(?:政府信息公开|依申请公开(?:政府信息)?)(?:的)?申请"
FIGURES: tuple[Figure, ...] = (
    Figure(
        "received",
        "收到政府信息公开申请",
        re.compile(rf"(?:收到|受理|新收)(?:各类|公民、法人和其他组织(?:提出的)?)?{_APPLICATION}{_N}(?:件|个|份|宗)"),
        (("requests.new_received.total",), ("requests.new_received.total", "requests.carried_over.total")),
        re.compile(rf"(?:未|没有)(?:收到|受理)(?:任何)?{_APPLICATION}"),
    ),
    Figure(
        "carried_over",
        "上年结转的申请",
        re.compile(rf"上年结转(?:政府信息公开申请|的申请)?{_N}件"),
        (("requests.carried_over.total",),),
    ),
    Figure(
        "processed",
        "办结的申请",
        re.compile(rf"(?<!未)办结(?:政府信息公开申请|申请)?{_N}件"),
        (("requests.processed_total.total",),),
        context=("信息公开", "申请"),
    ),
    Figure(
        "carried_forward",
        "结转下年度继续办理的申请",
        re.compile(rf"结转(?:至)?下(?:一)?年度(?:继续办理)?(?:的申请)?{_N}件"),
        (("requests.carried_forward.total",),),
    ),
    Figure(
        "review",
        "政府信息公开行政复议",
        re.compile(rf"行政复议(?:案件)?{_N}(?:件|起)"),
        (("appeals.review.total",),),
        re.compile(r"(?:未|没有)(?:发生|收到)[^。；]{0,20}行政复议"),
    ),
    Figure(
        "litigation",
        "政府信息公开行政诉讼",
        re.compile(rf"行政诉讼(?:案件)?{_N}(?:件|起)"),
        (("appeals.litigation_direct.total", "appeals.litigation_after_review.total"),),
        re.compile(r"(?:未|没有)(?:发生|收到)[^。；]{0,30}行政诉讼"),
    ),
)
_ACTIVE = re.compile(r"主动公开(?:各类)?(?:政府)?信息(?:共|合计)?\s*(\d+)\s*条")
_PART = re.compile(r"(?<!\d)(\d+)\s*条")  # starts only where a run of digits starts: linear on digit soup


@dataclass(frozen=True)
class Statement:
    """A figure found in the prose: which figure, its value, the sentence, and its listed parts if any."""

    kind: str
    value: int
    sentence: str
    parts: tuple[int, ...] = ()


def statements(text: str) -> list[Statement]:
    """The checkable figures of ``text``, one sentence at a time."""
    out: list[Statement] = []
    for sentence in re.split(r"[。；;\n]", text):
        s = sentence.replace(" ", "")
        for fig in FIGURES:
            if not all(word in s for word in fig.context):
                continue
            m = fig.pattern.search(s)
            if m:
                out.append(Statement(fig.kind, int(m.group(1)), s))
            elif fig.none is not None and fig.none.search(s):
                out.append(Statement(fig.kind, 0, s))
        m = _ACTIVE.search(s)
        if m and "其中" in s[m.end() :]:
            rest = s[m.end() :]
            parts = tuple(int(x) for x in _PART.findall(rest[rest.index("其中") :]))
            if len(parts) >= 2:
                out.append(Statement("active_parts", int(m.group(1)), s, parts))
    return out


def narrative_findings(report: Report, prose: str) -> list[Finding]:
    """narrative.mismatch: figures in the prose that disagree with the tables or with their own parts."""
    out: list[Finding] = []
    figures = {f.kind: f for f in FIGURES}
    for st in statements(prose):
        if st.kind == "active_parts":
            if sum(st.parts) != st.value:
                out.append(Finding(
                    "narrative.mismatch", "warning", "narrative.active",
                    f"正文说主动公开政府信息{st.value}条，但其中所列各类合计为{sum(st.parts)}条"
                    f"（{'+'.join(map(str, st.parts))}）。",
                    expected=st.value, found=sum(st.parts),
                ))  # fmt: skip
            continue
        fig = figures[st.kind]
        sums = [_sum(report, paths) for paths in fig.readings]
        if sums[0] is None or st.value in sums:
            continue
        out.append(Finding(
            "narrative.mismatch", "warning", fig.readings[0][0],
            f"正文说{fig.what}{st.value}件，但表格中的数字是{sums[0]}件。",
            expected=sums[0], found=st.value,
        ))  # fmt: skip
    return out


def _sum(report: Report, paths: tuple[str, ...]) -> int | float | None:
    """The sum of the cells at ``paths``; None when any of them is unknown."""
    cells = [report.cell(p) for p in paths]
    return None if any(c is None for c in cells) else sum(c for c in cells if c is not None)
