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
            from . import ocr

            if ocr.available():
                text, notes = ocr.ocr_pdf(data)
                return text, False, notes
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
    total = len(doc)
    from . import MAX_PAGES

    try:
        for i in range(min(len(doc), MAX_PAGES)):
            # pdfium's own handles, not pypdfium2's page objects: their bookkeeping costs as much as a
            # small page's layout
            page = raw.FPDF_LoadPage(doc.raw, i)
            if not page:
                raise pdfium.PdfiumError(f"Failed to load page {i + 1}.")
            try:
                layout = _page_layout(page, raw)
            finally:
                raw.FPDF_ClosePage(page)
            if not layout.glyphs:
                no_text.append(i + 1)
            pages.append(layout)
    finally:
        doc.close()
    notes: tuple[str, ...] = ()
    if no_text and len(no_text) < len(pages):
        notes = ("scanned pages: " + ", ".join(map(str, no_text)),)
    if total > MAX_PAGES:
        notes += (f"truncated: PDF 共 {total} 页，超过 {MAX_PAGES} 页的上限，只读取了前 {MAX_PAGES} 页",)
    return pages, notes


def _box(get: Any, page: Any) -> tuple[float, float, float, float] | None:
    """A page box (left, bottom, right, top) by one of pdfium's getters; None when the page has none."""
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not get(page, left, bottom, right, top):
        return None
    return left.value, bottom.value, right.value, top.value


def _page_layout(page: Any, raw: Any) -> PageLayout:
    """Glyphs and rules in top-down coordinates, turned so that the page's text runs left to right.

    The reading direction comes from the characters' own angle, not from /Rotate: a landscape table is
    often portrait content turned by the text matrix, and a page turned by /Rotate alone reads sideways.
    """
    x0, y0, x1, y1 = _box(raw.FPDFPage_GetMediaBox, page) or (0.0, 0.0, 612.0, 792.0)  # as pypdfium2 falls back
    crop = _box(raw.FPDFPage_GetCropBox, page) or (x0, y0, x1, y1)
    x0, y0, x1, y1 = max(x0, crop[0]), max(y0, crop[1]), min(x1, crop[2]), min(y1, crop[3])
    w, h = x1 - x0, y1 - y0
    textpage = raw.FPDFText_LoadPage(page)
    if not textpage:
        pdfium, _ = _pdfium()
        raise pdfium.PdfiumError("Failed to load the page's text.")
    try:
        glyphs, quadrant = _page_glyphs(textpage, raw, (x0, y0, x1, y1))
    finally:
        raw.FPDFText_ClosePage(textpage)

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

    segments = _segments(page, raw, box) if glyphs else []
    width, height = (h, w) if quadrant in (1, 3) else (w, h)
    return PageLayout(width, height, glyphs, segments)


class _Bare:
    """pdfium functions without ctypes' argument conversion, which costs more than most of the calls themselves.

    The copies take plain ints and ctypes pointers only; they are made once, from the functions pypdfium2 loaded.
    They keep the GIL (``PYFUNCTYPE``): each call takes well under a microsecond, less than releasing and
    taking back the lock would.
    """

    def __init__(self, raw: Any) -> None:
        def bare(fn: Any, restype: Any) -> Any:
            return ctypes.PYFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)

        self.unicode = bare(raw.FPDFText_GetUnicode, ctypes.c_uint)
        self.box = bare(raw.FPDFText_GetLooseCharBox, ctypes.c_int)
        self.tight = bare(raw.FPDFText_GetCharBox, ctypes.c_int)
        self.angle = bare(raw.FPDFText_GetCharAngle, ctypes.c_float)
        self.origin = bare(raw.FPDFText_GetCharOrigin, ctypes.c_int)
        self.size = bare(raw.FPDFText_GetFontSize, ctypes.c_double)
        self.text = bare(raw.FPDFText_GetText, ctypes.c_int)
        mat = getattr(raw, "FPDFText_GetMatrix", None)
        self.matrix = bare(mat, ctypes.c_int) if mat is not None else None
        gen, obj = getattr(raw, "FPDFText_IsGenerated", None), getattr(raw, "FPDFText_GetTextObject", None)
        self.is_generated = bare(gen, ctypes.c_int) if gen is not None else None
        self.text_object = bare(obj, ctypes.c_void_p) if obj is not None else None
        # page objects come back as pypdfium2's pointer type, so that they can be passed on as they are
        self.page_count = bare(raw.FPDFPage_CountObjects, ctypes.c_int)
        self.page_object = bare(raw.FPDFPage_GetObject, raw.FPDF_PAGEOBJECT)
        self.form_count = bare(raw.FPDFFormObj_CountObjects, ctypes.c_int)
        self.form_object = bare(raw.FPDFFormObj_GetObject, raw.FPDF_PAGEOBJECT)
        self.type = bare(raw.FPDFPageObj_GetType, ctypes.c_int)
        self.bounds = bare(raw.FPDFPageObj_GetBounds, ctypes.c_int)
        self.draw_mode = bare(raw.FPDFPath_GetDrawMode, ctypes.c_int)
        self.stroke_color = bare(raw.FPDFPageObj_GetStrokeColor, ctypes.c_int)
        self.fill_color = bare(raw.FPDFPageObj_GetFillColor, ctypes.c_int)


_BARE: _Bare | None = None
_KEEP: dict[str, bool] = {}  # character -> is it a glyph to keep (not blank, not a control or private code)


def _keep(ch: str) -> bool:
    u = ord(ch)
    if u <= 32 or 0xD800 <= u <= 0xDFFF or u in (0xFFFE, 0xFFFF) or ch.isspace():
        return False
    return not unicodedata.category(ch).startswith("C")


def _bare(raw: Any) -> _Bare:
    global _BARE
    if _BARE is None:
        _BARE = _Bare(raw)
    return _BARE


def _page_text(tp: Any, n: int, api: _Bare) -> str:
    """The page's characters, one per index: the whole text in one call when it lines up with the indexes."""
    if n <= 0:
        return ""
    # a buffer of a power-of-two size: ctypes makes (and keeps) an array type for each size asked for
    buf = (ctypes.c_char * (1 << (2 * n + 2).bit_length()))()
    got = api.text(tp, 0, n, buf)
    text = ctypes.string_at(buf, 2 * max(got - 1, 0)).decode("utf-16-le", "surrogatepass")
    if len(text) == n:
        return text
    return "".join(chr(u) if u < 0x110000 else "\ufffd" for u in (api.unicode(tp, i) for i in range(n)))


_ANY = object()  # any text object
_Char = tuple[int, float, float, float, float, str]  # index, loose box (left, bottom, right, top), text
_Part = tuple[int, float, float | None, list[_Char]]  # quarter turns, font size, baseline (None: per char), chars


def _page_glyphs(textpage: Any, raw: Any, page: tuple[float, float, float, float]) -> tuple[list[Glyph], int]:
    """The page's characters as glyphs in top-down space, and the page's main text direction (quarter turns).

    Nearly all text is level and written across: :func:`_level_glyphs` makes it into glyphs as it reads it.
    A page whose text mostly runs another way is read run by run and turned as a whole, by :func:`_turned`.
    """
    api = _bare(raw)
    n = raw.FPDFText_CountChars(textpage)
    text = _page_text(textpage, n, api)
    glyphs = _level_glyphs(textpage, api, text, page) if api.text_object and api.matrix else None
    if glyphs is not None:
        return glyphs, 0
    parts = [_run_part(textpage, api, run) for run in _runs(_run_chars(textpage, api, text, page, 0, n))]
    turns = [0, 0, 0, 0]
    for q, _size, _base, run in parts:
        turns[q] += len(run)
    quadrant = max(range(4), key=lambda q: turns[q])
    x0, y0, x1, y1 = page
    return _turned(textpage, api, parts, quadrant, (x0, y1, x1 - x0, y1 - y0)), quadrant


def _level_glyphs(tp: Any, api: _Bare, text: str, page: tuple[float, float, float, float]) -> list[Glyph] | None:
    """The page's glyphs, read in one pass; None when most of its text runs another way than across.

    Characters come in runs, one per text object.  A level run (its matrix neither turned nor tilted) has
    its font size and baseline read once, from its first character, and its characters become glyphs as
    they are read.  Characters set side by side without a gap become one glyph, so that layout's work goes
    by glyphs rather than characters; a glyph spans its line from the baseline by the font size (tight
    boxes differ per character: a hyphen sits low, 一 in the middle), so that the characters of a line share
    one vertical extent.  Every other run, and a level one that proves to be written downwards (vertical
    CJK) or to be one character off its matrix's baseline, is read again by :func:`_run_chars` and made by
    :func:`_turned`.
    """
    px0, py0, px1, py1 = page
    x0, y1 = px0, py1
    keep = _KEEP
    rect = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    prect, floats = ctypes.byref(rect), memoryview(rect).cast("B").cast("f")
    fm = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
    pfm, mview = ctypes.byref(fm), memoryview(fm).cast("B").cast("f")
    origin = (ctypes.c_double * 2)()  # x, y
    pox, poy = ctypes.byref(origin), ctypes.byref(origin, ctypes.sizeof(ctypes.c_double))
    get_box, is_generated, text_object = api.box, api.is_generated, api.text_object
    get_size, get_matrix, get_origin, hypot = api.size, api.matrix, api.origin, math.hypot
    out: list[Glyph] = []
    add = out.append
    turns = [0, 0, 0, 0]
    level_chars = 0  # characters of level runs (turns[0], added up at the end)
    # the current run: its text object, first and last character's index, its count, len(out) at its start
    cur: Any = -1
    first = last = count = mark = 0
    level = big = False  # is it level; is its first character many times its type size (see _sane_boxes)
    size = base = top = bottom = touch = first_right = last_left = 0.0
    chars: list[_Char] = []  # the characters of a run that is not level
    texts: list[str] | None = None  # the characters of the glyph being put together, and their edges
    spans: list[float] = []
    glyph_x0 = glyph_x1 = glyph_left = 0.0
    n = len(text)
    for i in range(n + 1):  # i == n ends the last run
        if i < n:
            ch = text[i]
            ok = keep.get(ch)
            if ok is None:
                ok = keep[ch] = _keep(ch)
            if not ok:
                continue
            # the tests of _run_chars, written out: they run for every character on the page
            obj = text_object(tp, i)
            if obj is None and is_generated is not None and is_generated(tp, i) == 1:
                continue
            if not get_box(tp, i, prect):
                continue
            left, top_, right, bottom_ = floats
            if right - left <= 0 and top_ - bottom_ <= 0:
                continue
            if right < px0 or left > px1 or top_ < py0 or bottom_ > py1:
                continue  # wholly off the page: not printed (pdfium's generated spaces and breaks sit there too)
            if obj is not None and obj == cur:  # the run goes on
                count += 1
                last = i
                if not level:
                    chars.append((i, left, bottom_, right, top_, ch))
                    continue
                last_left = left
                tall, wide = top_ - bottom_, right - left
                if tall <= size or wide <= size:  # the run's own extent
                    if texts is not None and left > glyph_left and -touch <= left - glyph_x1 <= touch:
                        texts.append(ch)
                        spans += (left - x0, right - x0)
                        glyph_left = left
                        if right > glyph_x1:
                            glyph_x1 = right
                        continue
                    if texts is not None:
                        add(_run_glyph(glyph_x0 - x0, top, glyph_x1 - x0, bottom, texts, spans))
                    texts, spans = [ch], [left - x0, right - x0]
                    glyph_x0 = glyph_left = left
                    glyph_x1 = right
                else:
                    if texts is not None:
                        add(_run_glyph(glyph_x0 - x0, top, glyph_x1 - x0, bottom, texts, spans))
                        texts = None
                    add(_own_size(left - x0, right - x0, y1 - base, min(tall, wide), ch))
                continue
        # the run before ends here
        if count:
            redo = False
            if level:
                if texts is not None:
                    add(_run_glyph(glyph_x0 - x0, top, glyph_x1 - x0, bottom, texts, spans))
                    texts = None
                if count == 1:  # its baseline is its origin's: a vertical font's character is off f
                    get_origin(tp, first, pox, poy)
                    redo = origin[1] != base or big
                else:  # written across: the last character stands right of the first (then every origin is on f)
                    redo = last_left < first_right - 0.1 * size
                if redo:
                    del out[mark:]
                    chars = [c for _obj, c in _run_chars(tp, api, text, page, first, last + 1, cur)]
            if not level or redo:
                part = _run_part(tp, api, chars)
                turns[part[0]] += len(chars)
                out.extend(_turned(tp, api, [part], 0, (x0, y1, 0.0, 0.0)))
            else:
                level_chars += count
        if i == n:
            break
        # a new run
        cur, first, last, count, mark = obj, i, i, 1, len(out)
        level = bool(get_matrix(tp, i, pfm)) and mview[1] == 0 and mview[0] > 0
        if not level:
            chars = [(i, left, bottom_, right, top_, ch)]
            continue
        _ma, _mb, mc, md, _me, base = mview
        scale = hypot(mc, md)
        size = get_size(tp, i) * (scale if scale > 0 else 1.0)
        top, bottom, touch = y1 - (base + 0.88 * size), y1 - (base - 0.12 * size), 0.1 * size
        first_right = last_left = right
        tall, wide = top_ - bottom_, right - left
        big = wide > 3 * size or tall > 3 * size
        if tall <= size or wide <= size:
            texts, spans = [ch], [left - x0, right - x0]
            glyph_x0 = glyph_left = left
            glyph_x1 = right
        else:
            add(_own_size(left - x0, right - x0, y1 - base, min(tall, wide), ch))
    turns[0] += level_chars
    if max(range(4), key=lambda q: turns[q]):
        return None
    return out


def _run_chars(
    tp: Any, api: _Bare, text: str, page: tuple[float, float, float, float], lo: int, hi: int, only: Any = _ANY
) -> list[tuple[Any, _Char]]:
    """The printed characters of ``text[lo:hi]`` with their text objects (those of object ``only`` when given)."""
    px0, py0, px1, py1 = page
    rect = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    prect, floats = ctypes.byref(rect), memoryview(rect).cast("B").cast("f")
    text_object = api.text_object or (lambda tp, i: None)  # pdfium before GetTextObject: every char on its own
    out: list[tuple[Any, _Char]] = []
    for i in range(lo, hi):
        ch = text[i]
        if not _keep(ch):
            continue
        obj = text_object(tp, i)
        if obj is None and api.is_generated is not None and api.is_generated(tp, i) == 1:
            continue
        if (only is not _ANY and obj != only) or not api.box(tp, i, prect):
            continue
        left, top, right, bottom = floats
        if right - left <= 0 and top - bottom <= 0:
            continue
        if right < px0 or left > px1 or top < py0 or bottom > py1:
            continue
        out.append((obj, (i, left, bottom, right, top, ch)))
    return out


def _runs(chars: list[tuple[Any, _Char]]) -> list[list[_Char]]:
    """Characters in runs that share a text object (a character without one is a run of its own)."""
    runs: list[list[_Char]] = []
    last: Any = -1
    for obj, c in chars:
        if obj is None or obj != last:
            runs.append([])
            last = obj
        runs[-1].append(c)
    return runs


def _run_part(tp: Any, api: _Bare, part: list[_Char]) -> _Part:
    """A run's direction (quarter turns), font size and baseline (None where its characters' differ)."""
    first = part[0][0]
    size = api.size(tp, first)
    # the size pdfium gives is the font's size before the text matrix: WPS sets 319 pt type scaled by 0.05, so
    # the size on the page is the font size times the length of the matrix's upright vector; the direction is
    # the matrix's too (pdfium's FPDFText_GetCharAngle is atan2(-b, a) of it)
    fm = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
    if api.matrix is not None and api.matrix(tp, first, ctypes.byref(fm)):
        ma, mb, mc, md, _me, _mf = fm
        scale = math.hypot(mc, md)
        if scale > 0:
            size *= scale
        angle = math.atan2(-mb, ma)
        q = round((angle if angle >= 0 else angle + 2 * math.pi) / (math.pi / 2)) % 4
    else:
        angle = api.angle(tp, first)
        q = round(angle / (math.pi / 2)) % 4 if angle >= 0 else 0
    ox, oy = ctypes.c_double(), ctypes.c_double()
    api.origin(tp, first, ctypes.byref(ox), ctypes.byref(oy))
    base: float | None = oy.value if q == 0 or q == 2 else ox.value
    if len(part) > 1:  # straight when its two ends agree
        api.origin(tp, part[-1][0], ctypes.byref(ox), ctypes.byref(oy))
        if (oy.value if q == 0 or q == 2 else ox.value) != base:
            base = None
        if q % 2:
            part = _sane_boxes(tp, api, part, size)
    else:
        _i, left, bottom, right, top, _ch = part[0]
        if right - left > 3 * size or top - bottom > 3 * size:
            part = _sane_boxes(tp, api, part, size)
    return q, size, base, part


def _own_size(x0: float, x1: float, baseline: float, em: float, ch: str) -> Glyph:
    """A character larger than its run's type (a big symbol), spanning its line by its own size."""
    return Glyph(x0, baseline - 0.88 * em, x1, baseline + 0.12 * em, ch)


def _run_glyph(x0: float, top: float, x1: float, bottom: float, texts: list[str], spans: list[float]) -> Glyph:
    """One glyph for characters set side by side: the characters' text, and their edges when there are several."""
    if len(texts) == 1:
        return Glyph(x0, top, x1, bottom, texts[0])
    return Glyph(x0, top, x1, bottom, "".join(texts), tuple(spans))


def _sane_boxes(tp: Any, api: _Bare, part: list[_Char], size: float) -> list[_Char]:
    """Characters whose loose box is many times their type size get their tight box instead.

    pdfium leaves some fonts' loose boxes unscaled by the text matrix (WPS's vertical labels: a 10 pt
    character with a 199 pt box), which would put it in every cell and line around it.
    """
    if size <= 0:
        return part
    out = part
    lo, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for k, (i, left, bottom, right, top, ch) in enumerate(part):
        if right - left <= 3 * size and top - bottom <= 3 * size:
            continue
        if not api.tight(tp, i, ctypes.byref(lo), ctypes.byref(r), ctypes.byref(b), ctypes.byref(t)):
            continue
        if out is part:
            out = list(part)
        out[k] = (i, lo.value, b.value, r.value, t.value, ch)
    return out


def _turned(
    tp: Any, api: _Bare, parts: list[_Part], quadrant: int, page: tuple[float, float, float, float]
) -> list[Glyph]:
    """Glyphs of runs in any direction, turned by ``quadrant`` so that the page's text runs left to right."""
    x0, y1, w, h = page
    get_origin = api.origin
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    out: list[Glyph] = []
    add = out.append
    for q, size, base, part in parts:
        across = q == 0 or q == 2  # the baseline is horizontal
        # the glyphs' tops point up (q 0), to +x (q 1: text runs downwards), down (q 2) or to -x (q 3)
        below, above = (0.12, 0.88) if q == 0 or q == 1 else (0.88, 0.12)
        for i, left, bottom, right, top, ch in part:
            if base is None:
                get_origin(tp, i, pox, poy)
                o = oy.value if across else ox.value
            else:
                o = base
            tall, wide = top - bottom, right - left
            least = tall if tall <= wide else wide
            em = size if size >= least else least
            if across:
                le, b, r, t = left, o - below * em, right, o + above * em
            else:
                le, b, r, t = o - below * em, bottom, o + above * em, top
            # user space (y up) -> top-down space, turned as box() in _page_layout turns the rules
            if quadrant == 1:
                add(Glyph(y1 - t, w - (r - x0), y1 - b, w - (le - x0), ch))
            elif quadrant == 2:
                add(Glyph(w - (r - x0), h - (y1 - b), w - (le - x0), h - (y1 - t), ch))
            elif quadrant == 3:
                add(Glyph(h - (y1 - b), le - x0, h - (y1 - t), r - x0, ch))
            else:
                add(Glyph(le - x0, y1 - t, r - x0, y1 - b, ch))
    return out


def _segments(page: Any, raw: Any, box: Any) -> list[tuple[float, float, float, float]]:
    """Thin boxes for every straight horizontal or vertical stroke or thin filled rectangle.

    Paths inside Form XObjects are in the form's space: their points go through the forms' matrices.
    The page's objects are walked with bare pdfium calls: most of them are text, only looked at and skipped.
    """
    pdfium, _ = _pdfium()
    api = _bare(raw)
    thin = 3.0
    out: list[tuple[float, float, float, float]] = []
    path, form = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    fl, fb, fr, ft = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    bounds = (ctypes.byref(fl), ctypes.byref(fb), ctypes.byref(fr), ctypes.byref(ft))

    def matrix(obj: Any) -> Any:
        fs = raw.FS_MATRIX()
        raw.FPDFPageObj_GetMatrix(obj, fs)
        return pdfium.PdfMatrix.from_raw(fs)

    get_type = api.type

    def walk(count: Any, get: Any, parent: Any, outer: Any, level: int) -> None:
        for k in range(count(parent)):
            obj = get(parent, k)
            if not obj:
                continue
            kind = get_type(obj)
            if kind == form and level < 2:  # as deep as pypdfium2's get_objects(max_depth=3)
                m = matrix(obj)
                walk(api.form_count, api.form_object, obj, m if outer is None else m.multiply(outer), level + 1)
            if kind != path or not api.bounds(obj, *bounds) or _invisible(api, obj):
                continue
            left, bottom, right, top = fl.value, fb.value, fr.value, ft.value
            if outer is not None:
                left, bottom, right, top = outer.on_rect(left, bottom, right, top)
            if right - left <= thin or top - bottom <= thin:
                if right - left > thin or top - bottom > thin:
                    out.append(box(left, bottom, right, top))
                continue
            m = matrix(obj)
            _path_lines(raw, obj, m if outer is None else m.multiply(outer), out, box)

    walk(api.page_count, api.page_object, page, None, 0)
    return out


_MODE, _STROKE = ctypes.c_int(), ctypes.c_int()
_RGBA = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
_MODE_REFS = (ctypes.byref(_MODE), ctypes.byref(_STROKE))
_RGBA_REFS = tuple(ctypes.byref(c) for c in _RGBA)


def _invisible(api: _Bare, obj: Any) -> bool:
    """A path that paints nothing visible on a white page: not stroked (or stroked in white or fully
    transparent) and not filled (or filled so).  WPS puts a white-filled box behind every line of text;
    its edges are not a table's borders."""
    if not api.draw_mode(obj, *_MODE_REFS):
        return False
    r, g, b, a = _RGBA

    def blank(get: Any) -> bool:
        if not get(obj, *_RGBA_REFS):
            return False
        return a.value == 0 or min(r.value, g.value, b.value) >= 250

    if _STROKE.value and not blank(api.stroke_color):
        return False
    return not _MODE.value or blank(api.fill_color)


def _path_lines(raw: Any, obj: Any, m: Any, out: list[tuple[float, float, float, float]], box: Any) -> None:
    """The straight horizontal and vertical pieces of a path that is not one thin box (a frame, a grid)."""
    n = raw.FPDFPath_CountSegments(obj)
    if n < 2 or n > MAX_PATH_SEGMENTS:
        return
    fx, fy = ctypes.c_float(), ctypes.c_float()
    pts: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    for k in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
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


def _add_line(
    out: list[tuple[float, float, float, float]], a: tuple[float, float], b: tuple[float, float], box: Any
) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) > 3:
        out.append(box(min(ax, bx), ay - 0.5, max(ax, bx), ay + 0.5))
    elif abs(ax - bx) < 0.5 and abs(ay - by) > 3:
        out.append(box(ax - 0.5, min(ay, by), ax + 0.5, max(ay, by)))
