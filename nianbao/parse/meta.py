"""Title, organ, year and publication date (spec §2 ``meta``)."""

from __future__ import annotations

import re

from ..model import Meta

TITLE = re.compile(
    r"^(?P<before>.{0,40}?)(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?P<after>.{0,40}?)"
    r"(?:政府|政务)?\s*信息\s*公开\s*(?:工作)?\s*(?:年度报告|年\s*报|工作报告|年度工作报告)$"
)
# The year after the name: 某某局政府信息公开工作年度报告(2020年度)
TITLE_YEAR_LAST = re.compile(
    r"^(?P<before>.{0,40}?)(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报)[(（]?(?P<year>(?:19|20)\d{2})\s*年?度?[)）]?$"
)
_ORGAN_WORDS = re.compile(r"^关于|关于$|的$")
_SUFFIX = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报|工作报告|年度工作报告)$")
_PUBLISHED = re.compile(
    r"(?:发布|成文|印发|公开)(?:日期|时间)\D{0,6}((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
# a date alone under the title, as written by hand or by a renderer: 2021年3月4日, 2021-03-04, 2021.3.4
_HEAD_DATE = re.compile(r"^[（(]?((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?[)）]?$")
_PERIOD = re.compile(r"统计期限(?:从|为|自)?\s*((?:19|20)\d{2})\s*年")


def find_title(lines: list[str]) -> tuple[str | None, int | None, str | None]:
    """(title, year, organ) from the first line (or cell) that reads as a report title.

    A title broken over two lines (the organ on the first) is joined back.
    """
    previous = ""
    head = lines[:60]
    for i, line in enumerate(head):
        for cell in re.split(r"\t|\|", line):
            s = re.sub(r"\s+", "", cell).strip("*#:：")
            s = re.sub(r"^(?:标题|题名|名称)[:：]", "", s)
            if len(s) > 70:
                continue
            m = TITLE.match(s) or TITLE_YEAR_LAST.match(s)
            if not m and s and i + 1 < len(head) and "\t" not in head[i + 1]:
                # a title set on two lines: 某某县人民政府2023年 / 政府信息公开工作年度报告, or 某某县2023年政府
                # 信息公开 / 工作年度报告; the joined line must read as a whole title, as one line would, and the
                # next line must not be a whole title by itself (a date or header line above a title is not its head)
                nxt = re.sub(r"\s+", "", head[i + 1]).strip("*#:：")
                joined = s + nxt
                if len(joined) <= 70 and not (TITLE.match(nxt) or TITLE_YEAR_LAST.match(nxt)):
                    m = TITLE.match(joined) or TITLE_YEAR_LAST.match(joined)
                    s = joined if m else s
            if m:
                organ = m.group("before") + (m.groupdict().get("after") or "")
                organ = _ORGAN_WORDS.sub("", _SUFFIX.sub("", organ.strip()))
                lead = _ORGAN_WORDS.sub("", previous)  # 某某县人民政府办公室关于 / 2023年…
                if not organ and _ORGAN_LINE.match(lead):
                    organ, s = lead, previous + s
                return s, int(m.group("year")), organ or None
            if s:
                previous = s
    return None, None, None


# A line holding only an organ's name: 某某县人民政府办公室
_ORGAN_LINE = re.compile(
    r"^[^\d\s,，。:：;；]{2,30}(?:政府|办公室|办公厅|委员会|局|厅|部|署|院|县|市|区|镇|乡|街道|办事处|中心)$"
)


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
    for line in [ln.strip() for ln in lines[:8] if ln.strip()][1:4]:  # just under the title
        m = _HEAD_DATE.match(line.replace(" ", ""))
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
