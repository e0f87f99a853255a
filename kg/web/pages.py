"""The pages of the browser view: one function per page, each reading the store through what the command line
uses (``kg.trials``, ``kg.show``, the named queries, the resolvers) and rendering a template of ``templates/``.

``render(store, path, params, accept, index)`` is called in a ``kg serve`` worker (the store is its snapshot; ``index``
gives the snapshot's ``TrialIndex`` once the worker has read it) and answers ``(status, media type, body)``. A
page names what it did not find in one line; it never shows a traceback.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from functools import lru_cache
from importlib import resources
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

import orjson
import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from kg import iris
from kg import query as q
from kg.analyze import NETWORKS
from kg.errors import KGError
from kg.export import GRAPH_TYPES
from kg.plot import SVG_STYLE, neighbourhood_svg
from kg.plot import around as plot_around
from kg.resolve.conditions import mesh_ancestors, mesh_children, mesh_name, resolve_condition
from kg.resolve.dictionary import load
from kg.resolve.drugs import DrugResolver
from kg.resolve.sponsors import resolve_sponsor
from kg.resolve.targets import classes, resolve_class, target_actions, target_result, targets
from kg.sources.registry_ids import parse_id
from kg.sparql_text import refusal
from kg.show import trial_iri
from kg.trial_history import shown_json
from kg.trial_index import TrialIndex
from kg.trials import COLUMNS, Filters, trials
from kg.trials import Answer as TrialsAnswer

PAGE_SIZE = 25
EDITOR_ROWS = 500  # the SPARQL editor shows this many rows of an answer
MAP_WIDTH = 720  # the site map's SVG units: two per degree, as static/land-110m.svg (scripts/build_world_map.py)
FACETS_UP_TO = 1000  # a trial table counts its filter values by itself up to this many trials; past it, when asked
TABLE_FILTERS = ("status", "phase", "country")  # what a page's trial table filters on, beside the page's own subject
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
PAGE_TYPES = ("text/html", "application/xhtml+xml")
RDF_TYPES = {m: GRAPH_TYPES[m] for m in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")}
Answer = tuple[int, str, bytes]
Indexed = Callable[[], TrialIndex | None] | None  # the snapshot's trial index, once a worker has read it


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("kg.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda v: quote(str(v), safe="")
    return env


@lru_cache(maxsize=1)
def _drugs() -> DrugResolver:
    return DrugResolver()  # the shipped dictionary, loaded once per worker


def _html(template: str, status: int = 200, **context: Any) -> Answer:
    return status, "text/html", _env().get_template(template).render(**context).encode("utf-8")


def _missing(what: str) -> Answer:
    return _html("error.html", 404, title="Not found", message=what)


def render(store: ox.Store, path: str, params: dict[str, list[str]], accept: list[str], index: Indexed = None) -> Answer:
    """The answer to a GET of a page, a static asset or an entity IRI (``/id/...``)."""
    one = {k: v[-1] for k, v in params.items() if v}
    try:
        if path == "/":
            return _html("home.html", title="trialkg", queries=sorted(q.named_queries()))
        if path == "/search":
            return _html("search.html", title=f"Search: {one.get('q', '')}", text=one.get("q", ""),
                         results=search(one.get("q", "")))
        if path == "/search.json":
            return 200, "application/json", orjson.dumps(suggestions(store, one.get("q", "")))
        if path.startswith("/static/"):
            return _static(path.removeprefix("/static/"))
        if path.startswith("/id/"):
            return _entity(store, iris.ID + path.removeprefix("/id/"), accept)
        if m := re.fullmatch(r"/drug/([A-Z0-9]{10})", path):
            return drug_page(store, m[1], one, index)
        if m := re.fullmatch(r"/trial/([^/]+)", path):
            return trial_page(store, unquote(m[1]))
        if path == "/sponsor":
            return sponsor_page(store, one.get("name", ""), one, index)
        if m := re.fullmatch(r"/condition/([DC]\d{6,9})", path):  # a descriptor, or a supplementary concept
            return condition_page(store, m[1], one, index)
        if m := re.fullmatch(r"/target/([A-Z0-9-]+)", path):
            return target_page(store, m[1], one, index)
        if m := re.fullmatch(r"/class/([a-z0-9-]+)", path):
            return class_page(store, m[1], one, index)
        if path == "/query":
            return query_page(store, one)
        if path == "/network":
            return network_page(store, one)
    except KGError as exc:
        return _html("error.html", 400, title="Cannot answer", message=str(exc))
    return _missing(f"no page at {path}")


# ---------- search ----------

def search(text: str) -> list[dict]:
    """What a text names, of every kind, each with how it was resolved: a trial id, drugs (or a class and its
    members), a target, a sponsor, a condition."""
    text = text.strip()
    if not text:
        return []
    out: list[dict] = []
    if (found := parse_id(text)) is not None:
        out.append({"kind": "trial", "label": found.id, "url": f"/trial/{quote(found.id)}", "how": f"{found.registry.key} id"})
    drug = _drugs().resolve(text)
    if drug.status == "class" and drug.named_class:
        out.append({"kind": "drug class", "label": drug.named_class.label, "how": drug.named_class.method,
                    "url": f"/class/{drug.named_class.local_id}"})
    elif drug.status in ("resolved", "ambiguous"):
        for d in drug.matches:
            out.append({"kind": "drug" if drug.status == "resolved" else "drug (one of several)", "label": d.label,
                        "url": f"/drug/{d.local_id}", "how": _how(d.method, d.score, d.matched)})
    if (t := target_result(text)).single:
        out.append({"kind": "target", "label": t.single.label, "url": f"/target/{t.single.label}",
                    "how": _how(t.single.method, t.single.score, t.single.matched)})
    sponsor = resolve_sponsor(text)
    if sponsor.status == "resolved" and sponsor.single and not sponsor.single.id.startswith("key:"):
        out.append({"kind": "sponsor", "label": sponsor.single.label, "url": f"/sponsor?name={quote(sponsor.single.label)}",
                    "how": _how(sponsor.single.method, sponsor.single.score, sponsor.single.matched)})
    condition = resolve_condition(text)
    if condition.status == "resolved":
        for c in condition.matches:
            out.append({"kind": "condition", "label": c.label, "url": f"/condition/{c.local_id}",
                        "how": _how(c.method, c.score, c.matched)})
    return out


def _how(method: str, score: float, matched: str) -> str:
    return f"{method}, score {score:g}" + (f", matched {matched!r}" if matched else "")


def suggestions(store: ox.Store, text: str, limit: int = 12) -> list[dict]:
    """Type-ahead: names of the store's drugs starting with the text (any of their names), then what a search finds."""
    text = text.strip()
    if len(text) < 2:
        return []
    prefix = ox.Literal(text.lower())
    rows = store.query(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?d ?label WHERE {{ GRAPH <{iris.DICTIONARY_GRAPH}> {{ ?d skos:prefLabel ?label ; skos:prefLabel|skos:altLabel ?n }}
        FILTER(STRSTARTS(STR(?d), "{iris.ID}drug/unii/") && STRSTARTS(LCASE(STR(?n)), {prefix})) }}
        ORDER BY ?label LIMIT {limit}""")
    out = [{"kind": "drug", "label": r["label"].value, "url": "/drug/" + r["d"].value.rsplit("/", 1)[-1]}
           for r in rows]  # type: ignore[union-attr]
    seen = {s["url"] for s in out}
    return out + [s for s in search(text) if s["url"] not in seen][: max(0, limit - len(out))]


# ---------- entity pages ----------

def _table(store: ox.Store, filters: dict[str, Any], one: dict[str, str], base: str, index: Indexed) -> dict:
    """A page's trial table: the trials of ``filters`` narrowed by the page's own filter form, sorted and paged."""
    own = _own(one)
    sort = one.get("sort", "-start_date")
    offset = int(one["offset"]) if one.get("offset", "").isdigit() else 0
    asked = one.get("facets") == "1"  # the values to filter by, with their counts: by itself up to FACETS_UP_TO trials
    answer = _trials(store, filters | own, index, sort=sort, limit=PAGE_SIZE, offset=offset, facets=True,
                     facets_up_to=None if asked else FACETS_UP_TO)
    counted = asked or answer.count <= FACETS_UP_TO
    keep = {k: v for k, v in one.items() if k in (*TABLE_FILTERS, "sort", "name", "subsidiaries", "facets")}
    return {"rows": answer.rows, "count": answer.count, "facets": answer.facets, "counted": counted, "notes": answer.notes,
            "sort": sort, "offset": offset, "size": PAGE_SIZE, "own": own, "keep": keep, "base": base,
            "filters": TABLE_FILTERS}


def _own(one: dict[str, str]) -> dict[str, Any]:
    """The values of a page's filter form (status, phase, country) that the request gives."""
    return {k: one[k] for k in TABLE_FILTERS if one.get(k)}


def _trials(store: ox.Store, filters: dict[str, Any], index: Indexed, **page: Any) -> TrialsAnswer:
    """``kg.trials`` of these filters, with the worker's drug resolver and the snapshot's trial index."""
    return trials(store, Filters(**filters), _binder(store), index=index() if index else None, **page)


def _binder(store: ox.Store) -> q.Binder:
    """A binder of filter values to terms, with the worker's one drug resolver."""
    return q.Binder(resolver=_drugs(), store=store)


def _csv(store: ox.Store, filters: dict[str, Any], one: dict[str, str], index: Indexed) -> Answer:
    answer = _trials(store, filters | _own(one), index, sort=one.get("sort", "nct_id"), limit=None)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(answer.rows)
    return 200, "text/csv", buffer.getvalue().encode("utf-8")


def _named(store: ox.Store, name: str, params: dict[str, str], limit: int = 50) -> list[dict]:
    text, bindings = q.prepare(q.get(name), params, _binder(store))
    columns, data = q.select(store, q.paged(q.with_values(text, bindings), None, limit, 0), typed=True)
    return [dict(zip(columns, r)) for r in data]


def _sponsors_of(store: ox.Store, drug_iri: str, limit: int = 20) -> list[dict]:
    """The sponsors (lead or collaborator) of a drug's trials with their trial counts, from ``graph/summary`` (the
    sponsor-drug counts every ingest recomputes: 0.1 s at 100k studies, where the named query sponsors-by-drug takes 7 s)."""
    rows = store.query(f"""PREFIX tkg: <{iris.ONTOLOGY}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?trials WHERE {{ GRAPH <{iris.SUMMARY_GRAPH}> {{
          ?n tkg:countedDrug {ox.NamedNode(drug_iri)} ; tkg:countedSponsor ?o ; tkg:trialCount ?trials . ?o rdfs:label ?label }} }}
        ORDER BY DESC(?trials) ?label LIMIT {limit}""")
    return [{"sponsor": r["label"].value, "trials": int(r["trials"].value)} for r in rows]  # type: ignore[union-attr]


def drug_page(store: ox.Store, unii: str, one: dict[str, str], index: Indexed = None) -> Answer:
    """A drug: its names and identifiers, targets and classes, every alias with its sources, its trials, the drugs
    tested with it and its sponsors; with ``spellings=1``, how the records write it, each link with its method and
    score (a count over every intervention naming it: 0.26 s at 100k studies for pembrolizumab, so only when asked)."""
    try:
        substance = load().substance(unii)
    except KeyError:
        return _missing(f"no drug with UNII {unii} in the dictionary")
    name = substance.label
    filters = {"drug": name}
    if one.get("format") == "csv":
        return _csv(store, filters, one, index)
    acts = [a for a in target_actions() if a.unii == unii]
    member_of = [c for c in classes().values() if unii in c.members]
    iri, read = iris.drug(unii=unii), (index() if index else None)
    counted = read.drugs if read else None  # the worker's drug index, once read: the same rows as the named queries
    return _html("drug.html", title=name, name=name, unii=unii, drugbank=getattr(substance, "drugbank", None),
                 iri=iri, targets=acts, classes=member_of,
                 aliases=counted.aliases(iri, 200) if counted else _named(store, "aliases-of", {"drug": name}, 200),
                 spellings=_named(store, "drug-spellings", {"drug": name}, 500) if one.get("spellings") == "1" else None,
                 cotested=counted.co_tested(iri, 20) if counted else _named(store, "co-tested-drugs", {"drug": name}, 20),
                 sponsors=_sponsors_of(store, iri),
                 table=_table(store, filters, one, f"/drug/{unii}", index))


def trial_page(store: ox.Store, trial_id: str) -> Answer:
    """A trial: every fact by group, each with the source that said it and whether it is current."""
    try:
        shown = shown_json(store, trial_id)
    except KGError as exc:  # no such trial
        return _missing(str(exc))
    sources = {s["graph"]: s for s in shown["sources"]}
    return _html("trial.html", title=trial_id, trial_id=shown["nct_id"], groups=shown["groups"], sources=sources,
                 sites=sites_on_map(store, trial_iri(store, trial_id)), width=MAP_WIDTH, height=MAP_WIDTH // 2)


def sites_on_map(store: ox.Store, trial: str) -> dict:
    """A trial's sites placed on the world map (equirectangular, as ``static/land-110m.svg`` is drawn): those with
    coordinates (``x``, ``y``, label), and how many sites it has. Latitude and longitude are two OPTIONALs: as one
    (``OPTIONAL { ?s tkg:latitude ?la ; tkg:longitude ?lo }``) Oxigraph joined every site's coordinates in every graph
    first, 22 s at 100k studies for one trial."""
    node = ox.NamedNode(trial)
    rows = store.query(f"""PREFIX tkg: <{iris.ONTOLOGY}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?lon) WHERE {{ GRAPH ?g {{ {node} tkg:site ?s .
          ?s rdfs:label ?l OPTIONAL {{ ?s tkg:latitude ?la }} OPTIONAL {{ ?s tkg:longitude ?lo }} }} }} GROUP BY ?s ORDER BY ?label""")
    placed, total = [], 0
    for r in rows:  # type: ignore[union-attr]
        total += 1
        if r["lat"] is not None and r["lon"] is not None:
            lat, lon = float(r["lat"].value), float(r["lon"].value)
            placed.append({"label": r["label"].value, "x": round((lon + 180) * MAP_WIDTH / 360, 1),
                           "y": round((90 - lat) * MAP_WIDTH / 360, 1)})
    return {"placed": placed, "total": total}


def sponsor_page(store: ox.Store, name: str, one: dict[str, str], index: Indexed = None) -> Answer:
    """A sponsor: its organisation (ROR, parents), its drugs, and its trials (with its subsidiaries' when asked)."""
    if not name.strip():
        return _missing("no sponsor named: /sponsor?name=...")
    found = resolve_sponsor(name)
    subsidiaries = one.get("subsidiaries", "") in ("1", "yes", "true")
    if one.get("format") == "csv":
        return _csv(store, {"sponsor": name, "subsidiaries": subsidiaries}, one, index)
    drugs = _named(store, "drugs-by-sponsor", {"sponsor": name, **({"subsidiaries": "yes"} if subsidiaries else {})}, 50)
    org = found.single.entity if found.single else None
    table = _table(store, {"sponsor": name, "subsidiaries": subsidiaries}, one, "/sponsor", index)
    grid = _drug_phase_grid(store, {"sponsor": name, "subsidiaries": subsidiaries}, index) if table["counted"] else None
    return _html("sponsor.html", title=name, name=name, resolution=found, org=org, drugs=drugs, subsidiaries=subsidiaries,
                 table=table, grid=grid)


def _drug_phase_grid(store: ox.Store, filters: dict[str, Any], index: Indexed, top: int = 15) -> dict:
    """Trials per drug and phase (the ``top`` drugs by trials), with each drug's conditions: a sponsor's portfolio."""
    rows = _trials(store, filters, index, limit=None).rows
    counts: dict[str, dict[str, int]] = {}
    conditions: dict[str, dict[str, int]] = {}
    for r in rows:
        for drug in filter(None, (r["drugs"] or "").split(" | ")):
            for phase in (r["phases"] or "NA").split(","):
                counts.setdefault(drug, {}).setdefault(phase, 0)
                counts[drug][phase] += 1
            for c in filter(None, (r["conditions"] or "").split(" | ")):
                conditions.setdefault(drug, {}).setdefault(c, 0)
                conditions[drug][c] += 1
    ranked = sorted(counts, key=lambda d: (-sum(counts[d].values()), d))[:top]
    phases = sorted({p for d in ranked for p in counts[d]})
    return {"drugs": ranked, "phases": phases, "counts": counts,
            "conditions": {d: [c for c, _ in sorted(conditions.get(d, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:3]] for d in ranked}}


def condition_page(store: ox.Store, mesh_id: str, one: dict[str, str], index: Indexed = None) -> Answer:
    """A condition: its MeSH descriptor (or supplementary concept), broader descriptors, and the trials in it or a
    narrower one."""
    name = mesh_name(mesh_id)
    if name is None:
        return _missing(f"no MeSH descriptor or supplementary concept {mesh_id}")
    if one.get("format") == "csv":
        return _csv(store, {"condition": name}, one, index)
    return _html("condition.html", title=name, name=name, mesh_id=mesh_id, broader=mesh_ancestors(mesh_id),
                 narrower=mesh_children(mesh_id),
                 table=_table(store, {"condition": name}, one, f"/condition/{mesh_id}", index))


def target_page(store: ox.Store, symbol: str, one: dict[str, str], index: Indexed = None) -> Answer:
    """A target: its HGNC gene, the drugs curated as acting on it, and their trials."""
    gene = targets().get(symbol)
    if gene is None:
        return _missing(f"no target {symbol} (HGNC symbol) is curated")
    if one.get("format") == "csv":
        return _csv(store, {"target": symbol}, one, index)
    acts = sorted((a for a in target_actions() if a.target == symbol), key=lambda a: a.drug)
    return _html("target.html", title=symbol, gene=gene, acts=acts,
                 table=_table(store, {"target": symbol}, one, f"/target/{symbol}", index))


def class_page(store: ox.Store, class_id: str, one: dict[str, str], index: Indexed = None) -> Answer:
    """A drug class: its rule and members, and the trials of its members or naming the class only."""
    found = classes().get(class_id) or resolve_class(class_id)
    if found is None:
        return _missing(f"no drug class {class_id!r}")
    if one.get("format") == "csv":
        return _csv(store, {"drug_class": found.label}, one, index)
    members = sorted((load().substance(u) for u in found.members), key=lambda s: s.label)
    return _html("class.html", title=found.label, drug_class=found, members=members,
                 table=_table(store, {"drug_class": found.label}, one, f"/class/{found.id}", index))


def query_page(store: ox.Store, one: dict[str, str]) -> Answer:
    """The SPARQL editor: a query (or a named query's text as an example) and its first rows as a table."""
    example = one.get("example")
    text = one.get("query") or (q.get(example).text if example in q.named_queries() else "")
    columns: list[str] = []
    rows: list[list] = []
    error = ""
    if one.get("query"):
        if why := refusal(text):
            error = why
        else:
            try:
                columns, rows = _first_rows(store.query(text, use_default_graph_as_union=True), EDITOR_ROWS + 1)
            except (SyntaxError, ValueError, OSError) as exc:
                error = str(exc)
    return _html("query.html", title="SPARQL", query_text=text, columns=columns, rows=rows[:EDITOR_ROWS], more=len(rows) > EDITOR_ROWS,
                 error=error, queries=sorted(q.named_queries()), example=example, limit=EDITOR_ROWS)


def _first_rows(result: Any, n: int) -> tuple[list[str], list[list]]:
    """The first ``n`` rows of any query's answer, read no further (a query over everything must not fill the memory):
    a SELECT's solutions, an ASK's boolean, a CONSTRUCT's triples."""
    if isinstance(result, ox.QueryBoolean):
        return ["answer"], [["true" if bool(result) else "false"]]
    if isinstance(result, ox.QueryTriples):
        return ["subject", "predicate", "object"], [[t.subject.value, t.predicate.value, t.object.value]
                                                     for t in itertools.islice(result, n)]
    columns = [v.value for v in result.variables]
    return columns, [[None if (v := s[c]) is None else v.value for c in columns] for s in itertools.islice(result, n)]


def network_page(store: ox.Store, one: dict[str, str]) -> Answer:
    """The neighbourhood of a drug, target, sponsor or trial in one of ``kg plot``'s networks, drawn as SVG (no script):
    the ``top`` neighbours sharing most trials, each sharing at least ``min_trials``."""
    around, network = one.get("around", "").strip(), one.get("network", "sponsor-drug")
    if network not in NETWORKS:
        raise KGError(f"network takes one of {', '.join(NETWORKS)} (got {network!r})")
    top = int(one["top"]) if one.get("top", "").isdigit() else 30
    least = int(one["min_trials"]) if one.get("min_trials", "").isdigit() else 1
    drawn = ""
    if around:
        h = plot_around(store, network, around, _drugs(), max(1, least), max(1, min(top, 100)))
        if h is None:
            return _html("network.html", 404, title=f"Network: {around}", around=around, network=network, networks=NETWORKS,
                         top=top, min_trials=least, svg="", style=Markup(SVG_STYLE),
                         message=f"{around!r} names nothing in the {network} network (a drug, target, sponsor or trial)")
        drawn = neighbourhood_svg(h, _node_page)
    return _html("network.html", title=f"Network: {around or network}", around=around, network=network, networks=NETWORKS,
                 top=top, min_trials=least, svg=Markup(drawn), style=Markup(SVG_STYLE), message="")


# ---------- assets and IRIs ----------

def _static(name: str) -> Answer:
    suffix = "." + name.rpartition(".")[2]
    if not re.fullmatch(r"[a-z0-9-]+\.[a-z]+", name) or suffix not in STATIC_TYPES:
        return _missing(f"no asset {name}")
    try:
        body = resources.files("kg.web").joinpath("static", name).read_bytes()
    except FileNotFoundError:
        return _missing(f"no asset {name}")
    return 200, STATIC_TYPES[suffix], body


def _entity(store: ox.Store, iri: str, accept: list[str]) -> Answer:
    """An entity IRI dereferenced: its page for a browser, its statements (every graph) in RDF otherwise."""
    rdf = next((m for m in accept if m in RDF_TYPES), None)
    html_first = next((m for m in accept if m in PAGE_TYPES or m in RDF_TYPES), "text/html") in PAGE_TYPES
    if html_first or rdf is None:
        page = page_of(iri)
        if page:
            return 303, "text/plain", page.encode("utf-8")
    try:
        node = ox.NamedNode(iri)  # an IRI, checked: nothing of the path reaches the query text unchecked
    except ValueError:
        return _missing(f"not an IRI: {iri}")
    triples = store.query(f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ {node} ?p ?o }}", use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT
    body = triples.serialize(format=RDF_TYPES[rdf or "text/turtle"])
    if not body:
        return _missing(f"nothing is said of {iri}")
    return 200, rdf or "text/turtle", body


def _node_page(iri: str, node: dict) -> str | None:
    """The page of a network's node: its entity's page, a sponsor's by its name."""
    return f"/sponsor?name={quote(node['label'])}" if node.get("type") == "sponsor" else page_of(iri)


def page_of(iri: str) -> str | None:
    """The page of an entity IRI (``/drug/UNII`` for ``id/drug/UNII`` ...), or ``None``."""
    local = iri.removeprefix(iris.ID)
    kind, _, rest = local.partition("/")
    if kind == "drug" and (m := re.fullmatch(r"unii/([A-Z0-9]{10})", rest)):
        return f"/drug/{m[1]}"
    if kind == "trial":
        return f"/trial/{rest}"
    if kind == "mesh":
        return f"/condition/{rest}"
    if kind == "target":
        return f"/target/{rest}"
    if kind == "class":
        return f"/class/{rest}"
    return None
