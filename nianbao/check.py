"""The rules of spec §3, one function each; ``check(report)`` runs them all.

A rule's docstring says when it *holds*.  Blank cells count as 0 among the parts of a sum, as the spec
says; a blank *total* whose parts are not all zero is not compared (real reports leave 总计 blank): one
``structure.blank_total`` warning names those cells.  Each finding names the row and column (by their
Chinese labels, from :mod:`nianbao.formats`) and the two figures that disagree, in plain Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from . import formats
from .model import Finding, Report

Rule = Callable[[Report], Iterator[Finding]]
RULES: dict[str, Rule] = {}

_COL = {c.key: c.label for c in formats.REQUEST_COLUMNS}
_ROW = {r.key: r.label for r in formats.REQUEST_ROWS}
_GROUP = {g.key: g.label for g in formats.APPEAL_GROUPS}
# Rules whose findings are not errors (the others in RULES are).
_SEVERITY: dict[str, str] = {"structure.blank_total": "warning"}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn

    return register


_UNSURE = ("structure.missing_cells", "structure.ambiguous_cells")


def unsure_rows(report: Report) -> set[str]:
    """Rows (``requests.granted``, or a whole table) whose null cells are unknown rather than blank."""
    out = {f.where for f in report.findings if f.rule in _UNSURE and f.severity != "info"}
    if any(f.rule == "template.mixed" for f in report.findings):  # the 2019 row's split is unknown
        out |= {f"requests.{k}" for k in ("other_overdue_correction", "other_overdue_fee", "other_other")}
    return out


def _unknown(report: Report, unsure: set[str], table: str, cells: list[tuple[str, str]]) -> bool:
    """True when one of ``cells`` is null because it could not be read: the sum cannot be checked."""
    if not unsure:
        return False
    rows = report.tables.get(table, {})
    return any(rows.get(r, {}).get(c) is None and (f"{table}.{r}" in unsure or table in unsure) for r, c in cells)


def blank_totals(report: Report) -> list[str]:
    """Flat paths of the total cells left blank (null) while their parts are not all zero.

    A total the parser could not read (its row has a ``structure.ambiguous_cells`` or ``missing_cells``
    finding) is unknown rather than blank and is not listed.
    """
    unsure = unsure_rows(report)
    out: list[str] = []
    req = report.tables.get("requests", {})
    if report.template in formats.TEMPLATES:
        outcomes = formats.OUTCOME_ROWS[report.template]
        for row, cols in req.items():
            if cols.get("total") is None and any(_v(cols.get(c)) for c in formats.REQUEST_APPLICANT_COLUMNS):
                out.append(f"requests.{row}.total")
        for col in _COL:
            path = f"requests.processed_total.{col}"
            blank = req.get("processed_total", {}).get(col) is None
            if blank and path not in out and any(_v(req.get(r, {}).get(col)) for r in outcomes):
                out.append(path)
    for group, cols in report.tables.get("appeals", {}).items():
        if cols.get("total") is None and any(_v(cols.get(f)) for f in ("upheld", "corrected", "other", "pending")):
            out.append(f"appeals.{group}.total")
    return [p for p in out if p.rsplit(".", 1)[0] not in unsure and p.split(".")[0] not in unsure]


def _blank(report: Report) -> set[str]:
    return set(blank_totals(report))


def _v(x: object) -> int | float:
    return x if isinstance(x, int | float) else 0


def _has_table(report: Report, name: str) -> bool:
    rows = report.tables.get(name, {})
    return any(v is not None for cols in rows.values() for v in cols.values())


@rule("requests.balance")
def requests_balance(report: Report) -> Iterator[Finding]:
    """For each column: new_received + carried_over == processed_total + carried_forward."""
    req = report.tables.get("requests", {})
    if not _has_table(report, "requests"):
        return
    unsure = unsure_rows(report)
    blank = _blank(report)
    rows = ("new_received", "carried_over", "processed_total", "carried_forward")
    for col, label in _COL.items():
        cells = [req.get(r, {}).get(col) for r in rows]
        if all(c is None for c in cells) or _unknown(report, unsure, "requests", [(r, col) for r in rows]):
            continue
        if any(f"requests.{r}.{col}" in blank for r in rows):
            continue
        a, b, c, d = (_v(x) for x in cells)
        if a + b != c + d:
            yield Finding(
                "requests.balance",
                "error",
                f"requests.*.{col}",
                f"第三部分表格“{label}”列：本年新收({a})加上年结转({b})为{a + b}，"
                f"但办理结果总计({c})加结转下年度继续办理({d})为{c + d}，两者应相等。",
                expected=a + b,
                found=c + d,
            )


@rule("requests.outcome_sum")
def requests_outcome_sum(report: Report) -> Iterator[Finding]:
    """For each column: processed_total == the sum of all outcome rows (予以公开 … 其他处理)."""
    if not _has_table(report, "requests") or report.template not in formats.TEMPLATES:
        return
    req = report.tables["requests"]
    rows = formats.OUTCOME_ROWS[report.template]
    unsure = unsure_rows(report)
    blank = _blank(report)
    for col, label in _COL.items():
        if any(f"requests.{r}.{col}" in blank for r in (*rows, "processed_total")):
            continue
        total = req.get("processed_total", {}).get(col)
        parts = [req.get(r, {}).get(col) for r in rows]
        if (total is None and all(p is None for p in parts)) or _unknown(
            report, unsure, "requests", [(r, col) for r in (*rows, "processed_total")]
        ):
            continue
        s = sum(_v(p) for p in parts)
        if _v(total) != s:
            yield Finding(
                "requests.outcome_sum",
                "error",
                f"requests.processed_total.{col}",
                f"第三部分表格“{label}”列：“(七)总计”填报为{_v(total)}，但(一)至(六)各项办理结果之和为{s}。",
                expected=s,
                found=_v(total),
            )


@rule("requests.row_total")
def requests_row_total(report: Report) -> Iterator[Finding]:
    """For each row: total == the sum of the six applicant columns."""
    unsure = unsure_rows(report)
    blank = _blank(report)
    for row, cols in report.tables.get("requests", {}).items():
        if all(v is None for v in cols.values()) or _unknown(report, unsure, "requests", [(row, c) for c in cols]):
            continue
        if any(f"requests.{row}.{c}" in blank for c in cols):
            continue
        s = sum(_v(cols.get(c)) for c in formats.REQUEST_APPLICANT_COLUMNS)
        if cols.get("total") is None and s == 0:
            continue
        if _v(cols.get("total")) != s:
            yield Finding(
                "requests.row_total",
                "error",
                f"requests.{row}.total",
                f"第三部分表格“{_ROW.get(row, row)}”一行：总计填报为{_v(cols.get('total'))}，"
                f"但自然人与法人或其他组织各列之和为{s}。",
                expected=s,
                found=_v(cols.get("total")),
            )


@rule("appeals.group_total")
def appeals_group_total(report: Report) -> Iterator[Finding]:
    """For each group: total == upheld + corrected + other + pending."""
    unsure = unsure_rows(report)
    blank = _blank(report)
    for group, cols in report.tables.get("appeals", {}).items():
        if all(v is None for v in cols.values()) or _unknown(report, unsure, "appeals", [(group, c) for c in cols]):
            continue
        if f"appeals.{group}.total" in blank:
            continue
        s = sum(_v(cols.get(f)) for f in ("upheld", "corrected", "other", "pending"))
        if _v(cols.get("total")) != s:
            yield Finding(
                "appeals.group_total",
                "error",
                f"appeals.{group}.total",
                f"第四部分表格“{_GROUP[group]}”：总计填报为{_v(cols.get('total'))}，"
                f"但结果维持、结果纠正、其他结果、尚未审结之和为{s}。",
                expected=s,
                found=_v(cols.get("total")),
            )


@rule("structure.blank_total")
def structure_blank_total(report: Report) -> Iterator[Finding]:
    """Every total cell whose parts are not all zero is filled in (a blank one is not compared)."""
    cells = blank_totals(report)
    if not cells:
        return
    names = "、".join(formats.path_label(report.template, p) for p in cells)
    tables = sorted({p.split(".")[0] for p in cells})
    yield Finding(
        "structure.blank_total",
        "warning",
        cells[0] if len(cells) == 1 else (tables[0] if len(tables) == 1 else "tables"),
        f"以下总计栏为空，但其各分项不全为0，涉及这些总计的合计关系未作核对：{names}。",
        expected="filled totals",
        found=f"{len(cells)} blank",
    )


@rule("values.negative")
def values_negative(report: Report) -> Iterator[Finding]:
    """No count is negative (section 二 ``change`` may be)."""
    for table, rows in report.tables.items():
        for row, cols in rows.items():
            for col, v in cols.items():
                if isinstance(v, int | float) and v < 0 and col not in formats.SIGNED_FIELDS:
                    yield Finding(
                        "values.negative",
                        "error",
                        f"{table}.{row}.{col}",
                        f"{formats.cell_label(report.template, table, row, col)}填报为负数{v}，数量不能为负。",
                        expected=">= 0",
                        found=v,
                    )


@rule("template.outdated")
def template_outdated(report: Report) -> Iterator[Finding]:
    """A report on 2021 or later uses template 2021; one on 2019–2020 uses template 2019."""
    year, t = report.meta.year, report.template
    if year is None or t not in formats.TEMPLATES:
        return
    want = "2021" if year >= 2021 else "2019"
    if year >= 2019 and t != want:
        yield Finding(
            "template.outdated",
            "error",
            "template",
            f"这是{year}年度的报告，应使用{want}年版格式（国办公开办函〔{want}〕{_DOC_NO[want]}号），"
            f"实际使用的是{t}年版。",
            expected=want,
            found=t,
        )


_DOC_NO = {"2019": "60", "2021": "30"}  # the circulars that issued the templates


# Rules found while reading the document rather than by arithmetic (reported by the parser).
# Rules found while reading the document rather than by arithmetic (the parser reports them):
# rule id -> (severity, holds when).
PARSER_RULES: dict[str, tuple[str, str]] = {
    "structure.missing_section": ("error", "all six sections are present"),
    "structure.missing_table": ("error", "the tables of sections 二, 三, 四 are present"),
    "structure.missing_cells": ("warning", "no expected cell is absent (a column or row left out)"),
    "structure.ambiguous_cells": (
        "warning",
        "every cell of a row could be told apart (cells run together or split so that more than one reading "
        "fits the arithmetic: those cells are null)",
    ),
    "template.mixed": (
        "warning",
        "the report's tables all follow one template (a 2021 table 三 that keeps the single 2019 row (六)其他处理: "
        "the three 2021 rows are 0 where it is 0, else null)",
    ),
    "template.legacy": ("info", "the report uses the 2019 or 2021 format (a pre-2019 report has no tables to read)"),
    "source.unreadable": ("error", "the file could be opened and decoded"),
    "source.scanned": ("error", "the document has a text layer"),
    "source.truncated": (
        "warning",
        "the file is within the size limits (a text over 8 MB, more than 2,000,000 characters, a line over "
        "100,000 characters, a PDF over 300 pages, a scan over 30 pages for OCR: the rest is cut and not read)",
    ),
    "source.not_a_report": ("error", "the document is an annual report at all"),
    "narrative.mismatch": ("warning", "a figure stated in the prose agrees with the tables or with its listed parts"),
}
# Rules across reports (nianbao.history; run by `check --db`): rule id -> (severity, holds when).
CROSS_RULES: dict[str, tuple[str, str]] = {
    "history.carry_mismatch": (
        "warning",
        "for each column: this year's 上年结转 equals the same organ's 结转下年度继续办理 of the year before",
    ),
    "history.in_force_mismatch": (
        "warning",
        "(template 2021) for 规章 and 行政规范性文件: 现行有效件数 equals last year's plus 本年制发 minus 本年废止",
    ),
    "hierarchy.sum_mismatch": (
        "warning",
        "a parent's report (given an organ→parent CSV) equals the sum of its units' reports of the same year",
    ),
    "prose.duplicate": (
        "warning",
        "sections 一 and 五 are not nearly identical (MinHash, Jaccard ≥ 0.8) to another organ's of the same year",
    ),
    "history.missing_year": ("warning", "an organ with reports for Y−1 and Y+1 also has one for Y"),
}
# The findings of `nianbao aggregate` (nianbao.aggregate).
AGGREGATE_RULES: dict[str, tuple[str, str]] = {
    "aggregate.units": ("info", "(aggregate) lists the units whose reports were summed"),
    "aggregate.unit_errors": ("warning", "(aggregate) every unit summed passes its own checks"),
    "aggregate.unknown_cell": ("warning", "(aggregate) every unit's figure for a cell could be read"),
}

ALL_RULES = (*RULES, *PARSER_RULES, *CROSS_RULES, *AGGREGATE_RULES)


def rule_table() -> list[tuple[str, str, str]]:
    """(rule id, severity, holds when) for every rule, for the docs: arithmetic rules first."""
    rows = [(rid, _SEVERITY.get(rid, "error"), (fn.__doc__ or "").strip().splitlines()[0]) for rid, fn in RULES.items()]
    extra = {**PARSER_RULES, **CROSS_RULES, **AGGREGATE_RULES}
    return rows + [(rid, sev, holds) for rid, (sev, holds) in extra.items()]


def cells_of(finding: Finding, report: Report) -> list[str]:
    """The flat paths of the cells an arithmetic finding involves (every cell of its sum)."""
    rows = report.tables.get("requests", {})
    _table, row, col = [*finding.where.split("."), "", "", ""][:3]
    if finding.rule == "requests.balance":
        return [f"requests.{r}.{col}" for r in ("new_received", "carried_over", "processed_total", "carried_forward")]
    if finding.rule == "requests.outcome_sum" and report.template in formats.TEMPLATES:
        return [f"requests.{r}.{col}" for r in (*formats.OUTCOME_ROWS[report.template], "processed_total")]
    if finding.rule == "requests.row_total":
        return [f"requests.{row}.{c}" for c in rows.get(row, {})]
    if finding.rule == "appeals.group_total":
        return [f"appeals.{row}.{f.key}" for f in formats.APPEAL_FIELDS]
    return [finding.where] if finding.where.count(".") == 2 else []


def check(report: Report) -> list[Finding]:
    """All arithmetic and format findings for ``report`` (the parser's own findings are kept as they are)."""
    if report.template not in formats.TEMPLATES:
        return []
    return [f for fn in RULES.values() for f in fn(report)]


def checked(report: Report) -> Report:
    """``report`` with the checks' findings added after the parser's (idempotent)."""
    own = [f for f in report.findings if f.rule not in RULES]
    return report.with_findings([*own, *check(report)])
