"""The ``kg`` command line: parse arguments, call the library, print. No logic of its own."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg import __version__
from kg.errors import KGError, SourceError
from kg.model import TrialRecord

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


def report_error(message: str) -> None:
    """One line on stderr, no traceback."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)


def with_progress(items: Iterable, label: str, unit: str = "studies") -> Iterator:
    """Iterate ``items`` with a live count and rate on stderr (shown only on a terminal)."""
    if not err.is_terminal:
        yield from items
        return
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TextColumn(f"{{task.speed}} {unit}/s"),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(label, total=None)
        for item in items:
            yield item
            progress.advance(task)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """trialkg: a knowledge graph of clinical trials, drugs and sponsors."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with one object per record.")
def extract(paths: tuple[str, ...], as_json: bool) -> None:
    """Read pages and records under PATHS and print them (a table, or JSON with --json).

    Formats are detected by content: registry pages saved as text, ClinicalTrials.gov API v2
    JSON (single, array, JSON Lines, search page), classic-API JSON, legacy XML, gzip and zip.
    Bad files are reported on stderr; the others are still read; the exit code is 1 if any failed.
    """
    from kg.sources.reader import read_paths

    failures = 0
    records: list[TrialRecord] = []
    if as_json:
        sys.stdout.write("[")
    first = True
    for item in with_progress(read_paths(paths), "extract"):
        if isinstance(item, SourceError):
            failures += 1
            report_error(str(item))
            continue
        if as_json:
            sys.stdout.write(("\n" if first else ",\n") + orjson.dumps(item.to_dict(), option=orjson.OPT_INDENT_2).decode())
            first = False
        else:
            records.append(item)
    if as_json:
        sys.stdout.write("\n]\n" if not first else "]\n")
    else:
        _print_records(records)
    if failures:
        err.print(f"{failures} document(s) failed", style="yellow")
        sys.exit(1)


def _print_records(records: list[TrialRecord]) -> None:
    table = Table(title=f"{len(records)} record(s)")
    for column, width in (("NCT id", 11), ("format", 19), ("status", 20), ("phases", 13), ("interventions", 13),
                          ("sites", 5)):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=70)
    for r in records:
        table.add_row(r.nct_id or "-", r.source.format, r.status or "-", ",".join(r.phases) or "-",
                      str(len(r.interventions)), str(len(r.sites)), (r.title or "-")[:80])
    out.print(table)


def run() -> None:
    """Entry point that turns any product error into one line and exit code 2."""
    try:
        main(standalone_mode=True)
    except KGError as exc:
        report_error(str(exc))
        sys.exit(2)
