"""Compare two reports cell by cell (and section by section for their prose), across templates too.

Rows that exist in both templates are compared directly.  Where the 2021 template split a 2019 row —
（六）其他处理 became 逾期不补正 + 逾期未缴费 + 其他 — the 2019 row is compared with the sum of the
three, and the comparison says so.  Rows and fields that measure different things in the two templates
(the 2019 and 2021 tables of section 二 mostly do) are listed as not comparable, never paired.

The Report carries no prose, so prose similarity is computed from the source documents when both inputs
are documents: each of the six sections cut with :mod:`nianbao.parse.sections`, tables left out,
compared with :class:`difflib.SequenceMatcher`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import IO

from . import formats
from .errors import NianbaoError, UnreadableFile
from .model import Number, Report, load_json
from .render.layout import display
from .render.to_xlsx import SHEET_NAMES

TABLE_TITLES = SHEET_NAMES  # 二、主动公开 · 三、依申请公开 · 四、复议诉讼
PROSE_MIN = 15  # shorter lines are table cells, sub-headings or page furniture, not prose
SPLIT_ROW = "other_handling"  # the 2019 row the 2021 template split in three
SPLIT_INTO = ("other_overdue_correction", "other_overdue_fee", "other_other")


@dataclass(frozen=True)
class Side:
    """One input of the comparison: its file, what it is, and (for documents) the text of its sections."""

    path: str
    report: Report
    sections: dict[str, str] | None = None  # section number -> prose; None when given as JSON

    @property
    def name(self) -> str:
        m = self.report.meta
        bits = [m.organ or "（单位不详）", f"{m.year}年" if m.year else "（年度不详）", f"模板 {self.report.template}"]
        return " ".join(bits)


@dataclass(frozen=True)
class CellChange:
    """One compared cell whose value differs between A and B."""

    path: str  # flat path, e.g. requests.granted.total; for the split row, requests.other_handling.total
    label: str  # 三 · （一）予以公开 · 总计
    a: Number | None
    b: Number | None
    note: str = ""

    @property
    def absolute(self) -> Number | None:
        if self.a is None or self.b is None:
            return None
        diff = self.b - self.a
        return round(diff, 6) if isinstance(diff, float) else diff

    @property
    def relative(self) -> float | None:
        """(B - A) / A; None when A is 0 or either side is blank."""
        if self.a in (None, 0) or self.b is None:
            return None
        return (self.b - self.a) / abs(self.a)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "label": self.label,
            "a": self.a,
            "b": self.b,
            "absolute": self.absolute,
            "relative": self.relative,
            "note": self.note,
        }


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    changes: tuple[CellChange, ...]
    compared: int  # cells compared (changed or not)
    notes: tuple[str, ...]  # how rows were mapped between templates
    incomparable: tuple[str, ...]  # rows and fields only one side has, in plain words
    prose: dict[str, float | None] | None = field(default=None)  # section number -> similarity 0..1

    def to_dict(self) -> dict[str, object]:
        return {
            "a": {"path": self.a.path, "template": self.a.report.template, "organ": self.a.report.meta.organ,
                  "year": self.a.report.meta.year},
            "b": {"path": self.b.path, "template": self.b.report.template, "organ": self.b.report.meta.organ,
                  "year": self.b.report.meta.year},
            "compared": self.compared,
            "changes": [c.to_dict() for c in self.changes],
            "notes": list(self.notes),
            "incomparable": list(self.incomparable),
            "prose": self.prose,
        }  # fmt: skip


# ---------------------------------------------------------------- loading
def load(path: str | Path) -> Side:
    """A report file (any format nianbao reads) or a canonical JSON file; raises NianbaoError when unusable."""
    p = str(path)
    if p.endswith(".json"):
        return Side(p, load_json(p))
    from . import parse
    from .readers import read_document

    doc = read_document(p)
    report = parse(doc)
    if report.template not in formats.TEMPLATES:
        raise UnreadableFile(
            "找不到 2019 或 2021 年格式的统计表，无法比较 (no tables of the 2019 or 2021 template to compare)",
            path=p,
            expected="an annual report in the 2019 or 2021 format",
        )
    return Side(p, report, section_texts(doc.text))


def section_texts(text: str) -> dict[str, str]:
    """The prose of each of the six sections found, by section number.

    Table rows (tab or ``|`` cells) and short lines (one-cell-a-line tables, sub-headings) are left out.
    """
    from .parse.sections import find_sections, span
    from .readers.normalize import ascii_forms, to_simplified

    lines = ascii_forms(to_simplified(text)[0]).split("\n")
    found = find_sections(lines)
    out: dict[str, str] = {}
    for sec in formats.SECTIONS:
        if sec.number not in found:
            continue
        start, end = span(found, sec.number, len(lines))
        body = [ln.strip() for ln in lines[start + 1 : end] if "\t" not in ln.strip() and "|" not in ln]
        out[sec.number] = "\n".join(ln for ln in body if len(ln) >= PROSE_MIN)
    return out


# ---------------------------------------------------------------- comparing
def _row_labels(template: str | None) -> dict[str, dict[str, str]]:
    t = template if template in formats.TEMPLATES else "2019"
    return {
        "active": {r.key: display(r.label) for r in formats.active_rows(t)},
        "requests": {r.key: display(r.label) for r in formats.request_rows(t)},
        "appeals": {g.key: display(g.label) for g in formats.APPEAL_GROUPS},
    }


def _col_label(table: str, col: str, template: str | None) -> str:
    if table == "active":
        return display(formats.field_label(template, col))
    cols = formats.REQUEST_COLUMNS if table == "requests" else formats.APPEAL_FIELDS
    return display(next(c.label for c in cols if c.key == col))


def _label(table: str, row_label: str, col_label: str) -> str:
    return f"{TABLE_TITLES[table]} · {row_label} · {col_label}"


def _sum(values: list[Number | None]) -> Number | None:
    """Blank cells count as 0 in a sum (spec §3), but a sum of blanks only is blank."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def compare_reports(a: Side, b: Side) -> Comparison:
    """Every cell both reports have, the 2019 其他处理 row against the 2021 three, the rest listed."""
    ta, tb = a.report.template, b.report.template
    labels_a, labels_b = _row_labels(ta), _row_labels(tb)
    changes: list[CellChange] = []
    notes: list[str] = []
    incomparable: list[str] = []
    compared = 0
    for table in ("active", "requests", "appeals"):
        rows_a, rows_b = a.report.tables.get(table, {}), b.report.tables.get(table, {})
        la, lb = labels_a[table], labels_b[table]
        keys = [*rows_a, *(k for k in rows_b if k not in rows_a)]
        for row in keys:
            if row in SPLIT_INTO and SPLIT_ROW in (rows_a.keys() | rows_b.keys()):
                continue  # compared as a sum with the 2019 row below
            if row == SPLIT_ROW and (row in rows_a) != (row in rows_b):
                old, new = (rows_a, rows_b) if row in rows_a else (rows_b, rows_a)
                if all(k in new for k in SPLIT_INTO):
                    old_label = (la if row in rows_a else lb)[row]
                    labels = lb if row in rows_a else la
                    parts = "、".join(labels[k] for k in SPLIT_INTO)
                    note = f"2019 年模板的“{old_label}”与 2021 年模板（六）中 {parts} 三项之和比较"
                    notes.append(note)
                    for col in old[row]:
                        summed = _sum([new[k].get(col) for k in SPLIT_INTO])
                        va, vb = (old[row].get(col), summed) if row in rows_a else (summed, old[row].get(col))
                        compared += 1
                        if va != vb:
                            label = _label(table, old_label, _col_label(table, col, ta))
                            changes.append(CellChange(f"{table}.{row}.{col}", label, va, vb, "与 2021 年三项之和比较"))
                    continue
            if row not in rows_a or row not in rows_b:
                side, tpl, labels = ("A", ta, la) if row in rows_a else ("B", tb, lb)
                incomparable.append(
                    f"{TABLE_TITLES[table]} · {labels.get(row, row)}：只有 {side}（{tpl} 年模板）有这一行，无法比较"
                )
                continue
            ca, cb = rows_a[row], rows_b[row]
            row_label = la.get(row) or lb.get(row) or row
            only_a = [c for c in ca if c not in cb]
            only_b = [c for c in cb if c not in ca]
            names_a = "、".join(_col_label(table, c, ta) for c in only_a)
            names_b = "、".join(_col_label(table, c, tb) for c in only_b)
            where = f"{TABLE_TITLES[table]} · {row_label}："
            if names_a and names_b:
                incomparable.append(
                    f"{where}A（{ta} 年模板）的 {names_a} 与 B（{tb} 年模板）的 {names_b} 口径不同，无法比较"
                )
            elif names_a or names_b:
                side, other, names = ("A", "B", names_a) if names_a else ("B", "A", names_b)
                tpl, other_tpl = (ta, tb) if names_a else (tb, ta)
                incomparable.append(
                    f"{where}{side}（{tpl} 年模板）的 {names} 在 {other}（{other_tpl} 年模板）中没有，无法比较"
                )
            for col in (c for c in ca if c in cb):
                compared += 1
                va, vb = ca.get(col), cb.get(col)
                if va != vb:
                    changes.append(
                        CellChange(f"{table}.{row}.{col}", _label(table, row_label, _col_label(table, col, ta)), va, vb)
                    )
    prose = None
    if a.sections is not None and b.sections is not None:
        prose = {}
        for sec in formats.SECTIONS:
            sa, sb = a.sections.get(sec.number), b.sections.get(sec.number)
            if sa is None or sb is None or not (sa or sb):
                prose[sec.number] = None
            else:
                prose[sec.number] = round(difflib.SequenceMatcher(None, sa, sb).ratio(), 4)
    return Comparison(a, b, tuple(changes), compared, tuple(notes), tuple(incomparable), prose)


def compare_files(a: str | Path, b: str | Path) -> Comparison:
    """Load and compare two report files or canonical JSON files."""
    return compare_reports(load(a), load(b))


# ---------------------------------------------------------------- output
def fmt_number(v: Number | None) -> str:
    if v is None:
        return "空缺"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def fmt_absolute(c: CellChange) -> str:
    d = c.absolute
    return "—" if d is None else ("+" if d > 0 else "") + fmt_number(d)


def fmt_relative(c: CellChange) -> str:
    r = c.relative
    return "—" if r is None else f"{r:+.1%}"


def prose_text(cmp: Comparison, number: str) -> str:
    """A section's similarity as shown: a percentage, or why there is none."""
    ratio = (cmp.prose or {}).get(number)
    if ratio is not None:
        return f"{ratio:.0%}"
    if number not in (cmp.a.sections or {}) or number not in (cmp.b.sections or {}):
        return "—（缺少该章节）"
    return "—（无正文）"


def section_title(number: str) -> str:
    return next(f"{s.number}、{s.title}" for s in formats.SECTIONS if s.number == number)


def print_comparison(cmp: Comparison, console: object | None = None) -> None:
    """The comparison on a terminal as rich tables."""
    from rich.console import Console
    from rich.table import Table

    con = console if console is not None else Console(highlight=False)
    con.print(f"[bold]A[/bold] {cmp.a.path}  ·  {cmp.a.name}")
    con.print(f"[bold]B[/bold] {cmp.b.path}  ·  {cmp.b.name}")
    table = Table(title=f"变化的单元格（共比较 {cmp.compared} 个，{len(cmp.changes)} 个不同）", title_justify="left")
    table.add_column("位置")
    for head in ("A", "B", "变化", "变化率"):
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column("说明")
    for c in cmp.changes:
        delta = fmt_absolute(c)
        style = "green" if delta.startswith("+") else ("red" if delta.startswith("-") else "")
        table.add_row(
            c.label,
            fmt_number(c.a),
            fmt_number(c.b),
            f"[{style}]{delta}[/]" if style else delta,
            fmt_relative(c),
            c.note,
        )
    con.print(table if cmp.changes else "[green]两份报告比较的单元格全部相同。[/green]")
    for line in (*cmp.notes, *cmp.incomparable):
        con.print(f"· {line}")
    if cmp.prose is not None:
        prose = Table(title="正文相似度（按章节）", title_justify="left")
        prose.add_column("章节")
        prose.add_column("相似度", justify="right")
        for number in cmp.prose:
            prose.add_row(section_title(number), prose_text(cmp, number))
        con.print(prose)
    else:
        con.print("· 输入含规范 JSON，没有正文，不比较正文相似度。")


CSS = """
body { font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 11pt; margin: 2em auto; max-width: 60em; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #000; padding: 2px 6px; }
td.n { text-align: right; font-family: "Times New Roman", serif; white-space: nowrap; }
td.up { color: #060; } td.down { color: #a00; }
p.meta { margin: .2em 0; }
"""


def comparison_html(cmp: Comparison) -> str:
    """The comparison as one HTML file with inline CSS."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>年度报告比较</title>',
        f"<style>{CSS}</style></head><body>",
        "<h1>政府信息公开工作年度报告比较</h1>",
        f'<p class="meta"><b>A</b> {escape(cmp.a.path)} · {escape(cmp.a.name)}</p>',
        f'<p class="meta"><b>B</b> {escape(cmp.b.path)} · {escape(cmp.b.name)}</p>',
        f"<h2>变化的单元格（共比较 {cmp.compared} 个，{len(cmp.changes)} 个不同）</h2>",
    ]
    if cmp.changes:
        out.append("<table><tr><th>位置</th><th>A</th><th>B</th><th>变化</th><th>变化率</th><th>说明</th></tr>")
        for c in cmp.changes:
            delta = fmt_absolute(c)
            cls = "n up" if delta.startswith("+") else ("n down" if delta.startswith("-") else "n")
            out.append(
                f'<tr data-path="{escape(c.path)}"><td>{escape(c.label)}</td><td class="n">{fmt_number(c.a)}</td>'
                f'<td class="n">{fmt_number(c.b)}</td><td class="{cls}">{delta}</td>'
                f'<td class="n">{fmt_relative(c)}</td><td>{escape(c.note)}</td></tr>'
            )
        out.append("</table>")
    else:
        out.append("<p>两份报告比较的单元格全部相同。</p>")
    if cmp.notes or cmp.incomparable:
        out.append("<h2>模板差异</h2><ul>")
        out.extend(f"<li>{escape(line)}</li>" for line in (*cmp.notes, *cmp.incomparable))
        out.append("</ul>")
    out.append("<h2>正文相似度（按章节）</h2>")
    if cmp.prose is None:
        out.append("<p>输入含规范 JSON，没有正文，不比较正文相似度。</p>")
    else:
        out.append("<table><tr><th>章节</th><th>相似度</th></tr>")
        for number in cmp.prose:
            shown = prose_text(cmp, number)
            out.append(f'<tr><td>{escape(section_title(number))}</td><td class="n">{shown}</td></tr>')
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def comparison_docx(cmp: Comparison, path: str | Path | IO[bytes]) -> None:
    """The comparison as a DOCX (Chinese fonts set the way :mod:`nianbao.render.to_docx` sets them)."""
    from .render import to_docx

    if to_docx.Document is None:
        from .errors import MissingDependency

        raise MissingDependency("python-docx is needed to write DOCX", expected="pip install 'nianbao[render]'")
    doc = to_docx.Document()
    to_docx._fonts(doc.styles["Normal"], to_docx.TABLE_FONT)
    doc.styles["Normal"].font.size = to_docx.Pt(10.5)

    def para(text: str, font: str = to_docx.TABLE_FONT, size: float = 10.5, bold: bool = False) -> None:
        to_docx._run(doc.add_paragraph(), text, font, size, bold)

    def table(head: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1 + len(rows), cols=len(head))
        to_docx._borders(t)
        for r, values in enumerate([head, *rows]):
            for c, text in enumerate(values):
                cell = t.cell(r, c)
                to_docx._run(cell.paragraphs[0], text, to_docx.TABLE_FONT, 9, bold=r == 0)

    para("政府信息公开工作年度报告比较", to_docx.HEADING_FONT, 16, True)
    para(f"A  {cmp.a.path} · {cmp.a.name}")
    para(f"B  {cmp.b.path} · {cmp.b.name}")
    para(f"变化的单元格（共比较 {cmp.compared} 个，{len(cmp.changes)} 个不同）", to_docx.HEADING_FONT, 12, True)
    if cmp.changes:
        rows = [
            [c.label, fmt_number(c.a), fmt_number(c.b), fmt_absolute(c), fmt_relative(c), c.note] for c in cmp.changes
        ]
        table(["位置", "A", "B", "变化", "变化率", "说明"], rows)
    else:
        para("两份报告比较的单元格全部相同。")
    if cmp.notes or cmp.incomparable:
        para("模板差异", to_docx.HEADING_FONT, 12, True)
        for line in (*cmp.notes, *cmp.incomparable):
            para(f"· {line}")
    para("正文相似度（按章节）", to_docx.HEADING_FONT, 12, True)
    if cmp.prose is None:
        para("输入含规范 JSON，没有正文，不比较正文相似度。")
    else:
        table(
            ["章节", "相似度"],
            [[section_title(n), prose_text(cmp, n)] for n in cmp.prose],
        )
    doc.save(path)


def write_comparison(cmp: Comparison, to: str, out: str | Path) -> None:
    """Write the comparison as ``html`` or ``docx`` to ``out``."""
    if to == "html":
        Path(out).write_text(comparison_html(cmp), encoding="utf-8")
    elif to == "docx":
        comparison_docx(cmp, out)
    else:
        raise NianbaoError(f"cannot write a comparison as {to!r}", path=str(out), expected="html or docx")
