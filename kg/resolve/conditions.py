"""Condition text -> MeSH disease descriptors, on the whole MeSH 2024 disease tree (C and F03), and the MeSH
descriptors that are no disease where a whole stated condition names one ("Kidney Transplantation", "Pregnancy").

Tiers, tried in order (the first that answers wins):

``curated``      ``data/aliases/condition-aliases.tsv`` (variants seen in records, each with where)
``mesh-term``    a MeSH descriptor's name or entry term (``data/conditions/mesh-diseases.tsv.gz``), compared
                 without case, accents, punctuation, plural endings or British spellings ("Oesophageal tumours")
``mesh-supplementary`` a whole stated condition that is a term of a MeSH supplementary concept of a disease
                 (``data/conditions/mesh-supplementary.tsv.gz``: rare diseases and syndromes without a descriptor,
                 "Alpha-Gal Syndrome", "Uveal Melanoma"); its broader descriptors are those NLM maps it to
``mesh-topic``   a whole stated condition that is a term of a MeSH descriptor off the disease tree
                 (``data/conditions/mesh-topics.tsv.gz``: procedures, behaviour, phenomena, people, health care:
                 "Kidney Transplant(ation)", "Healthy Volunteers", "Quality of Life"), compared the same way; never
                 a term two topics share, an abbreviation, or a part of a longer phrase or list. People stated
                 as healthy ("Healthy Adults", "Healthy Japanese Subjects") are Healthy Volunteers (a ``rewrite``)
``abbreviation`` ``data/conditions/abbreviations.tsv`` (NSCLC, TNBC, HNSCC ...); an abbreviation of several
                 diseases (BC, UC, MM, GC) resolves only where the record's context (its title, other
                 conditions, the registry's MeSH terms) names one of them, else it is ``ambiguous``
``word-order``   the same words in another order ("Cancer of the Lung", "Lung Carcinoma, Small Cell")
``synonym``      cancer = carcinoma = neoplasm = tumour, where MeSH has the disease under one of them
``qualifier``    stage and setting words removed ("Advanced", "Extensive-stage", "Stage IIIB", "First-line",
                 "Previously Treated" ...): the broader condition; the words removed are kept as ``qualifiers``;
                 who has it is dropped ("Asthma Patients", "Breast Cancer Female")
``rewrite``      another phrasing of the whole, resolved like any phrase: "Allergy to Fish" -> fish allergy, "X Due
                 to Y" -> X (keeping "due to Y"), "Asthma in Children" -> asthma, organ words ("Thyroid Gland
                 Carcinoma"), adjectives (``data/conditions/adjectives.tsv``: "Asthmatics"), a tail of phase, grade or
                 marker words ("Glioblastoma WHO Grade IV", never a type), "X With Inhibitors"
``head``         the head of the phrase ("Microsatellite-stable Colorectal Cancer"; an abbreviation: "Clear Cell RCC";
                 a cancer word: "HER2-positive Carcinoma" -> carcinoma)
``fuzzy``        a misspelling: every word the same or one edit away (two in a long word beside a word spelt right),
                 never across a prefix that changes the meaning (hypo-/hyper-, peri-/intra- ...) or a digit, and one
                 descriptor only ("Systemic Lupus Erthematosus")

A disease stated in pregnancy gets the pregnancy complication of its kind beside it ("Malaria in Pregnancy": Malaria
and Pregnancy Complications, Parasitic); a site's adjective before a histologic type names the site
(``data/conditions/site-adjectives.tsv``: "Cutaneous"); a neoplasm named before a cancer word is that neoplasm ("Desmoid
Tumor"); metastases keep their primary ("Colorectal Liver Metastases", "Bone Metastases From Breast Cancer"); a noun
and a Latin adjective after it is the noun's disease ("Prurigo Nodularis"). Descriptors of animals' diseases (tree C22:
"Mammary Neoplasms, Animal") are not indexed.

Lists resolve when every part does ("Thymoma and Thymic Carcinoma"; a shared noun is given to each part: "Milk and/or
Peanut Allergy"), keeping the broadest of a part and its narrower one. A phrase saying someone is healthy or without
a condition ("Health Controls Without Atopy") is not guessed past its own name.

``mesh_ancestors`` gives every broader descriptor through the tree numbers (for "this condition or narrower").
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kg.normalize import fold
from kg.resources import data_dir, read_tsv
from kg.resolve.cache import digest, load_or_build
from kg.resolve.result import Match, Resolution

# who has the condition: dropped, not kept as a qualifier ("Asthma in Children", "Breast Cancer Female")
_POPULATION = (r"patients?|subjects?|participants?|volunteers?|children|child|adults|elderly|older adults|women|men|female|male|"
               r"females|males|infants?|adolescents?|people|persons?|population|cases?")
_QUALIFIERS = re.compile(
    r"\b(advanced|metastatic|metastases|recurrent|relapsed|refractory|locally|unresectable|resectable|resected|"
    r"operable|inoperable|extensive[- ]stage|extensive[- ]disease|limited[- ]stage|early[- ]stage|"
    r"stage\s+(?:[0-4]|i{1,3}v?|iv)[abc]?(?:\s*(?:-|/|to|or)\s*(?:[0-4]|i{1,3}v?|iv)[abc]?)?|"
    r"first[- ]line|second[- ]line|third[- ]line|later[- ]line|1st[- ]line|2nd[- ]line|newly diagnosed|"
    r"previously treated|pretreated|treatment[- ]naive|untreated|progressive|persistent|high[- ]risk|"
    r"low[- ]risk|intermediate[- ]risk|de novo|primary|secondary|adult|pediatric|paediatric|childhood|"
    r"malignant|solid|non[- ]metastatic|borderline resectable|oligometastatic|oligorecurrent|oligoprogressive|locoregionally|"
    r"locoregional|moderate[- ]to[- ]severe|mild[- ]to[- ]moderate|severe|mild|moderate|"
    r"uncontrolled|poorly controlled|controlled|active|symptomatic|asymptomatic|suspected|confirmed|"
    r"histologically confirmed|(?:ajcc|uicc)\s*v?\d+|unspecified|not otherwise specified|nos|not elsewhere classified|"
    + _POPULATION + r"|or|and|with|of|the|in)\b", re.I)
SCORES = {"curated": 1.0, "mesh-term": 1.0, "mesh-topic": 1.0, "mesh-supplementary": 1.0,
          "abbreviation": 0.95, "word-order": 0.93, "synonym": 0.92, "qualifier": 0.9,
          "rewrite": 0.88, "head": 0.85, "fuzzy": 0.8}
_GENERIC = frozenset({"cancer", "neoplasm", "tumor", "carcinoma", "disease", "syndrome", "disorder", "infection", "injury",
                      "recurrence", "relapse", "metastasi", "metastase", "progression", "condition"})
# words that name no disease when the qualifiers are stripped from them ("Metastatic Disease", "Severe Illness")
_NO_DISEASE_BY_ITSELF = frozenset({"disease", "disorder", "condition", "illness", "syndrome"})
# words that name the same thing, each set tried in its order: MeSH files most cancers as neoplasms, and most
# disorders of an organ or system as its diseases ("Immune System Disorders": Immune System Diseases)
_SYNONYMS = (("neoplasm", "cancer", "carcinoma", "tumor"), ("disease", "disorder"))
_SYNONYMS_OF = {word: words for words in _SYNONYMS for word in words}
_SOURCES = {"curated": "data/aliases/condition-aliases.tsv", "abbreviation": "data/conditions/abbreviations.tsv",
            "mesh-supplementary": "MeSH 2024 supplementary concepts"}
_STOP = frozenset({"of", "the", "and", "or", "in", "with"})
_NOT_KEPT = _STOP | set(_POPULATION.replace("?", "").split("|")) | {"patient", "subject", "participant", "infant", "adolescent",
                                                                    "volunteer", "person", "case"}
# rewrites of a whole phrase, each tried when the phrase itself names nothing: (pattern, replacement, what is kept as a
# qualifier: the group of the pattern, or none)
_REWRITES = (
    (re.compile(r"^(?P<x>.+?\s+metastas[ie]s)\s+(?:from|of|secondary to|due to)\s+(?P<y>.+)$", re.I), r"\g<x>; \g<y>", None),
    # "Bone Metastases From Breast Cancer": the metastases' site and the primary both
    (re.compile(r"^(?:allerg(?:y|ies|ic)|hypersensitivity)\s+(?:to|against)\s+(?P<x>.+)$", re.I), r"\g<x> allergy", None),
    (re.compile(r"^(?P<x>(?:.+?\s)?(?:allerg(?:y|ies)|hypersensitivity|anaphylaxis|shock|intolerance|rhinitis|rhinoconjunctivitis))\s+"
                r"(?P<q>(?:to|against)\s+.+)$", re.I), r"\g<x>", "q"),  # "Food Allergy to Fish", "Anaphylactic Shock to NMBA"
    (re.compile(r"^(?P<x>.+?)\s+(?P<q>(?:due to|caused by|secondary to|induced by|related to|associated with|after|following|"
                r"treated (?:in|with|by)|receiving|undergoing|as a result of|resulting from|arising from)\s+.+)$",
                re.I), r"\g<x>", "q"),
    (re.compile(r"^(?P<x>.+?)\s+(?P<q>from\s+(?:[\w-]+\s+){0,3}(?:mutations?|variants?|deficiency))$", re.I), r"\g<x>", "q"),
    (re.compile(r"^(?:(?:adult|elderly|older|young|pediatric|paediatric|male|female|postmenopausal|premenopausal|pregnant|"
                r"hospitali[sz]ed)\s+)?(?:" + _POPULATION + r")\s+(?:with|having|suffering from|diagnosed with|affected by|at risk of)\s+(?P<x>.+)$",
                re.I), r"\g<x>", None),
    (re.compile(r"^(?P<x>.+?)\s+(?:in|among)\s+(?:the\s+)?(?:" + _POPULATION + r"|pregnancy|pregnant women)\b.*$", re.I), r"\g<x>", None),
    (re.compile(r"^(?P<a>.+?)\s+(?:gland|corpus|cavity)\s+(?P<b>\S.*)$", re.I), r"\g<a> \g<b>", None),  # "Thyroid Gland Carcinoma"
    (re.compile(r"^(?P<d>allerg(?:y|ies)|anaphylaxis)\s+(?P<x>[\w-]+(?:\s+[\w-]+)?)$", re.I), r"\g<x> \g<d>", None),  # "Allergy Mold"
    (re.compile(r"^(?P<d>metastas[ie]s|cancer|carcinoma|tumou?rs?|neoplasms?)\s+(?:in|of)\s+(?:the\s+)?(?P<x>[\w-]+)$", re.I),
     r"\g<x> \g<d>", None),  # "Metastasis in Liver"
    (re.compile(r"^(?P<x>(?!(?-i:[A-Z][A-Z0-9]+)\s)(?!.*\b(?:cancers?|carcinomas?|tumou?rs?|neoplasms?|[a-z]*omas?|leuka?emias?)\s)"
                r"[\w-]+(?:\s+[\w-]+)?)\s+metastas[ie]s$", re.I), r"\g<x> neoplasms; neoplasm metastasis", None),
    # "Bone Metastases": the site's neoplasms (MeSH indexes secondary tumours by site) and Neoplasm Metastasis
    (re.compile(r"^(?P<x>.+?)\s+(?P<q>with\s+(?:[\w+-]+\s+){0,2}(?:inhibitors?|mutations?|mutated|fusions?|amplifications?|"
                r"deletions?|rearrangements?|positive|negative|expression|overexpression|metastas[ie]s|features?))$", re.I),
     r"\g<x>", "q"),  # "Haemophilia A With Inhibitors"
    (re.compile(r"^(?P<x>.+?)\s+(?P<q>in\s+(?:[\w-]+\s+){0,2}(?:phase|stage|remission|setting|crisis))$", re.I), r"\g<x>", "q"),
)
# words after a disease that say which phase, grade, type or state of it ("Asthma Exacerbations", "Glioblastoma WHO Grade
# IV", "Glioblastoma IDH Wildtype", "Hypersensitivity Response"), or only that it is one ("Gall Stone Disease"): the
# disease, with the words kept as qualifiers
_TAIL_WORDS = frozenset({
    "exacerbation", "exacerbations", "attack", "attacks", "flare", "flares", "episode", "episodes", "chronic", "acute",
    "recurrence", "recurrent", "relapse", "relapsed", "progression", "progressive", "refractory", "wildtype", "wild-type",
    "mutant", "mutated", "mutation", "mutations", "positive", "negative", "grade", "who", "type", "subtype", "response",
    "reaction", "reactions", "tumor", "tumour", "disease"})
_GRADE = re.compile(r"(?:grade|stage)\s+(?:[ivx]+|\d+)[abc]?", re.I)
_SHARED_NOUNS = frozenset({"adenocarcinoma", "allergy", "hypersensitivity", "leukemia", "lymphoma", "sarcoma", "fracture",
                           "metastasis"})
_NO_STATE = frozenset({"cancer", "neoplasm", "tumor", "carcinoma", "malignancy", "disease", "syndrome", "disorder", "infection",
                       "condition"})
_CANCER_HEADS = frozenset({"cancer", "carcinoma", "neoplasm", "tumor", "malignancy"})  # "HER2-positive Carcinoma" -> carcinoma


@lru_cache(maxsize=1)
def spellings() -> tuple[tuple[str, str], ...]:
    """British -> American parts of words (``data/conditions/spellings.tsv``): "oesophag" -> "esophag"."""
    return tuple((r["british"], r["american"]) for r in read_tsv(data_dir("data") / "conditions" / "spellings.tsv"))


def _word(w: str) -> str:
    for british, american in spellings():
        if british in w:
            w = w.replace(british, american)
    if len(w) > 6 and w.endswith(("oses", "stases")):  # Greek plurals: "stenoses", "metastases" as "-sis"
        return w[:-2] + "is"
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


@lru_cache(maxsize=3)
def _mesh_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``data/conditions/<name>.tsv.gz`` (``mesh-diseases``, ``mesh-topics``, ``mesh-supplementary``), read
    once."""
    with gzip.open(data_dir("data") / "conditions" / f"{name}.tsv.gz", "rt", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t"))


def _disease_rows() -> tuple[dict[str, str], ...]:
    return _mesh_rows("mesh-diseases")


@lru_cache(maxsize=1)
def _mapped_to() -> dict[str, tuple[str, ...]]:
    """Supplementary concept -> the disease descriptors NLM maps it to (``data/conditions/mesh-supplementary.tsv.gz``)."""
    return {row["mesh_id"]: tuple(row["mapped_to"].split("|")) for row in _mesh_rows("mesh-supplementary")}


@lru_cache(maxsize=1)
def _descriptors() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """mesh id -> name, and mesh id -> tree numbers (the disease tree and its category roots, the topics that are no
    disease, plus the descriptors records carry)."""
    rows = _disease_rows() + _mesh_rows("mesh-topics")
    names = {row["mesh_id"]: row["name"] for row in rows}
    trees = {row["mesh_id"]: tuple(t for t in row["tree_numbers"].split("|") if t) for row in rows}
    for row in read_tsv(data_dir("data") / "conditions" / "mesh-roots.tsv"):
        names[row["mesh_id"]], trees[row["mesh_id"]] = row["name"], (row["tree_number"],)
    for row in _mesh_rows("mesh-supplementary"):  # no tree numbers: broader through the descriptors mapped to
        names.setdefault(row["mesh_id"], row["name"])
    with open(data_dir("data") / "conditions" / "mesh-conditions.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            names.setdefault(row["mesh_id"], row["term"])
    return names, trees


# descriptors of animals' diseases (tree C22: "Mammary Neoplasms, Animal", "Tuberculosis, Bovine"): not indexed, the
# records are of human trials ("Mammary Carcinoma" is breast cancer)
_ANIMAL = re.compile(r"\b(?:Animal|Veterinary|Avian|Bovine|Canine|Feline|Porcine|Equine|Ovine|Swine|Murine|Simian|Birds|"
                     r"Cattle|Sheep|Calves|Turkeys|Mink)\b")


Index = tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str], dict[str, str]]


@lru_cache(maxsize=1)
def _index() -> Index:
    """key -> (mesh id, method), word bag -> mesh id (bags of one descriptor only), the key of a topic's term -> its
    mesh id, and the key of a supplementary concept's term -> its id (keys of one topic or concept only, and of no
    disease; a concept's of no topic either); kept between runs (``kg.resolve.cache``: building it normalizes 170,000
    terms, seconds at every start of ``kg trials``)."""
    folder = data_dir("data")
    files = [folder / "conditions" / "mesh-diseases.tsv.gz", folder / "conditions" / "mesh-topics.tsv.gz",
             folder / "conditions" / "mesh-supplementary.tsv.gz",
             folder / "conditions" / "mesh-conditions.tsv", folder / "aliases" / "condition-aliases.tsv",
             folder / "conditions" / "spellings.tsv", Path(__file__)]  # this module and the spellings: how terms are normalized
    return load_or_build("condition-index", digest(files, "4"), _build_index, tuple)


def _build_index() -> Index:
    keys: dict[str, tuple[str, str]] = {}
    bags: dict[str, set[str]] = {}

    def add(term: str, mesh_id: str) -> None:
        keys.setdefault(_key(term), (mesh_id, "mesh-term"))
        bags.setdefault(_bag(term), set()).add(mesh_id)

    names, _ = _descriptors()
    human = [row for row in _disease_rows() if not _ANIMAL.search(row["name"])]
    for row in human:
        add(row["name"], row["mesh_id"])
    for row in human:  # entry terms after every preferred name
        for term in filter(None, row["terms"].split("|")):
            add(term, row["mesh_id"])
    carried = {row["mesh_id"] for row in read_tsv(data_dir("data") / "conditions" / "mesh-conditions.tsv")}
    elsewhere = {row["mesh_id"] for row in _mesh_rows("mesh-topics")} | (set(_mapped_to()) - carried)
    for mesh_id, name in names.items():  # the category roots and the descriptors records carry
        if not _ANIMAL.search(name) and mesh_id not in elsewhere:
            add(name, mesh_id)
    with open(data_dir("data") / "aliases" / "condition-aliases.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            keys[_key(row["variant"])] = (row["mesh_id"], "curated")
    topics, concepts = _term_keys("mesh-topics"), _term_keys("mesh-supplementary")
    unique_topics = {k: next(iter(ids)) for k, ids in topics.items() if len(ids) == 1 and k not in keys}
    return (keys, {b: next(iter(ids)) for b, ids in bags.items() if len(ids) == 1}, unique_topics,
            {k: next(iter(ids)) for k, ids in concepts.items() if len(ids) == 1 and k not in keys and k not in topics})


def _term_keys(name: str) -> dict[str, set[str]]:
    """The key of every term of ``data/conditions/<name>.tsv.gz`` -> the ids having it."""
    out: dict[str, set[str]] = {}
    for row in _mesh_rows(name):
        for term in [row["name"], *filter(None, row["terms"].split("|"))]:
            out.setdefault(_key(term), set()).add(row["mesh_id"])
    return out


def _topic(candidate: str) -> Match[None] | None:
    """The MeSH descriptor that is no disease a whole stated condition names by one of its terms ("Kidney
    Transplantation", "Healthy Volunteers", "Pregnancy", "Quality of Life"; ``data/conditions/mesh-topics.tsv.gz``),
    compared as disease names are; none for a term two topics share ("Stress")."""
    return _whole_term(candidate, _index()[2], "mesh-topic")


def _concept(candidate: str) -> Match[None] | None:
    """The MeSH supplementary concept of a disease a whole stated condition names by one of its terms
    (``data/conditions/mesh-supplementary.tsv.gz``: rare diseases and syndromes without a descriptor, "Alpha-Gal
    Syndrome"), compared as disease names are; none for a term two concepts share."""
    return _whole_term(candidate, _index()[3], "mesh-supplementary")


def _whole_term(candidate: str, table: dict[str, str], method: str) -> Match[None] | None:
    joined = _unhyphenated(candidate)  # "Auto-Immunity"
    grafted = re.sub(r"\btransplants?\b", "transplantation", candidate, flags=re.I)  # "Kidney Transplant"
    for written in dict.fromkeys([candidate, joined, grafted]):
        if mesh_id := table.get(_key(written)):
            return _match(mesh_id, method, candidate)
    return None


# people stated as healthy ("Healthy Adults", "Healthy Japanese Subjects", "Healthy Control"): MeSH's Healthy Volunteers,
# the words between kept as qualifiers
_HEALTHY = re.compile(r"healthy\s+(?P<q>(?:[\w-]+\s+){0,3}?)(?:volunteers?|subjects?|participants?|adults?|controls?|"
                      r"individuals?|persons?|people|men|women|males?|females?)", re.I)
HEALTHY_VOLUNTEERS = "D064368"


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


def _unhyphenated(text: str) -> str:
    """The text without the hyphens inside words ("Colo-rectal" = "Colorectal", "Auto-Immunity" = "Autoimmunity")."""
    return re.sub(r"(?<=[a-z])-(?=[a-z])", "", text, flags=re.I)


def _lookup(candidate: str, method: str | None) -> Match[None] | None:
    found = _lookup_as_written(candidate, method)
    if found is None and re.search(r"[a-z]-[a-z]", candidate, re.I):  # "Colo-rectal Cancer" = "Colorectal Cancer"
        found = _lookup_as_written(_unhyphenated(candidate), method)
    return found


def _lookup_as_written(candidate: str, method: str | None) -> Match[None] | None:
    keys, bags, _, _ = _index()
    if found := keys.get(_key(candidate)):
        return _match(found[0], method or found[1], candidate)
    if mesh_id := bags.get(_bag(candidate)):
        return _match(mesh_id, method or "word-order", candidate)
    words = _words(candidate)
    for k, w in enumerate(words):  # cancer = carcinoma = neoplasm = tumour; disorder = disease
        for other in _SYNONYMS_OF.get(w, ()):
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
        return _resolve(text, context, whole=True)
    return found


@lru_cache(maxsize=200_000)
def _resolve_cached(text: str) -> ConditionResult:
    return _resolve(text, "", whole=True)


def _rephrased(got: ConditionResult, matched: str | None = None) -> list[Match[None]]:
    """The matches of a rephrasing of the text: method "rewrite", scored no higher than a rewrite."""
    return [replace(m, method="rewrite", score=min(m.score, SCORES["rewrite"]), matched=matched or m.matched) for m in got.matches]


def _answer(text: str, matches: list[Match[None]], qualifiers: list[str], status: str = "resolved") -> ConditionResult:
    return Resolution(text, status, tuple(matches), qualifiers=tuple(qualifiers))


@lru_cache(maxsize=1)
def site_adjectives() -> dict[str, str]:
    """Adjective of a body site -> the site's noun as MeSH names its neoplasms ("cutaneous" -> "skin"), from
    ``data/conditions/site-adjectives.tsv``; read only before a histologic type."""
    return {r["adjective"]: r["site"] for r in read_tsv(data_dir("data") / "conditions" / "site-adjectives.tsv")}


@lru_cache(maxsize=1)
def adjectives() -> dict[str, str]:
    """Adjective of a disease -> its noun ("asthmatic" -> "asthma"), from ``data/conditions/adjectives.tsv``."""
    with open(data_dir("data") / "conditions" / "adjectives.tsv", encoding="utf-8") as fh:
        return {row["adjective"]: row["noun"] for row in csv.DictReader(fh, delimiter="\t")}


_BY_NAME = frozenset({"curated", "mesh-term", "abbreviation", "word-order", "synonym"})
# a phrase that says someone does not have a condition: no guessing past its own name
_NEGATED = re.compile(r"\b(?:without|healthy|health controls?|free of|absence of|negative for|no history of|non-?allergic)\b", re.I)
# "Atopic Dermatitis Without a History of Eczema Herpeticum": what is negated is not the condition
_WITHOUT = re.compile(r"^(?P<x>.+?)\s+(?P<q>(?:with or )?without\s+.+)$", re.I)
# a marker joined to an abbreviation ("MSS-CRC", "EGFR-NSCLC"): two words, the head the abbreviation
_MARKER_ABBREVIATION = re.compile(r"\b([A-Z][A-Z0-9+]{1,6})-([A-Z]{2,6})\b")
_FULL_WIDTH = str.maketrans({"，": ", ", "；": "; ", "／": "/", "：": ": "})
_IN_POPULATION = re.compile(r"\s+(?:in|among)\s+(?:[\w-]+\s+){1,4}(?:" + _POPULATION + r"|survivors)\b.*$", re.I)
_ADJECTIVE_PHRASE = re.compile(r"^(?P<a>[a-z]+)(?:\s+(?:diseases?|disorders?|conditions?|reactions?|" + _POPULATION + r"))*$", re.I)


def _rewritten(bare: str) -> list[tuple[str, list[str]]]:
    """Other phrasings of a phrase that names nothing as written, each with the words it leaves out that are kept as
    qualifiers: "Allergy to Fish" -> "Fish allergy", "Allergic Rhinitis Due to House Dust Mite" -> "Allergic Rhinitis"
    (keeping "due to house dust mite"), "Asthma in Children" -> "Asthma", "Thyroid Gland Carcinoma" -> "Thyroid
    Carcinoma", "Asthmatic Patients" -> "asthma"."""
    out = []
    for pattern, replacement, kept in _REWRITES:
        if m := pattern.match(bare):
            out.append((m.expand(replacement).strip(), [m[kept].lower()] if kept else []))
    if (m := _ADJECTIVE_PHRASE.match(bare.strip())) and (noun := adjectives().get(m["a"].lower().removesuffix("s"))
                                                          or adjectives().get(m["a"].lower())):
        out.append((noun, []))  # "Asthmatics" -> asthma
    return out


def _without_tail(bare: str) -> tuple[str, str] | None:
    """The disease before words of phase, state or grade and marker names ("Glioblastoma IDH Wildtype", "Asthma
    Exacerbations", "Glioblastoma WHO Grade IV") and those words; never a type or subtype ("Narcolepsy Type 1")."""
    words = _GRADE.sub(lambda m: m[0].replace(" ", "_"), bare).split()
    k = len(words)
    while k > 1 and (words[k - 1].lower() in _TAIL_WORDS or _GRADE.fullmatch(words[k - 1].replace("_", " "))
                     or ((m := re.fullmatch(r"[A-Z][A-Za-z0-9+]{1,7}-([a-z]+)", words[k - 1])) and m[1].lower() in _TAIL_WORDS)
                     or (re.fullmatch(r"[A-Z][A-Z0-9+-]{1,6}", words[k - 1]) and not re.fullmatch(r"[IVX]+", words[k - 1]))):
        k -= 1
    if k == len(words) or k == 0:
        return None
    return " ".join(words[:k]), " ".join(words[k:]).replace("_", " ").lower()


def _disease_named(words: str, context: str) -> Match[None] | None:
    """The disease a phrase's modifier names by itself, by name or abbreviation ("COVID-19" before "Pneumonia", "HIV"
    before "Tuberculosis"), as a head match; none for a category's own descriptor (Neoplasms, Infections ...) or a
    descriptor off the disease tree."""
    if {_word(fold(w)) for w in words.split()} <= _GENERIC | _TAIL_WORDS:  # "Relapse Leukemia": a state, not a second disease
        return None
    ab = _abbreviation(words, context)
    found = ab[1][0] if ab and ab[0] == "resolved" and len(ab[1]) == 1 else _lookup_as_written(words, None)
    if found is None or found.method not in _BY_NAME or not _in_disease_tree(found.local_id) or found.local_id in _roots():
        return None
    return _as_head(found)


def _as_head(m: Match[None]) -> Match[None]:
    """A match found for the head of a phrase (or its modifier), scored as such."""
    return replace(m, method="head", score=SCORES["head"])


@lru_cache(maxsize=1)
def _roots() -> frozenset[str]:
    return frozenset(r["mesh_id"] for r in read_tsv(data_dir("data") / "conditions" / "mesh-roots.tsv"))


def _site_of(modifier: list[str], histology: Match[None]) -> tuple[Match[None], list[str]] | None:
    """The site a histologic type is stated in ("Gastric" before "Adenocarcinoma", "Uveal" before "Melanoma"), as MeSH
    indexes it (a neoplasm by site beside the neoplasm by histologic type), with the words before the site kept as
    qualifiers ("HER2-positive Gastric Adenocarcinoma"); none when the head is no histologic type or the words name
    no site's neoplasm."""
    _, trees = _descriptors()
    if not any(t.startswith("C04.557") for t in trees.get(histology.local_id, ())):
        return None
    for _, words, kept in _site_suffixes(modifier):
        for noun in ("carcinoma", "neoplasms"):
            site = _lookup(f"{words} {noun}", "head")
            if site and site.local_id != histology.local_id and any(t.startswith("C04.588") for t in trees.get(site.local_id, ())):
                return site, kept
    return None


# a primary's site before the metastases' site ("Colorectal Liver Metastases")
_PRIMARY_METASTASES = re.compile(r"^(?P<p>[\w-]+)\s+(?P<x>[\w-]+\s+metastas[ie]s)$", re.I)


def _sites_named(modifier: list[str]) -> list[str]:
    """The words with each site adjective or phrase of ``site-adjectives.tsv`` as the site's noun ("Cutaneous" -> skin,
    "Gastroesophageal Junction" -> stomach), a phrase's later words left empty (so each word keeps its place)."""
    table, out, i = site_adjectives(), list(modifier), 0
    while i < len(modifier):
        n = next((n for n in (3, 2, 1) if i + n <= len(modifier) and " ".join(modifier[i:i + n]).lower() in table), 0)
        if n:
            out[i:i + n] = [table[" ".join(modifier[i:i + n]).lower()]] + [""] * (n - 1)
        i += n or 1
    return out


def _site_suffixes(modifier: list[str]) -> Iterator[tuple[bool, str, list[str]]]:
    """Each end of a modifier that may name a site, longest first: whether it begins with a site of
    ``site-adjectives.tsv``, its words with those sites as their nouns (``_sites_named``), and the words before it,
    kept as qualifiers. An end never begins inside a site's phrase."""
    named = _sites_named(modifier)
    for j in range(len(modifier)):
        if named[j]:
            yield named[j] != modifier[j], " ".join(w for w in named[j:] if w), [" ".join(modifier[:j]).lower()] if j else []


def _stated_site(modifier: list[str]) -> tuple[Match[None], list[str]] | None:
    """The neoplasm of a site named by an adjective or phrase of ``site-adjectives.tsv`` before a cancer word
    ("Gastroesophageal Junction Cancer": Stomach Neoplasms, "Advanced Cutaneous Cancer": Skin Neoplasms, keeping
    "advanced"), with the words before the site; none when no word is such a site."""
    for from_table, words, kept in _site_suffixes(modifier):
        if from_table and (site := _site_neoplasm(words)):
            return site, kept
    return None


def _site_neoplasm(words: str) -> Match[None] | None:
    """The neoplasm of the site the words name by its name ("Colorectal": Colorectal Neoplasms), or none."""
    _, trees = _descriptors()
    for noun in ("cancer", "neoplasms"):
        found = _lookup(f"{words} {noun}", None)
        if found and found.method in _BY_NAME and any(t.startswith("C04.588") for t in trees.get(found.local_id, ())):
            return found
    return None


def _narrowest(matches: list[Match[None]]) -> list[Match[None]]:
    """The matches without one that is a broader descriptor of another ("Cutaneous Melanoma": melanoma, not also skin
    neoplasms)."""
    broader = {a for m in matches for a, _ in mesh_ancestors(m.local_id) if a != m.local_id}
    return list({m.id: m for m in matches if m.local_id not in broader}.values())


def _broadest(matches: list[Match[None]]) -> list[Match[None]]:
    """The matches of a list's parts without one whose broader descriptor is also among them ("Brain and Central Nervous
    System Tumors": central nervous system neoplasms)."""
    ids = {m.local_id for m in matches}
    return [m for m in matches if not ids & ({a for a, _ in mesh_ancestors(m.local_id)} - {m.local_id})]


def _distributed(parts: list[str]) -> list[str]:
    """Parts of a list that share the last part's noun ("Gastric or Gastroesophageal Cancer", "Brain and Central Nervous
    System Tumors"): each earlier part without a noun of its own gets it."""
    last = parts[-1].split()
    nouns = _GENERIC | _SHARED_NOUNS
    if len(last) < 2 or _word(fold(last[-1])) not in nouns:
        return parts
    return [p if _word(fold(p.split()[-1])) in nouns else f"{p} {last[-1]}" for p in parts[:-1]] + [parts[-1]]


def _resolve(text: str, context: str, depth: int = 0, whole: bool = False) -> ConditionResult:
    """The answer for ``text``; ``whole`` when it is the whole stated condition (only that may name a topic that is
    no disease: "Pregnancy", never a part of "Food; Allergy")."""
    qualifiers: list[str] = []
    attempts: list[tuple[str, str | None]] = [(text, None)]
    if m := re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,9})\)\s*$", text):
        attempts += [(text[:m.start()], None), (m[1], "abbreviation")]
    for candidate, how in attempts:
        if abbreviation := _abbreviation(candidate, context):
            status, matches = abbreviation
            return _answer(text, matches, qualifiers, status)
        if how != "abbreviation" and (found := _lookup(candidate, how) or (_topic(candidate) or _concept(candidate) if whole else None)):
            return _answer(text, [found], qualifiers)
    if whole and (m := _HEALTHY.fullmatch(text.strip())):
        said = [w.lower() for w in m["q"].split() if w.lower() not in _NOT_KEPT]
        return _answer(text, [_match(HEALTHY_VOLUNTEERS, "rewrite", text)], [" ".join(said)] if said else [])
    if depth < 3 and (m := _WITHOUT.match(text)) and not _NEGATED.search(m["x"]):
        if (got := _resolve(m["x"], context, depth + 1)).status == "resolved":
            return _answer(text, _rephrased(got, text), list(got.qualifiers) + [m["q"].lower()])
    if _NEGATED.search(text):  # "Health Controls Without Atopy", "Healthy Volunteers"
        return _answer(text, [], qualifiers, "unresolved")
    bare = " ".join(re.sub(r"\(([^)]*)\)", " ", text.translate(_FULL_WIDTH)).split())
    if depth < 3 and (m := _IN_PREGNANCY.match(bare)):  # "Asthma in Pregnancy": the disease and the complication
        if (got := _resolve(m["x"] or m["y"], context, depth + 1)).status == "resolved":
            return _answer(text, _narrowest(_with_pregnancy(_rephrased(got, text))), list(got.qualifiers))
    if tail := _IN_POPULATION.search(bare):  # "... Reaction in Breast Cancer Patients": the patients are not the condition
        bare, qualifiers = bare[:tail.start()], [tail[0].strip().lower()]
    if depth < 3 and (m := _PRIMARY_METASTASES.match(bare)) and _word(fold(m["x"].split()[0])) not in _CANCER_HEADS \
            and (primary := _site_neoplasm(m["p"])):
        if (got := _resolve(m["x"], context, depth + 1)).status == "resolved":  # "Colorectal Liver Metastases"
            return _answer(text, _narrowest(_rephrased(got, text) + [_as_head(primary)]), qualifiers + list(got.qualifiers))
    if depth < 3:  # a rewrite is resolved like any phrase (its qualifiers stripped, its head found ...)
        for phrase, kept in _rewritten(bare):
            if phrase and phrase != bare and (got := _resolve(phrase, context, depth + 1)).status == "resolved":
                return _answer(text, _rephrased(got, text), qualifiers + list(got.qualifiers) + kept)
    qualifiers += [q.lower() for q in _QUALIFIERS.findall(bare) if q.lower() not in _NOT_KEPT]
    stripped = " ".join(w for w in _QUALIFIERS.sub(" ", bare).replace(",", " ").split() if re.search(r"\w", w))
    if stripped and stripped != text and _key(stripped) not in _NO_DISEASE_BY_ITSELF:
        if abbreviation := _abbreviation(stripped, context):
            status, matches = abbreviation
            return _answer(text, [replace(m, method="qualifier") for m in matches], qualifiers, status)
        if found := _lookup(stripped, "qualifier"):
            return _answer(text, [found], qualifiers)
    first, comma, rest = re.split(r"(,|\s+-\s+)", bare, maxsplit=1) if re.search(r",|\s+-\s+", bare) else (bare, "", "")
    if comma and ";" not in bare and "," not in rest and len(rest.split()) <= 3:  # "Recurrent Glioblastoma, IDH-Wildtype"
        if (got := _resolve(first, context)).status == "resolved":
            return _answer(text, list(got.matches), qualifiers + list(got.qualifiers) + [rest.strip().lower()])
    if (m := re.match(r"(.+?)\s+of\s+(?:the\s+)?(\S.*)$", bare, re.I)) and " and " not in m[1]:  # "Basal Cell Carcinoma of the Head and Neck"
        if found := _lookup(m[1], "head"):
            if site := _site_of(m[2].split(), found):  # "Squamous Cell Carcinoma of the Esophagus": the site too
                return _answer(text, _narrowest([site[0], found]), qualifiers + site[1])
            return _answer(text, [found], qualifiers)
    parts = [p for p in re.split(r"\s+and/or\s+|\s*/\s*|\s+or\s+|\s*;\s*|\s+and\s+|\s*,\s*", bare) if p.strip()]
    if len(parts) > 1 and (shared := _distributed(parts)) != parts:  # each part a disease by name ("Atypical Teratoid/
        each = [_resolve(p, context) for p in shared]                  # Rhabdoid Tumor" is no teratoma)
        if all(e.status == "resolved" and e.matches[0].method in _BY_NAME | {"rewrite"} for e in each):
            matches = _broadest(list({m.id: m for e in each for m in e.matches}.values()))
            return _answer(text, matches, qualifiers + [q for e in each for q in e.qualifiers])
    if len(parts) > 1:  # "Gastric Cancer/Gastroesophageal Junction Cancer", "Thymoma and Thymic Carcinoma": every part resolves
        each = [_resolve(p, context) for p in parts]
        if all(e.status == "resolved" for e in each):
            matches = _broadest(list({m.id: m for e in each for m in e.matches}.values()))
            return _answer(text, matches, qualifiers + [q for e in each for q in e.qualifiers])
    words = [] if re.search(r"[,;&]|\s\+\s|\band\b", bare, re.I) else _MARKER_ABBREVIATION.sub(r"\1 \2", stripped or bare).split()
    for k in range(1, len(words)):  # the head of the phrase: "Microsatellite-stable Colorectal Cancer" -> colorectal cancer
        head = words[k:]
        generic = len(head) == 1 and _word(fold(head[0])) in _GENERIC | _CANCER_HEADS
        if generic and (ab := _abbreviation(" ".join(words[:k]), context)) and ab[0] == "resolved":  # "HIV-1 Infection"
            said = [] if _word(fold(head[0])) in _NO_STATE else [head[0].lower()]  # "CRC Recurrence": kept
            return _answer(text, [_as_head(m) for m in ab[1]], qualifiers + said)
        if len(head) == 1 and _word(fold(head[0])) in _CANCER_HEADS and (named := _lookup(" ".join(words[:k]), None)) \
                and named.method in _BY_NAME and named.local_id not in _roots() \
                and any(t.startswith("C04") for t in _descriptors()[1].get(named.local_id, ())):
            return _answer(text, [_as_head(named)], qualifiers)  # "Desmoid Tumor": the neoplasm its modifier names
        if len(head) == 1 and _word(fold(head[0])) in _CANCER_HEADS and (stated := _stated_site(words[:k])):
            return _answer(text, [_as_head(stated[0])], qualifiers + stated[1])
        if len(head) == 1 and _word(fold(head[0])) in _CANCER_HEADS and (found := _lookup(head[0], "head")):
            return _answer(text, [found], qualifiers + [" ".join(words[:k]).lower()])
        if len(head) == 1 and _word(fold(head[0])) in _GENERIC:
            break
        if (found := _lookup(" ".join(head), "head")) and _in_disease_tree(found.local_id):  # not "Birth Weight"
            if site := _site_of(words[:k], found):  # "Gastric Adenocarcinoma": the site's neoplasms and the histology
                return _answer(text, _narrowest([site[0], found]), qualifiers + site[1])
            if cause := _disease_named(" ".join(words[:k]), context):  # "COVID-19 Pneumonia": the cause is a disease too
                return _answer(text, _narrowest([cause, found]), qualifiers)
            return _answer(text, [found], qualifiers + [" ".join(words[:k]).lower()])
        if len(head) == 1 and (ab := _abbreviation(head[0], context)) and ab[0] == "resolved":  # "Clear Cell RCC"
            return _answer(text, [_as_head(m) for m in ab[1]], qualifiers + [" ".join(words[:k]).lower()])
    if depth < 3 and (cut := _without_tail(stripped or bare)) and (got := _resolve(cut[0], context, depth + 1)).status == "resolved":
        return _answer(text, _rephrased(got), qualifiers + list(got.qualifiers) + [cut[1]])
    if (m := re.fullmatch(r"(?P<x>.+?)\s+(?:virus\s+)?infections?", stripped or bare, re.I)) and (found := _lookup(m["x"], "rewrite")):
        if any(t.startswith("C01") for t in _descriptors()[1].get(found.local_id, ())):  # "Chronic Hepatitis C Infection"
            return _answer(text, [found], qualifiers)
    if (m := _LATIN_ADJECTIVE.fullmatch(stripped or bare)) and (found := _lookup(m["x"], "head")) and _in_disease_tree(found.local_id):
        return _answer(text, [found], qualifiers + [m["a"].lower()])  # "Prurigo Nodularis", "Keratosis Pilaris"
    if found := _disorder_named(stripped or bare):  # "Bipolar", "Major Depressive"
        return _answer(text, [found], qualifiers)
    if found := _fuzzy(stripped or bare):
        return _answer(text, [found], qualifiers)
    return _answer(text, [], qualifiers, "unresolved")


# the last word of a phrase that may stand for "... disorder": an adjective ("Bipolar", "Schizoaffective"), not a noun
# that names a state or a thing of its own ("Stress", "Anxiety", "Body Image", "Alcohol Use")
_ADJECTIVE_END = re.compile(r"(?:ar|ive|ic|al|oid|ant|ent|ous|ile)$", re.I)


def _disorder_named(words: str) -> Match[None] | None:
    """The mental disorder a phrase ending in an adjective names without its word "disorder", as psychiatry writes it
    ("Bipolar", "Major Depressive", "Obsessive Compulsive", "Schizoaffective"): the phrase with "Disorder" after it
    names a descriptor of the mental disorders (MeSH F03) by name. A phrase ending in a noun is left alone ("Body
    Image" is no Body Image Disorder, "Tobacco Use" no Tobacco Use Disorder); the common ones that do name their
    disorder are curated variants ("Borderline Personality", "Post-traumatic Stress")."""
    last = words.split()[-1]
    if not _ADJECTIVE_END.search(last) or last.lower().endswith("ment"):  # "Body Image" is no Body Image Disorder
        return None
    _, trees = _descriptors()
    for noun in ("disorder", "disorders"):
        found = _lookup(f"{words} {noun}", "rewrite")
        if found and any(t.startswith("F03") for t in trees.get(found.local_id, ())):
            return found
    return None


# a disease during pregnancy: MeSH indexes the disease and the pregnancy complication of its kind
_IN_PREGNANCY = re.compile(r"^(?:(?P<x>.+?)\s+(?:in|during|complicating)\s+(?:the\s+)?(?:pregnancy|pregnant\s+(?:women|patients|people))"
                           r"|pregnant\s+(?:women|patients|people)\s+with\s+(?P<y>.+))$", re.I)
_PREGNANCY_COMPLICATIONS = (("C01.610", "D015597"), ("C01", "D011251"), ("C04", "D011252"), ("C14", "D011249"),
                            ("C15", "D011250"), ("", "D011248"))  # parasitic, infectious, neoplastic ... or any
# a disease named by a noun and a Latin adjective after it ("Prurigo Nodularis", "Keratosis Pilaris")
_LATIN_ADJECTIVE = re.compile(r"(?P<x>[\w-]+(?:\s[\w-]+)?)\s(?P<a>[a-z]+(?:aris|alis|ilis|osa|osus|ica|icus|atus|ans|ens|"
                              r"iva|ivus|iformis|ulata|ulatus))", re.I)


def _with_pregnancy(matches: list[Match[None]]) -> list[Match[None]]:
    """The matches of a disease stated in pregnancy, with the pregnancy complication of its kind (infectious,
    neoplastic, cardiovascular, hematologic, parasitic, or any) unless one of them is a pregnancy complication."""
    _, trees = _descriptors()
    stated = [t for m in matches for t in trees.get(m.local_id, ())]
    if any(t.startswith("C12.050.703") for t in stated):
        return matches
    kind = next(mesh_id for prefix, mesh_id in _PREGNANCY_COMPLICATIONS if any(t.startswith(prefix) for t in stated))
    return matches + [_match(kind, "rewrite", "pregnancy")]


@lru_cache(maxsize=1)
def _fuzzy_pool() -> dict[tuple[str, int], tuple[str, ...]]:
    """Index keys of 10 letters or more by (first letter, word count): the candidates a misspelling is compared with."""
    keys, _, _, _ = _index()
    pool: dict[tuple[str, int], list[str]] = {}
    for k in keys:
        if len(k) >= 10:
            pool.setdefault((k[0], len(k.split())), []).append(k)
    return {g: tuple(ks) for g, ks in pool.items()}


_ANTONYM_PREFIXES = ("hypo", "hyper", "pre", "post", "peri", "intra", "extra", "inter", "infra", "supra", "sub", "poly", "mono",
                     "endo", "exo", "uni", "bi", "tri", "non", "dys", "an", "a")


def _close_words(a: str, b: str, edits: int) -> bool:
    """Two words one may be a misspelling of the other: equal, or both of 7+ letters, at most ``edits`` edits apart,
    not differing in a prefix that changes the meaning (hypo-/hyper-, pre-/post- ...) or in any digit."""
    if a == b:
        return True
    if len(a) < 7 or len(b) < 7 or re.search(r"\d", a + b) or Levenshtein.distance(a, b) > edits:
        return False
    return not any(a.startswith(p) != b.startswith(p) for p in _ANTONYM_PREFIXES)


def _fuzzy(phrase: str) -> Match[None] | None:
    """A misspelt disease name ("Systemic Lupus Erthematosus", "Brain Metastasases"): the one index key of as many
    words whose every word is the same or a close misspelling (``_close_words``: one edit; two in a word of 10+
    letters beside a word spelt right), and no second descriptor as close."""
    key = _key(phrase)
    words = key.split()
    if len(key) < 10 or not words:
        return None
    keys, _, _, _ = _index()

    def close(candidate: list[str]) -> bool:
        same = sum(a == b for a, b in zip(words, candidate))
        return all(_close_words(a, b, 2 if same and min(len(a), len(b)) >= 10 else 1) for a, b in zip(words, candidate))

    found = {keys[k][0]: k for k in _fuzzy_pool().get((key[0], len(words)), ())
             if abs(len(k) - len(key)) <= 4 and close(k.split())}
    if len(found) != 1:
        return None
    (mesh_id, matched_key), = found.items()
    score = round(SCORES["fuzzy"] * fuzz.ratio(key, matched_key) / 100, 3)
    return replace(_match(mesh_id, "fuzzy", phrase), score=score)


def mesh_name(mesh_id: str) -> str | None:
    """The name of a MeSH descriptor the resolver knows (``D002289`` -> "Carcinoma, Non-Small-Cell Lung"), else None."""
    return _descriptors()[0].get(mesh_id)


def _in_disease_tree(mesh_id: str) -> bool:
    """Whether a descriptor is on the disease tree (C or F03), not one of the other descriptors registries assign."""
    return any(t[0] == "C" or t.startswith("F03") for t in _descriptors()[1].get(mesh_id, ()))


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


def mesh_children(mesh_id: str) -> tuple[tuple[str, str], ...]:
    """The descriptors one level below a MeSH descriptor on the shipped tree: ``((id, name), ...)`` by name."""
    names, trees = _descriptors()
    owner = _tree_owner()
    found = {owner[n] for t in trees.get(mesh_id, ()) for n in _children_of().get(t, ())}
    return tuple(sorted(((c, names.get(c, c)) for c in found - {mesh_id}), key=lambda p: p[1]))


@lru_cache(maxsize=1)
def _children_of() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for number in _tree_owner():
        if "." in number:
            out.setdefault(number.rsplit(".", 1)[0], []).append(number)
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
    for heading in _mapped_to().get(mesh_id, ()):  # a supplementary concept: the descriptors it is mapped to, and theirs
        found.setdefault(heading)
        for a, _ in mesh_ancestors(heading):
            found.setdefault(a)
    return tuple((a, names.get(a, a)) for a in found)
