"""The store's tables as one SQLAlchemy Core metadata, the same for SQLite and PostgreSQL.

``docs`` holds each report's canonical JSON (zlib) so that a stored report comes back exactly; ``cells``
(long form, non-null values only, one row per report and cell path) and ``findings`` are its queryable
projection, written in the same transaction.  Cell paths are numbered once in ``cell_paths`` so that
a cell costs a few bytes (SQLite keeps integer values as compact integers and the table clustered by
report); ``reports`` stays narrow so that scans over it are quick.  Its ``req_*`` columns repeat five
headline cells of the requests table so that the usual analytic questions (requests by year, top
organs, error rates) need no join over ``cells``.
Changing anything here needs a new script in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Headline cells copied onto the reports row: column name -> flat path.
SUMMARY_CELLS: dict[str, str] = {
    "req_new": "requests.new_received.total",
    "req_carried": "requests.carried_over.total",
    "req_processed": "requests.processed_total.total",
    "req_granted": "requests.granted.total",
    "req_forward": "requests.carried_forward.total",
}

sources = Table(
    "sources",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # zlib-compressed original bytes
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("path", Text),
    Column("kind", String(16)),
    Column("template", String(8)),
    Column("title", Text),
    Column("organ", Text),
    Column("year", Integer),
    Column("published", String(32)),
    Column("script", String(16)),
    Column("province", Text),
    Column("city", Text),
    Column("county", Text),
    Column("parser_version", String(40)),
    Column("status", String(12), nullable=False),
    Column("n_errors", Integer, nullable=False, default=0),
    Column("n_warnings", Integer, nullable=False, default=0),
    *(Column(name, Float) for name in SUMMARY_CELLS),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_reports_organ_year", "organ", "year"),
    Index("ix_reports_year", "year"),
    Index("ix_reports_template_status", "template", "status"),
)

docs = Table(
    "docs",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("doc", LargeBinary, nullable=False),  # zlib-compressed canonical JSON
)

cell_paths = Table(
    "cell_paths",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tbl", String(16), nullable=False),
    Column("row", String(48), nullable=False),
    Column("col", String(32), nullable=False),
    UniqueConstraint("tbl", "row", "col", name="uq_cell_paths"),
)

# NUMERIC affinity on SQLite stores whole numbers as compact integers; a double elsewhere.
CELL_VALUE = Float().with_variant(Numeric(asdecimal=False), "sqlite")

cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("path_id", Integer, ForeignKey("cell_paths.id"), primary_key=True),
    Column("value", CELL_VALUE, nullable=False),
    Index("ix_cells_path", "path_id", "report_id", "value"),  # appended to, and covers sums by path
    sqlite_with_rowid=False,
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("location", Text),
    Column("message", Text),
    Column("expected", Text),  # JSON
    Column("found", Text),  # JSON
    Index("ix_findings_report", "report_id"),
    Index("ix_findings_rule", "rule"),
)
