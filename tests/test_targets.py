"""Targets and classes on the real records: the named queries answer from the curated knowledge, checked
against the records themselves (their resolved drugs) and the data tables, computed here independently."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.resolve.linker import InterventionLinker
from kg.resolve.dictionary import load
from kg.resolve.targets import classes, resolve_class, resolve_target, target_actions
from kg.sources.reader import read_paths

from conftest import count

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(data_dir: Path, seeds_dir: Path) -> list[Path]:
    return [data_dir / "ctgov-tigit-watch", data_dir / "ctgov-nsclcbench", seeds_dir]


@pytest.fixture(scope="module")
def store(tmp_path_factory, corpus: list[Path]) -> Path:
    path = tmp_path_factory.mktemp("targets") / "store"
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--store", str(path), *map(str, corpus)],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return path


@pytest.fixture(scope="module")
def drugs_of_trials(corpus: list[Path]) -> dict[str, set[str]]:
    """NCT id -> UNIIs its interventions resolve to (the document's own links)."""
    link = InterventionLinker()
    out: dict[str, set[str]] = {}
    for r in read_paths(corpus):
        if not hasattr(r, "reason"):
            out.setdefault(r.nct_id, set()).update(l.unii for i in r.interventions for l in link(i)[0])
    return out


def _query(store: Path, name: str, *params: str) -> tuple[list[dict], str]:
    proc = subprocess.run([sys.executable, "-m", "kg", "query", name, *(a for p in params for a in ("--param", p)),
                           "--store", str(store), "--format", "json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["rows"], proc.stderr


def _binders(symbol: str) -> set[str]:
    return {a.unii for a in target_actions() if a.target == symbol}


def test_trials_by_target_in_any_name_of_the_target(store: Path, drugs_of_trials: dict[str, set[str]]) -> None:
    answers = [{r["nct_id"] for r in _query(store, "trials-by-target", f"target={name}")[0]}
               for name in ("PD-1", "PDCD1", "CD279", "programmed cell death 1", "pd1", "HGNC:8760")]
    assert all(a == answers[0] for a in answers)
    expected = {nct for nct, drugs in drugs_of_trials.items() if drugs & _binders("PDCD1")}
    assert answers[0] == expected and len(expected) > 50
    count("target questions answered on the real records", len(answers))


def test_pd1_trials_include_bispecifics_and_never_a_trial_whose_checkpoint_drug_binds_only_pd_l1(
        store: Path, drugs_of_trials: dict[str, set[str]]) -> None:
    rows, _ = _query(store, "trials-by-target", "target=PD-1")
    found = {r["nct_id"] for r in rows}
    bispecific = {a.unii for a in target_actions() if a.target == "PDCD1" and a.modality == "bispecific antibody"}
    assert any(drugs_of_trials[n] & bispecific for n in found), "no trial of a PD-1 bispecific"
    pd_l1_only = {n for n, d in drugs_of_trials.items() if d & _binders("CD274") and not d & _binders("PDCD1")}
    assert pd_l1_only and not found & pd_l1_only


def test_drugs_by_target_lists_the_binders_with_evidence(store: Path) -> None:
    rows, _ = _query(store, "drugs-by-target", "target=PD-L1")
    names = {r["drug"] for r in rows}
    assert {"atezolizumab", "durvalumab"} <= names and "pembrolizumab" not in names
    assert all(r["evidence"] and r["action"] == "antagonist" for r in rows)


def test_trials_by_drug_class_include_members_and_class_only_mentions(store: Path, drugs_of_trials: dict[str, set[str]]) -> None:
    rows, _ = _query(store, "trials-by-drug-class", "drug_class=anti-PD-1 antibody")
    found = {r["nct_id"] for r in rows}
    members = classes()["pd-1-inhibitor"].members
    assert {n for n, d in drugs_of_trials.items() if d & members} <= found
    assert any("class only:" in r["via"] for r in rows), "no intervention naming only the class"
    platinum, _ = _query(store, "trials-by-drug-class", "drug_class=platinum-based chemotherapy")
    assert {n for n, d in drugs_of_trials.items() if d & classes()["platinum-based-chemotherapy"].members} <= {
        r["nct_id"] for r in platinum}


def test_sponsors_by_target_counts_trials(store: Path, drugs_of_trials: dict[str, set[str]]) -> None:
    rows, _ = _query(store, "sponsors-by-target", "target=TIGIT")
    assert rows and all(r["target_symbol"] == "TIGIT" for r in rows)
    assert int(rows[0]["trials"]) >= int(rows[-1]["trials"]) >= 1
    tigit_trials = {n for n, d in drugs_of_trials.items() if d & _binders("TIGIT")}
    assert int(rows[0]["trials"]) <= len(tigit_trials)
    everything, _ = _query(store, "sponsors-by-target")
    assert {r["target_symbol"] for r in everything} >= {"PDCD1", "TIGIT", "CD274"}


def test_an_unknown_target_or_class_gets_a_note(store: Path) -> None:
    rows, note = _query(store, "trials-by-target", "target=not-a-gene")
    assert rows == [] and "names no known target" in note
    rows, note = _query(store, "trials-by-drug-class", "drug_class=anti-unicorn")
    assert rows == [] and "names no known drug class" in note


def test_cli_resolve_target_and_class_words() -> None:
    out = json.loads(subprocess.run([sys.executable, "-m", "kg", "resolve", "--kind", "target", "PD-1", "CD279", "nothing",
                                     "--json"], capture_output=True, text=True, check=True).stdout)
    assert [r["status"] for r in out] == ["resolved", "resolved", "unresolved"]
    assert out[0]["matches"][0]["label"] == out[1]["matches"][0]["label"] == "PDCD1"
    drug = json.loads(subprocess.run([sys.executable, "-m", "kg", "resolve", "PD-1 inhibitor", "--json"],
                                     capture_output=True, text=True, check=True).stdout)[0]
    assert drug["status"] == "class" and drug["class"]["id"] == "class:pd-1-inhibitor"
    assert "toripalimab" in {m["label"] for m in drug["matches"]}


@pytest.mark.parametrize(("text", "symbol"), [
    ("KRAS G12C", "KRAS"), ("BCMA", "TNFRSF17"), ("Trop-2", "TACSTD2"), ("Claudin 18.2", "CLDN18"), ("c-Met", "MET"),
    ("TNF-alpha", "TNF"), ("SGLT2", "SLC5A2"), ("CD30", "TNFRSF8"), ("FcRn", "FCGRT"), ("IL-17A", "IL17A"),
])
def test_targets_beyond_the_checkpoints_resolve_by_their_names_in_use(text: str, symbol: str) -> None:
    found = resolve_target(text)
    assert found is not None and found.symbol == symbol


@pytest.mark.parametrize(("text", "members", "not_members"), [
    ("BTK inhibitor", {"ibrutinib", "acalabrutinib", "zanubrutinib", "pirtobrutinib"}, set()),
    ("CDK4/6 inhibitors", {"palbociclib", "ribociclib", "abemaciclib"}, set()),
    ("anti-TNF", {"adalimumab", "infliximab", "etanercept", "certolizumab", "golimumab"}, set()),
    ("IL-23 inhibitor", {"guselkumab", "risankizumab", "tildrakizumab"}, {"ustekinumab"}),  # p40, not p19
    ("T-cell engager", {"blinatumomab", "teclistamab", "tarlatamab"}, {"rituximab"}),
    ("EGFR-TKI", {"osimertinib", "mobocertinib"}, {"tucatinib", "cetuximab"}),  # a HER2 inhibitor is no EGFR-TKI
    ("HER2-TKI", {"tucatinib", "lapatinib", "neratinib", "pyrotinib"}, {"osimertinib", "trastuzumab"}),  # dual EGFR/HER2 too
    ("anti-HER2 antibody", {"trastuzumab", "pertuzumab", "zanidatamab"}, {"trastuzumab deruxtecan", "lapatinib"}),
])
def test_classes_of_targeted_drugs_give_their_members(text: str, members: set[str], not_members: set[str]) -> None:
    found = resolve_class(text)
    assert found is not None
    names = {load().substance(u).name.lower() for u in found.members}
    assert members <= names and not (not_members & names)
