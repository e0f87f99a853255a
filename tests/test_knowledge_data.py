"""The curated knowledge tables checked as data: targets (HGNC), drug-target facts, drug classes."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from kg.normalize import fold
from kg.resolve.dictionary import load
from kg.resolve.targets import classes, key, resolve_class, target_actions, targets

from conftest import REPO

ACTIONS = {"antagonist", "inhibitor", "agonist", "binder"}
MODALITIES = {"antibody", "bispecific antibody", "antibody-drug conjugate", "antibody fragment", "fusion protein", "peptide",
              "small molecule", "small interfering RNA"}
CHECKPOINTS = {"PDCD1", "CD274", "CTLA4", "TIGIT", "LAG3", "HAVCR2"}
# Antibody INNs of the real records (in two trials or more) whose target no source of data/drugs/SOURCES.md states:
# left out until a curator can cite one. A new one must be curated or listed here.
UNCURATED: set[str] = set()


def test_every_target_row_is_a_well_formed_unique_hgnc_gene() -> None:
    rows = list(csv.DictReader(open(REPO / "data" / "targets" / "hgnc-targets.tsv", encoding="utf-8"), delimiter="\t"))
    assert len(rows) == len(targets()) >= 50
    assert all(re.fullmatch(r"HGNC:[1-9][0-9]*", r["hgnc_id"]) for r in rows)
    assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", r["symbol"]) for r in rows)
    assert len({r["hgnc_id"] for r in rows}) == len({r["symbol"] for r in rows}) == len(rows)
    owners: dict[str, set[str]] = {}
    for t in targets().values():
        for name in (t.symbol, t.name, *t.names):
            owners.setdefault(key(name), set()).add(t.symbol)
    assert not {k: v for k, v in owners.items() if len(v) > 1}, "a name that points to two genes"


def test_every_drug_target_fact_names_a_dictionary_drug_a_known_gene_and_its_evidence() -> None:
    dictionary = load()
    for a in target_actions():
        substance = dictionary.substance(a.unii)
        assert fold(substance.name) == fold(a.drug), (a.unii, substance.name, a.drug)
        assert a.target in targets(), a
        assert a.action in ACTIONS and a.modality in MODALITIES, a
        assert len(a.evidence) > 15, a
    facts = Counter((a.unii, a.target) for a in target_actions())
    assert max(facts.values()) == 1, "a (drug, target) fact is stated once"


def test_no_drug_binds_pd1_and_pdl1_unless_it_is_a_bispecific_that_says_so() -> None:
    by_drug: dict[str, list] = {}
    for a in target_actions():
        by_drug.setdefault(a.unii, []).append(a)
    for facts in by_drug.values():
        symbols = {a.target for a in facts}
        if {"PDCD1", "CD274"} <= symbols:
            assert all(a.modality.startswith("bispecific") for a in facts), facts
        if len(symbols) > 1 and facts[0].modality.endswith("antibody") and "bispecific" not in facts[0].modality:
            pytest.fail(f"a monospecific antibody with two targets: {facts}")


def test_class_names_are_unambiguous_and_rules_name_known_things() -> None:
    seen: dict[str, str] = {}
    for c in classes().values():
        for name in (c.label, *c.names):
            assert seen.setdefault(key(name), c.id) == c.id, f"{name!r} names {seen[key(name)]} and {c.id}"
        assert c.members, f"{c.id} has no member"
        terms = dict(p.split("=", 1) for p in c.rule.split(";"))
        if "target" in terms:
            assert terms["target"] in targets() and terms["action"] in ACTIONS
        for unii in c.members:
            load().substance(unii)  # raises for an unknown UNII
    assert resolve_class("anti-PD-1") and resolve_class("PD-1 inhibitor").id == "pd-1-inhibitor"


def test_pd1_and_pdl1_classes_do_not_overlap_but_for_bispecifics() -> None:
    both = classes()["pd-1-inhibitor"].members & classes()["pd-l1-inhibitor"].members
    bispecific = {a.unii for a in target_actions() if a.modality == "bispecific antibody"}
    assert both <= bispecific


def test_every_checkpoint_antibody_and_targeted_agent_of_the_real_records_is_curated(data_dir: Path) -> None:
    """Coverage: every drug of the real records (two trials or more) with an antibody or kinase-inhibitor
    INN stem has target facts, or is listed as not curatable here; and every drug a record itself calls an
    anti-PD-1/PD-L1/CTLA-4/TIGIT/LAG-3/TIM-3 agent is curated with that target."""
    from kg.resolve.linker import InterventionLinker
    from kg.sources.reader import read_paths

    link = InterventionLinker()
    trials: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    stated: dict[str, set[str]] = {}
    words = {"PDCD1": r"pd-?1\b", "CD274": r"pd-?l1", "CTLA4": r"ctla-?4", "TIGIT": r"tigit", "LAG3": r"lag-?3", "HAVCR2": r"tim-?3"}
    for r in read_paths([data_dir / "ctgov-tigit-watch", data_dir / "ctgov-nsclcbench", data_dir / "ctgov-dgg32-samples"]):
        if hasattr(r, "reason"):
            continue
        for i in r.interventions:
            found = link(i)[0]
            for l in found:
                trials.setdefault(l.unii, set()).add(r.nct_id)
                labels[l.unii] = l.label
            text = " ".join((i.name, *i.other_names, i.description or "")).lower()
            if len(found) == 1 and re.search(r"\banti-", text) and not re.search(r"combin|plus|with|and|\+", text):
                stated.setdefault(found[0].unii, set()).update(s for s, w in words.items() if re.search(r"anti-?" + w, text))
    curated = {a.unii for a in target_actions()}
    stems = re.compile(r"(tinib|ciclib|parib|rafenib|metinib|lisib|mab|mig|bart|tug|cept|clax)$")
    missing = {labels[u] for u, t in trials.items() if len(t) >= 2 and u not in curated and stems.search(labels[u].split()[0])}
    assert missing == UNCURATED
    facts = {(a.unii, a.target) for a in target_actions()}
    for unii, symbols in stated.items():
        for symbol in symbols & CHECKPOINTS:
            assert (unii, symbol) in facts, (labels[unii], symbol)
    assert sum(len(v & CHECKPOINTS) for v in stated.values()) >= 5  # the records do state such targets


@pytest.mark.parametrize("code, symbols", [("IBI939", {"TIGIT"}), ("M6223", {"TIGIT"}), ("LM-108", {"CCR8"}),
                                           ("CHS-114", {"CCR8"}), ("CM310", {"IL4R"}), ("CM326", {"TSLP"}),
                                           ("JYB1904", {"IGHE"}), ("HPN328", {"DLL3", "CD3E"})])
def test_codes_of_the_records_reach_the_targets_the_records_or_the_literature_state(code: str, symbols: set[str]) -> None:
    """The drugs the records name only by code have the targets their rows cite (a TIGIT antibody is a TIGIT
    antagonist, so trials-by-target TIGIT finds IBI939's trials)."""
    from kg.resolve.drugs import DrugResolver
    from kg.resolve.targets import actions_of

    resolution = DrugResolver().resolve(code)
    assert resolution.status == "resolved" and len(resolution.matches) == 1
    assert {a.target for a in actions_of(resolution.matches[0].local_id)} == symbols


def test_every_listed_nuclide_is_well_formed_and_labels_dictionary_names() -> None:
    """radionuclides.tsv: one row per nuclide, its name its symbol and mass, one symbol per element, and each
    read in at least one labelled name of the shipped dictionary (a nuclide no name uses is a typo or dead data)."""
    rows = list(csv.DictReader(open(REPO / "data" / "drugs" / "radionuclides.tsv", encoding="utf-8"), delimiter="\t"))
    assert all(r["nuclide"] == f"{r['symbol']}-{r['mass']}" and re.fullmatch(r"\d{1,3}m?", r["mass"]) for r in rows)
    assert len({r["nuclide"] for r in rows}) == len(rows)
    assert all(len({r["element"] for r in rows if r["symbol"] == s}) == 1 for s in {r["symbol"] for r in rows})
    used = Counter(key.split("|")[0] for key in load().labelled)
    assert {r["nuclide"] for r in rows if not used[r["nuclide"]]} == set()
