"""SHACL validation of the store with pyshacl, one source document at a time, on every core.

Each document's named graph is self-contained (it types and labels every entity it links to), so
validating document by document scales linearly and in parallel. Each unit is copied into an
in-memory rdflib graph, literals normalized: Oxigraph returns simple literals typed ``xsd:string``,
which rdflib would not equal to the untyped literals of the shapes (``sh:in`` would then fail).
The ontology's ``rdfs:subClassOf`` axioms are added so ``sh:class`` sees subclasses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH, XSD

from kg import iris
from kg.resources import data_dir

SHAPES_FILE = "trialkg.shacl.ttl"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One SHACL result, flattened for reports and tests."""

    severity: str  # Violation | Warning | Info
    shape: str  # the node shape (and the path, for a property constraint)
    focus: str
    message: str
    value: str | None
    graph: str


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data_dir("shapes") / SHAPES_FILE, format="turtle")
    return g


@lru_cache(maxsize=1)
def subclass_axioms() -> rdflib.Graph:
    g = rdflib.Graph()
    onto = rdflib.Graph()
    onto.parse(data_dir("ontology") / "trialkg.ttl", format="turtle")
    for s, o in onto.subject_objects(RDFS.subClassOf):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            g.add((s, RDFS.subClassOf, o))
    return g


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """An rdflib term for a pyoxigraph term; ``xsd:string`` literals become simple literals."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def unit_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The rdflib graph of one validation unit (triples of a named graph + subclass axioms)."""
    g = rdflib.Graph()
    for q in quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    g += subclass_axioms()
    return g


def validate_graph(data: rdflib.Graph, graph_name: str = "") -> list[Finding]:
    """pyshacl over one in-memory unit; the results as findings."""
    from pyshacl import validate

    _, results, _ = validate(data, shacl_graph=shapes_graph(), inference="none", advanced=False,
                             allow_warnings=True)  # conforms is True with warnings: read every result
    return sorted(_findings(results, graph_name))


def shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """How findings name a shape: its local name, or for a property shape "NodeShape path"."""
    if isinstance(shape, rdflib.URIRef):
        return local_name(shape)
    parent = next(shapes.subjects(SH.property, shape), None)
    path = shapes.value(shape, SH.path)
    head = local_name(parent) if isinstance(parent, rdflib.URIRef) else "shape"
    return f"{head} {local_name(path)}" if path is not None else head


def local_name(term: rdflib.term.Node | None) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def _findings(results: rdflib.Graph, graph_name: str) -> Iterator[Finding]:
    shapes = shapes_graph()
    for r in results.objects(None, SH.result):  # top-level results only, not nested sh:detail ones
        value = results.value(r, SH.value)
        yield Finding(
            severity=local_name(results.value(r, SH.resultSeverity)),
            shape=shape_name(shapes, results.value(r, SH.sourceShape)),
            focus=str(results.value(r, SH.focusNode)),
            message=str(results.value(r, SH.resultMessage) or ""),
            value=None if value is None else str(value),
            graph=graph_name,
        )


# -- the store, in parallel -------------------------------------------------------------------
NOT_VALIDATED = iris.SPECIAL_GRAPHS - {iris.DICTIONARY_GRAPH}  # see document_graphs
_worker_store: ox.Store | None = None


def open_worker_store(path: str) -> None:
    """In a validation worker process: open the store (a snapshot) read-only, once."""
    global _worker_store
    _worker_store = ox.Store.read_only(path)


def worker_store() -> ox.Store:
    """The store this worker process opened."""
    assert _worker_store is not None, "open_worker_store was not called in this process"
    return _worker_store


def validate_named(graph_iri: str) -> list[Finding]:
    """In a process that opened the store (``open_worker_store``): pyshacl's findings in one document graph."""
    quads = worker_store().quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))
    return validate_graph(unit_graph(quads), graph_iri)


def document_graphs(store: ox.Store) -> list[str]:
    """The named graphs to validate one by one: every source document's, and the dictionary graph (drug
    labels drawn from the shipped dictionary, shaped like a document's); not the ontology, nor the inferred
    and record-alias graphs, which only hold statements about nodes described elsewhere."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in NOT_VALIDATED)


def validate_store(path: str | os.PathLike, graphs: list[str], workers: int | None = None,
                   check: Callable[[str], list[Finding]] = validate_named) -> list[Finding]:
    """Validate the given document graphs of the store at ``path`` (opened read-only per worker), each by
    ``check``: a module-level function of a graph IRI reading ``worker_store()`` (pyshacl's by default;
    ``kg.shacl_python.validate_named`` for the Python engine)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(graphs) < 8:
        open_worker_store(str(Path(path)))
        return [f for g in graphs for f in check(g)]
    with ProcessPoolExecutor(max_workers=workers, initializer=open_worker_store, initargs=(str(Path(path)),)) as pool:
        return [f for found in pool.map(check, graphs, chunksize=16) for f in found]
