"""Map an ISRCTN registry record (its XML as JSON, as the ctrdata package exports it) onto a record.

The record's own id is its ISRCTN number; a ClinicalTrials.gov number it names makes the trial the same
trial as that NCT record. ISRCTN states no overall status unless the registry overrides its date-derived
one ("Stopped", "Suspended", "Completed"): otherwise the status is left empty, not derived from today's date.
Sponsors and funders are given only as the registry's internal ids in this export, so none is mapped.
"""

from __future__ import annotations

import re
from typing import Any

from kg.errors import SourceError
from kg.sources import vocab
from kg.sources.criteria import parse_criteria
from kg.sources.json_path import get, items, stated, text, texts, well_formed
from kg.sources.model import (NCT_ID, Design, Eligibility, Enrollment, Intervention, Outcome, Reference, Site, Source,
                              TrialRecord)
from kg.sources.page import unique
from kg.sources.registry_ids import parse_id

FORMAT = "isrctn-json"

_STATUSES = {"stopped": "TERMINATED", "suspended": "SUSPENDED", "completed": "COMPLETED"}
_INTERVENTION_TYPES = {"drug": "DRUG", "biological/vaccine": "BIOLOGICAL", "device": "DEVICE", "procedure/surgery": "PROCEDURE",
                       "behavioural": "BEHAVIORAL", "supplement": "DIETARY_SUPPLEMENT", "genetic": "GENETIC",
                       "radiotherapy": "RADIATION", "mixed": "OTHER", "other": "OTHER"}
_PURPOSES = {"treatment": "TREATMENT", "prevention": "PREVENTION", "diagnostic": "DIAGNOSTIC", "screening": "SCREENING",
             "supportive care": "SUPPORTIVE_CARE", "quality of life": "OTHER", "other": "OTHER"}
_PMID = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|PMID:?\s*)([0-9]{1,9})\b", re.I)


def is_record(obj: Any) -> bool:
    """True for an ISRCTN record (its number and its trial description)."""
    return isinstance(obj, dict) and isinstance(obj.get("isrctn"), (str, int)) and isinstance(obj.get("trialDescription"), dict)


def map_record(obj: dict, source: Source) -> TrialRecord:
    """The record for one ISRCTN record; ``SourceError`` naming the record when it cannot be mapped."""
    return well_formed("ISRCTN", source, lambda: _record(obj, source))


def _record(obj: dict, source: Source) -> TrialRecord:
    number = text(obj, "isrctn")
    own = parse_id(f"ISRCTN{number}") if number and number.isdigit() else None
    if own is None:
        raise SourceError(source.path, f"an ISRCTN record without a valid ISRCTN number (got {number!r})")
    return _map(obj, source, own.id)


def _date(value: str | None) -> str | None:
    return vocab.parse_date(value[:10]) if value else None


def _map(obj: dict, source: Source, own_id: str) -> TrialRecord:
    desc, refs, design, people = (get(obj, k, default={}) for k in ("trialDescription", "externalRefs", "trialDesign",
                                                                    "participants"))
    nct = stated(text(refs, "clinicalTrialsGovNumber"))
    secondary = [stated(text(refs, k)) for k in ("eudraCTNumber", "irasNumber", "protocolSerialNumber")]
    secondary += [stated(s) for s in texts(refs, "secondaryNumbers", "secondaryNumber")]
    interventions = [i for i in items(obj, "interventions", "intervention") if isinstance(i, dict)]
    final = vocab.count(text(people, "totalFinalEnrolment"))
    status = _STATUSES.get((text(design, "overallStatusOverride") or "").lower())
    return TrialRecord(
        source=source,
        nct_id=nct.upper() if nct and NCT_ID.fullmatch(nct.upper()) else None,
        registry_id=own_id,
        secondary_ids=unique(s for s in secondary if s and s != nct),
        acronym=stated(text(desc, "acronym")),
        title=text(desc, "title"),
        official_title=text(desc, "scientificTitle"),
        brief_summary=text(desc, "plainEnglishSummary"),
        detailed_description=text(desc, "studyHypothesis"),
        status=status,
        why_stopped=stated(text(design, "reasonAbandoned")) if status == "TERMINATED" else None,
        phases=unique(p for i in interventions for p in vocab.parse_phases(text(i, "phase"))),
        study_type=vocab.to_enum(text(design, "primaryStudyDesign"), vocab.STUDY_TYPES),
        enrollment=(Enrollment(final, "ACTUAL") if final is not None
                    else _planned(vocab.count(text(people, "targetEnrolment")))),
        start_date=_date(text(people, "recruitmentStart")),
        completion_date=_date(text(design, "overallEndDate")),
        conditions=unique(text(c, "description") for c in items(obj, "conditions", "condition")),
        keywords=unique(stated(text(c, "diseaseClass2")) for c in items(obj, "conditions", "condition")),
        interventions=tuple(_interventions(interventions)),
        sites=tuple(_sites(people)),
        countries=texts(people, "recruitmentCountries", "country"),
        eligibility=_eligibility(people),
        design=_design(design),
        outcomes=tuple(Outcome(kind, m) for kind, key in (("PRIMARY", "primaryOutcome"), ("SECONDARY", "secondaryOutcome"))
                       if (m := stated(text(desc, key)))),
        references=tuple(Reference(pmid=p) for p in unique(_PMID.findall(str(get(obj, "results", "publicationDetails", default=""))))),
    )


def _planned(count: int | None) -> Enrollment:
    return Enrollment(count, "ESTIMATED" if count is not None else None)


def _interventions(found: list[dict]) -> list[Intervention]:
    """One intervention per drug name ISRCTN lists ("Milrinone", "Drug A, drug B"); a kind of intervention with no
    name (behavioural, procedures) names nothing a graph can identify and is left out."""
    out: dict[str, Intervention] = {}
    for i in found:
        kind = _INTERVENTION_TYPES.get((text(i, "interventionType") or "").lower(), "OTHER" if text(i, "interventionType") else None)
        for name in re.split(r"\s*[,;]\s*|\s+and\s+", stated(text(i, "drugNames")) or ""):
            if name and name.lower() not in out:
                out[name.lower()] = Intervention(name=name, type=kind)
    return list(out.values())


def _sites(people: dict) -> list[Site]:
    return [Site(facility=text(c, "name"), city=stated(text(c, "city")), state=stated(text(c, "state")),
                 country=text(c, "country"), zip=stated(text(c, "zip")))
            for c in items(people, "trialCentres", "trialCentre") if isinstance(c, dict) and (text(c, "name") or text(c, "city"))]


def _eligibility(people: dict) -> Eligibility:
    return Eligibility(min_age=vocab.parse_age(text(people, "lowerAgeLimit")), max_age=vocab.parse_age(text(people, "upperAgeLimit")),
                       sex=vocab.to_enum(text(people, "gender"), vocab.SEXES),
                       inclusion=_criteria(get(people, "inclusion")), exclusion=_criteria(get(people, "exclusion")))


def _criteria(value: Any) -> tuple[str, ...]:
    """A criteria text as its items (one per line; nested lists folded into their items, as on the pages)."""
    if not isinstance(value, str):
        return ()
    return parse_criteria(line for line in value.splitlines() if stated(vocab.clean(line)))


def _design(design: dict) -> Design:
    words = " ".join(filter(None, (text(design, "studyDesign"), text(design, "secondaryStudyDesign")))).lower()
    allocation = "NON_RANDOMIZED" if re.search(r"non-?\s?randomi[sz]", words) else "RANDOMIZED" if "randomi" in words else None
    masking = next((m for pattern, m in ((r"quadruple[- ]blind", "QUADRUPLE"), (r"triple[- ]blind", "TRIPLE"),
                                         (r"double[- ]blind", "DOUBLE"), (r"single[- ]blind", "SINGLE"),
                                         (r"open[- ]label|\bunblinded|non-?blinded", "NONE")) if re.search(pattern, words)), None)
    kinds = [t.lower() for t in texts(design, "trialTypes", "trialType")]
    return Design(allocation=allocation, masking=masking,
                  primary_purpose=_PURPOSES.get(kinds[0]) if len(kinds) == 1 else None)
