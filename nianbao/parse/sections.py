"""Lines -> where each of the six sections starts (spec §1)."""

from __future__ import annotations

import re

from ..formats import SECTIONS
from ..readers.normalize import label_key

# 一、总体情况 · **二、主动公开…** · # 三．收到… (the heading must open its line)
HEADING = re.compile(r"^[#*\s]*([一二三四五六])\s*[、.．,，:：]\s*(.{2,60})$")
_NUMBERS = {s.number: i for i, s in enumerate(SECTIONS)}


def find_sections(lines: list[str]) -> dict[str, int]:
    """Section number -> index of its heading line, for the headings found in order."""
    found: dict[str, int] = {}
    last = -1
    for i, line in enumerate(lines):
        if len(line) > 80 or "\t" in line.strip() or "|" in line:
            continue
        m = HEADING.match(line.strip())
        if not m:
            continue
        number, rest = m.group(1), label_key(m.group(2))
        k = _NUMBERS[number]
        if number in found or k <= last:
            continue
        if any(key in rest for key in SECTIONS[k].keys):
            found[number] = i
            last = k
    return found


def span(found: dict[str, int], number: str, total: int) -> tuple[int, int]:
    """The line range of section ``number``: from its heading to the next heading found.

    A section whose heading is missing spans from the previous heading found, so that a table with
    a broken heading is still read.
    """
    k = _NUMBERS[number]
    start = found.get(number)
    if start is None:
        before = [found[s.number] for s in SECTIONS[:k] if s.number in found]
        start = max(before) if before else 0
    after = [found[s.number] for s in SECTIONS[k + 1 :] if s.number in found and found[s.number] > start]
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
