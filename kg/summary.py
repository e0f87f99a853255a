"""Headline counts of a store: what ``kg build`` and ``kg stats`` print."""

from __future__ import annotations

import re
from collections import Counter

from kg import iris
from kg.store import TrialStore

_COUNTS = {
    "trials (full records)": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t tkg:mentionedIn ?d }",
    "trials (mentioned only)": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a tkg:Trial FILTER NOT EXISTS { ?t tkg:mentionedIn ?d } }",
    "interventions": "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a tkg:Intervention }",
    "drugs": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a tkg:Drug }",
    "sponsors": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?t tkg:sponsor|tkg:leadSponsor|tkg:collaborator ?o }",
    "sites": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a tkg:Site }",
    "countries": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a tkg:Country }",
    "conditions": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a tkg:Condition }",
    "source documents": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a tkg:SourceDocument }",
}


def summary(store: TrialStore) -> dict[str, int]:
    """Entity counts over the union graph, plus stored quads."""
    out = {}
    for label, q in _COUNTS.items():
        rows = list(store.query(f"PREFIX tkg: <{iris.ONTOLOGY}>\n{q}"))
        out[label] = int(rows[0]["n"].value) if rows else 0
    out["quads stored"] = len(store)
    return out


def warning_kinds(warnings: list[str]) -> dict[str, int]:
    """Warnings counted by kind: the message up to its first quoted or bracketed detail."""
    return dict(Counter(re.split(r"\s*['\"(]", w, maxsplit=1)[0] for w in warnings).most_common())
