"""OFD reader (GB/T 33190): the XML of each page's TextObjects and PathObjects, read with lxml directly.

OFD is a ZIP: OFD.xml -> DocBody/DocRoot (Doc_0/Document.xml) -> Pages/Page/@BaseLoc (Content.xml).
Text sits in TextObject/TextCode with X, Y (baseline, relative to the object's Boundary) and DeltaX
(advances, with ``g n d`` meaning n times d).  Units are millimetres, y down.  Positions go through the
same line and cell building as PDF (:mod:`nianbao.readers.layout`).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

from ..errors import UnreadableFile, UnsupportedFormat
from . import sniff
from .layout import Glyph, PageLayout, pages_to_text

PT_PER_MM = 72 / 25.4


class OfdReader:
    kinds = ("ofd",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        kind = sniff.sniff(data)
        return kind == sniff.OFD or (suffix == "ofd" and kind in (None, sniff.ZIP))

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        pages = read_ofd_pages(data)
        if not any(p.glyphs for p in pages):
            return "", False, ("scanned",)
        text, grid = pages_to_text(pages)
        return text, grid, ()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _floats(s: str | None) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", s or "")]


def read_ofd_pages(data: bytes) -> list[PageLayout]:
    from lxml import etree

    if not data.startswith(b"PK"):
        raise UnsupportedFormat(
            f"文件不是 OFD 文档，内容看起来是 {sniff.describe(sniff.sniff(data))} (the file is not an OFD document)",
            expected="an OFD document (a ZIP package with OFD.xml)",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = {n.lstrip("/"): n for n in zf.namelist()}

        def xml(path: str) -> Any:
            return etree.fromstring(zf.read(names[path.lstrip("/")]))

        root = xml("OFD.xml")
        doc_root = next((el.text for el in root.iter() if _local(el.tag) == "DocRoot"), None)
        if not doc_root:
            raise KeyError("DocRoot")
        doc_path = doc_root.strip().lstrip("/")
        doc_dir = posixpath.dirname(doc_path)
        document = xml(doc_path)
        default_box = _page_box(document)
        pages: list[PageLayout] = []
        for page_el in (el for el in document.iter() if _local(el.tag) == "Page"):
            loc = page_el.get("BaseLoc")
            if not loc:
                continue
            content_path = loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(doc_dir, loc))
            content = xml(content_path)
            box = _page_box(content) or default_box or (0.0, 0.0, 210.0, 297.0)
            pages.append(_page(content, box))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, EOFError) as e:
        raise UnreadableFile(
            f"OFD 文档已损坏或结构不完整 (the OFD document is damaged or incomplete: {type(e).__name__} {e})",
            expected="an OFD document with OFD.xml, Document.xml and page Content.xml",
        ) from None
    if not pages:
        raise UnreadableFile("OFD 文档没有任何页面 (the OFD document has no pages)", expected="an OFD with pages")
    return pages


def _page_box(el: Any) -> tuple[float, float, float, float] | None:
    for node in el.iter():
        if _local(node.tag) == "PhysicalBox":
            v = _floats(node.text)
            if len(v) == 4:
                return v[0], v[1], v[2], v[3]
    return None


def _page(content: Any, box: tuple[float, float, float, float]) -> PageLayout:
    glyphs: list[Glyph] = []
    segments: list[tuple[float, float, float, float]] = []
    k = PT_PER_MM
    for obj in content.iter():
        name = _local(obj.tag)
        if name == "TextObject":
            glyphs.extend(_text_object(obj))
        elif name == "PathObject":
            segments.extend(_path_object(obj))
    glyphs = [Glyph(g.x0 * k, g.top * k, g.x1 * k, g.bottom * k, g.text) for g in glyphs]
    segments = [(a * k, b * k, c * k, d * k) for a, b, c, d in segments]
    return PageLayout(box[2] * k, box[3] * k, glyphs, segments)


def _ctm(obj: Any) -> tuple[float, ...]:
    v = _floats(obj.get("CTM"))
    return tuple(v) if len(v) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _deltas(s: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, where ``g n d`` stands for n copies of d."""
    out: list[float] = []
    tokens = (s or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out.extend([float(tokens[i + 2])] * int(float(tokens[i + 1])))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _text_object(obj: Any) -> list[Glyph]:
    bx, by, _bw, _bh = (_floats(obj.get("Boundary")) + [0.0] * 4)[:4]
    size = float(obj.get("Size") or 3.5)
    a, b, c, d, e, f = _ctm(obj)
    scale = (a * a + b * b) ** 0.5 if (a or b) else 1.0
    out: list[Glyph] = []
    for code in (el for el in obj if _local(el.tag) == "TextCode"):
        text = code.text or ""
        x, y = float(code.get("X") or 0), float(code.get("Y") or 0)
        dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
        adv = dx[-1] if dx else size
        for i, ch in enumerate(text):
            width = dx[i] if i < len(dx) else adv
            px, py = a * x + c * y + e, b * x + d * y + f
            s = size * scale
            if not ch.isspace():
                out.append(Glyph(bx + px, by + py - 0.88 * s, bx + px + min(width * scale, s), by + py + 0.12 * s, ch))
            x += width
            if i < len(dy):
                y += dy[i]
    return out


def _path_object(obj: Any) -> list[tuple[float, float, float, float]]:
    """Straight horizontal and vertical strokes of a PathObject's AbbreviatedData, as thin boxes."""
    bx, by, bw, bh = (_floats(obj.get("Boundary")) + [0.0] * 4)[:4]
    if (bw <= 1.0 or bh <= 1.0) and (bw > 1.0 or bh > 1.0):  # the whole object is a line
        return [(bx, by, bx + max(bw, 0.2), by + max(bh, 0.2))]
    data = next((el.text for el in obj if _local(el.tag) == "AbbreviatedData"), None)
    if not data:
        return []
    a, b, c, d, e, f = _ctm(obj)
    out: list[tuple[float, float, float, float]] = []
    tokens = data.split()
    pos: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            pt = (bx + a * x + c * y + e, by + b * x + d * y + f)
            if op == "L" and pos is not None:
                _line(out, pos, pt)
            else:
                start = pt
            pos = pt
            i += 3
        elif op == "C" and pos is not None:
            if start is not None:
                _line(out, pos, start)
            pos = start
            i += 1
        else:
            i += 1
    return out


def _line(out: list[tuple[float, float, float, float]], p: tuple[float, float], q: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.2 and abs(x0 - x1) > 1.0:
        out.append((min(x0, x1), y0 - 0.1, max(x0, x1), y0 + 0.1))
    elif abs(x0 - x1) < 0.2 and abs(y0 - y1) > 1.0:
        out.append((x0 - 0.1, min(y0, y1), x0 + 0.1, max(y0, y1)))
