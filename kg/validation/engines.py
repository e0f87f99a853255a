"""The SHACL engines trialkg offers, behind one interface: shapes and data as RDF text in, one report out.

- ``shacl`` (the default): the ``shacl`` package (Rust, MIT/Apache-2.0). Passes all 98 tests of the W3C SHACL
  Core suite; about 20-30x less CPU than pyshacl on our documents (``benchmarks/``).
- ``pyshacl``: the reference Python implementation; passes 97 of the 98 (uniqueLang-002: Python's ``re`` lets
  ``$`` match before a final newline), the known upstream miss listed in ``tests/test_shacl_conformance.py``.

Both are given the data as text (N-Triples or Turtle), so what is validated is what a document states, before a
store canonicalizes its literals. Neither engine checks the value of date and time literals completely
(``"2023-13"^^xsd:gYearMonth`` passes both), so ``kg.validation.datatypes`` adds that check to either one.

An engine that cannot run a shapes graph refuses it (``EngineRefusal``, naming what), never passes it unread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, SH

from kg.errors import KGError


class EngineRefusal(KGError):
    """The engine cannot validate against these shapes (an unsupported feature, or shapes it cannot read)."""


@dataclass(frozen=True, slots=True, order=True)
class Result:
    """One validation result, the same from every engine: terms in N-Triples syntax (blank nodes as ``_:``)."""

    focus: str
    path: str  # an IRI in <>, a rendered complex path, or "" for a node constraint
    severity: str  # Violation | Warning | Info
    component: str  # local name, e.g. "MinCountConstraintComponent"
    source_shape: str  # the shape that raised it (a blank node for a nested property shape)
    root_shape: str  # the nearest enclosing shape with an IRI
    value: str | None = None
    value_plain: str | None = None  # a literal's lexical form, an IRI without <>
    message: str = ""


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)
    turtle: str = ""  # the engine's sh:ValidationReport


def _nt(term: rdflib.term.Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.BNode):
        return "_:" + str(term)
    return term.n3()


def _plain(term: rdflib.term.Node | None) -> str | None:
    return None if term is None else str(term)


class ShaclEngine:
    """The ``shacl`` package: shapes compiled once, each data text validated on its own."""

    name = "shacl"

    def compile(self, shapes_text: str, fmt: str = "turtle", base: str = "http://example.org/shapes"):
        import shacl

        try:
            compiled = shacl.Shapes.from_text(shapes_text, fmt, base=base)
        except ValueError as exc:
            raise EngineRefusal(f"the shacl engine cannot read the shapes: {' '.join(str(exc).split())}") from None
        return compiled

    def validate(self, compiled, data_text: str, fmt: str = "ntriples", base: str = "http://example.org/data") -> Report:
        try:
            report = compiled.validate_text(data_text, fmt, base=base, allow_warnings=False)
        except ValueError as exc:
            raise KGError(f"the data cannot be read: {' '.join(str(exc).split())}") from None
        results = [Result(focus=r.focus_node, path=r.path or "", severity=r.severity, component=r.component,
                          source_shape=r.source_shape or "", root_shape=r.root_shape or "", value=r.value,
                          value_plain=r.value_plain, message=r.message or "") for r in report.results]
        return Report(conforms=report.conforms, results=results, turtle=report.turtle)


class PyshaclEngine:
    """pyshacl, the reference: shapes parsed once into rdflib, each data text parsed and validated."""

    name = "pyshacl"

    def compile(self, shapes_text: str, fmt: str = "turtle", base: str = "http://example.org/shapes"):
        g = rdflib.Graph()
        try:
            g.parse(data=shapes_text, format=_rdflib_format(fmt), publicID=base)
        except Exception as exc:  # rdflib raises many kinds for bad syntax
            raise EngineRefusal(f"pyshacl cannot read the shapes: {' '.join(str(exc).split())}") from None
        return g

    def validate(self, compiled, data_text: str, fmt: str = "ntriples", base: str = "http://example.org/data") -> Report:
        from pyshacl import validate

        data = rdflib.Graph()
        try:
            data.parse(data=data_text, format=_rdflib_format(fmt), publicID=base)
        except Exception as exc:
            raise KGError(f"the data cannot be read: {' '.join(str(exc).split())}") from None
        try:
            conforms, graph, _ = validate(data, shacl_graph=compiled, inference="none", advanced=True, allow_warnings=False)
        except Exception as exc:  # pyshacl raises ReportableRuntimeError, ConstraintLoadError ... for shapes it refuses
            raise EngineRefusal(f"pyshacl refuses the shapes: {' '.join(str(exc).split())[:300]}") from None
        return Report(conforms=bool(conforms), results=list(_pyshacl_results(graph, compiled)),
                      turtle=graph.serialize(format="turtle"))


def _pyshacl_results(graph: rdflib.Graph, shapes: rdflib.Graph):
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    for r in graph.objects(report, SH.result):
        source = graph.value(r, SH.sourceShape)
        root = source
        while isinstance(root, rdflib.BNode):  # up sh:property (or sh:node ...) to a shape with an IRI
            parent = next(shapes.subjects(SH.property, root), None)
            if parent is None:
                break
            root = parent
        value = graph.value(r, SH.value)
        path = graph.value(r, SH.resultPath)
        yield Result(focus=_nt(graph.value(r, SH.focusNode)), path=_path(path),
                     severity=_local(graph.value(r, SH.resultSeverity)),
                     component=_local(graph.value(r, SH.sourceConstraintComponent)), source_shape=_nt(source),
                     root_shape=_nt(root) if isinstance(root, rdflib.URIRef) else "", value=None if value is None else _nt(value),
                     value_plain=_plain(value), message=str(graph.value(r, SH.resultMessage) or ""))


def _path(path: rdflib.term.Node | None) -> str:
    if path is None:
        return ""
    return _nt(path) if isinstance(path, rdflib.URIRef) else "(complex path)"


def _local(term: rdflib.term.Node | None) -> str:
    return re.split(r"[#/]", str(term))[-1] if term is not None else ""


def _rdflib_format(fmt: str) -> str:
    return {"ntriples": "nt", "n-triples": "nt", "turtle": "turtle", "ttl": "turtle", "rdfxml": "xml", "jsonld": "json-ld",
            "trig": "trig", "nquads": "nquads"}.get(fmt, fmt)


ENGINES: dict[str, Callable[[], ShaclEngine | PyshaclEngine]] = {"shacl": ShaclEngine, "pyshacl": PyshaclEngine}
DEFAULT = "shacl"


def engine(name: str = DEFAULT) -> ShaclEngine | PyshaclEngine:
    """The engine called ``name`` (see ``ENGINES``)."""
    if name not in ENGINES:
        raise KGError(f"no SHACL engine {name!r} (engines: {', '.join(ENGINES)})")
    return ENGINES[name]()
