"""Curation reports over the store: unresolved intervention names, and every name of a drug."""

from __future__ import annotations

from kg import iris
from kg.store import TrialStore

SKOS = "http://www.w3.org/2004/02/skos/core#"


def unresolved_interventions(store: TrialStore, limit: int = 100) -> list[tuple[str, int, str]]:
    """Intervention names with no drug link that are not typed as comparator/procedure/drug class,
    most frequent first: ``(name, count, types)``."""
    q = f"""
    PREFIX tkg: <{iris.ONTOLOGY}>
    SELECT ?name (COUNT(DISTINCT ?i) AS ?n) (GROUP_CONCAT(DISTINCT STRAFTER(STR(?type), "interventionType_"); separator=",") AS ?types)
    WHERE {{
      ?i a tkg:Intervention ; tkg:interventionName ?name .
      OPTIONAL {{ ?i tkg:interventionType ?type }}
      FILTER NOT EXISTS {{ ?i tkg:drug ?d }}
      FILTER NOT EXISTS {{ ?i a ?k . VALUES ?k {{ tkg:Comparator tkg:Procedure tkg:DrugClass }} }}
      FILTER (!BOUND(?type) || ?type IN (tkg:interventionType_DRUG, tkg:interventionType_BIOLOGICAL,
              tkg:interventionType_COMBINATION_PRODUCT, tkg:interventionType_GENETIC, tkg:interventionType_OTHER))
    }}
    GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT {int(limit)}"""
    return [(r["name"].value, int(r["n"].value), r["types"].value) for r in store.query(q)]


def names_of_drug(store: TrialStore, drug_iri: str) -> list[tuple[str, str, str]]:
    """Every label of a drug: ``(label, kind: pref/alt/hidden, graph it comes from)``."""
    q = f"""SELECT DISTINCT ?label ?p ?g WHERE {{ GRAPH ?g {{ <{drug_iri}> ?p ?label }}
            VALUES ?p {{ <{SKOS}prefLabel> <{SKOS}altLabel> <{SKOS}hiddenLabel> }} }} ORDER BY ?p ?label ?g"""
    return [(r["label"].value, r["p"].value.rsplit("#", 1)[1].removesuffix("Label"), r["g"].value)
            for r in store.query(q)]
