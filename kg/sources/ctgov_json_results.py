"""Map an API v2 ``resultsSection`` (participant flow, baseline, outcome measures, adverse events) onto ``Results``.

A value of the wrong JSON type (a list where text belongs, ``"many"`` as a count) is left out rather than guessed;
a group, measurement or event without its id or term is dropped, since nothing could link it.
"""

from __future__ import annotations

from typing import Any

from kg.sources import vocab
from kg.sources.results_model import (AdverseEvent, Analysis, EventCount, EventGroup, GroupCount, Measurement,
                                      Milestone, OutcomeResult, ResultGroup, Results)


def text(value: Any) -> str | None:
    """Text as given, white space collapsed (numbers as their decimal text), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return vocab.clean(value) if isinstance(value, str) else None


def count(value: Any) -> int | None:
    """A whole number of participants or events (from a number or its digits), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _module(section: dict, name: str) -> dict:
    value = section.get(name)
    return value if isinstance(value, dict) else {}


def _groups(items: Any) -> tuple[ResultGroup, ...]:
    return tuple(ResultGroup(gid, text(g.get("title")), text(g.get("description")))
                 for g in _dicts(items) if (gid := text(g.get("id"))))


def _counts(items: Any, key: str = "value") -> tuple[GroupCount, ...]:
    return tuple(GroupCount(gid, count(c.get(key))) for c in _dicts(items) if (gid := text(c.get("groupId"))))


def _analysed(denoms: Any) -> tuple[GroupCount, ...]:
    """The participants analysed per group (the first denominator, in participants where one says so)."""
    rows = _dicts(denoms)
    chosen = next((d for d in rows if str(d.get("units", "")).lower() == "participants"), rows[0] if rows else {})
    return _counts(chosen.get("counts"))


def results(section: Any) -> Results | None:
    """The results of an API v2 ``resultsSection``; None when there is none."""
    if not isinstance(section, dict) or not section:
        return None
    flow, base = _module(section, "participantFlowModule"), _module(section, "baselineCharacteristicsModule")
    events = _module(section, "adverseEventsModule")
    return Results(
        flow_groups=_groups(flow.get("groups")),
        milestones=tuple(_milestones(flow)),
        baseline_groups=_groups(base.get("groups")),
        baseline_analysed=_analysed(base.get("denoms")),
        outcomes=tuple(o for m in _dicts(_module(section, "outcomeMeasuresModule").get("outcomeMeasures"))
                       if (o := _outcome(m))),
        event_groups=tuple(_event_group(g) for g in _dicts(events.get("eventGroups")) if text(g.get("id"))),
        events=tuple(e for serious, key in ((True, "seriousEvents"), (False, "otherEvents"))
                     for item in _dicts(events.get(key)) if (e := _event(item, serious))),
        events_time_frame=text(events.get("timeFrame")),
        events_description=text(events.get("description")),
        events_threshold=text(events.get("frequencyThreshold")),
    )


def _milestones(flow: dict) -> list[Milestone]:
    out = []
    for period in _dicts(flow.get("periods")):
        for m in _dicts(period.get("milestones")):
            if name := text(m.get("type")):
                out.append(Milestone(text(period.get("title")), name, _counts(m.get("achievements"), "numSubjects")))
    return out


def _outcome(m: dict) -> OutcomeResult | None:
    title = text(m.get("title"))
    if not title:
        return None
    return OutcomeResult(
        kind=vocab.to_enum(text(m.get("type")), vocab.OUTCOME_KINDS), title=title, description=text(m.get("description")),
        time_frame=text(m.get("timeFrame")), population=text(m.get("populationDescription")),
        unit=text(m.get("unitOfMeasure")), param_type=text(m.get("paramType")),
        dispersion_type=text(m.get("dispersionType")), groups=_groups(m.get("groups")),
        analysed=_analysed(m.get("denoms")), measurements=tuple(_measurements(m.get("classes"))),
        analyses=tuple(_analysis(a) for a in _dicts(m.get("analyses"))))


def _measurements(classes: Any) -> list[Measurement]:
    out = []
    for cls in _dicts(classes):
        for cat in _dicts(cls.get("categories")):
            row = " / ".join(t for t in (text(cls.get("title")), text(cat.get("title"))) if t) or None
            for v in _dicts(cat.get("measurements")):
                if gid := text(v.get("groupId")):
                    out.append(Measurement(gid, text(v.get("value")), text(v.get("spread")),
                                           text(v.get("lowerLimit")), text(v.get("upperLimit")), row))
    return out


def _analysis(a: dict) -> Analysis:
    ids = a.get("groupIds")
    return Analysis(
        groups=tuple(t for g in ids if (t := text(g))) if isinstance(ids, list) else (),
        method=text(a.get("statisticalMethod")), p_value=text(a.get("pValue")),
        estimate_type=text(a.get("paramType")), estimate=text(a.get("paramValue")),
        ci_percent=text(a.get("ciPctValue")), ci_sides=text(a.get("ciNumSides")),
        ci_lower=text(a.get("ciLowerLimit")), ci_upper=text(a.get("ciUpperLimit")),
        description=text(a.get("groupDescription")) or text(a.get("statisticalComment")))


def _event_group(g: dict) -> EventGroup:
    return EventGroup(
        str(text(g.get("id"))), text(g.get("title")), text(g.get("description")),
        count(g.get("deathsNumAffected")), count(g.get("deathsNumAtRisk")),
        count(g.get("seriousNumAffected")), count(g.get("seriousNumAtRisk")),
        count(g.get("otherNumAffected")), count(g.get("otherNumAtRisk")))


def _event(e: dict, serious: bool) -> AdverseEvent | None:
    term = text(e.get("term"))
    if not term:
        return None
    counts = tuple(EventCount(gid, count(s.get("numAffected")), count(s.get("numAtRisk")), count(s.get("numEvents")))
                   for s in _dicts(e.get("stats")) if (gid := text(s.get("groupId"))))
    return AdverseEvent(term, serious, text(e.get("organSystem")), text(e.get("sourceVocabulary")),
                        text(e.get("assessmentType")), counts)
