"""The web interface (``nianbao serve``): pages and a JSON API over a corpus.

>>> from nianbao.store import open_corpus
>>> from nianbao.web import make_app, WebSettings
>>> app = make_app(open_corpus("corpus.db"), WebSettings(token="secret"))   # any ASGI server runs it

Imports of FastAPI happen on first use, so ``nianbao`` without the ``web`` extra still starts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WebSettings", "make_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
