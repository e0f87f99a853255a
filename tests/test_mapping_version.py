"""kg.MAPPING_VERSION changes whenever what the mapping makes changes: the fingerprint of each corpus must be
the one recorded for the current version, and a version is recorded once (a new output needs a new version)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.ingest import ingest
from kg import MAPPING_VERSION


from mapping_corpora import CORPORA, fingerprint

RECORDED = Path(__file__).parent / "mapping-fingerprints.tsv"
BUMP = ("the mapping's output changed: bump kg.MAPPING_VERSION, write the change in CHANGELOG.md, review the graphs, "
        "then add the rows that scripts/mapping_fingerprint.py prints to tests/mapping-fingerprints.tsv")


def _recorded() -> dict[tuple[str, str], str]:
    with open(RECORDED, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    keys = [(r["version"], r["corpus"]) for r in rows]
    assert len(keys) == len(set(keys)), "a version's fingerprint is recorded once: a new output needs a new version"
    return {(r["version"], r["corpus"]): r["fingerprint"] for r in rows}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_mapping_output_matches_the_version(corpus: str) -> None:
    paths = CORPORA[corpus]
    if not all(Path(p).exists() for p in paths):
        pytest.skip("shared data not beside the repo")
    recorded = _recorded()
    assert (MAPPING_VERSION, corpus) in recorded, BUMP
    assert fingerprint(paths) == recorded[(MAPPING_VERSION, corpus)], BUMP


def test_an_older_fingerprint_is_never_reused_by_a_new_version() -> None:
    recorded = _recorded()
    for corpus in CORPORA:
        prints = [fp for (v, c), fp in recorded.items() if c == corpus]
        assert len(prints) == len(set(prints)), f"{corpus}: two versions with one output (a bump without a change?)"


def test_documents_made_by_another_mapping_version_are_made_again(tmp_path: Path, monkeypatch) -> None:
    """A fix of the mapping reaches an existing store: a rebuild of the same sources remakes their documents
    (reported as reprocessed), and a document not rebuilt is counted as stale."""
    import kg.provenance
    import kg.ingest
    from kg.sources.reader import read_paths
    from kg.store import TrialStore

    examples = Path(__file__).resolve().parents[1] / "examples" / "pd1-trials.json"
    with TrialStore(tmp_path / "s") as store:
        monkeypatch.setattr(kg.provenance, "MAPPING_VERSION", "old")
        monkeypatch.setattr(kg.ingest, "MAPPING_VERSION", "old")
        first = ingest(store, read_paths([examples]), workers=1)
        monkeypatch.undo()
        again = ingest(store, read_paths([examples]), workers=1)
        assert (again.added, again.replaced, again.reprocessed, again.unchanged) == (0, 0, first.added, 0)
        versions = {r["v"].value for r in store.query(
            "SELECT DISTINCT ?v WHERE { ?a <https://w3id.org/trialkg/ontology#mappingVersion> ?v }")}
        assert versions == {MAPPING_VERSION}
        third = ingest(store, read_paths([examples]), workers=1)
        assert (third.reprocessed, third.unchanged, third.stale) == (0, first.added, 0)
        monkeypatch.setattr(kg.provenance, "MAPPING_VERSION", "old")
        monkeypatch.setattr(kg.ingest, "MAPPING_VERSION", "old")
        seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
        if seeds.is_dir():
            fourth = ingest(store, read_paths([seeds]), workers=1)
            assert fourth.stale == first.added  # the examples were made by the mapping now called "another"
