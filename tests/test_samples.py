"""The sample reports bundled for the demo (written by nianbao's own generator) parse to their expected JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao

from .conftest import compare

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize("path", sorted(p for p in SAMPLES.iterdir() if not p.name.endswith(".json")), ids=str)
def test_sample_parses_to_expected(path):
    expected = json.loads((SAMPLES / f"{path.name}.expected.json").read_text(encoding="utf-8"))
    report = nianbao.parse(path)
    assert compare(report.to_dict(), expected) == []
    assert not report.has_errors
