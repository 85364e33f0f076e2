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
