"""Helpers shared by the registry-page parsers: lines, sections, shapes of values, prose cues."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kg.sources.model import Intervention
from kg.sources.vocab import clean, unescape_markdown

NCT_LINE = re.compile(r"^NCT[0-9]{8}$", re.I)  # pages write ids in any case (nct06505837); records upper-case them


def page_lines(text: str) -> list[str]:
    """Non-empty lines, white space collapsed (no-break spaces too), Markdown escapes undone."""
    return [c for line in text.splitlines() if (c := clean(unescape_markdown(line)))]


def split_sections(lines: Sequence[str], is_header) -> list[tuple[str, list[str]]]:
    """Cut ``lines`` at header lines: ``[(header, content lines), ...]``; lines before the first
    header come under the header ``''``. ``is_header(lines, i)`` returns the header name or ``None``
    and may look ahead (e.g. for a fixed blurb under the header)."""
    out: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        found = is_header(lines, i)
        if found:
            name, width = found
            out.append((name, []))
            i += width
            continue
        out[-1][1].append(lines[i])
        i += 1
    return out


def first_section(sections: Iterable[tuple[str, list[str]]], name: str) -> list[str]:
    """Content of the first section called ``name`` (empty when the page has none)."""
    for header, content in sections:
        if header == name:
            return content
    return []


def join_text(lines: Iterable[str]) -> str | None:
    """Paragraph lines joined with blank lines between them, ``None`` when there are none."""
    text = "\n\n".join(lines)
    return text or None


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Values in first-seen order, without ``None`` or repeats."""
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)


_AIM_PATTERNS = (
    re.compile(r"\bParticipants will receive (?P<drugs>[^.]+?)\s*\.", re.I),
    re.compile(
        r"\bwe (?:expect|plan|intend|aim) to conduct an? [^.]*?\b(?:study|trial) of "
        r"(?P<drugs>.+?) in (?:patients|participants|subjects)\b",
        re.I,
    ),
)
_COMBINE = re.compile(r"\s*(?:,|\bcombined with\b|\bin combination with\b|\bplus\b|\band\b|\+)\s*", re.I)


def interventions_from_aim(text: str) -> tuple[Intervention, ...]:
    """Interventions stated by the sentence that says what the trial gives.

    Pages without an interventions list (patient portals, summary tables) state the treatment
    in one sentence ("Participants will receive A combined with B and C.", "we expect to
    conduct a study of A combined with B in patients ..."). Only that sentence counts: drugs a
    background section names (earlier trials, guidelines, mechanisms) are not interventions.
    The type is not stated by such a sentence, so it stays ``None``.
    """
    sentences = [s for s in re.split(r"(?<=\.)\s+", text) if len(s) < 3000]  # bounded work per sentence
    for pattern in _AIM_PATTERNS:
        for sentence in sentences:
            if m := pattern.search(sentence):
                names = [n.strip(" .") for n in _COMBINE.split(m["drugs"]) if n.strip(" .")]
                return tuple(Intervention(name=n) for n in unique(names))
    return ()
