"""From drugs to knowledge: molecular targets (HGNC genes) and drug classes.

Data (each file with its source in ``data/targets/SOURCES.md`` / ``data/drugs/SOURCES.md``):

- ``data/targets/hgnc-targets.tsv``: the HGNC genes the curated drugs act on: id, approved symbol and name,
  HGNC alias and previous symbols (only those no other HGNC gene uses), and other names in common use (PD-1,
  "programmed death-1").
- ``data/drugs/targets.tsv``: one row per (drug, target): UNII, INN, HGNC symbol, action (antagonist, inhibitor,
  agonist, binder), modality (antibody, bispecific antibody, small molecule ...) and the evidence (the label or
  the WHO INN entry). A bispecific has a row per target.
- ``data/drugs/classes.tsv``: drug classes with the names writers use for them ("PD-1 inhibitor", "EGFR-TKI",
  "platinum-based chemotherapy") and the rule that gives their members: ``target=PDCD1;action=antagonist``
  (optionally ``;modality=small molecule``), ``members=UNII,...``, or ``union=class,...``.

A target or class name is matched as a whole, folded (case, accents, dashes and spaces: "PD1", "pd-1", "PD 1").
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.normalize import fold
from kg.resources import data_dir
from kg.resolve.result import Match, Resolution


@dataclass(frozen=True, slots=True)
class Target:
    """A molecular target: an HGNC gene."""

    hgnc_id: str  # "HGNC:8760"
    symbol: str  # "PDCD1"
    name: str  # "programmed cell death 1"
    names: tuple[str, ...]  # every other name it is known by (PD-1, CD279 ...)


@dataclass(frozen=True, slots=True)
class TargetAction:
    """One curated fact: a drug acts on a target."""

    unii: str
    drug: str
    target: str  # HGNC symbol
    action: str  # antagonist | inhibitor | agonist | binder
    modality: str
    evidence: str


@dataclass(frozen=True, slots=True)
class DrugClass:
    """A drug class and the UNIIs of its members."""

    id: str  # "pd-1-inhibitor"
    label: str
    names: tuple[str, ...]
    members: frozenset[str]
    rule: str
    source: str


def key(text: str) -> str:
    """The folded form names are compared in: case, accents, dashes and spaces ignored ("PD 1" = "pd-1" = "PD1")."""
    return re.sub(r"[\s\-‐‑–—_]+", "", fold(text))


FILES = (("targets", "hgnc-targets.tsv"), ("drugs", "targets.tsv"), ("drugs", "classes.tsv"))


@lru_cache(maxsize=1)
def version() -> str:
    """A digest of the three files: what the graph's targets and classes were made from."""
    h = hashlib.sha256()
    for path in FILES:
        h.update(data_dir("data").joinpath(*path).read_bytes())
    return h.hexdigest()[:16]


def _rows(*path: str) -> list[dict[str, str]]:
    with open(data_dir("data").joinpath(*path), encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def targets() -> dict[str, Target]:
    """HGNC symbol -> target."""
    out = {}
    for r in _rows("targets", "hgnc-targets.tsv"):
        names = tuple(n for n in (r["hgnc_aliases"].split("|") + r["other_names"].split("|")) if n)
        out[r["symbol"]] = Target(r["hgnc_id"], r["symbol"], r["name"], names)
    return out


@lru_cache(maxsize=1)
def target_actions() -> tuple[TargetAction, ...]:
    return tuple(TargetAction(r["unii"], r["drug"], r["target"], r["action"], r["modality"], r["evidence"])
                 for r in _rows("drugs", "targets.tsv"))


@lru_cache(maxsize=1)
def _target_index() -> dict[str, str]:
    index: dict[str, set[str]] = {}
    for t in targets().values():
        for name in (t.symbol, t.name, t.hgnc_id, t.hgnc_id.removeprefix("HGNC:"), *t.names):
            index.setdefault(key(name), set()).add(t.symbol)
    return {k: next(iter(v)) for k, v in index.items() if len(v) == 1}  # a name of two genes names neither


def resolve_target(text: str) -> Target | None:
    """The target ``text`` names (symbol, HGNC id, name or another name), or ``None``."""
    text = re.sub(r"^(?:human\s+|anti[- ]?)", "", text.strip(), flags=re.I)
    symbol = _target_index().get(key(text))
    return targets()[symbol] if symbol else None


def actions_of(unii: str) -> list[TargetAction]:
    """The curated target facts of a drug."""
    return [a for a in target_actions() if a.unii == unii]


@lru_cache(maxsize=1)
def classes() -> dict[str, DrugClass]:
    """Class id -> class, members computed from the rules (unions after the classes they join)."""
    rows = _rows("drugs", "classes.tsv")
    out: dict[str, DrugClass] = {}
    for r in sorted(rows, key=lambda r: r["rule"].startswith("union=")):
        out[r["class"]] = DrugClass(r["class"], r["label"], tuple(r["names"].split("|")), _members(r["rule"], out),
                                    r["rule"], r["source"])
    return out


def _members(rule: str, known: dict[str, DrugClass]) -> frozenset[str]:
    terms = dict(part.split("=", 1) for part in rule.split(";"))
    if "members" in terms:
        return frozenset(terms["members"].split(","))
    if "union" in terms:
        return frozenset().union(*(known[c].members for c in terms["union"].split(",")))
    return frozenset(a.unii for a in target_actions() if a.target == terms["target"] and a.action == terms["action"]
                     and terms.get("modality", a.modality) == a.modality)


@lru_cache(maxsize=1)
def _class_index() -> dict[str, str]:
    return {key(n): c.id for c in classes().values() for n in (c.id, c.label, *c.names)}


def resolve_class(text: str) -> DrugClass | None:
    """The class ``text`` names as a whole ("anti-PD-1 antibody", "EGFR-TKIs"), or ``None``."""
    found = _class_index().get(key(text.strip(" .")))
    return classes()[found] if found else None


@lru_cache(maxsize=1)
def _class_phrases() -> re.Pattern:
    names = sorted({n for c in classes().values() for n in c.names if len(n) >= 8}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.I)


def class_in(text: str) -> DrugClass | None:
    """A class named inside a longer text ("PD-1 inhibitor of investigator's choice"), the longest name
    first; names under eight characters (ICI, PARPi) count only as the whole text."""
    if whole := resolve_class(text):
        return whole
    m = _class_phrases().search(text)
    return resolve_class(m[0]) if m else None


def target_result(text: str) -> Resolution[Target]:
    """``kg resolve --kind target``: the HGNC gene a target name names (``hgnc:ID``), exact on its symbol, else by alias."""
    found = resolve_target(text)
    if not found:
        return Resolution(text, "unresolved")
    method = "exact" if key(text) == key(found.symbol) else "alias"
    return Resolution(text, "resolved", (Match(found.hgnc_id.lower(), found.symbol, method, 1.0 if method == "exact" else 0.99,
                                               text, "HGNC", found),))


def target_details(m: Match[Target]) -> dict:
    """A target match's own facts for JSON: the HGNC name and the drugs curated as acting on it."""
    if m.entity is None:
        return {}
    return {"name": m.entity.name, "drugs": sorted({a.drug for a in target_actions() if a.target == m.entity.symbol})}
