"""The drug page's two counts over every document of a drug's trials, for every drug of a store that does not change
(a ``kg serve`` worker's snapshot), read once in the background instead of counted for each request: the drugs tested
with it (the named query ``co-tested-drugs``) and its names with the number of sources giving each (``aliases-of``).

At 100k studies the two queries took 0.29 s and 0.14 s for pembrolizumab's 2,164 trials on every view of its page;
reading both for every drug takes two scans of seconds (``benchmarks/RESULTS.md``), after which an answer is a
dictionary look-up and a count over the drug's own documents. The answers are the queries' own, row for row and in
their order (tests/test_drug_index.py compares them on every drug of the seeds and real records): the pairs of one
trial's interventions in one source graph, counted by distinct trial and grouped by the labels that graph gives; the
names by kind and text, with their graphs counted and the first of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg import iris

_PREFIXES = f"PREFIX tkg: <{iris.ONTOLOGY}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
# every drug of every trial's interventions in each source graph, with the label that graph gives it
_TOGETHER = _PREFIXES + """SELECT DISTINCT ?g ?t ?d ?l WHERE {
  GRAPH ?g { ?t tkg:intervention ?i . ?i tkg:drug ?d . ?d skos:prefLabel ?l } }"""
# every name of every drug, as aliases-of counts them for one
_NAMES = _PREFIXES + f"""SELECT ?d ?name ?kind (COUNT(DISTINCT ?g) AS ?sources) (MIN(STR(?g)) AS ?source) WHERE {{
  GRAPH ?g {{ ?d ?p ?name }}
  VALUES (?p ?kind) {{ (skos:prefLabel "pref") (skos:altLabel "alt") (skos:hiddenLabel "hidden") }}
  FILTER(STRSTARTS(STR(?d), "{iris.ID}drug/")) }} GROUP BY ?d ?name ?kind"""

Document = tuple[str, tuple[tuple[str, str], ...]]  # a trial, and the (drug, label) pairs one source graph gives it


@dataclass(frozen=True)
class DrugIndex:
    """Drug IRI -> the documents of its trials (``Document``), and drug IRI -> its names as ``aliases-of`` rows."""

    documents: dict[str, list[Document]]
    names: dict[str, list[dict[str, Any]]]

    @classmethod
    def read(cls, store: ox.Store) -> DrugIndex:
        """The index of ``store`` as it is now: valid while the store does not change."""
        grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for s in store.query(_TOGETHER):  # type: ignore[union-attr]
            grouped.setdefault((s["g"].value, s["t"].value), []).append((s["d"].value, s["l"].value))
        documents: dict[str, list[Document]] = {}
        for (_, trial), pairs in grouped.items():
            document = (trial, tuple(pairs))
            for drug in dict.fromkeys(d for d, _ in pairs):
                documents.setdefault(drug, []).append(document)
        names: dict[str, list[dict[str, Any]]] = {}
        for s in store.query(_NAMES):  # type: ignore[union-attr]
            names.setdefault(s["d"].value, []).append({"name": s["name"].value, "kind": s["kind"].value,
                                                       "sources": int(s["sources"].value), "source": s["source"].value})
        for rows in names.values():
            rows.sort(key=lambda r: (r["kind"], r["name"]))
        return cls(documents, names)

    def co_tested(self, drug: str, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` rows of ``co-tested-drugs`` for ``drug``: (its label, another drug's label, trials),
        most trials first, then by the labels."""
        pairs: dict[tuple[str, str], set[str]] = {}
        for trial, given in self.documents.get(drug, ()):
            own = [label for d, label in given if d == drug]
            for other, label in given:
                if other != drug:
                    for mine in own:
                        pairs.setdefault((mine, label), set()).add(trial)
        rows = sorted(((a, b, len(t)) for (a, b), t in pairs.items()), key=lambda r: (-r[2], r[0], r[1]))
        return [{"drug_a": a, "drug_b": b, "trials": n} for a, b, n in rows[:limit]]

    def aliases(self, drug: str, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` rows of ``aliases-of`` for ``drug``: name, kind, sources, source; by kind and name."""
        return self.names.get(drug, [])[:limit]
