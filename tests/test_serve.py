"""The SPARQL endpoint, tested with real clients (SPARQLWrapper, rdflib's SPARQLStore) on a free loopback port."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from kg.serve import Limits, start_in_thread
from kg.store import TrialStore

from conftest import NAMED_PARAMS

TRIALS = "SELECT ?n WHERE { ?t a <https://w3id.org/trialkg/ontology#Trial> ; <https://w3id.org/trialkg/ontology#nctId> ?n } ORDER BY ?n"


@pytest.fixture(scope="module")
def store_dir(seed_store: Path) -> Path:
    return seed_store


@pytest.fixture(scope="module")
def endpoint(store_dir: Path):
    url, stop = start_in_thread(store_dir, Limits(timeout=2.0, max_bytes=200_000), workers=1)
    yield url
    stop()


def _http(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def test_sparqlwrapper_json_xml_csv(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(TRIALS)
    client.setReturnFormat(JSON)
    ids = [b["n"]["value"] for b in client.query().convert()["results"]["bindings"]]
    assert {"NCT04523493", "NCT06048315", "NCT03581786"} <= set(ids)  # full records and a stub
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == len(ids)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode())))
    assert rows[0] == ["n"] and len(rows) == len(ids) + 1
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    assert len(client.query().convert()["results"]["bindings"]) == len(ids)


def test_sparqlwrapper_construct_as_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("CONSTRUCT { ?t <http://purl.org/dc/terms/title> ?x } WHERE { ?t <http://purl.org/dc/terms/title> ?x }")
    client.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) >= 4


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    ids = {str(r[0]) for r in graph.query(TRIALS)}
    assert "NCT04523493" in ids
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_content_negotiation_by_accept(endpoint: str) -> None:
    q = urllib.parse.urlencode({"query": TRIALS})
    for accept, media in (("text/tab-separated-values", "text/tab-separated-values"),
                          ("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json")):
        status, ctype, _ = _http(f"{endpoint}?{q}", headers={"Accept": accept})
        assert status == 200 and ctype.startswith(media), accept
    cq = urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s <http://purl.org/dc/terms/title> ?o }"})
    status, ctype, body = _http(f"{endpoint}?{cq}", headers={"Accept": "application/n-triples"})
    assert status == 200 and ctype.startswith("application/n-triples") and body.count(b" .\n") >= 4


def test_post_forms(endpoint: str) -> None:
    status, _, body = _http(endpoint, data=TRIALS.encode(), headers={"Content-Type": "application/sparql-query",
                                                                     "Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["results"]["bindings"]
    status, _, body = _http(endpoint, data=urllib.parse.urlencode({"query": TRIALS}).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["results"]["bindings"]


@pytest.mark.parametrize(("data", "ctype"), [
    (b"DROP ALL", "application/sparql-update"),
    (urllib.parse.urlencode({"update": "DROP ALL"}).encode(), "application/x-www-form-urlencoded"),
    (urllib.parse.urlencode({"query": "DELETE WHERE { ?s ?p ?o }"}).encode(), "application/x-www-form-urlencoded"),
    (urllib.parse.urlencode({"query": "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }"}).encode(), "application/x-www-form-urlencoded"),
])
def test_updates_are_refused(endpoint: str, store_dir: Path, data: bytes, ctype: str) -> None:
    status, _, body = _http(endpoint, data=data, headers={"Content-Type": ctype})
    assert status == 403 and b"read-only" in body
    count = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    status, _, body = _http(f"{endpoint}?{count}")
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 1000


def test_service_is_refused(endpoint: str) -> None:
    q = urllib.parse.urlencode({"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    status, _, body = _http(f"{endpoint}?{q}")
    assert status == 403 and b"SERVICE" in body


def test_malformed_query_is_400_with_the_parser_message(endpoint: str) -> None:
    status, _, body = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'SELECT * WHERE { ?s ?p }'})}")
    assert status == 400 and b"malformed query" in body and b"1:" in body


def test_long_query_is_cut_off_and_the_endpoint_keeps_working(endpoint: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    status, _, body = _http(f"{endpoint}?{urllib.parse.urlencode({'query': slow})}")
    assert status == 503 and b"timed out" in body
    assert time.monotonic() - started < 20
    status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': TRIALS})}")
    assert status == 200


def test_result_size_limit(endpoint: str) -> None:
    status, _, body = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'SELECT * WHERE { ?s ?p ?o }'})}")
    assert status == 413 and b"too large" in body


def test_cli_serve_on_loopback(store_dir: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line
        url = line.split()[4]
        status, _, body = _http(f"{url}?{urllib.parse.urlencode({'query': TRIALS})}")
        assert status == 200 and b"NCT04523493" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_named_query_gives_the_same_answer_remotely(endpoint: str, store_dir: Path) -> None:
    from kg import query as q
    from kg.remote import remote_rows

    for name, nq in q.named_queries().items():
        text, bindings = q.prepare(nq, NAMED_PARAMS.get(name, {}), q.Binder())
        with TrialStore(store_dir, read_only=True) as store:
            local = q.rows(q.run_local(store.oxigraph, text, bindings))
        remote = remote_rows(endpoint, q.with_values(text, bindings))
        assert remote[0] == local[0], name
        assert sorted(map(tuple, remote[1]), key=str) == sorted(map(tuple, local[1]), key=str), name


def test_cli_query_endpoint_and_unreachable(endpoint: str) -> None:
    ok = subprocess.run([sys.executable, "-m", "kg", "query", "trials-by-drug", "--param", "drug=Tuoyi",
                         "--endpoint", endpoint, "--format", "json"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "NCT04523493" in {r["nct_id"] for r in json.loads(ok.stdout)}
    down = subprocess.run([sys.executable, "-m", "kg", "query", "data-quality", "--endpoint", "http://127.0.0.1:9/sparql"],
                          capture_output=True, text=True)
    assert down.returncode == 2 and "cannot reach" in down.stderr and "Traceback" not in down.stderr
