"""What posted results cost (issue 20): quads and build CPU of every real record with results, with its results and
with them left out (the baseline, measured in the same run on the same records), printed as ratios.

    python benchmarks/bench_results.py [--data ../shared/data] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

from kg.build import BuildOptions, record_graph
from kg.sources.reader import read_paths

FOLDERS = ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-aact-fixtures/api_v2_json", "ctgov-aact-fixtures/legacy_xml",
           "ctgov-aact-fixtures/classic_api_json")


def _cpu(records: list, rounds: int) -> tuple[float, int]:
    """Median CPU seconds to build every record's graph (drugs not resolved: the same for both sides), and the quads."""
    times, quads = [], 0
    for _ in range(rounds):
        start = time.process_time()
        quads = sum(len(record_graph(r, BuildOptions(resolve=False)).quads) for r in records)
        times.append(time.process_time() - start)
    return statistics.median(times), quads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    records = [r for r in read_paths([args.data / f for f in FOLDERS]) if getattr(r, "results", None)]
    without = [dataclasses.replace(r, results=None) for r in records]
    base_cpu, base_quads = _cpu(without, args.rounds)
    cpu, quads = _cpu(records, args.rounds)
    events = sum(len(r.results.events) for r in records)
    values = sum(len(o.measurements) for r in records for o in r.results.outcomes)
    print(f"{len(records)} real records with results ({events} adverse-event terms, {values} outcome values)")
    print(f"quads per record: {base_quads / len(records):.0f} without results, {quads / len(records):.0f} with "
          f"({quads / base_quads:.1f}x; +{(quads - base_quads) / len(records):.0f} per record)")
    print(f"build CPU: {cpu / base_cpu:.1f}x the same records without results "
          f"({1000 * base_cpu / len(records):.1f} ms -> {1000 * cpu / len(records):.1f} ms per record)")


if __name__ == "__main__":
    main()
