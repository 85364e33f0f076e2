"""Office readers (issue 3): PDF, DOCX, .doc/.wps via LibreOffice, OFD — built the way offices make them.

No mocks: DOCX fixtures are written with python-docx (and with nianbao's own renderer when present),
PDFs come from LibreOffice, the scanned PDF from a rendered image, the encrypted one from pypdf.
LibreOffice runs once per session for all the PDFs (it costs seconds to start).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from nianbao.errors import MissingDependency, NianbaoError, UnreadableFile
from nianbao.model import Report
from nianbao.readers import SPAN, ocr, read_bytes
from nianbao.readers.layout import Glyph, PageLayout, pages_to_text
from tests.office_fixtures import (
    ExpectedRow,
    add_running_text,
    build_docx,
    build_ofd,
    convert_many,
    expected_rows,
    make_report,
    soffice,
)

pdfium = pytest.importorskip(
    "pypdfium2", reason="pypdfium2 is needed for the PDF reader (pip install 'nianbao[office]')"
)
pytest.importorskip("docx", reason="python-docx is needed for the DOCX reader (pip install 'nianbao[office]')")

needs_soffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)
HEADER = "某某县人民政府办公室文件"

CASES = {  # name -> (seed, template, extra)
    "r2019": (11, "2019", {}),
    "r2021": (12, "2021", {"landscape_appeals": True}),
    "running": (13, "2019", {}),
    "noborders": (14, "2019", {"borders": False}),
}


def _render_docx():  # type: ignore[no-untyped-def]
    try:
        from nianbao.render import render_docx
    except ImportError:
        return None
    return render_docx


@pytest.fixture(scope="session")
def reports() -> dict[str, Report]:
    return {name: make_report(seed, template) for name, (seed, template, _) in CASES.items()}


@pytest.fixture(scope="session")
def docx_files(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, Report]) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("docx")
    out = {}
    for name, (_, _, extra) in CASES.items():
        out[name] = build_docx(reports[name], d / f"{name}.docx", **extra)
    add_running_text(out["running"], HEADER)
    render_docx = _render_docx()
    if render_docx is not None:
        render_docx(reports["r2019"], d / "rendered.docx")
        out["rendered"] = d / "rendered.docx"
    return out


@pytest.fixture(scope="session")
def pdf_files(tmp_path_factory: pytest.TempPathFactory, docx_files: dict[str, Path]) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    d = tmp_path_factory.mktemp("pdf")
    names = list(docx_files)
    paths = convert_many([docx_files[n] for n in names], "pdf", d)
    return dict(zip(names, paths))


def _report_for(name: str, reports: dict[str, Report]) -> Report:
    return reports["r2019"] if name == "rendered" else reports[name]


def assert_rows(text: str, rows: list[ExpectedRow], *, same_columns: bool = True) -> None:
    """Each row's label is a cell of one line, followed by the row's values as separate cells, in order."""
    # a cell spanning columns continues as SPAN: for reading values in order it is no cell
    lines = [[c if c != SPAN else "" for c in ln.split("\t")] for ln in text.splitlines()]
    value_columns: dict[int, set[int]] = {}
    for row in rows:
        found = False
        for cells in lines:
            if row.label:
                norm = [c.replace("，", ",") for c in cells]  # the renderer writes full-width commas
                if row.label not in norm:
                    continue
                at = norm.index(row.label) + 1
                after = cells[at:]
                values = [c for c in after if c]
                first = at + next((i for i, c in enumerate(after) if c), 0)
            else:
                values = [c for c in cells if c]
                first = 0
            if tuple(re.sub(r"[,，]|万?元$", "", v) for v in values) == row.values:  # the renderer writes units
                found = True
                value_columns.setdefault(len(row.values), set()).add(first)
                break
        assert found, f"row {row.label or '(appeals numbers)'} with values {row.values} not found in:\n{text}"
    if same_columns:  # merged cells expanded: the requests table's values start in the same column on every line
        assert len(value_columns.get(7, set())) == 1, value_columns


# ---------------------------------------------------------------- DOCX


@pytest.mark.parametrize("name", list(CASES))
def test_docx_rows(name: str, docx_files: dict[str, Path], reports: dict[str, Report]) -> None:
    doc = read_bytes(docx_files[name].read_bytes(), docx_files[name].name)
    assert doc.kind == "docx" and doc.grid
    assert_rows(doc.text, expected_rows(reports[name]))
    assert reports[name].meta.title in doc.text.splitlines()


def test_docx_rendered_by_nianbao(docx_files: dict[str, Path], reports: dict[str, Report]) -> None:
    if "rendered" not in docx_files:
        pytest.skip("nianbao.render.render_docx is not available")
    doc = read_bytes(docx_files["rendered"].read_bytes(), "rendered.docx")
    assert_rows(doc.text, expected_rows(reports["r2019"]), same_columns=False)


def test_docx_text_box_and_nested_table(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("一、总体情况")
    outer = d.add_table(rows=1, cols=1)
    inner = outer.cell(0, 0).add_table(rows=1, cols=3)
    for i, v in enumerate(("规章", "3", "4")):
        inner.cell(0, i).text = v
    d.add_paragraph("二、主动公开政府信息情况")
    p = d.add_paragraph("正文")
    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    from docx.oxml import parse_xml

    p._p.append(
        parse_xml(
            f"<w:r {ns}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框里的字</w:t>"
            "</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    path = tmp_path / "n.docx"
    d.save(str(path))
    text = read_bytes(path.read_bytes(), "n.docx").text
    assert text.splitlines() == ["一、总体情况", "规章\t3\t4", "二、主动公开政府信息情况", "正文", "文本框里的字"]


def test_corrupt_docx(docx_files: dict[str, Path]) -> None:
    data = docx_files["r2019"].read_bytes()
    with pytest.raises(UnreadableFile, match="DOCX"):
        read_bytes(data[: len(data) // 3], "broken.docx")


def test_pdf_named_file_that_is_docx(docx_files: dict[str, Path], reports: dict[str, Report]) -> None:
    doc = read_bytes(docx_files["r2019"].read_bytes(), "report.pdf")
    assert doc.kind == "docx"
    assert_rows(doc.text, expected_rows(reports["r2019"]))


def test_pdf_named_file_that_is_neither() -> None:
    with pytest.raises(NianbaoError, match=r"PDF"):
        read_bytes(b"\x00\x01\x02 not a pdf at all \xff" * 10, "report.pdf")


# ---------------------------------------------------------------- PDF


@needs_soffice
@pytest.mark.parametrize("name", [n for n in CASES if n != "noborders"])
def test_pdf_rows(name: str, pdf_files: dict[str, Path], reports: dict[str, Report]) -> None:
    doc = read_bytes(pdf_files[name].read_bytes(), pdf_files[name].name)
    assert doc.kind == "pdf" and doc.grid and doc.notes == ()
    assert_rows(doc.text, expected_rows(reports[name]))
    # a label wrapped inside its cell comes out whole, as one cell
    assert any(
        "（二）部分公开（区分处理的,只计这一情形,不计其他情形）" in ln.split("\t") for ln in doc.text.splitlines()
    )


@needs_soffice
def test_pdf_without_ruling_lines(pdf_files: dict[str, Path], reports: dict[str, Report]) -> None:
    """No borders: cells come from the gaps between characters, and the reader does not claim a grid."""
    doc = read_bytes(pdf_files["noborders"].read_bytes(), "noborders.pdf")
    assert not doc.grid
    # without borders a label wrapped in a narrow column stays on two lines (the parser joins those):
    # compare the rows whose labels fit, and the numbers of every row
    rows = expected_rows(reports["noborders"])
    assert_rows(doc.text, [r for r in rows if len(r.label) <= 8 and len(r.values) < 7], same_columns=False)
    lines = [tuple(c for c in ln.split("\t") if c) for ln in doc.text.splitlines()]
    for r in rows:
        assert any(cells[len(cells) - len(r.values) :] == r.values for cells in lines), r


@needs_soffice
def test_pdf_rendered_by_nianbao(pdf_files: dict[str, Path], reports: dict[str, Report]) -> None:
    if "rendered" not in pdf_files:
        pytest.skip("nianbao.render.render_docx is not available")
    doc = read_bytes(pdf_files["rendered"].read_bytes(), "rendered.pdf")
    assert_rows(doc.text, expected_rows(reports["r2019"]), same_columns=False)


@needs_soffice
def test_pdf_running_headers_and_page_numbers_dropped(pdf_files: dict[str, Path]) -> None:
    data = pdf_files["running"].read_bytes()
    assert len(pdfium.PdfDocument(data)) >= 3
    text = read_bytes(data, "running.pdf").text
    assert HEADER not in text
    assert not [ln for ln in text.splitlines() if re.fullmatch(r"-\s*\d+\s*-", ln.strip())]


@needs_soffice
def test_pdf_rotated_pages(pdf_files: dict[str, Path], reports: dict[str, Report], tmp_path: Path) -> None:
    """Pages turned by /Rotate, and portrait content turned onto a landscape page by the content matrix."""
    src = pdfium.PdfDocument(pdf_files["r2019"].read_bytes())
    for page in src:
        page.set_rotation(90)
    buf = io.BytesIO()
    src.save(buf)
    assert_rows(read_bytes(buf.getvalue(), "rot.pdf").text, expected_rows(reports["r2019"]))

    src = pdfium.PdfDocument(pdf_files["r2019"].read_bytes())
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        w, h = src[i].get_size()
        xobj = src.page_as_xobject(i, dst)
        page = dst.new_page(h, w)
        obj = xobj.as_pageobject()
        obj.transform(pdfium.PdfMatrix().rotate(90).translate(0, w))
        page.insert_obj(obj)
        page.gen_content()
    buf = io.BytesIO()
    dst.save(buf)
    text = read_bytes(buf.getvalue(), "turned.pdf").text
    assert_rows(text, expected_rows(reports["r2019"]))


@needs_soffice
def test_scanned_pdf(pdf_files: dict[str, Path]) -> None:
    src = pdfium.PdfDocument(pdf_files["r2019"].read_bytes())
    images = [src[i].render(scale=1).to_pil().convert("RGB") for i in range(2)]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:])
    doc = read_bytes(buf.getvalue(), "scan.pdf")
    assert "scanned" in doc.notes and not doc.grid
    if not ocr.available():  # with the OCR extra the scan is read (tests/test_ocr.py)
        assert doc.notes == ("scanned",) and doc.text == ""


@needs_soffice
def test_encrypted_pdf(pdf_files: dict[str, Path]) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is needed to make an encrypted PDF")
    reader = pypdf.PdfReader(str(pdf_files["r2019"]))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(UnreadableFile, match=r"加密.*encrypted"):
        read_bytes(buf.getvalue(), "locked.pdf")


@needs_soffice
def test_truncated_pdf(pdf_files: dict[str, Path]) -> None:
    data = pdf_files["r2019"].read_bytes()
    with pytest.raises(UnreadableFile, match=r"truncated|damaged"):
        read_bytes(data[: len(data) // 2], "cut.pdf")


# ---------------------------------------------------------------- .doc through LibreOffice


@needs_soffice
def test_doc_via_libreoffice(docx_files: dict[str, Path], reports: dict[str, Report], tmp_path: Path) -> None:
    (doc_path,) = convert_many([docx_files["r2021"]], "doc", tmp_path)
    for name in ("report.doc", "report.wps"):
        doc = read_bytes(doc_path.read_bytes(), name)
        assert doc.kind == name.rsplit(".", 1)[1] and doc.grid
        assert_rows(doc.text, expected_rows(reports["r2021"]))
        break  # one LibreOffice run is enough; .wps takes the same path


def test_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    from nianbao.readers.convert import ConvertReader

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(MissingDependency, match="libreoffice-writer"):
        ConvertReader().read(ole, "wps")


# ---------------------------------------------------------------- OFD


def test_ofd_rows(tmp_path: Path) -> None:
    report = make_report(21)
    path = build_ofd(report, tmp_path / "r.ofd")
    doc = read_bytes(path.read_bytes(), "r.ofd")
    assert doc.kind == "ofd" and doc.grid
    rows = [r for r in expected_rows(report) if r.label]  # the OFD fixture has no appeals table
    assert_rows(doc.text, rows)
    assert "- 1 -" not in doc.text


def test_corrupt_ofd() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/>")
    with pytest.raises(UnreadableFile, match="OFD"):
        read_bytes(buf.getvalue(), "x.ofd")


# ---------------------------------------------------------------- layout steps on hand-made pages


def _word(x: float, top: float, s: str, size: float = 10) -> list[Glyph]:
    return [Glyph(x + i * size, top, x + (i + 1) * size, top + size, ch) for i, ch in enumerate(s)]


def test_layout_wrapped_label_in_ruled_cell_is_one_cell() -> None:
    glyphs = _word(102, 102, "1.信访举") + _word(102, 114, "报投诉类") + _word(202, 102, "7")
    rules = [
        (100, 100, 300, 100.5),
        (100, 130, 300, 130.5),
        (100, 100, 100.5, 130),
        (200, 100, 200.5, 130),
        (300, 100, 300.5, 130),
    ]
    text, grid = pages_to_text([PageLayout(400, 600, glyphs, rules)])
    assert (text, grid) == ("1.信访举报投诉类\t7", True)


def test_layout_page_numbers_and_headers_dropped() -> None:
    long = "这一行正文写满了整个版心的宽度"
    pages = [
        PageLayout(
            400,
            600,
            _word(100, 20, "某县政府")
            + _word(70, 100, f"第{n}段正文")
            + _word(50, 115, long)
            + _word(180, 570, f"-{n}-"),
            [],
        )
        for n in range(1, 4)
    ]
    text, grid = pages_to_text(pages)
    assert text.splitlines() == [f"第{n // 2 + 1}段正文" if n % 2 == 0 else long for n in range(6)] and not grid


# ---------------------------------------------------------------- end to end, when the parser exists


def _parser():  # type: ignore[no-untyped-def]
    try:
        from nianbao.parse import parse_bytes
    except ImportError:
        return None
    return parse_bytes


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_end_to_end(
    kind: str, docx_files: dict[str, Path], reports: dict[str, Report], request: pytest.FixtureRequest
) -> None:
    parse_bytes = _parser()
    if parse_bytes is None:
        pytest.skip("the parser (nianbao.parse.parse_bytes) is not available yet")
    files = docx_files if kind == "docx" else request.getfixturevalue("pdf_files")
    for name in ("r2019", "r2021"):
        got = parse_bytes(files[name].read_bytes(), files[name].name)
        want = reports[name]
        assert got.template == want.template, got.findings
        wrong = {p: (got.cell(p), v) for p, v in want.flat().items() if got.cell(p) != v}
        assert not wrong, f"{name}.{kind}: cells differ (got, want): {wrong}"
