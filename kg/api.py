"""The Python API, for notebooks and scripts: what the command line answers, as rows or DataFrames.

    import kg
    with kg.open() as graph:                      # the default store ($KG_STORE), or kg.open("path/to/store")
        rows = graph.trials(target="PD-1", condition="NSCLC", country="China", phase="Phase 3")
        frame = graph.trials(drug="toripalimab", limit=None, as_frame=True)   # a pandas DataFrame
        graph.query("sponsors-by-target", target="TIGIT")
        graph.show("NCT04736823")["groups"]["interventions"]
        graph.resolve("JS-001")                   # also kind="sponsor" | "condition" | "target"
        graph.notes                               # what the last call said about a filter that named nothing

Rows are dicts with the columns the command line prints. ``as_frame=True`` needs pandas (not a dependency of
trialkg: ``pip install pandas``).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from kg import query as q
from kg.errors import KGError
from kg.resolve.drugs import DrugResolver
from kg.store import TrialStore
from kg.trials import Filters, trials

_FILTERS = {f.name for f in fields(Filters)}


class KnowledgeGraph:
    """A store opened for reading (its newest snapshot), with the drug aliases its records taught."""

    def __init__(self, store: str | Path | None = None) -> None:
        self._store = TrialStore(store, read_only=True)
        self._resolver = DrugResolver(learned=self._store.learned_aliases())
        self.notes: list[str] = []

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store's snapshot."""
        self._store.close()

    def _binder(self) -> q.Binder:
        return q.Binder(resolver=self._resolver, store=self._store.oxigraph)  # one resolver for every call

    def trials(self, *, sort: str = "nct_id", limit: int | None = 50, offset: int = 0, as_frame: bool = False,
               **filters: Any) -> Any:
        """The trials matching every filter (``kg trials``' filters as keywords: drug, target, drug_class, condition,
        sponsor, subsidiaries, lead_only, country, phase, status, study_type, start_from, start_to, completion_from,
        completion_to, enrollment_min, enrollment_max, has_results, registry), one page of rows."""
        answer = trials(self._store.oxigraph, self._filters(filters), self._binder(), sort=sort, limit=limit, offset=offset)
        self.notes = answer.notes
        return _frame(answer.rows) if as_frame else answer.rows

    def count(self, **filters: Any) -> int:
        """How many trials match every filter."""
        answer = trials(self._store.oxigraph, self._filters(filters), self._binder(), count_only=True)
        self.notes = answer.notes
        return answer.count

    def facets(self, **filters: Any) -> dict[str, list[tuple[str, int]]]:
        """Trials per phase, status, country, lead sponsor and drug among those matching every filter."""
        answer = trials(self._store.oxigraph, self._filters(filters), self._binder(), limit=0, facets=True)
        self.notes = answer.notes
        return answer.facets

    def query(self, name: str, *, sort: str | None = None, limit: int | None = None, offset: int = 0,
              as_frame: bool = False, **params: str) -> Any:
        """A named query (``kg query --list``) with its parameters as keywords."""
        binder = self._binder()
        text, bindings = q.prepare(q.get(name), {k: str(v) for k, v in params.items()}, binder)
        columns, data = q.select(self._store.oxigraph, q.paged(q.with_values(text, bindings), sort, limit, offset), typed=True)
        self.notes = binder.notes
        rows = [dict(zip(columns, r)) for r in data]
        return _frame(rows, columns) if as_frame else rows

    def sparql(self, text: str, as_frame: bool = False) -> Any:
        """Any SELECT query over the union of the documents."""
        columns, data = q.select(self._store.oxigraph, text, typed=True)
        rows = [dict(zip(columns, r)) for r in data]
        return _frame(rows, columns) if as_frame else rows

    def show(self, nct_id: str, at: str | None = None) -> dict:
        """Every fact of a trial by group, each with its source and whether it is current (``kg show --json``); with
        ``at`` (YYYY-MM-DD), as each source stated it in the version in effect then (``kg show --at``)."""
        from kg.trial_history import shown_json

        return shown_json(self._store.oxigraph, nct_id, at)

    def history(self, nct_id: str) -> dict:
        """Every ingested version of the trial's sources and what changed between them (``kg show --history --json``)."""
        from kg import trial_history

        return trial_history.as_json(nct_id, trial_history.versions(self._store.oxigraph, nct_id))

    def resolve(self, text: str, kind: str = "drug") -> dict:
        """What a name resolves to, with method and score (``kg resolve --json``)."""
        if kind == "drug":
            from kg.resolve.drugs import drug_details

            return self._resolver.resolve(text).to_dict(drug_details)
        if kind == "sponsor":
            from kg.resolve.sponsors import resolve_sponsor, sponsor_details

            return resolve_sponsor(text).to_dict(sponsor_details)
        if kind == "condition":
            from kg.resolve.conditions import resolve_condition

            return resolve_condition(text).to_dict()
        if kind == "target":
            from kg.resolve.targets import target_details, target_result

            return target_result(text).to_dict(target_details)
        raise KGError(f"kind is drug, sponsor, condition or target (got {kind!r})")

    @staticmethod
    def _filters(given: dict[str, Any]) -> Filters:
        unknown = sorted(set(given) - _FILTERS)
        if unknown:
            raise KGError(f"no filter {unknown[0]!r}: the filters are {', '.join(sorted(_FILTERS))}")
        return Filters(**given)


def open(store: str | Path | None = None) -> KnowledgeGraph:  # noqa: A001 - kg.open(), like builtins' open
    """Open a store for reading: ``$KG_STORE`` (else ``~/.local/share/trialkg/store``) when none is given."""
    return KnowledgeGraph(store)


def _frame(rows: list[dict], columns: list[str] | None = None) -> Any:
    try:
        import pandas
    except ImportError:
        raise KGError("as_frame=True needs pandas (pip install pandas)") from None
    return pandas.DataFrame(rows, columns=columns or (list(rows[0]) if rows else None))
