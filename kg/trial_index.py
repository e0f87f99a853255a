"""The values ``kg trials`` sorts by, for every trial of a store that does not change (a ``kg serve`` worker's
snapshot), read once in the background instead of looked up for each request.

At 100k studies, sorting a target's 8,511 trials by start date looked up their dates on every page (0.4 s); with the
index it is a dictionary look-up. Reading the index scans every trial's start date and enrollment (seconds at 100k),
so a worker reads it in a thread when it opens a snapshot (``InBackground``) and answers with look-ups until it is
ready. The values are one SPARQL aggregate for both ways (``sort_values``: the latest start date a source states,
padded to a day as the date filters read it; the largest enrollment), so a query with the index and one without it
order the same trials the same way (tests/test_trials.py checks this). Read by SPARQL, not statement by statement:
pyoxigraph's ``quads_for_pattern`` costs ~30 us per statement from Python, a query's solutions about a third of it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg import iris
from kg.drug_index import DrugIndex
from kg.query import select

_PREFIXES = f"PREFIX tkg: <{iris.ONTOLOGY}>\n"
# column -> (property, the value compared: a date padded to a day, "2023" as 2023-01-01; a count as a number)
_SORTED = {"start_date": ("tkg:startDate", 'CONCAT(STR(?v), SUBSTR("-01-01", STRLEN(STR(?v)) - 3))'),
           "enrollment": ("tkg:enrollment", "IF(isNumeric(?v), ?v, -1)")}
MISSING: dict[str, str | int] = {"start_date": "", "enrollment": -1}  # the value of a trial that states none


def sort_values(store: ox.Store, column: str, trials: list[str] | None = None) -> dict[str, str | int]:
    """Trial IRI -> the value it sorts by in ``column`` (a key of ``MISSING``): the latest or largest its sources
    state; for ``trials`` only, or every trial stating one."""
    prop, compared = _SORTED[column]
    scope = "VALUES ?t { " + " ".join(f"<{t}>" for t in trials) + " } " if trials is not None else ""
    _, got = select(store, f"{_PREFIXES}SELECT ?t (MAX({compared}) AS ?k) WHERE {{ {scope}?t {prop} ?v }} GROUP BY ?t")
    if column == "enrollment":
        return {t: int(float(k)) for t, k in got if k is not None}
    return {t: k for t, k in got if k is not None}


@dataclass(frozen=True)
class TrialIndex:
    """Sort column -> trial IRI -> its value (``sort_values``), for every trial stating one; and the drug page's
    counts (``kg.drug_index``), once read."""

    values: dict[str, dict[str, str | int]]
    drugs: DrugIndex | None = None

    @classmethod
    def read(cls, store: ox.Store) -> TrialIndex:
        """The sort values of ``store`` as it is now: valid while the store does not change."""
        return cls({column: sort_values(store, column) for column in _SORTED})


class InBackground:
    """The ``TrialIndex`` of a store that does not change, read in a thread from the moment this is made; calling it
    gives the index once its sort values are read (its ``drugs`` once they are read too), None before (and for good
    if reading it failed: the answers do not need it)."""

    def __init__(self, store: ox.Store) -> None:
        self._index: TrialIndex | None = None
        self._thread = threading.Thread(target=self._read, args=(store,), name="trial-index", daemon=True)
        self._thread.start()

    def _read(self, store: ox.Store) -> None:
        try:
            self._index = TrialIndex.read(store)
            self._index = replace(self._index, drugs=DrugIndex.read(store))
        except Exception:  # noqa: BLE001 - the snapshot went away while it was read, or a value would not read: what
            return  # was read stays, the rest is looked up per request; a thread's traceback would reach the server's log

    def __call__(self) -> TrialIndex | None:
        return self._index

    def wait(self, timeout: float | None = None) -> TrialIndex | None:
        """The index once read, its drugs too (tests, benchmarks): waits for the thread up to ``timeout`` seconds."""
        self._thread.join(timeout)
        return self._index
