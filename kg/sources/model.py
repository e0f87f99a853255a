"""The typed trial record: what every source parser produces and every later stage consumes.

Records are immutable (frozen dataclasses, tuples for lists). A value the source does not
state is ``None`` or an empty tuple, never invented. Enumerated values use ClinicalTrials.gov
API v2 enum names (``RECRUITING``, ``PHASE2``, ``INTERVENTIONAL`` ...). Dates are ISO 8601
strings that keep the precision the source gives (``2023-09`` or ``2025-10-15``).

``TrialRecord.to_dict()`` gives the JSON shape printed by ``kg extract --json``.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass
from functools import lru_cache
from typing import Any

from kg.sources.model_base import Record
from kg.sources.registry_ids import parse_id
from kg.sources.results_model import Results

NCT_ID = re.compile(r"NCT[0-9]{8}")  # ASCII digits only: ``\d`` also matches Arabic-Indic and full-width digits


@dataclass(frozen=True, slots=True)
class Enrollment(Record):
    count: int | None = None
    type: str | None = None  # ACTUAL | ESTIMATED | None


@dataclass(frozen=True, slots=True)
class Intervention(Record):
    name: str
    type: str | None = None  # DRUG, BIOLOGICAL, COMBINATION_PRODUCT, PROCEDURE, OTHER ...
    description: str | None = None
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Arm(Record):
    label: str
    type: str | None = None  # EXPERIMENTAL, PLACEBO_COMPARATOR, ACTIVE_COMPARATOR ...
    description: str | None = None
    interventions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sponsor(Record):
    name: str
    role: str | None = None  # LEAD | COLLABORATOR | None
    sponsor_class: str | None = field(default=None, metadata={"json": "class"})


@dataclass(frozen=True, slots=True)
class Official(Record):
    name: str
    degree: str | None = None
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Contact(Record):
    """A named contact person. Phone and e-mail are personal data: the graph drops them by default."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class GeoPoint(Record):
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Site(Record):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    status: str | None = None
    zip: str | None = None
    geo: GeoPoint | None = None


@dataclass(frozen=True, slots=True)
class Eligibility(Record):
    min_age: str | None = None
    max_age: str | None = None
    sex: str | None = None  # ALL | FEMALE | MALE
    healthy_volunteers: bool | None = None
    inclusion: tuple[str, ...] = ()
    exclusion: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Design(Record):
    allocation: str | None = None
    intervention_model: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    who_masked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome(Record):
    kind: str  # PRIMARY | SECONDARY | EXPLORATORY (OTHER in API v2)
    measure: str
    time_frame: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedTrial(Record):
    nct_id: str
    title: str | None = None
    status: str | None = None
    phases: tuple[str, ...] = ()
    relation: str | None = None


@dataclass(frozen=True, slots=True)
class MeshTerm(Record):
    id: str | None  # MeSH descriptor UI (D002289); None where the source names only the term
    term: str


@dataclass(frozen=True, slots=True)
class Reference(Record):
    pmid: str | None = None
    type: str | None = None
    citation: str | None = None


@dataclass(frozen=True, slots=True)
class Source(Record):
    path: str
    sha256: str
    format: str
    confidence: float | None = None  # how much of a page the generic extractor could read (kg.sources.generic_page)


@dataclass(frozen=True, slots=True)
class TrialRecord(Record):
    """One trial as one source document states it."""

    source: Source
    nct_id: str | None = None  # the trial's NCT id: its own, or (in another registry's record) the one it names
    registry_id: str | None = None  # the record's own id where its registry is not ClinicalTrials.gov (ICTRP form)
    secondary_ids: tuple[str, ...] = ()
    acronym: str | None = None
    title: str | None = None
    official_title: str | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None
    status: str | None = None
    why_stopped: str | None = None  # the registry's free text on why the trial stopped (or was withdrawn, suspended)
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    enrollment: Enrollment = Enrollment()
    start_date: str | None = None
    start_date_type: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    completion_date_type: str | None = None
    last_updated: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    condition_mesh: tuple[MeshTerm, ...] = ()
    condition_mesh_ancestors: tuple[MeshTerm, ...] = ()  # broader MeSH descriptors the registry lists
    intervention_mesh: tuple[MeshTerm, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    arms: tuple[Arm, ...] = ()
    sponsors: tuple[Sponsor, ...] = ()
    responsible_party: str | None = None
    officials: tuple[Official, ...] = ()
    contacts: tuple[Contact, ...] = ()
    sites: tuple[Site, ...] = ()
    countries: tuple[str, ...] = ()
    eligibility: Eligibility = Eligibility()
    design: Design = Design()
    outcomes: tuple[Outcome, ...] = ()
    related_trials: tuple[RelatedTrial, ...] = ()
    references: tuple[Reference, ...] = ()
    has_results: bool | None = None
    results: Results | None = None  # what the registry posted as results, where the source carries them

    @property
    def trial_id(self) -> str | None:
        """The id the trial is known by in the graph: its NCT id where the record has or names one (most
        registries cross-reference ClinicalTrials.gov, so one trial registered twice is one trial), else its
        own registry id without a national record's suffix (``EUCTR2019-002663-10`` for ``...-10-ES``)."""
        if self.nct_id:
            return self.nct_id
        found = parse_id(self.registry_id)
        return found.id if found else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kg extract --json``: identifiers first, provenance last."""
        data = Record.to_dict(self)
        data["source"] = data.pop("source")
        return data


class RecordError(ValueError):
    """A record holds a value its type does not allow; the message names the field (``sites[3].geo.lat``)."""


def check_record(record: TrialRecord) -> TrialRecord:
    """``record`` itself if every field holds what its type says (text is text, counts are whole numbers
    >= 0, coordinates finite, the NCT id ``NCT`` + 8 ASCII digits, or a registry id of
    ``data/trials/registries.tsv`` for another registry's record); else ``RecordError`` naming the field.

    Parsers map what a source states; this is the one gate that keeps a source's wrong types (a list where
    a term belongs, ``true`` or ``-5`` as an enrollment) out of every later stage, whichever parser ran.
    """
    if record.registry_id is not None and (not isinstance(record.registry_id, str) or parse_id(record.registry_id) is None):
        raise RecordError(f"registry_id: not a trial registry id (got {record.registry_id!r})")
    needs_nct = record.nct_id is not None or record.registry_id is None  # another registry's record may name none
    if needs_nct and (not isinstance(record.nct_id, str) or not NCT_ID.fullmatch(record.nct_id)):
        raise RecordError(f"no valid NCT id (got {record.nct_id!r}; expected NCT and 8 digits)")
    _check(record, "")
    count = record.enrollment.count
    if count is not None and count < 0:
        raise RecordError(f"enrollment.count: a count of participants cannot be negative (got {count})")
    return record


Failure = tuple[str, str] | None  # (where in the value, what was wrong), or None: the value is what its type says
Checker = Callable[[Any], Failure]


def _check(obj: Any, where: str) -> None:
    if failure := _fields_checker(type(obj))(obj):
        raise RecordError(f"{where}{failure[0]}: {failure[1]}")


_FIELD_CHECKERS: dict[type, Checker] = {}


def _fields_checker(cls: type) -> Checker:
    """A checker of every field of a record class (built once per class: the gate runs on every record)."""
    if cls not in _FIELD_CHECKERS:
        _FIELD_CHECKERS[cls] = _make_fields_checker(cls)
    return _FIELD_CHECKERS[cls]


def _make_fields_checker(cls: type) -> Checker:
    fields = [(name, _checker(hint)) for name, hint in typing.get_type_hints(cls).items()]

    def check(obj: Any) -> Failure:
        for name, field_check in fields:
            if failure := field_check(getattr(obj, name)):
                return name + failure[0], failure[1]
        return None
    return check


@lru_cache(maxsize=None)
def _checker(hint: Any) -> Checker:
    """A checker of one type hint: an optional, a tuple of items, a nested record, or a scalar type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _checker(next(h for h in typing.get_args(hint) if h is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        item_check = _checker(item)

        def check_items(value: Any) -> Failure:
            if not isinstance(value, tuple):
                return "", f"expected a list, got {type(value).__name__}"
            for k, v in enumerate(value):
                if failure := item_check(v):
                    return f"[{k}]{failure[0]}", failure[1]
            return None
        return check_items
    if isinstance(hint, type) and is_dataclass(hint):
        def check_record_value(value: Any) -> Failure:
            if not isinstance(value, hint):
                return "", f"expected {hint.__name__}, got {type(value).__name__}"
            failure = _fields_checker(hint)(value)
            return None if failure is None else ("." + failure[0], failure[1])
        return check_record_value
    if hint is float:
        def ok(value: Any) -> bool:
            return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif hint is int:
        def ok(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool)
    else:
        def ok(value: Any) -> bool:
            return isinstance(value, hint)

    def check_scalar(value: Any) -> Failure:
        if ok(value):
            return None
        shown = repr(value) if isinstance(value, (int, float, bool)) else type(value).__name__
        return "", f"expected {_KIND.get(hint, hint.__name__)}, got {shown}"
    return check_scalar


_KIND = {str: "text", int: "a whole number", float: "a finite number", bool: "true or false"}
