"""The versions of each source document (``graph/history``): what a trial's record said at each ingested version.

Every version of a document an ingest sees gets a record in ``graph/history`` (``tkg:DocumentVersion``): the
document it is a version of (``dcterms:isVersionOf``), the trial, its sha256, the last update it states, when it
was ingested and from which file, and the facts whose changes analysts follow (``FIELDS``: status, why stopped,
phases, enrollment, dates with their types, arms, sponsors, conditions, interventions, site count, results posted),
each as a ``tkg:VersionFact`` (field name, value as shown; several values sorted and joined by " | "). The version
that is the document's graph today is read from that graph; every other version also keeps its whole graph, as
zlib-compressed N-Quads (``tkg:graphSnapshot``, ``xsd:base64Binary``), so a trial can be shown as it was at a date.

This module makes the records from a document's quads (built or read back from the store); ``kg.ingest`` writes
them, ``kg.show`` reads them.
"""

from __future__ import annotations

import base64
import zlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.namespaces import DCT, PROV, RDF, RDFS, XSD
from kg.provenance import RDF_TYPE

T = iris.term
HISTORY = ox.NamedNode(iris.HISTORY_GRAPH)
_TRIAL = ox.NamedNode(T("Trial"))
# field -> (predicate from the trial, predicate of the node it names whose value is shown, or None: the value itself)
FIELDS: dict[str, tuple[str, str | None]] = {
    "status": (T("status"), None),
    "why stopped": (T("whyStopped"), None),
    "phases": (T("phase"), None),
    "enrollment": (T("enrollment"), None),
    "enrollment type": (T("enrollmentType"), None),
    "start date": (T("startDate"), None),
    "start date type": (T("startDateType"), None),
    "primary completion date": (T("primaryCompletionDate"), None),
    "completion date": (T("completionDate"), None),
    "completion date type": (T("completionDateType"), None),
    "has results": (T("hasResults"), None),
    "arms": (T("arm"), RDFS + "label"),
    "lead sponsor": (T("leadSponsor"), RDFS + "label"),
    "collaborators": (T("collaborator"), RDFS + "label"),
    "conditions": (T("condition"), RDFS + "label"),
    "interventions": (T("intervention"), T("interventionName")),
    "sites": (T("location"), None),  # counted
}
SEPARATOR = " | "


def version_iri(graph: str, sha256: str) -> str:
    """The version of a document with this content: ``id/version/<family>/<trial>/<first 16 hex of the sha256>``."""
    return f"{iris.ID}version/{graph.removeprefix(iris.GRAPH)}/{sha256[:16]}"


def _shown(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """An enumeration individual by its enum name (``tkg:status_RECRUITING`` -> ``RECRUITING``), else the value."""
    value = term.value
    if isinstance(term, ox.NamedNode) and value.startswith(iris.ONTOLOGY) and "_" in value:
        return value.split("_", 1)[1]
    return value


_META = (T("recordsUpdated"), T("sourcePath"), DCT + "format", PROV + "endedAtTime")  # of the document's provenance
_WANTED = frozenset({link for link, _ in FIELDS.values()} | {shown for _, shown in FIELDS.values() if shown}
                    | set(_META) | {RDF_TYPE.value})


def _scan(quads: Iterable[ox.Quad]) -> tuple[Any, dict[Any, dict[str, list[Any]]], dict[str, Any]]:
    """One pass over a document's quads, reading only those of the predicates a record needs (a third of them): the
    trial (or None), subject -> predicate -> objects, and the provenance values."""
    trial, meta = None, {}
    by_subject: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        p = q.predicate.value
        if p not in _WANTED:
            continue
        if p == RDF_TYPE.value:
            if q.object == _TRIAL and isinstance(q.subject, ox.NamedNode):
                trial = q.subject
        elif p in _META:
            meta[p] = q.object
        else:
            by_subject[q.subject][p].append(q.object)
    return trial, by_subject, meta


def _facts(trial: Any, by_subject: dict[Any, dict[str, list[Any]]]) -> dict[str, str]:
    """The followed fields the trial's quads state: field -> its value (several sorted and joined)."""
    found: dict[str, str] = {}
    for field, (link, shown) in FIELDS.items():
        objects = by_subject[trial].get(link, [])
        if field == "sites":
            values = [str(len(set(objects)))] if objects else []
        elif shown is None:
            values = [_shown(o) for o in objects]
        else:
            values = [v.value for o in objects for v in by_subject[o].get(shown, [])[:1]]
        if values:
            found[field] = SEPARATOR.join(sorted(set(values)))
    return found


def record(graph: str, sha256: str, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The version record (in ``graph/history``) of the document ``graph`` with this sha256 whose quads (its
    provenance included) are given; empty when they describe no trial."""
    trial, by_subject, meta = _scan(quads)
    if trial is None:
        return []
    g = ox.NamedNode(graph)
    v = ox.NamedNode(version_iri(graph, sha256))
    out = [ox.Quad(v, RDF_TYPE, ox.NamedNode(T("DocumentVersion")), HISTORY),
           ox.Quad(v, ox.NamedNode(DCT + "isVersionOf"), g, HISTORY),
           ox.Quad(v, ox.NamedNode(T("versionOfTrial")), trial, HISTORY),
           ox.Quad(v, ox.NamedNode(T("versionSha256")), ox.Literal(sha256), HISTORY)]
    for stated, predicate in zip(_META, (T("versionUpdated"), T("versionPath"), DCT + "format", PROV + "generatedAtTime")):
        if stated in meta:
            out.append(ox.Quad(v, ox.NamedNode(predicate), meta[stated], HISTORY))
    for field, value in _facts(trial, by_subject).items():
        f = ox.NamedNode(f"{v.value}/{field.replace(' ', '-')}")
        out += [ox.Quad(v, ox.NamedNode(T("versionFact")), f, HISTORY),
                ox.Quad(f, ox.NamedNode(T("field")), ox.Literal(field), HISTORY),
                ox.Quad(f, ox.NamedNode(RDF + "value"), ox.Literal(value), HISTORY)]
    return out


def drop_current_records(graphs: list[str]) -> str:
    """A SPARQL update removing the records of these documents' versions that keep no graph: an interrupted ingest
    bulk-loads a document's graph and its version record before its commit marker, and drops the uncommitted graph
    (``TrialStore.drop_uncommitted``) with its record, so that the rerun writes both once."""
    values = " ".join(f"<{g}>" for g in graphs)
    return f"""DELETE {{ GRAPH <{iris.HISTORY_GRAPH}> {{ ?v ?p ?o . ?f ?fp ?fo }} }} WHERE {{ VALUES ?doc {{ {values} }}
      GRAPH <{iris.HISTORY_GRAPH}> {{ ?v <{DCT}isVersionOf> ?doc FILTER NOT EXISTS {{ ?v <{T("graphSnapshot")}> ?kept }}
        {{ ?v ?p ?o }} UNION {{ ?v <{T("versionFact")}> ?f . ?f ?fp ?fo }} }} }}"""


def snapshot(graph: str, sha256: str, nquads: bytes) -> ox.Quad:
    """The quad keeping a superseded version's whole graph (its N-Quads), zlib-compressed, base64-encoded."""
    packed = base64.b64encode(zlib.compress(nquads, 6)).decode("ascii")
    return ox.Quad(ox.NamedNode(version_iri(graph, sha256)), ox.NamedNode(T("graphSnapshot")),
                   ox.Literal(packed, datatype=ox.NamedNode(XSD + "base64Binary")), HISTORY)


def unpack(literal: str) -> bytes:
    """The N-Quads a ``tkg:graphSnapshot`` keeps."""
    return zlib.decompress(base64.b64decode(literal))
