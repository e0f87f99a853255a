"""SHACL shapes compiled to Python functions, run document by document: ``kg validate --engine python``.

The SPARQL engine (``kg.shacl_sparql``) scans every document graph once per constraint (112 scans of
the store). This engine reads each document's quads once (a prefix scan of the store's graph index),
indexes them by subject and predicate in a dict, and runs every constraint on that: a few hundred
dictionary lookups per document. Its unit is the one pyshacl and the SPARQL engine use (a document's
graph plus the ontology's subclass axioms), and its findings are theirs: same severity, shape, focus
node, value, graph and message (tested on every shape fixture and every real record). It supports the
parameters ``kg.shacl_shapes`` lists; ``sh:minInclusive``/``sh:maxInclusive`` compare numbers only.

Where it runs: in the ingest's workers, on the quads of a document just built (``kg build --validate``,
through ``kg.pipeline``), or on documents read back from the store (``kg validate --engine python``),
where the reading costs more than the checks (Oxigraph decodes each IRI and long literal through a
RocksDB lookup: 10-20 µs per quad, against well under 1 ms of checks per document).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, XSD

from kg.errors import KGError
from kg.shacl_shapes import COUNT_PARAMS, LEXICAL, Constraint, ShapesReader
from kg.validate import Finding, shapes_graph, subclass_axioms, worker_store

ENGINE = "Python"
Term = ox.NamedNode | ox.BlankNode | ox.Literal
TYPE = str(RDF.type)
NO_VALUES: tuple[Term, ...] = ()
_INTEGERS = {XSD[t] for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                              "unsignedShort", "unsignedByte")}
NUMERIC = {ox.NamedNode(str(t)): "integer" for t in _INTEGERS} | {
    ox.NamedNode(str(XSD.decimal)): "decimal", ox.NamedNode(str(XSD.float)): "float",
    ox.NamedNode(str(XSD.double)): "float"}


def _key(term: Term) -> str | None:
    """A node's key in ``Unit.spo``: an IRI, or ``_:`` and a blank node's id (strings hash and compare several
    times faster than pyoxigraph terms); None for a literal, which is never a subject."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    return "_:" + term.value if kind is ox.BlankNode else None


class Unit:
    """One validation unit: a document graph's triples (from the store, or just built), by subject and predicate."""

    __slots__ = ("graph", "spo", "nodes", "typed")

    def __init__(self, graph: str, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.graph = graph
        self.spo: dict[str | None, dict[str, list[Term]]] = {}  # subject key -> predicate IRI -> objects
        self.nodes: dict[str, Term] = {}  # subject key -> the subject
        for q in quads:
            s = q.subject
            key = _key(s)
            preds = self.spo.get(key)
            if preds is None:
                preds = self.spo[key] = {}
                self.nodes[key] = s
            preds.setdefault(q.predicate.value, []).append(q.object)
        self.typed: dict[str, list[Term]] = {}  # class IRI -> its instances
        for key, preds in self.spo.items():
            for c in preds.get(TYPE, NO_VALUES):
                self.typed.setdefault(c.value, []).append(self.nodes[key])

    def values(self, node: Term, path: str) -> Sequence[Term]:
        """The objects of ``node path ?v`` in this document (no duplicates: a graph is a set)."""
        preds = self.spo.get(_key(node))
        return preds.get(path, NO_VALUES) if preds else NO_VALUES


Test = Callable[[Unit, Term], bool]  # true when the node breaks the constraint
Rows = Callable[[Unit, Term], Sequence[Term | None]]  # a focus node's findings: the value, or None


@dataclass(frozen=True)
class PyCheck:
    """One top-level constraint: its findings for a focus node of its root shape."""

    constraint: Constraint
    rows: Rows


def _ox(term: rdflib.term.Node) -> Term:
    """The pyoxigraph term for a shapes-graph term (an untyped literal is an ``xsd:string`` one, as in a store)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise KGError(f"the shapes use a blank node as a value ({term}); the {ENGINE} engine cannot compile it")


def _end_anchored(pattern: str) -> re.Pattern:
    """A lexical-form pattern whose final ``$`` means the end of the text (as in SPARQL), not before a newline."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def number(v: Term) -> int | Decimal | float | None:
    """The numeric value of a literal with a numeric datatype and a valid lexical form; else None
    (SPARQL then raises a type error, and the comparing constraint fails)."""
    if not isinstance(v, ox.Literal):
        return None
    kind = NUMERIC.get(v.datatype)
    try:
        if kind == "integer":
            return int(v.value) if _INTEGER_FORM.match(v.value) else None
        if kind == "decimal":
            return Decimal(v.value) if _DECIMAL_FORM.match(v.value) else None
        if kind == "float":
            return float(v.value)
    except (ValueError, InvalidOperation):
        return None
    return None


_INTEGER_FORM = _end_anchored(LEXICAL[XSD.integer])
_DECIMAL_FORM = _end_anchored(LEXICAL[XSD.decimal])


class PythonCompiler(ShapesReader):
    """Turns the shapes graph into Python checks."""

    def class_set(self, cls: rdflib.term.Node) -> frozenset[str]:
        """The IRIs of ``cls`` and its subclasses."""
        return frozenset(str(c) for c in self.classes(cls))

    def value_test(self, param: rdflib.URIRef, arg: rdflib.term.Node) -> Test:
        """A test true when a value node breaks a value-type constraint."""
        if param == SH.datatype:
            datatype = _ox(arg)
            form = _end_anchored(LEXICAL[arg]) if arg in LEXICAL else None
            return lambda doc, v: (not isinstance(v, ox.Literal) or v.datatype != datatype
                                   or (form is not None and form.search(v.value) is None))
        if param == SH["class"]:
            classes = self.class_set(arg)
            return lambda doc, v: classes.isdisjoint(c.value for c in doc.values(v, TYPE))
        if param == SH["in"]:
            members = frozenset(_ox(t) for t in self.members(arg))
            return lambda doc, v: v not in members
        if param == SH.pattern:
            rx = re.compile(str(arg))  # as pyshacl: Python's re, searched in the value's string
            return lambda doc, v: isinstance(v, ox.BlankNode) or rx.search(v.value) is None
        if param == SH.minLength:
            least = int(arg)
            return lambda doc, v: isinstance(v, ox.BlankNode) or len(v.value) < least
        if param in (SH.minInclusive, SH.maxInclusive):
            bound = number(_ox(arg))
            if bound is None:
                raise KGError(f"the {ENGINE} engine compares numbers only, not {arg} in {param}")
            if param == SH.minInclusive:
                return lambda doc, v: not ((n := number(v)) is not None and n >= bound)
            return lambda doc, v: not ((n := number(v)) is not None and n <= bound)
        if param == SH.node:
            return self.violates(arg)
        if param == SH["or"]:
            tests = [self.violates(s) for s in self.members(arg)]
            return lambda doc, v: all(t(doc, v) for t in tests)
        if param == SH["not"]:
            test = self.violates(arg)
            return lambda doc, v: not test(doc, v)
        raise KGError(f"the {ENGINE} engine does not compile {param}")

    def count_test(self, param: rdflib.URIRef, arg: rdflib.term.Node, path: rdflib.URIRef | None) -> Test:
        """A test true when a focus node breaks a count or hasValue constraint on ``path``."""
        p = str(path)
        if param == SH.minCount:
            least = int(arg)
            return lambda doc, x: len(doc.values(x, p)) < least
        if param == SH.maxCount:
            most = int(arg)
            return lambda doc, x: len(doc.values(x, p)) > most
        wanted = _ox(arg)
        return lambda doc, x: wanted not in doc.values(x, p)

    def constraint_test(self, param: rdflib.URIRef, arg: rdflib.term.Node, path: rdflib.URIRef | None) -> Test:
        """A test true when a focus node breaks one constraint (on itself, or on any value of ``path``)."""
        if param in COUNT_PARAMS:
            return self.count_test(param, arg, path)
        bad = self.value_test(param, arg)
        if path is None:
            return bad
        p = str(path)
        return lambda doc, x: any(bad(doc, v) for v in doc.values(x, p))

    def violates(self, shape: rdflib.term.Node) -> Test:
        """A test true when a node does not conform to ``shape`` (any of its constraints, or its property shapes')."""
        tests = [self.constraint_test(*c) for s in [shape, *self.properties(shape)] for c in self.own(s, ENGINE)]
        return lambda doc, x: any(t(doc, x) for t in tests)

    def checks(self) -> list[PyCheck]:
        return [PyCheck(c, self._rows(c)) for c in self.constraints(ENGINE)]

    def _rows(self, c: Constraint) -> Rows:
        if not c.has_value:
            broken = self.count_test(c.param, c.arg, c.path)
            return lambda doc, f: (None,) if broken(doc, f) else ()
        bad = self.value_test(c.param, c.arg)
        if c.path is None:
            return lambda doc, f: (f,) if bad(doc, f) else ()
        p = str(c.path)
        return lambda doc, f: [v for v in doc.values(f, p) if bad(doc, v)]

    def targets(self) -> dict[rdflib.term.Node, tuple[frozenset[str], tuple[str, ...]]]:
        """Each root shape's target classes (IRIs, with subclasses) and target predicates (IRIs)."""
        return {root: (frozenset(t for cls in self.shapes.objects(root, SH.targetClass) for t in self.class_set(cls)),
                       tuple(str(p) for p in self.shapes.objects(root, SH.targetSubjectsOf)))
                for root in self.rooted()}


@lru_cache(maxsize=1)
def compiled() -> tuple[tuple[PyCheck, ...], dict]:
    """The shipped shapes as Python checks, and the targets of their root shapes (compiled once per process)."""
    compiler = PythonCompiler(shapes_graph(), subclass_axioms())
    return tuple(compiler.checks()), compiler.targets()


def validate_document(doc: Unit) -> list[Finding]:
    """The findings of the shipped shapes in one document."""
    checks, targets = compiled()
    focus: dict[rdflib.term.Node, list[Term]] = {}
    for root, (classes, predicates) in targets.items():
        found = {_key(s): s for c in classes for s in doc.typed.get(c, NO_VALUES)}
        if predicates:
            found.update((key, doc.nodes[key]) for key, preds in doc.spo.items() if any(p in preds for p in predicates))
        focus[root] = list(found.values())
    return [Finding(severity=c.constraint.severity, shape=c.constraint.shape, focus=f.value,
                    message=c.constraint.message, value=None if v is None else v.value, graph=doc.graph)
            for c in checks for f in focus[c.constraint.root] for v in c.rows(doc, f)]


def validate_named(graph_iri: str) -> list[Finding]:
    """In a process that opened the store (``kg.validate.open_worker_store``): the findings in one document
    graph, read from it. ``kg.validate.validate_store(..., check=validate_named)`` runs it on every core."""
    return validate_document(Unit(graph_iri, worker_store().quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))))
