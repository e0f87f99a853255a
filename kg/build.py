"""Records become RDF: the quads of one source document's named graph.

Trial facts, its arms, interventions (original text kept), conditions (stated and MeSH),
sponsors, sites and places, outcomes, officials and related-trial links, typed by the ontology in
``ontology/``. Contact phone numbers and e-mail addresses stay out unless ``include_contacts``.
A related trial mentioned only by id and title becomes a stub (type, NCT id, the title as
mentioned) under its own IRI, which a later full record of that trial completes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat

from kg.namespaces import DCT, RDFS, ROR, SCHEMA, SKOS, XSD
from kg import history, iris
from kg.build_results import results_quads
from kg.privacy import scrub_record
from kg.rdf import to_bytes
from kg.sources.model import Intervention, Site, TrialRecord
from kg.normalize import fold
from kg.resolve.conditions import mesh_ancestors, resolve_condition
from kg.resolve.places import city_key, is_region_not_city, match_site, region_of
from kg.resolve.result import DrugLink, Resolver
from kg.resolve.sponsors import SponsorLink, is_placeholder, split_names
from kg.resolve.stop_reasons import stop_reasons
from kg.resolve.sponsors import link as sponsor_link
from kg.provenance import RDF_TYPE, Document, commit_marker, document, provenance_quads
from kg.sources import vocab
from kg.sources.registry_ids import registry_ids

RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_DATE_TYPES = {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}


@dataclass
class BuildOptions:
    include_contacts: bool = False
    resolve: bool = True  # link interventions to drugs (the store supplies a resolver when none is given)
    resolver: Resolver | None = None
    ingested_at: datetime | None = None


def date_literal(iso: str) -> Literal:
    """A date typed by its precision: ``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date``."""
    return Literal(iso, datatype=NamedNode(_DATE_TYPES[len(iso)]))


def country_iri(name: str | None) -> tuple[str | None, str | None]:
    """``(IRI, ISO code)`` of a country name; unknown names get a flagged IRI of their own."""
    if not name:
        return None, None
    code = vocab.country_code(name)
    return (iris.country(code), code) if code else (iris.unknown_country(name), None)


_BOOLEAN, _INTEGER, _DECIMAL = (NamedNode(XSD + t) for t in ("boolean", "integer", "decimal"))
_NODES: dict[str, NamedNode] = {}  # predicates and classes: a few hundred IRIs, made once


def _node(iri: str) -> NamedNode:
    node = _NODES.get(iri)
    if node is None:
        node = _NODES[iri] = NamedNode(iri)
    return node


def decimal_text(x: float) -> str:
    """A number as the canonical ``xsd:decimal`` lexical form the store keeps ("-200", "31.2", "0.00001"; never an
    exponent, which xsd:decimal does not allow): what a document states is then what the store holds."""
    text = format(Decimal(repr(x)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class GraphQuads:
    """Collects the quads of one named graph, and the warnings building it gave."""

    def __init__(self, graph_iri: str) -> None:
        self.g = NamedNode(graph_iri)
        self.quads: list[Quad] = []
        self.warnings: list[str] = []

    def add(self, s: NamedNode | BlankNode, p: str, o: NamedNode | Literal | BlankNode | str | int | float | bool | None) -> None:
        if isinstance(o, (NamedNode, Literal, BlankNode)):  # a term first: never compared with "" (a pyo3 comparison
            term: NamedNode | Literal | BlankNode = o      # with a str raises and handles an error, 6% of a worker's time)
        elif isinstance(o, str):
            if not o:
                return
            term = Literal(o)
        elif o is None or o == ():  # nothing stated (no values)
            return
        elif isinstance(o, bool):
            term = Literal("true" if o else "false", datatype=_BOOLEAN)
        elif isinstance(o, int):
            term = Literal(str(o), datatype=_INTEGER)
        elif isinstance(o, float):
            term = Literal(decimal_text(o), datatype=_DECIMAL)
        else:
            raise TypeError(f"not an RDF term or a value: {o!r}")
        self.quads.append(Quad(s, _node(p), term, self.g))

    def a(self, s: NamedNode | BlankNode, cls: str) -> None:
        self.quads.append(Quad(s, RDF_TYPE, _node(iris.term(cls)), self.g))


T = iris.term


@dataclass(frozen=True, slots=True)
class RecordGraph:
    """One record's named graph: its document, its distinct quads (provenance included), and what building it
    warned about (an unknown country name ...)."""

    doc: Document
    quads: list[Quad]
    warnings: tuple[str, ...]


def record_graph(record: TrialRecord, options: BuildOptions | None = None) -> RecordGraph:
    """The named graph of one record, with its warnings."""
    options = options or BuildOptions()
    if not options.include_contacts:
        record = scrub_record(record)
    doc = document(record)
    out = GraphQuads(doc.graph)
    if record.trial_id:
        _trial(out, record, options)
    out.quads += provenance_quads(doc, record.source, options.ingested_at)
    return RecordGraph(doc, list(dict.fromkeys(out.quads)), tuple(out.warnings))  # a site's country is stated once


def record_quads(record: TrialRecord, options: BuildOptions | None = None) -> tuple[Document, list[Quad]]:
    """The named graph of one record: its document and its distinct quads (``record_graph`` without the warnings)."""
    built = record_graph(record, options)
    return built.doc, built.quads


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document's graph ready to store: every quad but its commit marker, as N-Quads (cheap to send
    between processes and to bulk-load), the number of quads including the marker, the warnings building it
    gave, the SHACL findings in it when the pipeline validated it (``kg.pipeline``; else empty), and its version
    record (``kg.history``)."""

    doc: Document
    nquads: bytes
    quads: int
    findings: tuple = ()
    warnings: tuple[str, ...] = ()
    version: bytes = b""  # N-Quads of its version record in graph/history (kg.history.record)


def prepared_document(doc: Document, quads: list[Quad], findings: tuple = (), warnings: tuple[str, ...] = ()) -> PreparedDocument:
    """A document's quads (from ``record_graph``) as a prepared document."""
    marker = commit_marker(doc)
    content = [q for q in quads if q != marker]
    return PreparedDocument(doc, to_bytes(content, RdfFormat.N_QUADS), len(content) + 1, findings, warnings,
                            to_bytes(history.record(doc.graph, doc.sha256, content), RdfFormat.N_QUADS))


def _trial(out: GraphQuads, r: TrialRecord, options: BuildOptions) -> None:
    t = NamedNode(iris.trial(r.trial_id))  # type: ignore[arg-type]
    out.a(t, "Trial")
    out.add(t, T("trialId"), r.trial_id)
    out.add(t, T("nctId"), r.nct_id)
    out.add(t, T("mentionedIn"), out.g)
    for sid in r.secondary_ids:
        out.add(t, T("secondaryId"), sid)
    _registrations(out, t, r)
    out.add(t, T("acronym"), r.acronym)
    out.add(t, DCT + "title", r.title)
    out.add(t, T("officialTitle"), r.official_title)
    out.add(t, DCT + "abstract", r.brief_summary)
    if r.status:
        out.add(t, T("status"), NamedNode(iris.enum("status", r.status)))
    if r.why_stopped:
        out.add(t, T("whyStopped"), r.why_stopped)
        for reason in stop_reasons(r.why_stopped):
            out.add(t, T("stopReason"), NamedNode(iris.enum("stopReason", reason)))
    for ph in r.phases:
        out.add(t, T("phase"), NamedNode(iris.enum("phase", ph)))
    if r.study_type:
        out.add(t, T("studyType"), NamedNode(iris.enum("studyType", r.study_type)))
    out.add(t, T("enrollment"), r.enrollment.count)
    out.add(t, T("enrollmentType"), r.enrollment.type)
    for prop, value in (("startDate", r.start_date), ("primaryCompletionDate", r.primary_completion_date),
                        ("completionDate", r.completion_date), ("lastUpdated", r.last_updated)):
        if value:
            out.add(t, T(prop), date_literal(value))
    out.add(t, T("startDateType"), r.start_date_type)
    out.add(t, T("completionDateType"), r.completion_date_type)
    out.add(t, T("hasResults"), r.has_results)
    for kw in r.keywords:
        out.add(t, T("keyword"), kw)
    _design(out, t, r)
    _conditions(out, t, r)
    _sponsors(out, t, r)
    _interventions_and_arms(out, t, r, options)
    _sites(out, t, r)
    _outcomes(out, t, r)
    results_quads(out, t, r)
    _references(out, t, r)
    _people(out, t, r, options)
    _related(out, t, r)


def _registrations(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    """Every registration the record states for its trial: its own id, its NCT id, and the registry ids among its
    secondary ids, each a node shared by every record that names it (``iris.registration``)."""
    for rid in registry_ids([r.registry_id, r.nct_id, *r.secondary_ids]):
        reg, registry = NamedNode(iris.registration(rid.id)), NamedNode(iris.registry(rid.registry.key))
        out.add(t, T("registration"), reg)
        out.a(reg, "Registration")
        out.add(reg, T("registryId"), rid.id)
        out.add(reg, T("registry"), registry)
        out.a(registry, "Registry")
        out.add(registry, RDFS_LABEL.value, rid.registry.name)
        out.add(registry, T("bioregistryPrefix"), rid.registry.bioregistry)


def _design(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    d, e = r.design, r.eligibility
    for prop, prefix, value in (("allocation", "allocation", d.allocation),
                                ("interventionModel", "interventionModel", d.intervention_model),
                                ("primaryPurpose", "primaryPurpose", d.primary_purpose),
                                ("masking", "masking", d.masking), ("eligibleSex", "sex", e.sex)):
        if value:
            out.add(t, T(prop), NamedNode(iris.enum(prefix, value)))
    out.add(t, T("minimumAge"), e.min_age)
    out.add(t, T("maximumAge"), e.max_age)
    out.add(t, T("minimumAgeYears"), vocab.age_years(e.min_age))  # the same ages as numbers, for ranges and sorting
    out.add(t, T("maximumAgeYears"), vocab.age_years(e.max_age))
    out.add(t, T("healthyVolunteers"), e.healthy_volunteers)
    out.add(t, T("inclusionCriteria"), "\n".join(e.inclusion))  # each list as one text, its items in order, one a line
    out.add(t, T("exclusionCriteria"), "\n".join(e.exclusion))


def _conditions(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    context = " ".join([r.title or "", r.official_title or "", *r.conditions, *(m.term for m in r.condition_mesh)])
    for name in r.conditions:
        c = NamedNode(iris.condition(name))
        out.add(t, T("condition"), c)
        out.a(c, "Condition")
        out.add(c, RDFS_LABEL.value, name)
        out.add(c, T("nameKey"), fold(name))
        found = resolve_condition(name, context)  # the record's context decides an ambiguous abbreviation
        for q in found.qualifiers:  # stage, setting, severity: kept as facts of the stated condition
            out.add(c, T("conditionQualifier"), q)
        for m in found.matches if found.status == "resolved" else ():  # to MeSH conditions (resolved by us)
            out.add(c, T("meshConcept"), _mesh_node(out, m.local_id, m.label))
            for anc_id, anc_term in mesh_ancestors(m.local_id):
                out.add(t, T("meshAncestor"), _mesh_node(out, anc_id, anc_term))
    for term in r.condition_mesh:  # MeSH terms the registry assigned
        if term.id:
            out.add(t, T("meshCondition"), _mesh_node(out, term.id, term.term))
    for term in r.condition_mesh_ancestors:  # and their broader descriptors (for "this condition or narrower")
        if term.id:
            out.add(t, T("meshAncestor"), _mesh_node(out, term.id, term.term))
    for term in r.intervention_mesh:  # the MeSH descriptors the registry assigned to the trial's interventions
        if term.id:
            d = NamedNode(iris.mesh(term.id))
            out.add(t, T("meshIntervention"), d)
            out.a(d, "MeshDescriptor")
            out.add(d, SKOS + "prefLabel", term.term)
            out.add(d, T("meshId"), term.id)


def _mesh_node(out: GraphQuads, mesh_id: str, term: str) -> NamedNode:
    c = NamedNode(iris.mesh(mesh_id))
    out.a(c, "Condition")
    out.add(c, SKOS + "prefLabel", term)
    out.add(c, T("meshId"), mesh_id)
    return c


def _sponsors(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    for s in r.sponsors:
        role = T("leadSponsor") if s.role == "LEAD" else T("collaborator") if s.role == "COLLABORATOR" else T("sponsor")
        for name in split_names(s.name):
            if is_placeholder(name):
                o = NamedNode(iris.placeholder_organization(t.value, name))
                out.add(o, T("isPlaceholder"), True)
            else:
                o = _organization(out, t, sponsor_link(name))
            out.add(t, role, o)
            out.a(o, "Organization")
            out.add(o, RDFS_LABEL.value, name)
            if s.sponsor_class:
                out.add(o, T("sponsorClass"), NamedNode(iris.enum("sponsorClass", s.sponsor_class)))


def _organization(out: GraphQuads, t: NamedNode, found: SponsorLink) -> NamedNode:
    """The organisation a sponsor name resolved to, its ROR id and parents, and how the name resolved."""
    o = NamedNode(found.iri)
    if found.status == "resolved":
        out.add(o, SKOS + "prefLabel", found.label)
    _ror(out, o, found.ror)
    for child, parent, label in found.parents:
        p = NamedNode(parent)
        out.add(NamedNode(child), T("parentOrganization"), p)
        out.a(p, "Organization")
        out.add(p, RDFS_LABEL.value, label)
        out.add(p, SKOS + "prefLabel", label)
    res = NamedNode(iris.organization_resolution(found.name))
    out.add(t, T("sponsorResolution"), res)
    out.a(res, "OrganizationResolution")
    out.add(res, T("resolvedOrganization"), o)
    _how(out, res, found.name, found.method, found.score, found.source)
    return o


def _ror(out: GraphQuads, node: NamedNode, ror: str) -> None:
    if ror:
        out.add(node, T("rorId"), ror)
        out.add(node, SKOS + "exactMatch", NamedNode(ROR + ror))


def _how(out: GraphQuads, res: NamedNode, text: str, method: str, score: float, source: str) -> None:
    out.add(res, T("matchedText"), text)
    out.add(res, T("resolutionMethod"), method)
    out.add(res, T("resolutionScore"), float(score))
    out.add(res, T("resolutionSource"), source)


def _interventions_and_arms(out: GraphQuads, t: NamedNode, r: TrialRecord, options: BuildOptions) -> None:
    by_name: dict[str, NamedNode] = {}
    for k, item in enumerate(r.interventions, start=1):
        i = NamedNode(iris.part(t.value, "intervention", k))
        by_name.setdefault(item.name, i)
        out.add(t, T("intervention"), i)
        out.a(i, "Intervention")
        out.add(i, T("interventionName"), item.name)
        out.add(i, T("ordinal"), k)
        if item.type:
            out.add(i, T("interventionType"), NamedNode(iris.enum("interventionType", item.type)))
        for other in item.other_names:
            out.add(i, T("otherName"), other)
        if options.resolver:
            _resolution(out, i, item, options.resolver)
    for k, arm in enumerate(r.arms, start=1):
        a = NamedNode(iris.part(t.value, "arm", k))
        out.add(t, T("arm"), a)
        out.a(a, "Arm")
        out.add(a, RDFS_LABEL.value, arm.label)
        out.add(a, T("ordinal"), k)
        if arm.type:
            out.add(a, T("armType"), NamedNode(iris.enum("armType", arm.type)))
        for name in arm.interventions:
            if name in by_name:
                out.add(a, T("armIntervention"), by_name[name])


def _resolution(out: GraphQuads, i: NamedNode, item: Intervention, resolver: Resolver) -> None:
    """Links of an intervention to its drugs, each with how it was resolved; the record's own spellings
    become labels of the drug in this record's graph (the record is their evidence)."""
    links, kind, named_class = resolver(item)
    if kind:
        out.a(i, kind)
    if named_class:  # found by class queries although it names no drug (flagged: class only)
        c = NamedNode(named_class.class_iri)
        out.add(i, T("drugClass"), c)
        out.add(i, T("classOnly"), True)
        out.a(c, "PharmacologicClass")
        out.add(c, SKOS + "prefLabel", named_class.label)
    for n, link in enumerate(links, start=1):
        d = link_drug(out, i, NamedNode(f"{i.value}/resolution/{n}"), link)
        for spelling, misspelt in link.aliases:
            out.add(d, SKOS + ("hiddenLabel" if misspelt else "altLabel"), spelling)
            out.add(d, T("aliasKey"), fold(spelling))


def link_drug(out: GraphQuads, i: NamedNode, resolution: NamedNode, link: DrugLink) -> NamedNode:
    """An intervention's link to a drug, with the resolution that made it (method, score, matched text);
    the drug node is typed and labelled so the graph holding the link is self-contained."""
    d = NamedNode(link.drug_iri)
    out.add(i, T("drug"), d)
    out.add(i, T("resolution"), resolution)
    out.a(resolution, "DrugResolution")
    out.add(resolution, T("resolvedDrug"), d)
    out.add(resolution, T("resolutionMethod"), link.method)
    out.add(resolution, T("resolutionScore"), float(link.score))
    out.add(resolution, T("matchedText"), link.matched)
    out.a(d, "Drug")
    out.add(d, SKOS + "prefLabel", link.label)
    out.add(d, T("unii"), link.unii)
    return d


def replace_graph_update(graph_iri: str, quads: Iterable[Quad]) -> str:
    """One SPARQL update that replaces a named graph's content with ``quads`` (their graph is ignored)."""
    body = " ".join(dict.fromkeys(f"{q.subject} {q.predicate} {q.object} ." for q in quads))
    insert = f" ; INSERT DATA {{ GRAPH <{graph_iri}> {{ {body} }} }}" if body else ""
    return f"DROP SILENT GRAPH <{graph_iri}>{insert}"


def _place(out: GraphQuads, site: Site) -> tuple[NamedNode | None, str]:
    """The country node of a site (typed, with its ISO code), and the key used in site IRIs."""
    c_iri, code = country_iri(site.country)
    if not c_iri:
        return None, "-"
    if not code:
        out.warnings.append(f"unknown country name {site.country!r} ({out.g.value})")
    c = NamedNode(c_iri)
    out.a(c, "Country")
    out.add(c, RDFS_LABEL.value, site.country)
    out.add(c, T("iso3166Alpha2"), code)
    return c, code or c_iri.rsplit("/", 1)[-1]


def _sites(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    for k, site in enumerate(r.sites, start=1):
        if not site.facility and not site.city:
            continue
        c, key = _place(out, site)
        code = key if c is not None and len(key) == 2 and key.isupper() else None
        in_region = is_region_not_city(code, site.city)
        city_name = None if in_region else site.city
        ckey = city_key(city_name) if city_name else None
        found = match_site(site.facility or site.city or "", city_name, code)
        s = NamedNode(iris.site(found.key, ckey, key))
        loc = NamedNode(iris.part(t.value, "location", k))
        out.add(t, T("site"), s)
        out.add(t, T("location"), loc)
        out.a(loc, "TrialLocation")
        out.add(loc, T("facility"), s)
        if site.status:
            out.add(loc, T("recruitmentStatus"), NamedNode(iris.enum("status", site.status)))
        out.a(s, "Site")
        out.add(s, RDFS_LABEL.value, site.facility or site.city)
        if found.ror:
            out.add(s, SKOS + "prefLabel", found.label)
            _ror(out, s, found.ror)
        res = NamedNode(iris.site_resolution(key, ckey, site.facility or site.city or ""))
        out.add(loc, T("siteResolution"), res)
        out.a(res, "SiteResolution")
        out.add(res, T("resolvedSite"), s)
        _how(out, res, site.facility or site.city or "", found.method, found.score,
             "ROR v2.9" if found.ror else "facility name key within its city")
        out.add(s, T("state"), site.state)
        out.add(s, T("postalCode"), site.zip)
        if site.geo:
            out.add(s, T("latitude"), site.geo.lat)
            out.add(s, T("longitude"), site.geo.lon)
        if c is not None:
            out.add(s, T("country"), c)
            out.add(t, T("country"), c)
        region = region_of(code, site.state) or (region_of(code, site.city) if in_region else None)
        if region is not None:
            g = NamedNode(iris.region(region.code))
            out.add(s, T("region"), g)
            out.a(g, "Region")
            out.add(g, RDFS_LABEL.value, region.name)
            out.add(g, T("iso3166_2"), region.code)
            if c is not None:
                out.add(g, T("country"), c)
        if city_name and ckey:
            city = NamedNode(iris.city(key, ckey))
            out.add(s, T("city"), city)
            out.a(city, "City")
            out.add(city, RDFS_LABEL.value, city_name)
            if c is not None:
                out.add(city, T("country"), c)
            if region is not None:
                out.add(city, T("region"), NamedNode(iris.region(region.code)))
    for name in r.countries:  # countries stated without a site
        c_iri, code = country_iri(name)
        if c_iri:
            c = NamedNode(c_iri)
            out.add(t, T("country"), c)
            out.a(c, "Country")
            out.add(c, RDFS_LABEL.value, name)
            out.add(c, T("iso3166Alpha2"), code)


def _outcomes(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    for k, o in enumerate(r.outcomes, start=1):
        n = NamedNode(iris.part(t.value, "outcome", k))
        out.add(t, T("outcome"), n)
        out.a(n, "Outcome")
        out.add(n, RDFS_LABEL.value, o.measure)
        out.add(n, T("outcomeKind"), NamedNode(iris.enum("outcomeKind", o.kind)))
        out.add(n, T("timeFrame"), o.time_frame)


def _references(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    """The publications a record cites: PubMed id (linked to its PubMed page), type and citation as given."""
    for k, ref in enumerate(r.references, start=1):
        pmid = ref.pmid.strip() if isinstance(ref.pmid, str) and ref.pmid.strip().isascii() and ref.pmid.strip().isdigit() else None
        if not pmid and not ref.citation:
            continue
        n = NamedNode(iris.part(t.value, "reference", k))
        out.add(t, T("reference"), n)
        out.a(n, "Reference")
        out.add(n, T("pmid"), pmid)
        if pmid:
            out.add(n, RDFS + "seeAlso", NamedNode(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
        out.add(n, T("referenceType"), ref.type)
        out.add(n, DCT + "bibliographicCitation", ref.citation)


def _people(out: GraphQuads, t: NamedNode, r: TrialRecord, options: BuildOptions) -> None:
    for k, o in enumerate(r.officials, start=1):
        p = NamedNode(iris.part(t.value, "official", k))
        out.add(t, T("official"), p)
        out.a(p, "Person")
        out.add(p, SCHEMA + "name", o.name)
        out.add(p, T("degree"), o.degree)
        out.add(p, T("role"), o.role)
        out.add(p, T("affiliation"), o.affiliation)
    for k, c in enumerate(r.contacts, start=1):
        if not c.name and not options.include_contacts:
            continue
        p = NamedNode(iris.part(t.value, "contact", k))
        out.add(t, T("contact"), p)
        out.a(p, "Person")
        out.add(p, SCHEMA + "name", c.name)
        if options.include_contacts:  # personal data: only when the user asks for it
            out.add(p, SCHEMA + "telephone", c.phone)
            out.add(p, SCHEMA + "email", c.email)


def _related(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    for k, rel in enumerate(r.related_trials, start=1):
        other = NamedNode(iris.trial(rel.nct_id))
        link = NamedNode(iris.part(t.value, "related", k))
        out.add(t, T("relatedTrial"), other)
        out.add(t, T("relatedTrialLink"), link)
        out.a(link, "RelatedTrialLink")
        out.add(link, T("linkTarget"), other)
        out.add(link, T("relation"), rel.relation)
        # the stub: enough to find and name the trial; a full record of it completes it
        out.a(other, "Trial")
        out.add(other, T("trialId"), rel.nct_id)
        out.add(other, T("nctId"), rel.nct_id)
        out.add(other, T("mentionedTitle"), rel.title)

