"""The graph: stable IRIs, one named graph per document with provenance, idempotent re-ingest,
replacement of new versions, stubs completed by full records, personal data kept out, a failed
ingest leaving the store as it was, and exports that read back identical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.resolve.sponsors import organization_iri
from kg.ingest import ingest
from kg import iris
from kg.build import BuildOptions, record_graph, record_quads
from kg.errors import KGError
from kg.export import export
from kg.sources.model import Source, Sponsor, TrialRecord
from kg.sources.reader import read_file, read_paths
import kg.ingest as ingest_module
from kg.store import TrialStore

from conftest import REPO

SEED = {"000": "000_7b35a79bb7172886.txt", "002": "002_75943421a9a540ee.txt", "004": "004_9a5221bcea9ebcfb.txt"}
TKG = iris.ONTOLOGY


def _quads(store: TrialStore) -> set[tuple[str, str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for q in store.oxigraph.quads_for_pattern(None, None, None, None)}


def _values(store: TrialStore, subject: str, prop: str) -> set[str]:
    return {r["o"].value for r in store.query(f"SELECT ?o WHERE {{ <{subject}> <{prop}> ?o }}")}


HOSTILE = ['Quote " and \'apostrophe\'', "Angle <brackets> & amp", "new\nline\ttab", "back\\slash",
           "中国医学科学院肿瘤医院", "Ünïcödé Kliniken", "   ", "%41 percent", "#hash ?query /slash", "emoji 🧪"]


@pytest.mark.parametrize("name", HOSTILE)
def test_iris_are_valid_for_any_name(name: str) -> None:
    for iri in (organization_iri(name), iris.condition(name), iris.site(name, name, "CN"),
                iris.drug(name=name), iris.city("CN", name), iris.unknown_country(name)):
        ox.NamedNode(iri)  # raises on an invalid IRI
        assert rdflib.URIRef(iri).n3()  # and rdflib accepts it
        assert not any(c in iri for c in ' "<>\\\n\t{}|^`')


def test_iris_are_deterministic_and_shared_across_sources() -> None:
    assert organization_iri("Shanghai Junshi Bioscience Co., Ltd.") == organization_iri("SHANGHAI JUNSHI BIOSCIENCE CO LTD")
    assert organization_iri("Sponsor GmbH") != organization_iri("Shanghai Junshi Bioscience Co., Ltd.")
    assert iris.drug(unii="8JXN261VVA") == iris.ID + "drug/unii/8JXN261VVA"
    assert iris.trial("NCT04523493") == iris.ID + "trial/NCT04523493"
    long_a, long_b = "Hospital " + "x" * 200 + "a", "Hospital " + "x" * 200 + "b"
    assert organization_iri(long_a) != organization_iri(long_b)


def test_same_trial_from_two_formats_shares_trial_and_site_iris(data_dir: Path) -> None:
    xml, = read_file(data_dir / "ctgov-aact-fixtures/legacy_xml/NCT01298141.xml")
    v2 = next(r for r in read_file(data_dir / "ctgov-tigit-watch/studies_api_v2.jsonl.gz") if r.nct_id == "NCT01298141")
    def subjects(record: TrialRecord) -> set[str]:
        _, quads = record_quads(record)
        return {q.subject.value for q in quads if "/site/" in q.subject.value or q.subject.value.endswith("NCT01298141")}
    assert subjects(xml) == subjects(v2)


def test_each_document_is_a_named_graph_with_provenance(tmp_path: Path, seeds_dir: Path) -> None:
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir]))
        docs = store.documents()
        assert len(docs) == 5
        for graph, sha in docs.items():
            assert len(sha) == 64
            assert _values(store, graph, TKG + "sourcePath")
            assert _values(store, graph, "http://purl.org/dc/terms/format") & {
                "page-trial-digest", "page-veeva", "page-patient-portal", "page-summary-table"}
            (activity,) = _values(store, graph, "http://www.w3.org/ns/prov#wasGeneratedBy")
            assert _values(store, activity, "http://www.w3.org/ns/prov#endedAtTime")
            (parser,) = _values(store, activity, "http://www.w3.org/ns/prov#wasAssociatedWith")
            assert _values(store, parser, TKG + "parserVersion")


def test_reingest_changes_nothing_and_new_version_replaces(tmp_path: Path, seeds_dir: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes((seeds_dir / SEED["002"]).read_bytes())
    with TrialStore(tmp_path / "s") as store:
        first = ingest(store, read_paths([page]))
        before = _quads(store)
        again = ingest(store, read_paths([page]))
        assert (first.added, again.unchanged, again.added, again.replaced) == (1, 1, 0, 0)
        assert _quads(store) == before
        page.write_text(page.read_text(encoding="utf-8").replace("ACTIVE_NOT_RECRUITING", "COMPLETED", 1), encoding="utf-8")
        third = ingest(store, read_paths([page]))
        assert third.replaced == 1
        trial = iris.trial("NCT04523493")
        assert _values(store, trial, TKG + "status") == {iris.enum("status", "COMPLETED")}
        assert len(store.documents()) == 1


def test_related_trial_stub_is_completed_not_duplicated(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    study = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[0]
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT03581786"  # named by seed 000 as related
    record = tmp_path / "NCT03581786.json"
    record.write_text(json.dumps(study), encoding="utf-8")
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir / SEED["000"]]))
        trial = iris.trial("NCT03581786")
        assert _values(store, trial, TKG + "mentionedTitle")
        assert not _values(store, trial, "http://purl.org/dc/terms/title")
        ingest(store, read_paths([record]))
        rows = list(store.query(f'SELECT DISTINCT ?t WHERE {{ ?t <{TKG}nctId> "NCT03581786" }}'))
        assert [r["t"].value for r in rows] == [trial]
        assert _values(store, trial, "http://purl.org/dc/terms/title")  # completed by the full record


def test_contact_phone_and_email_kept_out_unless_asked(tmp_path: Path, seeds_dir: Path) -> None:
    (record,) = list(read_file(seeds_dir / SEED["004"]))
    _, quads = record_quads(record)
    text = " ".join(str(q) for q in quads)
    assert "deganlu@126.com" not in text and "18753157623" not in text
    assert "Lu DeGan" in text  # a contact's name is kept, like officials' names
    _, quads = record_quads(record, BuildOptions(include_contacts=True))
    text = " ".join(str(q) for q in quads)
    assert "deganlu@126.com" in text and "18753157623" in text


def test_failed_ingest_leaves_the_store_as_it_was(tmp_path: Path, seeds_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 1)  # so writes happen before the failure
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir / SEED["000"]]))
        before = _quads(store)

        def records_then_crash():
            yield from read_paths([seeds_dir / SEED["002"], seeds_dir / SEED["004"]])
            raise RuntimeError("disk on fire")

        with pytest.raises(RuntimeError, match="disk on fire"):
            ingest(store, records_then_crash())
        assert _quads(store) == before
    with TrialStore(tmp_path / "s", read_only=True) as reopened:
        assert _quads(reopened) == before


def test_interrupted_ingest_keeps_its_documents_and_a_rerun_resumes(tmp_path: Path, seeds_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 1)
    pages = [seeds_dir / SEED[k] for k in ("000", "002", "004")]

    def two_then_ctrl_c():
        yield from read_paths(pages[:2])
        raise KeyboardInterrupt

    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths(pages[:1]))
        with pytest.raises(KeyboardInterrupt):
            ingest(store, two_then_ctrl_c())
        assert len(store.documents()) == 2  # kept, for the rerun
    with TrialStore(tmp_path / "s", read_only=True) as reader:
        assert len(reader.documents()) == 1  # readers still see the last finished ingest
    with TrialStore(tmp_path / "s") as store:
        report = ingest(store, read_paths(pages))
        assert (report.unchanged, report.added) == (2, 1)


def test_hostile_names_round_trip_through_turtle_and_jsonld(tmp_path: Path) -> None:
    names = [n for n in HOSTILE if n.strip()]
    record = TrialRecord(source=Source(path="mem", sha256="0" * 64, format="ctgov-api-v2-json"), nct_id="NCT00000042",
                         title=names[0] + " " + names[2], sponsors=tuple(Sponsor(name=n, role="COLLABORATOR") for n in names))
    with TrialStore(tmp_path / "s") as store:
        ingest(store, [record])
        labels = {r["l"].value for r in store.query(
            "SELECT ?l WHERE { ?o a <%sOrganization> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }" % TKG)}
        assert labels == set(names)
        for fmt, rdflib_format in (("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt")):
            out = tmp_path / f"x.{fmt}"
            export(store.oxigraph, out, fmt)
            g = rdflib.Graph().parse(out, format=rdflib_format)
            got = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
            assert set(names) <= got, fmt


def test_export_round_trips(tmp_path: Path, seeds_dir: Path) -> None:
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir, REPO / "examples"]))
        quads = _quads(store)
        union = {(s, p, o) for s, p, o, g in quads if g != f"<{iris.ONTOLOGY_GRAPH}>"}
        documents = {q for q in quads if q[3] != f"<{iris.ONTOLOGY_GRAPH}>" and not _blank(q)}
        anonymous = sum(1 for q in quads if q[3] != f"<{iris.ONTOLOGY_GRAPH}>" and _blank(q))  # the classes' OWL definitions
        export(store.oxigraph, tmp_path / "all.nq", "nquads")
        export(store.oxigraph, tmp_path / "all.ttl", "turtle")
        export(store.oxigraph, tmp_path / "all.trig", "trig")
        export(store.oxigraph, tmp_path / "onto.trig", "trig", with_ontology=True)
        onto = store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(iris.ONTOLOGY_GRAPH))
        ontology = rdflib.Graph().parse(data=ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in onto],
                                                          format=ox.RdfFormat.N_TRIPLES), format="nt")
    for name, fmt in (("all.nq", ox.RdfFormat.N_QUADS), ("all.trig", ox.RdfFormat.TRIG)):
        back = ox.Store()
        back.load(path=str(tmp_path / name), format=fmt)
        back_quads = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in back}
        assert {q for q in back_quads if not _blank(q)} == documents, name
        assert sum(1 for q in back_quads if _blank(q)) == anonymous, name  # blank nodes are relabelled on reading
    # the ontology graph holds blank nodes (OWL restrictions): compared by isomorphism
    back = rdflib.Dataset()
    back.parse(tmp_path / "onto.trig", format="trig")
    assert isomorphic(back.graph(rdflib.URIRef(iris.ONTOLOGY_GRAPH)), ontology)
    triples = {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(path=str(tmp_path / "all.ttl"), format=ox.RdfFormat.TURTLE)}
    named = {t for t in union if not _blank(t)}
    assert {t for t in triples if not _blank(t)} == named  # the blank nodes (OWL class definitions) are counted
    assert sum(1 for t in triples if _blank(t)) == sum(1 for t in union if _blank(t))
    g = rdflib.Graph().parse(tmp_path / "all.ttl", format="turtle")
    assert len(g) == len(union)
    assert "@prefix tkg:" in (tmp_path / "all.ttl").read_text(encoding="utf-8")


def test_cli_build_prints_summary_and_export(tmp_path: Path) -> None:
    store = tmp_path / "store"
    proc = subprocess.run([sys.executable, "-m", "kg", "build", str(REPO / "examples"), "--store", str(store)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "trials (full records)" in proc.stdout and "33" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(store), "--format", "turtle",
                           "-o", str(tmp_path / "out.ttl")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(rdflib.Graph().parse(tmp_path / "out.ttl")) > 1000


def test_reading_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="no trialkg store"):
        TrialStore(tmp_path / "none", read_only=True)
    proc = subprocess.run([sys.executable, "-m", "kg", "stats", "--store", str(tmp_path / "none")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no trialkg store" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_country_is_a_build_warning(tmp_path: Path) -> None:
    from kg.sources.model import Site

    record = TrialRecord(source=Source(path="mem", sha256="0" * 64, format="ctgov-api-v2-json"), nct_id="NCT00000043",
                         sites=(Site(facility="Clinic", city="Town", country="Atlantis"),))
    assert record_graph(record).warnings == ("unknown country name 'Atlantis' (https://w3id.org/trialkg/graph/ctgov/NCT00000043)",)


def test_sources_that_disagree_keep_both_facts_and_show_says_which_is_current(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    """Seed 002 (last updated 2025-12-09, ACTIVE_NOT_RECRUITING) and a registry record of the same trial updated
    later (COMPLETED): both statuses stay with their provenance; the current one is the later source's."""
    study = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[0]
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT04523493"
    study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-01-05", "type": "ACTUAL"}
    record = tmp_path / "NCT04523493.json"
    record.write_text(json.dumps(study), encoding="utf-8")
    from kg.show import show

    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir / SEED["002"], record]))
        statuses = {(s.value, s.source_format, s.current) for s in show(store.oxigraph, "NCT04523493") if s.field == "status"}
    assert statuses == {("ACTIVE_NOT_RECRUITING", "page-trial-digest", False), ("COMPLETED", "ctgov-api-v2-json", True)}
    proc = subprocess.run([sys.executable, "-m", "kg", "show", "NCT04523493", "--store", str(tmp_path / "s")],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "COMPLETED" in proc.stdout and "ACTIVE_NOT_RECRUITING" in proc.stdout


def test_export_never_writes_contact_phone_or_email_by_default(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "s"
    subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_dir), "--store", str(store)], capture_output=True, check=True)
    for fmt in ("turtle", "nquads", "jsonld", "graphml"):
        out = tmp_path / f"x.{fmt}"
        subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(store), "--format", fmt, "-o", str(out)],
                       capture_output=True, check=True)
        text = out.read_text(encoding="utf-8")
        assert "deganlu@126.com" not in text and "18753157623" not in text, fmt
    with_contacts = tmp_path / "s2"
    subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_dir), "--store", str(with_contacts), "--include-contacts"],
                   capture_output=True, check=True)
    subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(with_contacts), "-o", str(tmp_path / "c.ttl")],
                   capture_output=True, check=True)
    assert "deganlu@126.com" in (tmp_path / "c.ttl").read_text(encoding="utf-8")


def _blank(quad: tuple[str, ...]) -> bool:
    return any(term.startswith("_:") for term in quad)
