"""The typed results of a trial: participant flow, baseline counts, outcome measures with their per-group values and
analyses, adverse events with their per-group counts — as a registry posts them (ClinicalTrials.gov results).

Every group belongs to one results module and is named by the registry's own id (``FG000``, ``BG000``, ``OG000``,
``EG000`` in API v2; ``P1``, ``B1``, ``O1``, ``E1`` in the XML). Numbers the registry states as text (a measured value,
a p-value like ``<0.001``) stay text as given; counts are whole numbers. What the source does not state is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.sources.model_base import Record


@dataclass(frozen=True, slots=True)
class ResultGroup(Record):
    """A group of participants as a results module names it (usually one arm, sometimes a pooled or total group)."""

    id: str
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class GroupCount(Record):
    """How many participants of a group (analysed, starting a period, ...)."""

    group: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Milestone(Record):
    """One row of the participant flow: a period's milestone (``STARTED``, ``COMPLETED``, ``NOT COMPLETED``, or
    the registry's own words) with its count per group."""

    period: str | None
    milestone: str
    counts: tuple[GroupCount, ...] = ()


@dataclass(frozen=True, slots=True)
class Measurement(Record):
    """One value of an outcome measure for one group (and category, where the measure has categories)."""

    group: str
    value: str | None = None  # as given: "47.2", "NA"
    spread: str | None = None  # the dispersion value (standard deviation ...)
    lower: str | None = None  # the lower and upper limits (of a range or confidence interval)
    upper: str | None = None
    category: str | None = None  # the row: a class and/or category title ("Male", ">=65 years")


@dataclass(frozen=True, slots=True)
class Analysis(Record):
    """A statistical analysis comparing groups of one outcome measure."""

    groups: tuple[str, ...] = ()
    method: str | None = None
    p_value: str | None = None  # as given: "0.59", "<0.001"
    estimate_type: str | None = None  # "Hazard Ratio (HR)", "Odds Ratio (OR)"
    estimate: str | None = None
    ci_percent: str | None = None
    ci_sides: str | None = None
    ci_lower: str | None = None
    ci_upper: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeResult(Record):
    """The posted result of one outcome measure."""

    kind: str | None  # PRIMARY | SECONDARY | EXPLORATORY | POST_HOC
    title: str
    description: str | None = None
    time_frame: str | None = None
    population: str | None = None
    unit: str | None = None
    param_type: str | None = None  # MEAN, MEDIAN, NUMBER, COUNT_OF_PARTICIPANTS ...
    dispersion_type: str | None = None  # STANDARD_DEVIATION, 95% Confidence Interval ...
    groups: tuple[ResultGroup, ...] = ()
    analysed: tuple[GroupCount, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    analyses: tuple[Analysis, ...] = ()


@dataclass(frozen=True, slots=True)
class EventGroup(Record):
    """An adverse-event group with its totals (deaths, serious and other events: affected of at risk)."""

    id: str
    title: str | None = None
    description: str | None = None
    deaths_affected: int | None = None
    deaths_at_risk: int | None = None
    serious_affected: int | None = None
    serious_at_risk: int | None = None
    other_affected: int | None = None
    other_at_risk: int | None = None


@dataclass(frozen=True, slots=True)
class EventCount(Record):
    """One adverse event in one group: participants affected of those at risk, and the number of events."""

    group: str
    affected: int | None = None
    at_risk: int | None = None
    events: int | None = None


@dataclass(frozen=True, slots=True)
class AdverseEvent(Record):
    """One adverse event term (as given, often a MedDRA preferred term) and its counts per group."""

    term: str
    serious: bool
    organ_system: str | None = None
    vocabulary: str | None = None
    assessment: str | None = None  # SYSTEMATIC_ASSESSMENT | NON_SYSTEMATIC_ASSESSMENT
    counts: tuple[EventCount, ...] = ()


@dataclass(frozen=True, slots=True)
class Results(Record):
    """Everything a registry posted as results for one trial."""

    flow_groups: tuple[ResultGroup, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    baseline_groups: tuple[ResultGroup, ...] = ()
    baseline_analysed: tuple[GroupCount, ...] = ()
    outcomes: tuple[OutcomeResult, ...] = ()
    event_groups: tuple[EventGroup, ...] = ()
    events: tuple[AdverseEvent, ...] = ()
    events_time_frame: str | None = None
    events_description: str | None = None
    events_threshold: str | None = None  # the frequency threshold (%) above which other events are reported
