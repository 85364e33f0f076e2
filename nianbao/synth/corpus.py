"""Many renderings at once: a deterministic test corpus and the sample files of the demo bundle."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from ..formats import TEMPLATES
from .generate import random_report
from .render import ENCODINGS, SHAPES, TRAITS, Rendering, render


def random_traits(rng: random.Random, shape: str, rate: float = 0.3) -> tuple[str, ...]:
    """A random subset of the traits that apply to ``shape``, with at most one encoding."""
    picked = [t for t in TRAITS[shape] if t not in ENCODINGS and rng.random() < rate]
    encodings = [t for t in TRAITS[shape] if t in ENCODINGS]
    if encodings and rng.random() < rate:
        picked.append(rng.choice(encodings))
    return tuple(picked)


def corpus(n: int, seed: int = 0) -> Iterator[Rendering]:
    """``n`` renderings cycling over both templates and every shape, with random traits; same seed, same bytes."""
    rng = random.Random(seed)
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        shape = SHAPES[(i // len(TEMPLATES)) % len(SHAPES)]
        report = random_report(rng, template)
        yield render(report, shape, rng, traits=random_traits(rng, shape))


def write_samples(folder: Path, n: int = 12, seed: int = 2024) -> list[Path]:
    """Write ``n`` sample files, each with ``<name>.expected.json`` beside it, for the demo bundle."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i, r in enumerate(corpus(n, seed)):
        path = folder / f"{i:02d}_{r.name}"
        path.write_bytes(r.data)
        expected = r.expected.to_dict()
        expected["source"]["path"] = path.name
        (folder / f"{path.name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        paths.append(path)
    return paths
