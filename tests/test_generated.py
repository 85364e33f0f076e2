"""Over hundreds of generated reports in every shape: cells exact, no wrong value, every injected error found.

The figures are printed (run with -s to see them) so that a change in accuracy is visible in CI logs.
"""

from __future__ import annotations

import random
from collections import Counter

import nianbao
from nianbao.synth import corpus, inject_errors, render

from .conftest import compare

N_REPORTS = 600
N_INJECTED = 120


def test_generated_corpus_cell_accuracy():
    cells = wrong = unsure = 0
    by_shape: Counter[str] = Counter()
    wrong_examples: list[tuple[str, str, object, object]] = []
    errors_on_clean: list[tuple[str, str]] = []
    for rendering in corpus(N_REPORTS, seed=11):
        report = nianbao.parse_bytes(rendering.data, rendering.name)
        expected = rendering.expected.to_dict()
        cells += sum(len(c) for rows in expected["tables"].values() for c in rows.values())
        for path, got, want in compare(report.to_dict(), expected):
            if got is None:
                unsure += 1
            else:
                wrong += 1
                wrong_examples.append((rendering.name, path, got, want))
            by_shape[rendering.shape] += 1
        errors_on_clean += [(rendering.name, f.rule) for f in report.findings if f.severity == "error"]
    accuracy = 1 - (wrong + unsure) / cells
    print(
        f"\ngenerated: {N_REPORTS} reports, {cells} cells, accuracy {accuracy:.5%}, "
        f"wrong non-null {wrong}, null where a value was expected {unsure}, misses by shape {dict(by_shape)}"
    )
    assert wrong == 0, wrong_examples[:10]
    assert accuracy >= 0.999
    assert errors_on_clean == []


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
