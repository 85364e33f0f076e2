"""Scans: recognised as scans always; with the optional OCR extra, read — and only confirmed values kept."""

from __future__ import annotations

import io
import random

import pytest

import nianbao
from nianbao.readers import ocr
from nianbao.synth import random_report

from .conftest import compare
from .office_fixtures import convert_many, soffice

pytestmark = [
    pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed: pip install 'nianbao[ocr]'"),
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is needed to make the scanned fixture"),
]


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """A generated report printed to PDF by LibreOffice, then turned into page images: a scan."""
    import pypdfium2 as pdfium

    from nianbao.render import render_docx

    folder = tmp_path_factory.mktemp("scan")
    report = random_report(random.Random(8), "2021")
    render_docx(report, folder / "r.docx")
    [pdf_path] = convert_many([folder / "r.docx"], "pdf", folder)
    pdf = pdfium.PdfDocument(pdf_path.read_bytes())
    images = [pdf[i].render(scale=2).to_pil().convert("RGB") for i in range(len(pdf))]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=144)
    png = io.BytesIO()
    images[0].save(png, format="PNG")
    return report, buf.getvalue(), png.getvalue()


def test_scanned_pdf_is_read_by_ocr_and_keeps_no_wrong_value(scan):
    report, data, _png = scan
    parsed = nianbao.parse_bytes(data, "scan.pdf")
    marks = [f for f in parsed.findings if f.rule == "source.scanned"]
    assert marks and "OCR" in marks[0].message
    diffs = compare(parsed.to_dict(), report.to_dict())
    wrong = [d for d in diffs if d[1] is not None]
    cells = sum(len(c) for rows in report.tables.values() for c in rows.values())
    print(f"\nOCR scan: {cells} cells, read {cells - len(diffs)}, null {len(diffs) - len(wrong)}, wrong {len(wrong)}")
    assert wrong == []
    assert parsed.template == "2021"
    assert cells - len(diffs) >= cells // 2  # most of the table is read


def test_scanned_image_file_is_read(scan):
    _report, _data, png = scan
    parsed = nianbao.parse_bytes(png, "page1.png")
    assert parsed.source.kind == "image"
    assert "source.scanned" in {f.rule for f in parsed.findings}
    assert parsed.meta.year is not None
