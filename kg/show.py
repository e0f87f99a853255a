"""One trial as every source states it: ``kg show NCT...``.

Every fact of the trial, grouped (identification, status and dates with their types, design, eligibility,
conditions with MeSH, arms, interventions with the drugs they resolved to and how, sponsors and collaborators with
their organisations, sites with city and country, outcomes, posted results (groups with their arms and event totals,
outcome results), officials, related trials). Sources that disagree keep
their own facts in their own named graphs: each value is shown with the source that states it. For each field the
current values are those of the source that states the latest update of the trial (``tkg:recordsUpdated``; the later
ingest breaks ties).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from kg import iris
from kg.errors import KGError
from kg.namespaces import DCT, PROV, RDF, RDFS, SCHEMA, SKOS, sparql_prefixes
from kg.rdf import select
from kg.sources.registry_ids import parse_id

T = iris.term
# field -> (group, predicate) of the facts the trial states directly, in the order they are shown
DIRECT = {
    "trial id": ("identification", T("trialId")), "NCT id": ("identification", T("nctId")),
    "registration": ("identification", T("registration")), "secondary id": ("identification", T("secondaryId")),
    "acronym": ("identification", T("acronym")), "title": ("identification", DCT + "title"),
    "official title": ("identification", T("officialTitle")), "title as mentioned": ("identification", T("mentionedTitle")),
    "keyword": ("identification", T("keyword")),
    "status": ("status", T("status")), "start date": ("status", T("startDate")),
    "start date type": ("status", T("startDateType")), "primary completion date": ("status", T("primaryCompletionDate")),
    "completion date": ("status", T("completionDate")), "completion date type": ("status", T("completionDateType")),
    "last updated": ("status", T("lastUpdated")), "has results": ("status", T("hasResults")),
    "study type": ("design", T("studyType")), "phase": ("design", T("phase")), "allocation": ("design", T("allocation")),
    "intervention model": ("design", T("interventionModel")), "primary purpose": ("design", T("primaryPurpose")),
    "masking": ("design", T("masking")), "enrollment": ("design", T("enrollment")),
    "enrollment type": ("design", T("enrollmentType")),
    "sex": ("eligibility", T("eligibleSex")), "minimum age": ("eligibility", T("minimumAge")),
    "maximum age": ("eligibility", T("maximumAge")), "healthy volunteers": ("eligibility", T("healthyVolunteers")),
    "MeSH condition (registry)": ("conditions", T("meshCondition")),
    "related trial": ("related trials", T("relatedTrial")),
}
# field -> (group, link from the trial) of the facts about the trial's parts and the entities it names
PARTS = {
    "condition": ("conditions", T("condition")), "arm": ("arms", T("arm")), "intervention": ("interventions", T("intervention")),
    "lead sponsor": ("sponsors", T("leadSponsor")), "collaborator": ("sponsors", T("collaborator")),
    "sponsor": ("sponsors", T("sponsor")), "site": ("sites", T("location")), "outcome": ("outcomes", T("outcome")),
    "official": ("people", T("official")),
    "results group": ("results", T("resultGroup")), "outcome result": ("results", T("outcomeResult")),
}
GROUPS = ("identification", "status", "design", "eligibility", "conditions", "arms", "interventions", "sponsors", "sites",
          "outcomes", "results", "people", "related trials")
LABEL, PREF = RDFS + "label", SKOS + "prefLabel"
RDF_TYPE = RDF + "type"


@dataclass(frozen=True, slots=True)
class Statement:
    group: str
    field: str
    value: str
    source: str  # the named graph (document)
    source_format: str
    source_path: str
    source_updated: str  # the last update the source states for the trial ("" if none)
    ingested: str
    current: bool


def _plain(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """An enumeration individual by its enum name (``tkg:status_ACTIVE_NOT_RECRUITING`` -> ``ACTIVE_NOT_RECRUITING``);
    a trial by its NCT id; any other term by its value."""
    value = term.value
    if value.startswith(iris.ONTOLOGY) and "_" in value:
        return value.removeprefix(iris.ONTOLOGY).split("_", 1)[1]
    if value.startswith(iris.trial("")):
        return value.removeprefix(iris.trial(""))
    return value


class _Graph:
    """What one source states: subject -> predicate -> values (as shown), and labels of the entities it names."""

    def __init__(self) -> None:
        self.facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.nodes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # IRI values, unlabelled

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode, label: str | None) -> None:
        shown = label or _plain(o)
        if shown not in self.facts[s][p]:
            self.facts[s][p].append(shown)
        if isinstance(o, ox.NamedNode) and o.value not in self.nodes[s][p]:
            self.nodes[s][p].append(o.value)

    def one(self, s: str, p: str) -> str:
        return next(iter(self.facts.get(s, {}).get(p, ())), "")

    def all(self, s: str, p: str) -> list[str]:
        return list(self.facts.get(s, {}).get(p, ()))


def _describe(g: _Graph, field: str, node: str) -> str:
    """One part of the trial, or an entity it names, as one line of what this source states about it."""
    one, every = (lambda p: g.one(node, p)), (lambda p: g.all(node, p))
    if field == "condition":
        mesh = ", ".join(f"{m} ({iri.rsplit('/', 1)[-1]})" for m, iri in zip(every(T("meshConcept")), g.nodes[node][T("meshConcept")]))
        qualifiers = ", ".join(every(T("conditionQualifier")))
        return one(LABEL) + (f" -> MeSH {mesh}" if mesh else " (no MeSH descriptor)") + (f"; stated as {qualifiers}" if qualifiers else "")
    if field == "arm":
        kind = one(T("armType"))
        drugs = ", ".join(g.one(i, T("interventionName")) for i in g.nodes[node][T("armIntervention")])
        return one(LABEL) + (f" [{kind}]" if kind else "") + (f": {drugs}" if drugs else "")
    if field == "intervention":
        text = one(T("interventionName")) + (f" ({one(T('interventionType'))})" if one(T("interventionType")) else "")
        links = []
        for r in g.nodes[node][T("resolution")]:
            links.append(f"{g.one(r, T('resolvedDrug'))} [{g.one(r, T('resolutionMethod'))}, score {g.one(r, T('resolutionScore'))}]")
        others = ", ".join(every(T("otherName")))
        return text + (f" -> {'; '.join(links)}" if links else " (no drug)") + (f"; other names: {others}" if others else "")
    if field in ("lead sponsor", "collaborator", "sponsor"):
        stated, org = one(LABEL), one(PREF)
        ror = one(T("rorId"))
        return stated + (f" = {org}" if org and org != stated else "") + (f" (ROR {ror})" if ror else "")
    if field == "site":
        facility = g.nodes[node][T("facility")]
        site = facility[0] if facility else ""
        name = g.one(site, PREF) or g.one(site, LABEL)
        where = ", ".join(x for x in (g.one(site, T("city")), g.one(site, T("state")), g.one(site, T("country"))) if x)
        status = one(T("recruitmentStatus"))
        return name + (f", {where}" if where else "") + (f" [{status}]" if status else "")
    if field == "outcome":
        kind, frame = one(T("outcomeKind")), one(T("timeFrame"))
        return (f"{kind}: " if kind else "") + one(LABEL) + (f" (time frame: {frame})" if frame else "")
    if field == "results group":
        return _result_group(g, node)
    if field == "outcome result":
        kind, unit, analyses = one(T("outcomeKind")), one(T("unitOfMeasure")), len(g.nodes[node][T("analysis")])
        return ((f"{kind}: " if kind else "") + one(LABEL) + (f" [{unit}]" if unit else "")
                + (f"; {analyses} analyses" if analyses else ""))
    if field == "official":
        return ", ".join(x for x in (one(SCHEMA + "name"), one(T("role")), one(T("affiliation"))) if x)
    return one(LABEL) or node


def _result_group(g: _Graph, node: str) -> str:
    """A results group: its module, title, what it is linked to (and by which rule), participants, event totals."""
    def one(p: str) -> str:
        return g.one(node, p)

    module = next((k for k in g.all(node, RDF_TYPE) if k.endswith("Group")), "").rsplit("#", 1)[-1]
    arms = [g.one(a, LABEL) for a in g.nodes[node][T("armGroup")]]
    given = [g.one(i, T("interventionName")) for i in g.nodes[node][T("groupIntervention")]]
    link = (f" = arm {', '.join(arms)}" if arms else f" -> {', '.join(given)}" if given else " (no arm)") + (
        f" [{one(T('groupLinkMethod'))}]" if one(T("groupLinkMethod")) else "")
    counts = [f"{one(T('participants'))} participants"] if one(T("participants")) else []
    for kind in ("serious", "other", "deaths"):
        if one(T(kind + "Affected")):
            counts.append(f"{kind}: {one(T(kind + 'Affected'))} of {one(T(kind + 'AtRisk'))}")
    return f"{module} {one(T('groupId'))}: {one(LABEL)}{link}" + (f"; {'; '.join(counts)}" if counts else "")


def trial_iri(store: ox.Store, trial_id: str) -> str:
    """The trial node a user's id names: an NCT id, or any registry id in any spelling ("ISRCTN 76463425",
    "EudraCT 2019-002663-10-ES"), found through the registration that names it when the trial is filed under
    another of its ids (its NCT id)."""
    found = parse_id(trial_id)
    t = iris.trial(found.id if found else trial_id.strip().upper())
    if found is None or next(store.quads_for_pattern(ox.NamedNode(t), None, None), None) is not None:
        return t
    registered = store.quads_for_pattern(None, ox.NamedNode(iris.term("registration")), ox.NamedNode(iris.registration(found.id)))
    return next((q.subject.value for q in registered if isinstance(q.subject, ox.NamedNode)), t)


def show(store: ox.Store, nct_id: str) -> list[Statement]:
    """Every fact of a trial as each source states it, grouped, the current values marked."""
    t = trial_iri(store, nct_id)
    links = " ".join(f"<{p}>" for _, p in PARTS.values())
    rows = select(store, f"""PREFIX tkg: <{iris.ONTOLOGY}> {sparql_prefixes("rdfs", "skos")}
        SELECT ?g ?s ?p ?o ?label WHERE {{ GRAPH ?g {{
          {{ <{t}> ?p ?o BIND(<{t}> AS ?s) }}  # the pattern first: a BIND first made Oxigraph scan every ?s ?p ?o
          UNION {{ VALUES ?link {{ {links} }} <{t}> ?link ?s . ?s ?p ?o }}
          UNION {{ <{t}> tkg:intervention/tkg:resolution ?s . ?s ?p ?o }}
          UNION {{ <{t}> tkg:location/tkg:facility ?s . ?s ?p ?o }}
          OPTIONAL {{ ?o skos:prefLabel ?pref }} OPTIONAL {{ ?o rdfs:label ?lab }}
          OPTIONAL {{ ?o tkg:iso3166Alpha2 ?code }}
          BIND(COALESCE(?code, ?pref, ?lab) AS ?label)
        }} }}""")
    graphs: dict[str, _Graph] = defaultdict(_Graph)
    for r in rows:
        label = r["label"].value if r["label"] is not None and r["p"].value not in (LABEL, PREF) else None
        graphs[r["g"].value].add(r["s"].value, r["p"].value, r["o"], label)
    graphs = {g: v for g, v in graphs.items() if v.facts.get(t)}
    if not graphs:
        raise KGError(f"no trial {nct_id} in the store")
    meta = _sources(store, list(graphs))
    statements: list[tuple[str, str, str, str]] = []  # (group, field, value, graph)
    for g, facts in graphs.items():
        for field, (group, p) in DIRECT.items():
            statements += [(group, field, v, g) for v in facts.all(t, p)]
        for field, (group, link) in PARTS.items():
            statements += [(group, field, _describe(facts, field, node), g) for node in facts.nodes[t][link]]
    newest: dict[str, str] = {}
    for _, field, _, g in statements:
        if field not in newest or meta[g][2:] > meta[newest[field]][2:]:
            newest[field] = g
    fields = list(DIRECT) + list(PARTS)
    out = {Statement(group, field, value, g, *meta[g], current=newest[field] == g) for group, field, value, g in statements}
    return sorted(out, key=lambda s: (GROUPS.index(s.group), fields.index(s.field), not s.current, s.source, s.value))


def _sources(store: ox.Store, graphs: list[str]) -> dict[str, tuple[str, str, str, str]]:
    """Graph -> (format, path, the last update it states, when it was ingested): read from each graph's own statements
    about itself (a ``VALUES`` of graphs joined with ``GRAPH ?g`` made Oxigraph visit every graph: 6 s at 100k studies)."""
    wanted = {DCT + "format": 0, iris.term("sourcePath"): 1, iris.term("recordsUpdated"): 2}
    out = {}
    for g in graphs:
        node = ox.NamedNode(g)
        found = ["", "", "", ""]
        for q in store.quads_for_pattern(node, None, None, node):
            if q.predicate.value in wanted and isinstance(q.object, ox.Literal):
                found[wanted[q.predicate.value]] = q.object.value
            elif q.predicate.value == PROV + "wasGeneratedBy" and isinstance(q.object, ox.NamedNode):
                ended = next(store.quads_for_pattern(q.object, ox.NamedNode(PROV + "endedAtTime"), None, node), None)
                found[3] = ended.object.value if ended and isinstance(ended.object, ox.Literal) else found[3]
        out[g] = (found[0], found[1], found[2], found[3])
    return out


def as_json(nct_id: str, statements: list[Statement]) -> dict:
    """``kg show --json``: the trial's sources and its statements by group."""
    sources = {s.source: {"graph": s.source, "format": s.source_format, "path": s.source_path,
                          "updated": s.source_updated, "ingested": s.ingested} for s in statements}
    groups: dict[str, list[dict]] = {}
    for s in statements:
        groups.setdefault(s.group, []).append({k: v for k, v in asdict(s).items()
                                               if k in ("field", "value", "source", "current")})
    found = parse_id(nct_id)  # the id in its one written form ("nct 04523493" is NCT04523493)
    return {"nct_id": found.id if found else nct_id.strip().upper(), "sources": list(sources.values()), "groups": groups}
