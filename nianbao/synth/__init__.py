"""Synthetic annual reports: random consistent data, deliberate errors, and renderings in real-world shapes.

Each :class:`Rendering` carries the exact canonical data a perfect parser must produce, so the parser,
the checks and the renderers can be tested on as many reports as we like, of both templates.
"""

from __future__ import annotations

from .corpus import corpus, random_traits, write_samples
from .generate import (
    INJECTABLE_RULES,
    Injection,
    inject_errors,
    inject_errors_detailed,
    random_organ,
    random_report,
    violations,
)
from .render import ENCODINGS, SHAPES, TRAITS, Rendering, decode, readings, render, to_traditional

__all__ = [
    "ENCODINGS",
    "INJECTABLE_RULES",
    "SHAPES",
    "TRAITS",
    "Injection",
    "Rendering",
    "corpus",
    "decode",
    "inject_errors",
    "inject_errors_detailed",
    "random_organ",
    "random_report",
    "random_traits",
    "readings",
    "render",
    "to_traditional",
    "violations",
    "write_samples",
]
