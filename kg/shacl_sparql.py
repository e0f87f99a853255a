"""SHACL shapes compiled to SPARQL and run inside the store: ``kg validate --engine sparql``.

pyshacl (``kg.validate``) stays the reference engine; it copies each document into an rdflib graph,
which costs milliseconds per document. This engine compiles each constraint of ``shapes/`` into one
SELECT query over all document graphs at once (``GRAPH ?g``), so the store's indexes do the work.
It gives the same findings as pyshacl on every document taken as its own unit (the document's graph
plus the ontology's subclass axioms): same severity, shape, focus node, value and graph, and the
shape's ``sh:message`` where it has one (tested on every shape fixture and every real record).

Supported: targets ``sh:targetClass`` and ``sh:targetSubjectsOf``; predicate paths; ``sh:minCount``,
``sh:maxCount``, ``sh:datatype`` (with lexical checks of the datatypes the shapes use), ``sh:class``,
``sh:in``, ``sh:pattern``, ``sh:minLength``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:hasValue``,
``sh:node``, ``sh:or``, ``sh:not``, ``sh:property``, ``sh:severity``, ``sh:message``. A shape using
anything else is refused with a message naming it, never validated half.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH, XSD

from kg.errors import KGError
from kg.shacl_shapes import COUNT_PARAMS, LEXICAL, Constraint, ShapesReader
from kg.validate import NOT_VALIDATED, Finding, open_worker_store, shapes_graph, subclass_axioms, worker_store

ENGINE = "SPARQL"


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query giving ``?g ?f`` (and ``?v`` when it reports a value).
    (No sub-SELECT inside ``GRAPH ?g``: Oxigraph then leaves ``?g`` unbound.)"""

    shape: str
    severity: str
    message: str
    query: str
    has_value: bool


def _term(node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        if node.language:
            return f"{json.dumps(str(node))}@{node.language}"
        return f"{json.dumps(str(node))}^^<{node.datatype or XSD.string}>"
    raise KGError(f"the shapes use a blank node as a value ({node}); the SPARQL engine cannot compile it")


class Compiler(ShapesReader):
    """Turns the shapes graph into checks; fresh variable names keep nested patterns apart."""

    def __init__(self, shapes: rdflib.Graph, subclass_graph: rdflib.Graph) -> None:
        super().__init__(shapes, subclass_graph)
        self._names = itertools.count()

    def var(self) -> str:
        return f"?x{next(self._names)}"

    def values_of(self, cls: rdflib.term.Node) -> str:
        """``cls`` and its subclasses, as a VALUES list body."""
        return " ".join(_term(c) for c in self.classes(cls))

    # -- patterns: each matches when ?x (the focus, or value node) violates ---------------------
    def value_violation(self, param: rdflib.URIRef, arg: rdflib.term.Node, v: str) -> str:
        """A FILTER/pattern true when value node ``v`` breaks a value-type constraint."""
        if param == SH.datatype:
            lexical = LEXICAL.get(arg)
            bad_form = f" || !REGEX(STR({v}), {json.dumps(lexical)})" if lexical else ""
            return f"FILTER(!isLiteral({v}) || datatype({v}) != <{arg}>{bad_form})"
        if param == SH["class"]:
            c = self.var()
            return f"FILTER NOT EXISTS {{ {v} a {c} VALUES {c} {{ {self.values_of(arg)} }} }}"
        if param == SH["in"]:
            members = " || ".join(f"sameTerm({v}, {_term(t)})" for t in self.members(arg)) or "false"
            return f"FILTER(!({members}))"
        if param == SH.pattern:
            return f"FILTER(isBlank({v}) || !REGEX(STR({v}), {json.dumps(str(arg))}))"
        if param == SH.minLength:
            return f"FILTER(isBlank({v}) || STRLEN(STR({v})) < {int(arg)})"
        if param == SH.minInclusive:
            return f"FILTER(!COALESCE({v} >= {_term(arg)}, false))"
        if param == SH.maxInclusive:
            return f"FILTER(!COALESCE({v} <= {_term(arg)}, false))"
        if param == SH.node:
            return f"FILTER EXISTS {{ {self.violates(arg, v)} }}"
        if param == SH["or"]:
            return "FILTER(" + " && ".join(f"EXISTS {{ {self.violates(s, v)} }}" for s in self.members(arg)) + ")"
        if param == SH["not"]:
            return f"FILTER NOT EXISTS {{ {self.violates(arg, v)} }}"
        raise KGError(f"the SPARQL engine does not compile {param}")

    def count_violation(self, param: rdflib.URIRef, arg: rdflib.term.Node, x: str, path: str) -> str:
        """A pattern matching focus ``x`` when it breaks a count or hasValue constraint on ``path``."""
        if param == SH.minCount and int(arg) == 1:
            return f"FILTER NOT EXISTS {{ {x} {path} {self.var()} }}"
        if param == SH.minCount and int(arg) == 0:
            return "FILTER(false)"
        if param == SH.maxCount and int(arg) == 1:
            a, b = self.var(), self.var()
            return f"{x} {path} {a}, {b} . FILTER(!sameTerm({a}, {b}))"
        if param == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {x} {path} {_term(arg)} }}"
        raise KGError(f"the SPARQL engine compiles sh:minCount 0/1 and sh:maxCount 1 inside other shapes, not {param} {arg}")

    def violates(self, shape: rdflib.term.Node, x: str) -> str:
        """A group pattern matching when ``x`` does not conform to ``shape`` (all its constraints)."""
        alternatives = [f"{{ {p} }}" for s in [shape, *self.properties(shape)] for p in self._own_violations(s, x)]
        return " UNION ".join(alternatives) if alternatives else "FILTER(false)"

    def _own_violations(self, shape: rdflib.term.Node, x: str) -> Iterator[str]:
        """Violation patterns of the constraints a shape states itself (not its sh:property ones)."""
        for param, arg, path in self.own(shape, ENGINE):
            if param in COUNT_PARAMS:
                yield self.count_violation(param, arg, x, f"<{path}>")
            elif path is None:
                yield self.value_violation(param, arg, x)
            else:
                v = self.var()
                yield f"{x} <{path}> {v} . {self.value_violation(param, arg, v)}"

    # -- checks: one query per top-level constraint ------------------------------------------
    def checks(self) -> list[Check]:
        targets = {root: self._targets(root) for root in self.rooted()}
        return [self._check(c, targets[c.root]) for c in self.constraints(ENGINE)]

    def _targets(self, shape: rdflib.term.Node) -> str:
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            c = self.var()
            parts.append(f"{{ ?f a {c} VALUES {c} {{ {self.values_of(cls)} }} }}")
        for p in self.shapes.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?f <{p}> {self.var()} }}")
        return " UNION ".join(parts)

    def _check(self, c: Constraint, targets: str) -> Check:
        skip = ", ".join(f"<{g}>" for g in sorted(NOT_VALIDATED))
        if c.param == SH.minCount or c.param == SH.maxCount:
            x = self.var()
            having = f"COUNT(DISTINCT {x}) {'<' if c.param == SH.minCount else '>'} {int(c.arg)}"
            query = (f"SELECT ?g ?f WHERE {{ GRAPH ?g {{ {targets} "
                     f"OPTIONAL {{ ?f <{c.path}> {x} }} }} FILTER(?g NOT IN ({skip})) }} GROUP BY ?g ?f HAVING ({having})")
        elif c.param == SH.hasValue:
            query = (f"SELECT DISTINCT ?g ?f WHERE {{ GRAPH ?g {{ {targets} "
                     f"{self.count_violation(c.param, c.arg, '?f', f'<{c.path}>')} }} FILTER(?g NOT IN ({skip})) }}")
        else:
            if c.path is None:  # a node-level constraint: the focus node is the value
                pattern = f"BIND(?f AS ?v) {self.value_violation(c.param, c.arg, '?v')}"
            else:
                pattern = f"?f <{c.path}> ?v . {self.value_violation(c.param, c.arg, '?v')}"
            query = f"SELECT DISTINCT ?g ?f ?v WHERE {{ GRAPH ?g {{ {targets} {pattern} }} FILTER(?g NOT IN ({skip})) }}"
        return Check(c.shape, c.severity, c.message, query, c.has_value)


@lru_cache(maxsize=1)
def compiled_checks() -> tuple[Check, ...]:
    """The shipped shapes as checks (compiled once per process)."""
    return tuple(Compiler(shapes_graph(), subclass_axioms()).checks())


def validate_sparql(store: ox.Store) -> list[Finding]:
    """Every finding of the shapes over the document graphs of ``store``, in this process."""
    return sorted(f for check in compiled_checks() for f in _run(store, check))


def validate_sparql_store(path: str | os.PathLike, workers: int | None = None) -> list[Finding]:
    """The same over the store at ``path`` (a snapshot, opened read-only), the checks shared out
    between ``workers`` processes (default: one per core)."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        return validate_sparql(ox.Store.read_only(str(path)))
    with ProcessPoolExecutor(workers, initializer=open_worker_store, initargs=(str(path),)) as pool:
        return sorted(f for found in pool.map(_run_in_worker, range(len(compiled_checks()))) for f in found)


def _run(store: ox.Store, check: Check) -> list[Finding]:
    """One check's findings: one per row, as pyshacl gives one result per constraint and value."""
    return [Finding(severity=check.severity, shape=check.shape, focus=row["f"].value, message=check.message,
                    value=row["v"].value if check.has_value and row["v"] is not None else None, graph=row["g"].value)
            for row in store.query(check.query)]


def _run_in_worker(index: int) -> list[Finding]:
    return _run(worker_store(), compiled_checks()[index])
