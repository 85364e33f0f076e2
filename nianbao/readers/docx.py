"""DOCX reader: the body in order — paragraphs, tables (merged cells expanded), text boxes, nested tables.

python-docx opens and validates the package; the walk itself is over the XML, because python-docx's
``table.rows`` neither keeps nested tables in place nor tells a vMerge continuation from a blank cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import MissingDependency, UnreadableFile, UnsupportedFormat
from . import SPAN, sniff

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
INSTALL = "pip install 'nianbao[office]'"
WORD_SUFFIXES = ("docx", "docm", "dotx", "dotm")


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingDependency(
            f"读取 Word 文档需要安装 python-docx：{INSTALL} (reading DOCX needs python-docx: {INSTALL})",
            expected="python-docx",
        ) from None
    return docx


class DocxReader:
    """Reads Word 2007+ documents; .doc and .wps go through :mod:`nianbao.readers.convert` first."""

    kinds = ("docx",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        kind = sniff.sniff(data)
        return kind == sniff.DOCX or (suffix in WORD_SUFFIXES and kind in (None, sniff.ZIP))

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        return docx_text(data), True, ()


def docx_text(data: bytes) -> str:
    """The document's text, one paragraph or table row a line."""
    docx = _docx()
    if not data.startswith(b"PK"):
        raise UnsupportedFormat(
            f"文件不是 Word (DOCX) 文档，内容看起来是 {sniff.describe(sniff.sniff(data))} "
            "(the file is not a DOCX document)",
            expected="a Word document (.docx, a ZIP package)",
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as e:
        raise UnreadableFile(
            f"Word 文档已损坏，无法打开 (the DOCX is damaged and cannot be opened: {type(e).__name__})",
            expected="a complete .docx file",
        ) from None
    except Exception as e:  # python-docx raises PackageNotFoundError and lxml errors for broken parts
        if type(e).__name__ in ("PackageNotFoundError", "XMLSyntaxError", "InvalidXmlError"):
            raise UnreadableFile(
                f"Word 文档已损坏，无法打开 (the DOCX is damaged and cannot be opened: {type(e).__name__})",
                expected="a complete .docx file",
            ) from None
        raise
    return "\n".join(line for line in _blocks(document.element.body) if line.strip())


def _blocks(parent: Any) -> Iterator[str]:
    """Lines of a container (body, cell, text box, content control) in document order."""
    for el in parent:
        tag = el.tag
        if tag == W + "p":
            text = _paragraph_text(el)
            if text.strip():
                yield text.strip()
            for box in _text_boxes(el):
                yield from _blocks(box)
        elif tag == W + "tbl":
            yield from _table(el)
        elif tag in (W + "sdt", W + "customXml", W + "smartTag"):
            content = el.find(W + "sdtContent") if tag == W + "sdt" else el
            if content is not None:
                yield from _blocks(content)


def _paragraph_text(p: Any) -> str:
    """A paragraph's text, without text boxes, deleted text or the Fallback copies of drawings."""
    parts: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in (W + "txbxContent", MC + "Fallback", W + "del", W + "instrText"):
            continue
        if tag == W + "t":
            parts.append(el.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        stack.extend(reversed(list(el)))
    text = "".join(parts)
    # tabs typed between words become cells, as tab-aligned "tables" in Word do; leading ones are indent
    return "\n".join(line.strip(" \t\u3000") for line in text.split("\n"))


def _text_boxes(p: Any) -> Iterator[Any]:
    for box in p.iter(W + "txbxContent"):
        if any(a.tag == MC + "Fallback" for a in box.iterancestors()):
            continue
        yield box


def _table(tbl: Any) -> Iterator[str]:
    """Rows with merged cells expanded: gridSpan repeats empty cells, vMerge continuations are empty.

    A row holding a nested table is written out cell by cell, its tables as rows of their own: such
    outer tables are page layout, not data.
    """
    for tr in tbl.iterchildren(W + "tr"):
        cells: list[str] = []
        nested: list[Any] = []
        trpr = tr.find(W + "trPr")
        before = _int_val(trpr, "gridBefore") if trpr is not None else 0
        cells.extend([""] * before)
        for tc in _row_cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int_val(tcpr, "gridSpan") if tcpr is not None else 1)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            continuation = (vmerge is not None and vmerge.get(W + "val") in (None, "continue")) or (
                hmerge is not None and hmerge.get(W + "val") in (None, "continue")
            )
            if tc.find(".//" + W + "tbl") is not None:
                nested.append(tc)
                text = ""
            else:
                text = "" if continuation else _cell_text(tc)
            cells.append(text)
            cells.extend([SPAN] * (span - 1))
        if nested:
            for tc in nested:
                yield from _blocks(tc)
            continue
        if any(c.strip() for c in cells):
            yield "\t".join(cells)


def _row_cells(tr: Any) -> Iterator[Any]:
    for el in tr:
        if el.tag == W + "tc":
            yield el
        elif el.tag in (W + "sdt", W + "customXml"):
            content = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if content is not None:
                yield from (c for c in content if c.tag == W + "tc")


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs joined: a label wrapped onto two paragraphs is still one cell."""
    from .layout import join_wrapped

    return join_wrapped([line.replace("\t", " ") for line in _blocks(tc)])


def _int_val(pr: Any, name: str) -> int:
    el = pr.find(W + name)
    if el is None:
        return 0
    try:
        return int(el.get(W + "val", "0"))
    except ValueError:
        return 0
