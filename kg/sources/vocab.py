"""Shared value parsing for every source: API v2 enums, dates with their precision, countries.

Pure functions, no I/O. Each returns ``None`` (or ``()``) for text it cannot read rather than
guessing, so a parser never invents a value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

import pycountry

STATUSES = frozenset({
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
    "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN",
})
PHASES = frozenset({"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"})
STUDY_TYPES = frozenset({"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"})
SEXES = frozenset({"ALL", "FEMALE", "MALE"})
ALLOCATIONS = frozenset({"RANDOMIZED", "NON_RANDOMIZED", "NA"})
INTERVENTION_MODELS = frozenset({"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"})
PRIMARY_PURPOSES = frozenset({
    "TREATMENT", "PREVENTION", "DIAGNOSTIC", "ECT", "SUPPORTIVE_CARE", "SCREENING",
    "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "OTHER",
})
MASKINGS = frozenset({"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"})
WHO_MASKED = frozenset({"PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"})
INTERVENTION_TYPES = frozenset({
    "BEHAVIORAL", "BIOLOGICAL", "COMBINATION_PRODUCT", "DEVICE", "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT", "DRUG", "GENETIC", "PROCEDURE", "RADIATION", "OTHER",
})
ARM_TYPES = frozenset({
    "EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR",
    "NO_INTERVENTION", "OTHER",
})
OUTCOME_KINDS = frozenset({"PRIMARY", "SECONDARY", "EXPLORATORY", "POST_HOC"})  # "other pre-specified" is EXPLORATORY
SPONSOR_CLASSES = frozenset({
    "NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN",
})

# Wordings seen on registry pages and in the legacy XML that do not upper-case to the enum.
_SYNONYMS = {
    "N_A": "NA",
    "OTHER_PRE_SPECIFIED": "EXPLORATORY",
    "NOT_APPLICABLE": "NA",
    "UNKNOWN_STATUS": "UNKNOWN",
    "SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP",
    "PARALLEL_ASSIGNMENT": "PARALLEL",
    "CROSSOVER_ASSIGNMENT": "CROSSOVER",
    "FACTORIAL_ASSIGNMENT": "FACTORIAL",
    "SEQUENTIAL_ASSIGNMENT": "SEQUENTIAL",
    "NONE_OPEN_LABEL": "NONE",
    "OPEN_LABEL": "NONE",
    "BOTH": "ALL",
    "CAREGIVER": "CARE_PROVIDER",
    "CAREGIVERS": "CARE_PROVIDER",
    "PARTICIPANTS": "PARTICIPANT",
    "INVESTIGATORS": "INVESTIGATOR",
    "OUTCOME_ASSESSOR": "OUTCOMES_ASSESSOR",
    "OUTCOME_ASSESSORS": "OUTCOMES_ASSESSOR",
    "U_S_FED": "FED",
}


_DATE_TYPES = {"actual": "ACTUAL", "anticipated": "ESTIMATED", "estimate": "ESTIMATED", "estimated": "ESTIMATED"}


def date_type(text: str | None) -> str | None:
    """``ACTUAL`` or ``ESTIMATED`` for the legacy wordings (``Anticipated``, ``Estimate``) and the enums."""
    return _DATE_TYPES.get((text or "").strip().lower())


def enum_key(text: str) -> str:
    """Upper-case a label and join its words with ``_``: ``'Not yet recruiting'`` -> ``NOT_YET_RECRUITING``."""
    key = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
    return _SYNONYMS.get(key, key)


@lru_cache(maxsize=4096)
def to_enum(text: str | None, allowed: frozenset[str]) -> str | None:
    """The API v2 enum a label stands for, or ``None`` when it stands for none of ``allowed``."""
    if text is None:
        return None
    key = enum_key(text)
    return key if key in allowed else None


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


@lru_cache(maxsize=1024)
def parse_phases(text: str | None) -> tuple[str, ...]:
    """Phases named in a label: ``'Phase 1/Phase 2'`` -> ``('PHASE1', 'PHASE2')``, ``'N/A'`` -> ``('NA',)``."""
    if not text:
        return ()
    found: list[str] = []
    text = re.sub(r"\bN/A\b", "NA", text, flags=re.I)
    for token in re.split(r"[,/|;]|\band\b", text):
        token = token.strip()
        if not token:
            continue
        key = enum_key(token).replace("_", "")
        if key in {"NA", "NOTAPPLICABLE"}:
            phase = "NA"
        elif key == "PHASE0":  # ClinicalTrials.gov files phase 0 (exploratory IND) studies as early phase 1
            phase = "EARLY_PHASE1"
        elif m := re.fullmatch(r"(EARLY)?PHASE([1-4]|I{1,3}|IV)", key):
            phase = ("EARLY_PHASE" if m.group(1) else "PHASE") + _ROMAN.get(m.group(2), m.group(2))
        else:
            continue
        if phase not in found:
            found.append(phase)
    return tuple(found)


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({name[:3]: num for name, num in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def _month(word: str) -> int | None:
    return _MONTHS.get(word.lower().rstrip("."))


def _checked(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO text for a date that exists, at the precision given."""
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_iso_date(text: str) -> bool:
    """Whether ``text`` is an ISO 8601 date at a stated precision: YYYY, YYYY-MM or YYYY-MM-DD (a query's bound,
    not a registry's free text: see ``parse_date``)."""
    return re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) is not None


@lru_cache(maxsize=65536)
def parse_date(text: str | None) -> str | None:
    """ISO 8601 keeping the stated precision.

    ``'2024-07-11'`` -> ``'2024-07-11'``; ``'September 2023'`` -> ``'2023-09'``;
    ``'15 October 2025'`` and ``'October 15, 2025'`` -> ``'2025-10-15'``; ``'2019'`` -> ``'2019'``.
    """
    if not text:
        return None
    s = text.strip().rstrip(".")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", s):
        return _checked(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    if m := re.fullmatch(r"(\d{4})", s):
        return _checked(int(m[1]))
    if (m := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+\.?),?\s+(\d{4})", s)) and _month(m[2]):
        return _checked(int(m[3]), _month(m[2]), int(m[1]))
    if (m := re.fullmatch(r"([A-Za-z]+\.?)\s+(\d{1,2}),\s*(\d{4})", s)) and _month(m[1]):
        return _checked(int(m[3]), _month(m[1]), int(m[2]))
    if (m := re.fullmatch(r"([A-Za-z]+\.?),?\s+(\d{4})", s)) and _month(m[1]):
        return _checked(int(m[2]), _month(m[1]))
    return None


@lru_cache(maxsize=4096)
def parse_age(text: str | None) -> str | None:
    """An eligibility age in API v2 form: ``'18 years old'`` -> ``'18 Years'``, ``'1 year'`` -> ``'1 Year'``;
    ``'N/A'`` -> ``None``."""
    if not text:
        return None
    m = re.search(r"(\d+)\s*(year|month|week|day|hour|minute)s?", text, re.I)
    if not m:
        return None
    n = int(m[1])
    return f"{n} {m[2].capitalize()}{'' if n == 1 else 's'}"


_YEARS_PER = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / (24 * 365.25),
              "minute": 1 / (60 * 24 * 365.25)}


def age_years(age: str | None) -> float | None:
    """An age as ``parse_age`` writes it, in years (a decimal, to four places): ``'6 Months'`` -> 0.5."""
    m = re.fullmatch(r"(\d+) (Year|Month|Week|Day|Hour|Minute)s?", age or "")
    return round(int(m[1]) * _YEARS_PER[m[2].lower()], 4) if m else None


# Country names as ClinicalTrials.gov writes them, where they differ from every ISO 3166 name.
_COUNTRY_ALIASES = {
    "korea, republic of": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea": "KR",  # as sites and sponsors write the Republic of Korea ("Seoul, Korea"); the DPRK is written in full
    "p.r. china": "CN",
    "p. r. china": "CN",
    "pr china": "CN",
    "mainland china": "CN",
    "u.s.a.": "US",
    "u.s.": "US",
    "korea, democratic people's republic of": "KP",
    "taiwan": "TW",
    "iran, islamic republic of": "IR",
    "russia": "RU",
    "turkey": "TR",
    "vietnam": "VN",
    "czech republic": "CZ",
    "macedonia, the former yugoslav republic of": "MK",
    "former serbia and montenegro": "RS",
    "moldova, republic of": "MD",
    "tanzania": "TZ",
    "congo, the democratic republic of the": "CD",
    "palestinian territory, occupied": "PS",
    "syrian arab republic": "SY",
    "hong kong": "HK",
    "macau": "MO",
    "bolivia": "BO",
    "venezuela": "VE",
    "libyan arab jamahiriya": "LY",
    "lao people's democratic republic": "LA",
    "uk": "GB",
    "usa": "US",
    "united states of america": "US",
    "the netherlands": "NL",
    "côte d'ivoire": "CI",
    "cote d'ivoire": "CI",
    "kosovo": "XK",
    "england": "GB",  # the countries of the United Kingdom, as ISRCTN lists them beside it
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
}


def _country_key(name: str) -> str:
    """Case, accents, curly apostrophes and spacing do not tell country names apart."""
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'").replace("`", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if value := getattr(c, attr, None):
                names[_country_key(value)] = c.alpha_2
    names.update({_country_key(k): v for k, v in _COUNTRY_ALIASES.items()})
    return names


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name as registries write it, or ``None``.

    ``'Turkey (Türkiye)'`` is tried whole, then without its parenthesis.
    """
    if not name:
        return None
    names = _country_names()
    key = _country_key(name)
    return names.get(key) or names.get(re.sub(r"\s*\(.*?\)\s*", " ", key).strip())


def split_countries(text: str) -> tuple[str, ...]:
    """Split a run of country names written with spaces only: ``'China Italy United States'``.

    Longest known name first at each position, so multi-word names stay whole. Words that start
    no known name are kept together as one unknown name rather than dropped.
    """
    words = text.split()
    names = _country_names()
    out: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = " ".join(words[i:j])
            if _country_key(candidate) in names:
                if unknown:
                    out.append(" ".join(unknown))
                    unknown = []
                out.append(candidate)
                i = j
                break
        else:
            unknown.append(words[i])
            i += 1
    if unknown:
        out.append(" ".join(unknown))
    return tuple(out)


def split_location(text: str) -> tuple[str | None, str | None, str | None]:
    """``'City, State, Country'`` (state may be empty, country may hold a comma) -> parts."""
    parts = [p.strip() for p in text.split(",")]
    names = _country_names()
    for k in range(1, len(parts)):
        country = ", ".join(parts[k:])
        if _country_key(country) in names or country_code(country):
            head = parts[:k]
            city = head[0] or None
            state = ", ".join(p for p in head[1:] if p) or None
            return city, state, country
    return None, None, None


def unescape_markdown(text: str) -> str:
    """Undo the backslash escapes registry pages copy from Markdown: ``\\>`` -> ``>``."""
    if "\\" not in text:
        return text
    return re.sub(r"\\([<>*_#\[\]()`\\~|-])", r"\1", text)


def count(value: object) -> int | None:
    """A count as a source states it: a whole number >= 0, or ASCII digits (``"1,200"`` allowed in text);
    ``None`` for no value. Anything else (``true``, ``3.7``, ``-5``, ``1e309``, ``"many"``) is a ``ValueError``
    naming it: a wrong count is refused, never rounded or stored."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", value.strip()):
        return int(value.strip().replace(",", ""))
    raise ValueError(f"not a count of participants: {value!r} (expected a whole number >= 0)")


def clean(text: str | None) -> str | None:
    """Collapse white space (incl. no-break spaces); empty text becomes ``None``."""
    if text is None:
        return None
    return " ".join(text.split()) or None


_ASSESSMENTS = {"systematic assessment": "SYSTEMATIC_ASSESSMENT", "non-systematic assessment": "NON_SYSTEMATIC_ASSESSMENT"}


def assessment(text: str | None) -> str | None:
    """An adverse-event assessment type as the API v2 enum ("Systematic Assessment" -> ``SYSTEMATIC_ASSESSMENT``);
    other text as given."""
    if text is None:
        return None
    return _ASSESSMENTS.get(" ".join(text.lower().split()), text)
