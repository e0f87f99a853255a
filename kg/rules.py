"""Derived graphs computed in the store by SPARQL Update files, rebuilt after every ingest.

- ``graph/inferred``: the derived trial classes, by the rules in ``ontology/rules/*.ru``. The ontology
  states the same classes as OWL equivalences; reasoning with HermiT over the whole graph does not
  scale (minutes at 1k trials), so the store applies these rules instead.
- ``graph/summary``: counts that aggregate queries read instead of scanning every trial (trials per
  sponsor and drug, per country and phase), by the updates in ``queries/summaries/*.ru``.

Each graph is dropped and filled again in one transaction: readers see the old or the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.resources import data_dir


def _updates(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ru"))}


@lru_cache(maxsize=1)
def rules() -> dict[str, str]:
    """Rule name -> SPARQL Update text."""
    return _updates(data_dir("ontology") / "rules")


@lru_cache(maxsize=1)
def summaries() -> dict[str, str]:
    """Summary name -> SPARQL Update text."""
    return _updates(data_dir("queries") / "summaries")


def apply_rules(store: ox.Store) -> None:
    """Recompute ``graph/inferred`` from all rules."""
    _recompute(store, iris.INFERRED_GRAPH, rules().values())


def refresh_summaries(store: ox.Store) -> None:
    """Recompute ``graph/summary`` from all summary updates."""
    _recompute(store, iris.SUMMARY_GRAPH, summaries().values())


def _recompute(store: ox.Store, graph: str, updates: Iterable[str]) -> None:
    """Drop ``graph`` and run ``updates`` (which write into it), in one transaction."""
    body = " ;\n".join([f"DROP SILENT GRAPH <{graph}>"] + [_strip_prefixes(u) for u in updates])
    store.update("PREFIX tkg: <%s>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                 "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n%s" % (iris.ONTOLOGY, body))


def _strip_prefixes(update: str) -> str:
    return "\n".join(l for l in update.splitlines() if not l.startswith(("PREFIX", "#")))
