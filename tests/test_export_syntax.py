"""Every export format writes only what its syntax allows: values with every C0 control character."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from conftest import count

CONTROLS = "".join(chr(c) for c in range(32)) + "\x7f"
TITLE = f"Title{CONTROLS}end"
SPONSOR = f"Qwertyx{CONTROLS}Biosciences"  # a name no organisation table knows: its label is the one written


@pytest.fixture(scope="module")
def control_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("controls")
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09000001", "briefTitle": TITLE, "officialTitle": TITLE},
        "descriptionModule": {"briefSummary": TITLE},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": SPONSOR, "class": "INDUSTRY"}},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "toripalimab"}],
                                    "armGroups": [{"label": "A", "type": "EXPERIMENTAL",
                                                   "interventionNames": ["Drug: toripalimab"]}]},
        "conditionsModule": {"conditions": ["Lung cancer"]}}}
    (root / "study.json").write_text(json.dumps(study), encoding="utf-8")
    store = root / "store"
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--workers", "1", "--store", str(store), str(root / "study.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return store


RDFLIB = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.mark.parametrize("fmt", sorted(RDFLIB))
def test_every_rdf_format_parses_back_with_a_strict_parser(control_store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    proc = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(control_store), "--format", fmt,
                           "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    graph.parse(out, format=RDFLIB[fmt])  # rdflib (expat for RDF/XML) refuses ill-formed syntax
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))} if fmt not in (
        "nquads", "trig") else {str(q[2]) for q in graph.quads((None, rdflib.URIRef("http://purl.org/dc/terms/title"), None, None))}
    cleaned = " ".join(TITLE.split())  # the record's own white-space folding
    if fmt == "rdfxml":
        assert "warning:" in proc.stderr and "U+FFFD" in proc.stderr
        assert any("\ufffd" in t and t.startswith("Title") and t.endswith("end") for t in titles), titles
    else:
        assert cleaned in titles, titles  # kept exactly, escaped by the syntax
        assert "warning:" not in proc.stderr
    list(ox.parse(path=str(out), format=ox.RdfFormat.from_extension({"turtle": "ttl", "ntriples": "nt", "nquads": "nq",
         "trig": "trig", "jsonld": "jsonld", "rdfxml": "rdf"}[fmt])))
    count("exports with every C0 control character, parsed back")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_are_well_formed_xml(control_store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"net.{fmt}"
    proc = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(control_store), "--format", fmt,
                           "--network", "sponsor-drug", "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    labels = {d.get("label", "") for _, d in g.nodes(data=True)}
    assert any(label.startswith("Qwertyx") and "\ufffd" in label for label in labels), labels


def test_endpoint_xml_answers_are_well_formed(control_store: Path) -> None:
    import urllib.parse
    import urllib.request
    import xml.dom.minidom

    from kg.serve import Limits, start_in_thread

    url, stop = start_in_thread(control_store, Limits(timeout=20))
    try:
        for query, accept in (("SELECT ?t WHERE { ?x <http://purl.org/dc/terms/title> ?t }", "application/sparql-results+xml"),
                              ("CONSTRUCT WHERE { ?x <http://purl.org/dc/terms/title> ?t }", "application/rdf+xml")):
            req = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
            xml.dom.minidom.parseString(body)  # raises on ill-formed XML
            assert "Title\ufffd".encode() in body or "\ufffd".encode() in body
    finally:
        stop()
