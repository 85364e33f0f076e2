"""The flat form of spec §4: one row per report, one column per cell, for CSV and spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .formats import TEMPLATES, flat_paths
from .model import Report

META_COLUMNS = (
    "source.path",
    "source.sha256",
    "source.kind",
    "template",
    "meta.title",
    "meta.organ",
    "meta.year",
    "meta.published",
    "meta.script",
    "findings.errors",
    "findings.warnings",
)


def flat_columns() -> list[str]:
    """Every column of the flat form: meta first, then the cells of both templates (union, in table order)."""
    cols: list[str] = list(META_COLUMNS)
    seen = set(cols)
    for t in TEMPLATES:
        for p in flat_paths(t):
            if p not in seen:
                seen.add(p)
                cols.append(p)
    return cols


def flat_row(report: Report) -> dict[str, object]:
    row: dict[str, object] = {
        "source.path": report.source.path,
        "source.sha256": report.source.sha256,
        "source.kind": report.source.kind,
        "template": report.template,
        "meta.title": report.meta.title,
        "meta.organ": report.meta.organ,
        "meta.year": report.meta.year,
        "meta.published": report.meta.published,
        "meta.script": report.meta.script,
        "findings.errors": sum(f.severity == "error" for f in report.findings),
        "findings.warnings": sum(f.severity == "warning" for f in report.findings),
    }
    if report.template in TEMPLATES:
        row.update(report.flat())
    return row


def to_csv(reports: Iterable[Report]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=flat_columns(), lineterminator="\n")
    writer.writeheader()
    for r in reports:
        writer.writerow(flat_row(r))
    return buf.getvalue()


# ---------------------------------------------------------------- exports of many reports (the corpus)
META_LABELS: dict[str, str] = {
    "source.path": "来源文件",
    "source.sha256": "来源SHA256",
    "source.kind": "来源格式",
    "template": "模板",
    "meta.title": "标题",
    "meta.organ": "机关",
    "meta.year": "年度",
    "meta.published": "发布日期",
    "meta.script": "字形",
    "findings.errors": "错误数",
    "findings.warnings": "警告数",
}
TABLE_LABELS: dict[str, str] = {"active": "二、主动公开", "requests": "三、依申请公开", "appeals": "四、复议诉讼"}
FINDING_COLUMNS = (
    "source.path",
    "meta.organ",
    "meta.year",
    "rule",
    "severity",
    "where",
    "message",
    "expected",
    "found",
)
FINDING_LABELS: dict[str, str] = {
    "rule": "规则",
    "severity": "级别",
    "where": "位置",
    "message": "说明",
    "expected": "应为",
    "found": "实为",
}
EXPORT_FORMATS = ("csv", "xlsx", "parquet", "jsonl")
XLSX_MAX_ROWS = 1_048_576  # rows of one worksheet, the header included


def chinese_header(column: str) -> str:
    """The column's name in the official wording: ``三、依申请公开·(一)予以公开·自然人`` for
    ``requests.granted.natural_person`` (the first template that has the row gives its label)."""
    from . import formats

    if column in META_LABELS:
        return META_LABELS[column]
    if column in FINDING_LABELS:
        return FINDING_LABELS[column]
    table, row, col = column.split(".")
    if table == "active":
        rows = {r.key: r for t in formats.TEMPLATES for r in reversed(formats.active_rows(t))}
        t = "2019" if row in {r.key for r in formats.ACTIVE_2019} and col in formats.FIELD_LABELS else "2021"
        return f"{TABLE_LABELS[table]}·{rows[row].label}·{formats.field_label(t, col)}"
    if table == "requests":
        label = next(r.label for r in formats.REQUEST_ROWS if r.key == row)
        group = formats.request_group(row)
        if group:
            label = f"{formats.REQUEST_GROUP_LABELS[group]}{label}"
        return f"{TABLE_LABELS[table]}·{label}·{next(c.label for c in formats.REQUEST_COLUMNS if c.key == col)}"
    group_label = next(g.label for g in formats.APPEAL_GROUPS if g.key == row)
    field_label = next(f.label for f in formats.APPEAL_FIELDS if f.key == col)
    return f"{TABLE_LABELS[table]}·{group_label}·{field_label}"


def _headers(columns: list[str], chinese: bool) -> list[str]:
    return [chinese_header(c) for c in columns] if chinese else list(columns)


def write_export(reports: Iterable[Report], out: str, fmt: str, chinese: bool = False) -> int:
    """Write the flat form of ``reports`` (streamed, one at a time) to ``out``; returns how many rows.

    csv and jsonl: one row/object per report; parquet: one typed column per cell; xlsx: a sheet of
    reports, one sheet per table (the report's path, organ and year, then its cells) and one of findings.
    """
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx}[fmt]
    return writer(reports, out, chinese)


def _write_csv(reports: Iterable[Report], out: str, chinese: bool) -> int:
    cols = flat_columns()
    n = 0
    with open(out, "w", encoding="utf-8-sig" if chinese else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(_headers(cols, chinese))
        for r in reports:
            row = flat_row(r)
            writer.writerow(["" if row.get(c) is None else row[c] for c in cols])
            n += 1
    return n


def _write_jsonl(reports: Iterable[Report], out: str, chinese: bool) -> int:
    import json

    cols = flat_columns()
    names = _headers(cols, chinese)
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for r in reports:
            row = flat_row(r)
            fh.write(json.dumps({k: row.get(c) for k, c in zip(names, cols)}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _write_parquet(reports: Iterable[Report], out: str, chinese: bool, batch: int = 2000) -> int:
    from .errors import MissingDependency

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(
            "导出 Parquet 需要 pyarrow (pyarrow is needed for parquet): pip install 'nianbao[store]'",
            expected="pyarrow",
        ) from None
    cols = flat_columns()
    text_cols = {"source.path", "source.sha256", "source.kind", "template", "meta.title", "meta.organ"}
    text_cols |= {"meta.published", "meta.script"}
    int_cols = {"meta.year", "findings.errors", "findings.warnings"}

    def kind(c: str) -> pa.DataType:
        return pa.string() if c in text_cols else pa.int32() if c in int_cols else pa.float64()

    schema = pa.schema([pa.field(h, kind(c)) for h, c in zip(_headers(cols, chinese), cols)])
    n = 0
    buf: list[dict[str, object]] = []
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:

        def flush() -> None:
            arrays = [pa.array([b.get(c) for b in buf], type=kind(c)) for c in cols]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            buf.clear()

        for r in reports:
            buf.append(flat_row(r))
            n += 1
            if len(buf) >= batch:
                flush()
        if buf or n == 0:
            flush()
    return n


def _write_xlsx(reports: Iterable[Report], out: str, chinese: bool) -> int:
    import json

    from .errors import MissingDependency

    try:
        from openpyxl import Workbook
    except ImportError:
        raise MissingDependency(
            "导出 XLSX 需要 openpyxl (openpyxl is needed for xlsx): pip install 'nianbao[render]'",
            expected="openpyxl",
        ) from None
    wb = Workbook(write_only=True)
    cols = flat_columns()
    key = ["source.path", "meta.organ", "meta.year", "template"]
    per_table = {t: [c for c in cols if c.startswith(f"{t}.")] for t in TABLE_LABELS}
    sheets = {"reports": wb.create_sheet("报告" if chinese else "reports")}
    sheets["reports"].append(_headers(list(META_COLUMNS), chinese))
    for t, tcols in per_table.items():
        sheets[t] = wb.create_sheet(TABLE_LABELS[t].split("、")[1] if chinese else t)
        sheets[t].append(_headers(key + tcols, chinese))
    sheets["findings"] = wb.create_sheet("问题清单" if chinese else "findings")
    sheets["findings"].append(_headers(list(FINDING_COLUMNS), chinese))
    n = 0
    findings = 0
    for r in reports:
        findings += len(r.findings)
        if n + 1 >= XLSX_MAX_ROWS or findings >= XLSX_MAX_ROWS:
            from .errors import NianbaoError

            for sheet in sheets.values():  # end the sheets' temporary files; nothing is written to ``out``
                sheet.close()
            raise NianbaoError(
                f"超出 Excel 工作表的行数上限 {XLSX_MAX_ROWS}（第 {n + 1} 份报告）：请用 csv 或 parquet，"
                "或用 --year/--organ 分批导出 (too many rows for one XLSX sheet; use csv or parquet)",
                path=out,
            )
        row = flat_row(r)
        sheets["reports"].append([row.get(c) for c in META_COLUMNS])
        for t, tcols in per_table.items():
            if r.template in TEMPLATES:
                sheets[t].append([row.get(c) for c in key + tcols])
        for f in r.findings:
            sheets["findings"].append(
                [
                    r.source.path,
                    r.meta.organ,
                    r.meta.year,
                    f.rule,
                    f.severity,
                    f.where,
                    f.message,
                    None if f.expected is None else json.dumps(f.expected, ensure_ascii=False),
                    None if f.found is None else json.dumps(f.found, ensure_ascii=False),
                ]
            )
        n += 1
    wb.save(out)
    return n
