"""Script and character normalisation shared by the readers and the parser.

Traditional script is turned into Simplified with OpenCC before any label is matched (the spec's
``meta.script`` records what the source used); full-width digits and punctuation become ASCII (NFKC)
so that one set of patterns reads every report.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Dashes and minus signs that mean "minus" in a number cell.
_MINUS = str.maketrans({"−": "-", "－": "-", "—": "-", "–": "-", "\u3000": " ", "\xa0": " "})
# Words that Taiwan-style machine conversion (OpenCC s2twp) swaps and t2s does not swap back.
TW_PHRASES: dict[str, str] = {
    "资讯": "信息",
    "专案": "项目",
    "释出": "发布",
    "规范性档案": "规范性文件",
    "入口网站": "门户网站",
    "软体": "软件",
    "网路": "网络",
    "讯息": "信息",
}
_TW = re.compile("|".join(TW_PHRASES))
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:  # opencc ships no type hints
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> tuple[str, str]:
    """Return (Simplified text, the source's script) — ``traditional`` when OpenCC changes enough of it.

    A Simplified text loses a handful of characters to ``t2s`` at most; a machine-converted
    Traditional one changes in a large share of its CJK characters.
    """
    converted = _converter("t2s").convert(text)
    if converted == text:
        return text, "simplified"
    changed = sum(1 for a, b in zip(text, converted) if a != b) if len(converted) == len(text) else len(text)
    cjk = len(_CJK.findall(text)) or 1
    if changed < max(3, cjk * 0.02):
        return converted, "simplified"
    return _TW.sub(lambda m: TW_PHRASES[m.group(0)], converted), "traditional"


def to_traditional(text: str, config: str = "s2twp") -> str:
    """Simplified -> Traditional as the machine converters of government sites do it (used by the generator)."""
    return str(_converter(config).convert(text))


def ascii_forms(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; the dashes used as minus signs to ``-``."""
    # NFKC already maps the full-width minus, ideographic and no-break spaces; the dashes are left to us
    return unicodedata.normalize("NFKC", text).translate(_MINUS)


def label_key(text: str) -> str:
    """The form labels are matched in: no whitespace, no punctuation (``（一）予以 公开`` -> ``一予以公开``)."""
    return _NON_WORD.sub("", text)
