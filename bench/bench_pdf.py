"""Pages per second on the same PDFs: nianbao's PDF reader vs pdfplumber's extract_tables vs bare pypdfium2 text.

Not a test.  Usage:

    .venv/bin/python bench/bench_pdf.py                 # makes 12 report PDFs with LibreOffice first
    .venv/bin/python bench/bench_pdf.py a.pdf b.pdf     # or measures the PDFs given

The bare ``get_text_range`` run is the floor: the cost of pdfium parsing the pages and their text, with
no layout work.  Ratios are against it (how many times slower than the floor).  nianbao gives tables and the
text around them, so its headline ratio is against pdfplumber doing both; the ratio against pdfplumber's
tables alone is printed beside it.  When the PDFs are made
here, each method's text also goes through nianbao's parser and its cells are compared with the report
the PDF was made from (accuracy = cells equal / cells; wrong = non-null values that differ).
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


ROUNDS = 5  # timed rounds; each method's best is reported


def bare_pdfium(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    n = len(doc)
    for i in range(n):
        page = doc[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    doc.close()
    return n


def plumber_tables(data: bytes) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
        return len(pdf.pages)


def plumber_tables_only(data: bytes) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def plumber_text(data: bytes) -> str:
    """pdfplumber's tables (rows as tab-separated lines) and the text around them, top to bottom."""
    import io

    import pdfplumber

    out: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            items: list[tuple[float, str]] = []
            for t in tables:
                rows = t.extract()
                items.append((t.bbox[1], "\n".join("\t".join(c or "" for c in r).replace("\n", "") for r in rows)))
            rest = page
            for t in tables:
                rest = rest.outside_bbox(t.bbox)
            for ln in rest.extract_text_lines():
                items.append((ln["top"], ln["text"]))
            out.extend(text for _, text in sorted(items, key=lambda it: it[0]))
    return "\n".join(out)


def nianbao_text(data: bytes) -> str:
    from nianbao.readers import read_bytes

    return read_bytes(data, "x.pdf").text


def accuracy(texts: list[str], expected: list[dict]) -> tuple[int, float, int]:
    """(cells, accuracy, wrong non-null) of the parser run on each method's text."""
    import nianbao
    from tests.conftest import compare

    cells = bad = wrong = 0
    for text, want in zip(texts, expected):
        got = nianbao.parse_bytes(text.encode("utf-8"), "x.txt").to_dict()
        cells += sum(len(c) for rows in want["tables"].values() for c in rows.values())
        for where, have, _ in compare(got, want):
            if where.startswith(("meta.", "template")):
                continue
            bad += 1
            wrong += have is not None
    return cells, 1 - bad / cells, wrong


def make_pdfs(outdir: Path, count: int = 8) -> tuple[list[Path], list[dict]]:
    """Generated reports rendered by nianbao (half of them without table borders), through LibreOffice."""
    from tests.office_fixtures import add_running_text, convert_many, office_cases

    cases = office_cases(outdir, count, seed=9, borderless_every=2)
    for c in cases:
        add_running_text(c.docx, "某某县人民政府")
    return convert_many([c.docx for c in cases], "pdf", outdir), [c.expected for c in cases]


def measure(
    runs: list[tuple[str, Callable[[bytes], int]]], blobs: list[bytes], rounds: int
) -> list[tuple[str, int, float]]:
    """(name, pages, best seconds) of each method over all the PDFs, in rounds that take turns.

    Taking turns, and the best of several rounds for every method alike, keeps a slow spell of a shared
    machine from landing on one method only; a first round warms imports and caches and is not counted.
    """
    best = {name: float("inf") for name, _ in runs}
    pages = dict.fromkeys(best, 0)
    for n in range(rounds + 1):
        for name, fn in runs:
            gc.collect()  # the garbage of the method before is not this one's to collect
            t = time.perf_counter()
            pages[name] = sum(fn(b) for b in blobs)
            if n:
                best[name] = min(best[name], time.perf_counter() - t)
    return [(name, pages[name], best[name]) for name, _ in runs]


def main(argv: list[str]) -> None:
    expected: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        if argv:
            paths = [Path(a) for a in argv]
        else:
            paths, expected = make_pdfs(Path(tmp))
        blobs = [p.read_bytes() for p in paths]
    runs = [
        ("pypdfium2 get_text_range (floor)", bare_pdfium),
        ("nianbao PdfReader", nianbao_reader),
        ("pdfplumber extract_tables+text", plumber_tables),
        ("pdfplumber extract_tables", plumber_tables_only),
    ]
    results = measure(runs, blobs, ROUNDS)
    floor = results[0][2]
    print(f"{len(blobs)} PDFs, {results[0][1]} pages\n")
    print(f"{'method':36} {'pages':>6} {'seconds':>9} {'pages/s':>9} {'x floor':>8}")
    for name, pages, seconds in results:
        print(f"{name:36} {pages:6d} {seconds:9.3f} {pages / seconds:9.1f} {seconds / floor:8.1f}")
    nb, pl, tables = results[1][2], results[2][2], results[3][2]
    print(f"\nnianbao is {pl / nb:.1f}x faster than pdfplumber on these pages ({tables / nb:.1f}x its tables alone)")
    if expected:
        print(f"\n{'method':36} {'cells':>6} {'accuracy':>9} {'wrong':>6}")
        for name, fn in (("nianbao PdfReader", nianbao_text), ("pdfplumber extract_tables+text", plumber_text)):
            cells, acc, wrong = accuracy([fn(b) for b in blobs], expected)
            print(f"{name:36} {cells:6d} {acc:9.4%} {wrong:6d}")


def nianbao_reader(data: bytes) -> int:
    from nianbao.readers.layout import pages_to_text
    from nianbao.readers.pdf import read_pdf_pages

    pages, _ = read_pdf_pages(data)
    pages_to_text(pages)
    return len(pages)


if __name__ == "__main__":
    main(sys.argv[1:])
