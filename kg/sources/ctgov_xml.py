"""Map a legacy ClinicalTrials.gov ``clinical_study`` XML record (the pre-2024 bulk format).

Parsed with defusedxml: entity declarations (billion laughs, external entities) are refused,
nothing is fetched. Display labels ("Phase 1/Phase 2", "Non-Randomized", "None (Open Label)")
become the same API v2 enums the JSON mapper produces, so one study read from either format
gives equal records where both formats carry the same facts. The XML names MeSH terms without
their ids, so ``MeshTerm.id`` stays ``None`` here.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kg.errors import SourceError
from kg.sources.model import (NCT_ID, Arm, Contact, Design, Eligibility, Enrollment, Intervention, MeshTerm, Official,
                      Outcome, Reference, Site, Source, Sponsor, TrialRecord)
from kg.sources import vocab
from kg.sources.ctgov_xml_results import results
from kg.sources.criteria import split_inclusion_exclusion
from kg.sources.xml_text import text_at, texts_at
from kg.sources.page import unique

FORMAT = "ctgov-xml"

def parse(data: bytes, source: Source) -> TrialRecord:
    """The record for one ``clinical_study`` document. Raises ``SourceError`` on bad input."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SourceError(source.path, f"XML refused: {type(exc).__name__} (entity declarations are not allowed)") from None
    except ET.ParseError as exc:
        raise SourceError(source.path, f"malformed XML: {exc}") from None
    if root.tag != "clinical_study":
        raise SourceError(source.path, f"XML root is <{root.tag}>, not a ClinicalTrials.gov <clinical_study>")
    return map_element(root, source)


def map_element(root: ET.Element, source: Source) -> TrialRecord:
    """The record for a parsed ``clinical_study`` element (from XML, or from its JSON rendering). Raises
    ``SourceError`` naming the study when it cannot be mapped."""
    try:
        return _map(root, source)
    except SourceError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError) as exc:
        raise SourceError(source.path, f"not a well-formed clinical_study ({type(exc).__name__}: {exc})",
                          text_at(root, "id_info/nct_id")) from None


def textblock(node: ET.Element | None, path: str) -> str | None:
    """A ``<textblock>``: dedented, hard-wrapped lines reflowed, paragraphs kept apart."""
    if node is None or (found := node.find(path)) is None:
        return None
    raw = textwrap.dedent("".join(found.itertext())).strip("\n")
    paragraphs = [" ".join(l.strip() for l in p.splitlines() if l.strip()) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p) or None


def paragraphs(node: ET.Element | None, path: str) -> str | None:
    """A plain text element (``<description>``): not hard-wrapped, so each line is a paragraph."""
    if node is None or (found := node.find(path)) is None:
        return None
    return "\n\n".join(c for line in "".join(found.itertext()).splitlines() if (c := vocab.clean(line))) or None


def _date(root: ET.Element, tag: str) -> tuple[str | None, str | None]:
    node = root.find(tag)
    if node is None:
        return None, None
    kind = vocab.date_type(node.get("type"))
    return vocab.parse_date(vocab.clean(node.text)), kind


def _map(root: ET.Element, source: Source) -> TrialRecord:
    nct = text_at(root, "id_info/nct_id")
    if not nct or not NCT_ID.fullmatch(nct):
        raise SourceError(source.path, f"clinical_study has no valid <nct_id> (got {nct!r})")
    start, start_type = _date(root, "start_date")
    completion, completion_type = _date(root, "completion_date")
    primary_completion, _ = _date(root, "primary_completion_date")
    last_updated, _ = _date(root, "last_update_posted")
    if last_updated is None:
        last_updated, _ = _date(root, "lastchanged_date")
    enrollment = root.find("enrollment")
    nodes = [n for n in root.findall("intervention") if text_at(n, "intervention_name")]  # a nameless one states nothing
    interventions = tuple(_intervention(i) for i in nodes)
    arm_drugs: dict[str, list[str]] = {}
    for node, item in zip(nodes, interventions):
        for label in texts_at(node, "arm_group_label"):
            arm_drugs.setdefault(label, []).append(item.name)
    sites = tuple(_site(loc) for loc in root.findall("location"))
    status = text_at(root, "overall_status")
    return TrialRecord(
        source=source,
        nct_id=nct,
        secondary_ids=unique([*filter(None, [text_at(root, "id_info/org_study_id")]), *texts_at(root, "id_info/secondary_id")]),
        acronym=text_at(root, "acronym"),
        title=text_at(root, "brief_title"),
        official_title=text_at(root, "official_title"),
        brief_summary=textblock(root, "brief_summary/textblock"),
        detailed_description=textblock(root, "detailed_description/textblock"),
        status=vocab.to_enum(status, vocab.STATUSES),
        why_stopped=vocab.clean(text_at(root, "why_stopped")),
        phases=vocab.parse_phases(text_at(root, "phase")),
        study_type=vocab.to_enum(re.sub(r"\[.*?\]", "", text_at(root, "study_type") or ""), vocab.STUDY_TYPES),
        enrollment=Enrollment(
            count=vocab.count(enrollment.text) if enrollment is not None else None,
            type=vocab.date_type(enrollment.get("type")) if enrollment is not None else None,
        ),
        start_date=start,
        start_date_type=start_type,
        primary_completion_date=primary_completion,
        completion_date=completion,
        completion_date_type=completion_type,
        last_updated=last_updated,
        conditions=tuple(texts_at(root, "condition")),
        keywords=tuple(texts_at(root, "keyword")),
        condition_mesh=tuple(MeshTerm(id=None, term=t) for t in texts_at(root, "condition_browse/mesh_term")),
        intervention_mesh=tuple(MeshTerm(id=None, term=t) for t in texts_at(root, "intervention_browse/mesh_term")),
        interventions=interventions,
        arms=tuple(_arm(a, arm_drugs) for a in root.findall("arm_group")),
        sponsors=_sponsors(root),
        responsible_party=vocab.enum_key(rp) if (rp := text_at(root, "responsible_party/responsible_party_type")) else None,
        officials=tuple(_official(o) for o in root.findall("overall_official")),
        contacts=tuple(Contact(name=text_at(c, "last_name"), phone=text_at(c, "phone"), email=text_at(c, "email"))
                       for c in root.findall("overall_contact") + root.findall("overall_contact_backup")),
        sites=sites,
        countries=unique(texts_at(root, "location_countries/country")) or unique(s.country for s in sites),
        eligibility=_eligibility(root.find("eligibility")),
        design=_design(root.find("study_design_info"), text_at(root, "study_design")),
        outcomes=tuple(Outcome(kind=kind, measure=m, time_frame=text_at(o, "time_frame"))
                       for tag, kind in (("primary_outcome", "PRIMARY"), ("secondary_outcome", "SECONDARY"),
                                         ("other_outcome", "EXPLORATORY"))
                       for o in root.findall(tag) if (m := text_at(o, "measure"))),
        references=tuple(Reference(pmid=text_at(r, "PMID"), type=None, citation=text_at(r, "citation"))
                         for r in root.findall("reference") + root.findall("results_reference")),
        has_results=root.find("clinical_results") is not None,
        results=results(root),
    )


def _intervention(node: ET.Element) -> Intervention:
    return Intervention(
        name=text_at(node, "intervention_name") or "",
        type=vocab.to_enum(text_at(node, "intervention_type"), vocab.INTERVENTION_TYPES),
        description=paragraphs(node, "description"),
        other_names=tuple(texts_at(node, "other_name")),
    )


def _arm(node: ET.Element, arm_drugs: dict[str, list[str]]) -> Arm:
    label = text_at(node, "arm_group_label") or ""
    return Arm(label=label, type=vocab.to_enum(text_at(node, "arm_group_type"), vocab.ARM_TYPES),
               description=paragraphs(node, "description"), interventions=unique(arm_drugs.get(label, ())))


def _sponsor_class(text: str | None) -> str | None:
    return vocab.to_enum(text, vocab.SPONSOR_CLASSES)


def _sponsors(root: ET.Element) -> tuple[Sponsor, ...]:
    out = []
    for tag, role in (("sponsors/lead_sponsor", "LEAD"), ("sponsors/collaborator", "COLLABORATOR")):
        for node in root.findall(tag):
            if name := text_at(node, "agency"):
                out.append(Sponsor(name=name, role=role, sponsor_class=_sponsor_class(text_at(node, "agency_class"))))
    return tuple(out)


def _official(node: ET.Element) -> Official:
    name, _, degree = (text_at(node, "last_name") or "").partition(",")
    return Official(name=name.strip(), degree=vocab.clean(degree),
                    role=vocab.enum_key(r) if (r := text_at(node, "role")) else None,
                    affiliation=text_at(node, "affiliation"))


def _site(loc: ET.Element) -> Site:
    return Site(
        facility=text_at(loc, "facility/name"), city=text_at(loc, "facility/address/city"),
        state=text_at(loc, "facility/address/state"), country=text_at(loc, "facility/address/country"),
        zip=text_at(loc, "facility/address/zip"), status=vocab.to_enum(text_at(loc, "status"), vocab.STATUSES),
    )


def _eligibility(node: ET.Element | None) -> Eligibility:
    if node is None:
        return Eligibility()
    inclusion, exclusion = split_inclusion_exclusion(textblock(node, "criteria/textblock") or "")
    hv = text_at(node, "healthy_volunteers")
    return Eligibility(
        min_age=vocab.parse_age(text_at(node, "minimum_age")),
        max_age=vocab.parse_age(text_at(node, "maximum_age")),
        sex=vocab.to_enum(text_at(node, "gender"), vocab.SEXES),
        healthy_volunteers=None if hv is None else hv.lower().startswith(("yes", "accepts")),
        inclusion=inclusion,
        exclusion=exclusion,
    )


_OLD_ROLES = {"subject": "participant", "caregiver": "care provider"}  # the 2014 schema's names of the masked roles
_DESIGN_KEYS = ("Allocation", "Control", "Endpoint Classification", "Intervention Model", "Masking", "Primary Purpose",
                "Observational Model", "Time Perspective")


def _design_line(line: str) -> dict[str, str]:
    """The 2014 schema's one-line design ("Allocation: Randomized, Masking: Double Blind (Subject, Investigator), Primary
    Purpose: Treatment") as field -> value; a comma inside a value (the masked roles) stays in it."""
    keys = "|".join(re.escape(k) for k in _DESIGN_KEYS)
    out = {}
    for part in re.split(rf",\s*(?=(?:{keys})\s*:)", line):
        key, sep, value = part.partition(":")
        if sep and key.strip() in _DESIGN_KEYS:
            out[key.strip()] = value.strip()
    return out


def _design(node: ET.Element | None, line: str | None = None) -> Design:
    if node is None and line:
        fields = _design_line(line)
        node = ET.Element("study_design_info")
        for key, tag in (("Allocation", "allocation"), ("Intervention Model", "intervention_model"),
                         ("Primary Purpose", "primary_purpose"), ("Masking", "masking")):
            if key in fields:
                ET.SubElement(node, tag).text = fields[key]
    if node is None:
        return Design()
    masking = text_at(node, "masking") or ""
    word, _, who = masking.partition("(")
    return Design(
        allocation=vocab.to_enum(text_at(node, "allocation"), vocab.ALLOCATIONS),
        intervention_model=vocab.to_enum(text_at(node, "intervention_model"), vocab.INTERVENTION_MODELS),
        primary_purpose=vocab.to_enum(text_at(node, "primary_purpose"), vocab.PRIMARY_PURPOSES),
        masking=vocab.to_enum(re.sub(r"\bblind(ed)?\b", "", word, flags=re.I), vocab.MASKINGS)
        or (vocab.to_enum(masking, vocab.MASKINGS) if masking else None),
        who_masked=unique(vocab.to_enum(_OLD_ROLES.get(w.strip().lower(), w), vocab.WHO_MASKED)
                          for w in re.split(r",", who.rstrip(")")) if w.strip()),
    )
