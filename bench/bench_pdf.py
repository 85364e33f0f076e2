"""Pages per second on the same PDFs: nianbao's PDF reader vs pdfplumber's extract_tables vs bare pypdfium2 text.

Not a test.  Usage:

    .venv/bin/python bench/bench_pdf.py                 # makes 6 report PDFs with LibreOffice first
    .venv/bin/python bench/bench_pdf.py a.pdf b.pdf     # or measures the PDFs given

The bare ``get_text_range`` run is the floor: the cost of pdfium parsing the pages and their text, with
no layout work.  Ratios are against it (how many times slower than the floor).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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


def make_pdfs(outdir: Path, count: int = 6) -> list[Path]:
    from tests.office_fixtures import add_running_text, build_docx, convert_many, make_report

    docs = []
    for i in range(count):
        p = build_docx(make_report(100 + i, "2019" if i % 2 else "2021"), outdir / f"bench{i}.docx")
        add_running_text(p, "某某县人民政府")
        docs.append(p)
    return convert_many(docs, "pdf", outdir)


def measure(fn: Callable[[bytes], int], blobs: list[bytes], repeat: int) -> tuple[float, int]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        t = time.perf_counter()
        pages = sum(fn(b) for b in blobs)
        best = min(best, time.perf_counter() - t)
    return best, pages


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(a) for a in argv] or make_pdfs(Path(tmp))
        blobs = [p.read_bytes() for p in paths]
    runs = [
        ("pypdfium2 get_text_range (floor)", bare_pdfium, 5),
        ("nianbao PdfReader", nianbao_reader, 5),
        ("pdfplumber extract_tables+text", plumber_tables, 1),
    ]
    results = []
    for name, fn, repeat in runs:
        seconds, pages = measure(fn, blobs, repeat)
        results.append((name, pages, seconds))
    floor = results[0][2]
    print(f"{len(blobs)} PDFs, {results[0][1]} pages\n")
    print(f"{'method':36} {'pages':>6} {'seconds':>9} {'pages/s':>9} {'x floor':>8}")
    for name, pages, seconds in results:
        print(f"{name:36} {pages:6d} {seconds:9.3f} {pages / seconds:9.1f} {seconds / floor:8.1f}")
    nb, pl = results[1][2], results[2][2]
    print(f"\nnianbao is {pl / nb:.1f}x faster than pdfplumber on these pages")


def nianbao_reader(data: bytes) -> int:
    from nianbao.readers.layout import pages_to_text
    from nianbao.readers.pdf import read_pdf_pages

    pages, _ = read_pdf_pages(data)
    pages_to_text(pages)
    return len(pages)


if __name__ == "__main__":
    main(sys.argv[1:])
