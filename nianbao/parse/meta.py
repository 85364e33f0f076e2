"""Title, organ, year and publication date (spec §2 ``meta``)."""

from __future__ import annotations

import re

from ..model import Meta

TITLE = re.compile(
    r"^(?P<before>.{0,40}?)(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?P<after>.{0,40}?)"
    r"(?:政府|政务)?\s*信息\s*公开\s*(?:工作)?\s*(?:年度报告|年\s*报|工作报告|年度工作报告)$"
)
_SUFFIX = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报|工作报告|年度工作报告)$")
_PUBLISHED = re.compile(
    r"(?:发布|成文|印发|公开)(?:日期|时间)\D{0,6}((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_PERIOD = re.compile(r"统计期限(?:从|为|自)?\s*((?:19|20)\d{2})\s*年")


def find_title(lines: list[str]) -> tuple[str | None, int | None, str | None]:
    """(title, year, organ) from the first line (or cell) that reads as a report title."""
    for line in lines[:60]:
        for cell in re.split(r"\t|\|", line):
            s = re.sub(r"\s+", "", cell).strip("*#:：")
            s = re.sub(r"^(?:标题|题名|名称)[:：]", "", s)
            if len(s) > 70:
                continue
            m = TITLE.match(s)
            if m:
                organ = (m.group("before") + m.group("after")).strip()
                organ = _SUFFIX.sub("", organ) or None
                return s, int(m.group("year")), organ
    return None, None, None


def extract_meta(lines: list[str], script: str) -> Meta:
    title, year, organ = find_title(lines)
    if year is None:
        for line in lines[:200]:
            m = _PERIOD.search(line.replace(" ", ""))
            if m:
                year = int(m.group(1))
                break
    return Meta(title=title, organ=organ, year=year, published=_published(lines), script=script)


def _published(lines: list[str]) -> str | None:
    for line in lines[:15]:
        m = _PUBLISHED.search(line.replace("|", " ").replace("\t", " "))
        if m:
            return _iso(m.groups())
    tail = [ln.strip() for ln in lines[-8:] if ln.strip()]
    for line in reversed(tail):
        m = _DATE_LINE.match(line.replace(" ", ""))
        if m:
            return _iso(m.groups())
    return None


def _iso(parts: tuple[str, ...]) -> str | None:
    y, mo, d = (int(p) for p in parts)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"
