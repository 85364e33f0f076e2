"""Figures stated in the prose, for the ``narrative.mismatch`` check."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RECEIVED = re.compile(
    r"(?:共|累计|全年|本年度?)?(?:收到|受理|新收)(?:各类|公民、法人和其他组织(?:提出的)?)?(?:政府信息公开|依申请公开(?:政府信息)?)"
    r"(?:的)?申请(?:共|合计|总计)?\s*(\d+)\s*(?:件|个|份|宗)"
)
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理)(?:任何)?(?:政府信息公开|依申请公开)(?:的)?申请")
_ACTIVE = re.compile(r"主动公开(?:各类)?(?:政府)?信息(?:共|合计)?\s*(\d+)\s*条")
_PART = re.compile(r"(\d+)\s*条")


@dataclass(frozen=True)
class Statement:
    """A figure in the prose: what it is, its value, and the sentence it stands in."""

    kind: str  # received | active_parts
    value: int
    sentence: str
    parts: tuple[int, ...] = ()


def statements(text: str) -> list[Statement]:
    """The checkable figures of the prose before the tables (section 一 and the preamble)."""
    out: list[Statement] = []
    for sentence in re.split(r"[。；;\n]", text):
        s = sentence.replace(" ", "")
        m = _RECEIVED.search(s)
        if m:
            out.append(Statement("received", int(m.group(1)), s))
        elif _NONE_RECEIVED.search(s):
            out.append(Statement("received", 0, s))
        m = _ACTIVE.search(s)
        if m and "其中" in s[m.end() :]:
            rest = s[m.end() :]
            rest = rest[rest.index("其中") :]
            parts = tuple(int(x) for x in _PART.findall(rest))
            if len(parts) >= 2:
                out.append(Statement("active_parts", int(m.group(1)), s, parts))
    return out
