"""Trial registry identifiers: which registry an id belongs to, and the one form it is written in.

The registries and the form of their ids are data (``data/trials/registries.tsv``); this module reads
them. An id is written in WHO ICTRP's TrialID form (``NCT04089566``, ``EUCTR2019-002663-10``,
``CTIS2023-508143-51-01``, ``ISRCTN12949496``, ``ChiCTR2000029308``), so the same trial registered once
is one id however a record or page spelled it (``EudraCT number: 2019-002663-10-ES``, ``ISRCTN 12949496``).
A EudraCT number's member-state suffix (``-ES``) names the national record, not another trial: it is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kg.resources import data_dir, read_tsv


@dataclass(frozen=True, slots=True)
class Registry:
    """One trial registry of ``data/trials/registries.tsv``."""

    key: str  # NCT, EUCTR, CTIS, ISRCTN, ChiCTR ...
    name: str
    pattern: re.Pattern[str]
    canonical: str  # the ICTRP form, ``{n}`` standing for the number
    bioregistry: str | None  # the bioregistry.io prefix, where known
    day_first: bool = False  # its pages write dates as dd/mm/yyyy

    def write(self, number: str) -> str:
        """The id in ICTRP form from its number (``write("12949496")`` -> ``ISRCTN12949496``)."""
        return self.canonical.format(n=number)


@dataclass(frozen=True, slots=True)
class RegistryId:
    """A trial id found in text: its registry and the id in ICTRP form."""

    registry: Registry
    id: str

    @property
    def number(self) -> str:
        """The id without the registry's prefix (the EudraCT or EU CT number itself, ``12949496``)."""
        found = self.registry.pattern.search(self.id)
        return found["n"] if found else self.id


@lru_cache(maxsize=1)
def registries() -> tuple[Registry, ...]:
    """Every registry, in the table's order (the more specific forms first)."""
    return tuple(Registry(row["registry"], row["name"], re.compile(row["pattern"], re.IGNORECASE), row["canonical"],
                          row["bioregistry"] or None, row["dates"] == "day-first")
                 for row in read_tsv(data_dir("data") / "trials" / "registries.tsv"))


def registry(key: str) -> Registry:
    """The registry ``key`` (``"ISRCTN"``); ``KeyError`` for one the table lacks."""
    for r in registries():
        if r.key == key:
            return r
    raise KeyError(f"no trial registry {key!r} in data/trials/registries.tsv")


def find_ids(text: str | None) -> tuple[RegistryId, ...]:
    """Every registry id in ``text``, in ICTRP form, each once, in the order they first appear. Where two forms match
    the same characters the table's earlier one wins (a CTIS number is not also read as a EudraCT one)."""
    if not text:
        return ()
    matches = sorted((m.start(), rank, m.end(), r, m["n"]) for rank, r in enumerate(registries())
                     for m in r.pattern.finditer(text))
    seen: dict[str, RegistryId] = {}
    end = -1
    for start, _, stop, r, number in matches:
        if start < end:
            continue
        end = stop
        rid = RegistryId(r, r.write(_number(r, number)))
        seen.setdefault(rid.id, rid)
    return tuple(seen.values())


def parse_id(text: str | None) -> RegistryId | None:
    """The registry id ``text`` is (nothing else around it but spaces and punctuation), else None."""
    found = find_ids(text)
    if len(found) != 1:
        return None
    rest = found[0].registry.pattern.sub("", text or "", count=1)
    return found[0] if not re.search(r"[0-9A-Za-z]", rest) else None


def registry_ids(texts: Iterable[str | None]) -> tuple[RegistryId, ...]:
    """The registry ids among ``texts`` (e.g. a record's secondary ids), each once."""
    seen: dict[str, RegistryId] = {}
    for text in texts:
        for rid in find_ids(text):
            seen.setdefault(rid.id, rid)
    return tuple(seen.values())


def _number(r: Registry, number: str) -> str:
    """Registry numbers in the case the registry writes them (``chictr-trc-12002009`` -> ``TRC-12002009``)."""
    return number.lower() if r.key in ("jRCT", "ReBEC") else number.upper()
