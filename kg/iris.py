"""Deterministic, readable, always-valid IRIs for every entity of the graph.

A trial by its NCT id (else by its own registry's id); a drug by its FDA UNII once resolved, else by its normalized name;
organizations, sites and places by normalized names; a country by its ISO 3166-1 code; each
source document's named graph by its source family and the record's own id. The same entity read from two
sources gets the same IRI. Any text in a name (Unicode, spaces, quotes, ``<>``) is folded and
percent-encoded, so every IRI is valid.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, unquote

from kg.normalize import slug

BASE = "https://w3id.org/trialkg/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY = BASE + "ontology#"
INFERRED_GRAPH = GRAPH + "inferred"
ONTOLOGY_GRAPH = GRAPH + "ontology"
DICTIONARY_GRAPH = GRAPH + "dictionary"
# what a drug's tkg:aliasKey in graph/dictionary means, stated on the graph (tkg:aliasKeyRule): the folded name is
# one the drug resolver answers with this drug alone (kg.drug_graph writes them; kg.query binds such a name from the
# store without loading the dictionary). A graph without the statement is never read so.
ALIAS_KEY_RULE = "resolves-to-this-drug-alone"
RECORD_ALIAS_GRAPH = GRAPH + "record-aliases"
SUMMARY_GRAPH = GRAPH + "summary"
HISTORY_GRAPH = GRAPH + "history"  # every ingested version of each document (kg.history); kept, never recomputed
DERIVED_GRAPHS = frozenset({INFERRED_GRAPH, DICTIONARY_GRAPH, RECORD_ALIAS_GRAPH, SUMMARY_GRAPH})  # rebuilt at the end of an ingest
SPECIAL_GRAPHS = DERIVED_GRAPHS | {ONTOLOGY_GRAPH, HISTORY_GRAPH}  # every named graph that is not a source document's


@lru_cache(maxsize=200_000)  # sites, cities and sponsors recur across records
def _seg(text: str) -> str:
    """One path segment: slugged, then percent-encoded (non-ASCII letters stay readable once decoded)."""
    return quote(slug(text), safe="-")


def term(local: str) -> str:
    """An ontology term: ``term('Trial')`` -> ``tkg:Trial``."""
    return ONTOLOGY + local


def enum(prefix: str, value: str) -> str:
    """An enumeration individual: ``enum('status', 'RECRUITING')`` -> ``tkg:status_RECRUITING``."""
    return f"{ONTOLOGY}{prefix}_{value}"


def trial(trial_id: str) -> str:
    """A trial, by its NCT id, else by its own registry's id in ICTRP form (``kg.sources.registry_ids``)."""
    return f"{ID}trial/{quote(trial_id, safe='')}"


def trial_id_of(iri: str) -> str | None:
    """The trial id a trial's IRI is named by (``trial``'s inverse); None for any other IRI (a trial's parts too)."""
    rest = iri.removeprefix(f"{ID}trial/")
    return unquote(rest) if rest != iri and rest and "/" not in rest else None


def registration(registry_id: str) -> str:
    """One registration of a trial (``id/registration/EUCTR2019-002663-10``): every record naming that id
    names this node, so two trial nodes that share one are the same trial."""
    return f"{ID}registration/{quote(registry_id, safe='')}"


def registry(key: str) -> str:
    """A trial registry of ``data/trials/registries.tsv`` (``id/registry/ISRCTN``)."""
    return f"{ID}registry/{quote(key, safe='')}"


def part(trial_iri: str, kind: str, index: int) -> str:
    """A part of a trial record (arm, intervention, outcome, location, official ...) by position."""
    return f"{trial_iri}/{kind}/{index}"


def drug(unii: str | None = None, name: str | None = None) -> str:
    """A drug: by FDA UNII when resolved, else minted from its normalized name."""
    if unii:
        return f"{ID}drug/unii/{quote(unii, safe='')}"
    if not name:
        raise ValueError("a drug IRI needs a UNII or a name")
    return f"{ID}drug/name/{_seg(name)}"


def target(symbol: str) -> str:
    """A molecular target, by its HGNC symbol: ``id/target/PDCD1``."""
    return f"{ID}target/{quote(symbol, safe='')}"


def drug_class(class_id: str) -> str:
    """A drug class of ``data/drugs/classes.tsv``: ``id/class/pd-1-inhibitor``."""
    return f"{ID}class/{quote(class_id, safe='')}"


def organization(key: str) -> str:
    """An organization by its key (``kg.resolve.sponsors.sponsor_key``: legal forms and a company's place prefix
    ignored, so "Shanghai Junshi Bioscience Co., Ltd." and "Junshi Biosciences" are one)."""
    return f"{ID}org/{_seg(key)}"


def ror_organization(ror_id: str) -> str:
    """An organisation matched to a ROR record: ``id/org/ror/0057zjh84``."""
    return f"{ID}org/ror/{quote(ror_id, safe='')}"


def known_organization(org_id: str) -> str:
    """An organisation of the curated table ``data/organizations/organizations.tsv`` that ROR lacks."""
    return f"{ID}org/known/{quote(org_id, safe='')}"


def organization_resolution(name: str) -> str:
    """How one spelling of an organisation's name resolved (shared by every trial that spells it so)."""
    return f"{ID}org-name/{_seg(name)}"


def site_resolution(country_key: str, city_key: str | None, name: str) -> str:
    """How one spelling of a facility in a city resolved to its site."""
    return f"{ID}site-name/{quote(country_key, safe='')}/{_seg(city_key or '-')}/{_seg(name)}"


def placeholder_organization(trial_iri: str, name: str) -> str:
    """A placeholder sponsor name ("Sponsor GmbH"): its own node per trial, never merged."""
    return f"{trial_iri}/placeholder-sponsor/{_seg(name)}"


def condition(name: str) -> str:
    return f"{ID}condition/{_seg(name)}"


def mesh(mesh_id: str) -> str:
    """A MeSH descriptor (as a condition or intervention concept)."""
    return f"{ID}mesh/{quote(mesh_id, safe='')}"


def country(code: str) -> str:
    return f"{ID}country/{quote(code.upper(), safe='')}"


def unknown_country(name: str) -> str:
    """A country name that no ISO 3166 name or known variant matches (kept, flagged by SHACL)."""
    return f"{ID}country/unknown/{_seg(name)}"


def region(code: str) -> str:
    """A state, province or other top-level subdivision, by its ISO 3166-2 code: ``id/region/CN-GD``."""
    return f"{ID}region/{quote(code.upper(), safe='')}"


def city(country_key: str, name: str) -> str:
    return f"{ID}city/{quote(country_key, safe='')}/{_seg(name)}"


def site(facility: str, city_name: str | None, country_key: str) -> str:
    """A facility, by its normalized name within its city and country."""
    return f"{ID}site/{quote(country_key, safe='')}/{_seg(city_name or '-')}/{_seg(facility)}"


def document_graph(family: str, key: str) -> str:
    """The named graph of one source document: its source family and the trial it is about."""
    return f"{GRAPH}{quote(family, safe='-')}/{quote(key, safe='')}"


def parser(fmt: str) -> str:
    return f"{ID}parser/{quote(fmt, safe='-')}"
