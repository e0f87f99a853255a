"""Why trials stopped: the rule table as data, its answers against the hand-judged real records, the graph and the
named query."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.resolve.stop_reasons import CLASSES, rules, stop_reasons
from kg.resources import read_tsv

from conftest import REPO

SAMPLE = REPO / "benchmarks" / "stop-reason-sample.tsv"


def _sample() -> list[dict[str, str]]:
    return read_tsv(SAMPLE)


def test_the_rule_table_names_known_classes_only() -> None:
    assert {kind for kind, _ in rules()} <= set(CLASSES) | {"-"}
    assert {kind for kind, _ in rules()} >= set(CLASSES) - {"OTHER"}  # every class but the default has a rule


def test_the_rules_agree_with_the_hand_judged_real_records() -> None:
    rows = _sample()
    assert len(rows) == 103
    exact = sum(",".join(stop_reasons(r["why_stopped"])) == r["expected"] for r in rows)
    assert exact / len(rows) >= 0.95
    for kind in CLASSES:  # each class, when given, is one the curator gave (precision per class)
        given = [r for r in rows if kind in stop_reasons(r["why_stopped"])]
        right = [r for r in given if kind in r["expected"].split(",")]
        assert not given or len(right) / len(given) >= 0.9, kind


@pytest.mark.parametrize(("text", "classes"), [
    ("Business decision (not for safety reasons)", ("BUSINESS_STRATEGIC",)),
    ("Decision to stop is not due to safety or efficacy concerns; company portfolio review", ("BUSINESS_STRATEGIC",)),
    ("Safety concerns led to early termination.", ("SAFETY",)),
    ("Terminated for futility at the interim analysis", ("EFFICACY_FUTILITY",)),
    ("We are terminating due to loss of funding because of Covid-19.", ("FUNDING", "COVID19")),
    ("Slow accrual", ("INSUFFICIENT_ENROLLMENT",)),
    ("PI left institution", ("OTHER",)),
])
def test_classes_of_a_text(text: str, classes: tuple[str, ...]) -> None:
    assert stop_reasons(text) == classes


def test_no_text_no_reason() -> None:
    assert stop_reasons(None) == () and stop_reasons("  ") == ()


def test_the_graph_keeps_why_and_the_query_finds_by_reason(tmp_path: Path, data_dir: Path) -> None:
    store = tmp_path / "s"
    built = subprocess.run([sys.executable, "-m", "kg", "build", str(data_dir / "ctgov-nsclcbench"), str(data_dir / "ctgov-tigit-watch"),
                            "--store", str(store)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    proc = subprocess.run([sys.executable, "-m", "kg", "query", "stopped-trials", "--param", "reason=safety", "--store", str(store),
                           "--format", "json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    assert rows and all("SAFETY" in r["reasons"].split(" | ") for r in rows)
    judged = {r["nct_id"]: r for r in _sample()}
    for r in rows:
        assert r["why_stopped"] == judged[r["nct_id"]]["why_stopped"]  # the text as the registry states it
