"""Sum units' reports into one canonical report of their parent (a county that sums its departments).

Nulls: a blank cell counts as 0 among the parts of a sum (as the spec's checks do), so a cell the
units left blank does not blank the parent's total; a unit's blank *total* is first filled in from its
parts (:func:`with_totals`), since reports often leave totals blank and 0 would understate the sum.
A cell a unit's *parser could not read* (null in a row with a ``structure.missing_cells`` /
``structure.ambiguous_cells`` finding, or a unit that could not be read at all) is unknown: the parent's
cell is then ``null`` with an ``aggregate.unknown_cell`` finding naming the unit — never a sum that
silently lacks a part.  A cell blank in every unit stays blank.
Money is summed exactly (as decimals) in the template's own unit: 元 for 采购总金额, 万元 for 收费金额.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from . import formats
from .check import checked, unsure_rows
from .errors import NianbaoError
from .model import Finding, Meta, Number, Report, Source, Tables

_SOURCE_RULES = ("source.unreadable", "source.scanned", "source.not_a_report")


class AggregateError(NianbaoError):
    """The units cannot be summed into one report (no units, mixed templates or years)."""


def unit_name(report: Report) -> str:
    """How a unit is named in messages: its organ and year, else its file."""
    if report.meta.organ:
        return f"{report.meta.organ}({report.meta.year}年)" if report.meta.year else report.meta.organ
    return report.source.path or "（无名报告）"


def row_label(template: str | None, table: str, row: str, cols: Sequence[str]) -> str:
    """``第三部分表格“一、本年新收…”一行（自然人、总计列）``: a row and some of its columns, in Chinese."""
    names = "、".join(formats.column_label(template, table, c) for c in cols)
    return f"{formats.path_label(template, f'{table}.{row}')}（{names}{'列' if table == 'requests' else ''}）"


def _unknown(report: Report, unsure: set[str], table: str, row: str) -> bool:
    """True when a null in ``table.row`` of ``report`` means 'could not be read' rather than blank."""
    if any(f.rule in _SOURCE_RULES for f in report.findings):
        return True
    return f"{table}.{row}" in unsure or table in unsure


def with_totals(report: Report) -> Report:
    """``report`` with each blank total its parts give filled in (（七）总计, a row's 总计, a group's 总计).

    Reports often leave totals blank (spec §3); summed as 0 they would understate the parent's total.
    A total whose parts are all blank stays blank; a part that could not be read leaves it blank.
    """
    if report.template not in formats.TEMPLATES:
        return report
    unsure = unsure_rows(report)
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in report.tables.items()}
    req = tables.get("requests", {})

    def fill(table: str, cols: dict, target: str, parts: list[Number | None], rows: Sequence[str]) -> None:
        readable = not any(f"{table}.{r}" in unsure or table in unsure for r in rows)
        if cols.get(target) is None and any(p is not None for p in parts) and readable:
            cols[target] = _add([p for p in parts if p is not None])

    outcomes = formats.OUTCOME_ROWS[report.template]
    if "processed_total" in req:
        for col in req["processed_total"]:
            parts = [req.get(r, {}).get(col) for r in outcomes]
            fill("requests", req["processed_total"], col, parts, (*outcomes, "processed_total"))
    for row, cols in req.items():
        fill("requests", cols, "total", [cols.get(c) for c in formats.REQUEST_APPLICANT_COLUMNS], (row,))
    for group, cols in tables.get("appeals", {}).items():
        parts = [cols.get(f) for f in ("upheld", "corrected", "other", "pending")]
        fill("appeals", cols, "total", parts, (group,))
    from dataclasses import replace

    return replace(report, tables=tables)


def _add(values: list[Number]) -> Number:
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)


def _validate(children: Sequence[Report], year: int) -> str:
    if not children:
        raise AggregateError("没有可汇总的下属单位报告 (no unit reports to sum)")
    templates = {r.template for r in children}
    bad = [r for r in children if r.template not in formats.TEMPLATES]
    if bad:
        names = "、".join(unit_name(r) for r in bad[:5])
        raise AggregateError(
            f"{names} 未采用2019或2021年版格式（模板无法识别或为旧式报告），无法汇总 "
            "(only reports of the 2019 or 2021 template can be summed)",
            expected="template 2019 or 2021",
        )
    if len(templates) > 1:
        by = {t: [unit_name(r) for r in children if r.template == t] for t in sorted(templates, key=str)}
        detail = "；".join(f"{t}年版：{'、'.join(n[:3])}{'等' if len(n) > 3 else ''}" for t, n in by.items())
        raise AggregateError(
            f"下属单位的报告格式不一致，不能混合汇总 (cannot mix templates)：{detail}", expected="one template"
        )
    wrong = [r for r in children if r.meta.year != year]
    if wrong:
        detail = "、".join(f"{unit_name(r)}为{r.meta.year or '未知'}年度" for r in wrong[:5])
        raise AggregateError(
            f"只能汇总{year}年度的报告，但 {detail} (all units must report on {year})", expected=str(year)
        )
    return next(iter(templates))  # type: ignore[return-value]


def aggregate(children: Sequence[Report], organ: str, year: int) -> tuple[Report, list[Finding]]:
    """One report of ``organ`` for ``year`` whose every cell is the sum of ``children``'s.

    Returns the report (with the checks' findings and the ones below) and the aggregation findings:
    ``aggregate.units`` (info) lists the contributing units, ``aggregate.unit_errors`` (warning) each unit
    whose own checks fail, ``aggregate.unknown_cell`` (warning) each cell left null because a unit's
    figure could not be read.  Raises :class:`AggregateError` for no units, mixed templates or years.
    """
    template = _validate(children, year)
    units = [with_totals(checked(r)) for r in children]
    unsure = [unsure_rows(r) for r in units]
    tables: Tables = formats.empty_tables(template)
    findings: list[Finding] = [
        Finding(
            "aggregate.units",
            "info",
            "meta.organ",
            f"{organ}{year}年度数据由{len(units)}个下属单位的报告汇总：{'、'.join(unit_name(r) for r in units)}。",
            found=[r.source.path or unit_name(r) for r in units],
        )
    ]
    for r in units:
        if r.has_errors:
            rules = sorted({f.rule for f in r.findings if f.severity == "error"})
            findings.append(
                Finding(
                    "aggregate.unit_errors",
                    "warning",
                    r.source.path or unit_name(r),
                    f"下属单位 {unit_name(r)} 的报告本身未通过检查（{'、'.join(rules)}），汇总数可能因此有误。",
                    found=rules,
                )
            )
    unreadable = [unit_name(r) for r in units if any(f.rule in _SOURCE_RULES for f in r.findings)]
    if unreadable:  # one finding, not one per cell: every sum lacks this unit's part
        findings.append(
            Finding(
                "aggregate.unknown_cell",
                "warning",
                "tables",
                f"下属单位 {'、'.join(unreadable)} 的报告未能读出，各项汇总数均无法确定，全部留空。",
                found=unreadable,
            )
        )
    for table, rows in tables.items():
        for row, cols in rows.items():
            row_unknown: dict[str, list[str]] = {}
            for col in cols:
                parts: list[Number] = []
                unknown: list[str] = []
                for r, u in zip(units, unsure):
                    v = r.tables.get(table, {}).get(row, {}).get(col)
                    if v is not None:
                        parts.append(v)
                    elif _unknown(r, u, table, row):
                        unknown.append(unit_name(r))
                if unknown:
                    cols[col] = None
                    if not unreadable:
                        row_unknown[col] = unknown
                elif parts:
                    cols[col] = _add(parts)
            if row_unknown:
                names = sorted({n for ns in row_unknown.values() for n in ns})
                labels = row_label(template, table, row, list(row_unknown))
                findings.append(
                    Finding(
                        "aggregate.unknown_cell",
                        "warning",
                        f"{table}.{row}",
                        f"{labels}无法汇总：{'、'.join(names)} 的该项数据未能读出，汇总数留空。",
                        found={c: ns for c, ns in row_unknown.items()},
                    )
                )
    title = f"{organ}{year}年政府信息公开工作年度报告"
    report = Report(
        template=template,
        meta=Meta(title=title, organ=organ, year=year),
        tables=tables,
        source=Source(kind="aggregate"),
    )
    report = checked(report.with_findings(findings))
    return report, findings


def load_units(paths: Sequence[str], jobs: int = 1, scheduler: str | None = None) -> list[Report]:
    """Units' reports from files and folders: canonical JSON is loaded, every other format parsed and checked."""
    from pathlib import Path

    from .batch import expand, parse_many
    from .model import load_json

    files: list[str] = []
    for p in paths:
        files += expand([p])
        if Path(p).is_dir():
            files += sorted(str(f) for f in Path(p).rglob("*.json") if f.is_file())
    if not files:
        raise AggregateError("没有找到下属单位的报告文件 (no report files found in the paths given)")
    documents = [f for f in files if not f.lower().endswith(".json")]
    parsed = dict(zip(documents, parse_many(documents, jobs, scheduler)))
    return [parsed[f] if f in parsed else checked(load_json(f)) for f in files]


def units_in_store(corpus: object, parent: str, year: int, parents: dict[str, str]) -> list[Report]:
    """The stored reports of ``year`` whose organ's parent (by ``parents``) is ``parent``."""
    from .regions import organ_key

    want = organ_key(parent)
    ids = [
        row.id
        for row in corpus.stored()  # type: ignore[attr-defined]
        if row.year == year and parents.get(organ_key(row.organ) or "") == want
    ]
    if not ids:
        raise AggregateError(
            f"库中没有{parent}的下属单位{year}年度的报告（按上下级对照表）"
            f" (no stored {year} reports of units whose parent is {parent})"
        )
    return list(corpus.reports(ids))  # type: ignore[attr-defined]
