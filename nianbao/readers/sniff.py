"""What a file's bytes really are, whatever its extension says (magic bytes, not names)."""

from __future__ import annotations

PDF = "pdf"
DOCX = "docx"
OFD = "ofd"
XLSX = "xlsx"
ZIP = "zip"
OLE = "ole"  # .doc, .wps, .xls, .et and password-protected OOXML all live in OLE2 compound files
RTF = "rtf"
HTML = "html"

_NAMES = {
    PDF: "PDF",
    DOCX: "Word (DOCX)",
    OFD: "OFD",
    XLSX: "Excel (XLSX)",
    ZIP: "ZIP 压缩包 (a ZIP archive)",
    OLE: "Word 97-2003 / WPS (OLE2)",
    RTF: "RTF",
    HTML: "HTML",
}


def sniff(data: bytes) -> str | None:
    """The format the bytes are in, or None when they match no magic we know."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        if b"word/document" in data[:200_000] or b"word/document" in data[-65536:]:
            return DOCX
        if b"OFD.xml" in data[:200_000] or b"OFD.xml" in data[-65536:]:
            return OFD
        if b"xl/workbook" in data[:200_000] or b"xl/workbook" in data[-65536:]:
            return XLSX
        return ZIP
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if data.lstrip()[:5] == b"{\\rtf":
        return RTF
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return HTML
    return None


def describe(kind: str | None) -> str:
    """A plain name for a sniffed kind, for messages."""
    return _NAMES.get(kind or "", "未知格式 (an unknown format)")


def is_encrypted_ooxml(data: bytes) -> bool:
    """Password-protected DOCX/XLSX are OLE2 files holding an EncryptionInfo stream."""
    return data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptionInfo".encode("utf-16-le") in data[: 65536 * 4]
