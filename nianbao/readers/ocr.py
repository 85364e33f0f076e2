"""Scans: image-only PDFs and image files read by OCR, when an OCR package is installed (optional).

nianbao uses RapidOCR (``pip install 'nianbao[ocr]'``): its detection and recognition models ship inside
the wheel, so nothing is fetched at run time.  Without it a scan is still recognised as one and reported
(``source.scanned``); with it the text is read and every value is marked as read by OCR (the parser adds
the finding).  A number the recogniser is not sure of is left out — the parser then reads a blank or a
missing cell, never a plausible wrong value.

OCR boxes are phrases (a label, a number); they become character boxes, and the tables are rebuilt by
the same code as a PDF's tables without ruling lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from ..errors import MissingDependency, UnreadableFile
from .layout import Glyph, PageLayout, pages_to_text

INSTALL = "pip install 'nianbao[ocr]'"
# Recognition confidence below which a box that holds digits is not trusted.
MIN_NUMBER_SCORE = 0.8
# Pages are rendered at this many pixels per PDF point (2 = 144 dpi): small table digits stay legible.
SCALE = 2.0
_DIGIT = re.compile(r"\d")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")


def available() -> bool:
    """True when an OCR engine is installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise MissingDependency(
            f"文字识别需要安装 OCR 组件：{INSTALL} (OCR needs: {INSTALL})", expected="rapidocr"
        ) from None
    return RapidOCR()


def boxes_to_page(
    boxes: Sequence[tuple[Sequence[Sequence[float]], str, float]], width: float, height: float, scale: float
) -> tuple[PageLayout, int]:
    """OCR boxes -> a page of character boxes for the layout code, and how many unsure numbers were dropped.

    A box's width is shared evenly among its characters; the table is then rebuilt exactly as for a PDF
    whose tables have no ruling lines (columns from the alignment of the numbers).
    """
    glyphs: list[Glyph] = []
    unsure = 0
    for quad, text, score in boxes:
        text = text.strip()
        if not text:
            continue
        if _DIGIT.search(text) and float(score) < MIN_NUMBER_SCORE:
            unsure += 1
            continue  # its cell reads as blank: never a guessed digit
        x0, x1 = min(p[0] for p in quad) / scale, max(p[0] for p in quad) / scale
        top, bottom = min(p[1] for p in quad) / scale, max(p[1] for p in quad) / scale
        step = (x1 - x0) / len(text)
        glyphs.extend(
            Glyph(x0 + i * step, top, x0 + (i + 1) * step, bottom, ch) for i, ch in enumerate(text) if not ch.isspace()
        )
    return PageLayout(width / scale, height / scale, glyphs), unsure


def ocr_images(images: Iterable[Any], scale: float = 1.0) -> tuple[str, tuple[str, ...]]:
    """Text of page images (PIL images) and the reader notes for the parser.

    ``scale`` is pixels per layout unit (PDF pages rendered at :data:`SCALE`; 1 for image files).
    """
    import numpy as np

    engine = _engine()
    pages: list[PageLayout] = []
    unsure = 0
    for image in images:
        rgb = image.convert("RGB")
        result, _elapsed = engine(np.asarray(rgb))
        page, n = boxes_to_page(result or [], rgb.width, rgb.height, scale)
        pages.append(page)
        unsure += n
    text, _grid = pages_to_text(pages)
    notes = ("scanned", "ocr") + ((f"ocr_unsure:{unsure}",) if unsure else ())
    return text, notes


def ocr_pdf(data: bytes) -> tuple[str, tuple[str, ...]]:
    """OCR every page of an image-only PDF (rendered with pypdfium2)."""
    import pypdfium2 as pdfium

    from . import MAX_OCR_PAGES

    pdf = pdfium.PdfDocument(data)
    try:
        n = len(pdf)
        text, notes = ocr_images((pdf[i].render(scale=SCALE).to_pil() for i in range(min(n, MAX_OCR_PAGES))), SCALE)
    finally:
        pdf.close()
    if n > MAX_OCR_PAGES:  # OCR takes seconds a page: a report is a few pages
        notes = (*notes, f"truncated: 扫描件共 {n} 页，文字识别只处理了前 {MAX_OCR_PAGES} 页")
    return text, notes


class ImageReader:
    """Scanned pages saved as images (PNG, JPEG, TIFF, BMP)."""

    kinds: tuple[str, ...] = ("image",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        return data.startswith(_IMAGE_MAGIC)

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        if not available():
            return "", False, ("scanned",)
        import io

        from PIL import Image, ImageSequence, UnidentifiedImageError

        try:
            from itertools import islice

            from . import MAX_OCR_PAGES

            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
            text, notes = ocr_images(frame.copy() for frame in islice(ImageSequence.Iterator(image), MAX_OCR_PAGES))
            if frames > MAX_OCR_PAGES:
                notes = (*notes, f"truncated: 图片共 {frames} 页，文字识别只处理了前 {MAX_OCR_PAGES} 页")
        except (UnidentifiedImageError, OSError) as e:
            raise UnreadableFile(
                f"图片无法打开 (cannot open the image): {e}", expected="a PNG, JPEG or TIFF scan"
            ) from None
        return text, False, notes
