"""Derived trial classes, computed in the store by the SPARQL rules in ``ontology/rules/*.ru``.

The ontology states the same classes as OWL equivalences; reasoning with HermiT over the whole
graph does not scale (minutes at 1k trials), so the store applies these rules instead, into the
named graph ``graph/inferred``, rebuilt after every ingest in one transaction.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from kg import iris
from kg.resources import data_dir


@lru_cache(maxsize=1)
def rules() -> dict[str, str]:
    """Rule name -> SPARQL Update text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((data_dir("ontology") / "rules").glob("*.ru"))}


def apply_rules(store: ox.Store) -> None:
    """Recompute ``graph/inferred`` from all rules, in one transaction."""
    body = " ;\n".join([f"DROP SILENT GRAPH <{iris.INFERRED_GRAPH}>"] + [_strip_prefixes(r) for r in rules().values()])
    store.update(f"PREFIX tkg: <{iris.ONTOLOGY}>\n{body}")


def _strip_prefixes(rule: str) -> str:
    return "\n".join(l for l in rule.splitlines() if not l.startswith(("PREFIX", "#")))
