"""Parser for the "Clinical Trial Summary" page layout (seed page 004).

No title and no interventions list: a long summary (often a background review that names many
drugs the trial does not give), a description, a key/value table ("NCT number", "Source",
"Contact", "Phone", "Email", "Status", "Phase", "Start date" ...), and a "See also" list of other
trials, one per line: ``<status> NCT######## - <title> [<phase>]``.
"""

from __future__ import annotations

import re

from kg.sources.model import Contact, RelatedTrial, Source, Sponsor, TrialRecord
from kg.sources import vocab
from kg.sources.page import (first_section, interventions_from_aim, join_text, page_lines,
                             split_sections)

FORMAT = "page-summary-table"

_HEADINGS = frozenset({"Clinical Trial Summary", "Clinical Trial Description", "Study Design",
                       "Related Conditions & MeSH terms", "See also"})
_KEYS = ("NCT number", "Study type", "Source", "Contact", "Phone", "Email", "Status", "Phase",
         "Start date", "Completion date", "Primary completion date", "Enrollment", "Acronym")
_KEY_RE = re.compile(r"^(%s)\s+(.+)$" % "|".join(re.escape(k) for k in _KEYS))
_SEE_ALSO = re.compile(r"^(?P<status>.*?)\s*(?P<nct>NCT[0-9]{8})\s+-\s+(?P<rest>.+)$", re.I)
_TRAILING_PHASE = re.compile(r"\s+((?:Early )?Phase \d(?:/(?:Early )?Phase \d)*|N/A)$")


def detect(text: str) -> bool:
    """True for a page in this layout."""
    return "Clinical Trial Summary" in text and "NCT number" in text


def _header(lines: list[str], i: int) -> tuple[str, int] | None:
    return (lines[i], 1) if lines[i] in _HEADINGS else None


def parse(text: str, source: Source) -> TrialRecord:
    """Read one page of this layout into a record."""
    sections = split_sections(page_lines(text), _header)
    table: dict[str, str] = {}
    conditions: list[str] = []
    for line in first_section(sections, "Related Conditions & MeSH terms"):
        if m := _KEY_RE.match(line):
            table.setdefault(m[1], m[2].strip())
        elif not table:  # conditions are listed above the table
            conditions.append(line)
    summary = first_section(sections, "Clinical Trial Summary")
    description = first_section(sections, "Clinical Trial Description")
    contact = Contact(name=table.get("Contact"), phone=table.get("Phone"), email=table.get("Email"))
    return TrialRecord(
        source=source,
        nct_id=(table.get("NCT number") or "").upper() or None,
        acronym=table.get("Acronym"),
        brief_summary=join_text(summary),
        detailed_description=join_text(l for l in description if l != ";"),
        status=vocab.to_enum(table.get("Status"), vocab.STATUSES),
        phases=vocab.parse_phases(table.get("Phase")),
        study_type=vocab.to_enum(table.get("Study type"), vocab.STUDY_TYPES),
        start_date=vocab.parse_date(table.get("Start date")),
        primary_completion_date=vocab.parse_date(table.get("Primary completion date")),
        completion_date=vocab.parse_date(table.get("Completion date")),
        conditions=tuple(conditions),
        interventions=interventions_from_aim(" ".join(summary + description)),
        sponsors=(Sponsor(name=table["Source"], role="LEAD"),) if "Source" in table else (),
        contacts=(contact,) if any((contact.name, contact.phone, contact.email)) else (),
        related_trials=_see_also(first_section(sections, "See also")),
    )


def _see_also(lines: list[str]) -> tuple[RelatedTrial, ...]:
    out: list[RelatedTrial] = []
    for line in lines:
        m = _SEE_ALSO.match(line)
        if not m:
            continue
        title, phases = m["rest"].strip(), tuple[str, ...]()
        if p := _TRAILING_PHASE.search(title):
            title, phases = title[:p.start()].strip(), vocab.parse_phases(p[1])
        out.append(RelatedTrial(nct_id=m["nct"].upper(), title=title, phases=phases, relation="See also",
                                status=vocab.to_enum(m["status"], vocab.STATUSES)))
    return tuple(out)
