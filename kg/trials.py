"""``kg trials``: the analyst's query — filters that combine, complete rows, sorting and paging, a count, facets.

Each filter is resolved first, as the named queries' parameters are (a drug in any spelling, a target or class
name, a condition with its narrower MeSH descriptors, a sponsor with or without its subsidiaries, a country name or
code, a phase or status as written), with a note when it names nothing, then bound as RDF terms. One query selects
the matching trials (every filter must hold; a filter holds when any source of the trial states it); a second
reads the rows of the page asked for. Single-valued fields (status, dates, enrollment, lead sponsor) come from the
trial's current source (the one stating its latest update, as ``kg show``); conditions, drugs, countries and sites
are those every source states.
"""

from __future__ import annotations

from typing import Any

import re
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import iris
from kg.errors import KGError
from kg.namespaces import sparql_prefixes
from kg.query import Binder, Param, select, written_in
from kg.resolve.places import city_key
from kg.sources.vocab import is_iso_date
from kg.trial_index import MISSING, TrialIndex, sort_values

COLUMNS = ("nct_id", "title", "status", "phases", "lead_sponsor", "start_date", "start_date_type", "primary_completion",
           "enrollment", "enrollment_type", "conditions", "drugs", "countries", "sites")
SORTS = ("nct_id", "start_date", "enrollment")  # the columns --sort takes
FACETS = ("phase", "status", "country", "sponsor", "drug")
PREFIXES = f"""PREFIX tkg: <{iris.ONTOLOGY}> {sparql_prefixes("dcterms", "rdfs", "skos", "xsd", "prov")}
"""
DICTIONARY = f"<{iris.DICTIONARY_GRAPH}>"


@dataclass
class Filters:
    """What ``kg trials`` selects on; every field optional, all of them must hold."""

    drug: str | None = None
    target: str | None = None
    drug_class: str | None = None
    condition: str | None = None
    sponsor: str | None = None
    subsidiaries: bool = False
    lead_only: bool = False
    country: str | None = None
    city: str | None = None  # a site's city, however spelled ("Beijing", "beijing-shi")
    site: str | None = None  # words of a site's name ("Fudan University Shanghai Cancer Center")
    phase: str | None = None
    status: str | None = None
    study_type: str | None = None
    start_from: str | None = None
    start_to: str | None = None
    completion_from: str | None = None
    completion_to: str | None = None
    enrollment_min: int | None = None
    enrollment_max: int | None = None
    has_results: bool | None = None
    registry: str | None = None  # the source family of a document: ctgov, page-veeva ...


@dataclass
class Answer:
    count: int
    rows: list[dict] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _date(value: str, name: str) -> str:
    if not is_iso_date(value.strip()):
        raise KGError(f"{name} takes a date as YYYY, YYYY-MM or YYYY-MM-DD (got {value!r})")
    parts = value.strip().split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _where(f: Filters, binder: Binder) -> tuple[list[str], dict[str, ox.NamedNode | ox.Literal]]:
    """One pattern per filter (over the union of the documents; each binds ``?t``, its other variables its own), the
    most selective kinds first, and the bindings of them all (inlined by ``_inlined`` before a pattern runs: a
    sub-select sees no outer ``VALUES``). A hop through a shared entity (a stated condition's MeSH concept, a site's
    city) finds the distinct entities first: every document describes again the entities it names, so across the
    union a plain path meets each trial once per document naming the entity (50 s for one condition at 100k studies,
    0.2 s this way)."""
    parts: list[str] = []
    b: dict[str, ox.NamedNode | ox.Literal] = {}

    def bind(name: str, kind: str, value: str) -> str:
        b[name] = binder.term(Param(name, kind, True, ""), value)
        return f"?{name}"

    if f.drug:
        parts.append(f"?t tkg:intervention/tkg:drug {bind('drug', 'drug', f.drug)} .")
    if f.target:
        parts.append(f"GRAPH {DICTIONARY} {{ ?td tkg:target {bind('target', 'target', f.target)} }} ?t tkg:intervention/tkg:drug ?td .")
    if f.drug_class:
        c = bind("drug_class", "drug_class", f.drug_class)
        parts.append(f"{{ ?t tkg:intervention/tkg:drug ?cd . GRAPH {DICTIONARY} {{ ?cd tkg:inClass {c} }} }} "
                     f"UNION {{ ?t tkg:intervention/tkg:drugClass {c} }}")
    if f.condition:
        c = bind("condition", "condition", f.condition)
        parts.append(f"{{ ?t tkg:meshCondition|tkg:meshAncestor {c} }} "
                     f"UNION {{ {{ SELECT DISTINCT ?cn WHERE {{ ?cn tkg:meshConcept {c} }} }} ?t tkg:condition ?cn }}")
    if f.sponsor:
        s = bind("sponsor", "sponsor", f.sponsor)
        role = "tkg:leadSponsor" if f.lead_only else "tkg:leadSponsor|tkg:collaborator|tkg:sponsor"
        parts.append(f"?t {role} ?org . ?org tkg:parentOrganization* {s} ." if f.subsidiaries else f"?t {role} {s} .")
    if f.country:
        parts.append(f"?t tkg:country {bind('country', 'country', f.country)} .")
    if f.city:  # by the city's key, in whichever country: the last segment of the city's IRI
        b["city_seg"] = ox.Literal("/" + iris.city("x", city_key(f.city)).rsplit("/", 1)[1])
        parts.append("{ SELECT DISTINCT ?cs WHERE { ?cs tkg:city ?city_node FILTER(STRENDS(STR(?city_node), ?city_seg)) } } ?t tkg:site ?cs .")
    if f.site:  # every word of the text in one of the site's names
        words = [w for w in re.findall(r"\w+", f.site.casefold()) if len(w) > 1]
        if not words:
            raise KGError(f"site={f.site!r}: give words of the site's name")
        parts.append("GRAPH ?sg { ?t tkg:site ?ss . ?ss rdfs:label|skos:prefLabel ?site_name } "
                     + " ".join(f"FILTER(CONTAINS(LCASE(?site_name), ?site_w{k}))" for k in range(len(words))))
        b |= {f"site_w{k}": ox.Literal(w) for k, w in enumerate(words)}
    if f.phase:
        parts.append(f"?t tkg:phase {bind('phase', 'phase', f.phase)} .")
    if f.status:
        parts.append(f"?t tkg:status {bind('status', 'status', f.status)} .")
    if f.study_type:
        b["study_type"] = ox.NamedNode(iris.enum("studyType", re.sub(r"\W", "_", f.study_type.strip().upper())))
        parts.append("?t tkg:studyType ?study_type .")
    for name, prop, low, high in (("start", "startDate", f.start_from, f.start_to),
                                  ("completion", "primaryCompletionDate", f.completion_from, f.completion_to)):
        if low or high:  # a date at the precision stated, padded to a day: "2023" -> "2023-01-01", "2023-05" -> "2023-05-01"
            part = f'?t tkg:{prop} ?{name}_d . BIND(CONCAT(STR(?{name}_d), SUBSTR("-01-01", STRLEN(STR(?{name}_d)) - 3)) AS ?{name}_day)'
            if low:
                part += f' FILTER(?{name}_day >= "{_date(low, name + "_from")}")'
            if high:
                part += f' FILTER(?{name}_day <= "{_date(high, name + "_to")}")'
            parts.append(part)
    if f.enrollment_min is not None or f.enrollment_max is not None:
        part = "?t tkg:enrollment ?n_enrolled ."
        if f.enrollment_min is not None:
            part += f" FILTER(?n_enrolled >= {int(f.enrollment_min)})"
        if f.enrollment_max is not None:
            part += f" FILTER(?n_enrolled <= {int(f.enrollment_max)})"
        parts.append(part)
    if f.has_results is not None:
        b["has_results"] = ox.Literal(f.has_results)
        parts.append("?t tkg:hasResults ?has_results .")
    if f.registry:
        if not re.fullmatch(r"[a-z0-9-]+", f.registry):
            raise KGError(f"registry takes a source family such as ctgov or page-veeva (got {f.registry!r})")
        parts.append(f'GRAPH ?rg {{ ?t tkg:trialId ?rnct }} FILTER(STRSTARTS(STR(?rg), "{iris.GRAPH}{f.registry}/"))')
    return parts, b


def _ordered(store: ox.Store, found: dict[str, str], sort: str, index: TrialIndex | None) -> list[str]:
    """The trials found, in the order of ``--sort`` (a column of ``SORTS``, "-" first for descending; ties by NCT id):
    sorted here, from the ids already found and, for a date or a count, their values (``kg.trial_index.sort_values``:
    from ``index`` when given, else one lookup)."""
    ids = sorted(found, key=lambda t: found[t])
    column = sort.lstrip("-")
    if column not in MISSING:
        return ids[::-1] if sort.startswith("-") else ids
    value = index.values[column] if index is not None else sort_values(store, column, ids)
    return sorted(ids, key=lambda t: value.get(t, MISSING[column]), reverse=sort.startswith("-"))  # stable: ties by NCT id


def trials(store: ox.Store, filters: Filters, binder: Binder | None = None, sort: str = "nct_id", limit: int | None = 50,
           offset: int = 0, count_only: bool = False, facets: bool = False, facets_up_to: int | None = None,
           index: TrialIndex | None = None) -> Answer:
    """The trials matching every filter: their count, one page of rows (sorted), and facets when asked (with
    ``facets_up_to``, only when at most that many trials match: seconds for ten thousand). ``index``: the store's
    ``TrialIndex``, when the store does not change (the same answer, without looking up the sort values)."""
    binder = binder or Binder()
    where, bindings = _where(filters, binder)
    if limit is not None and limit < 0 or offset < 0:
        raise KGError("--limit and --offset take whole numbers of 0 or more")
    if sort.lstrip("-") not in SORTS:
        raise KGError(f"--sort takes one of {', '.join(SORTS)} (a leading - for descending; got {sort!r})")
    found = _matching(store, where, bindings)
    answer = Answer(count=len(found), notes=list(binder.notes))
    if facets and found and (facets_up_to is None or len(found) <= facets_up_to):
        answer.facets = _facets(store, list(found))
    if count_only or not found:
        return answer
    ordered = _ordered(store, found, sort, index)
    answer.rows = rows(store, ordered[offset:None if limit is None else offset + limit])
    return answer


def _matching(store: ox.Store, patterns: list[str], bindings: dict[str, ox.NamedNode | ox.Literal]) -> dict[str, str]:
    """The trials every pattern holds for, each with the trial id its IRI is named by (``kg.iris.trial``: every
    pattern binds ``?t`` by a property of trials only, and a trial's IRI tells it from its parts and other nodes;
    the look-up of the candidates' ids and types this replaces took 1.3 s for 8,511 trials at 100k studies). A
    pattern that is one statement of the trial with its value in a variable (country, phase, status, a date or count
    then filtered ...) is checked for each trial still in, its bound value compared by ``FILTER``; any other is
    evaluated alone, its bound terms written in (``_inlined``), and its trials intersected with those. Measured at
    100k studies (target + condition + country): one query joining them all took 8.3 s; a ``VALUES`` block of
    candidates joined with a pattern naming a fixed object or holding a union took 13-16 s (Oxigraph enumerates the
    pattern's every match per candidate), the same statement with its object a variable and a ``FILTER`` on it 0.15
    s; alone, each pattern takes under 0.7 s."""
    candidates: set[str] | None = None
    for pattern in patterns:
        if candidates is not None and _ONE_STATEMENT.fullmatch(pattern):
            compared = " ".join(f"FILTER(?{k} = {bindings[k]})" for k in _used(pattern, bindings))
            body = f"{_values(sorted(candidates))} {pattern} {compared}"
        else:
            body = _inlined(pattern, bindings)
        _, got = select(store, f"{PREFIXES}SELECT DISTINCT ?t WHERE {{ {body} }}")
        found = {t for (t,) in got}
        candidates = found if candidates is None else candidates & found
        if not candidates:
            return {}
    if candidates is None:  # no filter: every trial
        _, typed = select(store, f"{PREFIXES}SELECT DISTINCT ?t WHERE {{ ?t a tkg:Trial ; tkg:trialId ?nct }}")
        candidates = {t for (t,) in typed}
    return {t: n for t in candidates if (n := iris.trial_id_of(t))}  # a trial's IRI is named by its id: no look-up


def joined_query(patterns: list[str], bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Every pattern joined in one query, bound terms written in: what ``_matching`` finds, the slow way (its tests and
    the benchmark's baseline)."""
    joined = " ".join(_inlined(p, bindings) for p in patterns)
    return f"{PREFIXES}SELECT DISTINCT ?t ?nct WHERE {{ {joined} ?t a tkg:Trial ; tkg:trialId ?nct . }}"


# One statement of the trial with its value in a variable, perhaps then BIND and FILTER on it (no group, no IRI):
# ``?t tkg:country ?country .``, ``?t tkg:startDate ?start_d . BIND(...) FILTER(?start_day >= "2020-01-01")``
_ONE_STATEMENT = re.compile(r"\?t [\w:|]+ \?\w+ \.(?:[^{}<]|<=)*")


def _used(pattern: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> list[str]:
    """The bound variables the pattern names."""
    return [k for k in bindings if re.search(rf"\?{re.escape(k)}\b", pattern)]


def _inlined(pattern: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The pattern with each bound variable written as its term (serialized by pyoxigraph, so it stays one term): a
    ``VALUES`` block is joined with the pattern after it is evaluated, the term is used while evaluating it (a condition
    through its stated names: 48 s at 100k studies bound by ``VALUES``, 0.2 s inlined)."""
    for k in _used(pattern, bindings):
        pattern = written_in(pattern, k, bindings[k])
    return pattern


def _values(trials_: list[str]) -> str:
    return "VALUES ?t { " + " ".join(f"<{t}>" for t in trials_) + " }"


def rows(store: ox.Store, trials_: list[str]) -> list[dict]:
    """The rows of these trials, in this order (see the module docstring for where each value comes from)."""
    values = _values(trials_)
    _, single = select(store, f"""{PREFIXES}SELECT ?t ?g ?updated ?ended ?field ?v WHERE {{ {values}
      GRAPH ?g {{
        {{ ?t tkg:trialId ?v BIND("nct_id" AS ?field) }} UNION {{ ?t dcterms:title ?v BIND("title" AS ?field) }}
        UNION {{ ?t tkg:status ?s BIND(STRAFTER(STR(?s), "status_") AS ?v) BIND("status" AS ?field) }}
        UNION {{ ?t tkg:phase ?p BIND(STRAFTER(STR(?p), "phase_") AS ?v) BIND("phases" AS ?field) }}
        UNION {{ ?t tkg:leadSponsor ?o . ?o rdfs:label ?lab OPTIONAL {{ ?o skos:prefLabel ?pref }}
                BIND(COALESCE(?pref, ?lab) AS ?v) BIND("lead_sponsor" AS ?field) }}
        UNION {{ ?t tkg:startDate ?d BIND(STR(?d) AS ?v) BIND("start_date" AS ?field) }}
        UNION {{ ?t tkg:startDateType ?v BIND("start_date_type" AS ?field) }}
        UNION {{ ?t tkg:primaryCompletionDate ?d BIND(STR(?d) AS ?v) BIND("primary_completion" AS ?field) }}
        UNION {{ ?t tkg:enrollment ?e BIND(STR(?e) AS ?v) BIND("enrollment" AS ?field) }}
        UNION {{ ?t tkg:enrollmentType ?v BIND("enrollment_type" AS ?field) }}
        OPTIONAL {{ ?g tkg:recordsUpdated ?updated }} OPTIONAL {{ ?g prov:wasGeneratedBy/prov:endedAtTime ?ended }}
      }} }}""")
    _, many = select(store, f"""{PREFIXES}SELECT ?t ?field ?v WHERE {{ {values}
      GRAPH ?g {{
        {{ ?t tkg:condition ?c . ?c rdfs:label ?v BIND("conditions" AS ?field) }}
        UNION {{ ?t tkg:intervention/tkg:drug ?d . ?d skos:prefLabel ?v BIND("drugs" AS ?field) }}
        UNION {{ ?t tkg:country ?c . ?c tkg:iso3166Alpha2 ?v BIND("countries" AS ?field) }}
        UNION {{ ?t tkg:site ?s BIND(STR(?s) AS ?v) BIND("sites" AS ?field) }}
      }} }}""")
    best: dict[str, tuple[str, str, str]] = {}  # trial -> (updated, ingested, graph) of its current source
    by_graph: dict[str, dict[str, dict[str, list[str]]]] = {}  # trial -> graph -> field -> values
    for t, g, updated, ended, name, v in single:
        rank = (updated or "", ended or "", g)
        if t not in best or rank > best[t]:
            best[t] = rank
        by_graph.setdefault(t, {}).setdefault(g, {}).setdefault(name, []).append(v)
    out = []
    for t in trials_:
        sources = by_graph.get(t, {})
        current = sources.get(best[t][2], {}) if t in best else {}
        row: dict[str, Any] = {c: None for c in COLUMNS}
        for name in ("nct_id", "title", "status", "lead_sponsor", "start_date", "start_date_type", "primary_completion",
                     "enrollment", "enrollment_type"):
            found = sorted(set(current.get(name, ()))) or sorted({v for fields in sources.values() for v in fields.get(name, ())})
            row[name] = found[0] if found else None
        row["phases"] = ",".join(sorted(set(current.get("phases", ())))) or None
        if row["enrollment"] is not None:
            row["enrollment"] = int(row["enrollment"])
        out.append(row)
    index = {t: k for k, t in enumerate(trials_)}
    gathered: dict[int, dict[str, set[str]]] = {}
    for t, name, v in many:
        gathered.setdefault(index[t], {}).setdefault(name, set()).add(v)
    for k, row in enumerate(out):
        fields = gathered.get(k, {})
        for name in ("conditions", "drugs", "countries"):
            row[name] = " | ".join(sorted(fields.get(name, ()))) or None
        row["sites"] = len(fields.get("sites", ()))
    return out


def _facets(store: ox.Store, trials_: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Counts of trials per phase, status, country, sponsor (lead) and drug in the filtered set, largest first."""
    values = _values(trials_)
    _, data = select(store, f"""{PREFIXES}SELECT DISTINCT ?facet ?key ?v ?t WHERE {{ {values}
      GRAPH ?g {{
        {{ ?t tkg:phase ?p BIND(STRAFTER(STR(?p), "phase_") AS ?v) BIND(?v AS ?key) BIND("phase" AS ?facet) }}
        UNION {{ ?t tkg:status ?s BIND(STRAFTER(STR(?s), "status_") AS ?v) BIND(?v AS ?key) BIND("status" AS ?facet) }}
        UNION {{ ?t tkg:country ?c . ?c tkg:iso3166Alpha2 ?v BIND(STR(?c) AS ?key) BIND("country" AS ?facet) }}
        UNION {{ ?t tkg:leadSponsor ?o . ?o rdfs:label ?lab OPTIONAL {{ ?o skos:prefLabel ?pref }}
                BIND(COALESCE(?pref, ?lab) AS ?v) BIND(STR(?o) AS ?key) BIND("sponsor" AS ?facet) }}
        UNION {{ ?t tkg:intervention/tkg:drug ?d . ?d skos:prefLabel ?v BIND(STR(?d) AS ?key) BIND("drug" AS ?facet) }}
      }} }}""")
    labels: dict[tuple[str, str], str] = {}
    members: dict[tuple[str, str], set[str]] = {}
    for facet, key, v, t in data:
        labels[(facet, key)] = min(labels.get((facet, key), v), v)
        members.setdefault((facet, key), set()).add(t)
    out: dict[str, Counter] = {f: Counter() for f in FACETS}
    for (facet, key), ts in members.items():
        out[facet][labels[(facet, key)]] += len(ts)
    return {f: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for f, c in out.items()}
