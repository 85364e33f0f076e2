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
    text = buf.raw[: 2 * max(got - 1, 0)].decode("utf-16-le", "surrogatepass")
    if len(text) == n:
        return text
    return "".join(chr(u) if u < 0x110000 else "\ufffd" for u in (api.unicode(tp, i) for i in range(n)))


_Char = tuple[int, float, float, float, float, str]  # index, loose box (left, bottom, right, top), text
_Part = tuple[int, float, float | None, list[_Char]]  # quarter turns, font size, baseline (None: per char), chars


def _page_glyphs(textpage: Any, raw: Any, page: tuple[float, float, float, float]) -> tuple[list[Glyph], int]:
    """The page's characters as glyphs in top-down space, and the page's main text direction (quarter turns).

    Characters are read in runs that share a text object: the angle, font size and baseline are the object's,
    so they are read once per run; only the box is read per character (the baseline too where it varies).
    The glyphs are made as the runs are read, for upright text on an upright page (nearly all text); a page
    whose text mostly runs another way is turned afterwards, by :func:`_turned`.
    """
    api = _bare(raw)
    px0, py0, px1, py1 = page
    tp = textpage
    n = raw.FPDFText_CountChars(tp)
    text = _page_text(tp, n, api)
    keep = _KEEP
    rect = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    prect, floats = ctypes.byref(rect), memoryview(rect).cast("B").cast("f")
    get_box, is_generated = api.box, api.is_generated
    text_object = api.text_object or (lambda tp, i: None)  # pdfium before GetTextObject: every char on its own
    runs: list[tuple[int | None, list[_Char]]] = []  # (text object, its characters) in page order
    run: list[_Char] = []
    last: Any = -1
    for i, ch in enumerate(text):
        ok = keep.get(ch)
        if ok is None:
            ok = keep[ch] = _keep(ch)
        if not ok:
            continue
        obj = text_object(tp, i)
        if obj is None and is_generated is not None and is_generated(tp, i) == 1:
            continue
        if not get_box(tp, i, prect):
            continue
        left, top, right, bottom = floats
        if right - left <= 0 and top - bottom <= 0:
            continue
        if right < px0 or left > px1 or top < py0 or bottom > py1:
            continue  # wholly off the page: not printed (pdfium's generated spaces and breaks sit there too)
        if obj is None or obj != last:
            run = []
            runs.append((obj, run))
            last = obj
        run.append((i, left, bottom, right, top, ch))
    parts: list[_Part] = []
    turns = [0, 0, 0, 0]
    out: list[Glyph] = []
    add = out.append
    x0, y1 = px0, py1
    origin = (ctypes.c_double * 2)()  # x, y
    porigin = ctypes.byref(origin)
    pox, poy = porigin, ctypes.byref(origin, ctypes.sizeof(ctypes.c_double))
    xy = memoryview(origin).cast("B").cast("d")
    get_origin, get_size, get_angle, get_matrix = api.origin, api.size, api.angle, api.matrix
    fm = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
    pfm, mview = ctypes.byref(fm), memoryview(fm).cast("B").cast("f")
    half_pi, two_pi, hypot, atan2 = math.pi / 2, 2 * math.pi, math.hypot, math.atan2
    for _obj, part in runs:  # a run without a text object (pdfium before GetTextObject) is one character
        first = part[0][0]
        size = get_size(tp, first)
        # the size pdfium gives is the font's size before the text matrix: WPS sets 319 pt type scaled by
        # 0.05, so the size on the page is the font size times the length of the matrix's upright vector;
        # the direction is the matrix's too (pdfium's FPDFText_GetCharAngle is atan2(-b, a) of it)
        level = False  # the run's baseline is the matrix's (level, unturned text)
        if get_matrix is not None and get_matrix(tp, first, pfm):
            ma, mb, mc, md, _me, mf = mview
            scale = hypot(mc, md)
            if scale > 0:
                size *= scale
            if mb == 0 and ma > 0:  # upright, as nearly all text is
                q, level = 0, True
            else:
                angle = atan2(-mb, ma)
                q = round((angle if angle >= 0 else angle + two_pi) / half_pi) % 4
        else:
            angle = get_angle(tp, first)
            q = round(angle / half_pi) % 4 if angle >= 0 else 0
        count = len(part)
        turns[q] += count
        # the baseline: one for the run when its two ends agree (straight text), else per character.  A level
        # run whose last character stands right of its first is written across, so every character's origin
        # is on the matrix's baseline (its f); one written downwards (vertical CJK) is measured
        base: float | None
        if count > 1 and level and part[-1][1] >= part[0][3] - 0.1 * size:
            base = mf
        elif count > 1:
            get_origin(tp, first, pox, poy)
            base = xy[1] if q == 0 or q == 2 else xy[0]
            get_origin(tp, part[-1][0], pox, poy)
            if (xy[1] if q == 0 or q == 2 else xy[0]) != base:
                base = None
            if q % 2:
                part = _sane_boxes(tp, api, part, size)
        else:
            get_origin(tp, first, pox, poy)
            base = xy[1] if q == 0 or q == 2 else xy[0]
            _i, left, bottom, right, top, _ch = part[0]
            if right - left > 3 * size or top - bottom > 3 * size:
                part = _sane_boxes(tp, api, part, size)
        parts.append((q, size, base, part))
        if q or base is None:
            out.extend(_turned(tp, api, [(q, size, base, part)], 0, (x0, y1, 0.0, 0.0)))
            continue
        # upright text on an upright page.  Tight boxes differ per glyph (a hyphen sits low, 一 in the middle):
        # a glyph spans its line from the baseline by the font size instead (by its own size where it is
        # larger), so that characters of one line share one vertical extent.  Characters of the run that
        # follow each other without a gap become one glyph: layout's work goes by glyphs, not characters
        top, bottom, touch = y1 - (base + 0.88 * size), y1 - (base - 0.12 * size), 0.1 * size
        if count == 1:
            _i, left, bottom_, right, top_, ch = part[0]
            tall, wide = top_ - bottom_, right - left
            if tall <= size or wide <= size:
                add(Glyph(left - x0, top, right - x0, bottom, ch))
            else:
                add(_own_size(left - x0, right - x0, y1 - base, min(tall, wide), ch))
            continue
        run_x0 = run_x1 = last = 0.0
        texts: list[str] = []
        spans: list[float] = []
        for _i, left, bottom_, right, top_, ch in part:
            tall, wide = top_ - bottom_, right - left
            if tall <= size or wide <= size:  # the run's own extent
                if texts and left > last and -touch <= left - run_x1 <= touch:
                    texts.append(ch)
                    spans += (left - x0, right - x0)
                    last = left
                    if right > run_x1:
                        run_x1 = right
                    continue
                if texts:
                    add(_run_glyph(run_x0 - x0, top, run_x1 - x0, bottom, texts, spans))
                texts, spans = [ch], [left - x0, right - x0]
                run_x0 = last = left
                run_x1 = right
                continue
            if texts:
                add(_run_glyph(run_x0 - x0, top, run_x1 - x0, bottom, texts, spans))
                texts = []
            add(_own_size(left - x0, right - x0, y1 - base, min(tall, wide), ch))
        if texts:
            add(_run_glyph(run_x0 - x0, top, run_x1 - x0, bottom, texts, spans))
    quadrant = max(range(4), key=lambda q: turns[q])
    if quadrant:
        out = _turned(tp, api, parts, quadrant, (x0, y1, px1 - px0, py1 - py0))
    return out, quadrant


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

    def walk(count: Any, get: Any, parent: Any, outer: Any, level: int) -> None:
        for k in range(count(parent)):
            obj = get(parent, k)
            if not obj:
                continue
            kind = api.type(obj)
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
