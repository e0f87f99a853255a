"""Interventions -> drug links for the graph builder (a ``kg.resolve.result.Resolver``).

An intervention typed as a procedure, radiation, device, behavioural or diagnostic intervention is
not looked up as a drug. Otherwise its name is resolved; when the name gives no drug, its other
names are tried together (a consistent single drug links; a list naming several is a combination
listed as aliases, and links none).
"""

from __future__ import annotations

import re

from kg import iris
from kg.sources.model import Intervention
from kg.normalize import fold, is_code_like
from kg.resolve.targets import class_in
from kg.resolve.drugs import DrugResolution, DrugResolver, not_a_drug, split_names
from kg.resolve.result import ClassLink, DrugLink

_NOT_DRUG_TYPES = {"PROCEDURE": "Procedure", "RADIATION": "Procedure", "DEVICE": None, "BEHAVIORAL": None,
                   "DIAGNOSTIC_TEST": "Procedure"}
_KIND_ORDER = ("DrugClass", "Comparator", "Procedure")
# tiers whose matched text is itself a name of the drug (a fuzzy match is a misspelling: a hidden label)
_NAME_TIERS = frozenset({"curated", "exact", "normalized", "code-key", "formulation", "record-alias", "fuzzy"})


def _named_class(item: Intervention) -> ClassLink | None:
    """The drug class an intervention names (its name first, then its other names), when it names no drug."""
    for text in (item.name, *item.other_names):
        if found := class_in(text):
            return ClassLink(class_iri=iris.drug_class(found.id), label=found.label, matched=text)
    return None


def links(result: DrugResolution, aliases: tuple[tuple[str, bool], ...] = ()) -> list[DrugLink]:
    """Graph links for a resolved mention (none for ambiguous or unresolved ones)."""
    if result.status != "resolved":
        return []
    single = len(result.matches) == 1
    return [DrugLink(drug_iri=iris.drug(unii=m.local_id), label=m.label, method=m.method, score=m.score, matched=m.matched,
                     unii=m.local_id, misspelling="misspelling" in m.flags, aliases=aliases if single else ()) for m in result.matches]


class InterventionLinker:
    """Callable used by ``kg.build``: intervention -> (drug links, not-a-drug kind)."""

    def __init__(self, resolver: DrugResolver | None = None) -> None:
        self.resolver = resolver or DrugResolver()

    def __call__(self, item: Intervention) -> tuple[list[DrugLink], str | None, ClassLink | None]:
        if item.type in _NOT_DRUG_TYPES:
            return [], _NOT_DRUG_TYPES[item.type], None
        result = self.resolver.resolve(item.name)
        if result.status == "unresolved" and item.other_names:
            by_others = [self.resolver.resolve(o) for o in item.other_names]
            drugs = {m.local_id for r in by_others if r.status == "resolved" for m in r.matches}
            if len(drugs) == 1:
                result = next(r for r in by_others if r.status == "resolved")
        found = links(result, self._aliases(item, result))
        kind = None
        if not found and result.kinds:
            kind = next(k for k in _KIND_ORDER if k in result.kinds)
        return found, kind, None if found else _named_class(item)

    def _aliases(self, item: Intervention, result: DrugResolution) -> tuple[tuple[str, bool], ...]:
        """Spellings the record gives one drug: the part of its name and other names (lists split) that
        matched that drug, and other names that resolve to nothing (learned from this record); never a
        phrase with a placebo or a procedure in it, never a name of another drug."""
        if result.status != "resolved" or len(result.matches) != 1:
            return ()
        drug = result.matches[0]
        out: dict[str, bool] = {}
        for text in (item.name, *item.other_names):
            for spelling in split_names(text):
                r = self.resolver.resolve(spelling)
                if r.kinds:
                    continue
                if r.status == "resolved" and [m.local_id for m in r.matches] == [drug.local_id]:
                    match = r.matches[0]
                    if match.method not in _NAME_TIERS:
                        continue  # "Penpulimab injection" names a product form, not another name of the drug
                    alias, misspelt = match.matched, "misspelling" in match.flags or match.method == "fuzzy"
                elif r.status == "unresolved" and text in item.other_names and learnable(spelling):
                    alias, misspelt = spelling, False
                else:
                    continue
                if fold(alias) != fold(drug.label):
                    out.setdefault(alias, misspelt)
        return tuple(sorted(out.items()))


_PLACEHOLDER_NAME = re.compile(r"^(no|none|nil|n/?a|na|not applicable|not available|other|others|unknown|tbd|"
                               r"experimental|investigational|study drug|control|active|standard|test|-+)"
                               r"( other)?( names?)?$", re.I)


def learnable(spelling: str) -> bool:
    """Whether a record's other name may become an alias of its drug: a development code (``ADL-018``) or one
    word of five letters or more (a brand); never a placeholder ("No other name"), a target descriptor
    ("anti-TIGIT") or a phrase naming no drug."""
    text = spelling.strip()
    if _PLACEHOLDER_NAME.match(text) or re.match(r"(?i)^anti[- ]", text) or not_a_drug(text):
        return False
    return is_code_like(text) or (len(text.split()) == 1 and len(re.sub(r"[^A-Za-z]", "", text)) >= 5)
