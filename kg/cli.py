"""The ``kg`` command line: parse arguments, call the library, print. No logic of its own."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from kg import __version__
from kg.errors import KGError, SourceError
from kg.sources.model import TrialRecord

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


def report_error(message: str) -> None:
    """One line on stderr, no traceback: control characters (a newline in a file name, say) shown escaped,
    brackets in the message never read as markup."""
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    err.print(f"[bold red]error:[/] {escape(line)}", markup=True, highlight=False)


def _print_json(body: object) -> None:
    """JSON on stdout, indented."""
    sys.stdout.write(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")


@contextmanager
def progress_bar(label: str, unit: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A live count, rate and (with ``total``) ETA on stderr, shown only on a terminal; yields
    ``advance(n)``, which worker threads may call."""
    if not err.is_terminal:
        def ignore(n: int = 1) -> None:
            """No bar off a terminal."""

        yield ignore
        return
    columns = [TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TextColumn(f"{{task.speed}} {unit}/s"),
               TimeElapsedColumn()] + ([TextColumn("ETA"), TimeRemainingColumn()] if total else [])
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(label, total=total)

        def advance(n: int = 1) -> None:
            progress.advance(task, n)

        yield advance


def with_progress(items: Iterable, label: str, unit: str = "studies") -> Iterator:
    """Iterate ``items`` with a live count and rate on stderr (shown only on a terminal)."""
    with progress_bar(label, unit) as advance:
        for item in items:
            yield item
            advance(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """trialkg: a knowledge graph of clinical trials, drugs and sponsors."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with one object per record.")
@click.option("--include-contacts", is_flag=True,
              help="Show contact phone numbers and e-mails, also those written in free text (personal data).")
def extract(paths: tuple[str, ...], as_json: bool, include_contacts: bool) -> None:
    """Read pages and records under PATHS and print them (a table, or JSON with --json).

    Formats are detected by content: registry pages saved as text or HTML (four layouts, and others by their
    labelled fields), ClinicalTrials.gov API v2 JSON (single, array, JSON Lines, search page), classic-API JSON,
    legacy XML (also as JSON), ISRCTN, EU CTR and CTIS records (ctrdata exports), gzip and zip.
    Bad files are reported on stderr; the others are still read; the exit code is 1 if any failed.
    Phone numbers and e-mail addresses are left out (as from the graph) unless --include-contacts.
    """
    from kg.privacy import scrub_record
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
        if not include_contacts:
            item = scrub_record(item)
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
    for column, width in (("trial id", 11), ("format", 19), ("status", 20), ("phases", 13), ("interventions", 13),
                          ("sites", 5)):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=70)
    for r in records:
        table.add_row(r.trial_id or "-", r.source.format, r.status or "-", ",".join(r.phases) or "-",
                      str(len(r.interventions)), str(len(r.sites)), (r.title or "-")[:80])
    out.print(table)


store_option = click.option(
    "--store", "store_dir", type=click.Path(file_okay=False, path_type=str), default=None,
    help="Store directory (default: $KG_STORE, else ~/.local/share/trialkg/store).")


def _open(store_dir: str | None, read_only: bool = True):
    from kg.store import TrialStore

    return TrialStore(store_dir, read_only=read_only)


def _counts_table(title: str, rows: dict) -> Table:
    table = Table(title=title)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in rows.items():
        table.add_row(key, f"{value:,}" if isinstance(value, int) else f"{value:,.1f}" if isinstance(value, float)
                      else str(value))
    return table


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@store_option
@click.option("--include-contacts", is_flag=True,
              help="Keep contact phone numbers and e-mails, also those written in free text (personal data).")
@click.option("--workers", type=int, default=None,
              help="Processes that resolve and build documents (default: one per core; 1 = this process only).")
@click.option("--validate", "check", is_flag=True,
              help="Validate each document as it is built (SHACL, the Python engine) and count the findings in those written, by shape.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object (its rows' labels as keys).")
def build(paths: tuple[str, ...], store_dir: str | None, include_contacts: bool, workers: int | None,
          check: bool, as_json: bool) -> None:
    """Ingest pages and records under PATHS (any mix, directories recursively, gzip/zip bulk archives) into the store.

    Each source document becomes its own named graph with its provenance. Unchanged documents are
    skipped (so a rerun after an interruption goes on where it stopped); new versions replace their
    graph; unreadable ones are reported and skipped. If the ingest itself fails, the store is left as
    it was. Shows progress with an ETA on a terminal; prints a report. With --validate, each document is
    validated where it is built, as ``kg validate`` would validate it in the store (the
    findings in the documents written are counted; the listing is ``kg validate``'s). With --json, the
    report is a JSON object for scripts: the same rows, labels as keys, numbers as numbers.
    """
    from kg.build import BuildOptions
    from kg.ingest import ingest
    from kg.pipeline import default_workers
    from kg.sources.reader import count_studies, read_paths
    from kg.summary import summary, warning_kinds

    total = count_studies(paths) if err.is_terminal else None
    index_seconds = _drug_dictionary()
    org_seconds = _organization_index()  # loaded (or built, once) before the workers fork, so they share it
    try:
        with _open(store_dir, read_only=False) as store, progress_bar("build", "documents", total) as advance:
            report = ingest(store, read_paths(paths, deferred=True), BuildOptions(include_contacts=include_contacts),
                                  on_document=lambda _: advance(1), workers=workers or default_workers(),
                                  validate=check)
    except KeyboardInterrupt:
        report_error("interrupted: the documents written so far are kept (readers still see the last finished "
                     "ingest); run the same command again to resume")
        sys.exit(130)
    for failure in report.failed:
        report_error(str(failure))
    if report.stale:
        err.print(f"note: {report.stale} stored document(s) were made by another version of trialkg's mapping; "
                  "build their sources again to bring them up to date", style="yellow")
    with _open(store_dir) as store:
        counts: dict[str, int | float | str] = {"documents added": report.added, "documents replaced": report.replaced,
                  "documents reprocessed (made by another mapping version)": report.reprocessed,
                  "documents unchanged": report.unchanged, "documents older than stored (skipped)": report.older,
                  "documents failed": len(report.failed)}
        counts.update(summary(store))
        counts["quads written"] = report.quads_written
        counts["store size on disk (MB)"] = round(store.disk_bytes() / 1e6, 1)
        counts["seconds"] = round(report.seconds + index_seconds + org_seconds, 1)
        if index_seconds:
            counts["  of which drug dictionary index (once)"] = round(index_seconds, 1)
        if org_seconds:
            counts["  of which organisation index (once)"] = round(org_seconds, 1)
        counts.update({f"  of which {step}": round(secs, 1) for step, secs in report.finishing.items()})
        counts["documents/s"] = round(report.documents / max(report.seconds, 1e-9))
        counts["warnings"] = len(report.warnings)
        counts.update({f"  warnings: {kind}": n for kind, n in warning_kinds(report.warnings).items()})
        if check:
            counts.update(_validation_counts(report))
        if as_json:
            click.echo(orjson.dumps({key.strip(): value for key, value in counts.items()}).decode())
        else:
            out.print(_counts_table(f"kg build -> {store.path}", counts))
    if report.failed:
        sys.exit(1)


def _drug_dictionary() -> float:
    """Load the drug dictionary, announcing the one-time index of the shipped names (about half a minute,
    then cached) with a progress bar on a terminal and a line otherwise; the seconds it took when it built."""
    import time

    from kg.resolve import dictionary

    if dictionary.is_cached():
        dictionary.load()
        return 0.0
    err.print("indexing the drug dictionary (once; cached for later runs) ...", style="dim")
    start = time.perf_counter()
    with progress_bar("drug dictionary", "bytes") as advance:
        done = [0]

        def progress(now: int, total: int) -> None:
            advance(now - done[0])
            done[0] = now

        dictionary.load(progress)
    return time.perf_counter() - start


def _organization_index() -> float:
    """Load the organisation index (ROR and the curated table), announcing its one-time build (a few seconds, then
    cached); the seconds it took when it built."""
    import time

    from kg.resolve import organizations

    if organizations.is_cached():
        organizations.index()
        return 0.0
    err.print("indexing the organisation tables (ROR and curated; once, cached for later runs) ...", style="dim")
    start = time.perf_counter()
    organizations.index()
    return time.perf_counter() - start


def _validation_counts(report) -> dict[str, int | str]:
    """The SHACL findings in the documents an ingest wrote (validated as they were built), counted by
    severity and shape."""
    findings = [f for found in report.findings.values() for f in found]
    violations, warnings = _severities(findings)
    counts: dict[str, int | str] = {"documents validated (SHACL)": len(report.written), "  violations": violations,
                                    "  warnings (SHACL)": warnings}
    for (severity, shape), n in sorted(Counter((f.severity, f.shape) for f in findings).items()):
        counts[f"    {severity.lower()}: {shape}"] = n
    return counts


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def stats(store_dir: str | None, as_json: bool) -> None:
    """Counts of trials, drugs, sponsors, sites, countries, conditions and documents in the store."""
    from kg.summary import summary

    with _open(store_dir) as store:
        counts = summary(store)
        if as_json:
            _print_json({"store": str(store.path), **counts})
            return
        out.print(_counts_table(f"kg store {store.path}", counts))


@main.command()
@store_option
@click.option("--engine", type=click.Choice(["shacl", "pyshacl"]), default="shacl", show_default=True,
              help="shacl: the shacl package (passes the whole W3C SHACL Core suite; the fast one). pyshacl: the "
                   "reference Python implementation. Both with trialkg's date and time value checks.")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
@click.option("--warnings/--no-warnings", "show_warnings", default=True, help="List warnings as well as violations.")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Validate these RDF files (repeatable) instead of the store.")
@click.option("--shapes", "shapes_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The shapes for --data (default: trialkg's shapes).")
@click.option("--report-format", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="For --data: one line per result, the sh:ValidationReport in Turtle, or JSON.")
@click.option("--json", "as_json", is_flag=True, help="The store's findings as JSON (each with the focus node's label).")
@click.option("--limit", type=int, default=None, help="With --json: at most this many findings.")
@click.option("--offset", type=int, default=0, show_default=True, help="With --json: skip this many findings first.")
def validate(store_dir: str | None, engine: str, workers: int | None, show_warnings: bool, data_files: tuple[Path, ...],
             shapes_file: Path | None, report_format: str, as_json: bool, limit: int | None, offset: int) -> None:
    """Validate the store against trialkg's SHACL shapes (shapes/trialkg.shacl.ttl), every source document, or
    with --data any RDF files against any shapes (--shapes).

    Exit 0: conforms; 1: violations; 2: the engine refuses the shapes (naming why) or the input cannot be read.
    """
    if data_files:
        from kg.resources import data_dir
        from kg.validation.files import render, validate_files

        report = validate_files(list(data_files), shapes_file or data_dir("shapes") / "trialkg.shacl.ttl", engine)
        sys.stdout.write(render(report, report_format))
        sys.exit(0 if report.conforms else 1)
    if shapes_file:
        raise click.UsageError("--shapes goes with --data (the store is validated against trialkg's shapes)")
    from kg.validation.documents import document_graphs, focus_labels, validate_store

    if limit is not None and limit < 0 or offset < 0:
        raise click.UsageError("--limit and --offset take whole numbers of 0 or more")
    with _open(store_dir) as store:  # held open: its snapshot stays while the workers read it
        graphs = document_graphs(store.oxigraph)
        findings = validate_store(store.read_path, graphs, workers, engine)
        shown = [f for f in findings if show_warnings or f.severity == "Violation"]
        page = shown[offset:None if limit is None else offset + limit]
        labels = focus_labels(store.oxigraph, page) if as_json else {}
    violations, warnings = _severities(findings)
    if as_json:
        body = {"documents": len(graphs), "engine": engine, "violations": violations, "warnings": warnings,
                "findings_total": len(shown), "offset": offset,
                "findings": [{"severity": f.severity, "shape": f.shape, "focus": f.focus, "label": labels.get((f.graph, f.focus)),
                              "message": f.message, "value": f.value, "graph": f.graph} for f in page]}
        _print_json(body)
        sys.exit(1 if violations else 0)
    _print_findings(shown)
    out.print(f"{len(graphs)} documents validated ({engine}): {violations} violation(s), {warnings} warning(s)")
    if violations:
        sys.exit(1)


def _severities(findings: list) -> tuple[int, int]:
    """How many findings are violations, and how many warnings."""
    return sum(f.severity == "Violation" for f in findings), sum(f.severity == "Warning" for f in findings)


def _print_findings(findings: list) -> None:
    by_shape: dict[tuple[str, str, str], list] = {}
    for f in findings:
        by_shape.setdefault((f.severity, f.shape, f.message), []).append(f)
    for (severity, shape, message), items in sorted(by_shape.items()):
        colour = "red" if severity == "Violation" else "yellow"
        out.print(f"[{colour}]{severity}[/] {shape}: {message} ({len(items)})", highlight=False)
        for f in items[:20]:
            value = f" value={f.value}" if f.value else ""
            out.print(f"    {f.focus}{value}", highlight=False)
        if len(items) > 20:
            out.print(f"    ... and {len(items) - 20} more", highlight=False)


NETWORK_CHOICES = ["all", "drug-drug", "sponsor-drug", "trial-trial", "sponsor-site"]


@main.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml", "graphml", "gexf"]),
              default="turtle", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=str), help="File to write.")
@click.option("--with-ontology", is_flag=True, help="Include the ontology graph (RDF formats).")
@click.option("--network", type=click.Choice(NETWORK_CHOICES), default="all", show_default=True,
              help="Which network to write (GraphML/GEXF).")
def export_cmd(store_dir: str | None, fmt: str, output: str, with_ontology: bool, network: str) -> None:
    """Write the graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML, or its networks as
    GraphML/GEXF for Gephi and Cytoscape (node label/type/degree, edge trials/relation)."""
    with _open(store_dir) as store:
        if fmt in ("graphml", "gexf"):
            from kg.analyze import combined, project, write_network

            g = combined(store.oxigraph) if network == "all" else project(store.oxigraph, network)
            changed = write_network(g, output, fmt)
        else:
            from kg.export import export

            changed = export(store.oxigraph, output, fmt, with_ontology)
    if changed:
        err.print(f"warning: {changed} value(s) held control characters that {fmt} (XML) cannot hold; each was "
                  "written as U+FFFD (N-Triples, Turtle, N-Quads, TriG and JSON-LD keep them exactly)", style="yellow")
    err.print(f"wrote {output} ({fmt})")


@main.command()
@store_option
@click.option("--network", type=click.Choice(NETWORK_CHOICES), default="all", show_default=True)
@click.option("--top", type=int, default=10, show_default=True, help="How many central nodes to list.")
@click.option("--json", "as_json", is_flag=True, help="Print each network's headline as JSON.")
def analyze(store_dir: str | None, network: str, top: int, as_json: bool) -> None:
    """Network headline: most central drugs and sponsors (degree, betweenness), components, communities."""
    from dataclasses import asdict

    from kg.analyze import NETWORKS, headline, project

    with _open(store_dir) as store:
        if as_json:
            heads = [asdict(headline(project(store.oxigraph, name), top)) for name in NETWORKS if network in ("all", name)]
            for head in heads:
                head["top_degree"] = [{"label": lab, "type": kind, "degree": d} for lab, kind, d in head["top_degree"]]
                head["top_betweenness"] = [{"label": lab, "type": kind, "betweenness": b}
                                           for lab, kind, b in head["top_betweenness"]]
            _print_json(heads)
            return
        for name in NETWORKS if network == "all" else (network,):
            h = headline(project(store.oxigraph, name), top)
            out.print(f"[bold]{name}[/]: {h.nodes:,} nodes, {h.edges:,} links, {h.components:,} connected components "
                      f"(largest {h.largest_component:,}), {h.communities:,} communities")
            table = Table()
            for column in ("by degree", "type", "degree", "by betweenness", "type ", "betweenness"):
                table.add_column(column)
            for (l1, t1, d), (l2, t2, b) in zip(h.top_degree, h.top_betweenness):
                table.add_row(l1[:50], t1, str(d), l2[:50], t2, f"{b:.3f}")
            out.print(table)


@main.command()
@click.argument("network", type=click.Choice(["sponsor-drug", "drug-drug", "trial-trial", "sponsor-site"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="A .png, .svg or .html (interactive, self-contained) file.")
@store_option
@click.option("--around", help="Draw the neighbourhood of this drug, target, sponsor or trial (any spelling).")
@click.option("--min-trials", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --around: only neighbours sharing at least this many trials.")
@click.option("--top", type=click.IntRange(min=1), default=30, show_default=True,
              help="With --around: the neighbours sharing most trials, at most this many.")
@click.option("--labels", type=int, default=25, show_default=True, help="Whole network: label this many of the best connected nodes.")
def plot(network: str, output: str, store_dir: str | None, around: str | None, min_trials: int, top: int, labels: int) -> None:
    """Draw a network: the neighbourhood of one drug, target, sponsor or trial (--around), or the whole network's
    largest connected part; size by degree, colour by type with a legend, labels cut at a word; PNG, SVG or HTML."""
    from kg.analyze import project
    from kg.plot import around as drawn_around, plot as draw
    from kg.resolve.drugs import DrugResolver, Learned

    with _open(store_dir) as store:
        if around:  # only the edges around it, as the browser view draws it (the same nodes, edges and labels, tested)
            near = drawn_around(store.oxigraph, network, around, DrugResolver(learned=Learned(store.learned_aliases)),
                                min_trials, top)
            if near is None:
                raise KGError(f"--around {around!r} names nothing in the {network} network (a drug, target, sponsor or trial)")
            g = near
        else:
            g = project(store.oxigraph, network)
    draw(g, output, labels)
    err.print(f"wrote {output}")


@main.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["drug", "sponsor", "condition", "target"]), default="drug", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per text).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Also use aliases learned from the records in this store.")
def resolve(texts: tuple[str, ...], kind: str, as_json: bool, store_dir: str | None) -> None:
    """Resolve drug, sponsor, condition or target names to canonical entities, saying how (method, score).

    Works without a store (the shipped dictionaries); with --store it also uses the aliases that
    ingested records gave (interventions' other names). A combination gives one match per drug;
    an ambiguous name lists every candidate and links none; a drug class ("PD-1 inhibitor", "EGFR-TKI")
    has status class, with the class and its members; a target (PD-1, PDCD1, CD279) resolves to its HGNC gene.
    """
    if kind == "drug":
        from kg.resolve.drugs import DrugResolver, drug_details

        learned = {}
        if store_dir:
            with _open(store_dir) as store:
                learned = store.learned_aliases()
        resolver = DrugResolver(learned=learned)
        results = [resolver.resolve(t).to_dict(drug_details) for t in texts]
    elif kind == "target":
        from kg.resolve.targets import target_details, target_result

        results = [target_result(t).to_dict(target_details) for t in texts]
    elif kind == "sponsor":
        from kg.resolve.sponsors import resolve_sponsor, sponsor_details

        results = [resolve_sponsor(t).to_dict(sponsor_details) for t in texts]
    else:
        from kg.resolve.conditions import resolve_condition

        results = [resolve_condition(t).to_dict() for t in texts]
    if as_json:
        _print_json(results)
        return
    table = Table(title=f"kg resolve --kind {kind}")
    for column in ("text", "status", "id", "label", "method", "score", "parents / note"):
        table.add_column(column, overflow="fold")
    for r in results:
        matches = r["matches"] or [{}]
        if "class" in r:  # a drug class: the class, then its members
            matches = [r["class"]] + matches
        for k, m in enumerate(matches):
            detail = " > ".join(p["label"] for p in m.get("parents") or ()) or (r.get("note") or "" if k == 0 else "")
            table.add_row(r["text"] if k == 0 else "", r["status"] if k == 0 else "", m.get("id", ""), m.get("label", ""),
                          m.get("method", ""), f"{m['score']:.2f}" if "score" in m else "", detail)
    out.print(table)


ALIAS_QUERIES = {"drug": ("aliases-of", "unresolved-interventions"), "sponsor": ("sponsor-aliases", "unresolved-sponsors"),
                 "condition": ("condition-aliases", "unresolved-conditions")}


@main.command()
@click.argument("name", required=False)
@click.option("--kind", type=click.Choice(["drug", "sponsor", "condition", "target"]), default="drug", show_default=True)
@store_option
@click.option("--unresolved", is_flag=True, help="List the names of this kind that resolved to nothing, most frequent first.")
@click.option("--limit", type=int, default=100, show_default=True)
def aliases(name: str | None, kind: str, store_dir: str | None, unresolved: bool, limit: int) -> None:
    """Alias curation: every name of NAME (any spelling) with its source, or the --unresolved names.

    Drugs: the labels of the drug (the same as ``kg query aliases-of``); sponsors: each spelling that resolved to
    the organisation, with method, score and source; conditions: each stated condition that resolved to the MeSH
    condition; targets: the names of the target in the shipped HGNC table (no store needed).
    """
    from kg import query as q

    if not unresolved and not name:
        raise click.UsageError("give a NAME, or --unresolved")
    if kind == "target":
        if unresolved:
            raise click.UsageError("targets are a shipped table: there are no unresolved target names in the store")
        from kg.resolve.targets import resolve_target

        found = resolve_target(name or "")
        if found is None:
            raise KGError(f"{name!r} names no known target (HGNC symbol, id or common name)")
        _print_rows(["name", "kind"], [[found.symbol, "HGNC symbol"], [found.hgnc_id, "HGNC id"], [found.name, "HGNC name"],
                                       *([n, "other name"] for n in found.names)], "table")
        return
    named = q.get(ALIAS_QUERIES[kind][1 if unresolved else 0])
    with _open(store_dir) as store:
        binder = q.Binder(store=store.oxigraph, learned=store.learned_aliases)
        text, bindings = q.prepare(named, {} if unresolved or name is None else {named.params[0].name: name}, binder)
        columns, data = q.select(store.oxigraph, text + (f"\nLIMIT {int(limit)}" if unresolved else ""), bindings)
    for note in binder.notes:
        err.print(f"note: {note}", style="yellow")
    _print_rows(columns, data, "table")


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=str), help="Run a query from a .rq file.")
@click.option("--sparql", help="Run this SPARQL query text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--endpoint", help="Run against a remote SPARQL endpoint instead of the store.")
@click.option("--sort", help="Sort by this column ('-' before it: descending).")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@click.option("--offset", type=int, default=0, show_default=True, help="Skip this many rows first.")
@store_option
def query(name: str | None, params: tuple[str, ...], query_file: str | None, sparql: str | None, fmt: str,
          list_queries: bool, endpoint: str | None, sort: str | None, limit: int | None, offset: int,
          store_dir: str | None) -> None:
    """Run a named query (see --list), a query file, or SPARQL text over the store (union of all graphs).

    Parameters are bound as RDF terms, never pasted into the query: a drug parameter takes any
    spelling (JS-001, Tuoyi, toripalimab) and is resolved first.
    """
    from kg import query as q

    if list_queries:
        table = Table(title="named queries (kg query NAME --param key=value)")
        for column in ("name", "parameters", "returns", "what it answers"):
            table.add_column(column, overflow="fold")
        for nq in q.named_queries().values():
            ps = ", ".join(f"{p.name}:{p.type}{'?' if p.optional else ''}" for p in nq.params) or "-"
            table.add_row(nq.name, ps, nq.returns, nq.description)
        out.print(table)
        return
    if sum(x is not None for x in (name, query_file, sparql)) != 1:
        raise click.UsageError("give one of: a query NAME, --file FILE, --sparql TEXT (or --list)")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param takes KEY=VALUE (got {item!r})")
        values[key.strip()] = value
    if name:
        named = q.get(name)
    else:
        text = Path(query_file).read_text(encoding="utf-8") if query_file else sparql or ""
        named = q.NamedQuery("ad-hoc", "", tuple(q.Param(k, "string", True, "") for k in values), "", text)
    if endpoint:
        from kg.remote import remote_rows

        binder = q.Binder()
        text, bindings = q.prepare(named, values, binder)
        columns, data = remote_rows(endpoint, q.paged(q.with_values(text, bindings), sort, limit, offset))
    else:
        with _open(store_dir) as store:

            binder = q.Binder(store=store.oxigraph, learned=store.learned_aliases)
            text, bindings = q.prepare(named, values, binder)
            columns, data = q.select(store.oxigraph, q.paged(q.with_values(text, bindings), sort, limit, offset))
    if sort is not None and sort.removeprefix("-") not in columns:
        raise KGError(f"--sort {sort!r}: the query has no column {sort.removeprefix('-')!r} (columns: {', '.join(columns)})")
    for note in binder.notes:
        err.print(f"note: {note}", style="yellow")
    _print_rows(columns, data, fmt, binder.notes)


@main.command()
@click.option("--drug", help="A drug in any spelling (code, brand, INN).")
@click.option("--target", help="A molecular target: HGNC symbol or id, or a common name (PD-1, CD279).")
@click.option("--drug-class", "drug_class", help="A drug class (PD-1 inhibitor, EGFR-TKI, platinum-based chemotherapy).")
@click.option("--condition", help="A condition: its trials and those of narrower MeSH conditions.")
@click.option("--sponsor", help="A sponsor or collaborator in any spelling.")
@click.option("--subsidiaries", is_flag=True, help="With --sponsor: also the trials of its subsidiaries.")
@click.option("--lead-only", is_flag=True, help="With --sponsor: as lead sponsor only.")
@click.option("--country", help="A country name or ISO code (a site there, or stated).")
@click.option("--city", help="A site's city, however spelled (Beijing, beijing-shi).")
@click.option("--site", help="Words of a site's name (Fudan University Shanghai Cancer Center).")
@click.option("--phase", help="PHASE1 ... PHASE4, EARLY_PHASE1, NA (or 'Phase 2').")
@click.option("--status", help="RECRUITING, COMPLETED ... (or 'not yet recruiting').")
@click.option("--study-type", "study_type", help="INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS.")
@click.option("--start-from", help="Start date on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--start-to", help="Start date on or before.")
@click.option("--completion-from", help="Primary completion on or after.")
@click.option("--completion-to", help="Primary completion on or before.")
@click.option("--enrollment-min", type=int)
@click.option("--enrollment-max", type=int)
@click.option("--has-results/--no-results", "has_results", default=None, help="Only trials with (or without) posted results.")
@click.option("--registry", help="A source family: ctgov, isrctn, euctr, ctis, page-veeva, page-generic ...")
@click.option("--sort", default="nct_id", show_default=True, help="nct_id, start_date or enrollment; a leading - for descending.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--count", "count_only", is_flag=True, help="Print the number of matching trials only.")
@click.option("--facets", is_flag=True, help="Also counts per phase, status, country, sponsor and drug of the matching trials.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "jsonl"]), default="table", show_default=True)
@store_option
def trials(store_dir: str | None, fmt: str, sort: str, limit: int, offset: int, count_only: bool, facets: bool,
           subsidiaries: bool, lead_only: bool, **filters) -> None:
    """Trials matching every filter given, one row each (NCT id, title, status, phases, lead sponsor, start date and
    its type, primary completion, enrollment and its type, conditions, drugs, countries, sites), sorted and paged.

    Each filter is resolved first (a note when it names nothing); a filter holds when any source of the trial states it.
    """
    from kg import query as q
    from kg.trials import COLUMNS, Filters, trials as find

    with _open(store_dir) as store:
        binder = q.Binder(store=store.oxigraph, learned=store.learned_aliases)
        answer = find(store.oxigraph, Filters(subsidiaries=subsidiaries, lead_only=lead_only, **filters), binder, sort=sort,
                      limit=limit, offset=offset, count_only=count_only, facets=facets)
    for note in answer.notes:
        err.print(f"note: {note}", style="yellow")
    if count_only:
        sys.stdout.write(f"{answer.count}\n")
        return
    if fmt == "json":
        body = {"count": answer.count, "rows": answer.rows, "notes": answer.notes}
        if facets:
            body["facets"] = {k: [{"value": v, "trials": n} for v, n in vals] for k, vals in answer.facets.items()}
        _print_json(body)
        return
    if fmt == "jsonl":
        sys.stdout.write("".join(orjson.dumps(r).decode() + "\n" for r in answer.rows))
        return
    _print_rows(list(COLUMNS), [[r[c] for c in COLUMNS] for r in answer.rows], fmt)
    if fmt == "table":
        out.print(f"{answer.count} trial(s) match; rows {offset + 1 if answer.rows else 0}-{offset + len(answer.rows)}")
        for facet, values in answer.facets.items():
            out.print(f"{facet}: " + ", ".join(f"{v} {n}" for v, n in values[:10]))


def _print_rows(columns: list[str], data: list[list], fmt: str, notes: list[str] | None = None) -> None:
    """Rows as a table, CSV, TSV or JSON (``{"columns", "rows": [{column: value}], "notes"}``)."""
    if fmt == "json":
        body = {"columns": columns, "rows": [dict(zip(columns, r)) for r in data], "notes": notes or []}
        _print_json(body)
    elif fmt in ("csv", "tsv"):
        import csv

        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in r] for r in data])
    else:
        table = Table(title=f"{len(data)} row(s)")
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in data:
            table.add_row(*[Text("" if v is None else str(v)) for v in r])  # values as text, never as markup
        out.print(table)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port (0 picks a free one).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds from a query's arrival to its answer (waiting for a free worker included).")
@click.option("--max-result-mb", type=click.FloatRange(min=0.001), default=50.0, show_default=True,
              help="Largest result to send.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Query worker processes.")
@click.option("--queue", "queue_size", type=click.IntRange(min=0), default=32, show_default=True,
              help="Queries that may wait for a free worker; past that, 503 at once.")
def serve(store_dir: str | None, host: str, port: int, timeout: float, max_result_mb: float, workers: int,
          queue_size: int) -> None:
    """A read-only SPARQL 1.1 endpoint at /sparql over the store (GET and POST, content negotiation), and the
    browser view at / (search, drug, trial, sponsor, condition pages; entity IRIs under /id/).

    Updates and SERVICE are refused; a query past --timeout is cut off. On loopback, requests whose Host or
    Origin names another host are refused (DNS rebinding).
    """
    from kg.serve import Limits, serve as run_server

    with _open(store_dir) as store:
        path = store.path
    limits = Limits(timeout=timeout, max_bytes=int(max_result_mb * 1024 * 1024), queue=queue_size)

    def ready(url: str) -> None:
        out.print(f"SPARQL endpoint listening on {url} (read-only; Ctrl-C to stop); browser view on {url.removesuffix('sparql')}",
                  highlight=False)
        sys.stdout.flush()

    try:
        run_server(path, host, port, workers, limits, on_ready=ready)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@main.command()
@store_option
@click.option("--endpoint", required=True,
              help="The server's SPARQL 1.1 Graph Store endpoint, e.g. http://host:8890/sparql-graph-crud-auth (Virtuoso), "
                   "http://host:3030/DATASET/data (Fuseki).")
@click.option("--user", help="User name (HTTP Basic or Digest authentication, as the server asks).")
@click.option("--password", envvar="KG_PUSH_PASSWORD", help="Password (or set $KG_PUSH_PASSWORD).")
@click.option("--connections", type=int, default=4, show_default=True, help="Graphs sent at once.")
def push(store_dir: str | None, endpoint: str, user: str | None, password: str | None, connections: int) -> None:
    """Upload the store to a SPARQL server, one named graph per source document (SPARQL 1.1 Graph Store Protocol).

    Each graph is PUT, replacing the server's copy: pushing again after an ingest updates the server.
    Query the server with: kg query NAME --endpoint ITS_SPARQL_URL.
    """
    from kg.push import GraphStoreClient, push_store

    client = GraphStoreClient(endpoint, user, password)
    with _open(store_dir) as store, progress_bar("push", "graphs", len(list(store.oxigraph.named_graphs()))) as advance:
        report = push_store(store.oxigraph, client, connections, on_graph=lambda _: advance(1))
    out.print(_counts_table(f"kg push -> {endpoint}", {
        "named graphs sent": report.graphs, "triples sent": report.triples,
        "megabytes sent": f"{report.bytes / 1e6:.1f}", "seconds": f"{report.seconds:.1f}",
        "triples/s": f"{report.triples / max(report.seconds, 1e-9):,.0f}"}))


@main.command()
@click.argument("nct_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: for each trial its sources and its facts by group.")
@click.option("--history", "with_history", is_flag=True,
              help="Every ingested version of each of the trial's sources and what changed between consecutive ones.")
@click.option("--at", "at_date", metavar="DATE", help="The trial as each source stated it on DATE (YYYY-MM-DD, YYYY-MM or YYYY): "
              "the version in effect then (the last one updated on or before it).")
@store_option
def show(nct_ids: tuple[str, ...], as_json: bool, with_history: bool, at_date: str | None, store_dir: str | None) -> None:
    """Trials as every source states them, every fact grouped (identification, status and dates with their types,
    design, eligibility, conditions with MeSH, arms, interventions with their drugs and how they resolved, sponsors
    with their organisations, sites, outcomes, people, related trials); each value with its source, the current
    value (from the source that states the latest update of the trial) marked with *. With --history: the versions
    and their changes instead; with --at: as the trial stood on a date."""
    from kg.trial_history import shown_json, statements_at

    if with_history and at_date is not None:
        raise KGError("--history and --at: give one of them")
    with _open(store_dir) as store:
        if with_history:
            _show_history(store.oxigraph, nct_ids, as_json)
            return
        if as_json:
            body = [shown_json(store.oxigraph, n, at_date) for n in nct_ids]
            _print_json(body if len(body) > 1 else body[0])
            return
        found = [(n, statements_at(store.oxigraph, n, at_date)) for n in nct_ids]
    for nct_id, rows in found:
        when = f" as of {at_date}" if at_date else ""
        table = Table(title=f"{nct_id.strip().upper()}{when}: * = current value (from the most recently updated source)")
        for column in ("group", "field", "", "value", "source", "source updated"):
            table.add_column(column, overflow="fold")
        group = None
        for s in rows:
            table.add_row(s.group if s.group != group else "", s.field, "*" if s.current else "", Text(s.value),
                          _graph_name(s.source), s.source_updated)
            group = s.group
        out.print(table)


def _show_history(db, nct_ids: tuple[str, ...], as_json: bool) -> None:
    """``kg show --history``: the versions of each trial's sources and the changes between them."""
    from kg.trial_history import as_json as history_json
    from kg.trial_history import changes, versions

    found = [(n.strip().upper(), versions(db, n)) for n in nct_ids]
    if as_json:
        body = [history_json(n, vs) for n, vs in found]
        _print_json(body if len(body) > 1 else body[0])
        return
    for nct_id, vs in found:
        table = Table(title=f"{nct_id}: versions (* = the source's graph today; the others are kept whole)")
        for column in ("source", "", "updated", "ingested", "sha256", "path"):
            table.add_column(column, overflow="fold")
        for v in vs:
            table.add_row(_graph_name(v.source), "*" if v.current else "", v.updated, v.ingested, v.sha256[:12], Text(v.path))
        out.print(table)
        table = Table(title=f"{nct_id}: changes between consecutive versions")
        for column in ("source", "to version updated", "field", "from", "to"):
            table.add_column(column, overflow="fold")
        for c in changes(vs):
            table.add_row(_graph_name(c.source), c.to_updated or c.to_ingested, c.field, Text(c.old), Text(c.new))
        out.print(table)


def _graph_name(graph: str) -> str:
    from kg import iris

    return graph.removeprefix(iris.GRAPH)


def run() -> None:
    """Entry point that turns any product error into one line and exit code 2, and any other failure (a bug) into
    one line naming it and exit code 3 (``KG_DEBUG=1`` shows its traceback). Output cut short by a closed pipe
    (``kg extract ... | head``) ends quietly with exit code 1: click's standalone mode handles it."""
    try:
        main(standalone_mode=True)
    except KGError as exc:
        report_error(str(exc))
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug is still one line, not a traceback
        if os.environ.get("KG_DEBUG"):
            raise
        report_error(f"unexpected {type(exc).__name__}: {exc} (a bug in trialkg; KG_DEBUG=1 shows the traceback)")
        sys.exit(3)
