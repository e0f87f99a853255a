"""Eligibility criteria lists as registry pages print them: numbered, bulleted, nested, restarted.

A nested list belongs to the item that introduces it ("... except for:", "... requirements;").
Read on its own, a nested item can mean the opposite of what the page says (an exception to an
exclusion criterion is not an exclusion criterion), so nested items are folded into their parent:
``"Active autoimmune disease ...; except for: (1) vitiligo ... (2) ..."``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.sources.vocab import clean, unescape_markdown

_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)、]\s*(.*)$")
_BULLET = re.compile(r"^\s*[•\-*·▪◦]\s*(.*)$")


class _Item:
    __slots__ = ("text", "children")

    def __init__(self, text: str) -> None:
        self.text = text
        self.children: list[_Item] = []

    def render(self) -> str:
        if not self.children:
            return self.text
        subs = " ".join(f"({i}) {c.render()}" for i, c in enumerate(self.children, start=1))
        return f"{self.text} {subs}"


def parse_criteria(lines: Iterable[str]) -> tuple[str, ...]:
    """Criteria from the lines of one list (inclusion or exclusion), numbering removed.

    Numbering rules, in order, for an item numbered ``n``:
    the next number at the current level continues it; ``1`` opens a list nested in the previous
    item; the next number of an enclosing level closes nested lists back to it; anything else is
    a restart and stays at the current level. Bulleted and unnumbered lines are items of their
    own, except that an unnumbered line continues the previous item when that item ends mid-sentence.
    """
    roots: list[_Item] = []
    # stack of (items at this level, next number expected at this level)
    stack: list[tuple[list[_Item], int | None]] = [(roots, None)]
    for raw in lines:
        line = clean(unescape_markdown(raw))
        if not line:
            continue
        numbered = _NUMBERED.match(line)
        if numbered:
            n, text = int(numbered[1]), numbered[2].strip()
            _place_numbered(stack, n, _Item(text))
            continue
        bullet = _BULLET.match(line)
        items, expected = stack[-1]
        if bullet:
            items.append(_Item(bullet[1].strip()))
        elif items and expected is not None and not re.search(r"[.;:!?]$", items[-1].text):
            items[-1].text = f"{items[-1].text} {line}"
        else:
            items.append(_Item(line))
    return tuple(item.render() for item in roots if item.text or item.children)


def _place_numbered(stack: list[tuple[list[_Item], int | None]], n: int, item: _Item) -> None:
    items, expected = stack[-1]
    if expected is None or n == expected:
        items.append(item)
        stack[-1] = (items, n + 1)
        return
    if n == 1 and items:
        stack.append((items[-1].children, 2))
        items[-1].children.append(item)
        return
    for depth in range(len(stack) - 2, -1, -1):
        if stack[depth][1] == n:
            del stack[depth + 1:]
            outer, _ = stack[-1]
            outer.append(item)
            stack[-1] = (outer, n + 1)
            return
    items.append(item)  # a restart: numbering started again at this level
    stack[-1] = (items, n + 1)


# a heading that opens a list: "Inclusion Criteria:", "EXCLUSION CRITERIA", "Study Exclusion Criteria.", "Key Exclusion
# Criteria:", "Exclusion Criteria for Groups 1-3:", "**Exclusion criteria:**", and glued to its first item:
# "Exclusion Criteria:Patients ..." (words after "criteria" without a colon are no heading: "Exclusion criteria apply")
_HEADING = re.compile(
    r"^[\W_]*(?:(?:the|key|main|major|study|general|specific|other|additional|subject|patient|participant|sibling|donor)\s+)*"
    r"(?P<kind>inclusion|exclusion)(?:\s+crit[a-z]{0,3}ria\b(?:(?P<scope>[^:]{1,60}):|\s*[.:]?[\s*_]*$|\s*:"
    r"|\s*(?:for\b|[-\u2013(])(?!.*\b(?:apply|applies|are|is|will|may|must|see)\b)[^:]{0,60}$)|s?\s*:)[\s*_]*(?P<rest>.*)$", re.I)
# a heading at the end of a line, after the last item of the other list ("Cyclosporine up to 5 mg/kg/day EXCLUSION
# CRITERIA:"): written in capitals or title case, not after a word that makes it part of a sentence ("meets the
# exclusion criteria")
_TRAILING_HEADING = re.compile(r"^(?P<before>.*\S)\s+(?P<kind>EXCLUSION CRITERIA|Exclusion Criteria|INCLUSION CRITERIA|"
                               r"Inclusion Criteria)\s*:?\s*$")
_SENTENCE_WORDS = frozenset({"the", "any", "all", "of", "these", "following", "meet", "meets", "met", "no", "other", "above",
                             "below", "study", "and", "or", "with", "per", "protocol", "see", "by"})


_PLAIN_HEADING = re.compile(r"[\W_]*(?:key\s+|main\s+|the\s+)?(?:inclusion|exclusion)(?:\s+crit[a-z]{0,3}ria)?[\s:.*_]*", re.I)


def _heading(line: str) -> tuple[str, str, str] | None:
    """(text before, inclusion|exclusion, text after) when the line holds a list heading, else None. A heading that
    says whom or what its list is for ("Specific exclusion criteria for renal transplant patients:") stays in the list
    as its first item, so the criteria under it keep their scope; a plain one ("Exclusion Criteria:") is dropped."""
    plain = unescape_markdown(line).strip()
    if "clusion" not in plain.lower():
        return None
    if m := _HEADING.match(plain):
        head = plain[: len(plain) - len(m["rest"])] if m["rest"] else plain
        scoped = not _PLAIN_HEADING.fullmatch(head)
        return "", m["kind"].lower(), (head.rstrip(" *_") + (f" {m['rest'].strip()}" if m["rest"] else "")) if scoped \
            else m["rest"].strip()
    if (m := _TRAILING_HEADING.match(plain)) and m["before"].split()[-1].lower().strip(",;") not in _SENTENCE_WORDS:
        return m["before"], m["kind"].split()[0].lower(), ""
    return None


def split_inclusion_exclusion(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a free-text eligibility block (as in API v2 ``eligibilityCriteria``) into two lists, at each heading
    (``_HEADING``, ``_TRAILING_HEADING``); lines before any heading are inclusion criteria."""
    inc: list[str] = []
    exc: list[str] = []
    target: list[str] = inc
    for line in text.splitlines():
        if found := _heading(line):
            before, kind, rest = found
            if before:
                target.append(before)
            target = inc if kind == "inclusion" else exc
            if rest:
                target.append(rest)
            continue
        target.append(line)
    return parse_criteria(inc), parse_criteria(exc)
