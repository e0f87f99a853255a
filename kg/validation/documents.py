"""trialkg's shapes (``shapes/trialkg.shacl.ttl``) on its documents: one source document's graph at a time, in the
ingest's workers as each document is built (its quads still in memory) or read back from the store on every core.

Each document's named graph is self-contained (it types and labels every entity it links to), so validating
document by document scales linearly and in parallel. The unit given to the engine is the document's triples as
N-Triples text plus the ontology's ``rdfs:subClassOf`` axioms (so ``sh:class`` sees subclasses): what the document
states, before any store canonicalizes a literal.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS

from kg import iris
from kg.namespaces import DCT, SKOS
from kg.rdf import to_bytes
from kg.resources import data_dir
from kg.validation.datatypes import constraints, date_results_text, merged
from kg.validation.engines import DEFAULT, Result, engine

SHAPES_FILE = "trialkg.shacl.ttl"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One SHACL result in a document, flattened for reports and tests."""

    severity: str  # Violation | Warning | Info
    shape: str  # the node shape (and the path, for a property constraint): "SiteShape country"
    focus: str
    message: str
    value: str | None
    graph: str


@lru_cache(maxsize=1)
def shapes_text() -> str:
    return (data_dir("shapes") / SHAPES_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_text(), format="turtle")


@lru_cache(maxsize=1)
def subclass_axioms() -> str:
    """The ontology's ``rdfs:subClassOf`` axioms between named classes (of every ontology file), as N-Triples text."""
    onto = rdflib.Graph()
    for path in sorted(data_dir("ontology").glob("*.ttl")):
        onto.parse(path, format="turtle")
    return "".join(f"{s.n3()} <{RDFS.subClassOf}> {o.n3()} .\n" for s, o in onto.subject_objects(RDFS.subClassOf)
                   if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef))


@lru_cache(maxsize=4)
def _compiled(name: str):
    e = engine(name)
    return e, e.compile(shapes_text(), "turtle", base=iris.BASE + "shapes")


@lru_cache(maxsize=1)
def _dates() -> dict:
    return constraints(shapes_graph())


def validate_quads(graph: str, quads: Iterable[ox.Quad | ox.Triple], engine_name: str = DEFAULT) -> list[Finding]:
    """The findings of the shipped shapes in one document's triples (``graph`` names it in the findings)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return validate_ntriples(graph, to_bytes(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8"), engine_name)


def validate_nquads(graph: str, nquads: bytes, engine_name: str = DEFAULT) -> list[Finding]:
    """The same for a document's graph serialized as N-Quads (as the pipeline has it: no second serialization)."""
    return validate_ntriples(graph, nquads.decode("utf-8").replace(f" <{graph}> .\n", " .\n"), engine_name)


def validate_ntriples(graph: str, text: str, engine_name: str = DEFAULT) -> list[Finding]:
    """The findings in one document's triples as N-Triples text (with the ontology's subclass axioms added)."""
    e, compiled = _compiled(engine_name)
    results = merged(e.validate(compiled, text + subclass_axioms(), "ntriples").results, date_results_text(text, _dates()))
    return sorted(finding(r, graph) for r in results)


def finding(r: Result, graph: str) -> Finding:
    """A result as a finding: the shape named by its local name, a nested property shape as "NodeShape path"."""
    root = _local(r.root_shape) if r.root_shape else "shape"
    shape = root if r.source_shape == r.root_shape and not r.source_shape.startswith("_:") else \
        (f"{root} {_local(r.path)}" if r.path and not r.path.startswith("(") else root)
    return Finding(severity=r.severity, shape=shape, focus=_unwrap(r.focus), message=r.message,
                   value=r.value_plain, graph=graph)


def _local(term: str) -> str:
    return re.split(r"[#/]", term.strip("<>"))[-1]


def _unwrap(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


# -- the store, in parallel -------------------------------------------------------------------
NOT_VALIDATED = iris.SPECIAL_GRAPHS - {iris.DICTIONARY_GRAPH}  # see document_graphs
_worker: tuple[ox.Store, str] | None = None


def _open(path: str, engine_name: str) -> None:
    """In a validation worker process: open the store (a snapshot) read-only, once."""
    global _worker
    _worker = (ox.Store.read_only(path), engine_name)


def _validate_named(graph_iri: str) -> list[Finding]:
    assert _worker is not None, "the worker did not open the store"
    store, engine_name = _worker
    return validate_quads(graph_iri, store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)), engine_name)


def document_graphs(store: ox.Store) -> list[str]:
    """The named graphs to validate one by one: every source document's, and the dictionary graph (drug
    labels drawn from the shipped dictionary, shaped like a document's); not the ontology, nor the inferred
    and record-alias graphs, which only hold statements about nodes described elsewhere."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in NOT_VALIDATED)


def validate_store(path: str | os.PathLike, graphs: list[str], workers: int | None = None,
                   engine_name: str = DEFAULT) -> list[Finding]:
    """Validate the given document graphs of the store at ``path`` (opened read-only in each worker)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(graphs) < 8:
        _open(str(Path(path)), engine_name)
        return [f for g in graphs for f in _validate_named(g)]
    # spawned, not forked: a process that has run the shacl engine can leave its native state locked in a fork
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn, initializer=_open, initargs=(str(Path(path)), engine_name)) as pool:
        return [f for found in pool.map(_validate_named, graphs, chunksize=16) for f in found]


def focus_labels(store: ox.Store, findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(graph, focus node) -> the label the document gives the node (its name, title or text as mentioned), for
    reports a person reads; nodes without one are left out."""
    pairs = {(f.graph, f.focus) for f in findings if f.focus.startswith(("http://", "https://"))}
    out: dict[tuple[str, str], str] = {}
    for g, focus in pairs:
        for q in store.quads_for_pattern(ox.NamedNode(focus), None, None, ox.NamedNode(g)):
            if q.predicate.value in _LABELS and isinstance(q.object, ox.Literal):
                out.setdefault((g, focus), q.object.value)
    return out


_LABELS = (str(RDFS.label), SKOS + "prefLabel", DCT + "title", iris.term("interventionName"), iris.term("nctId"))
