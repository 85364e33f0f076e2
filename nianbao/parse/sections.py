"""Lines -> where each of the six sections starts (spec §1).

Sections are found by their *titles*, not their numbers: real reports number their headings their own
way (an extra ``二、工作机制保障``, the tables under ``一、主动公开政府信息情况``, ``表二：…``).  When
several headings name the same table section (a prose heading ``三、主动公开工作情况`` and the table's
own title later), the one whose lines hold that table's row labels wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import formats
from ..formats import SECTIONS
from ..readers.normalize import label_key

# 一、总体情况 · **二、主动公开…** · # 三．收到… (the heading must open its line)
HEADING = re.compile(r"^[#*\s]*([一二三四五六七八九十]{1,2})\s*[、.．,，:：]\s*(.{2,60})$")
# 表二：主动公开政府信息情况 · ## 表三 · **表 4** (a converter's table caption)
TABLE_HEADING = re.compile(r"^[#*\s]*表\s*([一二三四五六七八九1-9])\s*(?:[、.．,，:：]\s*(.{0,60}))?[*\s]*$")
_NUMBERS = {s.number: i for i, s in enumerate(SECTIONS)}
_DIGITS = dict(zip("123456789", "一二三四五六七八九"))
TABLE_SECTIONS = ("二", "三", "四")


@lru_cache(maxsize=1)
def _table_words() -> dict[str, re.Pattern[str]]:
    """Per table section, the labels its table holds (row labels; the appeal table's header words)."""
    active = {k for r in (*formats.ACTIVE_2019, *formats.ACTIVE_2021) for k in r.keys}
    requests = {k.strip("^$") for r in formats.REQUEST_ROWS for k in r.keys}
    appeals = {"维持", "纠正", "尚未审结", "其他结果", "未经复议直接起诉", "复议后起诉"}
    return {
        "二": re.compile("|".join(sorted(active))),
        "三": re.compile("|".join(sorted(requests))),
        "四": re.compile("|".join(sorted(appeals))),
    }


@lru_cache(maxsize=1)
def _any_row() -> re.Pattern[str]:
    """A heading-like line that is really a table row or group (``四、结转下年度继续办理``)."""
    words = [w.pattern for w in _table_words().values()]
    return re.compile("|".join([*words, "办理结果", "申请人情况"]))


@lru_cache(maxsize=4096)
def _title_sections(number: str, rest: str) -> tuple[str, ...]:
    """The sections a heading's title names; the one its own number gives first."""
    named = [s.number for s in SECTIONS if any(key in rest for key in s.keys)]
    return tuple(sorted(named, key=lambda s: s != number))


def _candidates(lines: list[str]) -> tuple[list[tuple[int, str]], list[int]]:
    """(line, section) for every heading whose title names a section, and the other headings' lines."""
    cands: list[tuple[int, str]] = []
    others: list[int] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if len(s) > 80 or "\t" in s or "|" in s or not s:
            continue
        m = HEADING.match(s)
        t = None if m or "表" not in s else TABLE_HEADING.match(s)
        if m:
            number, rest = m.group(1), label_key(m.group(2))
        elif t:
            number, rest = _DIGITS.get(t.group(1), t.group(1)), label_key(t.group(2) or "")
        else:
            continue
        named = _title_sections(number, rest)
        if named:
            cands.append((i, named[0]))
        elif t and number in TABLE_SECTIONS:
            cands.append((i, number))  # a bare ``表三``: the format's own numbering
        elif m and len(rest) >= 4 and not _any_row().search(rest):
            others.append(i)  # 二、工作机制保障: a heading of the report's own, ending the prose before it
    return cands, others


# （一）主要问题 · 1．存在问题: a numbered sub-heading standing where its section's own heading was lost
SUBHEADING = re.compile(r"^[#*\s]*[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]?\s*(.{2,20})$")


def _subheading_for_missing(lines: list[str], found: dict[str, int]) -> None:
    """Sections 五 and 六 whose heading a converter lost start at their first sub-heading naming them.

    Only lines after the tables' headings and before the next section found count, so a sub-heading
    of section 一 that happens to say 主要问题 never stands for 五.
    """
    for number in ("五", "六"):
        if number in found:
            continue
        k = _NUMBERS[number]
        lo = max((found[s.number] for s in SECTIONS[:k] if s.number in found), default=-1)
        if lo < 0 or not any(n in found for n in TABLE_SECTIONS):
            continue
        hi = min(
            (found[s.number] for s in SECTIONS[k + 1 :] if s.number in found and found[s.number] > lo),
            default=len(lines),
        )
        for i in range(lo + 1, hi):
            m = SUBHEADING.match(lines[i].strip())
            if m and any(key in label_key(m.group(1)) for key in SECTIONS[k].keys):
                found[number] = i
                break


class Sections(dict[str, int]):
    """Section number -> its heading line; ``cuts`` are all lines where a section's text ends."""

    cuts: tuple[int, ...] = ()  # where the text of 一, 五 or 六 ends
    table_cuts: tuple[int, ...] = ()  # where a table section ends: not at a table's own numbered rows


def find_sections(lines: list[str]) -> Sections:
    """Section number -> index of its heading line, chosen by title (and, for tables, by content)."""
    cands, others = _candidates(lines)
    words = _table_words()
    found = Sections()
    for number in ("一", *TABLE_SECTIONS, "五", "六"):
        mine = [i for i, s in cands if s == number]
        if not mine:
            continue
        if number in TABLE_SECTIONS and len(mine) > 1:

            def holds(i: int, number: str = number) -> int:
                end = next((j for j, s in cands if j > i and s != number), len(lines))
                return sum(1 for ln in lines[i + 1 : end] if words[number].search(label_key(ln)))

            found[number] = max(mine, key=lambda i: (holds(i), -i))
        elif number in ("五", "六"):
            tables = [found[n] for n in TABLE_SECTIONS if n in found]
            after = [i for i in mine if i > max(tables, default=-1)]
            found[number] = (after or mine)[0]
        else:
            found[number] = mine[0]
    _subheading_for_missing(lines, found)
    chosen = set(found.values())
    # a losing heading of another section still ends the text before it; one of the same table does not
    # (``表二：…`` under ``一、主动公开政府信息情况`` belongs to it)
    losers = [(i, s) for i, s in cands if i not in chosen]
    cuts = set(chosen)
    for i, s in losers:
        owner = max((found[n] for n in found if found[n] < i), default=None)
        owner_number = next((n for n in found if found[n] == owner), None)
        if owner_number != s:
            cuts.add(i)
    found.table_cuts = tuple(sorted(cuts))
    found.cuts = tuple(sorted(cuts | set(others)))
    return found


def span(found: dict[str, int], number: str, total: int) -> tuple[int, int]:
    """The line range of section ``number``: from its heading to the next heading (of any section).

    A section whose heading is missing spans from the previous section's heading found, so that a table
    with a broken heading is still read.
    """
    k = _NUMBERS[number]
    start = found.get(number)
    if start is None:
        before = [found[s.number] for s in SECTIONS[:k] if s.number in found]
        start = max(before) if before else 0
    cuts = getattr(found, "table_cuts" if number in TABLE_SECTIONS else "cuts", ()) or tuple(found.values())
    after = [c for c in cuts if c > start]
    return start, (min(after) if after else total)


PROSE_SECTIONS = ("一", "五", "六")  # the sections that hold prose only; 二 to 四 are their tables


def section_prose(text: str) -> dict[str, str]:
    """The prose of sections 一, 五 and 六 (one paragraph a line), for renderers to carry over.

    Headings are found on the normalised text; the prose is taken from the Simplified text as written,
    with its Chinese punctuation.  Page numbers and running headers are left out.
    """
    from ..readers.normalize import ascii_forms, to_simplified
    from .cells import NOISE

    simplified = to_simplified(text)[0]
    lines = simplified.split("\n")
    found = find_sections(ascii_forms(simplified).split("\n"))
    out: dict[str, str] = {}
    for number in PROSE_SECTIONS:
        if number in found:
            start, end = span(found, number, len(lines))
            body = [ln.strip() for ln in lines[start + 1 : end]]
            out[number] = "\n".join(ln for ln in body if ln and not NOISE.match(ln))
    return out
