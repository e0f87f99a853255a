"""Why a trial stopped (the registry's free text) -> reason classes, by the rule table
``data/trials/stop-reasons.tsv`` (negations removed first; several classes may hold; none: ``OTHER``)."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.resources import data_dir, read_tsv

CLASSES = ("INSUFFICIENT_ENROLLMENT", "EFFICACY_FUTILITY", "SAFETY", "BUSINESS_STRATEGIC", "FUNDING", "COVID19",
           "STUDY_DESIGN", "OTHER")


@lru_cache(maxsize=1)
def rules() -> tuple[tuple[str, re.Pattern], ...]:
    """(class or "-", pattern) rows of the table, in its order."""
    rows = read_tsv(data_dir("data") / "trials" / "stop-reasons.tsv")
    return tuple((row["class"], re.compile(row["pattern"])) for row in rows)


def stop_reasons(text: str | None) -> tuple[str, ...]:
    """The reason classes a why-stopped text gives, in the order of ``CLASSES``; empty for no text."""
    if not text or not text.strip():
        return ()
    plain = " ".join(text.lower().split())
    for kind, pattern in rules():
        if kind == "-":
            plain = pattern.sub(" ", plain)
    found = {kind for kind, pattern in rules() if kind != "-" and pattern.search(plain)}
    return tuple(c for c in CLASSES if c in found) or ("OTHER",)
