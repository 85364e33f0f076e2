"""PDF reader: pypdfium2's text layer (character boxes) and path objects (ruling lines) -> lines and cells.

pypdfium2 is used rather than pdfplumber because it is an order of magnitude faster on the same pages;
the table logic lives in :mod:`nianbao.readers.layout`, shared with the OFD reader.
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from typing import Any

from ..errors import MissingDependency, UnreadableFile, UnsupportedFormat
from . import sniff
from .layout import Glyph, PageLayout, pages_to_text

INSTALL = "pip install 'nianbao[office]'"
MAX_PATH_SEGMENTS = 4000  # a path with more segments is a drawing, not a table's borders


def _pdfium() -> tuple[Any, Any]:
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError:
        raise MissingDependency(
            f"读取 PDF 需要安装 pypdfium2：{INSTALL} (reading PDF needs pypdfium2: {INSTALL})",
            expected="pypdfium2",
        ) from None
    return pdfium, raw


class PdfReader:
    """Reads PDFs with a text layer; image-only PDFs come back empty with the note ``scanned``."""

    kinds = ("pdf",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        kind = sniff.sniff(data)
        return kind == sniff.PDF or (suffix == "pdf" and kind is None)

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        if sniff.sniff(data) != sniff.PDF:
            raise UnsupportedFormat(
                "文件扩展名是 .pdf，但内容不是 PDF (the file is named .pdf but does not start like a PDF)",
                expected="a PDF file starting with %PDF-",
            )
        pages, notes = read_pdf_pages(data)
        if not any(p.glyphs for p in pages):
            return "", False, ("scanned",)
        text, grid = pages_to_text(pages)
        return text, grid, notes


def _open(pdfium: Any, raw: Any, data: bytes) -> Any:
    truncated = b"%%EOF" not in data[-4096:]
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise UnreadableFile(
                "PDF 已加密，需要密码才能打开 (the PDF is encrypted and needs a password)",
                expected="an unencrypted PDF",
            ) from None
        if code == raw.FPDF_ERR_SECURITY:
            raise UnreadableFile(
                "PDF 使用了不支持的加密方式 (the PDF uses an unsupported encryption scheme)",
                expected="an unencrypted PDF",
            ) from None
        what = (
            "PDF 文件不完整，可能下载中断 (the PDF is truncated)"
            if truncated
            else "PDF 文件已损坏，无法打开 (the PDF is damaged and cannot be opened)"
        )
        raise UnreadableFile(what, expected="a complete PDF file") from None
    if len(doc) == 0:
        raise UnreadableFile("PDF 没有任何页面 (the PDF has no pages)", expected="a PDF with at least one page")
    if truncated:
        raise UnreadableFile(
            "PDF 文件不完整，缺少文件结尾标记，可能下载中断 (the PDF is truncated: its end-of-file marker is missing)",
            expected="a complete PDF file ending with %%EOF",
        )
    return doc


def read_pdf_pages(data: bytes) -> tuple[list[PageLayout], tuple[str, ...]]:
    """Every page as glyphs and ruling boxes in top-down display coordinates (rotation applied)."""
    pdfium, raw = _pdfium()
    doc = _open(pdfium, raw, data)
    pages: list[PageLayout] = []
    no_text: list[int] = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                layout = _page_layout(page, raw)
            finally:
                page.close()
            if not layout.glyphs:
                no_text.append(i + 1)
            pages.append(layout)
    finally:
        doc.close()
    notes: tuple[str, ...] = ()
    if no_text and len(no_text) < len(pages):
        notes = ("scanned pages: " + ", ".join(map(str, no_text)),)
    return pages, notes


def _page_layout(page: Any, raw: Any) -> PageLayout:
    """Glyphs and rules in top-down coordinates, turned so that the page's text runs left to right.

    The reading direction comes from the characters' own angle, not from /Rotate: a landscape table is
    often portrait content turned by the text matrix, and a page turned by /Rotate alone reads sideways.
    """
    x0, y0, x1, y1 = page.get_mediabox()
    crop = page.get_cropbox()
    x0, y0, x1, y1 = max(x0, crop[0]), max(y0, crop[1]), min(x1, crop[2]), min(y1, crop[3])
    w, h = x1 - x0, y1 - y0
    textpage = page.get_textpage()
    try:
        chars, quadrant = _chars(textpage, raw)
    finally:
        textpage.close()

    def box(left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """User space (y up) -> top-down space with the text direction turned to left-to-right."""
        u0, u1 = left - x0, right - x0
        v0, v1 = y1 - top, y1 - bottom
        if quadrant == 1:
            return v0, w - u1, v1, w - u0
        if quadrant == 2:
            return w - u1, h - v1, w - u0, h - v0
        if quadrant == 3:
            return h - v1, u0, h - v0, u1
        return u0, v0, u1, v1

    glyphs = [Glyph(*box(*c[:4]), c[4]) for c in chars]
    segments = _segments(page, raw, box) if glyphs else []
    width, height = (h, w) if quadrant in (1, 3) else (w, h)
    return PageLayout(width, height, glyphs, segments)


def _chars(textpage: Any, raw: Any) -> tuple[list[tuple[float, float, float, float, str]], int]:
    """(left, bottom, right, top, char) in user space, and the page's main text direction in quarter turns."""
    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    rect = raw.FS_RECTF()
    get_unicode, get_box, get_angle = raw.FPDFText_GetUnicode, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharAngle
    get_origin, get_size = raw.FPDFText_GetCharOrigin, raw.FPDFText_GetFontSize
    ox, oy = ctypes.c_double(), ctypes.c_double()
    is_generated = getattr(raw, "FPDFText_IsGenerated", None)
    out: list[tuple[float, float, float, float, str]] = []
    turns = [0, 0, 0, 0]
    for i in range(n):
        u = get_unicode(tp, i)
        if u <= 32 or 0xD800 <= u <= 0xDFFF or u in (0xFFFE, 0xFFFF, 0xA0, 0x3000):
            continue
        if is_generated is not None and is_generated(tp, i) == 1:
            continue
        if not get_box(tp, i, ctypes.byref(rect)):
            continue
        if rect.right - rect.left <= 0 and rect.top - rect.bottom <= 0:
            continue
        ch = chr(u)
        if unicodedata.category(ch).startswith("C"):
            continue
        angle = get_angle(tp, i)
        q = round(angle / (math.pi / 2)) % 4 if angle >= 0 else 0
        turns[q] += 1
        # Tight boxes differ per glyph (a hyphen sits low, 一 in the middle): span the line from the
        # baseline by the font size instead, so that characters of one line share one vertical extent.
        get_origin(tp, i, ox, oy)
        em = max(get_size(tp, i), min(rect.top - rect.bottom, rect.right - rect.left))
        if q == 0:
            out.append((rect.left, oy.value - 0.12 * em, rect.right, oy.value + 0.88 * em, ch))
        elif q == 2:
            out.append((rect.left, oy.value - 0.88 * em, rect.right, oy.value + 0.12 * em, ch))
        elif q == 1:  # text runs downwards: the baseline is vertical at x, the glyphs' tops point to +x
            out.append((ox.value - 0.12 * em, rect.bottom, ox.value + 0.88 * em, rect.top, ch))
        else:
            out.append((ox.value - 0.88 * em, rect.bottom, ox.value + 0.12 * em, rect.top, ch))
    return out, max(range(4), key=lambda q: turns[q])


def _segments(page: Any, raw: Any, box: Any) -> list[tuple[float, float, float, float]]:
    """Thin boxes for every straight horizontal or vertical stroke or thin filled rectangle.

    Paths inside Form XObjects are in the form's space: their points go through the forms' matrices.
    """
    thin = 3.0
    out: list[tuple[float, float, float, float]] = []
    fx, fy = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        outer = None
        container = obj.container
        while container is not None:
            m = container.get_matrix()
            outer = m if outer is None else outer.multiply(m)
            container = container.container
        left, bottom, right, top = obj.get_bounds()
        if outer is not None:
            left, bottom, right, top = outer.on_rect(left, bottom, right, top)
        if right - left <= thin or top - bottom <= thin:
            if right - left > thin or top - bottom > thin:
                out.append(box(left, bottom, right, top))
            continue
        n = raw.FPDFPath_CountSegments(obj.raw)
        if n < 2 or n > MAX_PATH_SEGMENTS:
            continue
        m = obj.get_matrix()
        if outer is not None:
            m = m.multiply(outer)
        pts: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for k in range(n):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
            raw.FPDFPathSegment_GetPoint(seg, fx, fy)
            x, y = m.on_point(fx.value, fy.value)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO or not pts:
                pts = [(x, y)]
                start = (x, y)
            else:
                if kind == raw.FPDF_SEGMENT_LINETO:
                    _add_line(out, pts[-1], (x, y), box)
                pts.append((x, y))
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                _add_line(out, (x, y), start, box)
    return out


def _add_line(
    out: list[tuple[float, float, float, float]], a: tuple[float, float], b: tuple[float, float], box: Any
) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) > 3:
        out.append(box(min(ax, bx), ay - 0.5, max(ax, bx), ay + 0.5))
    elif abs(ax - bx) < 0.5 and abs(ay - by) > 3:
        out.append(box(ax - 0.5, min(ay, by), ax + 0.5, max(ay, by)))
