"""Over hundreds of generated reports in every shape: cells exact, no wrong value, every injected error found.

The figures are printed (run with -s to see them) so that a change in accuracy is visible in CI logs.
"""

from __future__ import annotations

import random
from collections import Counter

import nianbao
from nianbao.synth import corpus, inject_errors, render

from .conftest import Tally

N_REPORTS = 600
N_INJECTED = 120


def test_generated_corpus_cell_accuracy():
    tally = Tally()
    by_shape: Counter[str] = Counter()
    for rendering in corpus(N_REPORTS, seed=11):
        report = nianbao.parse_bytes(rendering.data, rendering.name)
        by_shape[rendering.shape] += len(tally.add(rendering.name, report.to_dict(), rendering.expected.to_dict()))
    print(
        f"\ngenerated: {N_REPORTS} reports, {tally.cells} cells, accuracy {tally.accuracy:.5%}, "
        f"wrong non-null {len(tally.wrong)}, null where a value was expected {tally.unsure}, "
        f"misses by shape {dict(+by_shape)}"
    )
    assert tally.wrong == [], tally.wrong[:10]
    assert not tally.meta, tally.meta
    assert tally.accuracy >= 0.999
    assert tally.errors == []


def test_injected_errors_are_all_found():
    rng = random.Random(5)
    missed: list[tuple[str, str]] = []
    total = 0
    shapes = ("text_tabs", "text_lines", "text_pipes", "markdown", "html_table", "html_flat", "md_converter")
    for i in range(N_INJECTED):
        template = ("2019", "2021")[i % 2]
        report = nianbao.synth.random_report(rng, template)
        broken, rules = inject_errors(report, rng, n=1 + i % 2)
        rendering = render(broken, shapes[i % len(shapes)], rng)
        parsed = nianbao.parse_bytes(rendering.data, rendering.name)
        found = {f.rule for f in parsed.findings if f.severity == "error"}
        total += len(rules)
        missed += [(rendering.name, r) for r in rules if r not in found]
    print(f"\ninjected: {total} errors in {N_INJECTED} reports, found {total - len(missed)}, missed {len(missed)}")
    assert missed == []
