"""The canonical data of REPORT_FORMAT.md §2 as frozen dataclasses, with to_dict/from_dict at the JSON edge."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .formats import empty_tables, flat_paths

SCHEMA_VERSION = 1

Number = int | float
Tables = dict[str, dict[str, dict[str, Number | None]]]


@dataclass(frozen=True)
class Finding:
    """A defect in the data: never raised, always reported (spec §3)."""

    rule: str
    severity: str  # error | warning | info
    where: str
    message: str
    expected: Any = None
    found: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            d["rule"], d["severity"], d.get("where", ""), d.get("message", ""), d.get("expected"), d.get("found")
        )


@dataclass(frozen=True)
class Source:
    path: str | None = None
    sha256: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    organ: str | None = None
    year: int | None = None
    published: str | None = None
    script: str = "simplified"


@dataclass(frozen=True)
class Report:
    """One annual report in canonical form."""

    template: str | None
    meta: Meta = field(default_factory=Meta)
    tables: Tables = field(default_factory=lambda: empty_tables(None))
    source: Source = field(default_factory=Source)
    findings: tuple[Finding, ...] = ()

    def with_findings(self, findings: list[Finding] | tuple[Finding, ...]) -> Report:
        return replace(self, findings=tuple(findings))

    def cell(self, path: str) -> Number | None:
        """The value at a flat path such as ``requests.granted.total``."""
        table, row, col = path.split(".")
        return self.tables.get(table, {}).get(row, {}).get(col)

    def flat(self) -> dict[str, Number | None]:
        """The flat form of spec §4: one entry per cell, named by path."""
        return {p: self.cell(p) for p in flat_paths(self.template)}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": {"path": self.source.path, "sha256": self.source.sha256, "kind": self.source.kind},
            "template": self.template,
            "meta": {
                "title": self.meta.title,
                "organ": self.meta.organ,
                "year": self.meta.year,
                "published": self.meta.published,
                "script": self.meta.script,
            },
            "tables": {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in self.tables.items()},
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        src = d.get("source") or {}
        meta = d.get("meta") or {}
        template = d.get("template")
        tables = empty_tables(template)
        for t, rows in (d.get("tables") or {}).items():
            for r, cols in (rows or {}).items():
                tables.setdefault(t, {}).setdefault(r, {}).update(cols or {})
        return cls(
            template=template,
            meta=Meta(
                title=meta.get("title"),
                organ=meta.get("organ"),
                year=meta.get("year"),
                published=meta.get("published"),
                script=meta.get("script") or "simplified",
            ),
            tables=tables,
            source=Source(src.get("path"), src.get("sha256"), src.get("kind")),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings") or ()),
        )


def load_json(path: str | Path) -> Report:
    """A canonical report JSON file (as ``nianbao parse`` writes it); a clear error when it is not one."""
    from .errors import UnreadableFile

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "tables" not in data:
            raise ValueError("no 'tables' object")
        return Report.from_dict(data)
    except OSError as e:
        raise UnreadableFile(f"无法读取文件 (cannot read the file): {e.strerror or e}", path=str(path)) from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise UnreadableFile(
            f"不是规范的报告 JSON (not a canonical report JSON): {e}", path=str(path), expected="nianbao parse output"
        ) from None
