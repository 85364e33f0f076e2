"""The corpus commands (ingest, reparse, export, stats): thin click commands over nianbao.store.

Kept apart from cli.py so that the command line starts without importing SQLAlchemy.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .batch import FILE_TIMEOUT
from .errors import NianbaoError

DB_HELP = "The corpus: a SQLite file (created if absent) or a postgresql://user@host/db URL."


def _db(fn: Callable[..., None]) -> Callable[..., None]:
    return click.option("--db", required=True, metavar="DB", help=DB_HELP)(fn)


def jobs_option(default: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """-j/--jobs and --scheduler: the options of every command that reads many files (parse, check, ingest)."""

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        fn = click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Parse on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for one on this "
            "machine.",
        )(fn)
        return click.option(
            "-j", "--jobs", type=int, default=default, show_default=True, help="Processes to use (0 = one per core)."
        )(fn)

    return decorate


_workers = jobs_option(0)  # ingest and reparse use every core unless told


TIMEOUT_HELP = (
    f"Seconds one file may take; a file over it is recorded as source.unreadable and the run goes on "
    f"[default: {FILE_TIMEOUT:g} on several processes or Dask; none with -j 1 unless given]."
)


def timeout_option(fn: Callable[..., None]) -> Callable[..., None]:
    """--timeout: the per-file time limit of the batch (nianbao.batch), for every command that parses files."""
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS", help=TIMEOUT_HELP)(
        fn
    )


@contextmanager
def _corpus(db: str) -> Iterator[Any]:
    """The opened corpus; any store refusal becomes a plain message and exit status 1."""
    try:
        from .store import open_corpus

        with open_corpus(db) as corpus:
            yield corpus
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar with rate and ETA on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    start = time.perf_counter()
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None, rate="")

        def update(done: int, total: int) -> None:
            rate = done / max(1e-9, time.perf_counter() - start)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} 份/秒")

        yield update


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_db
@_workers
@timeout_option
def ingest(paths: tuple[str, ...], db: str, jobs: int, scheduler: str | None, timeout: float | None) -> None:
    """Parse reports and store them in a corpus database.

    PATHS are files of any format nianbao reads (canonical JSON included), folders (read
    recursively), globs ('reports/**/*.pdf') and zip archives. A file already stored (same
    content hash) is skipped, so a second run adds nothing and a killed run resumes where it
    stopped. A file that cannot be read is stored with its reason and the run goes on; the exit
    status is then 1.

    Example:

        nianbao ingest 年报/ 2023年报.zip --db corpus.db -j 0
    """
    with _corpus(db) as corpus, _progress("入库") as progress:
        try:
            s = corpus.ingest(list(paths), jobs=jobs, progress=progress, scheduler=scheduler, timeout=timeout)
        except NianbaoError as e:
            raise click.ClickException(str(e)) from None
    for name, reason in s.failed[:20]:
        click.echo(f"无法读取\t{name}\t{reason}", err=True)
    if len(s.failed) > 20:
        click.echo(f"……另有 {len(s.failed) - 20} 个文件无法读取 (see `nianbao stats`)", err=True)
    if s.seen == 0:
        raise click.ClickException("没有找到报告文件 (no report files found in the paths given)")
    click.echo(
        f"{s.seen} 个文件：新增 {s.added} 份，已在库中 {s.skipped} 份，无法读取 {len(s.failed)} 份"
        f"（已记录原因）；用时 {s.seconds:.1f} 秒。"
    )
    if s.failed:
        sys.exit(1)


@click.command()
@_db
@click.option("--outdated", is_flag=True, help="Only reports parsed by another parser version.")
@_workers
def reparse(db: str, outdated: bool, jobs: int, scheduler: str | None) -> None:
    """Re-run the stored sources through the current parser (ids, regions and sources are kept).

    Example:

        nianbao reparse --db corpus.db --outdated
    """
    with _corpus(db) as corpus, _progress("重新解析") as progress:
        try:
            n = corpus.reparse(jobs=jobs, outdated=outdated, progress=progress, scheduler=scheduler)
        except NianbaoError as e:
            raise click.ClickException(str(e)) from None
    click.echo(f"重新解析了 {n} 份报告。")


@click.command()
@_db
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "parquet", "jsonl"]),
    help="Output format (default: from the suffix of --out).",
)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--chinese-headers", is_flag=True, help="Column headers in the official Chinese wording.")
@click.option("--year", type=int, help="Only reports of this year.")
@click.option("--organ", help="Only reports whose organ name contains this.")
@click.option("--template", type=click.Choice(["2019", "2021"]), help="Only reports of this template.")
def export(
    db: str, fmt: str | None, out: str, chinese_headers: bool, year: int | None, organ: str | None, template: str | None
) -> None:
    """Export stored reports in the flat form (spec §4): one row per report, one column per cell.

    XLSX has a sheet of reports, one sheet per table and a sheet of findings.

    Example:

        nianbao export --db corpus.db --out 年报.xlsx --chinese-headers --year 2023
    """
    from .export import EXPORT_FORMATS, write_export

    fmt = fmt or Path(out).suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise click.ClickException(f"{out}: 请用 --format 指定 csv、xlsx、parquet 或 jsonl (unknown output format)")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with _corpus(db) as corpus:
        try:
            n = write_export(
                corpus.reports(corpus.ids(year=year, organ=organ, template=template)), out, fmt, chinese_headers
            )
        except (NianbaoError, OSError) as e:
            raise click.ClickException(f"{out}: {e}") from None
    click.echo(f"{n} 份报告已导出到 {out}")


@click.command()
@_db
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(db: str, as_json: bool) -> None:
    """Headline figures of a corpus: reports by year, template and status, requests by outcome, error rates.

    Example:

        nianbao stats --db corpus.db --json
    """
    with _corpus(db) as corpus:
        s = corpus.stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    rate = "—" if s["error_rate"] is None else f"{s['error_rate']:.1%}"
    console.print(f"库中报告 {s['reports']} 份；可读报告中有错误的占 {rate}")
    for title, key in (("年度", "by_year"), ("模板", "by_template"), ("状态", "by_status")):
        table = Table(title=f"按{title}", title_justify="left")
        table.add_column(title)
        table.add_column("报告数", justify="right")
        for k, v in s[key].items():
            table.add_row(k, str(v))
        console.print(table)
    from .formats import REQUEST_ROWS

    labels = {r.key: r.label for r in REQUEST_ROWS}
    table = Table(title="依申请公开：各行“总计”列之和", title_justify="left")
    table.add_column("行")
    table.add_column("键")
    table.add_column("合计", justify="right")
    for k, v in s["requests"].items():
        table.add_row(labels.get(k, k), k, str(v))
    console.print(table)
    if s["top_error_rules"]:
        table = Table(title="最常见的错误规则", title_justify="left")
        table.add_column("规则")
        table.add_column("报告数", justify="right")
        for k, v in s["top_error_rules"].items():
            table.add_row(k, str(v))
        console.print(table)


STORE_COMMANDS = (ingest, reparse, export, stats)
