"""Resolution benchmark: how many real drug names resolve, how fast, and what the index costs.

- Coverage: the share of distinct intervention names of type DRUG or BIOLOGICAL in all real records
  in ../shared/data that resolve to a drug, against a baseline measured in the same run: exact
  (case-insensitive) lookup of the name in the same FDA UNII names (the "exact match" anchor).
- Time per name: the median and p95 over names that resolve on the exact tier, and over names
  that reach the fuzzy tier (targets: < 0.1 ms exact, < 2 ms with fuzzy).
- Index: build time from the shipped files, load time from the cache, and the memory each takes
  (each measured in a fresh process).

    python benchmarks/bench_resolve.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

INDEX_CHILD = """
import sys, time, os
os.environ["XDG_CACHE_HOME"] = sys.argv[2]
from kg.resolve import dictionary
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
base = rss_mb()
t = time.perf_counter()
d = dictionary.load()  # an empty cache directory: builds and caches; a filled one: loads
dt = time.perf_counter() - t
print(dt, rss_mb() - base, len(d.by_name))
"""


def real_interventions(data: Path) -> dict:
    """Distinct DRUG/BIOLOGICAL interventions (name -> one Intervention) in the real records."""
    from kg.sources.reader import read_paths

    found: dict = {}
    for r in read_paths([data]):
        for i in getattr(r, "interventions", ()):
            if i.type in ("DRUG", "BIOLOGICAL"):
                found.setdefault(i.name, i)
    return found


def exact_baseline() -> set[str]:
    keys = set()
    with gzip.open(REPO / "data" / "drugs" / "unii-names.tsv.gz", "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            keys.add(line.rstrip("\n").split("\t")[2].casefold())
    return keys


def timed(fn, items: list[str], repeat: int = 3) -> list[float]:
    out = []
    for item in items:
        best = min(_once(fn, item) for _ in range(repeat))
        out.append(best * 1000)
    return out


def _once(fn, item: str) -> float:
    t = time.perf_counter()
    fn(item)
    return time.perf_counter() - t


def index_cost(mode: str, cache: str) -> tuple[float, float, int]:
    proc = subprocess.run([sys.executable, "-c", INDEX_CHILD, mode, cache], capture_output=True, text=True, cwd=REPO, check=True)
    dt, mb, n = proc.stdout.split()
    return float(dt), float(mb), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    from kg.resolve.drugs import DrugResolver

    interventions = real_interventions(args.data)
    names = list(interventions)
    resolver = DrugResolver()
    results = {n: resolver.resolve(n) for n in names}
    resolved = [n for n, r in results.items() if r.status == "resolved"]
    baseline_keys = exact_baseline()
    base_resolved = [n for n in names if n.casefold().strip() in baseline_keys]
    print(f"distinct DRUG/BIOLOGICAL intervention names in the real records: {len(names)}")
    print(f"  resolved by kg:            {len(resolved):5} ({len(resolved) / len(names):.1%})  "
          f"statuses {Counter(r.status for r in results.values())}")
    print(f"  baseline exact UNII match: {len(base_resolved):5} ({len(base_resolved) / len(names):.1%})  "
          f"ratio kg/baseline x{len(resolved) / max(1, len(base_resolved)):.2f}")
    from kg.resolve.linker import InterventionLinker

    linker = InterventionLinker(resolver)
    linked = sum(1 for i in interventions.values() if linker(i)[0])
    print(f"  linked by the graph builder (name, else the record's other names): {linked} ({linked / len(names):.1%})")
    methods = Counter(m.method for r in results.values() for m in r.matches)
    print(f"  matches by tier: {dict(methods.most_common())}")

    exact = [n for n, r in results.items() if r.status == "resolved" and r.matches[0].method == "exact"][:300]
    fuzzy_path = [n for n, r in results.items() if r.status == "unresolved" and n.replace(" ", "").isalpha()][:300]
    fuzzy_path += [n for n, r in results.items() if any(m.method == "fuzzy" for m in r.matches)]
    baseline_lookup = lambda n: n.casefold().strip() in baseline_keys  # noqa: E731
    for label, items in (("exact tier", exact), ("through fuzzy", fuzzy_path)):
        kg_ms = timed(resolver.resolve, items)
        base_ms = timed(baseline_lookup, items)
        print(f"  time per name, {label:13}: median {statistics.median(kg_ms):.3f} ms, p95 "
              f"{sorted(kg_ms)[int(len(kg_ms) * 0.95)]:.3f} ms over {len(items)} names "
              f"(baseline set lookup median {statistics.median(base_ms) * 1000:.1f} µs)")
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        b_dt, b_mb, n = index_cost("build", cache)  # empty cache: build from the shipped files, then cache
        l_dt, l_mb, _ = index_cost("load", cache)
    print(f"  index: {n:,} keys; build {b_dt:.2f} s (+{b_mb:.0f} MB resident), load from cache {l_dt:.2f} s (+{l_mb:.0f} MB resident)")
    print("targets: < 0.1 ms per name exact, < 2 ms with fuzzy")


if __name__ == "__main__":
    main()
