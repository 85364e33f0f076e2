"""The first schema: sources, reports (with headline cells), docs, cell paths, cells in long form, findings.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text),
        sa.Column("kind", sa.String(16)),
        sa.Column("template", sa.String(8)),
        sa.Column("title", sa.Text),
        sa.Column("organ", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("published", sa.String(32)),
        sa.Column("script", sa.String(16)),
        sa.Column("province", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("county", sa.Text),
        sa.Column("parser_version", sa.String(40)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("n_errors", sa.Integer, nullable=False),
        sa.Column("n_warnings", sa.Integer, nullable=False),
        sa.Column("req_new", sa.Float),
        sa.Column("req_carried", sa.Float),
        sa.Column("req_processed", sa.Float),
        sa.Column("req_granted", sa.Float),
        sa.Column("req_forward", sa.Float),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reports_organ_year", "reports", ["organ", "year"])
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_index("ix_reports_template_status", "reports", ["template", "status"])
    op.create_table(
        "docs",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("doc", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "cell_paths",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tbl", sa.String(16), nullable=False),
        sa.Column("row", sa.String(48), nullable=False),
        sa.Column("col", sa.String(32), nullable=False),
        sa.UniqueConstraint("tbl", "row", "col", name="uq_cell_paths"),
    )
    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("path_id", sa.Integer, sa.ForeignKey("cell_paths.id"), primary_key=True),
        sa.Column("value", sa.Float().with_variant(sa.Numeric(asdecimal=False), "sqlite"), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_cells_path", "cells", ["path_id", "report_id", "value"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("message", sa.Text),
        sa.Column("expected", sa.Text),
        sa.Column("found", sa.Text),
    )
    op.create_index("ix_findings_report", "findings", ["report_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])


def downgrade() -> None:
    for table in ("findings", "cells", "cell_paths", "docs", "reports", "sources"):
        op.drop_table(table)
