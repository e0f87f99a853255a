"""Organisation names to organisations: the curated table of large sponsors, then ROR records, by tiers.

The tiers, each tried against the curated table first and ROR second, stop at the first that answers:

1. ``exact`` — the name as written (case, accents, punctuation and ``&``/``and`` ignored) is a name, alias or label;
2. ``legal-form`` — the same once legal forms ("Co., Ltd.", "Inc.", "GmbH"), parenthesised places or acronyms
   ("(Suzhou)", "(NCI)") and, for a company, a leading Chinese place name are dropped;
3. ``company-key`` — also without industry words ("Biosciences", "Pharmaceuticals"), only when what is left
   is distinctive (a word found in at most a few ROR names: "Junshi" is, "United" is not);
4. ``acronym`` — for sites only, an acronym of one ROR record in the same country and city.

Several candidates are narrowed by the parent rule (ROR files a company's national branches as children of its
head office: "Roche (Spain)" and "Roche (Switzerland)" both answer "Hoffmann-La Roche", the head office is kept)
and then by country; still several is ``ambiguous``, never a guess. Names the curated table lists as ambiguous
("Merck": Merck & Co. or Merck KGaA) are ambiguous whatever ROR says.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pathlib import Path

from kg import iris, normalize
from kg.normalize import fold
from kg.resolve import cache
from kg.resolve.result import Match, Resolution
from kg.resources import data_dir, read_tsv
from kg.sources import vocab

ROR_VERSION = "ROR v2.9 (subset of 48,746 active records)"
CURATED_SOURCE = "data/organizations/organizations.tsv"

_LEGAL = re.compile(r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|kgaa|sa|spa|srl|bv|nv|"
                    r"kk|k k|oy|oyj|ab|as|a s|pty|pte|sas|sarl|kg|lp|llp|ltda|lda|slu|sl|se|gk|bhd|sdn|pvt|private)\b")
_INDUSTRY = re.compile(r"\b(group|holdings?|pharmaceuticals?|pharma|pharmaceutical|biosciences?|biotech|biotechnology|"
                       r"biopharma|biopharmaceuticals?|biologics?|bio|therapeutics|medicines?|medicine|laboratories|labs?|"
                       r"healthcare|life sciences|sciences|technology|technologies|research and development|r and d|r d)\b")
_COMPANY_WORD = re.compile(r"\b(co|company|corp|corporation|inc|ltd|limited|llc|plc|gmbh|ag|pharma\w*|bio\w*|"
                           r"therapeutics|medicines?|laborator\w*|labs?|holdings?|group)\b")
_INSTITUTION = re.compile(r"\b(hospital|university|college|institute|center|centre|clinic|academy|school|foundation)\b")
_DISTINCTIVE_DF = 3  # a word in at most this many ROR names tells an organisation apart


_NON_WORD = re.compile(r"[^\w]+")
_THE_AND = re.compile(r"^the\b|\band\b")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def name_form(name: str) -> str:
    """The name as written, compared without case, accents, punctuation, ``&``/``and`` or a leading "The"."""
    return _form(fold(name))


def _form(folded: str) -> str:
    s = _NON_WORD.sub(" ", folded.replace("&", " and ").replace("centre", "center"))
    return " ".join(_THE_AND.sub(" ", s).split())


def legal_form_key(name: str) -> str:
    """Without legal forms, parenthesised parts, and (for a company) a leading Chinese province or city."""
    raw = fold(name)
    words = _LEGAL.sub(" ", _form(_BRACKETED.sub(" ", raw))).split()
    if _COMPANY_WORD.search(raw) and not _INSTITUTION.search(raw):
        places = _place_prefixes()
        while len(words) > 1 and words[0] in places:
            words = words[1:]
    return " ".join(words)


def without_place_tail(name: str, city: str | None = None) -> tuple[str, str | None]:
    """The name without trailing ", City, Country" parts ("Shanghai Pulmonary Hospital, Shanghai, China"), and the
    country they name: a part is dropped when it is a country, a Chinese province or city of the place list, or the
    site's city."""
    parts = [p.strip() for p in name.split(",")]
    places = _place_prefixes()
    country = None
    while len(parts) > 1:
        code = vocab.country_code(parts[-1])
        if not (code or name_form(parts[-1]) in places or (city and name_form(parts[-1]) == name_form(city))):
            break
        country = country or code or ("CN" if name_form(parts[-1]) in places else None)
        parts.pop()
    return ", ".join(parts), country


def industry_key(key: str) -> str:
    """A legal-form key without industry words ("junshi bioscience" -> "junshi"), or ``""`` when nothing is left."""
    return " ".join(_INDUSTRY.sub(" ", key).split())


@lru_cache(maxsize=1)
def _place_prefixes() -> frozenset[str]:
    path = data_dir("data") / "aliases" / "sponsor-place-prefixes.txt"
    return frozenset(l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#"))


@dataclass(frozen=True, slots=True)
class Organization:
    """One organisation of the curated table or of ROR: ``id`` is ``known:ID`` or ``ror:ID``."""

    id: str
    name: str
    country: str
    city: str
    parents: tuple[str, ...]  # ids of the same form
    ror: str = ""
    source: str = ""
    acronyms: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        scheme, _, local = self.id.partition(":")
        return iris.ror_organization(local) if scheme == "ror" else iris.known_organization(local)


OrgMatch = Match[Organization]
OrgResult = Resolution[Organization]


def _match(org: Organization, method: str, score: float, matched: str) -> OrgMatch:
    return Match(org.id, org.name, method, score, matched, org.source, org)


def organization_of(m: OrgMatch) -> Organization:
    """The organisation of a match from the organisation tables (every such match carries it)."""
    if m.entity is None:
        raise ValueError(f"{m.id}: a match without its organisation")
    return m.entity


_TIER_SCORE = {"exact": 1.0, "legal-form": 0.9, "company-key": 0.85, "acronym": 0.8}


@dataclass
class OrgIndex:
    """Names of the curated organisations and of ROR records, by normal form and tier."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    curated: dict[str, dict[str, set[str]]] = field(default_factory=lambda: {t: {} for t in _TIER_SCORE})
    ror: dict[str, dict[str, set[str]]] = field(default_factory=lambda: {t: {} for t in _TIER_SCORE})
    ambiguous: dict[str, tuple[str, str]] = field(default_factory=dict)  # name form -> (candidate ids, note)
    df: Counter = field(default_factory=Counter)
    version: str = ""

    def ancestors(self, org: Organization) -> list[Organization]:
        """Parents, their parents, ...: nearest first, each once (the parents along ``lineage``)."""
        return list(dict.fromkeys(p for _, p in self.lineage(org) if p.id != org.id))

    def lineage(self, org: Organization) -> list[tuple[Organization, Organization]]:
        """Every (child, parent) edge above ``org``, nearest first."""
        edges: list[tuple[Organization, Organization]] = []
        seen = {org.id}
        todo = [org]
        while todo:
            child = todo.pop(0)
            for pid in child.parents:
                parent = self.orgs.get(pid)
                if parent is None or parent.id == child.id:
                    continue
                edges.append((child, parent))
                if parent.id not in seen:
                    seen.add(parent.id)
                    todo.append(parent)
        return edges

    def _add(self, table: dict[str, dict[str, set[str]]], org_id: str, name: str, acronym: bool = False) -> None:
        if acronym:
            table["acronym"].setdefault(name_form(name), set()).add(org_id)
            return
        table["exact"].setdefault(name_form(name), set()).add(org_id)
        key = legal_form_key(name)
        if key:
            table["legal-form"].setdefault(key, set()).add(org_id)
        ikey = industry_key(key)
        if ikey:
            table["company-key"].setdefault(ikey, set()).add(org_id)

    def distinctive(self, key: str) -> bool:
        """A key with a word found in at most a few ROR names, a company's branches counted once (so "amgen" is,
        and not "united", "cancer", "general")."""
        return any(self.df[w] <= _DISTINCTIVE_DF for w in key.split() if len(w) > 2)

    def resolve(self, name: str, country: str | None = None, city: str | None = None, acronyms: bool = False) -> OrgResult:
        """Resolve ``name`` (``country``: an ISO code that narrows candidates; ``acronyms``: allow the acronym tier,
        which also needs ``city`` to agree)."""
        form = name_form(name)
        if not form:
            return Resolution(name, "unresolved")
        keys = {"exact": form, "legal-form": legal_form_key(name)}
        keys["company-key"] = industry_key(keys["legal-form"])
        keys["acronym"] = form if acronyms and city else ""
        for tier, key in keys.items():
            if not key or (tier == "company-key" and not self.distinctive(key)):
                continue
            for table in (self.curated, self.ror):
                if table is self.ror and tier == "exact" and (form in self.ambiguous or keys["legal-form"] in self.ambiguous):
                    listed, note = self.ambiguous.get(form) or self.ambiguous[keys["legal-form"]]  # unless the curated table knows it
                    cands = tuple(_match(self.orgs[i], "ambiguous", 0.0, name) for i in listed.split("|") if i in self.orgs)
                    return Resolution(name, "ambiguous", cands, note)
                ids = table[tier].get(key)
                if not ids:
                    continue
                chosen = self._narrow(ids, country, city if tier == "acronym" else None, _stated_acronyms(name))
                if len(chosen) == 1:
                    org = self.orgs[chosen[0]] if country else self._head_office(self.orgs[chosen[0]], form)
                    return Resolution(name, "resolved", (_match(org, tier, _TIER_SCORE[tier], key),))
                if not chosen:  # none in the given country or city: no answer from this table
                    continue
                cands = tuple(_match(self.orgs[i], tier, 0.0, key) for i in chosen)
                return Resolution(name, "ambiguous", cands, f"{len(cands)} organisations are called {name!r}")
        if (other := _rephrased(name)) != name:  # "MSD Corp., a subsidiary of Merck & Co., Inc.", "NCI (National Cancer Institute)"
            found = self.resolve(other, country, city, acronyms)
            if found.status == "resolved":
                return _said_otherwise(name, found, "-rephrased")
        shorter, stated_country = without_place_tail(name, city)
        if shorter != name:
            found = self.resolve(shorter, country or stated_country, city, acronyms)
            if found.status == "resolved":
                return _said_otherwise(name, found, "-without-place")
            return Resolution(name, found.status, found.matches, found.note)
        return Resolution(name, "unresolved")

    def _head_office(self, org: Organization, form: str) -> Organization:
        """A national branch ("Santen (France)") named without its country is its company: the parent of the same
        name ("Santen (Japan)"); "Genentech" is not lifted to Roche, "Novo Nordisk" not to Novo Holdings, nor
        "Santen France" to Japan."""
        while True:
            suffix = re.search(r"\(([^)]*)\)\s*$", org.name)
            if suffix is None or name_form(suffix[1]) in form:
                return org
            brand = _brand(org.name)
            up = [self.orgs[p] for p in org.parents if p in self.orgs and _brand(self.orgs[p].name) == brand]
            if len(up) != 1:
                return org
            org = up[0]

    def _narrow(self, ids: set[str], country: str | None, city: str | None, acronyms: set[str]) -> list[str]:
        """The candidates left once a branch whose head office is also a candidate, and (given a country, a city
        or an acronym in parentheses: "National Cancer Institute (NCI)") a candidate elsewhere or called otherwise,
        are dropped."""
        roots = [i for i in ids if not any(a.id in ids for a in self.ancestors(self.orgs[i]))]
        if acronyms and len(roots) > 1:
            roots = [i for i in roots if acronyms & {name_form(a) for a in self.orgs[i].acronyms}] or roots
        if country:
            roots = [i for i in roots if self.orgs[i].country in ("", country.upper())]
        if city:
            wanted = name_form(city)
            roots = [i for i in roots if name_form(self.orgs[i].city) == wanted]
        return sorted(roots)


def _brand(name: str) -> str:
    """A ROR name without its "(Country)", legal forms and industry words: "Gebro Pharma (Spain)" -> "gebro"."""
    key = legal_form_key(re.sub(r"\s*\([^)]*\)\s*$", "", name))
    return industry_key(key) or key


def _stated_acronyms(name: str) -> set[str]:
    """Acronyms given in parentheses: "National Cancer Institute (NCI)" -> {"nci"}."""
    return {name_form(m) for m in re.findall(r"\(([A-Z][A-Za-z&-]{1,11})\)", name)}


def _split(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x]


def _rows(path_parts: tuple[str, ...]) -> list[dict[str, str]]:
    return read_tsv(data_dir("data").joinpath(*path_parts))


def _files() -> list[Path]:
    folder = data_dir("data")
    return [folder / "organizations" / f for f in ("ror.tsv.gz", "organizations.tsv", "ambiguous-names.tsv")] + \
        [folder / "aliases" / "sponsor-place-prefixes.txt", Path(__file__), Path(normalize.__file__)]


@lru_cache(maxsize=1)
def _version() -> str:
    return cache.digest(_files(), "1")


def is_cached() -> bool:
    """Whether ``index()`` will read the index from its cache (else it builds it: the one-time work)."""
    return cache.path_of("organizations", _version()).is_file()


@lru_cache(maxsize=1)
def index() -> OrgIndex:
    """The index of the shipped tables: built once (a few seconds) and cached with the data's digest; read once
    per process."""
    version = _version()
    return cache.load_or_build("organizations", version, lambda: _build(version), OrgIndex)


def _build(version: str) -> OrgIndex:
    idx = OrgIndex(version=version)
    brands: set[str] = set()  # a company's national branches count once
    with gzip.open(data_dir("data") / "organizations" / "ror.tsv.gz", "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            rid = "ror:" + row["ror_id"]
            parents = []
            for p in _split(row["parents"]):
                pid, _, label = p.partition("=")
                parents.append("ror:" + pid)
                idx.orgs.setdefault("ror:" + pid, Organization("ror:" + pid, label, "", "", (), pid, ROR_VERSION))
            idx.orgs[rid] = Organization(rid, row["name"], row["country"], row["city"], tuple(parents), row["ror_id"], ROR_VERSION,
                                         tuple(_split(row["acronyms"])))
            names = [row["name"], *_split(row["names"])]
            for n in names:
                idx._add(idx.ror, rid, n)
                plain = re.sub(r"\s*\([^)]*\)\s*$", "", n)  # "Junshi Biosciences (China)": the name without its country
                if plain != n:
                    idx._add(idx.ror, rid, plain)
            for a in _split(row["acronyms"]):
                idx._add(idx.ror, rid, a, acronym=True)
            brands.add(_brand(row["name"]))
    for brand in brands:
        idx.df.update(set(brand.split()))
    for row in _rows(("organizations", "organizations.tsv")):
        oid = "known:" + row["id"]
        ror = row["ror"]
        curated_parents = tuple(p if ":" in p else "known:" + p for p in _split(row["parent"]))
        org = Organization(oid, row["name"], row["country"], "", curated_parents, ror, f"{CURATED_SOURCE}: {row['source']}")
        if ror:  # the curated facts are about the ROR record: one node, with the curated parents too
            rid = "ror:" + ror
            base = idx.orgs.get(rid)
            org = Organization(rid, row["name"], row["country"], base.city if base else "",
                               tuple(dict.fromkeys([*(base.parents if base else ()), *curated_parents])), ror, org.source,
                               base.acronyms if base else ())
            idx.orgs[oid] = org
        idx.orgs[org.id] = org
        for n in [row["name"], *_split(row["aliases"])]:
            idx._add(idx.curated, org.id, n)
    for row in _rows(("organizations", "ambiguous-names.tsv")):
        ids = "|".join(i if i.startswith(("ror:", "known:")) else "known:" + i for i in _split(row["candidates"]))
        idx.ambiguous[name_form(row["name"])] = (ids, row["note"])
    return idx


def _said_otherwise(name: str, found: OrgResult, how: str) -> OrgResult:
    """``name`` resolved as another form of it resolved: its method marked ``how``, its score 0.05 lower."""
    m = found.matches[0]
    return Resolution(name, "resolved", (replace(m, method=m.method + how, score=round(m.score - 0.05, 2)),))


_OWNED_BY = re.compile(r"\s*(?:,\s*|\(\s*)(?:an?\s+)?(?:wholly[- ]owned\s+)?(?:subsidiary|division|affiliate|member|unit|part)\s+of\s+.+$", re.I)
_ACRONYM_FIRST = re.compile(r"^\s*(?P<a>[A-Z][A-Za-z0-9&-]{1,9})\s*\((?P<name>[^()]{6,})\)\s*$")


def _rephrased(name: str) -> str:
    """The name said the usual way: without a clause naming its owner (", a subsidiary of Merck & Co., Inc."), or with
    a leading acronym put after the name it stands for ("NCI (National Cancer Institute)")."""
    if (owned := _OWNED_BY.search(name)) and owned.start() > 0:
        return name[:owned.start()].strip()
    if (m := _ACRONYM_FIRST.match(name)) and sum(c.isupper() for c in m["a"]) >= 2 and len(m["name"].split()) >= 2:
        return f"{m['name'].strip()} ({m['a']})"
    return name


def resolve_organization(name: str, country: str | None = None, city: str | None = None, acronyms: bool = False) -> OrgResult:
    """Resolve an organisation name against the shipped tables (see the module docstring)."""
    return index().resolve(name, country, city, acronyms)
