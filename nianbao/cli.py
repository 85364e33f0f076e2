"""The command line: one click group, thin commands over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from . import __version__
from .batch import expand, parse_many
from .cli_store import STORE_COMMANDS, jobs_option, timeout_option
from .errors import NianbaoError
from .model import Report, load_json

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """nianbao: parse and check 政府信息公开工作年度报告 (government information disclosure annual reports).

    Reads reports as text or web pages (any encoding, Simplified or Traditional script), finds the
    tables of the 2019 or 2021 template, and checks them against the format's rules.

    Example:

        nianbao parse report.txt

        nianbao check reports/
    """


for _command in STORE_COMMANDS:  # ingest, reparse, export, stats: the corpus (nianbao/cli_store.py)
    cli.add_command(_command)


def _paths(paths: tuple[str, ...]) -> list[str]:
    files = expand(paths)
    if not files:
        raise click.ClickException("没有找到报告文件 (no report files found in the paths given)")
    return files


def _reports(
    files: list[str], jobs: int, scheduler: str | None, label: str, timeout: float | None = None
) -> Iterator[Report]:
    """Reports in input order, with a progress bar on a terminal when there are many."""
    stream = parse_many(files, jobs, scheduler, timeout)
    if len(files) < 20 or not sys.stderr.isatty():
        yield from stream
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(label, total=len(files))
        for r in stream:
            progress.advance(task)
            yield r


_jobs = jobs_option(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "md"]),
    default="json",
    show_default=True,
    help="json: one report pretty-printed, several as JSON Lines; csv: the flat form.",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@_jobs
@timeout_option
def parse(
    paths: tuple[str, ...], fmt: str, out: str | None, jobs: int, scheduler: str | None, timeout: float | None
) -> None:
    """Parse reports (files or folders) into the canonical JSON.

    Unreadable files are not skipped: each gives a report with a source.* finding.

    Example:

        nianbao parse report.html

        nianbao parse reports/ --format csv --out reports.csv
    """
    files = _paths(paths)
    reports = _reports(files, jobs, scheduler, "parsing", timeout)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    sink = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    try:
        if fmt == "csv":
            from .export import to_csv

            sink.write(to_csv(reports))
        elif fmt == "md":
            from .render import render_markdown

            for r in reports:
                sink.write(render_markdown(r) + "\n")
        elif fmt == "json" and len(files) == 1:
            sink.write(json.dumps(next(reports).to_dict(), ensure_ascii=False, indent=1) + "\n")
        else:
            for r in reports:
                sink.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON Lines, one report a line.")
@click.option("--all", "show_all", is_flag=True, help="Also list reports with no findings.")
@click.option(
    "--db", metavar="DB", help="Check every report stored in this corpus (file or postgresql:// URL), across reports."
)
@click.option(
    "--parents",
    type=click.Path(exists=True, dir_okay=False),
    help="With --db or --cross: CSV of organ,parent; a parent's report is compared with its units' sum.",
)
@click.option("--cross", is_flag=True, help="Also run the cross-report rules over the files given (as --db does).")
@click.option("--no-prose", is_flag=True, help="With --db or --cross: skip 内容雷同 (it reads every source again).")
@_jobs
@timeout_option
def check(
    paths: tuple[str, ...],
    as_json: bool,
    show_all: bool,
    db: str | None,
    parents: str | None,
    cross: bool,
    no_prose: bool,
    jobs: int,
    scheduler: str | None,
    timeout: float | None,
) -> None:
    """Check reports against the format's rules and print the findings.

    Exit status 1 when any report has an error-severity finding (the 勾稽关系 fails, a section or table
    is missing, the file cannot be read), so that scripts can stop on it.

    With --db, every stored report is printed with its own findings and those of the cross-report rules
    (上年结转 against last year's 结转下年度, 现行有效件数 over the years, a parent against the sum of its
    units, 内容雷同 between organs, a missing year); --cross does the same for the files given.

    Example:

        nianbao check 下属单位/

        nianbao check --db corpus.db --parents 上下级.csv

        nianbao check 2022/ 2023/ --cross
    """
    from rich.console import Console
    from rich.table import Table

    if db and paths:
        raise click.ClickException("请只给出报告文件或 --db 之一 (give PATHS or --db, not both)")
    if parents and not (db or cross):
        raise click.ClickException("--parents 需与 --db 或 --cross 一起使用 (--parents goes with --db or --cross)")
    if db:
        stream, total = _stored_checked(db, parents, not no_prose)
    else:
        files = _paths(paths)
        stream, total = _reports(files, jobs, scheduler, "checking", timeout), len(files)
        if cross:
            stream = _cross_checked(files, list(stream), parents, not no_prose)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    errors = 0
    counts = {"error": 0, "warning": 0, "info": 0}
    for r in stream:
        errors += r.has_errors
        for f in r.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        if as_json:
            click.echo(
                json.dumps(
                    {"path": r.source.path, "template": r.template, "findings": [f.to_dict() for f in r.findings]},
                    ensure_ascii=False,
                )
            )
            continue
        if not r.findings and not show_all:
            continue
        title = f"{r.source.path}  ·  {r.meta.title or '（无标题）'}  ·  模板 {r.template or '未知'}"
        if not r.findings:
            console.print(f"[green]✓[/green] {title}")
            continue
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置", no_wrap=True)
        table.add_column("说明")
        style = {"error": "bold red", "warning": "yellow", "info": "dim"}
        for f in r.findings:
            table.add_row(f"[{style[f.severity]}]{f.severity}[/]", f.rule, f.where, f.message)
        console.print(table)
    if not as_json:
        console.print(
            f"{total} 份报告：{errors} 份有错误；错误 {counts['error']} 条，警告 {counts['warning']} 条，"
            f"提示 {counts['info']} 条。"
        )
    sys.exit(1 if errors else 0)


def _cross_checked(files: list[str], reports: list[Report], parents: str | None, prose: bool) -> Iterator[Report]:
    """``reports`` (of ``files``), each with its cross-report findings after its own."""
    from .history import check_files
    from .regions import load_parents

    try:
        mapping = load_parents(parents) if parents else None
        for report, cross in check_files(files, reports, mapping, prose):
            yield report.with_findings([*report.findings, *cross])
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None


def _stored_checked(db: str, parents: str | None, prose: bool) -> tuple[Iterator[Report], int]:
    """The stored reports, each with its cross-report findings after its own, and how many there are."""
    from .history import check_corpus
    from .regions import load_parents
    from .store import open_corpus

    try:
        mapping = load_parents(parents) if parents else None
        corpus = open_corpus(db)
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None
    total = sum(1 for _ in corpus.stored())

    def stream() -> Iterator[Report]:
        try:
            for report, cross in check_corpus(corpus, mapping, prose):
                yield report.with_findings([*report.findings, *cross])
        except NianbaoError as e:
            raise click.ClickException(str(e)) from None
        finally:
            corpus.close()

    return stream(), total


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("-n", "--count", type=int, default=12, show_default=True, help="How many reports to write.")
@click.option("--seed", type=int, default=2024, show_default=True, help="Random seed (same seed, same files).")
def samples(folder: str, count: int, seed: int) -> None:
    """Write generated sample reports (text and HTML, both templates) with their expected JSON.

    Example:

        nianbao samples samples/ -n 12
    """
    from .synth import write_samples

    for p in write_samples(Path(folder), count, seed):
        click.echo(str(p))


@cli.command()
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "fmt", type=click.Choice(["html", "md", "docx", "xlsx"]), required=True, help="Output format.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, writable=True), required=True, help="File to write.")
def render(report: str, fmt: str, out: str) -> None:
    """Render a report in the standard layout of its template.

    REPORT is a canonical JSON file or any report document (parsed first). Blank or unreadable cells
    are shown as 空缺, never as 0.

    Example:

        nianbao render report.txt --to docx --out 年报.docx
    """
    from . import parse as parse_report
    from .parse.sections import section_prose
    from .readers import read_document
    from .render import render as render_report

    sections = None
    try:
        if report.endswith(".json"):
            rep = load_json(report)
        else:  # a document: its prose sections (一, 五, 六) are carried over with the tables
            doc = read_document(report)
            rep, sections = parse_report(doc), section_prose(doc.text)
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    render_report(rep, fmt, Path(out), sections=sections)
    click.echo(out)


@cli.command()
@click.option(
    "--template", "template", type=click.Choice(["2021", "2019"]), default="2021", show_default=True,
    help="The national format: 2021 for reports on 2021 and later, 2019 for 2019 and 2020.",
)  # fmt: skip
@click.option("-o", "--out", type=click.Path(dir_okay=False, writable=True), required=True, help="XLSX file to write.")
@click.option("--organ", help="Pre-fill the reporting organ (填报单位).")
@click.option("--year", type=click.IntRange(2008, 2100), help="Pre-fill the year the report covers.")
def template(template: str, out: str, organ: str | None, year: int | None) -> None:
    """Write the fill-in workbook (填报表) of a template: XLSX with locked labels, checked inputs and totals.

    Totals are formulas; a check row under the requests table turns red when the 勾稽关系 fails. The filled
    workbook reads back with `nianbao parse` and renders with `nianbao render`.

    Example:

        nianbao template --template 2021 --out 填报表.xlsx

        nianbao render 填报表.xlsx --to docx --out 年报.docx
    """
    from .render.workbook import write_template

    if not out.lower().endswith((".xlsx", ".xlsm")):
        raise click.ClickException(
            f"{out}: 填报表是 Excel 工作簿，文件名应以 .xlsx 结尾 (the workbook must be a .xlsx file)"
        )
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    try:
        write_template(template, out, organ, year)
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None
    click.echo(out)


@cli.command()
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "fmt", type=click.Choice(["html", "docx"]), help="Write the comparison as HTML or DOCX.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, writable=True), help="File to write (with --to).")
def compare(a: str, b: str, fmt: str | None, out: str | None) -> None:
    """Compare two reports: every changed cell with its absolute and relative change, prose per section.

    A and B are report files (any format nianbao reads) or canonical JSON. Across templates the 2019
    （六）其他处理 row is compared with the sum of the three 2021 rows, and rows or fields that cannot be
    compared are listed. Prose similarity needs both inputs to be documents.

    Example:

        nianbao compare 2020年报.pdf 2021年报.docx

        nianbao compare a.json b.json --to html --out 比较.html
    """
    from rich.console import Console

    from .compare import compare_files, print_comparison, write_comparison

    if out and not fmt:
        fmt = Path(out).suffix.lower().lstrip(".")
        if fmt not in ("html", "docx"):
            raise click.ClickException(f"{out}: 请用 --to html 或 --to docx 指定格式 (give --to html or --to docx)")
    if fmt and not out:
        raise click.ClickException(f"--to {fmt} 需要 --out 指定输出文件 (--to needs --out FILE)")
    try:
        result = compare_files(a, b)
    except NianbaoError as e:
        raise click.ClickException(f"{e.path or ''}: {e.message}".lstrip(": ")) from None
    if fmt and out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        write_comparison(result, fmt, out)
        click.echo(out)
        return
    print_comparison(result, Console(highlight=False, width=None if sys.stdout.isatty() else 160))


_AGGREGATE_OUT = {".json": "json", ".html": "html", ".htm": "html", ".md": "md", ".docx": "docx", ".xlsx": "xlsx"}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--organ", required=True, help="The parent organ whose report is the sum (e.g. 清流县).")
@click.option("--year", type=click.IntRange(2008, 2100), required=True, help="The year the reports cover.")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write: .json (canonical JSON) or .html/.md/.docx/.xlsx (rendered).",
)
@click.option("--db", metavar="DB", help="Take the units from this corpus instead of PATHS (needs --parents).")
@click.option(
    "--parents",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of organ,parent: with --db, the units are the stored reports whose parent is --organ.",
)
@_jobs
def aggregate(
    paths: tuple[str, ...],
    organ: str,
    year: int,
    out: str,
    db: str | None,
    parents: str | None,
    jobs: int,
    scheduler: str | None,
) -> None:
    """Sum units' reports into one report of their parent (a county that sums its departments).

    PATHS are the units' reports (any format nianbao reads, canonical JSON included, or folders of
    them). Blank cells count as 0; a cell a unit's report could not be read for stays blank in the sum
    (空缺), with a warning naming the unit. Units of another template or year are refused, with their names.

    Example:

        nianbao aggregate 下属单位/ --organ 清流县 --year 2023 --out 清流县2023.json

        nianbao aggregate --db corpus.db --parents 上下级.csv --organ 清流县 --year 2023 --out 汇总.docx
    """
    from .aggregate import aggregate as sum_units
    from .aggregate import load_units, units_in_store

    fmt = _AGGREGATE_OUT.get(Path(out).suffix.lower())
    if fmt is None:
        raise click.ClickException(
            f"{out}: 输出文件应以 .json、.html、.md、.docx 或 .xlsx 结尾 (the suffix of --out picks the format)"
        )
    if bool(db) == bool(paths):
        raise click.ClickException("请给出下属单位的报告文件，或 --db 之一 (give the units' PATHS or --db)")
    try:
        if db:
            from .regions import load_parents
            from .store import open_corpus

            if not parents:
                raise click.ClickException("--db 需要 --parents 上下级对照表来确定下属单位 (--db needs --parents)")
            mapping = load_parents(parents)
            with open_corpus(db) as corpus:
                units = units_in_store(corpus, organ, year, mapping)
        else:
            units = load_units(paths, jobs, scheduler)
        report, findings = sum_units(units, organ, year)
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        Path(out).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        from .render import render as render_report

        render_report(report, fmt, Path(out))
    for f in findings:
        click.echo(f"{f.severity}\t{f.rule}\t{f.message}", err=True)
    click.echo(out)


def _register_serve() -> None:
    """`nianbao serve` lives with the web app; its module imports the web stack only when the command runs."""
    from .web.serve import serve

    cli.add_command(serve)


_register_serve()
