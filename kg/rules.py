"""Derived graphs computed in the store by SPARQL Update files, rebuilt after every ingest.

- ``graph/inferred``: the derived trial classes, by the rules in ``ontology/rules/*.ru``. The ontology
  states the same classes as OWL equivalences; reasoning with HermiT over the whole graph does not
  scale (minutes at 1k trials), so the store applies these rules instead.
- ``graph/summary``: counts that aggregate queries read instead of scanning every trial (trials per
  sponsor and drug, per country and phase), by the CONSTRUCT queries in ``queries/summaries/*.rq``,
  bulk-loaded (a SPARQL INSERT of the same triples took twice as long at 100k studies).

Readers never see a graph half rebuilt: they read the snapshot the ingest publishes after this step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.rdf import construct
from kg.resources import data_dir


def _texts(folder: Path, suffix: str) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"*{suffix}"))}


@lru_cache(maxsize=1)
def rules() -> dict[str, str]:
    """Rule name -> SPARQL Update text."""
    return _texts(data_dir("ontology") / "rules", ".ru")


@lru_cache(maxsize=1)
def summaries() -> dict[str, str]:
    """Summary name -> SPARQL CONSTRUCT text."""
    return _texts(data_dir("queries") / "summaries", ".rq")


def apply_rules(store: ox.Store) -> None:
    """Recompute ``graph/inferred`` from all rules, in one transaction."""
    body = " ;\n".join([f"DROP SILENT GRAPH <{iris.INFERRED_GRAPH}>"] + [_strip_prefixes(r) for r in rules().values()])
    store.update(f"PREFIX tkg: <{iris.ONTOLOGY}>\n{body}")


def refresh_summaries(store: ox.Store) -> None:
    """Recompute ``graph/summary`` from all summary queries (over the union of the named graphs)."""
    graph = ox.NamedNode(iris.SUMMARY_GRAPH)
    store.remove_graph(graph)
    for text in summaries().values():
        triples = construct(store, text, use_default_graph_as_union=True)
        store.bulk_load(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=graph)


def _strip_prefixes(rule: str) -> str:
    return "\n".join(l for l in rule.splitlines() if not l.startswith(("PREFIX", "#")))
