"""The ontology: consistent under HermiT, an inconsistent fixture caught, enums in step with the
parsers, and the store's SPARQL rules agreeing with HermiT on a sample of real trials."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, SKOS

from kg.ingest import ingest
from kg import iris
from kg.errors import KGError
from kg.reason import hermit, ontology_graph
from kg.sources import vocab
from kg.sources.reader import read_paths
from kg.store import TrialStore

from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
TKG = rdflib.Namespace(iris.ONTOLOGY)
DERIVED = ("RecruitingTrial", "LatePhaseTrial", "IndustrySponsoredTrial", "MultinationalTrial")


def test_ontology_is_consistent() -> None:
    members = hermit()
    assert iris.term("Trial") in members


def test_inconsistent_fixture_is_caught() -> None:
    g = rdflib.Graph()
    g.parse(REPO / "tests" / "fixtures" / "inconsistent.ttl", format="turtle")
    with pytest.raises(KGError, match="inconsistent"):
        hermit(g)


def test_enum_individuals_match_the_parsers() -> None:
    g = ontology_graph()
    expected = {"TrialStatus": vocab.STATUSES, "Phase": vocab.PHASES, "StudyType": vocab.STUDY_TYPES,
                "InterventionType": vocab.INTERVENTION_TYPES, "ArmType": vocab.ARM_TYPES,
                "SponsorClass": vocab.SPONSOR_CLASSES, "Allocation": vocab.ALLOCATIONS,
                "InterventionModel": vocab.INTERVENTION_MODELS, "PrimaryPurpose": vocab.PRIMARY_PURPOSES,
                "Masking": vocab.MASKINGS, "Sex": vocab.SEXES,
                "OutcomeKind": vocab.OUTCOME_KINDS}
    for cls, values in expected.items():
        notations = {str(g.value(i, SKOS.notation)) for i in g.subjects(RDF.type, TKG[cls])}
        assert notations == set(values), cls


def test_every_term_the_builder_uses_is_declared(tmp_path: Path, seeds_dir: Path) -> None:
    g = ontology_graph()
    declared = {str(s) for s in g.subjects(RDF.type, None)}
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir, REPO / "examples"]))
        used = {row["p"].value for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
        used |= {row["c"].value for row in store.query("SELECT DISTINCT ?c WHERE { ?s a ?c }")}
    ours = {u for u in used if u.startswith(iris.ONTOLOGY)}
    assert ours - declared == set()


def _sample(store: TrialStore, n: int) -> rdflib.Graph:
    """The triples about ``n`` trials and what their rules read (sponsors' classes, countries)."""
    g = rdflib.Graph()
    trials = [r["t"] for r in store.query(
        f"SELECT DISTINCT ?t WHERE {{ ?t <{iris.term('mentionedIn')}> ?d }} ORDER BY ?t LIMIT {n}")]
    keep = {iris.term(p) for p in ("status", "phase", "leadSponsor", "country", "nctId")}
    countries = set()
    for t in trials:
        g.add((rdflib.URIRef(t.value), RDF.type, TKG.Trial))
        for row in store.query(f"SELECT ?p ?o WHERE {{ <{t.value}> ?p ?o }}"):
            if row["p"].value not in keep:
                continue
            o = rdflib.URIRef(row["o"].value) if row["o"].value.startswith("http") else rdflib.Literal(row["o"].value)
            g.add((rdflib.URIRef(t.value), rdflib.URIRef(row["p"].value), o))
            if row["p"].value == iris.term("leadSponsor"):
                g.add((o, RDF.type, TKG.Organization))
                for cls in store.query(f"SELECT ?c WHERE {{ <{o}> <{iris.term('sponsorClass')}> ?c }}"):
                    g.add((o, TKG.sponsorClass, rdflib.URIRef(cls["c"].value)))
            if row["p"].value == iris.term("country"):
                g.add((o, RDF.type, TKG.Country))
                countries.add(o)
    if len(countries) > 1:  # OWL has no unique-name assumption: say the countries are distinct
        members = rdflib.BNode()
        g.add((members, RDF.type, OWL.AllDifferent))
        rdflib.collection.Collection(g, (lst := rdflib.BNode()), sorted(countries))
        g.add((members, OWL.distinctMembers, lst))
    return g


def test_sparql_rules_agree_with_hermit(tmp_path: Path, seeds_dir: Path) -> None:
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir, REPO / "examples"]))
        sample = _sample(store, 25)
        trials = {str(t) for t in sample.subjects(RDF.type, TKG.Trial)}
        by_rules = {cls: {r["t"].value for r in store.query(f"SELECT ?t WHERE {{ ?t a <{iris.term(cls)}> }}")} & trials
                    for cls in DERIVED}
    by_hermit = hermit(sample)
    for cls in DERIVED:
        assert by_hermit.get(iris.term(cls), set()) & trials == by_rules[cls], cls
    assert any(by_rules[c] for c in DERIVED), "the sample exercises no rule"
    assert by_rules["MultinationalTrial"], "the sample has no multinational trial"


def test_drug_classes_are_owl_classes_hermit_agrees_with() -> None:
    """Each class's member rule is an OWL equivalence (data/drugs/classes.tsv -> kg.drug_graph.class_definition):
    given only the drugs' target actions (their class memberships removed), HermiT puts each drug of a sample in
    exactly the classes the table gives — target and action on one fact, modality, enumerations and unions."""
    import pyoxigraph as ox

    from kg.drug_graph import knowledge_quads
    from kg.namespaces import DCT, RDFS as RDFS_NS, SKOS as SKOS_NS
    from kg.resolve.targets import classes, target_actions

    table = classes()
    sample: set[str] = set()
    for c in table.values():  # two members of every class, a bispecific among them, and drugs of no class
        sample |= set(sorted(c.members)[:2])
    no_class = sorted({a.unii for a in target_actions()} - set().union(*(c.members for c in table.values())))
    sample |= set(no_class[:2])
    g = ox.NamedNode("http://example.org/sample")
    class_nodes = {iris.drug_class(c) for c in table}
    told = {iris.term("inClass"), iris.term("aliasKey"), iris.term("memberRule"), iris.term("hgncId"),
            SKOS_NS + "prefLabel", SKOS_NS + "altLabel", RDFS_NS + "label", DCT + "source"}
    facts = [q for q in knowledge_quads(sample, g) if q.predicate.value not in told
             and not (q.predicate.value == str(RDF.type) and q.object.value in class_nodes)]
    individuals = rdflib.Graph()
    individuals.parse(data=ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in facts],
                                        format=ox.RdfFormat.N_TRIPLES), format="nt")
    members = hermit(individuals)
    drug = iris.ID + "drug/unii/"
    named = set().union(*(c.members for c in table.values() if c.rule.startswith("members=")))  # oneOf names them all
    for cid, c in table.items():
        inferred = {m.removeprefix(drug) for m in members.get(iris.drug_class(cid), set()) if m.startswith(drug)}
        assert inferred == c.members & (sample | named), cid
    assert no_class[0] in sample and all(no_class[0] not in c.members for c in table.values())
