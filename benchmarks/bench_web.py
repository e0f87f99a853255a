"""The browser view's pages on a built store (issue 22: each page's queries <= 300 ms at 100k studies): each page's
time over HTTP from a ``kg serve`` worker (median and worst of ``--runs``, after one warm-up), beside the baseline
measured in the same run: the same trial table as JSON from ``/trials`` (the page's first page of trials, without
its other sections, its filter values and its rendering). The ratio is page / baseline.

    python benchmarks/bench_web.py STORE [--runs 5] [--settle 60]

A worker reads its snapshot's trial index (the sort values) in a thread when it starts; the first target page is
timed at once (before the index is read), then the run waits ``--settle`` seconds for it and times every page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.serve import Limits, start_in_thread

# (page, the /trials parameters of its trial table, or None for a page without one)
PAGES = [
    ("/search?q=JS-001", None),
    ("/search.json?q=pembro", None),
    ("/drug/DPT0O3T46P", {"drug": "pembrolizumab"}),  # pembrolizumab: the drug with the most trials
    ("/target/PDCD1", {"target": "PDCD1"}),
    ("/class/pd-1-inhibitor", {"drug_class": "PD-1 inhibitor"}),
    ("/sponsor?name=" + urllib.parse.quote("Merck Sharp & Dohme LLC"), {"sponsor": "Merck Sharp & Dohme LLC"}),
    ("/condition/D002289", {"condition": "Carcinoma, Non-Small-Cell Lung"}),
    ("/trial/{first}", None),  # the first trial of the store
    ("/network?around=toripalimab", None),  # sponsor-drug neighbourhood
    ("/network?around=toripalimab&network=drug-drug", None),  # the drugs given with it in one arm or combination
    ("/query?example=trials-by-drug", None),  # the SPARQL editor with a named query (not run)
]


def _timed(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as resp:
        status = resp.status
        resp.read()
    return time.perf_counter() - start, status


def _times(url: str, runs: int) -> list[float]:
    _timed(url)  # warm-up: the worker's first use of the dictionaries
    return [_timed(url)[0] for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=60.0)
    args = parser.parse_args()
    url, stop = start_in_thread(args.store, Limits(timeout=600.0), workers=1)
    base = url.removesuffix("/sparql")
    try:
        cold = _timed(base + "/target/PDCD1")[0]
        print(f"first request of the worker (/target/PDCD1, trial index not read yet): {cold:.3f} s", flush=True)
        time.sleep(args.settle)
        print(f"{'page':58} {'median s':>9} {'worst s':>8} {'/trials s':>9} {'ratio':>6}")
        with urllib.request.urlopen(base + "/trials?limit=1", timeout=600) as resp:
            first = json.loads(resp.read())["rows"][0]["nct_id"]
        for path, table in PAGES:
            path = path.format(first=first)
            page = _times(base + path, args.runs)
            line = f"{path[:58]:58} {statistics.median(page):9.3f} {max(page):8.3f}"
            if table:
                json_times = _times(base + "/trials?" + urllib.parse.urlencode(table | {"limit": 25, "sort": "-start_date"}), args.runs)
                line += f" {statistics.median(json_times):9.3f} {statistics.median(page) / statistics.median(json_times):5.1f}x"
            print(line, flush=True)
    finally:
        stop()


if __name__ == "__main__":
    main()
