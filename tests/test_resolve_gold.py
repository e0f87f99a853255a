"""Drug resolution measured on a hand-labelled gold file of real mention strings (tests/gold/).

Each row: a mention as a seed page or record wrote it, the drug(s) it names (INN, as the dictionary
labels them) or "none", and its variant class. Gates: precision >= 0.99 overall, recall >= 0.95,
and not one wrong link among the near-code cases (JS004 is not JS001, AK104 is not AK105).
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from kg.resolve.drugs import DrugResolver

from conftest import REPO

GOLD = REPO / "tests" / "gold" / "drug-mentions.tsv"


def _rows() -> list[dict]:
    with open(GOLD, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def scored() -> dict[str, dict[str, int]]:
    resolver = DrugResolver()
    per_class: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    for row in _rows():
        expected = set() if row["expected"] == "none" else set(row["expected"].split(";"))
        result = resolver.resolve(row["mention"])
        linked = {m.label for m in result.matches} if result.status == "resolved" else set()
        c = per_class[row["class"]]
        c["tp"] += len(linked & expected)
        c["fp"] += len(linked - expected)
        c["fn"] += len(expected - linked)
    return per_class


def _pr(c: dict[str, int]) -> tuple[float, float]:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return precision, recall


def test_gold_file_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 120
    assert all(r["mention"] and r["expected"] and r["class"] and r["source"] for r in rows)
    classes = {r["class"] for r in rows}
    for needed in ("code", "code-dash", "code-spacing", "brand", "brand-symbol", "salt", "formulation", "descriptor",
                   "combination", "misspelling", "accent", "fullwidth", "near-code", "not-a-drug", "placebo-of-drug"):
        assert needed in classes


def test_precision_and_recall_gates(scored: dict[str, dict[str, int]]) -> None:
    total = {k: sum(c[k] for c in scored.values()) for k in ("tp", "fp", "fn")}
    precision, recall = _pr(total)
    report = "\n".join(f"{cls:16} P={_pr(c)[0]:.3f} R={_pr(c)[1]:.3f} {c}" for cls, c in sorted(scored.items()))
    print(f"\noverall P={precision:.3f} R={recall:.3f}\n{report}")
    assert precision >= 0.99, report
    assert recall >= 0.95, report


def test_no_wrong_link_among_near_codes(scored: dict[str, dict[str, int]]) -> None:
    for cls in ("near-code", "not-a-drug", "placebo-of-drug", "unknown-code"):
        assert scored[cls]["fp"] == 0, cls
