"""What each page shows, as plain data: the report's tables with their findings placed on cells, its source
made safe to show, and the figures of the corpus charts.  Templates only lay these out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import nh3

from .. import formats
from ..check import cells_of
from ..errors import NianbaoError
from ..model import Finding, Report
from ..render.layout import TABLE_SECTION, Cell, Grid, display, grids, heading
from ..render.to_html import cell_html

MAX_PDF_PAGES = 40  # pages rendered on a report page; the rest are in the downloadable original

# What survives of a report's own HTML: structure and text.  No script, style, img, iframe, form, link or
# attribute that could load or run anything (style can carry url(), so it goes too).
SAFE_TAGS = {
    "a", "b", "blockquote", "br", "caption", "center", "col", "colgroup", "dd", "div", "dl", "dt", "em", "font",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
SAFE_ATTRS = {"td": {"rowspan", "colspan"}, "th": {"rowspan", "colspan"}, "col": {"span"}, "colgroup": {"span"}}


def sanitize_html(html: str) -> str:
    """A report's HTML with only inert structure and text left (nh3, the ammonia sanitiser)."""
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRS,
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "title"},
        url_schemes=set(),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# ------------------------------------------------------------------------- findings on cells
@dataclass
class Marked:
    """The findings attached to one cell: ``primary`` names the cell itself, ``related`` only its sum."""

    severity: str = ""
    numbers: list[int] = field(default_factory=list)
    named: list[int] = field(default_factory=list)  # the findings that name this very cell
    messages: list[str] = field(default_factory=list)
    primary: bool = False


_RANK = {"error": 3, "warning": 2, "info": 1, "": 0}


def finding_cells(finding: Finding, report: Report) -> tuple[list[str], list[str]]:
    """(cells the finding names, the other cells of its sum) as flat paths.

    ``where`` names a cell (``requests.granted.total``), a row (``requests.granted``: every cell of it) or a
    column of the requests table (``requests.*.legal_person``: the cells of its balance)."""
    parts = finding.where.split(".")
    involved = cells_of(finding, report)
    if len(parts) == 3 and "*" not in parts:
        named = [finding.where]
    elif len(parts) == 2 and parts[0] in report.tables:
        named = [f"{parts[0]}.{parts[1]}.{c}" for c in report.tables[parts[0]].get(parts[1], {})]
    else:
        named = list(involved)
    return named, [p for p in involved if p not in named]


def mark_cells(report: Report) -> dict[str, Marked]:
    """Every cell a finding names or involves, with the findings' numbers (1-based, in report order)."""
    marks: dict[str, Marked] = defaultdict(Marked)
    for n, f in enumerate(report.findings, 1):
        named, related = finding_cells(f, report)
        for path, primary in [*((p, True) for p in named), *((p, False) for p in related)]:
            m = marks[path]
            m.numbers.append(n)
            m.messages.append(f.message)
            m.primary = m.primary or primary
            if primary:
                m.named.append(n)
            if _RANK[f.severity] > _RANK[m.severity]:
                m.severity = f.severity
    return dict(marks)


def table_of(finding: Finding) -> str | None:
    """The table a finding belongs to, or None for one about the whole report."""
    head = finding.where.split(".")[0]
    return head if head in TABLE_SECTION else None


def _cell_html(report: Report, cell: Cell, marks: dict[str, Marked]) -> str:
    mark = marks.get(cell.path or "")
    if mark is None:
        return cell_html(report, cell)
    classes = [f"nb-flag-{mark.severity or 'info'}", "nb-flag-primary" if mark.primary else "nb-flag-related"]
    attrs = [
        f'title="{escape(" / ".join(mark.messages))}"',
        f'data-findings="{" ".join(str(n) for n in mark.numbers)}"',
    ]
    # the numbers of the findings that name the cell; the rest of a sum is only tinted
    label = "".join(f'<sup class="nb-fn">{n}</sup>' for n in mark.named[:3]) if mark.primary else ""
    return cell_html(report, cell, classes, attrs, label)


def grid_html(report: Report, grid: Grid, marks: dict[str, Marked]) -> str:
    """One official table in the template's layout (as :mod:`nianbao.render` draws it), findings marked."""
    total = sum(grid.widths)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in grid.widths)
    out = [f'<table class="nb-table nb-{grid.table}" data-table="{grid.table}">', f"<colgroup>{cols}</colgroup>"]
    rows = ["<tr>" + "".join(_cell_html(report, c, marks) for c in row) + "</tr>" for row in grid.rows]
    out += ["<thead>", *rows[: grid.header_rows], "</thead><tbody>", *rows[grid.header_rows :], "</tbody></table>"]
    return "\n".join(out)


@dataclass(frozen=True)
class TableView:
    name: str
    heading: str
    html: str  # built here from escaped values only
    findings: list[tuple[int, Finding]]


def report_tables(report: Report) -> tuple[list[TableView], list[tuple[int, Finding]]]:
    """The three tables with their findings, and the findings about the report as a whole."""
    marks = mark_cells(report)
    numbered = list(enumerate(report.findings, 1))
    views = []
    if report.template in formats.TEMPLATES:
        for name, grid in grids(report.template).items():
            mine = [(n, f) for n, f in numbered if table_of(f) == name]
            views.append(TableView(name, heading(TABLE_SECTION[name]), grid_html(report, grid, marks), mine))
    general = [(n, f) for n, f in numbered if report.template not in formats.TEMPLATES or table_of(f) is None]
    return views, general


# ------------------------------------------------------------------------- source
@dataclass(frozen=True)
class SourceView:
    """How the source is shown: ``text`` (escaped by the template), ``html`` (sanitised here) or ``pdf`` pages."""

    mode: str  # text | html | pdf | none
    name: str = ""
    text: str = ""
    html: str = ""
    pages: int = 0


def pdf_page_count(data: bytes) -> int:
    """The PDF's number of pages; 0 when pdfium cannot open it."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_page_png(data: bytes, index: int, scale: float = 1.5) -> bytes | None:
    """Page ``index`` (0-based) as PNG, or None when there is no such page (or pdfium cannot draw it)."""
    import io

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        if not 0 <= index < len(pdf):
            return None
        image = pdf[index].render(scale=scale).to_pil()
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


# Runs a module-level function on a stored file in a worker process, within a time limit; None when it
# fails (batch.ParsePool.call).  Stored files are read nowhere else: one may be the file whose upload was
# given up, and pdfium is not thread-safe while the server answers requests on threads.
Runner = Callable[..., Any]


def source_view(name: str, data: bytes, run: Runner) -> SourceView:
    """The source as the page can show it safely; any reader failure falls back to a note, never an error."""
    from ..readers.text import decode

    late = "无法在时限内读取该文件的文字 (the file's text could not be read in time)"
    if data[:5] == b"%PDF-":
        pages = run(pdf_page_count, data)
        if pages is None:  # out of time: reading its text would be too
            return SourceView("text", name, text=late)
        if pages:
            return SourceView("pdf", name, pages=pages)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = data[:2048].lower()
    if suffix in ("html", "htm", "shtml", "xhtml") or b"<html" in head or b"<table" in head:
        try:
            return SourceView("html", name, html=sanitize_html(decode(data, name)))
        except NianbaoError:
            pass
    text = run(source_text, data, name)
    return SourceView("text", name, text=late if text is None else text)


def source_text(data: bytes, name: str) -> str:
    """The reader's text of a stored file, or why there is none, in the user's language (run in a worker)."""
    from ..readers import read_bytes

    try:
        return read_bytes(data, name).text
    except NianbaoError as e:
        return e.message


# ------------------------------------------------------------------------- charts
COLUMN_EN = {
    "natural_person": "Natural persons",
    "commercial": "Companies",
    "research": "Research bodies",
    "social_welfare": "Public-interest bodies",
    "legal_service": "Legal services",
    "other_org": "Other organisations",
}
ROW_LABELS = {row.key: display(row.label) for row in formats.REQUEST_ROWS}
COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}


class ChartSums:
    """The sums behind the four corpus charts; reports can be added one at a time (an upload updates the
    charts of the whole corpus without summing it again)."""

    def __init__(self) -> None:
        self.n = 0
        self.outcome: Counter[str] = Counter()
        self.applicant: Counter[str] = Counter()
        self.years: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0])  # reports, new requests, processed
        self.rule_reports: Counter[str] = Counter()

    @classmethod
    def of_store(cls, data: dict[str, Any]) -> ChartSums:
        """The sums the store aggregated in SQL (:meth:`nianbao.store.Corpus.chart_data`)."""
        sums = cls()
        sums.n = data["reports"]
        sums.outcome.update(data["outcome"])
        sums.applicant.update(data["applicant"])
        for year, v in data["years"].items():
            sums.years[year] = list(v)
        sums.rule_reports.update(data["rules"])
        return sums

    def add(self, r: Report) -> None:
        self.n += 1
        for rule in {f.rule for f in r.findings if f.severity == "error"}:
            self.rule_reports[rule] += 1
        if r.template not in formats.TEMPLATES:
            return
        req = r.tables.get("requests", {})
        for row in formats.OUTCOME_ROWS[r.template]:
            self.outcome[row] += req.get(row, {}).get("total") or 0
        for col in formats.REQUEST_APPLICANT_COLUMNS:
            self.applicant[col] += req.get("new_received", {}).get(col) or 0
        if r.meta.year is not None:
            y = self.years[r.meta.year]
            y[0] += 1
            y[1] += req.get("new_received", {}).get("total") or 0
            y[2] += req.get("processed_total", {}).get("total") or 0

    def to_dict(self, lang: str = "zh") -> dict[str, object]:
        n = self.n
        return {
            "reports": n,
            "outcome": [{"key": k, "name": ROW_LABELS.get(k, k), "value": v} for k, v in _ranked(self.outcome) if v],
            "applicant": [
                {"key": k, "name": COLUMN_EN.get(k, k) if lang == "en" else COLUMN_LABELS.get(k, k), "value": v}
                for k, v in _ranked(self.applicant)
                if v
            ],
            "years": [
                {"year": y, "reports": v[0], "new": v[1], "processed": v[2]} for y, v in sorted(self.years.items())
            ],
            "rules": [{"rule": k, "reports": c, "rate": round(c / n, 4)} for k, c in _ranked(self.rule_reports)],
        }


def _ranked(counter: Counter[str]) -> list[tuple[str, Any]]:
    """Largest first, ties by key: the same order however the sums were gathered (SQL or report by report)."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def chart_sums(reports: Iterable[Report]) -> ChartSums:
    """The chart sums over ``reports``, in one pass (memory stays flat)."""
    sums = ChartSums()
    for r in reports:
        sums.add(r)
    return sums


def chart_data(reports: Iterable[Report], lang: str = "zh") -> dict[str, object]:
    """The four corpus charts' figures over ``reports``."""
    return chart_sums(reports).to_dict(lang)
