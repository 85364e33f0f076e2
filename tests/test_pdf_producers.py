"""PDFs from the producers offices use, read exactly (issue 7): headless Chromium printing HTML, a PDF library
writing glyph by glyph in shuffled order (as WPS/Jisupdf do), and hand-made pages for each mechanism the real
WPS file exposed: type sized by the text matrix, white boxes behind text, footers, numbers wrapped in cells.

The generated documents are compared cell by cell and on title/organ/year with the report they were made from.
"""

from __future__ import annotations

import ctypes
import io
import random
from pathlib import Path

import pytest

import nianbao
from nianbao.parse.meta import find_title
from nianbao.readers import read_bytes
from nianbao.readers.layout import Glyph, PageLayout, pages_to_text
from nianbao.synth import random_report
from tests.conftest import compare
from tests.pdf_producers import FOOTERS, chromium, chromium_pdf, cjk_font, glyph_pdf, title_on_two_lines

pdfium = pytest.importorskip(
    "pypdfium2", reason="pypdfium2 is needed for the PDF reader (pip install 'nianbao[office]')"
)


def _exact(path: Path, report: nianbao.Report) -> list[tuple[str, object, object]]:
    got = nianbao.parse_bytes(path.read_bytes(), path.name).to_dict()
    return compare(got, report.to_dict())


# ---------------------------------------------------------------- producers


def test_glyph_by_glyph_pdfs_in_shuffled_order(tmp_path: Path) -> None:
    """Every character its own text object, objects shuffled, white boxes behind lines, footers, two-line titles;
    tables with ruling lines and without."""
    pytest.importorskip("fpdf", reason="fpdf2 writes the glyph-by-glyph PDFs (pip install fpdf2)")
    if cjk_font() is None:
        pytest.skip("no CJK font to embed: apt-get install fonts-noto-cjk")
    for i in range(4):
        report = random_report(random.Random(700 + i), ("2019", "2021")[i % 2])
        footer = FOOTERS[(i + 1) % len(FOOTERS)]
        path = glyph_pdf(report, tmp_path / f"g{i}.pdf", seed=i, footer=footer, borders=i < 2)
        assert _exact(path, report) == [], path.name


@pytest.mark.skipif(chromium() is None, reason="headless Chromium is not installed: apt-get install chromium")
def test_chromium_print_to_pdf(tmp_path: Path) -> None:
    """Browser print-to-PDF of the HTML rendering: title on two lines, a running header, page footers, and
    Chromium's own header and footer (date, title, URL, 2/3)."""
    from nianbao.render.to_html import render_html

    for i, footer in enumerate(("- {n} -", "第{n}页 共{total}页", "— {n} —", None)):
        report = random_report(random.Random(800 + i), ("2019", "2021")[i % 2])
        html = title_on_two_lines(render_html(report), report.meta.organ or "", spaced=i % 2 == 0)
        path = chromium_pdf(html, tmp_path / f"c{i}.pdf", footer=footer, header=report.meta.organ or "")
        assert _exact(path, report) == [], path.name


# ---------------------------------------------------------------- hand-made cases, one per mechanism


def _wps_like_pdf(lines: list[tuple[float, str]], footer: str, seed: int = 0) -> bytes:
    """Latin/digit lines written as WPS writes text: 220 pt type scaled by 0.05 in the text matrix, one object
    per character, shuffled; a white filled box behind each line; a footer at the bottom of the page."""
    raw = pdfium.raw
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    objs = []
    boxes = []
    for top, text in [*lines, (800.0, footer)]:
        box = raw.FPDFPageObj_CreateNewRect(60, 842 - top - 14, 475, 16)
        raw.FPDFPageObj_SetFillColor(box, 255, 255, 255, 255)
        raw.FPDFPath_SetDrawMode(box, 1, 0)
        boxes.append(box)
        x = 72.0
        for ch in text:
            if ch != " ":
                obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", 220.0)
                data = (ch + "\x00").encode("utf-16-le")
                buf = ctypes.create_string_buffer(data, len(data))
                raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FPDFPageObj_Transform(obj, 0.05, 0, 0, 0.05, x, 842 - top)
                objs.append(obj)
            x += 7.0
    random.Random(seed).shuffle(objs)
    for obj in boxes + objs:
        raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_type_sized_by_the_text_matrix_reads_line_by_line() -> None:
    """11 pt lines 13 pt apart, in shuffled stream order: pdfium says 220 pt, the matrix makes it 11."""
    lines = [(100.0, "ROW ONE 1523"), (113.0, "ROW TWO 2569"), (126.0, "ROW THREE 42")]
    for footer in ("- 2 -", "-2-", "Page 2"):
        doc = read_bytes(_wps_like_pdf(lines, footer, seed=len(footer)), "wps.pdf")
        assert doc.text.replace("\t", " ").splitlines() == [t for _, t in lines]
        assert not doc.grid  # the white boxes behind the lines are not ruling lines


def _word(x: float, top: float, s: str, size: float = 10.0, width: float | None = None) -> list[Glyph]:
    w = width or size
    return [Glyph(x + i * w, top, x + (i + 1) * w, top + size, ch) for i, ch in enumerate(s)]


def _grid(xs: list[float], ys: list[float]) -> list[tuple[float, float, float, float]]:
    out = []
    for y in ys:
        out.append((xs[0], y, xs[-1], y + 0.5))
    for x in xs:
        out.append((x, ys[0], x + 0.5, ys[-1]))
    return out


def test_number_wrapped_in_a_ruled_cell_is_one_number() -> None:
    """A value too wide for its cell goes on below it (256 / 9): one number, not 256 and a stray 9."""
    xs, ys = [100.0, 200.0, 230.0], [100.0, 130.0, 145.0]
    glyphs = _word(102, 102, "新收") + _word(203, 102, "256", 8) + _word(203, 114, "9", 8)
    glyphs += _word(102, 132, "结转") + _word(212, 132, "1", 8)
    text, grid = pages_to_text([PageLayout(400, 600, glyphs, _grid(xs, ys))])
    assert grid and text.splitlines() == ["新收\t2569", "结转\t1"]


def test_row_cut_by_a_page_break_keeps_the_wrapped_digits() -> None:
    """The last row's numbers fill their cells and go on at the top of the next page: 256 + 9 = 2569."""
    xs = [100.0, 200.0, 230.0, 260.0]
    page1 = _word(102, 552, "总计") + _word(203, 552, "256", 8) + _word(233, 552, "5", 8)
    page2 = _word(203, 52, "9", 8)
    first = PageLayout(400, 600, page1, _grid(xs, [550.0, 580.0]))
    second = PageLayout(400, 600, page2 + _word(102, 102, "下一段正文"), _grid(xs, [50.0, 65.0]))
    text, _ = pages_to_text([first, second])
    assert text.splitlines()[0] == "总计\t2569\t5"
    # a number with room to spare in its cell did not wrap: the digits below are not joined to it
    page1 = _word(102, 552, "总计") + _word(211, 552, "2", 8) + _word(233, 552, "5", 8)
    first = PageLayout(400, 600, page1, _grid(xs, [550.0, 580.0]))
    text, _ = pages_to_text([first, second])
    assert "29" not in text


def test_number_wrapped_in_a_borderless_row_joins_its_row() -> None:
    """No rules; cells centred vertically: 152 above and 3 below the row's label line make 1523 on that row."""
    size = 10.0
    cols = [270.0, 310.0, 350.0]

    def row(top: float, label: str, values: list[str]) -> list[Glyph]:
        out = _word(80, top, label, size)
        for x, v in zip(cols, values):
            if v:
                out += _word(x - len(v) * 3.3, top, v, size, 6.6)
        return out

    glyphs = row(100, "一、本年新收", ["", "0", "1"])
    glyphs += _word(270 - 9.9, 94, "152", size, 6.6) + _word(270 - 3.3, 106, "3", size, 6.6)
    # a wider number in the prose above, across the column but not aligned with it, is not the column's
    glyphs += _word(196, 40, "文号", size) + _word(236, 40, "123456", size, 6.6)
    glyphs += row(125, "二、上年结转", ["7", "0", "1"]) + row(140, "三、其他情况", ["18", "2", "0"])
    text, grid = pages_to_text([PageLayout(400, 600, glyphs, [])])
    assert not grid
    assert text.splitlines()[1:] == ["一、本年新收\t1523\t0\t1", "二、上年结转\t7\t0\t1", "三、其他情况\t18\t2\t0"]


def test_lines_close_together_do_not_chain_into_one() -> None:
    """Three lines each overlapping the next by a little are three lines, not one growing row (1058 for 108/5)."""
    glyphs = _word(100, 100, "108", 10.5, 6.6) + _word(60, 102.4, "三", 10.5) + _word(75, 107.1, "（一）", 10.5)
    glyphs += _word(100, 112.2, "5", 10.5, 6.6)
    text, _ = pages_to_text([PageLayout(400, 600, glyphs, [])])
    cells = [c for line in text.splitlines() for c in line.split("\t")]
    assert len(text.splitlines()) >= 2 and not any(set("1058") <= set(c) for c in cells), text


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (["淮安市洪泽区人民政府", "2023 年政府信息公开工作年度报告"], ("淮安市洪泽区人民政府", 2023)),
        (["洪 泽 区 人 民 政 府", "2 0 2 3 年 政 府 信 息 公 开 工 作 年 度 报 告"], ("洪泽区人民政府", 2023)),
        (["- 1 -", "某某县卫生健康委员会", "2023年度政府信息公开工作年度报告"], ("某某县卫生健康委员会", 2023)),
        (["某某县人民政府办公室关于", "2023年政府信息公开工作年度报告"], ("某某县人民政府办公室", 2023)),
        (["某某县水利局", "政府信息公开工作年度报告（2023年）"], ("某某县水利局", 2023)),
        (["某某县人民政府2023年", "政府信息公开工作年度报告"], ("某某县人民政府", 2023)),
    ],
)
def test_title_on_two_lines(lines: list[str], want: tuple[str, int]) -> None:
    title, year, organ = find_title([*lines, "一、总体情况"])
    assert (organ, year) == want
    assert title is not None and " " not in title and title.startswith(want[0]) and title.endswith(("报告", "年）"))


def test_label_with_room_left_does_not_absorb_the_next_pages_first_row() -> None:
    """A short label (行政许可) could not have wrapped: the row at the top of the next page is a row of its own."""
    xs = [100.0, 250.0, 300.0]
    first = PageLayout(400, 600, _word(102, 552, "行政许可") + _word(253, 552, "9487", 8), _grid(xs, [550.0, 580.0]))
    second = PageLayout(400, 600, _word(102, 52, "第二十条第（六）项"), _grid(xs, [50.0, 65.0]))
    text, _ = pages_to_text([first, second])
    assert text.splitlines()[:2] == ["行政许可\t9487", "第二十条第（六）项\t"]
    # a label that filled its cell and goes on at the top of the next page is one label
    first = PageLayout(
        400, 600, _word(102, 552, "一、本年新收政府信息公开申") + _word(253, 552, "12", 8), _grid(xs, [550.0, 580.0])
    )
    second = PageLayout(400, 600, _word(102, 52, "请数量"), _grid(xs, [50.0, 65.0]))
    text, _ = pages_to_text([first, second])
    assert text.splitlines()[0] == "一、本年新收政府信息公开申请数量\t12"
