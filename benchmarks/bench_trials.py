"""``kg trials`` on a built store (issue 18: three filters, first page, < 1 s in process and < 1.5 s from the command
line at 100k studies): the staged evaluation ``kg.trials`` uses against one query joining every filter's pattern (the
baseline, the way it was before staging; both with the filters' terms inlined), in the same run on the same store, with
their answers compared; the named query ``trials`` (one SPARQL text for any endpoint), its first page; and ``kg serve``'s
``/trials`` (the same filters, evaluated by ``kg.trials`` in the server's worker), its first page over HTTP.

    python benchmarks/bench_trials.py STORE [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg import query as q
from kg import trials as kt
from kg.serve import Limits, start_in_thread
from kg.store import TrialStore

FILTER_SETS = [{"target": "PD-1", "condition": "Non-small cell lung cancer", "country": "China"},
               {"drug": "pembrolizumab", "phase": "Phase 3", "status": "recruiting"},
               {"sponsor": "Merck Sharp & Dohme LLC", "country": "United States", "start_from": "2015"}]


def one_join(store, filters: kt.Filters, binder: q.Binder) -> int:
    """The baseline: every filter's pattern joined in one query, as ``kg trials`` did before."""
    patterns, bindings = kt._where(filters, binder)
    return len(q.select(store, kt.joined_query(patterns, bindings))[1])


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as resp:
        return resp.read()


def median_seconds(fn, runs: int) -> tuple[float, object]:
    result, times = fn(), []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with TrialStore(args.store, read_only=True) as store:
        db, binder = store.oxigraph, q.Binder(store=store.oxigraph)
        for given in FILTER_SETS:
            filters = kt.Filters(**given)
            ours, answer = median_seconds(lambda f=filters: kt.trials(db, f, binder, limit=50), args.runs)
            base, count = median_seconds(lambda f=filters: one_join(db, f, binder), args.runs)
            assert answer.count == count, (given, answer.count, count)  # type: ignore[attr-defined]
            print(f"{given}: {count} trials; first page in {ours:.3f} s (one-query join: {base:.3f} s, "
                  f"{base / max(ours, 1e-9):.1f}x)")
        named = q.get("trials")  # the named query: what kg serve and --endpoint answer
        names = {p.name for p in named.params}
        for given in (g for g in FILTER_SETS if set(g) <= names):
            text, bindings = q.prepare(named, dict(given), binder)
            page, got = median_seconds(lambda t=text, b=bindings: q.select(db, q.paged(t, limit=50), b), args.runs)
            whole = len(q.select(db, text, bindings)[1])
            expected = kt.trials(db, kt.Filters(**given), binder, count_only=True).count
            assert whole == expected, (given, whole, expected)
            print(f"named query trials {given}: {whole} trials; first page in {page:.3f} s")
    url, stop = start_in_thread(args.store, Limits(timeout=600.0), workers=1)  # kg serve's /trials, in its worker
    try:
        for given in FILTER_SETS:
            query = "&".join(f"{k}={urllib.parse.quote(v)}" for k, v in given.items()) + "&limit=50"
            served, body = median_seconds(lambda qs=query: _fetch(url.rsplit("/", 1)[0] + "/trials?" + qs), args.runs)
            print(f"kg serve /trials {given}: {json.loads(body)['count']} trials; first page in {served:.3f} s")  # type: ignore[arg-type]
    finally:
        stop()
    for given in FILTER_SETS[:1]:
        cmd = [sys.executable, "-m", "kg", "trials", "--store", str(args.store), "--format", "json",
               *[a for k, v in given.items() for a in (f"--{k.replace('_', '-')}", v)]]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        shown = " ".join(cmd[8:])
        print(f"kg trials {shown}: {statistics.median(times):.2f} s from the command line, start-up included")


if __name__ == "__main__":
    main()
