"""PDFs as other producers write them, for the reader tests: headless Chromium printing nianbao's HTML, and a
PDF library (fpdf2) placing every character as its own text object, as WPS/Jisupdf files do.

``glyph_pdf`` copies the traits of WPS files that broke the reader: each character its own text object, the
objects in shuffled content-stream order, a white filled box behind every line of prose, narrow group labels
set one character a line, page footers like ``- 3 -`` and a title set on two lines.  (The other WPS trait,
type sized by the text matrix, has its own hand-made case in tests/test_pdf_producers.py.)
"""

from __future__ import annotations

import glob
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from nianbao.model import Report

A4 = (595.0, 842.0)
MARGIN = 72.0
FOOTERS = ("- {n} -", "-{n}-", "— {n} —", "第 {n} 页", "第{n}页 共{total}页")
_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/*CJK*.tt?")


def cjk_font() -> Path | None:
    """A CJK font file (fonts-noto-cjk) that pdfium can embed."""
    for pattern in _FONTS:
        for name in sorted(glob.glob(pattern)):
            return Path(name)
    return None


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


# ---------------------------------------------------------------- headless Chromium


def title_on_two_lines(html: str, organ: str, spaced: bool = False) -> str:
    """Break the <h1> title after the organ (and space the second line's characters out, as WPS titles are)."""
    m = re.search(r"<h1>(.*?)</h1>", html)
    if not m or not organ or not m.group(1).startswith(organ):
        return html
    rest = m.group(1)[len(organ) :]
    if spaced:
        rest = re.sub(r"(\d+)年", r"\1 年", rest)
    return html.replace(m.group(0), f"<h1>{organ}<br>{rest}</h1>", 1)


def chromium_pdf(html: str, path: Path, footer: str | None = "- {n} -", header: str = "") -> Path:
    """Print ``html`` to ``path`` with headless Chromium, a footer (and header) in the page margins; with
    ``footer=None``, Chromium's own: the date and the page title on top, the file's URL and 2/3 below."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium not found")

    def content(text: str) -> str:
        parts = re.split(r"(\{n\}|\{total\})", text)
        css = {"{n}": "counter(page)", "{total}": "counter(pages)"}
        return " ".join(css.get(p, '"' + p.replace('"', "") + '"') for p in parts if p)

    if footer is not None:
        margin = f"@bottom-center {{ content: {content(footer)}; }}"
        if header:
            margin += f" @top-center {{ content: {content(header)}; }}"
        html = html.replace("@page { size: A4;", "@page { " + margin + " size: A4;", 1)
    src = path.with_suffix(".html")
    src.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            *(["--no-pdf-header-footer"] if footer is not None else []),
            f"--user-data-dir={path.parent / '.chromium'}",
            f"--print-to-pdf={path}",
            src.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if not path.exists():
        raise RuntimeError(f"chromium did not write {path}")
    return path


# ---------------------------------------------------------------- glyph by glyph (pdfium's editing API)


@dataclass
class _Page:
    objects: list  # (kind, args) to create in shuffled order


class GlyphWriter:
    """Lays a report out on A4 pages and writes each character as its own text object."""

    def __init__(self, font: Path, rng: random.Random, face: int = 2) -> None:
        from fpdf import FPDF

        self.rng = rng
        self.pdf = FPDF(unit="pt", format=A4)
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("cjk", "", str(font), collection_font_number=face)  # face 2 of Noto's: Simplified
        self.pdf.set_font("cjk", size=10)
        self.pages: list[_Page] = []
        self.y = 0.0
        self.table_width = 1.0  # of the text block: narrower tables wrap long numbers in their cells
        global _MEASURE
        _MEASURE = self.pdf

    # -- page and primitive placement (top-down y; converted when written)

    def new_page(self) -> None:
        self.pages.append(_Page([]))
        self.y = MARGIN

    def need(self, height: float) -> None:
        if not self.pages or self.y + height > A4[1] - MARGIN:
            self.new_page()

    def text(self, x: float, baseline: float, s: str, size: float, page: _Page | None = None) -> float:
        """Characters from ``x`` on the baseline, each its own object; returns the x after the text."""
        target = page or self.pages[-1]
        for ch in s:
            if ch != " ":
                target.objects.append(("char", (ch, x, baseline, size)))
            x += advance(ch, size)
        return x

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.pages[-1].objects.append(("line", (x0, y0, x1, y1)))

    def white_box(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.pages[-1].objects.append(("box", (x0, top, x1, bottom)))

    # -- blocks

    def paragraph(self, s: str, size: float = 16.0, indent: bool = True, centre: bool = False) -> None:
        width = A4[0] - 2 * MARGIN
        lines = wrap(s, width, size, first_indent=2 * size if indent else 0.0)
        for k, ln in enumerate(lines):
            self.need(1.6 * size)
            x = MARGIN + (2 * size if indent and k == 0 and not centre else 0.0)
            if centre:
                x = (A4[0] - text_width(ln, size)) / 2
            self.white_box(MARGIN, self.y, A4[0] - MARGIN, self.y + 1.6 * size)
            self.text(x, self.y + 1.2 * size, ln, size)
            self.y += 1.6 * size

    def table(self, report: Report, grid, size: float = 9.0, borders: bool = True) -> None:  # type: ignore[no-untyped-def]
        from nianbao.render.layout import cell_text, place

        width = (A4[0] - 2 * MARGIN) * self.table_width
        total = sum(grid.widths)
        xs = [MARGIN]
        for w in grid.widths:
            xs.append(xs[-1] + w / total * width)
        placed = place(grid)
        nrows = len(grid.rows)
        pad, pitch = 2.0, 1.25 * size

        def lines_of(p) -> list[str]:  # type: ignore[no-untyped-def]
            inner = xs[p.col + p.cell.colspan] - xs[p.col] - 2 * pad
            return wrap(cell_text(report, p.cell), inner, size)

        heights = [0.0] * nrows
        for p in placed:
            if p.cell.rowspan == 1:
                heights[p.row] = max(heights[p.row], len(lines_of(p)) * pitch + 2 * pad)
        for p in placed:  # a cell spanning rows may need them taller
            if p.cell.rowspan > 1:
                need = len(lines_of(p)) * pitch + 2 * pad
                have = sum(heights[p.row : p.row + p.cell.rowspan])
                if need > have:
                    last = p.row + p.cell.rowspan - 1
                    heights[last] += need - have
        # rows go on the page where they start; a cell spanning rows is drawn over the rows of its page
        tops: list[tuple[int, float]] = []
        self.need(heights[0] + sum(heights[1:2]))
        for r in range(nrows):
            if self.y + heights[r] > A4[1] - MARGIN:
                self.new_page()
            tops.append((len(self.pages) - 1, self.y))
            self.y += heights[r]
        for p in placed:
            page, top = tops[p.row]
            last = p.row + p.cell.rowspan - 1
            rows = [r for r in range(p.row, last + 1) if tops[r][0] == page]
            bottom = tops[rows[-1]][1] + heights[rows[-1]]
            x0, x1 = xs[p.col], xs[p.col + p.cell.colspan]
            if borders:
                self.pages[page].objects.append(("line", (x0, top, x1, top)))
                self.pages[page].objects.append(("line", (x0, bottom, x1, bottom)))
                self.pages[page].objects.append(("line", (x0, top, x0, bottom)))
                self.pages[page].objects.append(("line", (x1, top, x1, bottom)))
            text = lines_of(p)
            y = top + (bottom - top - len(text) * pitch) / 2
            for ln in text:
                x = (x0 + x1 - text_width(ln, size)) / 2 if p.cell.kind in ("value", "header") else x0 + pad
                self.text(x, y + 0.95 * size, ln, size, self.pages[page])
                y += pitch

    def footers(self, pattern: str) -> None:
        total = len(self.pages)
        for n, page in enumerate(self.pages, 1):
            s = pattern.format(n=n, total=total)
            self.text((A4[0] - text_width(s, 13)) / 2, A4[1] - 40, s, 13, page)

    def save(self, path: Path) -> Path:
        pdf = self.pdf
        pdf.set_line_width(0.5)
        pdf.set_fill_color(255, 255, 255)
        for spec in self.pages:
            pdf.add_page()
            boxes = [o for o in spec.objects if o[0] == "box"]  # painted first: under the text
            rest = [o for o in spec.objects if o[0] != "box"]
            self.rng.shuffle(rest)
            for kind, args in boxes + rest:
                if kind == "box":
                    x0, top, x1, bottom = args
                    pdf.rect(x0, top, x1 - x0, bottom - top, style="F")
                elif kind == "line":
                    pdf.line(*args)
                else:
                    ch, x, baseline, size = args
                    pdf.set_font("cjk", size=size)
                    pdf.text(x, baseline, ch)
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(path))
        return path

    def published(self, date: str) -> None:
        self.paragraph(f"发布日期：{date}", 16, indent=False, centre=True)


_MEASURE = None  # the FPDF whose font measures characters (set by the writer being laid out)
_ADVANCE: dict[str, float] = {}


def advance(ch: str, size: float) -> float:
    """The character's advance in the embedded font (per point of size), as a word processor spaces it."""
    per = _ADVANCE.get(ch)
    if per is None:
        per = _ADVANCE[ch] = _MEASURE.get_string_width(ch) / 10 if _MEASURE is not None else 1.0
    return per * size


def text_width(s: str, size: float) -> float:
    return sum(advance(ch, size) for ch in s)


def wrap(s: str, width: float, size: float, first_indent: float = 0.0) -> list[str]:
    """Greedy line breaking by character advance (CJK text breaks anywhere, digits included)."""
    lines: list[str] = []
    cur, used, limit = "", 0.0, width - first_indent
    for ch in s:
        w = advance(ch, size)
        if cur and used + w > limit + 0.01:
            lines.append(cur)
            cur, used, limit = "", 0.0, width
        cur += ch
        used += w
    if cur or not lines:
        lines.append(cur)
    return lines


def glyph_pdf(
    report: Report,
    path: Path,
    seed: int,
    *,
    footer: str = "- {n} -",
    spaced_title: bool = True,
    borders: bool = True,
    table_width: float = 1.0,
    font: Path | None = None,
) -> Path:
    """The report written character by character in shuffled order (see the module docstring)."""
    from nianbao.render.layout import document, title

    font = font or cjk_font()
    if font is None:
        raise RuntimeError("no CJK font (apt-get install fonts-noto-cjk)")
    w = GlyphWriter(font, random.Random(seed))
    w.table_width = table_width
    w.new_page()
    organ, name = report.meta.organ or "", title(report)
    if organ and name.startswith(organ):  # the organ on the first line, the year and the words on the second
        rest = name[len(organ) :]
        if spaced_title:
            rest = re.sub(r"(\d+)年", r"\1 年", rest)
        w.paragraph(organ, 22, indent=False, centre=True)
        w.paragraph(rest, 22, indent=False, centre=True)
    else:
        w.paragraph(name, 22, indent=False, centre=True)
    if report.meta.published:
        w.published(report.meta.published)
    y = report.meta.year
    w.paragraph(f"本报告中所列数据的统计期限自 {y} 年 1 月 1 日起至 {y} 年 12 月 31 日止。")
    for block in document(report):
        if block.kind == "table" and block.grid is not None:
            w.table(report, block.grid, borders=borders)
        else:
            w.paragraph(block.text, indent=block.kind == "paragraph")
            if block.kind == "heading":
                w.paragraph("本年度各项工作有序推进，政府信息公开工作水平进一步提升，公开平台建设持续加强。")
    w.footers(footer)
    return w.save(path)
