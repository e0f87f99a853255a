"""SHACL shapes: one invalid fixture per constraint, each giving exactly its expected findings
whichever way it reaches pyshacl (rdflib directly, or through the Oxigraph store); and every seed
page and real record in ../shared/data validating with no violation."""

from __future__ import annotations

import collections
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.ingest import ingest
from kg.sources.reader import read_paths
from kg.store import TrialStore
from kg import validate as validate_module
from kg.shacl_python import Unit, validate_document, validate_named
from kg.shacl_sparql import validate_sparql, validate_sparql_store
from kg.validate import document_graphs, unit_graph, validate_graph, validate_store

from conftest import REPO

FIXTURES = sorted((REPO / "tests" / "shape_fixtures").glob("*.ttl"))


def _expected(path: Path) -> collections.Counter:
    lines = [l[len("# expect:"):].strip() for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("# expect:")]
    return collections.Counter(tuple(l.split(" ", 1)) for l in lines)


def _found(findings) -> collections.Counter:
    return collections.Counter((f.severity, f.shape) for f in findings)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_gives_exactly_its_findings_from_either_store(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path.name} states no expectation"
    direct = rdflib.Graph().parse(path, format="turtle")
    data = unit_graph([])
    data += direct
    from_rdflib = validate_graph(data)
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/trialkg/graph/fixture")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    from_oxigraph = validate_graph(unit_graph(store.quads_for_pattern(None, None, None, g)), g.value)
    assert _found(from_rdflib) == expected
    assert _found(from_oxigraph) == expected
    assert _exact(validate_sparql(store)) == _exact(from_oxigraph)  # the SPARQL engine: the very same results
    python = validate_document(Unit(g.value, store.quads_for_pattern(None, None, None, g)))
    assert _exact(python) == _exact(from_oxigraph)  # and the Python engine


def _exact(findings) -> collections.Counter:
    """Findings as a multiset of (severity, shape, focus, value, graph, message); pyshacl's own wording of a
    message is kept only where the shape states sh:message (the SPARQL engine words its defaults itself)."""
    stated = {str(m) for m in validate_module.shapes_graph().objects(None, rdflib.SH.message)}
    return collections.Counter((f.severity, f.shape, f.focus, f.value, f.graph, f.message if f.message in stated else None)
                               for f in findings)


def test_every_constraint_has_a_fixture() -> None:
    """Each property constraint and node-level constraint of the shapes is broken by some fixture."""
    shapes = rdflib.Graph().parse(REPO / "shapes" / "trialkg.shacl.ttl", format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    covered = {shape for p in FIXTURES for (_, shape) in _expected(p)}
    wanted = set()
    for node in set(shapes.subjects(rdflib.RDF.type, sh.NodeShape)):
        name = str(node).rsplit("#", 1)[1]
        if name in ("LabelledDrugShape", "IngestShape"):  # reached through sh:node from other shapes
            continue
        for prop in shapes.objects(node, sh.property):
            path = str(shapes.value(prop, sh.path)).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            wanted.add(f"{name} {path}")
        if (node, sh["or"], None) in shapes or (node, sh["not"], None) in shapes:
            wanted.add(name)
    missing = wanted - covered
    # constraints with no way to break them in isolation are listed here, with why
    untestable = {"RecordedTrialShape condition"} - covered
    assert missing - untestable == set()


def test_seed_pages_and_every_real_record_validate_without_violation(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    paths = [seeds_dir] + [data_dir / d for d in ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-dgg32-samples",
                                                   "ctgov-aact-fixtures/api_v2_json", "ctgov-aact-fixtures/legacy_xml",
                                                   "ctgov-aact-fixtures/classic_api_json")]
    with TrialStore(tmp_path / "s") as store:
        report = ingest(store, read_paths(paths), validate=True)
        assert report.failed == []
        graphs = document_graphs(store.oxigraph)
    assert len(graphs) >= 1700
    with TrialStore(tmp_path / "s", read_only=True) as reader:
        findings = validate_store(reader.read_path, graphs)
        assert _exact(validate_sparql_store(reader.read_path)) == _exact(findings)  # the SPARQL engine agrees
        python = validate_store(reader.read_path, graphs, check=validate_named)
        assert _exact(python) == _exact(findings)  # the Python engine too
    # and validating each document as the ingest built it, before it reached the store, finds the same
    written = set(report.written)
    assert len(written) == len(graphs) - 1  # every document but the dictionary graph
    assert _exact(f for found in report.findings.values() for f in found) == _exact(f for f in findings if f.graph in written)
    violations = [f for f in findings if f.severity == "Violation"]
    assert violations == []
    warnings = collections.Counter(f.shape for f in findings if f.severity == "Warning")
    assert warnings["PlaceholderSponsorShape"] >= 1  # seed 000's "Sponsor GmbH"


def test_cli_engines_agree_on_the_seed_pages(seed_store: Path) -> None:
    import subprocess
    import sys

    lines = {}
    for engine in ("pyshacl", "sparql", "python"):
        done = subprocess.run([sys.executable, "-m", "kg", "validate", "--store", str(seed_store), "--engine", engine],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        lines[engine] = done.stdout.replace(f"({engine})", "")
    assert lines["pyshacl"] == lines["sparql"] == lines["python"] and "warning(s)" in lines["sparql"]


def test_compiled_engines_refuse_what_they_cannot_compile() -> None:
    from kg.errors import KGError
    from kg.shacl_python import PythonCompiler
    from kg.shacl_sparql import Compiler
    from kg.validate import subclass_axioms

    shapes = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .""", format="turtle")
    for compiler in (Compiler, PythonCompiler):
        with pytest.raises(KGError, match="closed"):
            compiler(shapes, subclass_axioms()).checks()


def test_build_validates_exactly_the_documents_it_wrote(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    import subprocess
    import sys

    store = tmp_path / "store"

    def build(path: Path) -> dict[str, str]:
        proc = subprocess.run([sys.executable, "-m", "kg", "build", str(path), "--store", str(store), "--validate"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        return {cells[1].strip(): cells[2].strip().replace(",", "") for line in proc.stdout.splitlines()
                if len(cells := line.split("│")) == 4}

    def found(graphs: set[str] | None = None) -> collections.Counter:
        with TrialStore(store, read_only=True) as s:
            findings = validate_sparql_store(s.read_path, 1)
        return collections.Counter(f.severity for f in findings if graphs is None or f.graph in graphs)

    def documents() -> set[str]:
        with TrialStore(store, read_only=True) as s:
            return set(document_graphs(s.oxigraph))

    first = build(seeds_dir)
    everything = found()
    assert first["documents validated (SHACL)"] == "5" and everything["Warning"] > 0
    assert (int(first["violations"]), int(first["warnings (SHACL)"])) == (everything["Violation"], everything["Warning"])
    before = documents()
    second = build(data_dir / "ctgov-nsclcbench")
    new = documents() - before
    assert int(second["documents validated (SHACL)"]) == len(new) > 5
    assert (int(second["violations"]), int(second["warnings (SHACL)"])) == (found(new)["Violation"], found(new)["Warning"])
