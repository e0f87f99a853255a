"""Condition text -> MeSH disease descriptors, on the whole MeSH 2024 disease tree (C and F03).

Tiers, tried in order (the first that answers wins):

``curated``      ``data/aliases/condition-aliases.tsv`` (variants seen in records, each with where)
``mesh-term``    a MeSH descriptor's name or entry term (``data/conditions/mesh-diseases.tsv.gz``), compared
                 without case, accents, punctuation, plural endings or British spellings ("Oesophageal tumours")
``abbreviation`` ``data/conditions/abbreviations.tsv`` (NSCLC, TNBC, HNSCC ...); an abbreviation of several
                 diseases (BC, UC, MM, GC) resolves only where the record's context (its title, other
                 conditions, the registry's MeSH terms) names one of them, else it is ``ambiguous``
``word-order``   the same words in another order ("Cancer of the Lung", "Lung Carcinoma, Small Cell")
``synonym``      cancer = carcinoma = neoplasm = tumour, where MeSH has the disease under one of them
``qualifier``    stage and setting words removed ("Advanced", "Extensive-stage", "Stage IIIB", "First-line",
                 "Previously Treated" ...): the broader condition; the words removed are kept as ``qualifiers``

``mesh_ancestors`` gives every broader descriptor through the tree numbers (for "this condition or narrower").
"""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import replace
from functools import lru_cache

from kg.normalize import fold
from kg.resources import data_dir
from kg.resolve.result import Match, Resolution

_QUALIFIERS = re.compile(
    r"\b(advanced|metastatic|metastases|recurrent|relapsed|refractory|locally|unresectable|resectable|resected|"
    r"operable|inoperable|extensive[- ]stage|extensive[- ]disease|limited[- ]stage|early[- ]stage|"
    r"stage\s+(?:[0-4]|i{1,3}v?|iv)[abc]?(?:\s*(?:-|to|or)\s*(?:[0-4]|i{1,3}v?|iv)[abc]?)?|"
    r"first[- ]line|second[- ]line|third[- ]line|later[- ]line|1st[- ]line|2nd[- ]line|newly diagnosed|"
    r"previously treated|pretreated|treatment[- ]naive|untreated|progressive|persistent|high[- ]risk|"
    r"low[- ]risk|intermediate[- ]risk|de novo|primary|secondary|adult|pediatric|paediatric|childhood|"
    r"malignant|solid|non[- ]metastatic|borderline resectable|oligometastatic|severe|mild|moderate|moderate[- ]to[- ]severe|"
    r"uncontrolled|poorly controlled|controlled|active|(?:ajcc|uicc)\s*v?\d+|or|and|with|of|the|in)\b", re.I)
SCORES = {"curated": 1.0, "mesh-term": 1.0, "abbreviation": 0.95, "word-order": 0.93, "synonym": 0.92, "qualifier": 0.9,
          "head": 0.85}
_GENERIC = frozenset({"cancer", "neoplasm", "tumor", "carcinoma", "disease", "syndrome", "disorder", "infection", "injury",
                      "recurrence", "relapse", "metastasi", "metastase", "progression", "condition"})
_SPELLING = (("oesophag", "esophag"), ("haem", "hem"), ("aemia", "emia"), ("leukaem", "leukem"), ("tumour", "tumor"),
             ("oedema", "edema"), ("foetal", "fetal"), ("paediatric", "pediatric"))
_SYNONYMS = ("neoplasm", "cancer", "carcinoma", "tumor")  # tried in this order: MeSH files most cancers as neoplasms
_SOURCES = {"curated": "data/aliases/condition-aliases.tsv", "abbreviation": "data/conditions/abbreviations.tsv"}
_STOP = frozenset({"of", "the", "and", "or", "in", "with"})


def _word(w: str) -> str:
    for british, american in _SPELLING:
        w = w.replace(british, american)
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _words(text: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", fold(text))  # "type2 diabetes" = "type 2 diabetes"
    return [_word(w) for w in re.sub(r"[^\w]+", " ", spaced).split()]


def _key(text: str) -> str:
    return " ".join(_words(text))


def _bag(text: str) -> str:
    return _bag_of(_words(text))


def _bag_of(words: list[str]) -> str:
    """Normalized words in any order, without stop words: the key of the word-order tier."""
    return " ".join(sorted(w for w in words if w not in _STOP))


@lru_cache(maxsize=1)
def _disease_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``data/conditions/mesh-diseases.tsv.gz``, read once."""
    with gzip.open(data_dir("data") / "conditions" / "mesh-diseases.tsv.gz", "rt", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def _descriptors() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """mesh id -> name, and mesh id -> tree numbers (the disease tree, plus the descriptors records carry)."""
    names = {row["mesh_id"]: row["name"] for row in _disease_rows()}
    trees = {row["mesh_id"]: tuple(t for t in row["tree_numbers"].split("|") if t) for row in _disease_rows()}
    with open(data_dir("data") / "conditions" / "mesh-conditions.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            names.setdefault(row["mesh_id"], row["term"])
    return names, trees


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """key -> (mesh id, method), and word bag -> mesh id (bags of one descriptor only)."""
    keys: dict[str, tuple[str, str]] = {}
    bags: dict[str, set[str]] = {}

    def add(term: str, mesh_id: str) -> None:
        keys.setdefault(_key(term), (mesh_id, "mesh-term"))
        bags.setdefault(_bag(term), set()).add(mesh_id)

    names, _ = _descriptors()
    for row in _disease_rows():
        add(row["name"], row["mesh_id"])
    for row in _disease_rows():  # entry terms after every preferred name
        for term in filter(None, row["terms"].split("|")):
            add(term, row["mesh_id"])
    for mesh_id, name in names.items():
        add(name, mesh_id)
    with open(data_dir("data") / "aliases" / "condition-aliases.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            keys[_key(row["variant"])] = (row["mesh_id"], "curated")
    return keys, {b: next(iter(ids)) for b, ids in bags.items() if len(ids) == 1}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Abbreviation (as written, case kept) -> [(mesh id, context words)], from ``data/conditions/abbreviations.tsv``."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    with open(data_dir("data") / "conditions" / "abbreviations.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            words = tuple(w for w in row["context"].split("|") if w)
            out.setdefault(row["abbreviation"], []).append((row["mesh_id"], words))
    return out


def _match(mesh_id: str, method: str, matched: str) -> Match[None]:
    names, _ = _descriptors()
    return Match(f"mesh:{mesh_id}", names.get(mesh_id, mesh_id), method, SCORES[method], matched, _SOURCES.get(method, "MeSH 2024"))


def _abbreviation(text: str, context: str) -> tuple[str, list[Match[None]]] | None:
    found = abbreviations().get(text.strip())
    if not found:
        return None
    if len(found) == 1:
        return "resolved", [_match(found[0][0], "abbreviation", text)]
    seen = " ".join(_words(context))
    agreeing = [mesh_id for mesh_id, words in found if any(re.search(rf"\b{re.escape(_key(w))}", seen) for w in words)]
    if len(agreeing) == 1:
        return "resolved", [_match(agreeing[0], "abbreviation", text)]
    return "ambiguous", [_match(mesh_id, "abbreviation", text) for mesh_id, _ in found]


def _lookup(candidate: str, method: str | None) -> Match[None] | None:
    keys, bags = _index()
    if found := keys.get(_key(candidate)):
        return _match(found[0], method or found[1], candidate)
    if mesh_id := bags.get(_bag(candidate)):
        return _match(mesh_id, method or "word-order", candidate)
    words = _words(candidate)
    for k, w in enumerate(words):  # cancer = carcinoma = neoplasm = tumour
        if w in _SYNONYMS:
            for other in _SYNONYMS:
                swapped = words[:k] + [other] + words[k + 1:]
                if found := keys.get(" ".join(swapped)):
                    return _match(found[0], method or "synonym", candidate)
                if mesh_id := bags.get(_bag_of(swapped)):
                    return _match(mesh_id, method or "synonym", candidate)
    return None


ConditionResult = Resolution[None]


def resolve_condition(text: str, context: str = "") -> ConditionResult:
    """The MeSH descriptor(s) a stated condition names (matches ``mesh:D...``), with the stage, setting and
    severity words stated with it as ``qualifiers``; ``context`` (the record's title, other conditions, MeSH terms)
    decides between the diseases an abbreviation may name. Answers are cached by text (records repeat their
    conditions); only an ambiguous one is worked out again in its context."""
    found = _resolve_cached(text)
    if found.status == "ambiguous" and context:
        return _resolve(text, context)
    return found


@lru_cache(maxsize=200_000)
def _resolve_cached(text: str) -> ConditionResult:
    return _resolve(text, "")


def _answer(text: str, matches: list[Match[None]], qualifiers: list[str], status: str = "resolved") -> ConditionResult:
    return Resolution(text, status, tuple(matches), qualifiers=tuple(qualifiers))


def _resolve(text: str, context: str) -> ConditionResult:
    qualifiers: list[str] = []
    attempts: list[tuple[str, str | None]] = [(text, None)]
    if m := re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,9})\)\s*$", text):
        attempts += [(text[:m.start()], None), (m[1], "abbreviation")]
    for candidate, how in attempts:
        if abbreviation := _abbreviation(candidate, context):
            status, matches = abbreviation
            return _answer(text, matches, qualifiers, status)
        if how != "abbreviation" and (found := _lookup(candidate, how)):
            return _answer(text, [found], qualifiers)
    bare = re.sub(r"\(([^)]*)\)", " ", text)
    qualifiers = [q.lower() for q in _QUALIFIERS.findall(bare) if q.lower() not in _STOP]
    stripped = " ".join(w for w in _QUALIFIERS.sub(" ", bare).replace(",", " ").split() if re.search(r"\w", w))
    if stripped and stripped != text:
        if abbreviation := _abbreviation(stripped, context):
            status, matches = abbreviation
            return _answer(text, [replace(m, method="qualifier") for m in matches], qualifiers, status)
        if found := _lookup(stripped, "qualifier"):
            return _answer(text, [found], qualifiers)
    first, comma, rest = bare.partition(",")
    if comma and ";" not in bare and "," not in rest and len(rest.split()) <= 3:  # "Recurrent Glioblastoma, IDH-Wildtype"
        if (got := _resolve(first, context)).status == "resolved":
            return _answer(text, list(got.matches), qualifiers + list(got.qualifiers) + [rest.strip().lower()])
    if (m := re.match(r"(.+?)\s+of\s+(?:the\s+)?\S.*$", bare, re.I)) and " and " not in m[1]:  # "Basal Cell Carcinoma of the Head and Neck"
        if found := _lookup(m[1], "head"):
            return _answer(text, [found], qualifiers)
    parts = [p for p in re.split(r"\s*/\s*|\s+or\s+|\s*;\s*", bare) if p.strip()]
    if len(parts) > 1:  # "Gastric Cancer/Gastroesophageal Junction Cancer": every part must resolve
        each = [_resolve(p, context) for p in parts]
        if all(e.status == "resolved" for e in each):
            matches = list({m.id: m for e in each for m in e.matches}.values())
            return _answer(text, matches, qualifiers + [q for e in each for q in e.qualifiers])
    words = [] if re.search(r"[,;+&]|\band\b", bare, re.I) else (stripped or bare).split()  # a list: no part for the whole
    for k in range(1, len(words)):  # the head of the phrase: "Microsatellite-stable Colorectal Cancer" -> colorectal cancer
        head = words[k:]
        if len(head) == 1 and _word(fold(head[0])) in _GENERIC:
            break

        if found := _lookup(" ".join(head), "head"):
            return _answer(text, [found], qualifiers + [" ".join(words[:k]).lower()])
    return _answer(text, [], qualifiers, "unresolved")


@lru_cache(maxsize=1)
def _tree_owner() -> dict[str, str]:
    _, trees = _descriptors()
    return {number: mesh_id for mesh_id, numbers in trees.items() for number in numbers}


@lru_cache(maxsize=1)
def _record_ancestors() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with open(data_dir("data") / "conditions" / "mesh-ancestors.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault(row["mesh_id"], []).append(row["ancestor_id"])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=20_000)
def mesh_ancestors(mesh_id: str) -> tuple[tuple[str, str], ...]:
    """Every broader descriptor of a MeSH descriptor, through its tree numbers (and those the registry lists
    for it): ``((id, term), ...)``."""
    names, trees = _descriptors()
    owner = _tree_owner()
    found: dict[str, None] = {}
    for number in trees.get(mesh_id, ()):
        parts = number.split(".")
        for n in range(len(parts) - 1, 0, -1):
            if (parent := owner.get(".".join(parts[:n]))) and parent != mesh_id:
                found.setdefault(parent)
    for a in _record_ancestors().get(mesh_id, ()):
        found.setdefault(a)
    return tuple((a, names.get(a, a)) for a in found)
