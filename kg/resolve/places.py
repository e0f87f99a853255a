"""Sites, cities and regions: one node per facility in a city however it is spelled, cities by a normalized key,
provinces and states as regions (ISO 3166-2, from pycountry) and never as cities.

A facility is first matched to a ROR record in the same country (names, aliases, labels; its acronym only if ROR
puts it in the same city): "Sun Yat-sen University Cancer Center", "SYSUCC" and "中山大学肿瘤防治中心" in Guangzhou are
one site. Otherwise its key is its words in order of the alphabet once site numbers ("( Site 1658)", "/ID# 2529"),
punctuation, case and "the/of/and" are dropped ("Cancer Center, Fudan University" = "Fudan University Cancer
Center"). Either way the key is scoped by city and country: nothing merges across cities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from kg.normalize import fold
from kg.resolve.organizations import name_form, organization_of, resolve_organization
from kg.resources import data_dir

_SITE_NUMBER = re.compile(r"\s*(?:[(\[]\s*site\s*(?:number|no\.?|#)?\s*:?\s*[\w-]*\d[\w-]*\s*[)\]]|/\s*id\s*#\s*\d+"
                          r"|[,#-]?\s*\b(?:investigational\s+)?site\s*(?:number|no\.?|#)\s*:?\s*\d[\w-]*|\s#\s*\d+)\s*", re.I)
_CITY_SUFFIX = re.compile(r"[\s-]+(?:shi|city|municipality|si|gun|ku|ken)$|\s*\((?:city|municipality)\)$")
_REGION_SUFFIX = re.compile(r"\s+(?:(?:huizu|zhuangzu|uygur|uyghur)\s+)?(?:sheng|shi|zizhiqu|sar|province|state|"
                            r"autonomous region|municipality|prefecture|region)$")
_STOP = frozenset({"the", "of", "and", "at", "de", "del", "la", "le", "di", "du", "des", "y", "e"})
_DEPARTMENT = re.compile(r"^(?:department|dept|division|unit|service|clinic of|clinical|internal|oncology|medical|"
                         r"thoracic|melanoma|surgery|radiation|respiratory|gastro\w*|hemato\w*|pulmon\w*|medicine)\b", re.I)


def clean_facility(name: str) -> str:
    """The facility name without a sponsor's site number ("( Site 1658)", "/ID# 252921", "Site #12")."""
    cleaned = _SITE_NUMBER.sub(" ", name)
    return " ".join(cleaned.split()).strip(" ,;-") or " ".join(name.split())


def city_key(name: str) -> str:
    """Cities compared without case, accents, apostrophes, spaces or an administrative suffix: "Beijing",
    "beijing-shi", "Beijing Shi" -> "beijing"; "Xi'an", "Xi’an", "Xian" -> "xian"."""
    s = fold(name).replace("’", "").replace("'", "")
    s = re.sub(r",.*$", "", s)  # "Shanghai, China": the city only
    s = _CITY_SUFFIX.sub("", s.strip())
    return re.sub(r"[\W_]+", "", s) or re.sub(r"\s+", "", fold(name))


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # ISO 3166-2, e.g. CN-GD
    name: str  # as ISO 3166-2 writes it, e.g. Guangdong Sheng


def _region_key(name: str) -> str:
    s = fold(name).replace("’", "").replace("'", "")
    return re.sub(r"[\W_]+", "", _REGION_SUFFIX.sub("", s.strip()))


@lru_cache(maxsize=None)
def _regions(country_code: str) -> dict[str, Region]:
    """Top-level subdivisions of a country (provinces, states, autonomous regions; municipalities included) by key. A
    key two subdivisions share ("Hsinchu": Hsinchu City and Hsinchu County) names neither: pycountry gives them in no
    fixed order, so keeping one would make the same record give another region in another process."""
    found: dict[str, set[Region]] = {}
    for sub in pycountry.subdivisions.get(country_code=country_code) or ():
        if not getattr(sub, "parent_code", None):
            found.setdefault(_region_key(sub.name), set()).add(Region(sub.code, sub.name))
    return {key: next(iter(regions)) for key, regions in found.items() if len(regions) == 1}


@lru_cache(maxsize=1)
def _homonyms() -> frozenset[tuple[str, str]]:
    """(country, city key) of cities named like their region ("Jilin" in Jilin, "New York" in New York)."""
    path = data_dir("data") / "places" / "city-region-homonyms.tsv"
    rows = (l.split("\t") for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith(("#", "country\t")))
    return frozenset((r[0].strip().upper(), city_key(r[1])) for r in rows)


def region_of(country_code: str | None, name: str | None) -> Region | None:
    """The region (ISO 3166-2) that ``name`` names in the country, if any: "Guangdong", "Guangdong Sheng",
    "Shanghai Municipality", "California"."""
    if not country_code or not name:
        return None
    return _regions(country_code.upper()).get(_region_key(name))


def is_region_not_city(country_code: str | None, city: str | None) -> bool:
    """A stated "city" that is a province or state ("Guangdong", "Zhejiang"), not a municipality that is also a
    city (Beijing, Shanghai) nor a city named like its region (Jilin)."""
    region = region_of(country_code, city)
    if region is None or (country_code or "").upper() in ("HK", "MO", "SG"):
        return False
    sub = pycountry.subdivisions.get(code=region.code)
    if sub is not None and ("municipality" in sub.type.lower() or "special administrative" in sub.type.lower()):
        return False
    return ((country_code or "").upper(), city_key(city or "")) not in _homonyms()


@dataclass(frozen=True, slots=True)
class SiteMatch:
    """The key of a facility within its city (``ror-ID`` or its sorted words), and how it was found."""

    key: str
    label: str
    method: str
    score: float
    ror: str


def facility_key(name: str) -> str:
    """The words of a facility's name in order of the alphabet (punctuation, case, "the/of/and" ignored)."""
    words = [w for w in name_form(name).split() if w not in _STOP]
    return " ".join(sorted(words)) or name_form(name) or fold(name)


@lru_cache(maxsize=100_000)
def match_site(facility: str, city: str | None, country_code: str | None) -> SiteMatch:
    """The site a facility spelling names (see the module docstring)."""
    cleaned = clean_facility(facility)
    method = "site-number-dropped" if cleaned != " ".join(facility.split()) else ""
    if country_code:
        found = resolve_organization(cleaned, country_code, city, acronyms=True)
        score_cut = 0.0
        if found.status != "resolved":  # "Sun Yat-sen University Cancer Center-Internal Medicine": the facility
            parts = re.match(r"^(?P<head>.+?)\s*[-,\u2013]\s*(?P<tail>[^-,\u2013]+)$", cleaned)
            if parts and _DEPARTMENT.match(parts["tail"]) and len(parts["tail"].split()) <= 3:
                found = resolve_organization(parts["head"], country_code, city, acronyms=True)
                score_cut = 0.1
        if found.status == "resolved":
            m = found.matches[0]
            org = organization_of(m)
            return SiteMatch("ror-" + org.ror if org.ror else org.id.replace(":", "-"), org.name,
                             f"ror-{m.method}" if org.ror else f"curated-{m.method}", round(m.score - score_cut, 2), org.ror)
    return SiteMatch(facility_key(cleaned), cleaned, method or "name-key", 0.95 if method else 1.0, "")
