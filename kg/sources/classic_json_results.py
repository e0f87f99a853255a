"""Map a classic-API ``ResultsSection`` onto ``Results`` (the same record as from API v2 or the XML).

The classic API names every field after its module (``FlowGroupId``, ``SeriousEventStatsNumAffected``) and wraps each
list in an object (``FlowGroupList: {FlowGroup: [...]}``); values are text. A value of the wrong type is left out.
"""

from __future__ import annotations

from typing import Any

from kg.sources import vocab
from kg.sources.ctgov_json_results import count, text
from kg.sources.results_model import (AdverseEvent, Analysis, EventCount, EventGroup, GroupCount, Measurement,
                                      Milestone, OutcomeResult, ResultGroup, Results)


def _d(obj: Any, key: str) -> dict:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _list(obj: Any, wrapper: str, item: str) -> list[dict]:
    """``obj[wrapper][item]`` as a list of objects (``FlowGroupList`` -> ``FlowGroup``)."""
    value = _d(obj, wrapper).get(item)
    if isinstance(value, dict):
        value = [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _groups(module: dict, kind: str) -> tuple[ResultGroup, ...]:
    return tuple(ResultGroup(gid, text(g.get(f"{kind}GroupTitle")), text(g.get(f"{kind}GroupDescription")))
                 for g in _list(module, f"{kind}GroupList", f"{kind}Group") if (gid := text(g.get(f"{kind}GroupId"))))


def _analysed(module: dict, kind: str) -> tuple[GroupCount, ...]:
    rows = _list(module, f"{kind}DenomList", f"{kind}Denom")
    chosen = next((d for d in rows if str(d.get(f"{kind}DenomUnits", "")).lower() == "participants"),
                  rows[0] if rows else {})
    return tuple(GroupCount(gid, count(c.get(f"{kind}DenomCountValue")))
                 for c in _list(chosen, f"{kind}DenomCountList", f"{kind}DenomCount")
                 if (gid := text(c.get(f"{kind}DenomCountGroupId"))))


def results(section: Any) -> Results | None:
    """The results of a classic ``ResultsSection``; None when there is none."""
    if not isinstance(section, dict) or not section:
        return None
    flow, base = _d(section, "ParticipantFlowModule"), _d(section, "BaselineCharacteristicsModule")
    events = _d(section, "AdverseEventsModule")
    return Results(
        flow_groups=_groups(flow, "Flow"),
        milestones=tuple(_milestones(flow)),
        baseline_groups=_groups(base, "Baseline"),
        baseline_analysed=_analysed(base, "Baseline"),
        outcomes=tuple(o for m in _list(_d(section, "OutcomeMeasuresModule"), "OutcomeMeasureList", "OutcomeMeasure")
                       if (o := _outcome(m))),
        event_groups=tuple(_event_group(g) for g in _list(events, "EventGroupList", "EventGroup") if text(g.get("EventGroupId"))),
        events=tuple(e for serious, kind in ((True, "Serious"), (False, "Other"))
                     for item in _list(events, f"{kind}EventList", f"{kind}Event") if (e := _event(item, kind, serious))),
        events_time_frame=text(events.get("EventsTimeFrame")),
        events_description=text(events.get("EventsDescription")),
        events_threshold=text(events.get("EventsFrequencyThreshold")),
    )


def _milestones(flow: dict) -> list[Milestone]:
    out = []
    for period in _list(flow, "FlowPeriodList", "FlowPeriod"):
        for m in _list(period, "FlowMilestoneList", "FlowMilestone"):
            if name := text(m.get("FlowMilestoneType")):
                counts = tuple(GroupCount(gid, count(a.get("FlowAchievementNumSubjects")))
                               for a in _list(m, "FlowAchievementList", "FlowAchievement")
                               if (gid := text(a.get("FlowAchievementGroupId"))))
                out.append(Milestone(text(period.get("FlowPeriodTitle")), name, counts))
    return out


def _outcome(m: dict) -> OutcomeResult | None:
    title = text(m.get("OutcomeMeasureTitle"))
    if not title:
        return None
    return OutcomeResult(
        kind=vocab.to_enum(text(m.get("OutcomeMeasureType")), vocab.OUTCOME_KINDS), title=title,
        description=text(m.get("OutcomeMeasureDescription")), time_frame=text(m.get("OutcomeMeasureTimeFrame")),
        population=text(m.get("OutcomeMeasurePopulationDescription")), unit=text(m.get("OutcomeMeasureUnitOfMeasure")),
        param_type=text(m.get("OutcomeMeasureParamType")), dispersion_type=text(m.get("OutcomeMeasureDispersionType")),
        groups=_groups(m, "Outcome"), analysed=_analysed(m, "Outcome"), measurements=tuple(_measurements(m)),
        analyses=tuple(_analysis(a) for a in _list(m, "OutcomeAnalysisList", "OutcomeAnalysis")))


def _measurements(m: dict) -> list[Measurement]:
    out = []
    for cls in _list(m, "OutcomeClassList", "OutcomeClass"):
        for cat in _list(cls, "OutcomeCategoryList", "OutcomeCategory"):
            row = " / ".join(t for t in (text(cls.get("OutcomeClassTitle")), text(cat.get("OutcomeCategoryTitle"))) if t) or None
            for v in _list(cat, "OutcomeMeasurementList", "OutcomeMeasurement"):
                if gid := text(v.get("OutcomeMeasurementGroupId")):
                    out.append(Measurement(gid, text(v.get("OutcomeMeasurementValue")), text(v.get("OutcomeMeasurementSpread")),
                                           text(v.get("OutcomeMeasurementLowerLimit")),
                                           text(v.get("OutcomeMeasurementUpperLimit")), row))
    return out


def _analysis(a: dict) -> Analysis:
    ids = _d(a, "OutcomeAnalysisGroupIdList").get("OutcomeAnalysisGroupId")
    ids = ids if isinstance(ids, list) else [ids]
    return Analysis(
        groups=tuple(t for g in ids if (t := text(g))),
        method=text(a.get("OutcomeAnalysisStatisticalMethod")), p_value=text(a.get("OutcomeAnalysisPValue")),
        estimate_type=text(a.get("OutcomeAnalysisParamType")), estimate=text(a.get("OutcomeAnalysisParamValue")),
        ci_percent=text(a.get("OutcomeAnalysisCIPctValue")), ci_sides=text(a.get("OutcomeAnalysisCINumSides")),
        ci_lower=text(a.get("OutcomeAnalysisCILowerLimit")), ci_upper=text(a.get("OutcomeAnalysisCIUpperLimit")),
        description=text(a.get("OutcomeAnalysisGroupDescription")) or text(a.get("OutcomeAnalysisStatisticalComment")))


def _event_group(g: dict) -> EventGroup:
    return EventGroup(
        str(text(g.get("EventGroupId"))), text(g.get("EventGroupTitle")), text(g.get("EventGroupDescription")),
        count(g.get("EventGroupDeathsNumAffected")), count(g.get("EventGroupDeathsNumAtRisk")),
        count(g.get("EventGroupSeriousNumAffected")), count(g.get("EventGroupSeriousNumAtRisk")),
        count(g.get("EventGroupOtherNumAffected")), count(g.get("EventGroupOtherNumAtRisk")))


def _event(e: dict, kind: str, serious: bool) -> AdverseEvent | None:
    term = text(e.get(f"{kind}EventTerm"))
    if not term:
        return None
    counts = tuple(EventCount(gid, count(s.get(f"{kind}EventStatsNumAffected")), count(s.get(f"{kind}EventStatsNumAtRisk")),
                              count(s.get(f"{kind}EventStatsNumEvents")))
                   for s in _list(e, f"{kind}EventStatsList", f"{kind}EventStats")
                   if (gid := text(s.get(f"{kind}EventStatsGroupId"))))
    return AdverseEvent(term, serious, text(e.get(f"{kind}EventOrganSystem")), text(e.get(f"{kind}EventSourceVocabulary")),
                        vocab.assessment(text(e.get(f"{kind}EventAssessmentType"))), counts)
