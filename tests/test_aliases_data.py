"""The curated tables checked as data (one source of truth, every row justified and consistent)."""

from __future__ import annotations

import csv
import re

import pytest

from kg.normalize import fold
from kg.resolve.dictionary import load
from kg.resolve.drugs import DrugResolver, not_a_drug, regimens

from conftest import REPO

ALIASES = REPO / "data" / "aliases"


def _tsv(name: str) -> list[dict]:
    with open(ALIASES / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_curated_drug_aliases_point_at_the_right_substance() -> None:
    d = load()
    for row in _tsv("drug-aliases.tsv"):
        assert row["seen_in"].strip(), row
        assert row["kind"] in {"misspelling", "code", "formulation", "brand", "chinese-name"}, row
        s = d.canonical(row["unii"])
        assert s.name.lower() == row["canonical"], row
        # a curated alias must not be a dictionary name of another drug
        others = {d.canonical(e.unii).unii for e in d.lookup_name(fold(row["alias"])) if e.kind != "curated"}
        assert others <= {s.unii}, row


def test_regimens_resolve_to_their_drugs() -> None:
    resolver = DrugResolver()
    for name, drugs in regimens().items():
        for drug in drugs:
            result = resolver.resolve(drug)
            assert result.status == "resolved" and result.matches[0].label == drug, (name, drug)


def test_not_drug_patterns_compile_and_spare_real_drug_names() -> None:
    for row in _tsv("not-drugs.tsv"):
        re.compile(row["pattern"])
        assert row["kind"] in {"Comparator", "Procedure", "DrugClass"}
    gold = list(csv.DictReader(open(REPO / "tests" / "gold" / "drug-mentions.tsv", encoding="utf-8"), delimiter="\t"))
    for row in gold:
        if row["class"] == "exact":
            assert not_a_drug(row["mention"]) is None, row["mention"]


def test_condition_aliases_use_known_mesh_ids() -> None:
    """Every curated variant names a descriptor of the shipped MeSH disease tree, a shipped MeSH topic ("Older Adults":
    Aged) or one the records carry, and says where it was seen."""
    import gzip

    known = {r["mesh_id"] for r in csv.DictReader(open(REPO / "data" / "conditions" / "mesh-conditions.tsv", encoding="utf-8"), delimiter="\t")}
    for name in ("mesh-diseases", "mesh-topics"):
        with gzip.open(REPO / "data" / "conditions" / f"{name}.tsv.gz", "rt", encoding="utf-8") as fh:
            known |= {r["mesh_id"] for r in csv.DictReader(fh, delimiter="\t")}
    for row in _tsv("condition-aliases.tsv"):
        assert row["mesh_id"] in known and row["seen_in"], row


@pytest.mark.parametrize("name", ["drugs/SOURCES.md", "conditions/SOURCES.md", "aliases/README.md"])
def test_data_folders_state_their_sources(name: str) -> None:
    text = (REPO / "data" / name).read_text(encoding="utf-8")
    assert "licen" in text.lower() or "MIT" in text or "NLM" in text
