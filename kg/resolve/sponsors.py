"""Sponsor names: one key per organization however its legal form is written; placeholders flagged.

``'Shanghai Junshi Bioscience Co., Ltd.'`` and ``'Junshi Biosciences'`` are one organization:
legal forms and generic company words are ignored, and for a company (a name with a legal form or
a company word) a leading Chinese province or city name is too. Hospitals and universities keep
their place names (``'Shanghai Pulmonary Hospital'`` is not ``'Pulmonary Hospital'``).
Placeholder names (``'Sponsor GmbH'``) are flagged and never merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import iris
from kg.normalize import fold, org_key
from kg.resources import data_dir

_PLACEHOLDER_KEYS = frozenset({"", "sponsor", "company", "unknown", "n a", "na", "none", "test", "test sponsor",
                               "not applicable", "redacted", "sponsor name", "tbd", "xxx"})
_COMPANY = re.compile(r"\b(co|company|corp|corporation|inc|ltd|limited|llc|plc|gmbh|ag|s\.?a|s\.?p\.?a|pharma\w*|"
                      r"bio\w*|therapeutics|medicines?|laborator\w*|labs?|holdings?|group)\b", re.I)
_INSTITUTION = re.compile(r"\b(hospital|university|college|institute|center|centre|clinic|academy|school|foundation)\b", re.I)


@lru_cache(maxsize=1)
def place_prefixes() -> frozenset[str]:
    path = data_dir("data") / "aliases" / "sponsor-place-prefixes.txt"
    return frozenset(l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#"))


def is_placeholder(name: str) -> bool:
    """True for a stand-in such as ``'Sponsor GmbH'`` or ``'[Redacted]'``: only legal/generic words."""
    key = re.sub(r"[^\w ]+", " ", org_key(name)).strip()
    return " ".join(key.split()) in _PLACEHOLDER_KEYS or not re.search(r"[a-z]", fold(name))


def sponsor_key(name: str) -> str:
    """The organization key of a sponsor name (see the module docstring)."""
    key = org_key(name) or fold(name)
    if _COMPANY.search(name) and not _INSTITUTION.search(name):
        words = key.split()
        places = place_prefixes()
        while len(words) > 1 and words[0] in places:
            words = words[1:]
        key = " ".join(words)
    return key


def organization_iri(name: str) -> str:
    """The IRI of the organisation a sponsor name names (its key: legal form and a company's place prefix ignored)."""
    return iris.organization(sponsor_key(name) or name)


@dataclass(frozen=True, slots=True)
class SponsorMatch:
    id: str
    label: str
    method: str
    score: float

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "method": self.method, "score": self.score}


def resolve_sponsor(name: str) -> dict:
    """``kg resolve --kind sponsor``: the organization key, or a flag for a placeholder."""
    if is_placeholder(name):
        return {"text": name, "status": "unresolved", "placeholder": True, "matches": []}
    key = sponsor_key(name)
    method = "legal-form-key" if key != fold(name) else "normalized"
    return {"text": name, "status": "resolved", "placeholder": False,
            "matches": [SponsorMatch(id=f"org:{key}", label=name, method=method, score=1.0).to_dict()]}
