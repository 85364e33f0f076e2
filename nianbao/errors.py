"""Errors for files nianbao cannot handle.  A defect *in the data* is a Finding, never an exception."""

from __future__ import annotations


class NianbaoError(Exception):
    """A file we cannot handle: says which file, and what was expected, in plain words."""

    rule = "source.unreadable"

    def __init__(self, message: str, *, path: str | None = None, table: str | None = None, expected: str | None = None):
        self.message = message
        self.path = path
        self.table = table
        self.expected = expected
        super().__init__(f"{path}: {message}" if path else message)


class UnreadableFile(NianbaoError):
    """The bytes cannot be opened or decoded (corrupt, encrypted, empty, binary)."""


class UnsupportedFormat(NianbaoError):
    """No reader accepts this kind of file (or its extension lies about its content)."""


class MissingDependency(NianbaoError):
    """An optional package or program this file needs is not installed."""


class StoreError(NianbaoError):
    """The corpus database refused an operation."""
