"""Isotope-labelled drugs in any of the field's notations, split into their nuclide and their carrier.

Registries write one labelled drug many ways: ``131I-omburtamab``, ``[177Lu]Lu-PSMA-617``, ``Lutetium
oxodotreotide (177Lu)``, ``I-131 MIBG``, ``iodine-131 omburtamab``, ``90-Yttrium ...``; the FDA UNII list writes
``OMBURTAMAB I-131``, ``LUTETIUM LU 177 VIPIVOTIDE TETRAXETAN``, ``GALLIUM (68GA) DOTATATE``. Each splits into a
nuclide (``I-131``) and the rest, the carrier (``omburtamab``), so a mention and a dictionary name meet on
(nuclide, carrier), or on (nuclide, the carrier's drug) where the carrier is spelled differently (PSMA-617 and
vipivotide tetraxetan are one drug). The nuclide must match exactly: I-125 is not I-131, and a labelled drug is
never its unlabelled carrier. Only the nuclides of ``data/drugs/radionuclides.tsv`` are read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.normalize import fold
from kg.resources import data_dir

_LABELLED_WORDS = re.compile(r"\b(?:radio-?)?label(?:l)?ed\b|\bradioconjugate\b", re.I)


@dataclass(frozen=True, slots=True)
class Label:
    nuclide: str  # "I-131", as the table writes it
    carrier: str  # the rest of the name, folded: "omburtamab"


@dataclass(frozen=True)
class _Table:
    nuclides: dict[tuple[str, str], str]  # (symbol, mass), lower case -> nuclide
    elements: dict[str, str]  # element name -> symbol, lower case
    pattern: re.Pattern


@lru_cache(maxsize=1)
def _table() -> _Table:
    with open(data_dir("data") / "drugs" / "radionuclides.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    nuclides = {(r["symbol"].lower(), r["mass"].lower()): r["nuclide"] for r in rows}
    elements = {r["element"].lower(): r["symbol"].lower() for r in rows}
    sym = "|".join(sorted({s for s, _ in nuclides}, key=len, reverse=True))
    el = "|".join(sorted(elements, key=len, reverse=True))
    mass = "|".join(sorted({m for _, m in nuclides}, key=len, reverse=True))
    edge = r"(?<![a-z0-9])"
    pattern = re.compile(
        rf"{edge}(?P<e2>{el})\s*-?\s*\(?\s*(?:(?P<s2>{sym})\s*-?\s*)?(?P<m2>{mass})\s*(?:\)|(?![a-z0-9]))"  # iodine-131, lutetium lu 177
        rf"|{edge}(?P<m3>{mass})\s*-?\s*(?P<e3>{el})(?![a-z])"  # 90-yttrium
        rf"|{edge}[\[(^]?\s*(?P<m1>{mass})\s*-?\s*(?P<s1>{sym})\s*(?:[\])]|(?![a-z0-9]))"  # 131i, [177lu], (68ga), 99mtc
        rf"|{edge}\(?(?P<s4>{sym})\s*-?\s*(?P<m4>{mass})(?:\)|(?![a-z0-9]))")  # i-131, lu 177, ga68
    return _Table(nuclides, elements, pattern)


def _nuclide(t: _Table, m: re.Match) -> tuple[str, str] | None:
    """(nuclide, symbol) of a match, or None where the symbol, element and mass name no listed nuclide."""
    symbol = m["s1"] or m["s2"] or m["s4"] or t.elements.get(m["e2"] or m["e3"] or "", "")
    if (m["e2"] or m["e3"]) and m["s2"] and t.elements[m["e2"]] != m["s2"]:
        return None  # "lutetium Y 90"
    mass = m["m1"] or m["m2"] or m["m3"] or m["m4"]
    nuclide = t.nuclides.get((symbol, mass))
    return (nuclide, symbol) if nuclide else None


def split_label(name: str) -> Label | None:
    """The nuclide and the carrier of a labelled drug's name, or None (no nuclide, two nuclides); a nuclide named
    alone ("I-131", "Xenon-133") has its element as carrier, as the dictionary's "IODINE I-131" has."""
    if not any(c.isdigit() for c in name):
        return None
    t = _table()
    text = fold(name)
    found = [(m, n) for m in t.pattern.finditer(text) if (n := _nuclide(t, m))]
    if len({n for _, (n, _) in found}) != 1:
        return None
    m, (nuclide, symbol) = found[0]
    rest = text[m.end():]
    rest = re.sub(rf"^\s*-?\s*{symbol}\s*(?:-(?=\w)|\)\s*)", "", rest)  # "[177lu]lu-psma-617", "yttrium (90-y) x"
    carrier = text[:m.start()] + " " + rest
    element = next(e for e, s in t.elements.items() if s == symbol)
    carrier = re.sub(rf"\b{element}\b", " ", carrier, count=1)
    carrier = _LABELLED_WORDS.sub(" ", carrier)
    carrier = re.sub(r"[(\[]\s*[)\]]", " ", carrier)
    carrier = " ".join(carrier.split()).strip(" -,;:/")
    return Label(nuclide, carrier or element)  # "Xenon Xe 133", "133Xe": the nuclide itself
