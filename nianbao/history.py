"""Checks across reports: one organ over the years, a parent against its units, prose copied between organs.

Organs are matched by :func:`nianbao.regions.organ_key`.  Every cross-report finding is a *warning*
(``history.missing_year`` too): it rests on matching organs by name and on the corpus being complete,
which a single report's arithmetic does not, so it asks a person to look rather than failing a report.
When an organ has two reports for one year (a re-issued report, two copies), the year-to-year rules skip
that year rather than pick one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from . import formats
from .aggregate import AggregateError, aggregate, row_label
from .check import unsure_rows
from .errors import MissingDependency
from .model import Finding, Report
from .regions import organ_key

PROSE_THRESHOLD = 0.8  # estimated Jaccard similarity of character 3-grams above which prose is 雷同
PROSE_MIN_CHARS = 60  # shorter sections (无, 本年度无其他需要报告的事项) are alike by nature
_SECTION_NAMES = {"一": "第一部分“总体情况”", "五": "第五部分“存在的主要问题及改进情况”"}


def report_name(report: Report) -> str:
    """How a report is named in ``where``: its file, else its organ and year."""
    return report.source.path or f"{report.meta.organ or '未知机关'}{report.meta.year or ''}年报告"


def _cell(report: Report, unsure: set[str], table: str, row: str, col: str) -> int | float | None:
    """A cell as the sums read it: blank is 0, unreadable is None, and so is a blank total (spec §3: real
    reports often leave totals blank, and that is not compared)."""
    v = report.tables.get(table, {}).get(row, {}).get(col)
    if v is not None:
        return v
    if col in ("total", "in_force", "total_public") or row == "processed_total":
        return None
    return None if f"{table}.{row}" in unsure or table in unsure else 0


def _has(report: Report, table: str) -> bool:
    return any(v is not None for cols in report.tables.get(table, {}).values() for v in cols.values())


# ------------------------------------------------------------------ one organ over the years
def _carry(this: Report, prev: Report) -> Iterable[Finding]:
    if not (_has(this, "requests") and _has(prev, "requests")):
        return
    u_this, u_prev = unsure_rows(this), unsure_rows(prev)
    for col, label in ((c.key, c.label) for c in formats.REQUEST_COLUMNS):
        over = _cell(this, u_this, "requests", "carried_over", col)
        forward = _cell(prev, u_prev, "requests", "carried_forward", col)
        if over is None or forward is None or over == forward:
            continue
        yield Finding(
            "history.carry_mismatch",
            "warning",
            f"{report_name(this)} · requests.carried_over.{col}",
            f"第三部分表格“{label}”列：{this.meta.year}年“二、上年结转政府信息公开申请数量”为{over}，"
            f"但本机关{prev.meta.year}年报告（{report_name(prev)}）的“四、结转下年度继续办理”为{forward}，两者应相等。",
            expected=forward,
            found=over,
        )


def _in_force(this: Report, prev: Report) -> Iterable[Finding]:
    if this.template != "2021" or prev.template != "2021":
        return
    for row in ("regulations", "normative_documents"):
        now = this.tables["active"].get(row, {})
        before = prev.tables["active"].get(row, {}).get("in_force")
        if now.get("in_force") is None or before is None:  # a blank total is not compared (spec §3)
            continue
        issued, repealed = now.get("issued") or 0, now.get("repealed") or 0
        want = before + issued - repealed
        if now["in_force"] == want:
            continue
        label = next(r.label for r in formats.ACTIVE_2021 if r.key == row)
        yield Finding(
            "history.in_force_mismatch",
            "warning",
            f"{report_name(this)} · active.{row}.in_force",
            f"第二部分表格“{label}”：{this.meta.year}年“现行有效件数”为{now['in_force']}，但上年（{report_name(prev)}）"
            f"现行有效{before}件加本年制发{issued}件、减本年废止{repealed}件应为{want}件。",
            expected=want,
            found=now["in_force"],
        )


# ------------------------------------------------------------------ a parent and its units
def _sum_mismatch(parent: Report, units: Sequence[Report], key: str, year: int) -> Iterable[Finding]:
    if any(u.template != parent.template for u in units) or parent.template not in formats.TEMPLATES:
        return  # a mixed family cannot be summed; aggregate says why when asked
    try:
        total, _ = aggregate(units, key, year)
    except AggregateError:
        return
    unsure = unsure_rows(parent)
    for table, rows in total.tables.items():
        if not _has(parent, table):
            continue
        for row, cols in rows.items():
            diff: dict[str, tuple[int | float, int | float]] = {}
            for col, want in cols.items():
                got = _cell(parent, unsure, table, row, col)
                if want is None or got is None:
                    continue
                if abs(got - want) > 1e-6:
                    diff[col] = (want, got)
            if not diff:
                continue
            detail = "；".join(f"{_col_name(parent, table, c)}填报{g}，下属单位合计{w}" for c, (w, g) in diff.items())
            yield Finding(
                "hierarchy.sum_mismatch",
                "warning",
                f"{report_name(parent)} · {table}.{row}",
                f"{row_label(parent.template, table, row, list(diff))}：{detail}"
                f"（汇总了{len(units)}个下属单位：{'、'.join(_names(units))}）。",
                expected={c: w for c, (w, _) in diff.items()},
                found={c: g for c, (_, g) in diff.items()},
            )


def _col_name(report: Report, table: str, col: str) -> str:
    return formats.column_label(report.template, table, col)


def _names(units: Sequence[Report]) -> list[str]:
    names = [u.meta.organ or report_name(u) for u in units]
    return [*names[:8], f"等{len(names)}个"] if len(names) > 8 else names


# ------------------------------------------------------------------ prose
def _shingles(text: str, organ: str | None) -> set[str]:
    """Character 3-grams of ``text`` with the organ's own name and every figure masked (copied reports
    differ in exactly those)."""
    if organ:
        text = text.replace(organ, "")
    text = re.sub(r"\s+", "", re.sub(r"[0-9０-９.,，%]+", "#", text))
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _duplicates(
    reports: Sequence[Report], keys: Sequence[str | None], prose: Mapping[int, Mapping[str, str]]
) -> list[tuple[int, Finding]]:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        raise MissingDependency(
            "检查内容雷同需要 datasketch (prose.duplicate needs datasketch): pip install 'nianbao[store]'",
            expected="datasketch",
        ) from None
    out: list[tuple[int, Finding]] = []
    for number in _SECTION_NAMES:
        by_year: dict[int, list[tuple[int, MinHash]]] = defaultdict(list)
        todo: list[tuple[int, list[bytes]]] = []
        for i, sections in prose.items():
            if not 0 <= i < len(reports):
                continue
            text = (sections or {}).get(number, "")
            if reports[i].meta.year is None or keys[i] is None or len(re.sub(r"\s", "", text)) < PROSE_MIN_CHARS:
                continue
            todo.append((i, [s.encode("utf-8") for s in _shingles(text, reports[i].meta.organ)]))
        hashed = MinHash.bulk([shingles for _, shingles in todo], num_perm=128, seed=1) if todo else []
        for (i, _), m in zip(todo, hashed):  # bulk: one set of permutations for all
            by_year[reports[i].meta.year].append((i, m))  # type: ignore[index]
        for year, items in by_year.items():
            lsh = MinHashLSH(threshold=PROSE_THRESHOLD, num_perm=128)
            for i, m in items:
                lsh.insert(str(i), m)
            hashes = dict(items)
            for i, m in items:
                alike = sorted(
                    ((m.jaccard(hashes[j]), j) for j in map(int, lsh.query(m)) if keys[j] != keys[i]),
                    key=lambda t: (-t[0], t[1]),
                )
                alike = [(sim, j) for sim, j in alike if sim >= PROSE_THRESHOLD]
                if alike:  # one finding per report and section, naming the closest: a cluster stays readable
                    out.append((i, _duplicate(reports, i, number, year, alike)))
    return out


def _duplicate(reports: Sequence[Report], i: int, number: str, year: int, alike: list[tuple[float, int]]) -> Finding:
    similarity, j = alike[0]
    b = reports[j]
    more = f"，另与{len(alike) - 1}份报告相似" if len(alike) > 1 else ""
    return Finding(
        "prose.duplicate",
        "warning",
        f"{report_name(reports[i])} · 第{number}部分 ≈ {report_name(b)}",
        f"{_SECTION_NAMES[number]}与{b.meta.organ}{year}年报告（{report_name(b)}）的相应部分高度雷同"
        f"（相似度约{similarity:.0%}{more}），请核实是否照搬了其他单位的报告。",
        expected=f"< {PROSE_THRESHOLD:.0%}",
        found={report_name(reports[k]): round(sim, 3) for sim, k in alike[:20]},
    )


# ------------------------------------------------------------------ all together
def cross_check_indexed(
    reports: Sequence[Report],
    parents: Mapping[str, str] | None = None,
    prose: Mapping[int, Mapping[str, str]] | None = None,
) -> list[tuple[int, Finding]]:
    """(index of the report a finding is about, finding) for every cross-report rule.

    ``parents`` maps organ keys to parent keys (:func:`nianbao.regions.load_parents`); ``prose`` maps a
    report's index to its sections (:func:`nianbao.parse.sections.section_prose` of its text).
    """
    keys = [organ_key(r.meta.organ) for r in reports]
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (r, k) in enumerate(zip(reports, keys)):
        if k is not None and r.meta.year is not None:
            groups[(k, r.meta.year)].append(i)
    out: list[tuple[int, Finding]] = []
    years: dict[str, set[int]] = defaultdict(set)
    for k, y in groups:
        years[k].add(y)
    for (k, y), idx in sorted(groups.items()):
        before = groups.get((k, y - 1), [])
        if len(idx) == 1 and len(before) == 1:
            this, prev = reports[idx[0]], reports[before[0]]
            out += [(idx[0], f) for f in (*_carry(this, prev), *_in_force(this, prev))]
    for k, ys in sorted(years.items()):
        for y in range(min(ys) + 1, max(ys)):
            if y not in ys and y - 1 in ys and y + 1 in ys:
                at = groups[(k, y + 1)][0]
                name = reports[at].meta.organ or k
                out.append(
                    (
                        at,
                        Finding(
                            "history.missing_year",
                            "warning",
                            f"{name} · {y}年",
                            f"{name}有{y - 1}年和{y + 1}年的报告，但没有{y}年的报告（未发布或未收录）。",
                            expected=y,
                            found=None,
                        ),
                    )
                )
    if parents:
        children: dict[str, list[str]] = defaultdict(list)
        for child, parent in parents.items():
            children[parent].append(child)
        for (k, y), idx in sorted(groups.items()):
            units = [reports[j] for c in children.get(k, ()) for j in groups.get((c, y), [])[:1]]
            if len(idx) == 1 and units:
                out += [(idx[0], f) for f in _sum_mismatch(reports[idx[0]], units, reports[idx[0]].meta.organ or k, y)]
    if prose:
        out += _duplicates(reports, keys, prose)
    return out


def cross_check(
    reports: Iterable[Report],
    parents: Mapping[str, str] | None = None,
    prose: Mapping[int, Mapping[str, str]] | None = None,
) -> list[Finding]:
    """Every cross-report finding over ``reports`` (``where`` names the report or reports it is about).

    ``prose`` maps a report's position in ``reports`` to its prose sections; without it, prose is not compared.
    """
    return [f for _, f in cross_check_indexed(list(reports), parents, prose)]


# ------------------------------------------------------------------ over a store
_KEEP_REQUEST_ROWS = ("carried_over", "carried_forward")
_KEEP_ACTIVE_ROWS = ("regulations", "normative_documents")


def _slim(report: Report) -> Report:
    """Only what the year-to-year rules read: memory stays small over a whole corpus."""
    from dataclasses import replace

    tables = {
        "active": {r: dict(c) for r, c in report.tables.get("active", {}).items() if r in _KEEP_ACTIVE_ROWS},
        "requests": {r: dict(c) for r, c in report.tables.get("requests", {}).items() if r in _KEEP_REQUEST_ROWS},
        "appeals": {},
    }
    kept = tuple(f for f in report.findings if f.rule.startswith(("structure.", "source.")))
    return replace(report, tables=tables, findings=kept)


def stored_prose(corpus: object, id: int) -> dict[str, str]:
    """Sections 一, 五 and 六 of a stored report's source document (none for canonical JSON or no source)."""
    from .errors import NianbaoError
    from .parse.sections import section_prose
    from .readers import read_bytes

    got = corpus.source(id)  # type: ignore[attr-defined]
    if got is None or got[0].lower().endswith(".json"):
        return {}
    try:
        return section_prose(read_bytes(got[1], got[0]).text)
    except NianbaoError:
        return {}


def check_corpus(
    corpus: object, parents: Mapping[str, str] | None = None, prose: bool = True
) -> Iterable[tuple[Report, list[Finding]]]:
    """Every stored report with its cross-report findings, in id order (two passes over the store).

    The first pass keeps a slim copy of each report (the rows the year-to-year rules read; whole tables
    only for organs named in ``parents``) and, with ``prose``, the prose sections of its source; the
    second streams the reports again and pairs each with the findings about it.
    """
    family = set(parents or {}) | set((parents or {}).values())
    slim: list[Report] = []
    texts: dict[int, dict[str, str]] = {}
    ids = [row.id for row in corpus.stored()]  # type: ignore[attr-defined]
    for id, report in zip(ids, corpus.reports()):  # type: ignore[attr-defined]  # both in id order
        slim.append(report if organ_key(report.meta.organ) in family else _slim(report))
        if prose:
            sections = stored_prose(corpus, id)
            if sections:
                texts[len(slim) - 1] = {k: v for k, v in sections.items() if k in _SECTION_NAMES}
    about: dict[int, list[Finding]] = defaultdict(list)
    for i, f in cross_check_indexed(slim, parents, texts or None):
        about[i].append(f)
    del slim, texts
    for i, report in enumerate(corpus.reports()):  # type: ignore[attr-defined]
        yield report, about.get(i, [])


def document_prose(path: str) -> dict[str, str]:
    """Sections 一 and 五 of the document at ``path`` (none for canonical JSON or a file that cannot be read)."""
    from .errors import NianbaoError
    from .parse.sections import section_prose
    from .readers import read_document

    if path.lower().endswith(".json"):
        return {}
    try:
        sections = section_prose(read_document(path).text)
    except NianbaoError:
        return {}
    return {k: v for k, v in sections.items() if k in _SECTION_NAMES}


def check_files(
    files: Sequence[str], reports: Sequence[Report], parents: Mapping[str, str] | None = None, prose: bool = True
) -> Iterable[tuple[Report, list[Finding]]]:
    """Each of ``reports`` (parsed from ``files``, in order) with its cross-report findings."""
    texts = {i: document_prose(f) for i, f in enumerate(files)} if prose else None
    about: dict[int, list[Finding]] = defaultdict(list)
    for i, f in cross_check_indexed(reports, parents, texts):
        about[i].append(f)
    for i, report in enumerate(reports):
        yield report, about.get(i, [])
