"""Office-shaped fixtures: reports written the way offices write them (Word tables with merged headers).

Used by tests/test_office.py and bench/bench_pdf.py.  The DOCX builder here is independent of the
renderers so that reader tests do not depend on them; ``render_docx`` is used in addition when present.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nianbao import formats as F
from nianbao.model import Meta, Report


def fw(label: str) -> str:
    """Official tables use full-width parentheses and colons."""
    return label.replace("(", "（").replace(")", "）").replace(":", "：")


def make_report(seed: int, template: str = "2019") -> Report:
    """A report whose requests table balances, with values wide enough to tell cells apart."""
    rng = random.Random(seed)
    tables = F.empty_tables(template)
    for row in F.active_rows(template):
        for f in row.fields:
            if f == "change":
                tables["active"][row.key][f] = rng.randint(-40, 60)
            elif f in F.MONEY_FIELDS:
                tables["active"][row.key][f] = rng.randint(0, 900000) if f == "amount_yuan" else rng.randint(0, 900)
            else:
                tables["active"][row.key][f] = rng.randint(0, 3000)
    req = tables["requests"]
    outcomes = F.OUTCOME_ROWS[template]
    for col in F.REQUEST_APPLICANT_COLUMNS:
        for key in outcomes:
            req[key][col] = rng.choice((0, 0, 1, 2, 3, 5, 12, 40))
        req["processed_total"][col] = sum(req[k][col] for k in outcomes)  # type: ignore[misc]
        req["carried_forward"][col] = rng.randint(0, 9)
        req["carried_over"][col] = rng.randint(0, req["processed_total"][col] + req["carried_forward"][col])  # type: ignore[operator]
        req["new_received"][col] = req["processed_total"][col] + req["carried_forward"][col] - req["carried_over"][col]  # type: ignore[operator]
    for vals in req.values():
        vals["total"] = sum(vals[c] for c in F.REQUEST_APPLICANT_COLUMNS)  # type: ignore[misc]
    for group in tables["appeals"].values():
        for f in ("upheld", "corrected", "other", "pending"):
            group[f] = rng.randint(0, 30)
        group["total"] = sum(group[f] for f in ("upheld", "corrected", "other", "pending"))  # type: ignore[misc]
    organ = rng.choice(("清流县", "河市镇", "泾源县人民政府", "福州市人民政府办公厅"))
    year = 2020 if template == "2019" else 2022
    title = f"{organ}{year}年政府信息公开工作年度报告"
    return Report(template=template, meta=Meta(title=title, organ=organ, year=year), tables=tables)


@dataclass(frozen=True)
class ExpectedRow:
    """A table row as a reader should give it back: the row's label and its values in order."""

    label: str
    values: tuple[str, ...]


def expected_rows(report: Report) -> list[ExpectedRow]:
    """Every data row of the three tables, with values as the DOCX shows them."""
    t = report.tables
    out = [
        ExpectedRow(r.label, tuple(_num(t["active"][r.key][f]) for f in r.fields))
        for r in F.active_rows(report.template or "2019")
    ]
    for r in F.request_rows(report.template or "2019"):
        out.append(ExpectedRow(fw(r.label), tuple(_num(t["requests"][r.key][c.key]) for c in F.REQUEST_COLUMNS)))
    nums = tuple(_num(t["appeals"][g.key][f.key]) for g in F.APPEAL_GROUPS for f in F.APPEAL_FIELDS)
    out.append(ExpectedRow("", nums))
    return out


def _num(v: object) -> str:
    return "" if v is None else str(v)


# ---------------------------------------------------------------- DOCX builder (python-docx)


def _merge(table, r0: int, c0: int, r1: int, c1: int, text: str | None = None):  # type: ignore[no-untyped-def]
    cell = table.cell(r0, c0).merge(table.cell(r1, c1))
    if text is not None:
        cell.text = text
    return cell


def _active_table(doc, report: Report) -> None:  # type: ignore[no-untyped-def]
    template = report.template or "2019"
    rows = {r.key: r for r in F.active_rows(template)}
    n = 1 + sum(2 + len(keys) for _, keys in F.ACTIVE_GROUPS[template])
    tbl = doc.add_table(rows=n, cols=4)
    tbl.style = "Table Grid"
    i = 0
    for item, keys in F.ACTIVE_GROUPS[template]:
        _merge(tbl, i, 0, i, 3, fw(item))
        fields = rows[keys[0]].fields
        heads = ["信息内容", *(fw(F.FIELD_LABELS[f]) for f in fields)]
        for c, h in enumerate(heads):
            tbl.cell(i + 1, c).text = h
        if len(heads) < 4:
            _merge(tbl, i + 1, len(heads) - 1, i + 1, 3)
        for k, key in enumerate(keys):
            r = i + 2 + k
            tbl.cell(r, 0).text = rows[key].label
            vals = [_num(report.tables["active"][key][f]) for f in fields]
            for c, v in enumerate(vals):
                tbl.cell(r, c + 1).text = v
            if len(vals) < 3:
                _merge(tbl, r, len(vals), r, 3)
        i += 2 + len(keys)
    # delete the spare last row, if any
    while len(tbl.rows) > i:
        tbl._tbl.remove(tbl.rows[-1]._tr)


def _requests_table(doc, report: Report) -> None:  # type: ignore[no-untyped-def]
    template = report.template or "2019"
    rows = F.request_rows(template)
    tbl = doc.add_table(rows=3 + len(rows), cols=10)
    tbl.style = "Table Grid"
    _merge(tbl, 0, 0, 2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _merge(tbl, 0, 3, 0, 9, "申请人情况")
    _merge(tbl, 1, 3, 2, 3, "自然人")
    _merge(tbl, 1, 4, 1, 8, "法人或其他组织")
    _merge(tbl, 1, 9, 2, 9, "总计")
    for c, col in enumerate(F.REQUEST_COLUMNS[1:6]):
        tbl.cell(2, 4 + c).text = col.label
    groups = {"withheld": [], "unavailable": [], "not_processed": [], "other": []}  # type: dict[str, list[int]]
    for k, row in enumerate(rows):
        r = 3 + k
        prefix = row.key.split("_")[0] if row.key.startswith(("withheld", "unavailable")) else ""
        if row.key.startswith("not_processed"):
            prefix = "not_processed"
        if row.key.startswith("other_") and row.key != "other_handling":
            prefix = "other"
        if row.key in ("new_received", "carried_over", "carried_forward"):
            _merge(tbl, r, 0, r, 2, fw(row.label))
        elif prefix:
            groups[prefix].append(r)
            tbl.cell(r, 2).text = fw(row.label)
        else:
            _merge(tbl, r, 1, r, 2, fw(row.label))
        for c, col in enumerate(F.REQUEST_COLUMNS):
            tbl.cell(r, 3 + c).text = _num(report.tables["requests"][row.key][col.key])
    for name, rs in groups.items():
        if rs:
            _merge(tbl, rs[0], 1, rs[-1], 1, fw(F.REQUEST_GROUP_LABELS[name]))
    first = 3 + next(k for k, r in enumerate(rows) if r.key == "granted")
    last = 3 + next(k for k, r in enumerate(rows) if r.key == "processed_total")
    _merge(tbl, first, 0, last, 0, fw(F.REQUEST_GROUP_LABELS["outcomes"]))


def _appeals_table(doc, report: Report) -> None:  # type: ignore[no-untyped-def]
    tbl = doc.add_table(rows=4, cols=15)
    tbl.style = "Table Grid"
    _merge(tbl, 0, 0, 0, 4, "行政复议")
    _merge(tbl, 0, 5, 0, 14, "行政诉讼")
    for c, f in enumerate(F.APPEAL_FIELDS):
        _merge(tbl, 1, c, 2, c, f.label)
    _merge(tbl, 1, 5, 1, 9, "未经复议直接起诉")
    _merge(tbl, 1, 10, 1, 14, "复议后起诉")
    for g in range(2):
        for c, f in enumerate(F.APPEAL_FIELDS):
            tbl.cell(2, 5 + 5 * g + c).text = f.label
    vals = [_num(report.tables["appeals"][g.key][f.key]) for g in F.APPEAL_GROUPS for f in F.APPEAL_FIELDS]
    for c, v in enumerate(vals):
        tbl.cell(3, c).text = v


def build_docx(report: Report, path: Path, *, landscape_appeals: bool = False, borders: bool = True) -> Path:
    """Write the report as offices do: title, six sections, the three official tables with merged cells."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "Noto Serif CJK SC"
    )
    doc.add_paragraph(report.meta.title or "")
    y = report.meta.year
    doc.add_paragraph(
        f"本报告根据《中华人民共和国政府信息公开条例》的规定编制。本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        "如对本年度报告有疑问，请与本机关政务公开办公室联系。" * 2
    )
    for sec in F.SECTIONS:
        doc.add_paragraph(f"{sec.number}、{sec.title}")
        if sec.number == "二":
            _active_table(doc, report)
        elif sec.number == "三":
            _requests_table(doc, report)
        elif sec.number == "四":
            if landscape_appeals:
                s = doc.add_section()
                s.orientation = WD_ORIENT.LANDSCAPE
                s.page_width, s.page_height = s.page_height, s.page_width
            _appeals_table(doc, report)
        else:
            doc.add_paragraph("本年度各项工作有序推进，政府信息公开工作水平进一步提升。" * 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not borders:  # tables typed without ruling lines: PDF cells can only be told apart by the gaps
        for table in doc.tables:
            table.style = doc.styles["Normal Table"]
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- LibreOffice conversion


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_many(paths: Iterable[Path], fmt: str, outdir: Path, timeout: float = 300) -> list[Path]:
    """Convert many files in ONE soffice call (LibreOffice start-up dominates the cost)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("soffice not found")
    paths = list(paths)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
    ext = fmt.split(":")[0]
    out = [outdir / (p.stem + "." + ext) for p in paths]
    missing = [p for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"soffice did not write {missing}")
    return out


def add_running_text(path: Path, header: str, footer_page_field: bool = True) -> None:
    """Give every page a running header and a ``- N -`` page number, as 公文 have."""
    import docx
    from docx.oxml import parse_xml

    doc = docx.Document(str(path))
    for section in doc.sections:
        section.header.paragraphs[0].text = header
        p = section.footer.paragraphs[0]
        if footer_page_field:
            ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            p.add_run("- ")
            p._p.append(parse_xml(f'<w:fldSimple {ns} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
            p.add_run(" -")
    doc.save(str(path))


# ---------------------------------------------------------------- OFD builder (GB/T 33190 subset)

_OFD_NS = "http://www.ofdspec.org/2016"


def _ofd_rows(report: Report) -> list[tuple[str, list[tuple[str, int]]]]:
    """The three tables as (table, [(text, colspan), ...]) rows on a 10-column grid."""
    t = report.tables
    rows: list[tuple[str, list[tuple[str, int]]]] = []
    for item, keys in F.ACTIVE_GROUPS[report.template or "2019"]:
        rows.append(("active", [(fw(item), 10)]))
        fields = {r.key: r for r in F.active_rows(report.template or "2019")}[keys[0]].fields
        heads = [("信息内容", 4)] + [(fw(F.FIELD_LABELS[f]), 2) for f in fields]
        rows.append(("active", heads + ([("", 10 - 4 - 2 * len(fields))] if len(fields) < 3 else [])))
        for key in keys:
            row = {r.key: r for r in F.active_rows(report.template or "2019")}[key]
            vals = [(_num(t["active"][key][f]), 2) for f in row.fields]
            rows.append(("active", [(row.label, 4), *vals] + ([("", 10 - 4 - 2 * len(vals))] if len(vals) < 3 else [])))
    rows.append(("requests", [("", 3), *((c.label, 1) for c in F.REQUEST_COLUMNS)]))
    for r in F.request_rows(report.template or "2019"):
        rows.append(
            ("requests", [(fw(r.label), 3), *((_num(t["requests"][r.key][c.key]), 1) for c in F.REQUEST_COLUMNS)])
        )
    return rows


def build_ofd(report: Report, path: Path) -> Path:
    """An OFD the way converters write one: a TextObject per line of text, PathObjects for the borders."""
    import zipfile

    size, left, width, top = 3.5, 20.0, 170.0, 25.0
    col = width / 10
    pages: list[list[str]] = [[]]
    ids = iter(range(100, 100000))
    y = top

    def text(x: float, y: float, s: str) -> str:
        deltas = " ".join(f"{size if ord(ch) > 127 else size / 2:.2f}" for ch in s[1:])
        return (
            f'<ofd:TextObject ID="{next(ids)}" Boundary="{x:.2f} {y - size:.2f} {len(s) * size:.2f} {size * 1.4:.2f}" '
            f'Font="1" Size="{size}"><ofd:TextCode X="0" Y="{size:.2f}" DeltaX="{deltas}">{s}</ofd:TextCode>'
            "</ofd:TextObject>"
        )

    def line(x0: float, y0: float, x1: float, y1: float) -> str:
        return (
            f'<ofd:PathObject ID="{next(ids)}" Boundary="{x0:.2f} {y0:.2f} {max(x1 - x0, 0.2):.2f} '
            f'{max(y1 - y0, 0.2):.2f}" LineWidth="0.25"><ofd:AbbreviatedData>M 0 0 L {x1 - x0:.2f} {y1 - y0:.2f}'
            "</ofd:AbbreviatedData></ofd:PathObject>"
        )

    def wrap(s: str, cells: int) -> list[str]:
        per = max(1, int((cells * col - 2) // size))
        return [s[i : i + per] for i in range(0, len(s), per)] or [""]

    pages[-1].append(text(left, y, report.meta.title or ""))
    y += 12
    table = None
    for name, cells in _ofd_rows(report):
        lines_needed = max(len(wrap(s, span)) for s, span in cells)
        h = lines_needed * size * 1.5 + 2
        if y + h > 270:
            pages.append([])
            y = top
            pages[-1].append(line(left, y, left + width, y))
        if name != table:
            pages[-1].append(
                text(
                    left,
                    y + size,
                    {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况"}[name],
                )
            )
            y += 10
            table = name
            pages[-1].append(line(left, y, left + width, y))
        x = left
        pages[-1].append(line(left, y, left, y + h))
        for s, span in cells:
            for k, part in enumerate(wrap(s, span)):
                pages[-1].append(text(x + 1, y + 1 + (k + 1) * size * 1.5 - 1, part))
            x += span * col
            pages[-1].append(line(x, y, x, y + h))
        y += h
        pages[-1].append(line(left, y, left + width, y))
    for n, page in enumerate(pages, 1):
        page.append(text(100, 285, f"- {n} -"))
    files = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
        "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "</ofd:CommonData><ofd:Pages>"
        + "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        + "</ofd:Pages></ofd:Document>",
    }
    for i, page in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="{next(ids)}">'
            + "".join(page)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in files.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + body)
    return path


# ---------------------------------------------------------------- generated office cases (render_docx + LibreOffice)


@dataclass(frozen=True)
class OfficeCase:
    """One generated report written as an office would: DOCX by nianbao's renderer, maybe Traditional, maybe
    typed without table borders; ``expected`` is the canonical JSON a perfect reader + parser returns."""

    name: str
    docx: Path
    expected: dict
    borderless: bool
    traditional: bool


def _render_case(args: tuple[int, str, bool, bool, str]) -> tuple[dict, Path]:
    """Render one case (in a worker process: python-docx's merged cells cost about a second a table set)."""
    seed, template, traditional, borderless, path = args
    import dataclasses

    import docx
    from docx.oxml.ns import qn

    from nianbao.render import render_docx
    from nianbao.synth import random_report
    from nianbao.synth.render import to_traditional

    report = random_report(random.Random(seed), template)
    render_docx(report, path)
    if traditional or borderless:
        d = docx.Document(path)
        if traditional:
            paras = list(d.paragraphs) + [
                p for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs
            ]
            for p in paras:
                for run in p.runs:
                    run.text = to_traditional(run.text)
            report = dataclasses.replace(report, meta=dataclasses.replace(report.meta, script="traditional"))
        if borderless:  # borders removed from every table and cell: only the characters' positions are left
            for el in d.element.body.iter(qn("w:tblBorders"), qn("w:tcBorders")):
                el.getparent().remove(el)
            for t in d.tables:
                t.style = d.styles["Normal Table"]
        d.save(path)
    return report.to_dict(), Path(path)


def office_cases(outdir: Path, n: int, seed: int = 0, *, borderless_every: int = 3) -> list[OfficeCase]:
    """``n`` generated reports of both templates (every fifth in Traditional script), each rendered to DOCX;
    every ``borderless_every``-th one also as a copy without table borders.  Rendering runs on every core."""
    from concurrent.futures import ProcessPoolExecutor

    outdir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for i in range(n):
        template, traditional = ("2019", "2021")[i % 2], i % 5 == 3
        jobs.append((seed * 1000 + i, template, traditional, False, str(outdir / f"g{i:03d}.docx")))
        if i % borderless_every == borderless_every - 1:
            jobs.append((seed * 1000 + i, template, traditional, True, str(outdir / f"g{i:03d}_nb.docx")))
    with ProcessPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        done = list(pool.map(_render_case, jobs, chunksize=4))
    return [OfficeCase(Path(job[4]).stem, path, expected, job[3], job[2]) for job, (expected, path) in zip(jobs, done)]
