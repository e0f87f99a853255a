"""Parser for the ClinicalTrials.Veeva page layout (seed page 001).

Sections under fixed headings ("Status and phase", "Treatments", "Trial design", ...); the
sponsoring organisation stands under the title next to its logo and is the lead sponsor;
criteria are bullet lists; arms follow the line "N participants in M patient group(s)".
"""

from __future__ import annotations

import re

from kg.sources.model import (Arm, Contact, Design, Eligibility, Enrollment, Intervention, Source, Sponsor,
                      TrialRecord)
from kg.sources import vocab
from kg.sources.criteria import parse_criteria
from kg.sources.page import NCT_LINE, first_section, join_text, page_lines, split_sections

FORMAT = "page-veeva"

_HEADINGS = frozenset({
    "Status and phase", "Conditions", "Treatments", "Study type", "Funder types", "Identifiers",
    "Details and patient eligibility", "About", "Full description", "Enrollment", "Sex", "Ages",
    "Volunteers", "Inclusion criteria", "Exclusion criteria", "Trial design", "Primary purpose",
    "Allocation", "Interventional model", "Masking", "Trial contacts and locations",
    "Central trial contact", "Sites", "Trial documents", "Data sourced from clinicaltrials.gov",
    "Clinical trials",
})
_GROUPS_LINE = re.compile(r"^\d+ participants? in \d+ patient groups?", re.I)
_ARM_TYPE = re.compile(r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|"
                       r"No Intervention|Other) group$", re.I)
_TREATMENT = re.compile(r"^([A-Za-z ]+):\s*(.+)$")


def detect(text: str) -> bool:
    """True for a page in this layout."""
    return "ClinicalTrials.Veeva" in text or (
        "Status and phase" in text and "Details and patient eligibility" in text)


def _header(lines: list[str], i: int) -> tuple[str, int] | None:
    return (lines[i], 1) if lines[i] in _HEADINGS else None


def parse(text: str, source: Source) -> TrialRecord:
    """Read one page of this layout into a record."""
    sections = split_sections(page_lines(text), _header)
    head = first_section(sections, "")
    title, sponsor = _title_and_sponsor(head)
    status_phase = first_section(sections, "Status and phase")
    ids = first_section(sections, "Identifiers")
    nct = next((i.upper() for i in ids if NCT_LINE.match(i)), None)
    design_lines = first_section(sections, "Masking")
    funder = first_section(sections, "Funder types")
    sponsors: tuple[Sponsor, ...] = ()
    if sponsor:
        sponsors = (Sponsor(name=sponsor, role="LEAD",
                            sponsor_class=vocab.to_enum(funder[0], vocab.SPONSOR_CLASSES) if funder else None),)
    return TrialRecord(
        source=source,
        nct_id=nct,
        secondary_ids=tuple(i for i in ids if i.upper() != nct),
        acronym=_acronym(title),
        title=title,
        brief_summary=join_text(first_section(sections, "About")),
        detailed_description=join_text(first_section(sections, "Full description")),
        status=next((s for l in status_phase if (s := vocab.to_enum(l, vocab.STATUSES))), None),
        phases=tuple(p for l in status_phase for p in vocab.parse_phases(l)),
        study_type=_first_enum(first_section(sections, "Study type"), vocab.STUDY_TYPES),
        enrollment=_enrollment(first_section(sections, "Enrollment")),
        conditions=tuple(first_section(sections, "Conditions")),
        interventions=tuple(_treatment(l) for l in first_section(sections, "Treatments")),
        arms=_arms(design_lines[1:]),
        sponsors=sponsors,
        contacts=_contacts(first_section(sections, "Central trial contact")),
        eligibility=_eligibility(sections),
        design=Design(
            allocation=_first_enum(first_section(sections, "Allocation"), vocab.ALLOCATIONS),
            intervention_model=_first_enum(first_section(sections, "Interventional model"),
                                           vocab.INTERVENTION_MODELS),
            primary_purpose=_first_enum(first_section(sections, "Primary purpose"), vocab.PRIMARY_PURPOSES),
            masking=_masking(design_lines[:1]),
        ),
    )


def _title_and_sponsor(head: list[str]) -> tuple[str | None, str | None]:
    """The title is the line before "<organisation> logo"; the organisation follows it."""
    for k, line in enumerate(head):
        if line.endswith(" logo") and k > 0:
            sponsor = head[k + 1] if k + 1 < len(head) else line.removesuffix(" logo")
            return head[k - 1], sponsor
    body = [l for l in head if l not in ("ClinicalTrials.Veeva", "Menu")]
    return (body[0] if body else None), None


def _acronym(title: str | None) -> str | None:
    """Veeva appends the acronym to the title: ``"... Lung Cancer (PICARES)"``."""
    m = re.search(r"\s\(([A-Z][A-Z0-9-]{2,19})\)$", title or "")
    return m[1] if m else None


def _first_enum(lines: list[str], allowed: frozenset[str]) -> str | None:
    return vocab.to_enum(lines[0], allowed) if lines else None


def _masking(lines: list[str]) -> str | None:
    """``"None (Open label)"`` -> NONE, ``"Double Blind"`` -> DOUBLE."""
    if not lines:
        return None
    word = re.sub(r"\(.*?\)|\bblind(ed)?\b", "", lines[0], flags=re.I)
    return vocab.to_enum(word, vocab.MASKINGS)


def _enrollment(lines: list[str]) -> Enrollment:
    """``"6 estimated patients"`` -> count 6, ESTIMATED."""
    for line in lines:
        if m := re.match(r"^(\d[\d,]*)\s+(estimated|actual)?\s*(patients|participants)", line, re.I):
            kind = m[2].upper() if m[2] else None
            return Enrollment(count=int(m[1].replace(",", "")), type=kind)
    return Enrollment()


def _treatment(line: str) -> Intervention:
    """``"Drug: PD-1 inhibitor JS-001"`` -> DRUG, ``"PD-1 inhibitor JS-001"``."""
    m = _TREATMENT.match(line)
    if m and (kind := vocab.to_enum(m[1], vocab.INTERVENTION_TYPES)):
        return Intervention(name=m[2].strip(), type=kind)
    return Intervention(name=line)


def _arms(lines: list[str]) -> tuple[Arm, ...]:
    """After "N participants in M patient groups": label, "<Type> group", Description:, Treatment:."""
    start = next((k + 1 for k, l in enumerate(lines) if _GROUPS_LINE.match(l)), None)
    if start is None:
        return ()
    body = lines[start:]
    arms: list[Arm] = []
    k = 0
    while k < len(body):
        if k + 1 < len(body) and _ARM_TYPE.match(body[k + 1]):
            label, kind = body[k], vocab.to_enum(body[k + 1].removesuffix(" group"), vocab.ARM_TYPES)
            k += 2
            desc: list[str] = []
            given: list[str] = []
            target = desc
            while k < len(body) and not (k + 1 < len(body) and _ARM_TYPE.match(body[k + 1])):
                line = body[k]
                if line == "Description:":
                    target = desc
                elif line == "Treatment:":
                    target = given
                else:
                    target.append(_treatment(line).name if target is given else line)
                k += 1
            arms.append(Arm(label=label, type=kind, description=join_text(desc), interventions=tuple(given)))
        else:
            k += 1
    return tuple(arms)


def _eligibility(sections: list[tuple[str, list[str]]]) -> Eligibility:
    ages = " ".join(first_section(sections, "Ages"))
    min_age = max_age = None
    if m := re.match(r"(\d+)\s*(?:to|-)\s*(\d+)\s*(years?|months?)", ages, re.I):
        min_age, max_age = vocab.parse_age(f"{m[1]} {m[3]}"), vocab.parse_age(f"{m[2]} {m[3]}")
    elif re.search(r"\+|and older|or older", ages, re.I):
        min_age = vocab.parse_age(ages)
    elif re.search(r"under|up to|or younger", ages, re.I):
        max_age = vocab.parse_age(ages)
    volunteers = " ".join(first_section(sections, "Volunteers")).lower()
    sex = first_section(sections, "Sex")
    return Eligibility(
        min_age=min_age,
        max_age=max_age,
        sex=vocab.to_enum(sex[0], vocab.SEXES) if sex else None,
        healthy_volunteers=None if not volunteers else not volunteers.startswith("no "),
        inclusion=parse_criteria(first_section(sections, "Inclusion criteria")),
        exclusion=parse_criteria(first_section(sections, "Exclusion criteria")),
    )


def _contacts(lines: list[str]) -> tuple[Contact, ...]:
    """Name lines, each optionally followed by a phone and an e-mail line."""
    rows: list[dict] = []
    for line in lines:
        if "@" in line and rows:
            rows[-1]["email"] = line
        elif re.fullmatch(r"[+\d][\d\s().-]{5,}", line) and rows:
            rows[-1]["phone"] = line
        else:
            rows.append({"name": line})
    return tuple(Contact(**row) for row in rows)
