"""A trial's history as the store keeps it (``graph/history``, written by ``kg.ingest`` from ``kg.history``):
``kg show NCT... --history`` (every version of each of its documents, what changed between consecutive ones) and
``kg show NCT... --at DATE`` (the trial as each source stated it in the version in effect on that date).

Versions of a document are ordered by the last update each states, then by when it was ingested (then by sha256,
so the order is total); the version in effect at a date is the last one whose stated update (else its ingest date)
is on or before it. The same order and comparison as ``queries/trial-changes.rq``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from kg import history, iris, show
from kg.errors import KGError
from kg.namespaces import sparql_prefixes
from kg.rdf import select
from kg.sources.vocab import is_iso_date


@dataclass(frozen=True, slots=True)
class Version:
    """One ingested version of one of a trial's documents."""

    source: str  # the document (its named graph)
    sha256: str
    updated: str  # the last update it states for the trial ("" if none)
    ingested: str
    path: str
    format: str
    current: bool  # the document's graph today
    kept: bool  # its whole graph is kept (every version but the current one)
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.updated, self.ingested, self.sha256)

    @property
    def in_effect_from(self) -> str:
        """The date from which it is the version in effect: its stated update, else the day it was ingested."""
        return self.updated or self.ingested[:10]


@dataclass(frozen=True, slots=True)
class Change:
    """A followed field whose value differs between two consecutive versions of a document."""

    source: str
    field: str
    old: str
    new: str
    from_updated: str
    to_updated: str
    to_ingested: str


def versions(store: ox.Store, nct_id: str) -> list[Version]:
    """Every version of every document of the trial, by document then in order; an error if it has none."""
    t = show.trial_iri(store, nct_id)
    rows = select(store, f"""PREFIX tkg: <{iris.ONTOLOGY}> {sparql_prefixes("prov", "dcterms", "rdf")}
        SELECT ?v ?doc ?sha ?updated ?ended ?path ?fmt ?snap ?cur ?field ?value WHERE {{
          GRAPH <{iris.HISTORY_GRAPH}> {{
            ?v tkg:versionOfTrial <{t}> ; dcterms:isVersionOf ?doc ; tkg:versionSha256 ?sha .
            OPTIONAL {{ ?v tkg:versionUpdated ?updated }} OPTIONAL {{ ?v prov:generatedAtTime ?ended }}
            OPTIONAL {{ ?v tkg:versionPath ?path }} OPTIONAL {{ ?v dcterms:format ?fmt }}
            OPTIONAL {{ ?v tkg:graphSnapshot ?s BIND(true AS ?snap) }}
            OPTIONAL {{ ?v tkg:versionFact ?f . ?f tkg:field ?field ; rdf:value ?value }}
          }}
          OPTIONAL {{ GRAPH ?doc {{ ?doc tkg:sha256 ?cur }} }}
        }}""")
    found: dict[str, dict] = {}
    for r in rows:
        v = found.setdefault(r["v"].value, {
            "source": r["doc"].value, "sha256": r["sha"].value, "facts": {},
            **{k: "" if r[k] is None else r[k].value for k in ("updated", "path")},
            "ingested": "" if r["ended"] is None else r["ended"].value, "format": "" if r["fmt"] is None else r["fmt"].value,
            "current": r["cur"] is not None and r["cur"].value == r["sha"].value, "kept": r["snap"] is not None})
        if r["field"] is not None:
            v["facts"][r["field"].value] = r["value"].value
    if not found:
        raise KGError(f"no versions of trial {nct_id} in the store (not ingested, or ingested before trialkg kept history)")
    return sorted((Version(**v) for v in found.values()), key=lambda v: (v.source, v.order))


def changes(found: list[Version]) -> list[Change]:
    """What changed between consecutive versions of each document, field by field (``history.FIELDS`` order)."""
    by_source: dict[str, list[Version]] = defaultdict(list)
    for v in found:
        by_source[v.source].append(v)
    out = []
    for source, chain in by_source.items():
        chain.sort(key=lambda v: v.order)
        for a, b in zip(chain, chain[1:]):
            out += [Change(source, f, a.facts.get(f, ""), b.facts.get(f, ""), a.updated, b.updated, b.ingested)
                    for f in history.FIELDS if a.facts.get(f, "") != b.facts.get(f, "")]
    return out


def as_json(nct_id: str, found: list[Version]) -> dict:
    """``kg show --history --json``: the trial's versions and the changes between them."""
    return {"nct_id": nct_id.strip().upper(), "versions": [asdict(v) for v in found],
            "changes": [asdict(c) for c in changes(found)]}


def statements_at(store: ox.Store, nct_id: str, at: str | None = None) -> list[show.Statement]:
    """``kg show``: every fact of the trial, or with ``at`` as it stood on that date (see ``as_of``)."""
    return show.show(as_of(store, nct_id, at) if at else store, nct_id)


def shown_json(store: ox.Store, nct_id: str, at: str | None = None) -> dict:
    """``kg show --json``: ``statements_at`` as JSON, the date kept as "at"."""
    return show.as_json(nct_id, statements_at(store, nct_id, at)) | ({"at": at} if at else {})


def as_of(store: ox.Store, nct_id: str, date: str) -> ox.Store:
    """An in-memory store holding, for each of the trial's documents, the version in effect on ``date``
    (YYYY-MM-DD, YYYY-MM or YYYY); an error if no document had a version by then."""
    if not is_iso_date(date):
        raise KGError(f"date {date!r}: give a date as YYYY-MM-DD, YYYY-MM or YYYY")
    chosen: dict[str, Version] = {}
    for v in versions(store, nct_id):
        if v.in_effect_from[:len(date)] <= date and (v.source not in chosen or v.order > chosen[v.source].order):
            chosen[v.source] = v
    if not chosen:
        raise KGError(f"trial {nct_id} has no version updated on or before {date}")
    out = ox.Store()
    for v in chosen.values():
        if v.current:
            out.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(v.source)))
            continue
        rows = list(select(store, f"""SELECT ?s WHERE {{ GRAPH <{iris.HISTORY_GRAPH}> {{
            <{history.version_iri(v.source, v.sha256)}> <{iris.term("graphSnapshot")}> ?s }} }}"""))
        if not rows:
            raise KGError(f"the version of {v.source.removeprefix(iris.GRAPH)} updated {v.in_effect_from} is not kept in the store")
        out.load(history.unpack(rows[0]["s"].value), format=ox.RdfFormat.N_QUADS)
    return out
