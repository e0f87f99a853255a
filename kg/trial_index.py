"""The trials of a store that does not change (a ``kg serve`` worker's snapshot), each with its trial id and the
values ``kg trials`` sorts by, read once with the store's own statement index instead of by a query per request.

At 100k studies, a table of a target's 8,511 trials spent 0.4 s checking that its candidates are trials (their ids)
and 0.4 s looking up their start dates to sort them, on every page; with the index both are dictionary look-ups.
The sort values are defined here for both ways (``start_key``, ``enrollment_key``: the latest a source states), so
a query with the index and one without it order the same trials the same way (tests/test_trials.py checks this).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg import iris

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TRIAL = ox.NamedNode(iris.ONTOLOGY + "Trial")
_ID = ox.NamedNode(iris.ONTOLOGY + "trialId")
START = ox.NamedNode(iris.ONTOLOGY + "startDate")
ENROLLMENT = ox.NamedNode(iris.ONTOLOGY + "enrollment")
_DATE = re.compile(r"\d{4}(?:-\d\d){0,2}")  # the lexical forms of xsd:gYear, xsd:gYearMonth and xsd:date (no zone)


def start_key(values: Iterable[str]) -> str:
    """A trial's start date to sort by: the latest its sources state, each padded to a day ("2023" as 2023-01-01,
    "2023-05" as 2023-05-01, as the date filters read them); "" when none states one."""
    return max((v + "-01-01"[len(v) - 4:] for v in values if _DATE.fullmatch(v)), default="")


def enrollment_key(values: Iterable[str]) -> int:
    """A trial's enrollment to sort by: the largest its sources state; -1 when none states one."""
    return max((int(v) for v in values if v.isascii() and v.isdigit()), default=-1)


@dataclass(frozen=True)
class TrialIndex:
    """Every trial (IRI: typed ``tkg:Trial`` with a ``tkg:trialId``) with its id and sort values."""

    ids: dict[str, str]  # trial IRI -> trial id (the least, when sources state several)
    starts: dict[str, str]  # trial IRI -> start_key of its stated start dates
    enrollments: dict[str, int]  # trial IRI -> enrollment_key of its stated enrollments

    @classmethod
    def read(cls, store: ox.Store) -> TrialIndex:
        """The index of ``store`` as it is now: valid while the store does not change."""
        trials = {t for t, _ in _pairs(store, _TYPE, _TRIAL)}
        ids: dict[str, str] = {}
        for t, n in _pairs(store, _ID):
            if t in trials and (t not in ids or n < ids[t]):
                ids[t] = n
        return cls(ids, {t: start_key(v) for t, v in _stated(store, START, ids).items()},
                   {t: enrollment_key(v) for t, v in _stated(store, ENROLLMENT, ids).items()})


def _pairs(store: ox.Store, prop: ox.NamedNode, value: ox.NamedNode | None = None) -> Iterator[tuple[str, str]]:
    """(subject IRI, value) of every statement of ``prop`` (of that ``value``) in any graph."""
    for q in store.quads_for_pattern(None, prop, value):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, (ox.NamedNode, ox.Literal)):
            yield q.subject.value, q.object.value


def _stated(store: ox.Store, prop: ox.NamedNode, trials: dict[str, str]) -> dict[str, list[str]]:
    """Every value of ``prop`` each of these trials has in some graph."""
    out: dict[str, list[str]] = {}
    for t, v in _pairs(store, prop):
        if t in trials:
            out.setdefault(t, []).append(v)
    return out
