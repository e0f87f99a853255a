"""One trial as every source states it: ``kg show NCT...``.

Sources that disagree (status, dates, ...) keep their own facts in their own named graphs. For each
field, the current value is the one from the source that states the latest update of the trial
(``tkg:recordsUpdated``; the later ingest breaks ties); every value is shown with where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg import iris
from kg.errors import KGError
from kg.namespaces import DCT, sparql_prefixes
from kg.rdf import select

FIELDS = {
    "title": DCT + "title",
    "official title": iris.term("officialTitle"),
    "status": iris.term("status"),
    "phase": iris.term("phase"),
    "study type": iris.term("studyType"),
    "enrollment": iris.term("enrollment"),
    "start date": iris.term("startDate"),
    "primary completion date": iris.term("primaryCompletionDate"),
    "completion date": iris.term("completionDate"),
    "last updated": iris.term("lastUpdated"),
    "lead sponsor": iris.term("leadSponsor"),
    "title as mentioned": iris.term("mentionedTitle"),
}


@dataclass(frozen=True, slots=True)
class Statement:
    field: str
    value: str
    source: str  # the named graph (document)
    source_format: str
    source_path: str
    source_updated: str  # the last update the source states for the trial ("" if none)
    ingested: str
    current: bool


def _plain(term) -> str:
    """An enumeration individual by its enum name (``tkg:status_ACTIVE_NOT_RECRUITING`` -> ``ACTIVE_NOT_RECRUITING``)."""
    value = term.value
    if value.startswith(iris.ONTOLOGY) and "_" in value:
        return value.removeprefix(iris.ONTOLOGY).split("_", 1)[1]
    return value


def show(store: ox.Store, nct_id: str) -> list[Statement]:
    """Every field of a trial as each source states it, the current value marked."""
    trial = ox.NamedNode(iris.trial(nct_id.strip().upper()))
    values = " ".join(f"(<{p}> \"{name}\")" for name, p in FIELDS.items())
    rows = list(select(store, f"""
        PREFIX tkg: <{iris.ONTOLOGY}> {sparql_prefixes("prov", "dcterms")}
        SELECT ?field ?o ?g ?fmt ?path ?updated ?ended ?label WHERE {{
          VALUES (?p ?field) {{ {values} }}
          GRAPH ?g {{ {trial} ?p ?o .
            OPTIONAL {{ ?g dcterms:format ?fmt }} OPTIONAL {{ ?g tkg:sourcePath ?path }}
            OPTIONAL {{ ?g tkg:recordsUpdated ?updated }} OPTIONAL {{ ?g prov:wasGeneratedBy/prov:endedAtTime ?ended }}
            OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}
        }}"""))
    if not rows:
        raise KGError(f"no trial {nct_id} in the store")
    rank = {}
    for r in rows:
        rank[r["g"].value] = (r["updated"].value if r["updated"] else "", r["ended"].value if r["ended"] else "")
    newest: dict[str, str] = {}
    for r in rows:
        g = r["g"].value
        if r["field"].value not in newest or rank[g] > rank[newest[r["field"].value]]:
            newest[r["field"].value] = g
    out = [Statement(field=r["field"].value, value=r["label"].value if r["label"] else _plain(r["o"]),
                     source=r["g"].value, source_format=r["fmt"].value if r["fmt"] else "",
                     source_path=r["path"].value if r["path"] else "", source_updated=rank[r["g"].value][0],
                     ingested=rank[r["g"].value][1], current=newest[r["field"].value] == r["g"].value) for r in rows]
    order = list(FIELDS)
    return sorted(set(out), key=lambda s: (order.index(s.field), not s.current, s.source, s.value))
