"""Ingest benchmark: parse+map throughput (studies/s) and peak memory on the real API v2 records.

The 1,428 real studies in ../shared/data are replicated with rewritten NCT ids to the sizes asked
for, written as gzipped JSON Lines and as a JSON array, and read by ``kg.sources.reader`` in a fresh
process per run (so peak RSS belongs to that run alone). The baseline, measured in the same run on
the same file, only decodes the JSON (stdlib ``json.loads`` per line): the ratio says what mapping
costs on top of reading. Memory must stay flat as the input grows (streaming).

    python benchmarks/bench_ingest.py [--sizes 10000 50000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
V2_FILES = ["ctgov-tigit-watch/studies_api_v2.jsonl.gz", "ctgov-nsclcbench/ctg-studies.json",
            "ctgov-dgg32-samples/clinical-trials-public_ctg-studies-5.json",
            "ctgov-dgg32-samples/graph_bigquery_ctg-studies.json"]


def real_studies(data: Path) -> list[str]:
    """The real studies as compact JSON text."""
    out: list[str] = []
    for name in V2_FILES:
        path = data / name
        if name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                out += [line.strip() for line in fh if line.strip()]
        else:
            out += [json.dumps(s, ensure_ascii=False) for s in json.loads(path.read_text(encoding="utf-8"))]
    return out


def replicate(studies: list[str], size: int, path: Path, as_array: bool) -> None:
    """Write ``size`` studies, cycling through the real ones, each with a unique NCT id."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        if as_array:
            fh.write("[\n")
        for i in range(size):
            text = studies[i % len(studies)]
            start = text.index('"nctId"')
            old = text[text.index('"NCT', start) + 1:][:11]
            line = text.replace(old, f"NCT{90000000 + i:08d}", 1)
            fh.write(("," if as_array and i else "") + line + "\n")
        if as_array:
            fh.write("]\n")


CHILD = """
import sys, time, resource, gzip, json
mode, path = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if mode == "kg":
    from kg.sources.reader import read_file
    from kg.errors import SourceError
    n = 0
    for r in read_file(path):
        assert not isinstance(r, SourceError), r
        n += 1
else:
    n = sum(1 for line in gzip.open(path, "rt", encoding="utf-8") if json.loads(line))
dt = time.perf_counter() - t
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(mode: str, path: Path) -> tuple[int, float, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True,
                          cwd=REPO, check=True)
    n, dt, rss_kb = proc.stdout.split()
    return int(n), float(dt), int(rss_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    studies = real_studies(args.data)
    print(f"{len(studies)} real studies, replicated to {args.sizes}")
    print(f"{'input':<26}{'studies':>9}{'kg st/s':>10}{'base st/s':>11}{'kg/base':>9}{'kg peak MB':>12}")
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for as_array in (False, True):
                path = Path(tmp) / (f"studies-{size}.json" if as_array else f"studies-{size}.jsonl.gz")
                replicate(studies, size, path, as_array)
                n, dt, rss = run("kg", path)
                base = ""
                ratio = ""
                if not as_array:
                    bn, bdt, _ = run("json", path)
                    base = f"{bn / bdt:>11.0f}"
                    ratio = f"{(n / dt) / (bn / bdt):>9.2f}"
                else:
                    peaks.append(rss)
                print(f"{path.name:<26}{n:>9}{n / dt:>10.0f}{base:>11}{ratio:>9}{rss:>12.0f}")
    if len(peaks) > 1:
        print(f"peak RSS growth from {args.sizes[0]} to {args.sizes[-1]} studies (array input): "
              f"x{peaks[-1] / peaks[0]:.2f} for x{args.sizes[-1] / args.sizes[0]:.0f} the studies "
              f"(flat means streaming works)")
    print("target: >= 2000 studies/s per core for parse+map (the reader is single-threaded)")


if __name__ == "__main__":
    main()
