"""Drug mentions -> canonical drugs, in explicit tiers; every match says how it was made.

Tiers, tried in order for each name (the first that answers wins):

``curated``      the curated table (misspellings, codes missing from UNII, formulation codes)
``exact``        the name as a dictionary has it, ignoring case only
``normalized``   Unicode NFKC, accents, every dash and space variant, ®/™, full-width forms
``code-key``     development codes with separators removed (JS 001 = JS-001 = JS001)
``formulation``  a code with a formulation suffix (JS001sc -> JS001)
``salt-form``    salt, ester, dose, route and dosage-form words removed (lenvatinib mesylate 10 mg capsules)
``radiolabel``   an isotope-labelled drug in another notation (131I-omburtamab = omburtamab I-131; the nuclide
               must match, the carrier by name or drug: ``kg.resolve.radiolabel``)
``record-alias`` names learned from ingested records (intervention ``otherNames``), with the record as evidence
``fuzzy``        edit-distance match, only for word-like names: never for codes, never when digits differ

A mention is first cleaned of descriptors ("Drug:", "PD-1 inhibitor JS-001", "PD-1 antibody (péamplimab)");
if it does not resolve whole it is split into the drugs of a combination ("A combined with B",
"A/B", "A，B or C"). Placebo, standard of care, procedures and drug classes are typed, never linked.
A name that names several drugs is ambiguous: all candidates are returned and none is linked.
Salts and esters resolve to their active moiety (Lenvima -> lenvatinib mesylate -> lenvatinib).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from kg.normalize import code_key, digits, fold, is_code_like
from kg.resolve.dictionary import DrugDictionary, Entry, Substance, load
from kg.resolve.radiolabel import split_label
from kg.resolve.result import Match, Resolution
from kg.resolve.targets import resolve_class
from kg.resources import data_dir

SCORES = {"curated": 1.0, "regimen": 1.0, "exact": 1.0, "normalized": 0.99, "code-key": 0.98, "formulation": 0.95,
          "salt-form": 0.95, "radiolabel": 0.95, "record-alias": 0.9}
FUZZY_CUTOFF = 88.0
FUZZY_MARGIN = 4.0

_PREFIX = re.compile(r"^(drug|biological|combination product|other|genetic|dietary supplement|radiation|procedure)\s*:\s*", re.I)
_DESCRIPTOR = re.compile(  # "PD-1 inhibitor JS-001", "Anti-IgE antibody omalizumab", "recombinant humanized anti-PD-1 mAb X"
    r"^(?:(?:recombinant|humani[sz]ed|fully human|chimeric)\s+)*(?:anti[- ]?)?[a-z0-9]{1,6}(?:-[a-z0-9]{1,4})?(?:\s*/\s*\S+)?"
    r"\s+(?:monoclonal\s+)?(?:antibody|antibodies|inhibitors?|mab|blockers?|agonists?|antagonists?)\s+", re.I)
_DOSE = re.compile(r"\bauc\s*=?\s*\d+(?:\.\d+)?"
                   r"|\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|ug|ml|iu|units?|mg/kg|mg/m2|mg/m²|auc|milligrams?|micrograms?|grams?)"
                   r"(?:\s*/\s*(?:kg|m2|m²|day|d|week))?\b", re.I)
_FORM_WORDS = re.compile(
    r"\b(?:for (?:injection|infusion|(?:oral )?(?:solution|suspension))|injection|injectable|infusion|"
    r"intravenous(?:ly)?|subcutaneous(?:ly)?|intramuscular|oral(?:ly)?|"
    r"tablets?|capsules?|solution|suspension|concentrate|powder|lyophili[sz]ed|film[- ]coated|extended[- ]release|"
    r"sustained[- ]release|dispersible|(?:q\dw)|qd|bid|once daily|twice daily|daily|weekly|iv|sc|po|im|"
    r"(?:nanoparticle )?(?:albumin|protein)[- ](?:bound|stabili[sz]ed)|nanoparticle|liposomal|pegylated|"
    r"adjuvant|neoadjuvant|maintenance|consolidation|single[- ]agent|(?:as )?monotherapy|alone|biosimilars?|"
    r"(?:low|high|standard)[- ]dose|"
    r"mesylate|mesilate|hydrochloride|dihydrochloride|hcl|sulfate|sodium|disodium|potassium|calcium|maleate|tartrate|"
    r"citrate|acetate|phosphate|besylate|tosylate|fumarate|succinate|malate|bromide|chloride|monohydrate|hydrate|"
    r"dimaleate|diarginine|tromethamine|meglumine)\b", re.I)
# Chinese product forms and salts around a generic name ("注射用紫杉醇", "特瑞普利单抗注射液", "甲磺酸阿帕替尼片")
_ZH_FORM = re.compile(r"^(?:注射用|盐酸|二盐酸|甲磺酸|马来酸|苹果酸|硫酸|枸橼酸|富马酸|琥珀酸)|"
                      r"(?:注射液|浓溶液|胶囊|软胶囊|肠溶片|缓释片|分散片|片|颗粒|口服液|混悬液|乳剂|凝胶|（[^）]*）|\([^)]*\))$")
_FORMULATION_SUFFIX = re.compile(r"^(?P<code>.*\d)(?P<suffix>sc|iv|sq|po|im|er|xr)$", re.I)
_SPLIT = re.compile(r"\s*(?:\bcombined with\b|\bin combination with\b|\bfollowed by\b|\bplus\b|\bwith\b|\band\b|\bor\b|\bvs\.?|"
                    r"\bversus\b|[+/,;，、；&])\s*", re.I)
# "PD-1 inhibitor of investigator's choice": the class is named, the drug left to the investigator
_CHOICE = re.compile(r"\s*(?:\(\s*)?(?:(?:of|per|at)\s+(?:the\s+)?)?(?:(?:treating\s+)?(?:investigator|physician|doctor|clinician)(?:'|’)?s?)\s+"
                     r"(?:choice|discretion)\s*\)?\s*$", re.I)
_PAREN = re.compile(r"[(（\[]([^()（）\[\]]*)[)）\]]")


DrugMatch = Match[Substance]
DrugResolution = Resolution[Substance]


def drug_details(m: DrugMatch) -> dict:
    """A drug match's own facts for JSON: its UNII and DrugBank id."""
    return {"unii": m.local_id, "drugbank": m.entity.drugbank if m.entity else None}


def split_names(text: str) -> list[str]:
    """A name, or the names of a list such as ``"CHS-007, TAB001, JS001"`` (for aliases)."""
    parts = [p.strip(" .") for p in re.split(r"\s*[,;，；、]\s*", text) if p.strip(" .")]
    return parts or [text]


@lru_cache(maxsize=1)
def regimens() -> dict[str, tuple[str, ...]]:
    """Folded regimen name -> the INNs of its drugs (``data/aliases/regimens.tsv``)."""
    with open(data_dir("data") / "aliases" / "regimens.tsv", encoding="utf-8") as fh:
        return {fold(row["regimen"]): tuple(row["drugs"].split(";")) for row in csv.DictReader(fh, delimiter="\t")}


@lru_cache(maxsize=1)
def not_drug_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    with open(data_dir("data") / "aliases" / "not-drugs.tsv", encoding="utf-8") as fh:
        return tuple((re.compile(row["pattern"]), row["kind"]) for row in csv.DictReader(fh, delimiter="\t"))


def not_a_drug(text: str) -> str | None:
    """``Comparator``, ``Procedure`` or ``DrugClass`` for a mention that names no drug."""
    key = fold(text).strip(" .")
    for pattern, kind in not_drug_patterns():
        if pattern.search(key):
            return kind
    return None


class Learned(Mapping[str, tuple[str, str]]):
    """The aliases a store's records taught (folded alias -> (UNII, evidence)), read on first use: reading them scans
    every document's labels (1.8 s at 100k studies), and a name the dictionary answers never needs them."""

    def __init__(self, read: Callable[[], dict[str, tuple[str, str]]]) -> None:
        self._read = read
        self._aliases: dict[str, tuple[str, str]] | None = None

    def _all(self) -> dict[str, tuple[str, str]]:
        if self._aliases is None:
            self._aliases = self._read()
        return self._aliases

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@dataclass
class DrugResolver:
    """Resolve mentions with the shipped dictionary, plus aliases learned from records (a dict, or ``Learned``)."""

    dictionary: DrugDictionary = field(default_factory=load)
    learned: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # folded alias -> (unii, evidence)

    # -- one name ----------------------------------------------------------------------------
    def _matches(self, entries: list[Entry], method: str, matched: str, score: float | None = None) -> list[DrugMatch]:
        """Entries under one key -> matches: the best kind wins; different moieties left are candidates."""
        if not entries:
            return []
        best = min(e.rank for e in entries)
        out: dict[str, Match] = {}
        for e in entries:
            if e.rank != best:
                continue
            s = self.dictionary.canonical(e.unii)
            label = s.name.lower() if s.name.isupper() else s.name
            misspelt = self.dictionary.curated.get(fold(matched)) == "misspelling"
            out.setdefault(s.unii, Match(id=f"unii:{s.unii}", label=label, method=method, score=score or SCORES[method],
                                         matched=matched, entity=s, flags=frozenset({"misspelling"}) if misspelt else frozenset()))
        return list(out.values())

    def _name(self, name: str) -> list[DrugMatch]:
        """All tiers for one name (no splitting)."""
        name = name.strip(" .-:;'\"")
        if not name:
            return []
        d = self.dictionary
        key = fold(name)
        entries = d.lookup_name(key)
        if entries:
            if key in d.curated:
                return self._matches([e for e in entries if e.kind == "curated"] or entries, "curated", name)
            return self._matches(entries, "exact" if name.casefold() == key else "normalized", name)
        if is_code_like(name):
            if found := d.lookup_code(code_key(name)):
                return self._matches(found, "code-key", name)
            if (m := _FORMULATION_SUFFIX.match(code_key(name))) and (found := d.lookup_code(m["code"])):
                return self._matches(found, "formulation", name)
        stripped = _ZH_FORM.sub("", " ".join(_FORM_WORDS.sub(" ", _DOSE.sub(" ", name)).split()).strip(" ,.-"))
        if stripped and stripped != name:
            if found := d.lookup_name(fold(stripped)):
                return self._matches(found, "salt-form", name)
            if is_code_like(stripped) and (found := d.lookup_code(code_key(stripped))):
                return self._matches(found, "salt-form", name)
        if found := self._labelled(name):
            return self._matches(found, "radiolabel", name)
        if key in self.learned:
            unii, _ = self.learned[key]
            return self._matches([Entry(unii, "cn", 4)], "record-alias", name)
        return self._fuzzy(name, key)

    def _labelled(self, name: str) -> list[Entry]:
        """An isotope-labelled drug in another notation ("131I-omburtamab" = OMBURTAMAB I-131): the same nuclide
        and the same carrier, by its name or, spelled otherwise, by the one drug it resolves to."""
        if not (label := split_label(name)):
            return []
        if found := self.dictionary.lookup_labelled(label.nuclide, label.carrier):
            return found
        carriers = {m.local_id for m in self._name(label.carrier)}
        return self.dictionary.lookup_labelled(label.nuclide, f"unii:{carriers.pop()}") if len(carriers) == 1 else []

    def _fuzzy(self, name: str, key: str) -> list[DrugMatch]:
        """Edit distance, only for word-like names of 6+ letters; the best must be unique and clear."""
        if len(key) < 6 or not key.replace(" ", "").isalpha() or digits(name):
            return []
        pool = sorted(k for n in range(len(key) - 3, len(key) + 4) for k in self.dictionary.fuzzy.get((key[0], n), ()))
        if not pool:
            return []
        found = process.extract(key, pool, scorer=fuzz.ratio, limit=3, score_cutoff=FUZZY_CUTOFF)
        if not found:
            return []
        best_key, best, _ = found[0]
        candidates = self._matches(self.dictionary.lookup_name(best_key), "fuzzy", name, round(best / 100, 3))
        others = [f for f in found[1:] if best - f[1] < FUZZY_MARGIN]
        for other_key, score, _ in others:  # a close second to another drug: ambiguous
            candidates += [m for m in self._matches(self.dictionary.lookup_name(other_key), "fuzzy", name, round(score / 100, 3))
                           if m.local_id not in {c.local_id for c in candidates}]
        return candidates

    # -- a mention ---------------------------------------------------------------------------
    def _clean(self, text: str) -> str:
        """Without a type prefix ("Drug:") or a leading descriptor ("PD-1 inhibitor JS-001")."""
        text = _PREFIX.sub("", text.strip())
        if _DESCRIPTOR.match(text) and not self._name(text):
            return _DESCRIPTOR.sub("", text).strip() or text
        return text

    def _names(self, text: str) -> list[DrugMatch]:
        """Drug matches for one part: the name, else its name and the names in its parentheses
        taken as alternatives ("Toripalimab(JS001)", "PD-1 antibody (péamplimab)")."""
        text = self._clean(text)
        if found := self._name(text):
            return found
        inner = [p for p in _PAREN.findall(text) if p.strip()]
        outer = _PAREN.sub(" ", text).strip()
        # an acronym in parentheses ("(PE)", "(SLIT)") is too short to name a drug on its own
        alternatives = ([self._clean(outer)] if outer else []) + [self._clean(p) for p in inner
                                                                     if is_code_like(p) or len(p.strip()) >= 5]
        found_by_unii = {m.local_id: m for p in alternatives if p != text for m in self._name(p)}
        return list(found_by_unii.values())

    def _part(self, part: str) -> list[tuple[list[DrugMatch], str | None]]:
        """One part of a mention: its not-a-drug kind (the curated table wins), a regimen's drugs,
        or its matches. A list of (matches, kind), one per drug the part names."""
        if kind := not_a_drug(_PREFIX.sub("", part)):
            return [([], kind)]
        clean = self._clean(part)
        bare = " ".join(_FORM_WORDS.sub(" ", _DOSE.sub(" ", clean)).split()).strip(" ,.-")  # "S-1 capsules 40 mg"
        if drugs := regimens().get(fold(clean)) or regimens().get(fold(bare)):
            return [([replace(m, method="regimen", score=SCORES["regimen"], matched=part) for m in self._name(d)], None)
                    for d in drugs]
        return [(self._names(part), None)]

    def resolve(self, text: str) -> DrugResolution:
        """Resolve one mention (an intervention name, an alias, a phrase naming a combination); a mention that
        names a drug class as a whole ("anti-PD-1 antibody", "EGFR-TKI") has status ``class``, with its members."""
        if (found := resolve_class(_CHOICE.sub("", _PREFIX.sub("", text.strip())))) and not self._name(text):
            members = sorted((m for unii in found.members for m in self._matches([Entry(unii, "of", 0)], "class", found.label, 1.0)),
                             key=lambda m: m.label)
            named = Match(f"class:{found.id}", found.label, "class", 1.0, text, found.source, found)
            return Resolution(text, "class", tuple(members), kinds=("DrugClass",), named_class=named)
        bare = _PAREN.sub(lambda m: " " if _DOSE.search(m[1]) or _FORM_WORDS.search(m[1]) else m[0], text)
        parts = [p for p in _SPLIT.split(_PREFIX.sub("", bare)) if p and p.strip(" .")]
        if len(parts) > 1 and not self._name(self._clean(text)):
            return self._answer(text, [r for part in parts for r in self._part(part)])
        return self._answer(text, self._part(text))

    @staticmethod
    def _answer(text: str, results: list[tuple[list[DrugMatch], str | None]]) -> DrugResolution:
        groups = [found for found, _ in results if found]
        kinds = [kind for found, kind in results if not found and kind]
        if any(len(g) > 1 for g in groups):
            candidates = {m.local_id: m for g in groups for m in g}
            return Resolution(text, "ambiguous", tuple(candidates.values()), kinds=tuple(kinds))
        matches = {g[0].local_id: g[0] for g in groups}
        if matches:
            return Resolution(text, "resolved", tuple(matches.values()), kinds=tuple(kinds))
        if kinds:
            return Resolution(text, "not_a_drug", kinds=tuple(kinds))
        return Resolution(text, "unresolved")
