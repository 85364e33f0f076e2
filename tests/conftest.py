from __future__ import annotations

import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


def seed_cases() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


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


@pytest.fixture
def load_expected():
    def load(path: Path) -> dict:
        return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))

    return load
