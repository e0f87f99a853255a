"""The retired ClinicalTrials.gov "classic" API (``FullStudiesResponse``), read through the v2 mapper.

The classic format has the v2 module structure with PascalCase keys, ``...List`` wrappers and
display labels instead of enums ("Not yet recruiting", "Phase 2", "Anticipated"). Each study is
translated to the v2 shape, then mapped by ``ctgov_json`` so both give the same record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from kg.errors import SourceError
from kg.sources.model import Source, TrialRecord
from kg.sources import ctgov_json, vocab
from kg.sources.classic_json_results import results

FORMAT = "ctgov-classic-json"

def is_classic(value: object) -> bool:
    """True for a classic API ``FullStudiesResponse`` document."""
    return isinstance(value, dict) and isinstance(value.get("FullStudiesResponse"), dict)


def map_response(value: dict, name: str) -> Iterator[TrialRecord | SourceError]:
    """One record (or error) per study of a ``FullStudiesResponse``."""
    studies = value["FullStudiesResponse"].get("FullStudies") or []
    for k, entry in enumerate(studies, start=1):
        study = entry.get("Study") if isinstance(entry, dict) else None
        nct = _g(study, "ProtocolSection", "IdentificationModule", "NCTId")
        where = f"{name}#{nct or k}"
        if not isinstance(study, dict):
            yield SourceError(where, "classic API entry without a Study")
            continue
        data = json.dumps(study, sort_keys=True, ensure_ascii=False).encode("utf-8")
        source = Source(path=where, sha256=hashlib.sha256(data).hexdigest(), format=FORMAT)
        try:
            record = ctgov_json.map_study(to_v2(study), source)
            yield replace(record, results=results(study.get("ResultsSection")))  # results in the classic shape
        except SourceError as exc:
            yield exc
        except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError) as exc:
            yield SourceError(where, f"not a well-formed classic API study ({type(exc).__name__}: {exc})", nct)


def _g(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _list(obj: Any, *keys: str) -> list:
    found = _g(obj, *keys)
    return found if isinstance(found, list) else []


def _date(struct: Any, prefix: str) -> dict | None:
    if not isinstance(struct, dict) or not struct.get(prefix):
        return None
    return {"date": vocab.parse_date(struct[prefix]), "type": vocab.date_type(str(struct.get(prefix + "Type", "")))}


def _yes_no(text: Any) -> bool | None:
    if not isinstance(text, str):
        return None
    return text.lower().startswith(("yes", "accepts"))


def to_v2(study: dict) -> dict:
    """The API v2 shape of a classic-API study (only the fields the record model reads)."""
    p = study.get("ProtocolSection") or {}
    ident = p.get("IdentificationModule") or {}
    status = p.get("StatusModule") or {}
    design = p.get("DesignModule") or {}
    info = design.get("DesignInfo") or {}
    masking = info.get("DesignMaskingInfo") or {}
    arms = p.get("ArmsInterventionsModule") or {}
    spons = p.get("SponsorCollaboratorsModule") or {}
    contacts = p.get("ContactsLocationsModule") or {}
    elig = p.get("EligibilityModule") or {}
    derived = study.get("DerivedSection") or {}
    enrollment = design.get("EnrollmentInfo") or {}
    count = enrollment.get("EnrollmentCount")
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": ident.get("NCTId"),
                "orgStudyIdInfo": {"id": _g(ident, "OrgStudyIdInfo", "OrgStudyId")},
                "secondaryIdInfos": [{"id": s.get("SecondaryId")} for s in _list(ident, "SecondaryIdInfoList", "SecondaryIdInfo")],
                "briefTitle": ident.get("BriefTitle"),
                "officialTitle": ident.get("OfficialTitle"),
                "acronym": ident.get("Acronym"),
            },
            "statusModule": {
                "overallStatus": status.get("OverallStatus"),
                "whyStopped": status.get("WhyStopped"),
                "startDateStruct": _date(status.get("StartDateStruct"), "StartDate"),
                "primaryCompletionDateStruct": _date(status.get("PrimaryCompletionDateStruct"), "PrimaryCompletionDate"),
                "completionDateStruct": _date(status.get("CompletionDateStruct"), "CompletionDate"),
                "lastUpdatePostDateStruct": _date(status.get("LastUpdatePostDateStruct"), "LastUpdatePostDate"),
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": _g(spons, "LeadSponsor", "LeadSponsorName"),
                                "class": _g(spons, "LeadSponsor", "LeadSponsorClass")},
                "collaborators": [{"name": c.get("CollaboratorName"), "class": c.get("CollaboratorClass")}
                                  for c in _list(spons, "CollaboratorList", "Collaborator")],
                "responsibleParty": {"type": vocab.enum_key(t) if (t := _g(spons, "ResponsibleParty", "ResponsiblePartyType")) else None},
            },
            "descriptionModule": {"briefSummary": _g(p, "DescriptionModule", "BriefSummary"),
                                  "detailedDescription": _g(p, "DescriptionModule", "DetailedDescription")},
            "conditionsModule": {"conditions": _list(p, "ConditionsModule", "ConditionList", "Condition"),
                                 "keywords": _list(p, "ConditionsModule", "KeywordList", "Keyword")},
            "designModule": {
                "studyType": design.get("StudyType"),
                "phases": [ph for t in _list(design, "PhaseList", "Phase") for ph in vocab.parse_phases(t)],
                "enrollmentInfo": {"count": count,
                                   "type": vocab.date_type(str(enrollment.get("EnrollmentType", "")))},
                "designInfo": {
                    "allocation": info.get("DesignAllocation"),
                    "interventionModel": info.get("DesignInterventionModel"),
                    "primaryPurpose": info.get("DesignPrimaryPurpose"),
                    "maskingInfo": {
                        "masking": vocab.enum_key(m) if (m := masking.get("DesignMasking")) else None,
                        "whoMasked": [vocab.enum_key(w) for w in _list(masking, "DesignWhoMaskedList", "DesignWhoMasked")],
                    },
                },
            },
            "armsInterventionsModule": {
                "armGroups": [{"label": a.get("ArmGroupLabel"), "type": a.get("ArmGroupType"),
                               "description": a.get("ArmGroupDescription"),
                               "interventionNames": _list(a, "ArmGroupInterventionList", "ArmGroupInterventionName")}
                              for a in _list(arms, "ArmGroupList", "ArmGroup")],
                "interventions": [{"type": i.get("InterventionType"), "name": i.get("InterventionName"),
                                   "description": i.get("InterventionDescription"),
                                   "otherNames": _list(i, "InterventionOtherNameList", "InterventionOtherName")}
                                  for i in _list(arms, "InterventionList", "Intervention")],
            },
            "outcomesModule": {
                f"{kind}Outcomes": [{"measure": o.get(f"{Kind}OutcomeMeasure"), "timeFrame": o.get(f"{Kind}OutcomeTimeFrame")}
                                    for o in _list(p, "OutcomesModule", f"{Kind}OutcomeList", f"{Kind}Outcome")]
                for kind, Kind in (("primary", "Primary"), ("secondary", "Secondary"), ("other", "Other"))
            },
            "eligibilityModule": {
                "eligibilityCriteria": elig.get("EligibilityCriteria"),
                "healthyVolunteers": _yes_no(elig.get("HealthyVolunteers")),
                "sex": elig.get("Gender"), "minimumAge": elig.get("MinimumAge"), "maximumAge": elig.get("MaximumAge"),
            },
            "contactsLocationsModule": {
                "centralContacts": [{"name": c.get("CentralContactName"), "phone": c.get("CentralContactPhone"),
                                     "email": c.get("CentralContactEMail")}
                                    for c in _list(contacts, "CentralContactList", "CentralContact")],
                "overallOfficials": [{"name": o.get("OverallOfficialName"), "affiliation": o.get("OverallOfficialAffiliation"),
                                      "role": vocab.enum_key(r) if (r := o.get("OverallOfficialRole")) else None}
                                     for o in _list(contacts, "OverallOfficialList", "OverallOfficial")],
                "locations": [{"facility": l.get("LocationFacility"), "city": l.get("LocationCity"),
                               "state": l.get("LocationState"), "zip": l.get("LocationZip"),
                               "country": l.get("LocationCountry"), "status": l.get("LocationStatus")}
                              for l in _list(contacts, "LocationList", "Location")],
            },
            "referencesModule": {"references": [{"pmid": r.get("ReferencePMID"), "type": vocab.enum_key(t) if (t := r.get("ReferenceType")) else None,
                                                 "citation": r.get("ReferenceCitation")}
                                                for r in _list(p, "ReferencesModule", "ReferenceList", "Reference")]},
        },
        "derivedSection": {
            "conditionBrowseModule": {
                "meshes": [{"id": m.get("ConditionMeshId"), "term": m.get("ConditionMeshTerm")}
                           for m in _list(derived, "ConditionBrowseModule", "ConditionMeshList", "ConditionMesh")],
                "ancestors": [{"id": m.get("ConditionAncestorId"), "term": m.get("ConditionAncestorTerm")}
                              for m in _list(derived, "ConditionBrowseModule", "ConditionAncestorList", "ConditionAncestor")]},
            "interventionBrowseModule": {"meshes": [{"id": m.get("InterventionMeshId"), "term": m.get("InterventionMeshTerm")}
                                                    for m in _list(derived, "InterventionBrowseModule", "InterventionMeshList", "InterventionMesh")]},
        },
        "hasResults": "ResultsSection" in study,
    }
