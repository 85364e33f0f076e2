"""Corpus: the public API over the store (see the package docstring). Bodies land in later commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Report


@dataclass(frozen=True)
class StoredReport:
    """One row of the reports table: what lists and search results show without loading the cells."""

    id: int
    path: str | None
    sha256: str
    kind: str | None
    template: str | None
    organ: str | None
    year: int | None
    published: str | None
    script: str | None
    province: str | None
    city: str | None
    county: str | None
    status: str  # ok | errors | unreadable
    n_errors: int
    n_warnings: int
    parser_version: str | None
    title: str | None = None


@dataclass
class IngestSummary:
    """What one ingest run did; ``failed`` lists (name, reason) of files stored as unreadable."""

    seen: int = 0
    added: int = 0
    skipped: int = 0  # already stored (same sha256)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


class Corpus:
    """A store of reports. Use :func:`open_corpus`; close it (or use ``with``) when done."""

    url: str

    def add(self, report: Report, data: bytes | None = None) -> int:
        """Store one report (and its source bytes); same sha256 => the id already stored, nothing written."""
        raise NotImplementedError

    def ingest(
        self,
        paths: Sequence[str],
        jobs: int = 0,
        progress: Callable[[int, int], None] | None = None,
        scheduler: str | None = None,
    ) -> IngestSummary:
        """Parse and store files, folders, globs and zip archives; skips what is already stored."""
        raise NotImplementedError

    def get(self, id: int) -> Report | None:
        """The stored report; ``get(id).to_dict()`` equals the dict it was stored from."""
        raise NotImplementedError

    def source(self, id: int) -> tuple[str, bytes] | None:
        """(file name, original bytes) of a stored report, or None when it has none."""
        raise NotImplementedError

    def search(
        self,
        organ: str | None = None,
        year: int | None = None,
        template: str | None = None,
        rule: str | None = None,
        has_errors: bool | None = None,
        region: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[StoredReport]]:
        """(total matching, one page ordered by organ, year, id). ``organ``/``q`` match substrings;
        ``region`` matches province, city or county; ``rule`` keeps reports with a finding of that rule
        (or prefix ending in '.')."""
        raise NotImplementedError

    def stored(self, ids: Iterable[int] | None = None) -> Iterator[StoredReport]:
        """Rows of the reports table (all, ordered by id, or those of ``ids``), streamed."""
        raise NotImplementedError

    def reports(self, ids: Iterable[int] | None = None) -> Iterator[Report]:
        """Stored reports (all, by id, or those of ``ids``), streamed: memory does not grow with the corpus."""
        raise NotImplementedError

    def stats(self) -> dict[str, Any]:
        """Headline figures: {"reports": N, "by_year": {...}, "by_template": {...}, "by_status": {...},
        "requests": {...}, "error_rate": ...}."""
        raise NotImplementedError

    def set_region(self, id: int, province: str | None, city: str | None, county: str | None) -> None:
        """Record the region inferred for a stored report (nianbao.regions fills these)."""
        raise NotImplementedError

    def delete(self, id: int) -> bool:
        """Remove a report with its cells and findings (its source bytes too when no other report uses them)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_corpus(url: str) -> Corpus:
    """Open (creating or migrating) a corpus: a file path means SQLite; ``sqlite:///x.db``,
    ``sqlite://`` (in memory) and ``postgresql://user@host/db`` URLs are taken as they are.

    Raises :class:`nianbao.errors.StoreError` with a clear message for a database from a newer
    nianbao, a locked or read-only database, or a server that cannot be reached.
    """
    raise NotImplementedError
