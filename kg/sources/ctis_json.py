"""Map a record of the EU Clinical Trials Information System (CTIS), as the ctrdata package exports it, onto a record.

Two shapes are read: the overview with ``authorizedPartI`` at the top (exports until 2024) and the full record with
``authorizedApplication.authorizedPartI`` (since 2025); Part I is the same in both. The record's own id is its EU CT
number; the trial is the NCT id Part I names, else that number. A trial transitioned from EudraCT names its
EudraCT number, kept as a secondary id (so the EU CTR record of the same trial is found). The overall status is read
from its words ("Authorised, not started") or from the portal's public status code (4: "Ongoing, recruiting"); a
status with no counterpart among ClinicalTrials.gov's ("Under evaluation", "Expired") is left empty.
"""

from __future__ import annotations

import re
from typing import Any

from kg.errors import SourceError
from kg.sources import vocab
from kg.sources.json_path import get, items, stated, text, well_formed
from kg.sources.model import NCT_ID, Eligibility, Enrollment, Intervention, Outcome, Sponsor, Source, TrialRecord
from kg.sources.page import unique
from kg.sources.registry_ids import parse_id

FORMAT = "ctis-json"

_STATUSES = {"authorised, not started": "NOT_YET_RECRUITING", "authorised, recruiting": "RECRUITING",
             "ongoing, recruiting": "RECRUITING", "ongoing, recruitment ended": "ACTIVE_NOT_RECRUITING",
             "ongoing, not yet recruiting": "NOT_YET_RECRUITING", "authorised, recruitment pending": "NOT_YET_RECRUITING",
             "ended": "COMPLETED", "halted": "SUSPENDED", "suspended": "SUSPENDED",
             "temporarily halted": "SUSPENDED", "withdrawn": "WITHDRAWN", "not authorised": "WITHDRAWN",
             "revoked": "TERMINATED", "cancelled": "WITHDRAWN", "ended prematurely": "TERMINATED"}
# The portal's public status codes (ctPublicStatusCode, and ctStatus in the full record), as the ctrdata package reads
# them (rfhb/ctrdata, R/f_statusRecruitment.R, MIT): the code's words, then the status above.
_CODES = {"1": "under evaluation", "2": "authorised, recruitment pending", "3": "authorised, recruiting",
          "4": "ongoing, recruiting", "5": "ongoing, recruitment ended", "6": "temporarily halted", "7": "suspended",
          "8": "ended", "9": "expired", "10": "revoked", "11": "not authorised", "12": "cancelled"}
_PHASE = re.compile(r"\bphase\s*(IV|I{1,3}|[1-4])\b", re.I)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def is_record(obj: Any) -> bool:
    """True for a CTIS record (an EU CT number and a Part I, at the top or inside the authorised application)."""
    return isinstance(obj, dict) and isinstance(obj.get("ctNumber"), str) and isinstance(_part_one(obj), dict)


def _part_one(obj: dict) -> Any:
    return get(obj, "authorizedApplication", "authorizedPartI") or obj.get("authorizedPartI")


def map_record(obj: dict, source: Source) -> TrialRecord:
    """The record for one CTIS trial; ``SourceError`` naming it when it cannot be mapped."""
    return well_formed("CTIS", source, lambda: _record(obj, source))


def _record(obj: dict, source: Source) -> TrialRecord:
    own = parse_id(f"CTIS{obj.get('ctNumber')}")
    if own is None or own.registry.key != "CTIS":
        raise SourceError(source.path, f"a CTIS record without a valid EU CT number (got {obj.get('ctNumber')!r})")
    return _map(obj, _part_one(obj), source, own.id)


def _date(value: str | None) -> str | None:
    """``2024-05-06`` or ``28/04/2021`` as ISO 8601."""
    if value and (m := re.fullmatch(r"([0-9]{2})/([0-9]{2})/([0-9]{4})", value.strip())):
        return vocab.parse_date(f"{m[3]}-{m[2]}-{m[1]}")
    return vocab.parse_date((value or "")[:10])


def _map(obj: dict, part: dict, source: Source, own_id: str) -> TrialRecord:
    details = get(part, "trialDetails", default={})
    idents = get(details, "clinicalTrialIdentifiers", default={})
    info = get(details, "trialInformation", default={})
    nct = (text(idents, "secondaryIdentifyingNumbers", "nctNumber", "number") or "").upper()
    eudract = text(obj, "eudraCtInfo", "eudraCtCode") or text(obj, "authorizedApplication", "eudraCt", "eudraCtCode")
    others = [text(r, "number") for r in items(idents, "secondaryIdentifyingNumbers", "additionalRegistries")]
    duration = get(info, "trialDuration", default={})
    code = text(obj, "ctPublicStatusCode") or text(obj, "ctStatus") or ""
    status_text = _CODES.get(code, "") if code.isdigit() else code
    population = get(info, "populationOfTrialSubjects", default={})
    female, male = get(population, "isFemaleSubjects"), get(population, "isMaleSubjects")
    return TrialRecord(
        source=source,
        nct_id=nct if NCT_ID.fullmatch(nct) else None,
        registry_id=own_id,
        secondary_ids=unique([f"EudraCT {eudract}" if eudract else None, text(idents, "shortTitle") or text(obj, "shortTitle"),
                              *map(stated, others)]),
        title=text(idents, "publicTitle") or text(obj, "title"),
        official_title=text(idents, "fullTitle"),
        brief_summary=text(info, "trialObjective", "mainObjective"),
        status=_STATUSES.get(status_text.lower()),
        phases=unique("PHASE" + _ROMAN.get(p.upper(), p) for p in _PHASE.findall(text(obj, "trialPhase") or "")),
        study_type="INTERVENTIONAL",  # CTIS holds clinical trials of medicinal products only
        enrollment=Enrollment(vocab.count(text(obj, "totalNumberEnrolled")), None),
        start_date=_date(text(obj, "startDateEU")) or _date(text(duration, "estimatedRecruitmentStartDate")),
        start_date_type="ACTUAL" if text(obj, "startDateEU") else "ESTIMATED" if text(duration, "estimatedRecruitmentStartDate") else None,
        completion_date=_date(text(duration, "estimatedGlobalEndDate") or text(duration, "estimatedEndDate")),
        completion_date_type="ESTIMATED" if duration else None,
        last_updated=_date(text(obj, "lastUpdated")),
        conditions=unique(text(c, "medicalCondition") for c in items(part, "medicalConditions")),
        keywords=unique(text(t, "termName") for t in items(info, "medicalCondition", "meddraConditionTerms")),
        interventions=_interventions(part),
        sponsors=_sponsors(part),
        countries=unique([*(text(m, "mscName") or text(m, "countryName") for m in _member_states(obj)),
                          *(text(c, "name") for c in items(part, "rowCountriesInfo"))]),
        eligibility=Eligibility(sex="ALL" if female and male else "FEMALE" if female else "MALE" if male else None,
                                inclusion=unique(text(c, "principalInclusionCriteria")
                                                 for c in items(info, "eligibilityCriteria", "principalInclusionCriteria")),
                                exclusion=unique(text(c, "principalExclusionCriteria")
                                                 for c in items(info, "eligibilityCriteria", "principalExclusionCriteria"))),
        outcomes=tuple(Outcome(kind, m) for kind, key in (("PRIMARY", "primaryEndPoints"), ("SECONDARY", "secondaryEndPoints"))
                       for e in items(info, "endPoint", key) if (m := text(e, "endPoint"))),
    )


def _member_states(obj: dict) -> list:
    return items(obj, "authorizedApplication", "memberStatesConcerned") or items(obj, "memberStatesConcerned")


def _interventions(part: dict) -> tuple[Intervention, ...]:
    """Each product once, by its active substance (a placebo by its product name); product names as other names."""
    out: dict[str, Intervention] = {}
    for group in items(part, "productRoleGroupInfos"):
        placebo = (text(group, "productRoleName") or "").lower() == "placebo"
        for product in items(group, "products"):
            substance = stated(text(product, "jsonActiveSubstanceNames") or text(product, "productDictionaryInfo", "activeSubstanceName"))
            names = unique([text(product, "productName"), text(product, "productDictionaryInfo", "prodName")])
            name = ("Placebo" if placebo else substance) or next(iter(names), None)
            if name and name.lower() not in out:
                out[name.lower()] = Intervention(name=name, type="DRUG", other_names=tuple(n for n in names if n.lower() != name.lower()))
    return tuple(out.values())


def _sponsors(part: dict) -> tuple[Sponsor, ...]:
    out: dict[str, Sponsor] = {}
    for s in sorted(items(part, "sponsors"), key=lambda s: not get(s, "primary")):
        if name := text(s, "organisation", "name"):
            commercial = get(s, "isCommercial")
            out.setdefault(name.lower(), Sponsor(name, "LEAD" if get(s, "primary") else "COLLABORATOR",
                                                 "INDUSTRY" if commercial is True else "OTHER" if commercial is False else None))
    return tuple(out.values())
