"""Parser for the "trial digest" page layout (seed pages 000 and 002).

Recognised by its section blurbs ("Get a concise snapshot of the trial ...") and the
``NCT ID:`` line. The same layout comes in two forms: with field labels and blank lines
("Recruitment Status" / "ACTIVE_NOT_RECRUITING"), and without either, where values are told
apart by shape and position (status enum, phase enum, "N participants", study-type enum,
then start and completion dates in that order).
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.sources.model import (Arm, Design, Eligibility, Enrollment, Intervention, Official, RelatedTrial,
                      Site, Source, Sponsor, TrialRecord)
from kg.sources import vocab
from kg.sources.criteria import parse_criteria
from kg.sources.page import (NCT_LINE, first_section, join_text, page_lines, split_sections,
                             unique)

FORMAT = "page-trial-digest"

# Section header -> the start of the fixed blurb the layout prints under it.
_BLURBS = {
    "Basic Information": "Get a concise snapshot of the trial",
    "Brief Summary": "Review the sponsor-provided synopsis",
    "Related Clinical Trials": "Explore similar clinical trials",
    "Detailed Description": "Dive into the extended narrative",
    "Conditions": "See the medical conditions",
    "Study Design": "Understand how the trial is structured",
    "Study Groups": "Review each arm or cohort",
    "Interventions": "Learn about the drugs, procedures",
    "Eligibility Criteria": "Check the participation requirements",
    "Sponsors": "Meet the organizations funding",
    "Responsible Party": "Identify the individual or organization",
    "Principal Investigators": "Learn about the lead researchers",
    "Locations": "Explore where the study is taking place",
    "Countries": "Review the countries where the study",
    "Other Identifiers": "Review additional registry numbers",
    "More Related Trials": "Additional clinical trials that may be relevant",
}
_RESULTS_HEADER = "Study Results"

_BASIC_LABELS = {
    "Recruitment Status": "status",
    "Clinical Phase": "phases",
    "Total Enrollment": "enrollment",
    "Study Classification": "study_type",
    "Study Start Date": "start_date",
    "Primary Completion Date": "primary_completion_date",
    "Study Completion Date": "completion_date",
}
_DESIGN_LABELS = {
    "Allocation Method": "allocation",
    "Intervention Model": "intervention_model",
    "Primary Study Purpose": "primary_purpose",
    "Blinding Strategy": "masking",
}
_ELIGIBILITY_LABELS = {
    "Minimum Eligible Age": "min_age",
    "Maximum Eligible Age": "max_age",
    "Eligible Sex": "sex",
    "Accepts Healthy Volunteers": "healthy_volunteers",
}
_AGE = re.compile(r"^\d+\s+(Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$", re.I)
_WHO_MASKED = re.compile(r"Participants?|Care\s*givers?|Care Providers?|Investigators?|Outcomes? Assessors?", re.I)


def detect(text: str) -> bool:
    """True for a page in this layout."""
    return "Get a concise snapshot of the trial" in text or (
        "NCT ID:" in text and "Basic Information" in text and "Study Groups" in text)


def _header(lines: list[str], i: int) -> tuple[str, int] | None:
    line = lines[i]
    blurb = _BLURBS.get(line)
    if blurb and i + 1 < len(lines) and lines[i + 1].startswith(blurb):
        return line, 2
    if line == _RESULTS_HEADER:
        return line, 1
    return None


def parse(text: str, source: Source) -> TrialRecord:
    """Read one page of this layout into a record."""
    lines = page_lines(text)
    sections = split_sections(lines, _header)
    head = first_section(sections, "")
    fields: dict = {"title": head[0] if head else None}
    for line in head:
        if m := re.match(r"NCT ID:\s*(NCT[0-9]{8})\b", line, re.I):
            fields["nct_id"] = m[1].upper()
        elif m := re.match(r"Last Updated:\s*(.+)", line):
            fields["last_updated"] = vocab.parse_date(m[1])
    fields.update(_basic(first_section(sections, "Basic Information")))
    interventions = _interventions(first_section(sections, "Interventions"))
    sites = _sites(first_section(sections, "Locations"))
    countries = vocab.split_countries(" ".join(first_section(sections, "Countries")))
    return TrialRecord(
        source=source,
        secondary_ids=tuple(l for l in first_section(sections, "Other Identifiers")
                            if not l.startswith("Identifier ")),
        brief_summary=join_text(first_section(sections, "Brief Summary")),
        detailed_description=join_text(first_section(sections, "Detailed Description")),
        conditions=tuple(first_section(sections, "Conditions")),
        design=_design(first_section(sections, "Study Design")),
        interventions=interventions,
        arms=_arms(first_section(sections, "Study Groups"), interventions),
        eligibility=_eligibility(first_section(sections, "Eligibility Criteria")),
        sponsors=_sponsors(first_section(sections, "Sponsors")),
        responsible_party=_responsible(first_section(sections, "Responsible Party")),
        officials=_officials(first_section(sections, "Principal Investigators")),
        sites=sites,
        countries=countries or unique(s.country for s in sites),
        related_trials=_related(sections),
        **fields,
    )


def _labelled(lines: list[str], labels: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split ``label / value`` pairs from the unlabelled values that remain, in order."""
    found: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(lines):
        key = labels.get(lines[i])
        if key and i + 1 < len(lines):
            found[key] = lines[i + 1]
            i += 2
        else:
            rest.append(lines[i])
            i += 1
    return found, rest


def _enrollment(text: str) -> Enrollment | None:
    m = re.match(r"^(\d[\d,]*)\s+(?:participants|patients|subjects)\b(.*)$", text, re.I)
    if not m:
        return None
    kind = "ESTIMATED" if re.search(r"estimat", text, re.I) else "ACTUAL" if re.search(r"actual", text, re.I) else None
    return Enrollment(count=int(m[1].replace(",", "")), type=kind)


def _basic(lines: list[str]) -> dict:
    found, rest = _labelled(lines, _BASIC_LABELS)
    out: dict = {}
    dates: list[str] = []
    for key, value in found.items():
        _set_basic(out, key, value)
    for value in rest:  # unlabelled: tell values apart by shape, dates by position
        if "status" not in out and vocab.to_enum(value, vocab.STATUSES):
            _set_basic(out, "status", value)
        elif "phases" not in out and re.fullmatch(r"((EARLY_)?PHASE\d|NA)([ ,/|]+((EARLY_)?PHASE\d|NA))*", value):
            _set_basic(out, "phases", value)
        elif "enrollment" not in out and _enrollment(value):
            _set_basic(out, "enrollment", value)
        elif "study_type" not in out and vocab.to_enum(value, vocab.STUDY_TYPES):
            _set_basic(out, "study_type", value)
        elif vocab.parse_date(value):
            dates.append(value)
    for key, value in zip(("start_date", "completion_date"), dates):
        out.setdefault(key, vocab.parse_date(value))
    return out


def _set_basic(out: dict, key: str, value: str) -> None:
    if key == "status":
        out[key] = vocab.to_enum(value, vocab.STATUSES)
    elif key == "phases":
        out[key] = vocab.parse_phases(value)
    elif key == "enrollment":
        out[key] = _enrollment(value) or Enrollment()
    elif key == "study_type":
        out[key] = vocab.to_enum(value, vocab.STUDY_TYPES)
    else:
        out[key] = vocab.parse_date(value)


def _design(lines: list[str]) -> Design:
    found, rest = _labelled(lines, _DESIGN_LABELS)
    values = {k: vocab.enum_key(v) for k, v in found.items()}
    order = (("allocation", vocab.ALLOCATIONS), ("intervention_model", vocab.INTERVENTION_MODELS),
             ("primary_purpose", vocab.PRIMARY_PURPOSES), ("masking", vocab.MASKINGS))
    who: list[str] = []
    for value in rest:
        for key, allowed in order:
            if key not in values and (enum := vocab.to_enum(value, allowed)):
                values[key] = enum
                break
        else:
            who += [w for m in _WHO_MASKED.findall(value) if (w := vocab.to_enum(m, vocab.WHO_MASKED))]
    return Design(who_masked=unique(who), **values)


def _interventions(lines: list[str]) -> tuple[Intervention, ...]:
    """Blocks of name, description lines and an optional "Intervention Type X" line.

    With type lines, each closes its block. Without them (the unlabelled form), a block starts at
    a line that reads as a name: short and not ending like a sentence.
    """
    blocks: list[list[str]] = []
    types: list[str | None] = []
    has_types = any(l.startswith("Intervention Type") for l in lines)
    current: list[str] = []
    for line in lines:
        if has_types:
            if m := re.match(r"Intervention Type\s*(.*)", line):
                blocks.append(current)
                types.append(vocab.to_enum(m[1], vocab.INTERVENTION_TYPES))
                current = []
            else:
                current.append(line)
        elif _reads_as_name(line) and (not current or len(current) > 1):
            if current:
                blocks.append(current)
                types.append(None)
            current = [line]
        else:
            current.append(line)
    if current:
        blocks.append(current)
        types.append(None)
    return tuple(
        Intervention(name=block[0], type=kind, description=join_text(block[1:]))
        for block, kind in zip(blocks, types) if block
    )


def _reads_as_name(line: str) -> bool:
    return len(line) < 200 and not re.search(r"[.:;!?,]$", line)


def _arms(lines: list[str], interventions: tuple[Intervention, ...]) -> tuple[Arm, ...]:
    """Arms: a label, an optional description, "Group Type X", and the names of its interventions.

    The layout repeats each intervention's description under the arm; those lines are dropped by
    matching them against the Interventions section.
    """
    names = {i.name for i in interventions}
    repeated = {para for i in interventions if i.description for para in i.description.split("\n\n")}
    groups: list[list[str]] = []
    for line in lines:
        if line in repeated or line.startswith("Intervention Type"):
            continue
        is_part = line in names or line.startswith("Group Type")
        opens = not is_part and (not groups or any(l in names for l in _after_type(groups[-1])))
        if opens:
            groups.append([line])
        elif groups:
            groups[-1].append(line)
    return tuple(_arm(group, names) for group in groups)


def _after_type(group: list[str]) -> list[str]:
    for k, line in enumerate(group):
        if line.startswith("Group Type"):
            return group[k + 1:]
    return group[1:]


def _arm(group: list[str], names: set[str]) -> Arm:
    label, rest = group[0], group[1:]
    kind = None
    type_at = next((k for k, l in enumerate(rest) if l.startswith("Group Type")), None)
    if type_at is not None:
        kind = vocab.to_enum(rest[type_at].removeprefix("Group Type"), vocab.ARM_TYPES)
        description = rest[:type_at]
        given = [l for l in rest[type_at + 1:] if l in names]
    else:
        given = [l for l in rest if l in names]
        description = [l for l in rest if l not in names]
    return Arm(label=label, type=kind, description=join_text(description), interventions=unique(given))


def _eligibility(lines: list[str]) -> Eligibility:
    """Inclusion list, exclusion list, then ages/sex/volunteers, labelled or by shape."""
    tail: list[str] = []
    while lines and (lines[-1] in _ELIGIBILITY_LABELS or _AGE.match(lines[-1])
                     or lines[-1] in vocab.SEXES or lines[-1] in ("Yes", "No")):
        tail.insert(0, lines.pop())
    inc: list[str] = []
    exc: list[str] = []
    target = inc
    for line in lines:
        if line.rstrip(":") == "Inclusion Criteria":
            target = inc
        elif line.rstrip(":") == "Exclusion Criteria":
            target = exc
        else:
            target.append(line)
    found, rest = _labelled(tail, _ELIGIBILITY_LABELS)
    ages = [l for l in rest if _AGE.match(l)]
    for key in ("min_age", "max_age"):
        if key not in found and ages:
            found[key] = ages.pop(0)
    sex = found.get("sex") or next((l for l in rest if l in vocab.SEXES), None)
    volunteers = found.get("healthy_volunteers") or next((l for l in rest if l in ("Yes", "No")), None)
    return Eligibility(
        min_age=vocab.parse_age(found.get("min_age")),
        max_age=vocab.parse_age(found.get("max_age")),
        sex=vocab.to_enum(sex, vocab.SEXES),
        healthy_volunteers=None if volunteers is None else volunteers == "Yes",
        inclusion=parse_criteria(inc),
        exclusion=parse_criteria(exc),
    )


def _sponsors(lines: list[str]) -> tuple[Sponsor, ...]:
    """``name / CLASS / [Sponsor Role lead]`` repeated."""
    rows: list[dict] = []
    for line in lines:
        if rows and (cls := vocab.to_enum(line, vocab.SPONSOR_CLASSES)) and line.isupper():
            rows[-1]["sponsor_class"] = cls
        elif rows and (m := re.match(r"Sponsor Role\s*(\w+)", line)):
            rows[-1]["role"] = vocab.to_enum(m[1], frozenset({"LEAD", "COLLABORATOR"}))
        else:
            rows.append({"name": line})
    return tuple(Sponsor(**row) for row in rows)


def _responsible(lines: list[str]) -> str | None:
    for line in lines:
        if m := re.match(r"Responsibility Role\s*(\S+)", line):
            return m[1]
    return None


def _officials(lines: list[str]) -> tuple[Official, ...]:
    """``Name, degree`` / ``Role: X`` / affiliation, repeated."""
    rows: list[dict] = []
    for line in lines:
        if rows and (m := re.match(r"Role:\s*(.+)", line)):
            rows[-1]["role"] = m[1].strip()
        elif rows and "role" in rows[-1] and "affiliation" not in rows[-1]:
            rows[-1]["affiliation"] = line
        else:
            name, _, degree = line.partition(",")
            rows.append({"name": name.strip(), "degree": degree.strip() or None})
    return tuple(Official(**row) for row in rows)


def _sites(lines: list[str]) -> tuple[Site, ...]:
    """``facility / City, State, Country / [Site Status X]`` repeated; the state may be empty."""
    sites: list[Site] = []
    pending: list[str] = []
    for line in lines:
        if m := re.match(r"Site Status\s*(.*)", line):
            if sites:
                status = vocab.to_enum(m[1], vocab.STATUSES) if m[1] else None
                sites[-1] = replace(sites[-1], status=status)
            continue
        city, state, country = vocab.split_location(line) if "," in line else (None, None, None)
        if country and pending:
            sites.append(Site(facility=" ".join(pending), city=city, state=state, country=country))
            pending = []
        else:
            pending.append(line)
    return tuple(sites)


def _related(sections: list[tuple[str, list[str]]]) -> tuple[RelatedTrial, ...]:
    """``title / NCT id`` pairs under "Related Clinical Trials" and "More Related Trials"."""
    out: list[RelatedTrial] = []
    for header, lines in sections:
        if header not in ("Related Clinical Trials", "More Related Trials"):
            continue
        title: str | None = None
        for line in lines:
            if NCT_LINE.match(line):
                out.append(RelatedTrial(nct_id=line.upper(), title=title, relation=header))
                title = None
            else:
                title = line
    return tuple(out)
