"""The shapes as the compiled validation engines read them (``kg.shacl_sparql``, ``kg.shacl_python``).

pyshacl (``kg.validate``) reads ``shapes/`` itself; the two compiled engines share this reading: which
SHACL parameters they support (anything else is refused, never validated half), each top-level
constraint with its shape's name, severity and message, and the classes a ``sh:class`` or
``sh:targetClass`` accepts once the ontology's subclass axioms are applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.errors import KGError
from kg.validate import local_name, shape_name

LEXICAL = {  # lexical forms rdflib accepts for the datatypes the shapes name (others: any)
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.dateTime: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                  r"(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
COUNT_PARAMS = {SH.minCount, SH.maxCount, SH.hasValue}  # constraints on a focus node's set of values
VALUE_PARAMS = {SH.datatype, SH["class"], SH["in"], SH.pattern, SH.minLength, SH.minInclusive, SH.maxInclusive,
                SH.node, SH["or"], SH["not"]}  # constraints on each value node
PARAMETERS = COUNT_PARAMS | VALUE_PARAMS | {SH.property, SH.path, SH.severity, SH.message, SH.targetClass,
                                            SH.targetSubjectsOf, RDF.type, SH.name, SH.description}


@dataclass(frozen=True)
class Constraint:
    """One parameter of a shape with targets (or of one of its property shapes): what a finding reports."""

    root: rdflib.term.Node  # the node shape whose targets give the focus nodes
    shape: str  # how findings name the shape
    severity: str
    message: str
    param: rdflib.URIRef
    arg: rdflib.term.Node
    path: rdflib.URIRef | None  # None: a node-level constraint (the focus node is the value)

    @property
    def has_value(self) -> bool:
        """Whether its findings report a value node (value-type constraints do; counts do not)."""
        return self.param in VALUE_PARAMS


class ShapesReader:
    """The shapes graph and the ontology's subclass axioms, read for compiling."""

    def __init__(self, shapes: rdflib.Graph, subclass_graph: rdflib.Graph) -> None:
        self.shapes = shapes
        self.subs = subclass_graph

    def classes(self, cls: rdflib.term.Node) -> list[rdflib.term.Node]:
        """``cls`` and its subclasses, sorted."""
        return sorted({cls} | set(self.subs.transitive_subjects(RDFS.subClassOf, cls)))

    def members(self, head: rdflib.term.Node) -> list[rdflib.term.Node]:
        """The items of an RDF list (``sh:in``, ``sh:or``)."""
        return list(rdflib.collection.Collection(self.shapes, head))

    def check_supported(self, shape: rdflib.term.Node, engine: str) -> None:
        """Refuse a shape using a parameter or path the compiled engines do not handle."""
        for p in self.shapes.predicates(shape):
            if p not in PARAMETERS:
                raise KGError(f"shape {shape} uses {p}, which the {engine} engine does not compile (use --engine pyshacl)")
        path = self.shapes.value(shape, SH.path)
        if path is not None and not isinstance(path, rdflib.URIRef):
            raise KGError(f"shape {shape} has a complex path, which the {engine} engine does not compile")

    def own(self, shape: rdflib.term.Node, engine: str) -> Iterator[tuple[rdflib.URIRef, rdflib.term.Node, rdflib.URIRef | None]]:
        """``(parameter, argument, path)`` of each constraint a shape states itself (not its ``sh:property`` ones)."""
        self.check_supported(shape, engine)
        path = self.shapes.value(shape, SH.path)
        for param, arg in sorted(self.shapes.predicate_objects(shape)):
            if param in COUNT_PARAMS or param in VALUE_PARAMS:
                yield param, arg, path

    def properties(self, shape: rdflib.term.Node) -> list[rdflib.term.Node]:
        """The property shapes of a node shape."""
        return list(self.shapes.objects(shape, SH.property))

    def rooted(self) -> list[rdflib.term.Node]:
        """The node shapes with targets, sorted (the others are reached through ``sh:node``)."""
        return [s for s in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)))
                if (s, SH.targetClass, None) in self.shapes or (s, SH.targetSubjectsOf, None) in self.shapes]

    def constraints(self, engine: str) -> Iterator[Constraint]:
        """Every top-level constraint: those of each node shape with targets, and of its property shapes."""
        for root in self.rooted():
            for shape in [root, *self.properties(root)]:
                self.check_supported(shape, engine)
                name = shape_name(self.shapes, shape)
                severity = local_name(self.shapes.value(shape, SH.severity) or SH.Violation)
                stated = self.shapes.value(shape, SH.message)
                for param, arg, path in self.own(shape, engine):
                    message = str(stated) if stated is not None else _default_message(param, arg, path)
                    yield Constraint(root, name, severity, message, param, arg, path)


def _default_message(param: rdflib.URIRef, arg: rdflib.term.Node, path: rdflib.URIRef | None) -> str:
    """The message of a finding whose shape states no ``sh:message``."""
    if param == SH.minCount:
        return f"Less than {int(arg)} values on {local_name(path)}"
    if param == SH.maxCount:
        return f"More than {int(arg)} values on {local_name(path)}"
    if param == SH.hasValue:
        return f"Missing value {arg} on {local_name(path)}"
    return f"Value breaks {local_name(param)}"
