"""Date and time literals checked lexically and by value, whichever SHACL engine runs.

The engines tried all accept some ill-formed values of the datatypes our shapes use (``"2023-13"^^xsd:gYearMonth``
passes pyshacl and shacl; see ``kg.validation.engines``). This module checks every literal typed ``xsd:date``,
``xsd:gYearMonth``, ``xsd:gYear`` or ``xsd:dateTime`` against the XML Schema 1.1 lexical space and its values: no
month 13, no 30 February, 29 February only in leap years, hours to 24:00:00 only, time zones within ±14:00. A
literal that fails is a ``DatatypeConstraintComponent`` violation (``sh:datatype`` is exactly "a well-formed literal
of that datatype"), added where a shape constrains that datatype and the engine did not already report it.
"""

from __future__ import annotations

import calendar
import re

import rdflib
from rdflib.namespace import RDF, SH

from kg.namespaces import XSD
from kg.validation.engines import Result

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_PATTERNS = {
    XSD + "gYear": re.compile(rf"(?P<y>{_YEAR}){_TZ}"),
    XSD + "gYearMonth": re.compile(rf"(?P<y>{_YEAR})-(?P<m>\d\d){_TZ}"),
    XSD + "date": re.compile(rf"(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d){_TZ}"),
    XSD + "dateTime": re.compile(rf"(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)T(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)(?P<f>\.\d+)?{_TZ}"),
}
DATATYPES = frozenset(_PATTERNS)


def problem(lexical: str, datatype: str) -> str | None:
    """Why ``lexical`` is not a value of ``datatype`` (one of ``DATATYPES``), or None when it is one."""
    m = _PATTERNS[datatype].fullmatch(lexical)
    if m is None:
        return f"not in the lexical space of xsd:{datatype.removeprefix(XSD)}"
    parts = m.groupdict()
    if parts.get("m") is not None and not 1 <= int(parts["m"]) <= 12:
        return f"month {parts['m']}"
    if parts.get("d") is not None:
        year = int(parts["y"])
        days = calendar.monthrange(year if year > 0 else 2000 if year % 4 == 0 else 2001, int(parts["m"]))[1]
        if not 1 <= int(parts["d"]) <= days:
            return f"day {parts['d']} of month {parts['m']}"
    if parts.get("h") is not None:
        h, mi, s, f = int(parts["h"]), int(parts["mi"]), int(parts["s"]), parts["f"] or ""
        if h == 24 and (mi, s) == (0, 0) and not f.strip(".0"):
            return None
        if h > 23 or mi > 59 or s > 59:
            return f"time {parts['h']}:{parts['mi']}:{parts['s']}"
    return None


_NT_DATE = re.compile(r'^(\S+) <([^>]+)> "([^"\\]*)"\^\^<(http://www\.w3\.org/2001/XMLSchema#(?:date|gYearMonth|gYear|dateTime))> \.$',
                      re.M)


def date_results_text(ntriples: str, constrained: dict[str, tuple[frozenset[str], str]]) -> list[Result]:
    """A violation for each ill-formed date or time literal in N-Triples text at a predicate whose shapes constrain
    its datatype (``constrained``: predicate IRI -> the date datatypes allowed there and the shape, from
    ``constraints``). One regular expression over the text: no RDF terms are made."""
    out = []
    for m in _NT_DATE.finditer(ntriples):
        subject, predicate, lexical, datatype = m.groups()
        allowed, shape = constrained.get(predicate, ((), ""))
        if datatype in allowed and (why := problem(lexical, datatype)):
            out.append(Result(focus=subject, path=f"<{predicate}>", severity="Violation", component="DatatypeConstraintComponent",
                              source_shape=shape, root_shape=shape, value=f'"{lexical}"^^<{datatype}>', value_plain=lexical,
                              message=f"ill-formed {lexical!r}: {why}"))
    return out


def merged(engine_results: list[Result], extra: list[Result]) -> list[Result]:
    """The engine's results and the date checks' that the engine did not already report (as a datatype violation,
    or as a failed ``sh:or`` of datatypes: any result on the same focus, path and value)."""
    seen = {(r.focus, r.path, r.value_plain) for r in engine_results}
    return engine_results + [r for r in extra if (r.focus, r.path, r.value_plain) not in seen]


def constraints(shapes: rdflib.Graph) -> dict[str, tuple[frozenset[str], str]]:
    """Predicate IRI -> the date and time datatypes some property shape with that (plain) path allows, stated as
    its ``sh:datatype`` or inside its ``sh:or``/``sh:and``/``sh:xone`` lists, and the named shape it belongs to."""
    out: dict[str, tuple[set[str], str]] = {}
    for node, datatype in shapes.subject_objects(SH.datatype):
        if str(datatype) not in DATATYPES:
            continue
        shape = node
        for _ in range(64):  # up list cells and logical constraints to the property shape
            if shapes.value(shape, SH.path) is not None:
                break
            up = next(shapes.subjects(RDF.first, shape), None) or next(shapes.subjects(RDF.rest, shape), None)
            if up is None:
                up = next((s for p in (SH["or"], SH["and"], SH.xone) for s in shapes.subjects(p, shape)), None)
            if up is None:
                break
            shape = up
        path = shapes.value(shape, SH.path)
        if not isinstance(path, rdflib.URIRef):
            continue
        root = shape if isinstance(shape, rdflib.URIRef) else next(shapes.subjects(SH.property, shape), shape)
        datatypes, _ = out.setdefault(str(path), (set(), root.n3() if isinstance(root, rdflib.URIRef) else ""))
        datatypes.add(str(datatype))
    return {p: (frozenset(d), shape) for p, (d, shape) in out.items()}
