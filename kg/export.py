"""Export the store with pyoxigraph's serializers (streaming; rdflib's Turtle writer was measured
47x slower and quadratic on nested IRIs).

Triple formats (Turtle, N-Triples, JSON-LD, RDF/XML) hold the distinct triples of all source
documents merged; quad formats (N-Quads, TriG) keep every named graph, so provenance survives.
Contact phones and e-mails are never in the graph unless the build asked for them, so no export
writes them by default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg import iris
from kg.errors import KGError
from kg.namespaces import PREFIXES
from kg.rdf import select

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"nquads", "trig"})
# media type -> format of a graph sent over HTTP (kg serve's CONSTRUCT and DESCRIBE answers, the browser view's IRIs)
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
# characters XML 1.0 cannot hold, even escaped: C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PREFIXES = {
    "tkg": iris.ONTOLOGY,
    "trial": iris.ID + "trial/",
    "drug": iris.ID + "drug/",
    "org": iris.ID + "org/",
    "site": iris.ID + "site/",
    "country": iris.ID + "country/",
    "mesh": iris.ID + "mesh/",
    "condition": iris.ID + "condition/",
    "graph": iris.GRAPH,
    **{k: v for k, v in PREFIXES.items() if k != "owl"},
}


def _merged_triples(store: ox.Store, with_ontology: bool) -> Iterator[ox.Triple]:
    skip = "" if with_ontology else f"FILTER(?g != <{iris.ONTOLOGY_GRAPH}>)"
    for row in select(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}"):
        yield ox.Triple(row["s"], row["p"], row["o"])


def _quads(store: ox.Store, with_ontology: bool) -> Iterator[ox.Quad]:
    onto = ox.NamedNode(iris.ONTOLOGY_GRAPH)
    for q in store.quads_for_pattern(None, None, None, None):
        if with_ontology or q.graph_name != onto:
            yield q


_NOT_XML_UTF8 = re.compile(b"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]|\\xef\\xbf[\\xbe\\xbf]")


def xml_bytes(body: bytes) -> bytes:
    """Serialized UTF-8 XML with each character XML cannot hold as U+FFFD (in UTF-8 those bytes never
    occur inside another character, so this is exact)."""
    return _NOT_XML_UTF8.sub("\ufffd".encode(), body)


class XmlSafe:
    """Text made fit for XML 1.0: each character it cannot hold becomes U+FFFD; ``changed`` counts the
    values that had one (the other formats escape them and keep them exactly)."""

    def __init__(self) -> None:
        self.changed = 0

    def text(self, value: str) -> str:
        if not NOT_XML.search(value):
            return value
        self.changed += 1
        return NOT_XML.sub("\ufffd", value)

    def triples(self, items: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        for t in items:
            o = t.object
            if isinstance(o, ox.Literal) and NOT_XML.search(o.value):
                fixed = self.text(o.value)
                o = ox.Literal(fixed, language=o.language) if o.language else ox.Literal(fixed, datatype=o.datatype)
                t = ox.Triple(t.subject, t.predicate, o)
            yield t


def export(store: ox.Store, output: str | os.PathLike, fmt: str, with_ontology: bool = False) -> int:
    """Write the graph to ``output`` in ``fmt`` (a key of ``FORMATS``); the number of values whose
    characters the format cannot hold were written with U+FFFD in their place (RDF/XML only)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r} (choose from {', '.join(sorted(FORMATS))})")
    items = _quads(store, with_ontology) if fmt in QUAD_FORMATS else _merged_triples(store, with_ontology)
    safe = XmlSafe()
    if fmt == "rdfxml":
        items = safe.triples(items)  # type: ignore[arg-type]
    prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
    try:
        ox.serialize(items, output=str(output), format=FORMATS[fmt], prefixes=prefixes)
    except OSError as exc:
        raise KGError(f"cannot write {output}: {exc.strerror or exc}") from None
    return safe.changed
