"""A trial's posted results become RDF, in the trial's named graph (``kg.build`` calls ``results_quads``).

Each results module's groups are ``tkg:ResultGroup`` nodes linked to the trial's arm (``tkg:armGroup``) and to the
interventions the group received (``tkg:groupIntervention``, through the arm or by name: ``kg.resolve.result_groups``,
the rule kept as ``tkg:groupLinkMethod``), so an intervention's resolved drugs reach its groups' values and events.
An outcome measure's result is a W3C Data Cube data set (``qb:DataSet``) whose values are observations
(``qb:Observation``: one group, one category); an adverse event is one term of one trial with its count per group.
Values the registry gives as text stay as given (``tkg:valueText``, ``tkg:pValueText``); where they are plain
numbers they are also ``xsd:decimal`` (``tkg:value``, ``tkg:pValue``) for sorting and comparing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from pyoxigraph import NamedNode

from kg import iris
from kg.namespaces import DCT, QB
from kg.normalize import fold
from kg.resolve.result_groups import link_groups
from kg.sources.model import TrialRecord
from kg.sources.results_model import GroupCount, ResultGroup, Results

if TYPE_CHECKING:
    from kg.build import GraphQuads

T = iris.term
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_COMPARED = re.compile(rf"^\s*(<=|>=|≤|≥|<|>|=)?\s*({_NUMBER.pattern})\s*$")
_COMPARATORS = {"≤": "<=", "≥": ">="}
_SUMMARY_MILESTONES = frozenset({"STARTED", "COMPLETED", "NOT COMPLETED"})
STRUCTURE = T("outcomeResultStructure")  # the Data Cube structure of every outcome result (ontology/trialkg.ttl)


def number(text: str | None) -> float | None:
    """The value of a plain decimal number ("47.2", "-3", ".5"); None for anything else ("NA", "<0.001", "1e-5")."""
    if text is None or not _NUMBER.fullmatch(text.strip()):
        return None
    return float(text)


def p_value(text: str | None) -> tuple[str | None, float | None]:
    """A p-value's comparator and number: ``"<0.001"`` -> ``("<", 0.001)``; ``"0.59"`` and ``"=0.59"`` -> ``(None, 0.59)``."""
    m = _COMPARED.match(text or "")
    if not m:
        return None, None
    return (_COMPARATORS.get(m[1], m[1]) if m[1] and m[1] != "=" else None), float(m[2])


def results_quads(out: GraphQuads, t: NamedNode, r: TrialRecord) -> None:
    """The quads of ``r.results`` (nothing when the record has none)."""
    res = r.results
    if res is None:
        return
    base = f"{t.value}/results"
    _groups(out, t, r, f"{base}/flow", res.flow_groups, "FlowGroup", ())
    _milestones(out, t, res, f"{base}/flow")
    _groups(out, t, r, f"{base}/baseline", res.baseline_groups, "BaselineGroup", res.baseline_analysed)
    _outcomes(out, t, r, base)
    _events(out, t, r, res, base)


def _group_iri(prefix: str, gid: str) -> NamedNode:
    return NamedNode(f"{prefix}/group/{quote(gid, safe='')}")


def _groups(out: GraphQuads, owner: NamedNode, r: TrialRecord, prefix: str, groups: tuple[ResultGroup, ...], cls: str,
            analysed: tuple[GroupCount, ...]) -> None:
    """The groups of one results module, each a ``tkg:resultGroup`` of ``owner`` (the trial, or an outcome result)."""
    t = iris.trial(r.nct_id or "")
    links = link_groups([(g.id, g.title) for g in groups], r.arms, r.interventions)
    counts = {c.group: c.count for c in analysed}
    for g in groups:
        node = _group_iri(prefix, g.id)
        out.add(owner, T("resultGroup"), node)
        out.a(node, cls)
        out.add(node, T("groupId"), g.id)
        out.add(node, RDFS_LABEL, g.title)
        out.add(node, DCT + "description", g.description)
        out.add(node, T("participants"), counts.get(g.id))
        link = links[g.id]
        out.add(node, T("groupLinkMethod"), link.method)
        for k in link.arms:
            out.add(node, T("armGroup"), NamedNode(iris.part(t, "arm", k)))
        for k in link.interventions:
            out.add(node, T("groupIntervention"), NamedNode(iris.part(t, "intervention", k)))


def _milestones(out: GraphQuads, t: NamedNode, res: Results, prefix: str) -> None:
    for k, m in enumerate(res.milestones, start=1):
        if m.milestone.upper() not in _SUMMARY_MILESTONES:  # the flow's summary; the record keeps every milestone
            continue
        for c in m.counts:
            node = NamedNode(f"{prefix}/milestone/{k}/{quote(c.group, safe='')}")
            out.add(t, T("flowMilestone"), node)
            out.a(node, "MilestoneCount")
            out.add(node, T("period"), m.period)
            out.add(node, T("milestone"), m.milestone)
            out.add(node, T("ofGroup"), _group_iri(prefix, c.group))
            out.add(node, T("participants"), c.count)


def _outcomes(out: GraphQuads, t: NamedNode, r: TrialRecord, base: str) -> None:
    planned = {fold(o.measure): k for k, o in enumerate(r.outcomes, start=1)}
    for k, o in enumerate(r.results.outcomes if r.results else (), start=1):
        prefix = f"{base}/outcome/{k}"
        node = NamedNode(prefix)
        out.add(t, T("outcomeResult"), node)
        out.a(node, "OutcomeResult")
        out.add(node, QB + "structure", NamedNode(STRUCTURE))
        out.add(node, RDFS_LABEL, o.title)
        out.add(node, DCT + "description", o.description)
        if o.kind:
            out.add(node, T("outcomeKind"), NamedNode(iris.enum("outcomeKind", o.kind)))
        if fold(o.title) in planned:  # the registered outcome this result reports
            out.add(node, T("reportsOutcome"), NamedNode(iris.part(t.value, "outcome", planned[fold(o.title)])))
        out.add(node, T("timeFrame"), o.time_frame)
        out.add(node, T("population"), o.population)
        out.add(node, T("unitOfMeasure"), o.unit)
        out.add(node, T("paramType"), o.param_type)
        out.add(node, T("dispersionType"), o.dispersion_type)
        _groups(out, node, r, prefix, o.groups, "OutcomeGroup", o.analysed)
        for j, m in enumerate(o.measurements, start=1):
            v = NamedNode(f"{prefix}/value/{j}")
            out.a(v, "Measurement")
            out.add(v, QB + "dataSet", node)
            out.add(v, T("ofGroup"), _group_iri(prefix, m.group))
            out.add(v, T("category"), m.category)
            out.add(v, T("valueText"), m.value)
            for prop, text in (("value", m.value), ("spread", m.spread), ("lowerLimit", m.lower), ("upperLimit", m.upper)):
                out.add(v, T(prop), number(text))
        for j, a in enumerate(o.analyses, start=1):
            n = NamedNode(f"{prefix}/analysis/{j}")
            out.add(node, T("analysis"), n)
            out.a(n, "StatisticalAnalysis")
            for gid in a.groups:
                out.add(n, T("comparesGroup"), _group_iri(prefix, gid))
            out.add(n, T("statisticalMethod"), a.method)
            out.add(n, T("pValueText"), a.p_value)
            comparator, p = p_value(a.p_value)
            out.add(n, T("pValue"), p)
            out.add(n, T("pValueComparator"), comparator)
            out.add(n, T("estimateType"), a.estimate_type)
            out.add(n, T("estimate"), number(a.estimate))
            out.add(n, T("ciPercent"), number(a.ci_percent))
            out.add(n, T("ciSides"), a.ci_sides)
            out.add(n, T("ciLowerLimit"), number(a.ci_lower))
            out.add(n, T("ciUpperLimit"), number(a.ci_upper))
            out.add(n, DCT + "description", a.description)


def _events(out: GraphQuads, t: NamedNode, r: TrialRecord, res: Results, base: str) -> None:
    prefix = f"{base}/events"
    out.add(t, T("eventsTimeFrame"), res.events_time_frame)
    out.add(t, T("eventsDescription"), res.events_description)
    out.add(t, T("eventsThreshold"), number(res.events_threshold))
    groups = tuple(ResultGroup(g.id, g.title, g.description) for g in res.event_groups)
    _groups(out, t, r, prefix, groups, "AdverseEventGroup", ())
    for g in res.event_groups:
        node = _group_iri(prefix, g.id)
        for prop, value in (("deathsAffected", g.deaths_affected), ("deathsAtRisk", g.deaths_at_risk),
                            ("seriousAffected", g.serious_affected), ("seriousAtRisk", g.serious_at_risk),
                            ("otherAffected", g.other_affected), ("otherAtRisk", g.other_at_risk)):
            out.add(node, T(prop), value)
    for k, e in enumerate(res.events, start=1):
        node = NamedNode(f"{prefix}/event/{k}")
        out.add(t, T("adverseEvent"), node)
        out.a(node, "AdverseEvent")
        out.add(node, RDFS_LABEL, e.term)
        out.add(node, T("serious"), e.serious)
        out.add(node, T("organSystem"), e.organ_system)
        out.add(node, T("eventVocabulary"), e.vocabulary)
        out.add(node, T("assessmentType"), e.assessment)
        for c in e.counts:
            n = NamedNode(f"{prefix}/event/{k}/{quote(c.group, safe='')}")
            out.add(node, T("eventCount"), n)
            out.a(n, "EventCount")
            out.add(n, T("ofGroup"), _group_iri(prefix, c.group))
            out.add(n, T("affected"), c.affected)
            out.add(n, T("atRisk"), c.at_risk)
            out.add(n, T("events"), c.events)
