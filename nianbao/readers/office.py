"""Readers for office documents (issue 3): PDF, DOCX, .doc/.wps/.rtf through LibreOffice, and OFD.

Each reader decides by the file's magic bytes, so a .pdf that is really a DOCX is read as DOCX, and a
file whose extension names a format its bytes are not gets a message naming both.
"""

from __future__ import annotations

from .convert import ConvertReader
from .docx import DocxReader
from .ofd import OfdReader
from .pdf import PdfReader

# Tried before HTML (0) and text (10): these accept only their own magic bytes, so they never take an
# HTML page saved as .doc, while a PDF whose first bytes happen to look like markup is still read as PDF.
OFFICE_READERS = [
    (-1.0, PdfReader()),
    (-1.0, DocxReader()),
    (-1.0, OfdReader()),
    (-0.5, ConvertReader()),
]

__all__ = ["OFFICE_READERS", "ConvertReader", "DocxReader", "OfdReader", "PdfReader"]
