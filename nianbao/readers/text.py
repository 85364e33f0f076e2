"""Plain text in whatever encoding a Chinese office produced it — detected, never assumed."""

from __future__ import annotations

import codecs
import re

from ..errors import UnreadableFile
from .fixed import is_fixed_width, read_fixed_width

TEXT_SUFFIXES = ("txt", "text", "md", "csv", "tsv", "")
# Control characters other than tab, newline, carriage return and form feed betray a binary file.
_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")


def decode(data: bytes, path: str | None = None) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16/32 (BOM or not), GB18030/GBK or Big5.

    Raises :class:`UnreadableFile` for bytes that are no text in any of them (binary garbage).
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), path)
            except UnicodeDecodeError:
                break
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        # UTF-16 without BOM: one byte of most ASCII/CJK pairs is zero at odd (LE) or even (BE) offsets.
        le = sample[1::2].count(0) >= sample[0::2].count(0)
        try:
            return _checked(data.decode("utf-16-le" if le else "utf-16-be"), path)
        except UnicodeDecodeError:
            pass
    for codec in ("utf-8", "gb18030", "big5"):
        try:
            return _checked(data.decode(codec), path)
        except (UnicodeDecodeError, UnreadableFile):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return _checked(str(best), path)
    raise UnreadableFile(
        "无法识别文件编码，可能不是文本文件 (not text in any known encoding)",
        path=path,
        expected="UTF-8, GB18030/GBK, UTF-16 or Big5 text",
    )


def _checked(text: str, path: str | None) -> str:
    """Reject decoded text full of control characters: a lucky decode of binary bytes."""
    sample = text[:20000]
    bad = len(_BAD.findall(sample))
    if bad > max(4, len(sample) // 200):
        raise UnreadableFile(
            "文件内容是二进制数据，不是文本 (binary data, not text)",
            path=path,
            expected="a text, HTML, PDF or Word document",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


class TextReader:
    """Accepts anything that is not another reader's; decodes it as text."""

    kinds: tuple[str, ...] = ("txt",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        return True

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        text = decode(data)
        if is_fixed_width(text):
            return read_fixed_width(text), False, ("fixed-width",)
        return text, False, ()
