"""Map one ClinicalTrials.gov API v2 study (``protocolSection``, ``derivedSection``) onto a record.

Every field the record model has is taken from the study where the study states it. Intervention
``otherNames`` are kept (they are alias evidence for resolution). MeSH ids from the
``derivedSection`` are normalized from the zero-padded ``D000002289`` form to ``D002289``.
"""

from __future__ import annotations

import re
from typing import Any

from kg.errors import SourceError
from kg.sources.model import (NCT_ID, Arm, Contact, Design, Eligibility, Enrollment, GeoPoint, Intervention, MeshTerm,
                      Official, Outcome, Reference, Site, Source, Sponsor, TrialRecord)
from kg.sources import vocab
from kg.sources.ctgov_json_results import results
from kg.sources.criteria import split_inclusion_exclusion
from kg.sources.json_path import get as _get
from kg.sources.page import unique

FORMAT = "ctgov-api-v2-json"

_OUTCOME_KINDS = (("primaryOutcomes", "PRIMARY"), ("secondaryOutcomes", "SECONDARY"),
                  ("otherOutcomes", "EXPLORATORY"))
_TYPED_NAME = re.compile(r"^([A-Za-z ]+):\s*(.+)$")


def is_study(obj: Any) -> bool:
    """True for an API v2 study object."""
    return isinstance(obj, dict) and isinstance(obj.get("protocolSection"), dict)


# MeSH descriptor UIs were D + 6 digits until the D000067xxx series, which has 9 digits.
# Newer ClinicalTrials.gov records pad the old ones to 9 digits (D000002289 for D002289).
_FIRST_NINE_DIGIT_DESCRIPTOR = 67000


def mesh_id(raw: str | None) -> str | None:
    """``D000002289`` -> ``D002289``; ``D002289`` and true 9-digit UIs (``D000077143``) stay."""
    if not raw:
        return None
    raw = raw.strip()
    m = re.fullmatch(r"D([0-9]{9})", raw)
    if m and int(m[1]) < _FIRST_NINE_DIGIT_DESCRIPTOR:
        return f"D{int(m[1]):06d}"
    return raw


def map_study(study: dict, source: Source) -> TrialRecord:
    """The record for one API v2 study. Raises ``SourceError`` when it cannot be mapped.

    An intervention with an empty name states nothing a graph can identify and is left out.
    """
    try:
        return _map(study, source)
    except SourceError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError) as exc:
        nct = _get(study, "protocolSection", "identificationModule", "nctId")
        raise SourceError(source.path, f"not a well-formed API v2 study ({type(exc).__name__}: {exc})",
                          nct if isinstance(nct, str) else None) from None


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(c for v in values or () if isinstance(v, str) and (c := vocab.clean(v)))


def _date(struct: Any) -> tuple[str | None, str | None]:
    if not isinstance(struct, dict):
        return None, None
    kind = struct.get("type")
    return vocab.parse_date(struct.get("date")), kind if kind in ("ACTUAL", "ESTIMATED") else None


def _map(study: dict, source: Source) -> TrialRecord:
    p = study["protocolSection"]
    ident = p.get("identificationModule") or {}
    nct = ident.get("nctId")
    if not isinstance(nct, str) or not NCT_ID.fullmatch(nct):
        raise SourceError(source.path, f"study has no valid nctId (got {nct!r})")
    status = p.get("statusModule") or {}
    design = p.get("designModule") or {}
    arms_mod = p.get("armsInterventionsModule") or {}
    cond = p.get("conditionsModule") or {}
    derived = study.get("derivedSection") or {}
    start, start_type = _date(status.get("startDateStruct"))
    completion, completion_type = _date(status.get("completionDateStruct"))
    primary_completion, _ = _date(status.get("primaryCompletionDateStruct"))
    last_updated, _ = _date(status.get("lastUpdatePostDateStruct"))
    enrollment = design.get("enrollmentInfo") or {}
    org_id = _get(ident, "orgStudyIdInfo", "id")
    secondary = [org_id] + [s.get("id") for s in ident.get("secondaryIdInfos") or () if isinstance(s, dict)]
    sites = tuple(_site(loc) for loc in _get(p, "contactsLocationsModule", "locations", default=()))
    return TrialRecord(
        source=source,
        nct_id=nct,
        secondary_ids=unique(vocab.clean(s) for s in secondary if isinstance(s, str)),
        acronym=vocab.clean(ident.get("acronym")),
        title=vocab.clean(ident.get("briefTitle")),
        official_title=vocab.clean(ident.get("officialTitle")),
        brief_summary=_get(p, "descriptionModule", "briefSummary"),
        detailed_description=_get(p, "descriptionModule", "detailedDescription"),
        status=vocab.to_enum(status.get("overallStatus"), vocab.STATUSES),
        why_stopped=vocab.clean(status.get("whyStopped")) if isinstance(status.get("whyStopped"), str) else None,
        phases=tuple(ph for ph in design.get("phases") or () if ph in vocab.PHASES),
        study_type=vocab.to_enum(design.get("studyType"), vocab.STUDY_TYPES),
        enrollment=Enrollment(
            count=vocab.count(enrollment.get("count")),
            type=enrollment.get("type") if enrollment.get("type") in ("ACTUAL", "ESTIMATED") else None,
        ),
        start_date=start,
        start_date_type=start_type,
        primary_completion_date=primary_completion,
        completion_date=completion,
        completion_date_type=completion_type,
        last_updated=last_updated,
        conditions=_texts(cond.get("conditions")),
        keywords=_texts(cond.get("keywords")),
        condition_mesh=_mesh(_get(derived, "conditionBrowseModule", "meshes", default=())),
        condition_mesh_ancestors=_mesh(_get(derived, "conditionBrowseModule", "ancestors", default=())),
        intervention_mesh=_mesh(_get(derived, "interventionBrowseModule", "meshes", default=())),
        interventions=tuple(i for i in map(_intervention, arms_mod.get("interventions") or ()) if i.name),
        arms=tuple(_arm(a) for a in arms_mod.get("armGroups") or ()),
        sponsors=_sponsors(p.get("sponsorCollaboratorsModule") or {}),
        responsible_party=_get(p, "sponsorCollaboratorsModule", "responsibleParty", "type"),
        officials=tuple(_official(o) for o in _get(p, "contactsLocationsModule", "overallOfficials", default=())),
        contacts=tuple(Contact(name=vocab.clean(c.get("name")), phone=vocab.clean(c.get("phone")),
                               email=vocab.clean(c.get("email")))
                       for c in _get(p, "contactsLocationsModule", "centralContacts", default=())),
        sites=sites,
        countries=unique(s.country for s in sites),
        eligibility=_eligibility(p.get("eligibilityModule") or {}),
        design=_design(design.get("designInfo") or {}),
        outcomes=tuple(Outcome(kind=kind, measure=m, time_frame=vocab.clean(o.get("timeFrame")))
                       for key, kind in _OUTCOME_KINDS
                       for o in _get(p, "outcomesModule", key, default=())
                       if (m := vocab.clean(o.get("measure")))),
        references=tuple(Reference(pmid=r.get("pmid"), type=r.get("type"), citation=vocab.clean(r.get("citation")))
                         for r in _get(p, "referencesModule", "references", default=())),
        has_results=study.get("hasResults") if isinstance(study.get("hasResults"), bool) else None,
        results=results(study.get("resultsSection")),
    )


def _mesh(terms: Any) -> tuple[MeshTerm, ...]:
    out: dict[str, MeshTerm] = {}
    for t in terms or ():
        if isinstance(t, dict) and (mid := mesh_id(t.get("id"))) and t.get("term"):
            out.setdefault(mid, MeshTerm(id=mid, term=t["term"]))
    return tuple(out.values())


def _intervention(i: dict) -> Intervention:
    return Intervention(
        name=vocab.clean(i.get("name")) or "",
        type=vocab.to_enum(i.get("type"), vocab.INTERVENTION_TYPES),
        description=i.get("description"),
        other_names=_texts(i.get("otherNames")),
    )


def arm_intervention_name(text: str) -> str:
    """``"Drug: Docetaxel"`` -> ``"Docetaxel"`` (arms name interventions with their type)."""
    m = _TYPED_NAME.match(text)
    if m and vocab.to_enum(m[1], vocab.INTERVENTION_TYPES):
        return m[2].strip()
    return text.strip()


def _arm(a: dict) -> Arm:
    return Arm(
        label=vocab.clean(a.get("label")) or "",
        type=vocab.to_enum(a.get("type"), vocab.ARM_TYPES),
        description=a.get("description"),
        interventions=unique(arm_intervention_name(n) for n in a.get("interventionNames") or ()),
    )


def _sponsors(mod: dict) -> tuple[Sponsor, ...]:
    out = []
    lead = mod.get("leadSponsor")
    if isinstance(lead, dict) and (name := vocab.clean(lead.get("name"))):
        out.append(Sponsor(name=name, role="LEAD",
                           sponsor_class=vocab.to_enum(lead.get("class"), vocab.SPONSOR_CLASSES)))
    for c in mod.get("collaborators") or ():
        if isinstance(c, dict) and (name := vocab.clean(c.get("name"))):
            out.append(Sponsor(name=name, role="COLLABORATOR",
                               sponsor_class=vocab.to_enum(c.get("class"), vocab.SPONSOR_CLASSES)))
    return tuple(out)


def _official(o: dict) -> Official:
    name, _, degree = (o.get("name") or "").partition(",")
    return Official(name=name.strip(), degree=vocab.clean(degree), role=o.get("role"),
                    affiliation=vocab.clean(o.get("affiliation")))


def _site(loc: dict) -> Site:
    geo = loc.get("geoPoint")
    point = None
    if isinstance(geo, dict) and geo.get("lat") is not None and geo.get("lon") is not None:
        point = GeoPoint(lat=float(geo["lat"]), lon=float(geo["lon"]))
    return Site(
        facility=vocab.clean(loc.get("facility")), city=vocab.clean(loc.get("city")),
        state=vocab.clean(loc.get("state")), country=vocab.clean(loc.get("country")),
        status=vocab.to_enum(loc.get("status"), vocab.STATUSES), zip=vocab.clean(loc.get("zip")),
        geo=point,
    )


def _eligibility(e: dict) -> Eligibility:
    inclusion, exclusion = split_inclusion_exclusion(e.get("eligibilityCriteria") or "")
    hv = e.get("healthyVolunteers")
    return Eligibility(
        min_age=vocab.parse_age(e.get("minimumAge")),
        max_age=vocab.parse_age(e.get("maximumAge")),
        sex=vocab.to_enum(e.get("sex"), vocab.SEXES),
        healthy_volunteers=hv if isinstance(hv, bool) else None,
        inclusion=inclusion,
        exclusion=exclusion,
    )


def _design(info: dict) -> Design:
    masking = info.get("maskingInfo") or {}
    return Design(
        allocation=vocab.to_enum(info.get("allocation"), vocab.ALLOCATIONS),
        intervention_model=vocab.to_enum(info.get("interventionModel"), vocab.INTERVENTION_MODELS),
        primary_purpose=vocab.to_enum(info.get("primaryPurpose"), vocab.PRIMARY_PURPOSES),
        masking=vocab.to_enum(masking.get("masking"), vocab.MASKINGS),
        who_masked=tuple(w for w in masking.get("whoMasked") or () if w in vocab.WHO_MASKED),
    )
