"""The corpus store: many reports in one database (SQLite file by default, PostgreSQL by URL).

>>> from nianbao.store import open_corpus
>>> corpus = open_corpus("corpus.db")          # creates or migrates the schema
>>> corpus.ingest(["reports/"])                # files, folders, globs, zip archives
>>> total, page = corpus.search(year=2022, has_errors=True)
>>> corpus.get(page[0].id).to_dict()           # the canonical JSON, exactly as stored

The schema (``schema.py``) is one SQLAlchemy Core metadata for both databases; Alembic scripts in
``migrations/`` create and upgrade it when a corpus is opened. Each report is written in one
transaction with its cells, findings and source bytes, so a killed ingest leaves nothing half-written.
"""

from __future__ import annotations

from .corpus import Corpus, Filters, IngestSummary, StoredReport, open_corpus

__all__ = ["Corpus", "Filters", "IngestSummary", "StoredReport", "open_corpus"]
