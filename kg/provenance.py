"""Which named graph a source document becomes, and its PROV-O description.

A document's identity is its source family (``ctgov`` for every ClinicalTrials.gov record format,
another registry's name for its records, else the page layout) and the record's own id: a newer download of the same study, or the same
page saved again, is a new version of the same document and replaces its named graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from pyoxigraph import Literal, NamedNode, Quad

from kg.namespaces import DCT, PROV, XSD
from kg import MAPPING_VERSION, __version__, iris
from kg.sources.model import Source, TrialRecord

CTGOV_FORMATS = frozenset({"ctgov-api-v2-json", "ctgov-classic-json", "ctgov-xml", "ctgov-xml-json"})
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass(frozen=True, slots=True)
class Document:
    """One source document as the store knows it."""

    graph: str  # IRI of its named graph
    key: str  # family:trial, e.g. "ctgov:NCT01298141"
    sha256: str
    updated: str | None = None  # the last update the record states for the trial (ISO date)


def family(fmt: str) -> str:
    """``ctgov`` for the registry's structured formats, another registry's name for its records (``euctr-json``
    -> ``euctr``), else the page layout id."""
    return "ctgov" if fmt in CTGOV_FORMATS else fmt.removesuffix("-json")


def document(record: TrialRecord) -> Document:
    """The document a record was read from."""
    fam = family(record.source.format)
    trial_key = record.registry_id or record.nct_id or "path-" + hashlib.sha256(record.source.path.encode("utf-8")).hexdigest()[:16]
    return Document(graph=iris.document_graph(fam, trial_key), key=f"{fam}:{trial_key}", sha256=record.source.sha256,
                    updated=record.last_updated)


def commit_marker(doc: Document) -> Quad:
    """The quad that says a document is stored whole (its sha256): written after the rest of its graph,
    so a graph without it is the leftover of an interrupted ingest."""
    g = NamedNode(doc.graph)
    return Quad(g, NamedNode(iris.term("sha256")), Literal(doc.sha256), g)


def xsd_datetime(when: datetime) -> str:
    """An ``xsd:dateTime`` in the canonical form the store keeps: UTC, seconds, "Z" ("2026-12-02T02:25:38Z")."""
    return when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def provenance_quads(doc: Document, source: Source, ingested_at: datetime | None = None) -> list[Quad]:
    """PROV-O description of a document, inside its own named graph (replaced with it)."""
    g = NamedNode(doc.graph)
    activity = NamedNode(f"{doc.graph}#ingest")
    parser = NamedNode(iris.parser(source.format))
    when = xsd_datetime(ingested_at or datetime.now(timezone.utc))
    s = g
    updated = [Quad(s, NamedNode(iris.term("recordsUpdated")), Literal(doc.updated), g)] if doc.updated else []
    if source.confidence is not None:  # a page read by the generic extractor: how much of it could be read
        updated.append(Quad(s, NamedNode(iris.term("extractionConfidence")),
                            Literal(f"{source.confidence:.2f}", datatype=NamedNode(XSD + "decimal")), g))
    return updated + [
        Quad(s, RDF_TYPE, NamedNode(iris.term("SourceDocument")), g),
        Quad(s, RDF_TYPE, NamedNode(PROV + "Entity"), g),
        Quad(s, NamedNode(iris.term("documentKey")), Literal(doc.key), g),
        Quad(s, NamedNode(iris.term("sourcePath")), Literal(source.path), g),
        Quad(s, NamedNode(iris.term("sha256")), Literal(source.sha256), g),
        Quad(s, NamedNode(DCT + "format"), Literal(source.format), g),
        Quad(s, NamedNode(PROV + "wasGeneratedBy"), activity, g),
        Quad(activity, RDF_TYPE, NamedNode(iris.term("Ingest")), g),
        Quad(activity, NamedNode(PROV + "wasAssociatedWith"), parser, g),
        Quad(activity, NamedNode(PROV + "endedAtTime"), Literal(when, datatype=NamedNode(XSD + "dateTime")), g),
        Quad(activity, NamedNode(iris.term("mappingVersion")), Literal(MAPPING_VERSION), g),
        Quad(parser, RDF_TYPE, NamedNode(iris.term("Parser")), g),
        Quad(parser, NamedNode(iris.term("parserVersion")), Literal(__version__), g),
    ]
