"""The ten real documents of ../shared/corpus (five seeds, five as offices and crawlers publish them) parse
exactly to their hand-checked JSON.  The figures per document (cells right, wrong values) are printed at
the end of the run.  Skipped, with the reason, where ../shared is not beside the clone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao

from .conftest import FIGURES, REAL, SEEDS, compare, needs_shared

pytestmark = needs_shared


def _documents() -> list[Path]:
    found = [p for d in (SEEDS, REAL) for p in sorted(d.glob("*")) if not p.name.endswith(".expected.json")]
    return found or [SEEDS / "absent"]


def _case(path: Path) -> object:
    return pytest.param(path, id=path.stem)


_PARSED: dict[Path, tuple[dict, dict]] = {}


def _parsed(path: Path) -> tuple[dict, dict]:
    """(what nianbao reads, what is expected), parsed once per run; the figures noted for the summary."""
    if path not in _PARSED:
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
        got = nianbao.parse(path).to_dict()
        diffs = [d for d in compare(got, expected) if d[0].count(".") == 2]
        cells = sum(len(cols) for rows in expected["tables"].values() for cols in rows.values())
        wrong = [d for d in diffs if d[1] is not None]
        FIGURES.append(
            f"{path.parent.name}/{path.name}: {cells - len(diffs)}/{cells} cells right, {len(wrong)} wrong values, "
            f"{len(diffs) - len(wrong)} null where a value is expected"
        )
        _PARSED[path] = (got, expected)
    return _PARSED[path]


@pytest.mark.parametrize("path", [_case(p) for p in _documents()])
def test_document_parses_exactly(path: Path) -> None:
    got, expected = _parsed(path)
    assert compare(got, expected) == []


@pytest.mark.parametrize(
    "path",
    [_case(p) for p in _documents()],
)
def test_no_wrong_value(path: Path) -> None:
    """A value read is the document's value: what cannot be read is null (a finding says so), never a guess."""
    got, expected = _parsed(path)
    wrong = [d for d in compare(got, expected) if d[0].count(".") == 2 and d[1] is not None]
    assert wrong == []


@pytest.mark.parametrize("path", [_case(p) for p in _documents()])
def test_no_error_finding_on_a_consistent_document(path: Path) -> None:
    """The ten documents' tables are consistent: no arithmetic or reading error; only a section the source lacks
    (jingyuan_2020 has no section 六).  Blank totals, run-together cells and the 2019 row in a 2021 table are
    warnings, not errors."""
    got, _ = _parsed(path)
    errors = [f for f in got["findings"] if f["severity"] == "error"]
    assert [f for f in errors if f["rule"] != "structure.missing_section"] == []
