"""The drug dictionary: the shipped FDA UNII names (``data/drugs``) and the curated table
(``data/aliases/drug-aliases.tsv``), indexed by normalized name and by code key.

Built once per data version and cached (pickle in ``$XDG_CACHE_HOME/trialkg``), so a process
loads it in a fraction of a second; nothing is fetched from the network.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path

from kg.normalize import code_key, fold, is_code_like
from kg.resolve import cache
from kg.resolve import radiolabel
from kg.resources import data_dir

# Kinds of names, in the order that wins when a key names several substances:
# curated > official > brand > code > common.
KINDS = ("curated", "of", "bn", "cd", "cn")
CACHE_VERSION = 6


@dataclass(frozen=True, slots=True)
class Substance:
    unii: str
    name: str  # display name (the INN where there is one)
    moiety: str | None  # the active moiety's UNII for a salt or ester
    drugbank: str | None

    @property
    def label(self) -> str:
        """The name as the graph labels the drug: lower case where the dictionary writes it in capitals."""
        return self.name.lower() if self.name.isupper() else self.name


@dataclass(frozen=True, slots=True)
class Entry:
    """One name of one substance, as found under a key."""

    unii: str
    kind: str  # one of KINDS
    rank: int  # position of kind in KINDS (lower wins)


@dataclass
class DrugDictionary:
    """Names packed as ints (substance index << 3 | kind) so the index loads fast and stays small."""

    uniis: list[str] = field(default_factory=list)
    display: list[str] = field(default_factory=list)
    moiety: list[int] = field(default_factory=list)  # index of the moiety, or -1
    drugbank: list[str] = field(default_factory=list)
    by_name: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_code: dict[str, tuple[int, ...]] = field(default_factory=dict)
    fuzzy: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)  # (first letter, length) -> INN-like keys
    curated: dict[str, str] = field(default_factory=dict)  # folded curated alias -> its kind (misspelling ...)
    # labelled drugs: "nuclide|carrier" and "nuclide|unii:<the carrier's drug>" -> names (kg.resolve.radiolabel)
    labelled: dict[str, tuple[int, ...]] = field(default_factory=dict)
    version: str = ""

    def entries(self, packed: tuple[int, ...]) -> list[Entry]:
        return [Entry(self.uniis[v >> 3], KINDS[v & 7], v & 7) for v in packed]

    def lookup_name(self, key: str) -> list[Entry]:
        return self.entries(self.by_name.get(key, ()))

    def lookup_code(self, key: str) -> list[Entry]:
        return self.entries(self.by_code.get(key, ()))

    def lookup_labelled(self, nuclide: str, carrier: str) -> list[Entry]:
        """The labelled drugs of a nuclide and a carrier (its folded name, or ``unii:`` and its drug's UNII)."""
        return self.entries(self.labelled.get(f"{nuclide}|{carrier}", ()))

    def substance(self, unii: str) -> Substance:
        i = self._index()[unii]
        m = self.moiety[i]
        return Substance(unii, self.display[i], self.uniis[m] if m >= 0 else None, self.drugbank[i] or None)

    def canonical(self, unii: str) -> Substance:
        """The substance a UNII stands for, salts and esters taken to their active moiety."""
        s = self.substance(unii)
        return self.substance(s.moiety) if s.moiety else s

    def _index(self) -> dict[str, int]:
        if not hasattr(self, "_unii_index"):
            self._unii_index = {u: i for i, u in enumerate(self.uniis)}
        return self._unii_index


def _files() -> list[Path]:
    return [data_dir("data") / "drugs" / "unii-names.tsv.gz", data_dir("data") / "drugs" / "substances.tsv.gz",
            data_dir("data") / "aliases" / "drug-aliases.tsv"]


def _version() -> str:
    """The index's version: its files, the code that reads labelled names, and the format."""
    return cache.digest([*_files(), data_dir("data") / "drugs" / "radionuclides.tsv", Path(radiolabel.__file__)],
                        str(CACHE_VERSION))


def build(progress: Callable[[int, int], None] | None = None) -> DrugDictionary:
    """Index the shipped files (about half a minute); ``progress(done, total)`` in bytes of the names file."""
    names, substances, curated = _files()
    d = DrugDictionary()
    index: dict[str, int] = {}
    moieties: list[str] = []
    with gzip.open(substances, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            index[row["unii"]] = len(d.uniis)
            d.uniis.append(row["unii"])
            d.display.append(row["display_name"])
            d.drugbank.append(row["drugbank_id"])
            moieties.append(row["moiety_unii"])
    d.moiety = [index.get(m, -1) if m else -1 for m in moieties]
    by_name: dict[str, set[int]] = defaultdict(set)
    by_code: dict[str, set[int]] = defaultdict(set)
    fuzzy: dict[tuple[str, int], set[str]] = defaultdict(set)
    labelled: dict[str, set[int]] = defaultdict(set)

    def add(unii: str, kind: str, name: str) -> None:
        if unii not in index:
            return
        packed = index[unii] << 3 | KINDS.index(kind)
        key = fold(name)
        by_name[key].add(packed)
        if is_code_like(name):
            by_code[code_key(name)].add(packed)
        elif kind in ("of", "curated") and len(key) >= 7 and key.isalpha():  # INN-like names only
            fuzzy[key[0], len(key)].add(key)
        if label := radiolabel.split_label(name):
            labelled[f"{label.nuclide}|{label.carrier}"].add(packed)

    total = names.stat().st_size
    with open(names, "rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        next(fh)
        for n, line in enumerate(fh):
            unii, kind, name = line.rstrip("\n").split("\t")
            add(unii, kind, name)
            if progress and not n % 20000:
                progress(raw.tell(), total)
    if progress:
        progress(total, total)
    with open(curated, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(row["unii"], "curated", row["alias"])
            d.curated[fold(row["alias"])] = row["kind"]
    _label_by_carrier_drug(d, labelled, by_name, by_code)
    d.labelled = {k: tuple(sorted(v)) for k, v in labelled.items()}
    d.by_name = {k: tuple(sorted(v)) for k, v in by_name.items()}
    d.by_code = {k: tuple(sorted(v)) for k, v in by_code.items()}
    d.fuzzy = {k: tuple(sorted(v)) for k, v in fuzzy.items()}
    d.version = _version()
    return d


def _label_by_carrier_drug(d: DrugDictionary, labelled: dict[str, set[int]], by_name: dict[str, set[int]],
                           by_code: dict[str, set[int]]) -> None:
    """Key each labelled name also by its carrier's drug, where the carrier's name names one drug
    ("LUTETIUM LU 177 VIPIVOTIDE TETRAXETAN" under Lu-177 and vipivotide tetraxetan, whose code is PSMA-617)."""
    for key, packed in list(labelled.items()):
        nuclide, carrier = key.split("|", 1)
        found = by_name.get(carrier) or (by_code.get(code_key(carrier)) if is_code_like(carrier) else None) or ()
        drugs = {d.moiety[v >> 3] if d.moiety[v >> 3] >= 0 else v >> 3 for v in found}
        if len(drugs) == 1:
            labelled[f"{nuclide}|unii:{d.uniis[drugs.pop()]}"] |= packed


def is_cached() -> bool:
    """Whether ``load()`` will read the index from the cache (else it builds it: the one-time work)."""
    return _LOADED is not None or cache.path_of("drug-dictionary", _version()).is_file()


_LOADED: DrugDictionary | None = None


def load(progress: Callable[[int, int], None] | None = None) -> DrugDictionary:
    """The dictionary, from the cache when it matches the shipped files, else built (``progress`` told how
    far) and cached; loaded once per process."""
    global _LOADED
    if _LOADED is None:
        _LOADED = _load(progress)
    return _LOADED


def _load(progress: Callable[[int, int], None] | None) -> DrugDictionary:
    return cache.load_or_build("drug-dictionary", _version(), lambda: build(progress), DrugDictionary)


def names_of(dictionary: DrugDictionary, uniis: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Every shipped name of the given canonical drugs, their salts' names included: unii -> [(kind, name)].

    Read from the shipped file on demand (the in-memory index keeps keys, not names).
    """
    out: dict[str, list[tuple[str, str]]] = {u: [] for u in uniis}
    names, _, curated = _files()
    canonical_of: dict[str, str | None] = {}  # a UNII's canonical drug, looked up once (its names are many lines)
    with gzip.open(names, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            unii, kind, name = line.rstrip("\n").split("\t")
            if unii not in canonical_of:
                try:
                    canonical_of[unii] = dictionary.canonical(unii).unii
                except KeyError:
                    canonical_of[unii] = None
            canonical = canonical_of[unii]
            if canonical in out:
                out[canonical].append((kind, name))
    with open(curated, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["unii"] in out:
                out[row["unii"]].append((row["kind"], row["alias"]))
    return out
