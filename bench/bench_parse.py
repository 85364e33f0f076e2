"""Benchmark: reports/second for text and HTML on one core, against a baseline measured in the same run.

The baseline is what any parser must do anyway: read the file, decode it, convert it with OpenCC
(and, for HTML, parse the markup with lxml).  nianbao's figure is the whole job: read, parse, check.

    python bench/bench_parse.py            # 400 text + 400 HTML reports
    python bench/bench_parse.py -n 1000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import lxml.html
import opencc

import nianbao
from nianbao.readers.text import decode
from nianbao.synth import random_report, render

TEXT_SHAPES = ("text_tabs", "text_lines", "text_pipes", "markdown")
HTML_SHAPES = ("html_table", "html_flat")


def write_corpus(folder: Path, n: int, shapes: tuple[str, ...], seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        report = random_report(rng, ("2019", "2021")[i % 2])
        r = render(report, shapes[i % len(shapes)], rng)
        p = folder / f"{i:05d}_{r.name}"
        p.write_bytes(r.data)
        paths.append(p)
    return paths


def baseline(paths: list[Path], html: bool) -> float:
    cc = opencc.OpenCC("t2s")
    start = time.perf_counter()
    for p in paths:
        text = cc.convert(decode(p.read_bytes()))
        if html:
            lxml.html.document_fromstring(text).text_content()
    return time.perf_counter() - start


def nianbao_run(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        nianbao.parse(p)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=400, help="reports of each kind")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for kind, shapes in (("text", TEXT_SHAPES), ("html", HTML_SHAPES)):
            folder = Path(tmp) / kind
            folder.mkdir()
            paths = write_corpus(folder, args.n, shapes, args.seed)
            nianbao_run(paths[:20])  # warm up imports and caches
            base = min(baseline(paths, kind == "html") for _ in range(5))
            ours = min(nianbao_run(paths) for _ in range(5))
            rows.append((kind, len(paths), len(paths) / base, len(paths) / ours, base / ours))
    print(f"{'kind':6} {'reports':>8} {'baseline/s':>12} {'nianbao/s':>11} {'nianbao vs baseline':>20}")
    for kind, n, b, o, ratio in rows:
        print(f"{kind:6} {n:8d} {b:12.0f} {o:11.0f} {ratio:19.3f}x")


if __name__ == "__main__":
    main()
