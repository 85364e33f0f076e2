from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# A bug in nianbao's own code raises in the tests instead of becoming a source.unreadable finding.
os.environ.setdefault("NIANBAO_DEBUG", "1")

# The real documents live beside the clone, never in it (README: ../shared); a fresh clone has none.
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
REAL = SHARED / "corpus" / "real"
NO_SHARED = f"the real reports of ../shared/corpus are not beside this clone ({SHARED} is absent)"
needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason=NO_SHARED)


# Lines for the end of the run (tests/test_real.py: cells right per real document).
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("real documents of ../shared/corpus")
        for line in FIGURES:
            terminalreporter.write_line(line)


def seed_cases() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> Path:
    """The seed report whose name starts with ``prefix`` (a path that does not exist without ../shared:
    tests that read it carry :data:`needs_shared`)."""
    return next((p for p in seed_cases() if p.stem.startswith(prefix)), SEEDS / f"{prefix}.txt")


def compare(got: dict, expected: dict) -> list[tuple[str, object, object]]:
    """Cells and meta fields where ``got`` differs from ``expected``.

    null and 0 count as equal only where the expected value is null.
    """
    diffs: list[tuple[str, object, object]] = []
    if got["template"] != expected["template"]:
        diffs.append(("template", got["template"], expected["template"]))
    for k in ("title", "organ", "year", "published", "script"):
        if k in expected.get("meta", {}) and got["meta"].get(k) != expected["meta"][k]:
            diffs.append((f"meta.{k}", got["meta"].get(k), expected["meta"][k]))
    for table, rows in expected["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                have = got["tables"].get(table, {}).get(row, {}).get(col, "absent")
                if have != want and not (want is None and have == 0):
                    diffs.append((f"{table}.{row}.{col}", have, want))
    return diffs


@dataclass
class Tally:
    """Cells compared over many documents: how many, null where a value was expected, wrong non-null values,
    metadata/template misses and error findings, for the accuracy tests of generated and office files."""

    cells: int = 0
    unsure: int = 0
    wrong: list[tuple[str, str, object, object]] = field(default_factory=list)
    meta: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, got: dict, expected: dict) -> list[tuple[str, object, object]]:
        """Count one document; returns its cell differences."""
        self.cells += sum(len(c) for rows in expected["tables"].values() for c in rows.values())
        cells = []
        for where, have, want in compare(got, expected):
            if where == "template" or where.startswith("meta."):
                self.meta[where] += 1
                continue
            cells.append((where, have, want))
            if have is None:
                self.unsure += 1
            else:
                self.wrong.append((name, where, have, want))
        self.errors += [(name, f["rule"]) for f in got.get("findings", []) if f["severity"] == "error"]
        return cells

    @property
    def accuracy(self) -> float:
        return 1 - (len(self.wrong) + self.unsure) / self.cells if self.cells else 0.0


@pytest.fixture
def load_expected():
    def load(path: Path) -> dict:
        return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))

    return load


# ---------------------------------------------------------------- the corpus store (#8)
# A real PostgreSQL server for the store tests: .ci/run starts one and exports this URL.
PG_URL = os.environ.get("NIANBAO_TEST_PG")
STORE_BACKENDS = ("sqlite-file", "sqlite-memory", "postgresql")


def store_url(backend: str, tmp_path: Path) -> str:
    """A fresh, empty corpus location of ``backend`` (skips when PostgreSQL is not configured)."""
    if backend == "sqlite-file":
        return str(tmp_path / "corpus.db")
    if backend == "sqlite-memory":
        return "sqlite://"
    if not PG_URL:
        pytest.skip("NIANBAO_TEST_PG is not set (no PostgreSQL server for the store tests; .ci/run starts one)")
    pytest.importorskip("psycopg")
    _pg_reset(PG_URL)
    return PG_URL


def _pg_reset(url: str) -> None:
    """Drop every table of the test database, so each test starts from an empty schema."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=STORE_BACKENDS)
def corpus(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty corpus on each backend: a SQLite file, SQLite in memory, a real PostgreSQL server."""
    pytest.importorskip("sqlalchemy")
    from nianbao.store import open_corpus

    c = open_corpus(store_url(request.param, tmp_path))
    yield c
    c.close()
