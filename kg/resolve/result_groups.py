"""Which arm (and so which interventions) a results group is: matched by title within the one trial, never guessed.

Registries post results per group (``OG000: "Placebo (FAS)"``) and name arms separately (``"Placebo"``); nothing in
the record links them. A group is linked, in this order of trust:

1. ``arm title``: its title is an arm's label (case, punctuation and spacing aside);
2. ``arm title without qualifier``: so after a trailing parenthesis ("(FAS)", "(Safety Set)") is dropped from either;
3. ``single arm``: the trial has one arm and the module one group that is not a total;
4. ``interventions named in title``: else the interventions (by name or other name, whole words, at least four
   characters) its title names ("Sasanlimab (225 mg) + Axitinib (5 mg)"); a drug named as what a placebo matches
   ("Placebo-matched Dupilumab") is not given.

A title matching two arms links to neither; a total group ("Total", "Overall", "All participants") links to nothing.
The description is not read: a placebo group's "placebo matching toripalimab" would link it to toripalimab.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.normalize import fold
from kg.sources.model import Arm, Intervention

_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
_TOTALS = frozenset({"total", "overall", "overall study", "all participants", "all subjects", "all patients",
                     "total title", "all"})
_MIN_NAME = 4
_PLACEBO_FOR = re.compile(r"\bplacebo (?:matched|matching|for|to|of) $|\bmatching placebo (?:for|to|of)? ?$")


@dataclass(frozen=True, slots=True)
class GroupLink:
    """The arms (1-based positions in the record) and interventions a group stands for, and the rule that linked it."""

    arms: tuple[int, ...] = ()
    interventions: tuple[int, ...] = ()
    method: str | None = None


def _key(text: str | None) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text or "")).split())


def _unqualified(text: str | None) -> str:
    return _key(_QUALIFIER.sub("", text or ""))


def is_total(title: str | None) -> bool:
    """True for a group that pools every participant ("Total", "Overall Study")."""
    return _key(title) in _TOTALS


def _arm_interventions(arm: Arm, interventions: Sequence[Intervention]) -> tuple[int, ...]:
    names = set(arm.interventions)
    return tuple(k for k, i in enumerate(interventions, start=1) if i.name in names)


def _spans(name: str, words: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(name) + 2) for m in re.finditer(re.escape(f" {name} "), words)]


def _named_in(title: str, interventions: Sequence[Intervention]) -> tuple[int, ...]:
    """Interventions the title names; a name seen only inside a longer one named there ("baked milk" in
    "non baked milk") does not count."""
    words = f" {_key(title)} "
    spans = {k: [s for n in {_key(n) for n in (item.name, *item.other_names)} if len(n) >= _MIN_NAME
                 for s in _spans(n, words)]
             for k, item in enumerate(interventions, start=1)}
    spans = {k: [s for s in found if not _PLACEBO_FOR.search(words[: s[0] + 1])] for k, found in spans.items()}
    every = [s for found in spans.values() for s in found]

    def inside_longer(s: tuple[int, int]) -> bool:
        return any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0] for o in every)

    return tuple(k for k, found in spans.items() if any(not inside_longer(s) for s in found))


def link_groups(titles: Sequence[tuple[str, str | None]], arms: Sequence[Arm],
                interventions: Sequence[Intervention]) -> dict[str, GroupLink]:
    """For each ``(group id, title)`` of one results module: the group's link (an empty link where none holds)."""
    by_label: dict[str, list[int]] = {}
    by_unqualified: dict[str, list[int]] = {}
    for k, arm in enumerate(arms, start=1):
        by_label.setdefault(_key(arm.label), []).append(k)
        by_unqualified.setdefault(_unqualified(arm.label), []).append(k)
    real = [t for t in titles if not is_total(t[1])]
    out: dict[str, GroupLink] = {}
    for gid, title in titles:
        if is_total(title) or not title:
            out[gid] = GroupLink()
            continue
        found: list[int] = by_label.get(_key(title), [])
        method = "arm title"
        if not found:
            found = by_label.get(_unqualified(title), []) or by_unqualified.get(_unqualified(title), [])
            method = "arm title without qualifier"
        if not found and len(arms) == 1 and len(real) == 1:
            found, method = [1], "single arm"
        if len(found) == 1:
            arm = arms[found[0] - 1]
            out[gid] = GroupLink((found[0],), _arm_interventions(arm, interventions), method)
        elif not found and (named := _named_in(title, interventions)):
            out[gid] = GroupLink((), named, "interventions named in title")
        else:
            out[gid] = GroupLink()
    return out
