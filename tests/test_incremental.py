"""Derived graphs maintained by difference equal the same graphs computed from scratch (issue 19): after each kind of
update, the store an ingest left is compared with a store built in one ingest from the same final documents."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import drug_graph, iris
from kg.ingest import ingest
from kg.sources.reader import read_paths
from kg.store import TrialStore

# NCT03280537 / NCT05564611 give omalizumab the other names IGE025 / ADL-018; NCT01599637 / NCT05413161 name their
# intervention only "IGE025" / "ADL-018": linked through graph/record-aliases
TEACHERS = ("NCT03280537", "NCT05564611")
LEARNERS = ("NCT01599637", "NCT05413161")


@pytest.fixture(scope="module")
def records(data_dir: Path) -> dict:
    wanted = set(TEACHERS + LEARNERS)
    return {r.nct_id: r for r in read_paths([data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) in wanted}


def _version(record, n: int, **changes):
    """Another version of a record (its own sha256), with ``changes`` to its fields."""
    source = dataclasses.replace(record.source, sha256=f"{n:x}".rjust(64, "0"))
    return dataclasses.replace(record, source=source, **changes)


def _graph(store: TrialStore) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(iris.RECORD_ALIAS_GRAPH)))


def _from_scratch(tmp_path: Path, final: list) -> set[ox.Quad]:
    with TrialStore(tmp_path / "scratch") as store:
        ingest(store, final)
        return _graph(store)


@pytest.fixture()
def calls(monkeypatch) -> list:
    """How each refresh of graph/record-aliases read the interventions: "all", or how many."""
    seen: list = []
    real = drug_graph._intervention_rows

    def spy(store, only):
        seen.append("all" if only is None else len(only))
        return real(store, only)

    monkeypatch.setattr(drug_graph, "_intervention_rows", spy)
    return seen


def _renamed(record, name: str):
    first = record.interventions[0]
    return (dataclasses.replace(first, name=name, other_names=()),) + tuple(record.interventions[1:])


@pytest.mark.parametrize("update", ["add", "replace", "fewer interventions", "older version", "new teacher"])
def test_record_alias_links_by_difference_equal_a_build_from_scratch(tmp_path: Path, records: dict, calls: list,
                                                                     update: str) -> None:
    first = [records[n] for n in (*TEACHERS, LEARNERS[0])]
    learner = records[LEARNERS[1]]
    if update == "add":
        second, final = [learner], first + [learner]
    elif update == "replace":  # the intervention renamed to a name nobody taught: its link goes
        changed = _version(learner, 2, interventions=_renamed(learner, "ZZQ-0001"))
        first, second, final = first + [learner], [changed], first + [changed]
    elif update == "fewer interventions":
        changed = _version(learner, 3, interventions=())
        first, second, final = first + [learner], [changed], first + [changed]
    elif update == "older version":  # stated as updated before the stored one: not written, nothing changes
        older = _version(learner, 4, last_updated="2000-01-01", interventions=_renamed(learner, "ZZQ-0002"))
        first, second, final = first + [learner], [older], first + [learner]
    else:  # a record teaching another name: the learned names change, every intervention is linked again
        second, final = [records[TEACHERS[1]]], [records[n] for n in (TEACHERS[0], *LEARNERS)] + [records[TEACHERS[1]]]
        first = [records[n] for n in (TEACHERS[0], *LEARNERS)]
    with TrialStore(tmp_path / "incremental") as store:
        ingest(store, first)
        calls.clear()
        report = ingest(store, second)
        incremental = _graph(store)
    calls = list(calls)  # the second ingest's
    assert incremental == _from_scratch(tmp_path, final)
    assert any(q.predicate.value == iris.term("drug") for q in incremental) or update == "fewer interventions"
    if update in ("add", "replace", "fewer interventions"):
        assert "all" not in calls and (calls or update == "fewer interventions"), calls  # by difference: the written ones only
    if update == "older version":
        assert report.older == 1 and not calls
    if update == "new teacher":
        assert calls == ["all"]
