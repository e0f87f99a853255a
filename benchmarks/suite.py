"""The benchmark suite: scaled real records through the whole product, against a plain-rdflib baseline,
written to ``benchmarks/RESULTS.md``.

For each size (default 10,000 and 100,000 studies, made by ``generate.py`` from the real records):
- ingest: ``kg build --validate`` (parse, resolve, build, validate each document as it is built, store; all
  cores) in its own process: studies/s, peak RSS of the process and its workers (sampled from /proc), store
  size on disk;
- every named query on the store: median and p95 latency (parameters resolved as ``kg query`` does);
- validation of every document in the store: the shacl engine on all cores (pyshacl, the reference, on a sample);
- the baseline, in a separate process capped at 12 GB of address space and a time limit: the same records
  parsed and built by trialkg, added to an in-memory ``rdflib.Dataset`` (named graphs), the same queries with rdflib's
  SPARQL engine, pyshacl on the whole graph. Where it does not finish, RESULTS.md says so.
Also: resolution time per drug name, and a per-phase profile of the ingest (where the time goes).

    python benchmarks/suite.py [--sizes 10000 100000] [--work DIR] [--baseline-max N] [--validate-max N]
                               [--render-only]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, real_studies, update_batch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PARAMS = {"trials-by-drug": {"drug": "BGB-A317"}, "sponsors-by-drug": {"drug": "tislelizumab"},
          "drugs-by-sponsor": {"sponsor": "BeiGene"}, "trials-by-condition": {"condition": "Non-small cell lung cancer"},
          "trials-by-country": {"country": "China", "phase": "PHASE3"}, "sites-of-trial": {"trial": "NCT90000001"},
          "related-trials": {"trial": "NCT90000001", "hops": "2"}, "co-tested-drugs": {"drug": "Tevimbra"},
          "aliases-of": {"drug": "tislelizumab"}, "condition-aliases": {"condition": "NSCLC"},
          "sponsor-aliases": {"sponsor": "BeiGene"}, "trials-by-target": {"target": "PD-1"},
          "drugs-by-target": {"target": "PD-1"}, "sponsors-by-target": {"target": "TIGIT"},
          "trials-by-drug-class": {"drug_class": "PD-1 inhibitor"}}
# trial-counts-by-country, data-quality, sponsor-drug-network, the unresolved-* reports: no parameter
TRIALS_FILTERS = {"target": "PD-1", "condition": "Non-small cell lung cancer", "country": "China"}  # kg trials, 3 filters
LOOKUPS = {"trials-by-drug", "sites-of-trial", "aliases-of", "related-trials"}  # target: median < 100 ms
AGGREGATES = {"trial-counts-by-country", "sponsor-drug-network"}  # target: < 1 s at 100k, < 3 s at 550k
# every other named query is a listing or a curator's report, measured without a target
BASELINE_MEMORY = 12 << 30
BASELINE_SECONDS = 600
UPDATE = 1_000  # studies in the measured daily update


# -- measuring a process tree -----------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:")) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_measured(cmd: list[str], timeout: float | None = None, limit: int | None = None) -> dict:
    """Run ``cmd``; wall seconds, peak RSS of its process tree, exit code, stdout."""
    def cap() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, preexec_fn=cap)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.25)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, errors = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, errors = proc.communicate()
        code = "timeout"
    stop.set()
    sampler.join()
    return {"seconds": time.perf_counter() - start, "peak_rss": peak, "code": code, "stdout": out, "stderr": errors[-2000:]}


# -- the product ------------------------------------------------------------------------------
def query_latencies(store_dir: Path, runs: int = 9, budget: float = 30.0) -> dict[str, dict]:
    """Median and p95 of up to ``runs`` timed runs per named query (fewer, at least 3, past ``budget`` s; one
    run, not repeated, for a query that takes over a third of the budget)."""
    from kg import query as q
    from kg.store import TrialStore

    out = {}
    with TrialStore(store_dir, read_only=True) as store:
        binder = q.Binder()
        for name, nq in q.named_queries().items():
            times, rows = [], 0
            for k in range(runs + 1):
                t = time.perf_counter()
                text, bindings = q.prepare(nq, PARAMS.get(name, {}), binder)
                rows = len(q.select(store.oxigraph, text, bindings)[1])
                took = time.perf_counter() - t
                if k or took > budget / 3:  # the first run warms caches, unless it alone is long enough
                    times.append(took)
                    if (len(times) >= 3 and sum(times) > budget) or took > budget / 3:
                        break
            out[name] = {"median": statistics.median(times), "p95": sorted(times)[int(0.95 * (len(times) - 1))],
                         "rows": rows}
    return out


def trials_latency(store_dir: Path, runs: int = 5) -> dict:
    """``kg trials`` with three filters (``TRIALS_FILTERS``), its first page of 50: in process (as ``kg serve`` runs
    it, the store open and the resolver loaded) and from the command line, process start-up included."""
    from kg import query as q
    from kg.store import TrialStore
    from kg.trials import Filters, trials

    with TrialStore(store_dir, read_only=True) as store:
        binder = q.Binder(store=store.oxigraph)
        times, count = [], 0
        for k in range(runs + 1):
            t = time.perf_counter()
            answer = trials(store.oxigraph, Filters(**TRIALS_FILTERS), binder, limit=50)
            if k:
                times.append(time.perf_counter() - t)
            count = answer.count
    args = [a for k, v in TRIALS_FILTERS.items() for a in (f"--{k.replace('_', '-')}", v)]
    cli = [run_measured([sys.executable, "-m", "kg", "trials", "--store", str(store_dir), *args, "--format", "json"])
           for _ in range(3)]
    return {"in_process_median": statistics.median(times), "count": count,
            "cli_median": statistics.median(c["seconds"] for c in cli)}


def validation(store_dir: Path, sample: int = 500) -> dict:
    """Seconds to validate every document of the store with the shacl engine (the default), and pyshacl's on the
    first ``sample`` documents."""
    from kg.store import TrialStore
    from kg.validation.documents import document_graphs, validate_store

    with TrialStore(store_dir, read_only=True) as store:
        graphs = document_graphs(store.oxigraph)
        t = time.perf_counter()
        findings = validate_store(store.read_path, graphs)
        out = {"documents": len(graphs), "shacl_seconds": time.perf_counter() - t, "findings": len(findings)}
        t = time.perf_counter()
        validate_store(store.read_path, graphs[:sample], engine_name="pyshacl")
        out |= {"pyshacl_sample": min(sample, len(graphs)), "pyshacl_sample_seconds": time.perf_counter() - t}
    return out


def resolution_per_name(data: Path) -> dict:
    from kg.resolve.drugs import DrugResolver

    names = sorted({i.get("name", "") for s in real_studies(data)
                    for i in s["protocolSection"].get("armsInterventionsModule", {}).get("interventions", [])
                    if i.get("type") in ("DRUG", "BIOLOGICAL")} - {""})
    resolver = DrugResolver()
    times = []
    for name in names:
        t = time.perf_counter()
        resolver.resolve(name)
        times.append(time.perf_counter() - t)
    return {"names": len(names), "median_ms": statistics.median(times) * 1e3,
            "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))] * 1e3}


def phase_profile(shard: Path, n: int = 2000) -> dict:
    """Seconds per 1,000 studies of each ingest phase, one process, on the first ``n`` studies."""
    import itertools

    import pyoxigraph as ox
    from kg.build import BuildOptions, prepared_document, record_quads
    from kg.resolve.drugs import DrugResolver
    from kg.resolve.linker import InterventionLinker
    from kg.sources.reader import read_paths
    from kg.validation.documents import validate_quads

    t = time.perf_counter()
    records = list(itertools.islice(read_paths([shard]), n))
    parse = time.perf_counter() - t
    options = BuildOptions(resolver=InterventionLinker(DrugResolver()))
    t = time.perf_counter()
    built = [record_quads(r, options) for r in records]
    docs = [prepared_document(doc, quads) for doc, quads in built]
    build = time.perf_counter() - t
    t = time.perf_counter()
    for doc, quads in built:
        validate_quads(doc.graph, quads)
    check = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        store = ox.Store(tmp)
        t = time.perf_counter()
        store.bulk_load(b"".join(d.nquads for d in docs), format=ox.RdfFormat.N_QUADS)
        store.flush()
        write = time.perf_counter() - t
    k = 1000 / len(records)
    return {"studies": len(records), "quads_per_study": sum(d.quads for d in docs) / len(docs),
            "parse": parse * k, "resolve_and_build": build * k, "validate": check * k, "store_write": write * k}


# -- the baseline -----------------------------------------------------------------------------
BASELINE = r"""
import json, statistics, sys, time
import rdflib
from kg import query as q
from kg.build import BuildOptions, record_quads
from kg.resolve.drugs import DrugResolver
from kg.resolve.linker import InterventionLinker
from kg.sources.reader import read_paths
from kg.validation.documents import shapes_graph, subclass_axioms
sys.setrecursionlimit(10000)
def to_rdflib(term):
    if term.__class__.__name__ == "NamedNode":
        return rdflib.URIRef(term.value)
    if term.__class__.__name__ == "BlankNode":
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return rdflib.Literal(term.value) if dt.endswith("#string") else rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
src, params, budget = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
out = {}
def emit():
    print(json.dumps(out), flush=True)
t = time.perf_counter()
g = rdflib.Dataset(default_union=True)  # named graphs, as the queries use GRAPH ?g
options = BuildOptions(resolver=InterventionLinker(DrugResolver()))
n = quads_added = 0
for r in read_paths([src]):
    doc, quads = record_quads(r, options)
    ctx = g.graph(rdflib.URIRef(doc.graph))
    for x in quads:
        ctx.add((to_rdflib(x.subject), to_rdflib(x.predicate), to_rdflib(x.object)))
    n += 1
    quads_added += len(quads)
out["ingest_seconds"] = time.perf_counter() - t
out["studies"], out["triples"] = n, quads_added
emit()
binder = q.Binder()
for name, nq in q.named_queries().items():
    times = []
    for k in range(3):
        t = time.perf_counter()
        text, bindings = q.prepare(nq, params.get(name, {}), binder)
        list(g.query(q.with_values(text, bindings)))
        times.append(time.perf_counter() - t)
        if sum(times) > budget or times[-1] > 5:
            break
    out.setdefault("queries", {})[name] = statistics.median(times)
    emit()
from pyshacl import validate
t = time.perf_counter()
for ctx in list(g.graphs()):
    ctx.parse(data=subclass_axioms(), format="nt")
validate(g, shacl_graph=shapes_graph(), inference="none", allow_warnings=True)  # pyshacl: each named graph
out["validation_seconds"] = time.perf_counter() - t
emit()
"""


def baseline(source: Path, seconds: int = BASELINE_SECONDS) -> dict:
    got = run_measured([sys.executable, "-c", BASELINE, str(source), json.dumps(PARAMS), "30"],
                       timeout=seconds, limit=BASELINE_MEMORY)
    lines = [l for l in got["stdout"].splitlines() if l.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result.update(peak_rss=got["peak_rss"], code=got["code"], seconds=got["seconds"])
    if got["code"] not in (0, "timeout"):
        result["error"] = (got["stderr"].strip().splitlines() or ["?"])[-1]
    return result


# -- the report -------------------------------------------------------------------------------
def ratio(ours: float | None, theirs: float | None) -> str:
    return f"{theirs / ours:.1f}x" if ours and theirs else "-"


def write_results(path: Path, runs: dict[int, dict], extra: dict) -> None:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("pyoxigraph", "rdflib", "pyshacl", "rapidfuzz", "orjson"))
    sizes = sorted(runs)
    when = "; ".join(f"{size:,} studies on {runs[size].get('date', extra.get('date', '?'))} (commit "
                     f"{runs[size].get('commit', '?')})" for size in sizes)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/suite.py` (one run per size; sizes run: {when}). Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM, "
        f"{platform.platform()}; Python {platform.python_version()}; {versions}.",
        "",
        "Data: the 1,428 real ClinicalTrials.gov API v2 studies in `../shared/data`, scaled by `benchmarks/generate.py` "
        "(unique NCT ids; from the second round on, each study takes its lead sponsor, sites and interventions from other "
        "real studies). Baseline: the same records parsed and built by trialkg, held in memory by plain rdflib "
        "(`rdflib.Dataset(default_union=True)`, the in-memory store with the named graphs the queries use), "
        "queried with rdflib's SPARQL engine and validated by pyshacl on the whole dataset, in its own process capped at "
        f"{BASELINE_MEMORY >> 30} GB and {extra.get('baseline_seconds', BASELINE_SECONDS)} s. Ratios are baseline time / "
        "trialkg time (higher is better for trialkg). This machine's timings vary by about ±30% from run to run.",
        "",
        "## Ingest",
        "",
        "| studies | trialkg s | studies/s | peak RSS (MB) | store on disk (MB) | quads | baseline s | baseline peak RSS (MB) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        r, b = runs[size], runs[size].get("baseline")
        done = b.get("ingest_seconds") if b else None
        note = "not run" if not b else f"{done:.0f}" if done else f"did not finish ({b.get('error') or b.get('code')})"
        base = f"{b['peak_rss'] / 1e6:,.0f} | {ratio(r['ingest']['seconds'], done)}" if b else "- | -"
        lines.append(f"| {size:,} | {r['ingest']['seconds']:.0f} | {size / r['ingest']['seconds']:.0f} | "
                     f"{r['ingest']['peak_rss'] / 1e6:,.0f} | {r['disk'] / 1e6:,.0f} | {r['quads']:,} | {note} | {base} |")
    lines += ["", "Time after the documents are written (whole-store steps, also paid by a small update), and a day's update: "
              f"the first {UPDATE:,} studies again with a changed title (new versions replace the stored documents):", "",
              "| studies | " + " | ".join(FINISHING) + " | update of 1,000 studies s |", "|---:|" + "---:|" * (len(FINISHING) + 1)]
    for size in sizes:
        steps = _finishing(runs[size]["ingest"].get("report", {}))
        update = runs[size].get("update")
        cell = f"{update['seconds']:.0f}" if update else "not measured"
        lines.append(f"| {size:,} | " + " | ".join(f"{steps[k]:.1f}" if k in steps else "-" for k in FINISHING)
                     + f" | {cell} |")
    lines += ["", "## Named queries (median / p95 ms; baseline median ms)", "",
              "Kinds: *lookup* (target: median < 100 ms at 100k and 550k), *aggregate* (target: < 1 s at 100k, "
              "< 3 s at 550k), *report* (listings and curator reports, no target).", ""]
    header = "| query | kind | " + " | ".join(f"{s:,}: trialkg | {s:,}: baseline | ratio" for s in sizes) + " |"
    lines += [header, "|---|---|" + "---:|---:|---:|" * len(sizes)]
    names = sorted({name for size in sizes for name in runs[size]["queries"]},
                   key=lambda n: (n not in LOOKUPS, n not in AGGREGATES, n))
    for name in names:
        kind = "lookup" if name in LOOKUPS else "aggregate" if name in AGGREGATES else "report"
        cells = []
        for size in sizes:
            mine = runs[size]["queries"].get(name)
            theirs = (runs[size].get("baseline") or {}).get("queries", {}).get(name)
            base = f"{theirs * 1e3:.0f}" if theirs is not None else "not reached" if runs[size].get("baseline") else "not run"
            cells.append("not in this run | - | -" if mine is None else
                         f"{mine['median'] * 1e3:.1f} / {mine['p95'] * 1e3:.1f} ({mine['rows']} rows) | {base} | "
                         f"{ratio(mine['median'], theirs)}")
        lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
    lines += ["", "## kg trials (three filters: " + ", ".join(f"{k}={v}" for k, v in TRIALS_FILTERS.items()) + "; first page of 50)",
              "", "Targets at 100k: < 1 s inside `kg serve` (in process, store open), < 1.5 s from the command line "
              "(process start-up included).", "", "| studies | trials found | in process s | command line s |", "|---:|---:|---:|---:|"]
    for size in sizes:
        t = runs[size].get("trials")
        lines.append(f"| {size:,} | " + (f"{t['count']:,} | {t['in_process_median']:.2f} | {t['cli_median']:.2f} |" if t
                                         else "not measured | - | - |"))
    lines += ["", "## Validation (every document)", "",
              "In the ingest: findings of `kg build --validate` (each document validated by the shacl engine as it is "
              "built; its time is part of the ingest's). In the store: every document validated again, read back out "
              "of it (shacl engine).", "",
              "| studies | in the ingest: findings | documents in the store | shacl engine s | findings | "
              "pyshacl per document (sample) | pyshacl whole-graph baseline s | ratio (baseline / shacl engine) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        v, b = runs[size].get("validation"), runs[size].get("baseline") or {}
        in_ingest = _ingest_findings(runs[size]["ingest"].get("report", {}))
        if not v:
            lines.append(f"| {size:,} | {in_ingest} | - | not run at this size | - | - | - | - |")
            continue
        rate = v["pyshacl_sample_seconds"] / v["pyshacl_sample"] * v["documents"]
        base, mine = b.get("validation_seconds"), v.get("shacl_seconds")
        lines.append(f"| {size:,} | {in_ingest} | {v['documents']:,} | {f'{mine:.0f}' if mine else 'not run'} | "
                     f"{v['findings']:,} | "
                     f"{v['pyshacl_sample']:,} in {v['pyshacl_sample_seconds']:.0f} s (all: ~{rate:.0f} s) | "
                     f"{f'{base:.0f}' if base else 'did not finish' if b else 'not run'} | {ratio(mine, base)} |")
    res, prof = extra["resolution"], extra["profile"]
    lines += ["", "## Resolution", "",
              f"{res['names']:,} distinct DRUG/BIOLOGICAL intervention names of the real records: median "
              f"{res['median_ms']:.3f} ms, p95 {res['p95_ms']:.3f} ms per name (all tiers, fuzzy included).",
              "", "## Where the ingest time goes", "",
              f"One process, first {prof['studies']:,} generated studies ({prof['quads_per_study']:.0f} quads per study), "
              "seconds per 1,000 studies:", "",
              "| parse (read, decode, map) | resolve and build quads | validate (shacl engine) | store write (Oxigraph bulk load) |",
              "|---:|---:|---:|---:|",
              f"| {prof['parse']:.2f} | {prof['resolve_and_build']:.2f} | {prof.get('validate', float('nan')):.2f} | "
              f"{prof['store_write']:.2f} |", ""]
    lines += extra.get("notes", [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


FINISHING = ("record-alias links", "dictionary graph", "derived classes", "summary counts", "snapshot")


def _finishing(report: dict) -> dict[str, float]:
    """Seconds of each finishing step, from the ``of which STEP`` keys of a ``kg build --json`` report."""
    return {step: report[f"of which {step}"] for step in FINISHING if f"of which {step}" in report}


def _ingest_findings(report: dict) -> str:
    """"V violations, W warnings" from the keys ``kg build --validate --json`` adds to its report ("-" without them)."""
    if "violations" not in report:
        return "-"
    return f"{report['violations']:,} violations, {report['warnings (SHACL)']:,} warnings"


def _commit() -> str:
    got = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    return got.stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=None, help="Scratch folder (default: a temporary one).")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--notes", type=Path, default=REPO / "benchmarks" / "NOTES.md",
                        help="Hand-written analysis appended to RESULTS.md.")
    parser.add_argument("--baseline-max", type=int, default=100_000,
                        help="Run the rdflib baseline only up to this size (it runs out of memory before 100k).")
    parser.add_argument("--baseline-seconds", type=int, default=BASELINE_SECONDS)
    parser.add_argument("--validate-max", type=int, default=None, help="Validate the store only up to this size.")
    parser.add_argument("--fresh", action="store_true",
                        help="Forget the figures of earlier runs (by default a size not run now keeps them).")
    parser.add_argument("--render-only", action="store_true",
                        help="Write RESULTS.md again from the figures of the last runs (benchmarks/results.json).")
    args = parser.parse_args()
    raw = REPO / "benchmarks" / "results.json"
    saved = json.loads(raw.read_text(encoding="utf-8")) if raw.exists() and not args.fresh else {"runs": {}, "extra": {}}
    runs = {int(k): v for k, v in saved["runs"].items()}
    notes = args.notes.read_text(encoding="utf-8").splitlines() if args.notes.exists() else []
    if args.render_only:
        write_results(args.out, runs, saved["extra"] | {"notes": notes})
        print(f"wrote {args.out}")
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="trialkg-bench-"))
    first = work / f"data-{args.sizes[0]}"
    if not first.exists():
        generate(args.sizes[0], first, args.data)
    extra = {"resolution": resolution_per_name(args.data), "profile": phase_profile(sorted(first.glob("*.jsonl.gz"))[0]),
             "baseline_seconds": args.baseline_seconds}
    for size in args.sizes:
        data, store = work / f"data-{size}", work / f"store-{size}"
        shutil.rmtree(store, ignore_errors=True)
        if not data.exists():
            generate(size, data, args.data)
        print(f"[{size:,}] ingest", flush=True)
        ingest = run_measured([sys.executable, "-m", "kg", "build", str(data), "--store", str(store), "--validate",
                               "--json"])
        if ingest["code"] != 0:
            sys.exit(f"kg build failed: {ingest['stderr']}")
        from kg.store import TrialStore
        with TrialStore(store, read_only=True) as s:
            run = {"date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "commit": _commit(),
                   "ingest": {k: v for k, v in ingest.items() if k not in ("stdout", "stderr")}
                   | {"report": json.loads(ingest["stdout"])}, "disk": s.disk_bytes(), "quads": len(s)}
        print(f"[{size:,}] {ingest['seconds']:.0f} s; queries", flush=True)
        run["queries"] = query_latencies(store)
        run["trials"] = trials_latency(store)
        print(f"[{size:,}] an update of {UPDATE:,} studies", flush=True)
        update = update_batch(sorted(data.glob("*.jsonl.gz"))[0], UPDATE, work / f"update-{size}.jsonl.gz")
        got = run_measured([sys.executable, "-m", "kg", "build", str(update), "--store", str(store), "--json"])
        if got["code"] != 0:
            sys.exit(f"kg build (update) failed: {got['stderr']}")
        run["update"] = {"studies": UPDATE, "seconds": got["seconds"], "report": json.loads(got["stdout"])}
        if args.validate_max is None or size <= args.validate_max:
            print(f"[{size:,}] validation", flush=True)
            run["validation"] = validation(store)
        if size <= args.baseline_max:
            print(f"[{size:,}] baseline", flush=True)
            run["baseline"] = baseline(data, args.baseline_seconds)
        runs[size] = run
        shutil.rmtree(store, ignore_errors=True)
        print(json.dumps({k: v for k, v in run.items() if k != "ingest"}, default=str)[:2000], flush=True)
        raw.write_text(json.dumps({"runs": runs, "extra": extra}, indent=1, default=str), encoding="utf-8")
        write_results(args.out, runs, extra | {"notes": notes})  # after every size: a long run keeps what it measured
    print(f"wrote {args.out} and {raw}")


if __name__ == "__main__":
    main()
