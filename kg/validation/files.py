"""Any RDF files against any shapes (``kg validate --data FILE... --shapes FILE``): one standard
``sh:ValidationReport``, printed as text, Turtle or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.errors import KGError
from kg.namespaces import SH
from kg.rdf import to_bytes
from kg.validation.datatypes import constraints, date_results_text, merged
from kg.validation.engines import DEFAULT, EngineRefusal, Report, Result, engine


_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
            ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3, ".jsonld": ox.RdfFormat.JSON_LD}


def read_triples(path: Path) -> list[ox.Triple]:
    """The triples of an RDF file (the format from its extension; the quads of a dataset as triples)."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise KGError(f"{path}: unknown RDF file extension {path.suffix or '(none)'} (use {', '.join(sorted(_FORMATS))})")
    try:
        return [ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q
                for q in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())]
    except (SyntaxError, ValueError, OSError) as exc:
        raise KGError(f"{path}: not readable as {path.suffix[1:]}: {' '.join(str(exc).split())}") from None


def validate_files(data: Sequence[Path], shapes: Path, engine_name: str = DEFAULT) -> Report:
    """Validate the union of the ``data`` files against ``shapes``, with the date and time checks."""
    e = engine(engine_name)
    shape_triples = read_triples(shapes)
    if not any(str(t.predicate).startswith(f"<{SH}") or str(t.object).startswith(f"<{SH}") for t in shape_triples):
        raise EngineRefusal(f"{shapes}: declares no SHACL shapes (validating against none would say 'conforms' unread)")
    shapes_text = to_bytes(shape_triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
    compiled = e.compile(shapes_text, "ntriples", base=shapes.resolve().as_uri())
    text = to_bytes([t for p in data for t in read_triples(p)], ox.RdfFormat.N_TRIPLES).decode("utf-8")
    report = e.validate(compiled, text, "ntriples")
    extra = date_results_text(text, constraints(rdflib.Graph().parse(data=shapes_text, format="nt")))
    if not extra:
        return report
    results = merged(report.results, extra)
    return Report(conforms=report.conforms and not any(r.severity == "Violation" for r in extra), results=results,
                  turtle=_with_results(report.turtle, [r for r in results if r in extra]))


def _with_results(turtle: str, extra: list[Result]) -> str:
    """The engine's report graph with the date checks' results added (and sh:conforms false)."""
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    sh = rdflib.Namespace(SH)
    report = next(g.subjects(rdflib.RDF.type, sh.ValidationReport))
    g.set((report, sh.conforms, rdflib.Literal(False)))
    for r in extra:
        node = rdflib.BNode()
        g.add((report, sh.result, node))
        g.add((node, rdflib.RDF.type, sh.ValidationResult))
        g.add((node, sh.focusNode, _term(r.focus)))
        g.add((node, sh.resultPath, _term(r.path)))
        g.add((node, sh.value, _term(r.value or "")))
        g.add((node, sh.resultSeverity, sh.Violation))
        g.add((node, sh.sourceConstraintComponent, sh.DatatypeConstraintComponent))
        g.add((node, sh.resultMessage, rdflib.Literal(r.message)))
        if r.source_shape:
            g.add((node, sh.sourceShape, _term(r.source_shape)))
    return g.serialize(format="turtle")


def _term(nt: str) -> rdflib.term.Node:
    if nt.startswith("<"):
        return rdflib.URIRef(nt[1:-1])
    if nt.startswith("_:"):
        return rdflib.BNode(nt[2:])
    return next(iter(rdflib.Graph().parse(data=f"<urn:s> <urn:p> {nt} .", format="nt").objects()))


def render(report: Report, fmt: str) -> str:
    """The report as ``text`` (one line per result), ``turtle`` (the report graph) or ``json``."""
    if fmt == "turtle":
        return report.turtle
    if fmt == "json":
        return json.dumps({"conforms": report.conforms, "results": [
            {"focus": r.focus, "path": r.path or None, "severity": r.severity, "component": r.component,
             "shape": r.root_shape or r.source_shape or None, "value": r.value, "message": r.message or None}
            for r in sorted(report.results)]}, indent=2, ensure_ascii=False) + "\n"
    lines = [f"{r.severity}: {r.focus} {r.path or '(node)'} {r.component}" + (f" value {r.value}" if r.value else "")
             + (f" — {r.message}" if r.message else "") for r in sorted(report.results)]
    lines.append(f"conforms: {'yes' if report.conforms else 'no'} ({len(report.results)} result(s))")
    return "\n".join(lines) + "\n"
