"""Sponsor names to organisations: ROR and the curated table first (``kg.resolve.organizations``), else a key.

A name that resolves becomes that organisation ("MSD" and "Merck Sharp & Dohme LLC" are one, a subsidiary of Merck &
Co., Inc.). A name that does not keeps a key of its own, the same for its legal-form and place variants
(``'Shanghai Foo Bioscience Co., Ltd.'`` and ``'Foo Biosciences'``), never merged with another organisation's.
Hospitals and universities keep their place names (``'Shanghai Pulmonary Hospital'`` is not ``'Pulmonary Hospital'``).
Placeholder names (``'Sponsor GmbH'``) are flagged and never merged. A parent stated in the name ("Genzyme, a
Sanofi Company") becomes the organisation's parent when it resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg import iris
from kg.normalize import fold, org_key
from kg.resolve.result import Match, Resolution
from kg.resolve.organizations import (OrgMatch, OrgResult, index, industry_key, legal_form_key, organization_of,
                                      resolve_organization, without_place_tail)

_PLACEHOLDER_KEYS = frozenset({"", "sponsor", "company", "unknown", "n a", "na", "none", "test", "test sponsor",
                               "not applicable", "redacted", "sponsor name", "tbd", "xxx"})
_STATED_PARENT = re.compile(r"^(?P<org>.+?)(?:,\s+an?\s+(?P<p1>.+?)\s+company"
                            r"|\s+is\s+now\s+an?\s+(?:wholly[- ]owned\s+)?subsidiary\s+of\s+(?P<p2>.+?)"
                            r"|\s*\(an?\s+(?:wholly[- ]owned\s+)?subsidiary\s+of\s+(?P<p3>.+?)\))\.?$", re.I)


def is_placeholder(name: str) -> bool:
    """True for a stand-in such as ``'Sponsor GmbH'`` or ``'[Redacted]'``: only legal/generic words."""
    key = re.sub(r"[^\w ]+", " ", org_key(name)).strip()
    return " ".join(key.split()) in _PLACEHOLDER_KEYS or not re.search(r"[a-z]", fold(name))


def split_names(name: str) -> list[str]:
    """One sponsor field naming several organisations ("Merck KGaA; Gilead Sciences"): each name."""
    return [n.strip() for n in name.split(";") if n.strip()] or [name]


def sponsor_key(name: str) -> str:
    """The key of a name no organisation table knows: legal forms, parenthesised places and a company's place
    prefix dropped; industry words too when what is left is distinctive ("Akeso Biopharma" -> "akeso", but
    "United BioPharma" keeps "united biopharma")."""
    name = without_place_tail(name)[0]
    key = legal_form_key(name) or fold(name)
    short = industry_key(key)
    return short if short and short != key and index().distinctive(short) else key


@dataclass(frozen=True, slots=True)
class SponsorLink:
    """What a sponsor name became: the organisation's IRI and labels, how (method, score, source), its parents."""

    name: str
    iri: str
    label: str
    method: str
    score: float
    source: str
    ror: str
    parents: tuple[tuple[str, str, str], ...]  # (child IRI, parent IRI, parent label), nearest first
    status: str


def link(name: str) -> SponsorLink:
    """The organisation a (single, non-placeholder) sponsor name names."""
    stated = _STATED_PARENT.match(name)
    found = resolve_organization(name)
    if found.status != "resolved" and stated:
        found = resolve_organization(stated["org"])
    if found.status == "resolved":
        m = found.matches[0]
        org = organization_of(m)
        parents = tuple((c.iri, p.iri, p.name) for c, p in index().lineage(org))
        return SponsorLink(name, org.iri, org.name, m.method, m.score, org.source, org.ror, parents, "resolved")
    parent_name = stated and (stated["p1"] or stated["p2"] or stated["p3"])
    if stated and parent_name and (p := resolve_organization(parent_name)).status == "resolved":
        top = organization_of(p.matches[0])
        own = stated["org"]
        own_iri = iris.organization(sponsor_key(own) or own)
        parents = ((own_iri, top.iri, top.name), *((c.iri, q.iri, q.name) for c, q in index().lineage(top)))
        return SponsorLink(name, own_iri, own, "key", 0.7, "name key; parent stated in the name", "", parents, "unresolved")
    return SponsorLink(name, iris.organization(sponsor_key(name) or name), name, "key", 0.5 if found.status == "ambiguous" else 0.7,
                       "name key (no organisation table matched)", "", (), found.status)


def organization_iri(name: str) -> str:
    """The IRI of the organisation a sponsor name names (resolved, else its key)."""
    return link(name).iri


def resolve_sponsor(name: str) -> OrgResult:
    """``kg resolve --kind sponsor``: the organisation (with method, score and source), the candidates of an
    ambiguous name, or, for a name no table knows, the key it keeps (a placeholder name says so)."""
    if is_placeholder(name):
        return Resolution(name, "unresolved", note="a placeholder name")
    found = resolve_organization(name)
    if found.status in ("resolved", "ambiguous"):
        return found
    s = link(name)
    return Resolution(name, "unresolved", (Match(f"org:{sponsor_key(s.label)}", s.label, "key", s.score, name, s.source),),
                      "no organisation table knows this name: it keeps a key of its own")


def sponsor_details(m: OrgMatch) -> dict:
    """An organisation match's own facts for JSON: ROR id, country, parents (nearest first)."""
    org = m.entity
    if org is None:
        return {"ror": None, "country": None, "parents": []}
    return {"ror": org.ror or None, "country": org.country or None,
            "parents": [{"id": p.id, "label": p.name} for p in index().ancestors(org)]}
