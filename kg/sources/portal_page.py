"""Parser for the patient-portal page layout (seed page 003).

A recruitment site: the title (printed twice: brief then official title), a strip of unlabelled
values (status, age range, sex, phase), an AI-written "Overview" holding the endpoints and the
sentence that says what participants receive, the criteria, and a "Study details" block
(conditions, NCT id, the site as "Facility, City, Country", the date the record was last updated).
"""

from __future__ import annotations

import re

from kg.sources.model import Eligibility, Outcome, Site, Source, TrialRecord
from kg.sources import vocab
from kg.sources.criteria import parse_criteria
from kg.sources.page import (NCT_LINE, first_section, interventions_from_aim, join_text, page_lines,
                             split_sections, unique)

FORMAT = "page-patient-portal"

_HEADINGS = {"Overview": "Overview", "Eligibility": "Eligibility", "Inclusion Criteria:": "Inclusion",
             "Exclusion Criteria:": "Exclusion", "Study details": "Study details",
             "Powered by AI": "Powered by AI", "FAQs": "FAQs"}
_END_OF_DETAILS = re.compile(r"^Step \d|^We have submitted|^Send a message|^Sign up")
_ENDPOINT = re.compile(r"^(Primary|Secondary|Exploratory|Other) (?:endpoints?|outcomes?):?$", re.I)


def detect(text: str) -> bool:
    """True for a page in this layout."""
    return "Get in touch with the nearest study center" in text or (
        "Powered by AI" in text and "Study details" in text)


def _header(lines: list[str], i: int) -> tuple[str, int] | None:
    name = _HEADINGS.get(lines[i])
    return (name, 1) if name else None


def parse(text: str, source: Source) -> TrialRecord:
    """Read one page of this layout into a record."""
    sections = split_sections(page_lines(text), _header)
    head = [l for l in first_section(sections, "") if l != "Image"]
    overview = first_section(sections, "Overview")
    summary, outcomes = _overview(overview)
    details = _details(first_section(sections, "Study details"))
    values = _strip_values(head)
    return TrialRecord(
        source=source,
        title=head[0] if head else None,
        official_title=head[1] if len(head) > 1 and _is_value(head[1]) is None else None,
        brief_summary=join_text(summary),
        status=values.get("status"),
        phases=values.get("phases", ()),
        interventions=interventions_from_aim(" ".join(overview)),
        eligibility=Eligibility(
            min_age=values.get("min_age"), max_age=values.get("max_age"), sex=values.get("sex"),
            inclusion=parse_criteria(first_section(sections, "Inclusion")),
            exclusion=parse_criteria(first_section(sections, "Exclusion")),
        ),
        outcomes=outcomes,
        **details,
    )


def _is_value(line: str) -> str | None:
    """The kind of value a line of the strip under the title holds, or ``None``."""
    if vocab.to_enum(line, vocab.STATUSES):
        return "status"
    if vocab.to_enum(line, vocab.SEXES):
        return "sex"
    if re.match(r"^(Early )?Phase \d", line, re.I) or line in ("N/A", "Not Applicable"):
        return "phases"
    if re.search(r"\d+\s*(years?|months?)", line, re.I) and len(line) < 40:
        return "ages"
    return None


def _strip_values(head: list[str]) -> dict:
    out: dict = {}
    for line in head[1:]:
        kind = _is_value(line)
        if kind == "status":
            out["status"] = vocab.to_enum(line, vocab.STATUSES)
        elif kind == "sex":
            out["sex"] = vocab.to_enum(line, vocab.SEXES)
        elif kind == "phases":
            out["phases"] = vocab.parse_phases(line)
        elif kind == "ages":
            ages = re.findall(r"\d+\s*(?:years?|months?)", line, re.I)
            if re.search(r"older|\+|and over", line, re.I):
                out["min_age"] = vocab.parse_age(ages[0])
            elif re.search(r"younger|under|up to", line, re.I):
                out["max_age"] = vocab.parse_age(ages[0])
            elif m := re.match(r"(\d+)\s*(?:-|to)\s*(\d+)\s*(years?|months?)", line, re.I):
                out["min_age"] = vocab.parse_age(f"{m[1]} {m[3]}")
                out["max_age"] = vocab.parse_age(f"{m[2]} {m[3]}")
    return out


def _overview(lines: list[str]) -> tuple[list[str], tuple[Outcome, ...]]:
    """Summary paragraphs and the endpoints listed under "Primary/Secondary/Exploratory endpoint:"."""
    summary: list[str] = []
    outcomes: list[Outcome] = []
    kind: str | None = None
    block: list[str] = []

    def flush() -> None:
        for measure in parse_criteria(block):
            outcomes.append(Outcome(kind=kind, measure=measure.rstrip(";.").strip()))  # type: ignore[arg-type]
        block.clear()

    for line in lines:
        if m := _ENDPOINT.match(line):
            if kind:
                flush()
            kind = "EXPLORATORY" if m[1].lower() in ("exploratory", "other") else m[1].upper()
        elif kind and not re.match(r"^\d+[.)]|^[•\-]", line) and block and line[0].isupper():
            flush()
            kind = None
            summary.append(line)
        elif kind:
            block.append(line)
        else:
            summary.append(line)
    if kind:
        flush()
    return summary, tuple(outcomes)


def _details(lines: list[str]) -> dict:
    """Conditions, NCT id, "Facility, City, [State,] Country" and the last-updated date."""
    conditions: list[str] = []
    sites: list[Site] = []
    out: dict = {}
    for line in lines:
        if _END_OF_DETAILS.match(line):
            break
        if NCT_LINE.match(line):
            out["nct_id"] = line.upper()
        elif date := vocab.parse_date(line):
            out["last_updated"] = date
        elif "," in line and (site := _site(line)):
            sites.append(site)
        elif "nct_id" not in out:
            conditions.append(line)
    out["conditions"] = tuple(conditions)
    out["sites"] = tuple(sites)
    out["countries"] = unique(s.country for s in sites)
    return out


def _site(line: str) -> Site | None:
    facility, _, place = line.partition(",")
    city, state, country = vocab.split_location(place)
    if not country:
        return None
    return Site(facility=facility.strip(), city=city, state=state, country=country)
