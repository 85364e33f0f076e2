"""The store's tables as one SQLAlchemy Core metadata, the same for SQLite and PostgreSQL.

``reports.doc`` holds the canonical JSON (zlib) so that a stored report comes back exactly; ``cells``
(long form, non-null values only) and ``findings`` are its queryable projection, written in the same
transaction.  The ``req_*`` columns repeat five headline cells of the requests table so that the
usual analytic questions (requests by year, top organs, error rates) need no join over ``cells``.
Changing anything here needs a new script in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
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
    Column("doc", LargeBinary, nullable=False),  # zlib-compressed canonical JSON
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_reports_organ_year", "organ", "year"),
    Index("ix_reports_year", "year"),
    Index("ix_reports_template_status", "template", "status"),
)

cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("tbl", String(16), primary_key=True),
    Column("row", String(48), primary_key=True),
    Column("col", String(32), primary_key=True),
    Column("value", Float, nullable=False),
    Column("is_float", Boolean, nullable=False, default=False),  # 3 vs 3.0 in the JSON
    Index("ix_cells_path", "tbl", "row", "col", "value"),
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
