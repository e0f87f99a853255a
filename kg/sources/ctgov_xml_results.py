"""Map the ``clinical_results`` of a legacy ``clinical_study`` XML record onto ``Results`` (as the API v2 mapper does).

The XML states a group's adverse-event totals as the event "Total, serious adverse events" (and "Total, other adverse
events") of the category "Total": they become the group's totals, not events. Its assessment and vocabulary are the
section's defaults unless an event states its own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.sources import vocab
from kg.sources.ctgov_json_results import count, text
from kg.sources.xml_text import text_at
from kg.sources.results_model import (AdverseEvent, Analysis, EventCount, EventGroup, GroupCount, Measurement,
                                      Milestone, OutcomeResult, ResultGroup, Results)

def _groups(node: ET.Element | None) -> tuple[ResultGroup, ...]:
    if node is None:
        return ()
    return tuple(ResultGroup(gid, text_at(g, "title"), text_at(g, "description"))
                 for g in node.findall("group_list/group") if (gid := text(g.get("group_id"))))


def _analysed(node: ET.Element | None) -> tuple[GroupCount, ...]:
    if node is None:
        return ()
    rows = node.findall("analyzed_list/analyzed")
    chosen = next((a for a in rows if (text_at(a, "units") or "").lower() == "participants"), rows[0] if rows else None)
    if chosen is None:
        return ()
    return tuple(GroupCount(gid, count(c.get("value"))) for c in chosen.findall("count_list/count")
                 if (gid := text(c.get("group_id"))))


def results(root: ET.Element) -> Results | None:
    """The results of a ``clinical_study`` element's ``clinical_results``; None when it has none."""
    res = root.find("clinical_results")
    if res is None:
        return None
    flow, base, events = res.find("participant_flow"), res.find("baseline"), res.find("reported_events")
    groups, extra = _event_groups(events)
    return Results(
        flow_groups=_groups(flow),
        milestones=tuple(_milestones(flow)),
        baseline_groups=_groups(base),
        baseline_analysed=_analysed(base),
        outcomes=tuple(o for node in res.findall("outcome_list/outcome") if (o := _outcome(node))),
        event_groups=groups,
        events=extra,
        events_time_frame=text_at(events, "time_frame"),
        events_description=text_at(events, "desc"),
        events_threshold=text_at(events, "other_events/frequency_threshold"),
    )


def _milestones(flow: ET.Element | None) -> list[Milestone]:
    out = []
    for period in flow.findall("period_list/period") if flow is not None else ():
        for m in period.findall("milestone_list/milestone"):
            if name := text_at(m, "title"):
                counts = tuple(GroupCount(gid, count(p.get("count"))) for p in m.findall("participants_list/participants")
                               if (gid := text(p.get("group_id"))))
                out.append(Milestone(text_at(period, "title"), name, counts))
    return out


def _outcome(node: ET.Element) -> OutcomeResult | None:
    title = text_at(node, "title")
    if not title:
        return None
    measure = node.find("measure")
    return OutcomeResult(
        kind=vocab.to_enum(text_at(node, "type"), vocab.OUTCOME_KINDS), title=title, description=text_at(node, "description"),
        time_frame=text_at(node, "time_frame"), population=text_at(node, "population"), unit=text_at(measure, "units"),
        param_type=text_at(measure, "param"), dispersion_type=text_at(measure, "dispersion"), groups=_groups(node),
        analysed=_analysed(measure), measurements=tuple(_measurements(measure)),
        analyses=tuple(_analysis(a) for a in node.findall("analysis_list/analysis")))


def _measurements(measure: ET.Element | None) -> list[Measurement]:
    out = []
    for cls in measure.findall("class_list/class") if measure is not None else ():
        for cat in cls.findall("category_list/category"):
            row = " / ".join(t for t in (text_at(cls, "title"), text_at(cat, "title")) if t) or None
            for v in cat.findall("measurement_list/measurement"):
                if gid := text(v.get("group_id")):
                    out.append(Measurement(gid, text(v.get("value")), text(v.get("spread")),
                                           text(v.get("lower_limit")), text(v.get("upper_limit")), row))
    return out


def _analysis(a: ET.Element) -> Analysis:
    return Analysis(
        groups=tuple(t for g in a.findall("group_id_list/group_id") if (t := text(g.text))),
        method=text_at(a, "method"), p_value=text_at(a, "p_value"), estimate_type=text_at(a, "param_type"),
        estimate=text_at(a, "param_value"), ci_percent=text_at(a, "ci_percent"), ci_sides=text_at(a, "ci_n_sides"),
        ci_lower=text_at(a, "ci_lower_limit"), ci_upper=text_at(a, "ci_upper_limit"),
        description=text_at(a, "groups_desc") or text_at(a, "estimate_desc") or text_at(a, "method_desc"))


def _event_groups(events: ET.Element | None) -> tuple[tuple[EventGroup, ...], tuple[AdverseEvent, ...]]:
    """The event groups with their totals, and the adverse events (the totals rows taken out)."""
    if events is None:
        return (), ()
    totals: dict[tuple[str, bool], tuple[int | None, int | None]] = {}
    found: list[AdverseEvent] = []
    for serious, key in ((True, "serious_events"), (False, "other_events")):
        section = events.find(key)
        if section is None:
            continue
        default_vocab, default_assessment = text_at(section, "default_vocab"), text_at(section, "default_assessment")
        for cat in section.findall("category_list/category"):
            organ = text_at(cat, "title")
            for e in cat.findall("event_list/event"):
                sub = e.find("sub_title")
                term = text(sub.text) if sub is not None else None
                counts = tuple(EventCount(gid, count(c.get("subjects_affected")), count(c.get("subjects_at_risk")),
                                          count(c.get("events"))) for c in e.findall("counts")
                               if (gid := text(c.get("group_id"))))
                if organ == "Total" and term and term.lower().startswith("total"):
                    for c in counts:
                        totals[(c.group, serious)] = (c.affected, c.at_risk)
                    continue
                if term:
                    vocab_name = text(sub.get("vocab")) if sub is not None else None
                    assessment = text_at(e, "assessment") or default_assessment
                    found.append(AdverseEvent(term, serious, organ, vocab_name or default_vocab,
                                              vocab.assessment(assessment), counts))
    groups = tuple(EventGroup(g.id, g.title, g.description,
                              serious_affected=totals.get((g.id, True), (None, None))[0],
                              serious_at_risk=totals.get((g.id, True), (None, None))[1],
                              other_affected=totals.get((g.id, False), (None, None))[0],
                              other_at_risk=totals.get((g.id, False), (None, None))[1])
                   for g in _groups(events))
    return groups, tuple(found)
