"""Condition resolution on all real records: the share of distinct stated conditions resolved to MeSH (by tier),
beside the exact-name baseline (a MeSH descriptor name, case ignored), and precision on the hand-judged sample
``benchmarks/condition-sample.tsv`` (an answer is right when its descriptors are the ones the curator accepts).

    python benchmarks/bench_conditions.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import time
from collections import Counter
from pathlib import Path

from kg.resolve.conditions import resolve_condition
from kg.resources import data_dir, read_tsv
from kg.sources.reader import read_paths

HERE = Path(__file__).resolve().parent
SETS = ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-dgg32-samples", "ctgov-aact-fixtures")


def stated_conditions(shared: Path) -> dict[str, str]:
    """Distinct stated condition -> the context of the first record stating it (title, conditions, MeSH terms)."""
    out: dict[str, str] = {}
    for r in read_paths([shared / "data" / s for s in SETS] + [shared / "seeds"]):
        if hasattr(r, "reason"):
            continue
        context = " ".join([r.title or "", *r.conditions, *(m.term for m in r.condition_mesh)])
        for c in r.conditions:
            out.setdefault(c, context)
    return out


def precision(*samples: Path) -> tuple[int, int, list[str]]:
    """(right, resolved, the texts answered otherwise than judged) over the hand-judged samples."""
    right = resolved = 0
    wrong = []
    for row in (row for sample in samples for row in read_tsv(sample)):
        r = resolve_condition(row["text"])
        if r.status != "resolved":
            continue
        resolved += 1
        if {m.id for m in r.matches} == set(row["expected"].split(";")):
            right += 1
        else:
            wrong.append(row["text"])
    return right, resolved, wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    args = parser.parse_args()
    conditions = stated_conditions(args.shared)
    with gzip.open(data_dir("data") / "conditions" / "mesh-diseases.tsv.gz", "rt", encoding="utf-8") as fh:
        names = {row["name"].casefold() for row in csv.DictReader(fh, delimiter="\t")}
    baseline = sum(c.casefold() in names for c in conditions)
    start = time.perf_counter()
    results = {c: resolve_condition(c, ctx) for c, ctx in conditions.items()}
    seconds = time.perf_counter() - start
    resolved = [r for r in results.values() if r.status == "resolved"]
    ambiguous = sum(r.status == "ambiguous" for r in results.values())
    right, judged, wrong = precision(HERE / "condition-sample.tsv")
    right2, judged2, wrong2 = precision(*(HERE / f"condition-sample-{n}.tsv" for n in (2, 3, 4, 5, 6)))
    drawn = [row for row in read_tsv(HERE / "condition-unresolved-sample.tsv")  # of the unresolved: how many name a disease
             if row["text"] in results and results[row["text"]].status != "resolved"]
    misses = sum(row["names_a_disease"] == "yes" for row in drawn) / max(len(drawn), 1)
    unresolved = len(conditions) - len(resolved)
    print(f"distinct stated conditions: {len(conditions)}")
    print(f"resolved to MeSH: {len(resolved)} ({len(resolved) / len(conditions):.1%}); ambiguous: {ambiguous}; "
          f"exact-name baseline: {baseline} ({baseline / len(conditions):.1%}, x{len(resolved) / max(baseline, 1):.2f})")
    print("by tier: " + ", ".join(f"{k} {v}" for k, v in Counter(r.matches[0].method for r in resolved).most_common()))
    print(f"precision on the hand-judged sample: {right}/{judged} = {right / max(judged, 1):.3f}"
          + (f" (answered otherwise than judged: {wrong})" if wrong else ""))
    print(f"precision on the hand-judged answers of the later rules (samples 2 to 6): {right2}/{judged2} = {right2 / max(judged2, 1):.3f}"
          + (f" (answered otherwise than judged: {wrong2})" if wrong2 else ""))
    estimate = len(resolved) / (len(resolved) + misses * unresolved)
    print(f"of the unresolved, {misses:.0%} name a disease (hand-judged random sample of {len(drawn)}): about "
          f"{estimate:.1%} of the stated conditions that name a disease resolve")
    print(f"time per condition: {seconds / len(conditions) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
