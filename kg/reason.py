"""OWL reasoning with owlready2 and HermiT over the ontology and small samples of individuals.

HermiT proves the ontology consistent and checks the SPARQL rules on samples. It is not run over
the trials of a store (measured: minutes at 1k trials); ``kg.rules`` derives those memberships.
HermiT refuses literals whose datatype is outside the OWL 2 datatype map (xsd:date,
xsd:gYearMonth, xsd:gYear), so samples are reasoned over without date literals (``without_dates``).
"""

from __future__ import annotations

import io
import shutil

import rdflib
from rdflib.namespace import XSD

from kg.errors import KGError
from kg.resources import data_dir

_NOT_IN_OWL2_MAP = {XSD.date, XSD.gYearMonth, XSD.gYear, XSD.dateTime}


def ontology_graph() -> rdflib.Graph:
    """The ontology (``ontology/*.ttl``) as one rdflib graph."""
    g = rdflib.Graph()
    for path in sorted(data_dir("ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def without_dates(g: rdflib.Graph) -> rdflib.Graph:
    """A copy without the literals HermiT refuses."""
    out = rdflib.Graph()
    for s, p, o in g:
        if isinstance(o, rdflib.Literal) and o.datatype in _NOT_IN_OWL2_MAP:
            continue
        out.add((s, p, o))
    return out


def hermit(individuals: rdflib.Graph | None = None) -> dict[str, set[str]]:
    """Run HermiT over the ontology plus ``individuals``; class IRI -> IRIs of its members.

    Raises ``KGError`` when the whole is inconsistent (or Java is missing).
    """
    import owlready2

    if not shutil.which("java"):
        raise KGError("HermiT needs Java: install a JRE (e.g. apt-get install default-jre-headless)")
    g = ontology_graph()
    if individuals is not None:
        g += without_dates(individuals)
    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/trialkg/ontology").load(
        fileobj=io.BytesIO(g.serialize(format="nt", encoding="utf-8")), format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise KGError(f"the ontology with these individuals is inconsistent: {exc}") from None
    members: dict[str, set[str]] = {}
    for cls in world.classes():
        members[cls.iri] = {i.iri for i in cls.instances(world=world)}
    return members

