"""Generated reports as offices publish them: DOCX from nianbao's renderer (both templates, some in Traditional
script, some typed without table borders) and the PDFs LibreOffice makes of them, tables crossing pages.

One soffice call converts every DOCX of the session.  The figures are printed (run with -s to see them):
cells compared, accuracy, wrong non-null values, nulls where a value was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from tests.conftest import Tally
from tests.office_fixtures import OfficeCase, convert_many, office_cases, soffice

pytest.importorskip("pypdfium2", reason="pypdfium2 is needed for the PDF reader (pip install 'nianbao[office]')")
pytest.importorskip("docx", reason="python-docx is needed for the DOCX reader (pip install 'nianbao[office]')")
pytest.importorskip("opencc", reason="OpenCC makes the Traditional-script cases")

N_REPORTS = 60  # each as DOCX and PDF; every third also without borders (DOCX and PDF)


@pytest.fixture(scope="session")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[OfficeCase]:
    try:
        import nianbao.render  # noqa: F401
    except ImportError:
        pytest.skip("nianbao.render is not available")
    return office_cases(tmp_path_factory.mktemp("office-docx"), N_REPORTS, seed=3)


@pytest.fixture(scope="session")
def pdfs(cases: list[OfficeCase], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    out = convert_many([c.docx for c in cases], "pdf", tmp_path_factory.mktemp("office-pdf"), timeout=600)
    return {c.name: p for c, p in zip(cases, out)}


def _score(
    label: str, items: list[tuple[OfficeCase, Path]]
) -> tuple[int, float, list[tuple[str, str, object, object]]]:
    tally = Tally()
    for case, path in items:
        tally.add(path.name, nianbao.parse_bytes(path.read_bytes(), path.name).to_dict(), case.expected)
    print(
        f"\n{label}: {len(items)} files, {tally.cells} cells, accuracy {tally.accuracy:.4%}, wrong non-null "
        f"{len(tally.wrong)}, null where a value was expected {tally.unsure}, "
        f"meta/template misses {dict(tally.meta) or 0}"
    )
    assert not tally.meta, tally.meta
    return tally.cells, tally.accuracy, tally.wrong


def test_docx_cases(cases: list[OfficeCase]) -> None:
    items = [(c, c.docx) for c in cases]
    assert len(items) >= 40 and any(c.traditional for c in cases)
    assert {c.expected["template"] for c in cases} == {"2019", "2021"}
    _, accuracy, wrong = _score("DOCX (ruled and borderless)", items)
    assert wrong == [] and accuracy >= 0.999


def test_pdf_cases(cases: list[OfficeCase], pdfs: dict[str, Path]) -> None:
    import pypdfium2 as pdfium

    items = [(c, pdfs[c.name]) for c in cases if not c.borderless]
    assert len(items) >= 60
    pages = [len(pdfium.PdfDocument(p.read_bytes())) for _, p in items]
    assert min(pages) >= 2  # the requests table runs over a page break in every one
    _, accuracy, wrong = _score("PDF with ruled tables", items)
    assert wrong == [] and accuracy >= 0.999


def test_borderless_pdf_cases(cases: list[OfficeCase], pdfs: dict[str, Path]) -> None:
    """No ruling lines: columns come from alignment; what cannot be placed is null, never shifted."""
    items = [(c, pdfs[c.name]) for c in cases if c.borderless]
    assert len(items) >= 20
    for _, p in items[:3]:
        assert not nianbao.readers.read_bytes(p.read_bytes(), p.name).grid
    _, accuracy, wrong = _score("PDF without ruling lines", items)
    assert wrong == []
    assert accuracy >= 0.98
