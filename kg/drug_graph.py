"""The dictionary graph: every shipped name of the drugs the store links to, as SKOS labels.

``graph/dictionary`` holds, for each drug any record links to: ``skos:prefLabel`` (the INN),
``skos:altLabel`` for every code, brand, common and salt-form name of the shipped dictionary,
``skos:hiddenLabel`` for curated misspellings, normalized ``tkg:aliasKey``s for fast look-ups (of the names the
resolver answers with that drug alone: ``kg.iris.ALIAS_KEY_RULE``),
the UNII and the DrugBank id. It is described as a source document of its own (the shipped
dictionary and its version) and rebuilt only when the set of drugs or the dictionary changes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timezone

import pyoxigraph as ox

from kg.namespaces import DCT, OWL, PROV, RDF, RDFS, SKOS, XSD
from kg import __version__, iris
from kg.build import GraphQuads, link_drug, replace_graph_update
from kg.rdf import select
from kg.sources.model import Intervention
from kg.normalize import fold, slug
from kg.provenance import RDF_TYPE, xsd_datetime
from kg.resolve.dictionary import load, names_of
from kg.resolve.drugs import DrugResolver
from kg.resolve.linker import InterventionLinker
from kg.resolve.targets import actions_of, classes, key, targets, version as knowledge_version



def refresh_dictionary_graph(store: ox.Store) -> None:
    """Rebuild ``graph/dictionary`` in one transaction if the linked drugs or the dictionary changed."""
    g = ox.NamedNode(iris.DICTIONARY_GRAPH)
    uniis = sorted({row["u"].value for row in select(store,
        "SELECT DISTINCT ?u WHERE { GRAPH ?g { ?d a <%s> ; <%s> ?u } FILTER(?g != <%s>) }"
        % (iris.term("Drug"), iris.term("unii"), iris.DICTIONARY_GRAPH))})
    dictionary = load()
    digest = hashlib.sha256((dictionary.version + "|" + knowledge_version() + "|" + iris.ALIAS_KEY_RULE + "|" + ",".join(uniis))
                            .encode()).hexdigest()
    sha = ox.NamedNode(iris.term("sha256"))
    if ox.Quad(g, sha, ox.Literal(digest), g) in store:
        return
    quads = [ox.Quad(g, RDF_TYPE, ox.NamedNode(iris.term("SourceDocument")), g),
             ox.Quad(g, sha, ox.Literal(digest), g),
             ox.Quad(g, ox.NamedNode(iris.term("sourcePath")), ox.Literal("data/drugs (shipped with trialkg)"), g),
             ox.Quad(g, ox.NamedNode(iris.term("documentKey")), ox.Literal(f"dictionary:{dictionary.version}"), g),
             ox.Quad(g, ox.NamedNode(DCT + "format"), ox.Literal("trialkg-drug-dictionary"), g),
             ox.Quad(g, ox.NamedNode(PROV + "wasGeneratedBy"), ox.NamedNode(f"{iris.DICTIONARY_GRAPH}#build"), g),
             ox.Quad(ox.NamedNode(f"{iris.DICTIONARY_GRAPH}#build"), ox.NamedNode(PROV + "wasAssociatedWith"),
                     ox.NamedNode(iris.parser("trialkg-drug-dictionary")), g),
             ox.Quad(ox.NamedNode(f"{iris.DICTIONARY_GRAPH}#build"), ox.NamedNode(PROV + "endedAtTime"),
                     ox.Literal(xsd_datetime(datetime.now(timezone.utc)),
                                datatype=ox.NamedNode(XSD + "dateTime")), g),
             ox.Quad(ox.NamedNode(iris.parser("trialkg-drug-dictionary")), RDF_TYPE, ox.NamedNode(iris.term("Parser")), g),
             ox.Quad(ox.NamedNode(iris.parser("trialkg-drug-dictionary")), ox.NamedNode(iris.term("parserVersion")),
                     ox.Literal(__version__), g),
             ox.Quad(g, ox.NamedNode(iris.term("aliasKeyRule")), ox.Literal(iris.ALIAS_KEY_RULE), g)]
    resolver = DrugResolver(dictionary)
    key_of = ox.NamedNode(iris.term("aliasKey"))

    def keyed(d: ox.NamedNode, unii: str, name: str) -> list[ox.Quad]:
        found = resolver.resolve(name)
        alone = found.status == "resolved" and [m.local_id for m in found.matches] == [unii]
        return [ox.Quad(d, key_of, ox.Literal(fold(name)), g)] if alone else []

    for unii, names in names_of(dictionary, set(uniis)).items():
        s = dictionary.substance(unii)
        d = ox.NamedNode(iris.drug(unii=unii))
        label = s.label
        quads += [ox.Quad(d, RDF_TYPE, ox.NamedNode(iris.term("Drug")), g),
                  ox.Quad(d, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label), g),
                  ox.Quad(d, ox.NamedNode(iris.term("unii")), ox.Literal(unii), g), *keyed(d, unii, label)]
        if s.drugbank:
            quads.append(ox.Quad(d, ox.NamedNode(iris.term("drugbankId")), ox.Literal(s.drugbank), g))
        for kind, name in names:
            if kind == "formulation":  # a formulation code: a product of this drug, and one of its names
                product = ox.NamedNode(f"{d.value}/product/{slug(name)}")
                quads += [ox.Quad(product, RDF_TYPE, ox.NamedNode(iris.term("DrugProduct")), g),
                          ox.Quad(product, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(name), g),
                          ox.Quad(product, ox.NamedNode(iris.term("activeIngredient")), d, g)]
            if fold(name) == fold(label):
                continue
            prop = "hiddenLabel" if kind == "misspelling" else "altLabel"
            quads.append(ox.Quad(d, ox.NamedNode(SKOS + prop), ox.Literal(name), g))
            quads += keyed(d, unii, name)
    quads += knowledge_quads(set(uniis), g)
    store.update(replace_graph_update(iris.DICTIONARY_GRAPH, quads))


def _term(local: str) -> ox.NamedNode:
    return ox.NamedNode(iris.term(local))


def knowledge_quads(uniis: set[str], g: ox.NamedNode) -> list[ox.Quad]:
    """Every target and drug class, the curated target actions of the drugs ``uniis``, and their class
    memberships; each class also an OWL class of drugs (its members typed with it)."""
    label, alt = ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SKOS + "altLabel")
    out: list[ox.Quad] = []
    for t in targets().values():
        node = ox.NamedNode(iris.target(t.symbol))
        out += [ox.Quad(node, RDF_TYPE, _term("Target"), g), ox.Quad(node, label, ox.Literal(t.symbol), g),
                ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(t.name), g),
                ox.Quad(node, _term("hgncId"), ox.Literal(t.hgnc_id), g)]
        out += [ox.Quad(node, alt, ox.Literal(n), g) for n in t.names]
        out += [ox.Quad(node, _term("aliasKey"), ox.Literal(k), g) for k in {key(n) for n in (t.symbol, t.name, *t.names)}]
    for unii in sorted(uniis):
        d = ox.NamedNode(iris.drug(unii=unii))
        for a in actions_of(unii):
            fact = ox.NamedNode(f"{d.value}/target/{a.target}")
            target = ox.NamedNode(iris.target(a.target))
            out += [ox.Quad(d, _term("target"), target, g), ox.Quad(d, _term("targetAction"), fact, g),
                    ox.Quad(fact, RDF_TYPE, _term("TargetAction"), g), ox.Quad(fact, _term("target"), target, g),
                    ox.Quad(fact, _term("action"), ox.Literal(a.action), g), ox.Quad(fact, _term("modality"), ox.Literal(a.modality), g),
                    ox.Quad(fact, ox.NamedNode(DCT + "source"), ox.Literal(a.evidence), g)]
    for c in classes().values():
        node = ox.NamedNode(iris.drug_class(c.id))
        out += [ox.Quad(node, RDF_TYPE, _term("PharmacologicClass"), g), ox.Quad(node, RDF_TYPE, ox.NamedNode(OWL + "Class"), g),
                ox.Quad(node, ox.NamedNode(RDFS + "subClassOf"), _term("Drug"), g),
                ox.Quad(node, label, ox.Literal(c.label), g), ox.Quad(node, ox.NamedNode(DCT + "source"), ox.Literal(c.source), g),
                ox.Quad(node, _term("memberRule"), ox.Literal(c.rule), g)]
        out += [ox.Quad(node, alt, ox.Literal(n), g) for n in c.names if n != c.label]
        out += [ox.Quad(node, _term("aliasKey"), ox.Literal(k), g) for k in {key(n) for n in (c.label, *c.names)}]
        out += class_definition(node, c.rule, g)
        for unii in sorted(c.members & uniis):
            d = ox.NamedNode(iris.drug(unii=unii))
            out += [ox.Quad(d, _term("inClass"), node, g), ox.Quad(d, RDF_TYPE, node, g)]
    return out


def class_definition(node: ox.NamedNode, rule: str, g: ox.NamedNode) -> list[ox.Quad]:
    """The class's member rule as an OWL equivalence, so a reasoner classifies drugs by their target actions:
    ``target=PDCD1;action=antagonist`` is Drug and (targetAction some (target value PDCD1 and action value
    "antagonist")); ``members=`` an enumeration (oneOf); ``union=`` the union of the classes named."""
    terms = dict(part.split("=", 1) for part in rule.split(";"))
    out: list[ox.Quad] = []
    if "members" in terms:
        body = _owl_class(out, g, "oneOf", [ox.NamedNode(iris.drug(unii=u)) for u in terms["members"].split(",")])
    elif "union" in terms:
        body = _owl_class(out, g, "unionOf", [ox.NamedNode(iris.drug_class(c)) for c in terms["union"].split(",")])
    else:
        parts = [_has_value(out, g, _term("target"), ox.NamedNode(iris.target(terms["target"]))),
                 _has_value(out, g, _term("action"), ox.Literal(terms["action"]))]
        if "modality" in terms:
            parts.append(_has_value(out, g, _term("modality"), ox.Literal(terms["modality"])))
        fact = _owl_class(out, g, "intersectionOf", parts)
        some = ox.BlankNode()
        out += [ox.Quad(some, RDF_TYPE, ox.NamedNode(OWL + "Restriction"), g),
                ox.Quad(some, ox.NamedNode(OWL + "onProperty"), _term("targetAction"), g),
                ox.Quad(some, ox.NamedNode(OWL + "someValuesFrom"), fact, g)]
        body = _owl_class(out, g, "intersectionOf", [_term("Drug"), some])
    out.append(ox.Quad(node, ox.NamedNode(OWL + "equivalentClass"), body, g))
    return out


def _owl_class(out: list[ox.Quad], g: ox.NamedNode, constructor: str, items: list) -> ox.BlankNode:
    """An anonymous OWL class built with ``constructor`` (intersectionOf, unionOf, oneOf) over ``items``."""
    cls = ox.BlankNode()
    out += [ox.Quad(cls, RDF_TYPE, ox.NamedNode(OWL + "Class"), g), ox.Quad(cls, ox.NamedNode(OWL + constructor), _rdf_list(out, g, items), g)]
    return cls


def _has_value(out: list[ox.Quad], g: ox.NamedNode, prop: ox.NamedNode, value) -> ox.BlankNode:
    r = ox.BlankNode()
    out += [ox.Quad(r, RDF_TYPE, ox.NamedNode(OWL + "Restriction"), g), ox.Quad(r, ox.NamedNode(OWL + "onProperty"), prop, g),
            ox.Quad(r, ox.NamedNode(OWL + "hasValue"), value, g)]
    return r


def _rdf_list(out: list[ox.Quad], g: ox.NamedNode, items: list) -> ox.NamedNode | ox.BlankNode:
    head: ox.NamedNode | ox.BlankNode = ox.NamedNode(RDF + "nil")
    for item in reversed(items):
        cell = ox.BlankNode()
        out += [ox.Quad(cell, ox.NamedNode(RDF + "first"), item, g), ox.Quad(cell, ox.NamedNode(RDF + "rest"), head, g)]
        head = cell
    return head


def record_alias_digest(learned: dict[str, tuple[str, str]]) -> str:
    """What ``graph/record-aliases`` is computed from besides the documents: the names records taught (with their
    evidence), the dictionary and trialkg's version."""
    text = "\x00".join([__version__, load().version, *(f"{k}\x01{u}\x01{g}" for k, (u, g) in sorted(learned.items()))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_alias_marker(store: ox.Store) -> str | None:
    """The digest ``graph/record-aliases`` was last computed from (``record_alias_digest``), if it is current."""
    g = ox.NamedNode(iris.RECORD_ALIAS_GRAPH)
    found = next(store.quads_for_pattern(g, _SHA256, None, g), None)
    return found.object.value if found and isinstance(found.object, ox.Literal) else None


def invalidate_record_alias_marker(store: ox.Store) -> None:
    """Say ``graph/record-aliases`` is not current (an ingest is writing documents)."""
    g = ox.NamedNode(iris.RECORD_ALIAS_GRAPH)
    for q in list(store.quads_for_pattern(g, _SHA256, None, g)):
        store.remove(q)


def refresh_record_alias_graph(store: ox.Store, learned: dict[str, tuple[str, str]], written: Iterable[str] = (),
                               since: str | None = None) -> None:
    """Make ``graph/record-aliases`` current: links of interventions that no document resolved, through names
    other records gave a drug (``otherNames``), each naming the record that is the evidence. Derived from
    the whole store, so the result does not depend on the order documents were ingested in.

    When the graph was current (``since``: its digest when the ingest began) for the same learned names and
    dictionary, only the interventions of the ``written`` graphs are linked again, and the links of interventions no
    document describes any more are removed (a 1,000-study update into 100k studies: seconds, not the 110 s of the
    whole store); otherwise every intervention is. Both give the same graph (``tests/test_incremental.py``).

    Only an intervention whose name or other names contain a learned name (compared as letters and digits,
    a looser test than the resolver's, which gave the same links at 100k studies) is given to the resolver:
    one in five of them at 100k studies, which made this step several times faster."""
    digest = record_alias_digest(learned)
    g = ox.NamedNode(iris.RECORD_ALIAS_GRAPH)
    marker = ox.Quad(g, _SHA256, ox.Literal(digest), g)
    if since != digest or next(store.quads_for_pattern(None, None, None, g), None) is None:
        out = _record_alias_links(store, learned, _intervention_rows(store, None) if learned else [])
        store.update(replace_graph_update(iris.RECORD_ALIAS_GRAPH, out.quads))
        store.extend([marker])
        return
    targets = {q.subject for w in written for q in store.quads_for_pattern(None, RDF_TYPE, _INTERVENTION, ox.NamedNode(w))
               if isinstance(q.subject, ox.NamedNode)}
    linked = {q.subject for q in store.quads_for_pattern(None, _DRUG, None, g) if isinstance(q.subject, ox.NamedNode)}
    gone = {i for i in linked if not any(q.graph_name != g for q in store.quads_for_pattern(i, RDF_TYPE, _INTERVENTION, None))}
    old: list[ox.Quad] = []
    for i in (targets | gone) & linked:
        own = list(store.quads_for_pattern(i, None, None, g))
        old += own + [r for q in own if q.predicate == _RESOLUTION and isinstance(q.object, ox.NamedNode)
                      for r in store.quads_for_pattern(q.object, None, None, g)]
    ordered = sorted(targets, key=lambda n: n.value)
    rows = [r for k in range(0, len(ordered), 500) for r in _intervention_rows(store, ordered[k:k + 500])] if learned else []
    new = _record_alias_links(store, learned, rows).quads
    for q in old:
        store.remove(q)
    store.extend(new)
    for d in {q.object for q in old if q.predicate == _DRUG}:  # a drug no link names any more: its description goes
        if next(store.quads_for_pattern(None, _DRUG, d, g), None) is None:
            for q in list(store.quads_for_pattern(d, None, None, g)):  # type: ignore[arg-type]
                store.remove(q)
    store.extend([marker])


def _intervention_rows(store: ox.Store, only: list[ox.NamedNode] | None) -> list:
    """Interventions that no document links to a drug, with their name, other names and type (all, or ``only``)."""
    if only is not None and not only:
        return []
    values = f"VALUES ?i {{ {' '.join(str(i) for i in only)} }}" if only is not None else ""
    return list(select(store, f"""PREFIX tkg: <{iris.ONTOLOGY}>
        SELECT ?i ?name (GROUP_CONCAT(?other; separator="\u0001") AS ?others) ?type WHERE {{ {values}
          ?i a tkg:Intervention ; tkg:interventionName ?name .
          OPTIONAL {{ ?i tkg:otherName ?other }} OPTIONAL {{ ?i tkg:interventionType ?type }}
          FILTER NOT EXISTS {{ GRAPH ?d {{ ?i tkg:drug ?x }} FILTER(?d != <{iris.RECORD_ALIAS_GRAPH}>) }}
        }} GROUP BY ?i ?name ?type ORDER BY ?i""", use_default_graph_as_union=True))


def _record_alias_links(store: ox.Store, learned: dict[str, tuple[str, str]], rows: list) -> GraphQuads:
    """The record-alias links of the interventions of ``rows`` (``_intervention_rows``)."""
    keys = {_skeleton(k) for k in learned} - {""}
    linker = InterventionLinker(DrugResolver(learned=learned))
    out = GraphQuads(iris.RECORD_ALIAS_GRAPH)
    for row in rows:
        others = tuple(o for o in (row["others"].value.split("\u0001") if row["others"] else ()) if o)
        text = _skeleton(" ".join((row["name"].value, *others)))
        if not any(k in text for k in keys):
            continue
        kind = row["type"].value.removeprefix(_TYPE_PREFIX) if row["type"] else None  # DIAGNOSTIC_TEST stays whole
        item = Intervention(name=row["name"].value, type=kind, other_names=others)
        links, *_ = linker(item)
        i = row["i"]
        for n, link in enumerate(links, start=1):
            if link.method != "record-alias":
                continue
            resolution = ox.NamedNode(f"{i.value}/record-alias/{n}")
            link_drug(out, i, resolution, link)
            evidence = learned.get(fold(link.matched), ("", ""))[1]
            if evidence:
                out.add(resolution, PROV + "wasDerivedFrom", ox.NamedNode(evidence))
    return out


_SHA256 = ox.NamedNode(iris.term("sha256"))
_INTERVENTION = ox.NamedNode(iris.term("Intervention"))
_DRUG = ox.NamedNode(iris.term("drug"))
_RESOLUTION = ox.NamedNode(iris.term("resolution"))


_TYPE_PREFIX = iris.enum("interventionType", "")


def _skeleton(text: str) -> str:
    """Letters and digits only, case folded, accents dropped: a name found in a text is found in its skeleton."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum())
