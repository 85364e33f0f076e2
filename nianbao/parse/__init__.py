"""Document -> canonical Report: sections, tables, meta, template, with findings for what is unsure.

``parse_document`` is the one entry point; every step it composes is a plain function of its own
module so that each can be tested on its own (the pdfplumber way).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from .. import formats
from ..errors import NianbaoError, UnreadableFile
from ..model import Finding, Meta, Report, Source
from ..readers import DEBUG_ENV, Document, read_bytes
from ..readers.normalize import ascii_forms, to_simplified
from .cells import Token, tokenize
from .meta import extract_meta
from .narrative import narrative_findings
from .oneline import unfold
from .sections import find_sections, span
from .tables import extract_active, extract_appeals, extract_requests

_TITLES = {s.number: s.title for s in formats.SECTIONS}

__all__ = ["detect_template", "parse_bytes", "parse_document", "parse_path"]


def parse_document(doc: Document) -> Report:
    """Parse a read document into a Report carrying the parser's findings (not yet the checks')."""
    source = Source(doc.path, doc.sha256, doc.kind)
    if "scanned" in doc.notes and not doc.text.strip():
        return Report(
            template=None,
            source=source,
            findings=(
                Finding(
                    "source.scanned",
                    "error",
                    "source",
                    "文件是扫描图像，没有文字层，需要先做文字识别（OCR）。",
                    expected="a text layer",
                    found="images only",
                ),
            ),
        )
    if "ocr" in doc.notes:
        unsure = next((int(n.split(":")[1]) for n in doc.notes if n.startswith("ocr_unsure:")), 0)
        kept = tuple(n for n in doc.notes if n.startswith("truncated:"))
        return _ocr_confirmed(parse_document(replace(doc, notes=kept)), unsure)
    text, script = to_simplified(doc.text)
    text = unfold(ascii_forms(text))
    lines = text.split("\n")
    meta = extract_meta(lines, script)
    found = find_sections(lines)
    regions = {n: span(found, n, len(lines)) for n in ("二", "三", "四")}
    tokens = {n: tokenize(lines, *r) for n, r in regions.items()}
    template = detect_template(tokens, meta)
    findings: list[Finding] = truncated(doc)

    if template is None or template == "legacy":
        if template is None:
            findings.append(
                Finding(
                    "source.not_a_report",
                    "error",
                    "document",
                    "该文件不是政府信息公开工作年度报告：找不到报告的标题、章节和统计表格。",
                    expected="an annual report",
                    found=(meta.title or "no title"),
                )
            )
        else:
            findings.append(
                Finding(
                    "template.legacy",
                    "info",
                    "template",
                    f"这是{meta.year or ''}年的旧格式报告（2019年以前无统一表格），没有可读取的统计表。",
                    expected="2019 or 2021",
                    found="legacy",
                )
            )
        return Report(
            template=template, meta=meta, tables=formats.empty_tables(None), source=source, findings=tuple(findings)
        )

    tables: dict[str, dict[str, dict[str, float | int | None]]] = {}
    present: dict[str, bool] = {}
    tables["active"], f_active, present["active"] = extract_active(tokens.get("二", []), template)
    tables["requests"], f_requests, present["requests"] = extract_requests(tokens.get("三", []), template)
    tables["appeals"], f_appeals, present["appeals"] = extract_appeals(tokens.get("四", []))
    for name, section, fs in (("active", "二", f_active), ("requests", "三", f_requests), ("appeals", "四", f_appeals)):
        if present[name]:
            findings.extend(fs)
        else:
            findings.append(
                Finding(
                    "structure.missing_table",
                    "error",
                    name,
                    f"找不到第{section}部分的统计表（{_TITLES[section]}）。",
                    expected=f"the table of section {section}",
                    found=None,
                )
            )
    for s in formats.SECTIONS:
        if s.number not in found:
            findings.append(
                Finding(
                    "structure.missing_section",
                    "error",
                    f"section.{s.number}",
                    f"报告缺少第{s.number}部分“{s.number}、{s.title}”。",
                    expected=f"{s.number}、{s.title}",
                    found=None,
                )
            )
    report = Report(template=template, meta=meta, tables=tables, source=source, findings=tuple(findings))
    prose_end = found.get("二", len(lines))  # the prose before the tables; all of it when 二 is not found
    return report.with_findings([*report.findings, *narrative_findings(report, "\n".join(lines[:prose_end]))])


def truncated(doc: Document) -> list[Finding]:
    """A ``source.truncated`` warning for each limit the reader applied (the notes say what was cut)."""
    return [
        Finding(
            "source.truncated",
            "warning",
            "source",
            n.split(":", 1)[1].strip() + "，其余内容未读取。",
            expected="a file within the size limits",
            found="cut",
        )
        for n in doc.notes
        if n.startswith("truncated:")
    ]


def _ocr_confirmed(report: Report, unsure: int) -> Report:
    """An OCR'd report keeps only the values its own arithmetic confirms.

    OCR can misread a digit or lose a cell; every cell of a sum that does not hold is set to null (with a
    ``structure.ambiguous_cells`` finding for its row), and a ``source.scanned`` finding marks the values as
    read by OCR.
    """
    from ..check import cells_of, check

    doubtful = {p for f in check(report) if f.severity == "error" for p in cells_of(f, report)}
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in report.tables.items()}
    for path in doubtful:
        table, row, col = path.split(".")
        if col in tables.get(table, {}).get(row, {}):
            tables[table][row][col] = None
    rows = sorted({p.rsplit(".", 1)[0] for p in doubtful})
    said = "文件是扫描图像，表格数字由文字识别（OCR）读出，请与原件核对"
    if unsure:
        said += f"；{unsure}个识别不确定的数字未采用"
    if doubtful:
        said += f"；{len(doubtful)}个单元格所在的合计关系不成立（可能识别有误），已留空"
    marks = [Finding("source.scanned", "error", "source", said + "。", expected="a text layer", found="OCR")]
    marks += [
        Finding(
            "structure.ambiguous_cells",
            "warning",
            row,
            f"{formats.path_label(report.template, row)}的数字经文字识别后合计不符，已留空。",
        )
        for row in rows
    ]
    return replace(report, tables=tables, findings=(*marks, *report.findings))


def detect_template(tokens: dict[str, list[Token]], meta: Meta) -> str | None:
    """2019 or 2021 from the tables' own header words; the report year decides a tie; legacy before 2019."""
    text = "".join(t.text for ts in tokens.values() for t in ts if t.kind == "label")
    score = {t: sum(1 for m in marks if m in text) for t, marks in formats.TEMPLATE_MARKERS.items()}
    has_tables = any(re.search(k, text) for r in (*formats.REQUEST_ROWS[:4], *formats.ACTIVE_2019[:3]) for k in r.keys)
    if score["2019"] != score["2021"]:
        return max(score, key=lambda t: score[t])
    if meta.year is not None and meta.year < 2019 and not has_tables:
        return "legacy"
    if has_tables:
        return "2021" if (meta.year or 0) >= 2021 else "2019"
    if meta.title is not None and meta.year is not None:
        return "legacy" if meta.year < 2019 else ("2021" if meta.year >= 2021 else "2019")
    return None


def parse_bytes(data: bytes, name: str = "<bytes>") -> Report:
    """Read and parse bytes; an unreadable file becomes a Report with a ``source.unreadable`` finding."""
    try:
        doc = read_bytes(data, name)
    except NianbaoError as e:
        return unreadable(name, e, data)
    try:
        return parse_document(doc)
    except Exception as e:
        if os.environ.get(DEBUG_ENV):
            raise
        said = f"解析时出现内部错误，请报告此问题 (a bug in nianbao: {type(e).__name__}: {e})"[:300]
        return unreadable(name, UnreadableFile(said, path=name), data)


def read_file(path: str) -> bytes | str:
    """The file's bytes, or why they cannot be had (a plain message, so it can travel to a worker)."""
    try:
        return Path(path).read_bytes()
    except OSError as e:
        return f"无法读取文件 (cannot read the file): {e.strerror or e}"


def parse_path(path: str) -> Report:
    """Read and parse the file at ``path``; never raises for bad input."""
    return parse_read(read_file(path), path)


def parse_read(data: bytes | str, path: str) -> Report:
    """Parse what :func:`read_file` returned."""
    if isinstance(data, str):
        return unreadable(path, UnreadableFile(data, path=path), None)
    return parse_bytes(data, path)


def unreadable(path: str, error: NianbaoError, data: bytes | None) -> Report:
    import hashlib

    sha = hashlib.sha256(data).hexdigest() if data is not None else None
    return Report(
        template=None,
        source=Source(path, sha, None),
        findings=(
            Finding(
                error.rule, "error", "source", error.message, expected=error.expected or "a readable report", found=None
            ),
        ),
    )
