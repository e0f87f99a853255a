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

from conftest import NAMED_PARAMS, count

TRIALS = "SELECT ?n WHERE { ?t a <https://w3id.org/trialkg/ontology#Trial> ; <https://w3id.org/trialkg/ontology#nctId> ?n } ORDER BY ?n"


@pytest.fixture(scope="module")
def store_dir(seed_store: Path) -> Path:
    return seed_store


@pytest.fixture(scope="module")
def endpoint(store_dir: Path):
    url, stop = start_in_thread(store_dir, Limits(timeout=25.0, max_bytes=200_000), workers=1)  # spare time on a busy machine; client waits 30 s
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


def test_long_query_is_cut_off_and_the_endpoint_keeps_working(store_dir: Path) -> None:
    endpoint, stop = start_in_thread(store_dir, Limits(timeout=2.0), workers=1)  # a short timeout of its own
    try:
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows: never done in time
        started = time.monotonic()
        status, _, body = _http(f"{endpoint}?{urllib.parse.urlencode({'query': slow})}")
        assert status == 503 and b"timed out" in body
        assert time.monotonic() - started < 30
        status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK { }'})}")
        assert status == 200  # a new worker answers
    finally:
        stop()


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
            local = q.select(store.oxigraph, text, bindings)
        remote = remote_rows(endpoint, q.with_values(text, bindings))
        assert remote[0] == local[0], name
        assert sorted(map(tuple, remote[1]), key=str) == sorted(map(tuple, local[1]), key=str), name


def test_cli_query_endpoint_and_unreachable(endpoint: str) -> None:
    ok = subprocess.run([sys.executable, "-m", "kg", "query", "trials-by-drug", "--param", "drug=Tuoyi",
                         "--endpoint", endpoint, "--format", "json"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "NCT04523493" in {r["nct_id"] for r in json.loads(ok.stdout)["rows"]}
    down = subprocess.run([sys.executable, "-m", "kg", "query", "data-quality", "--endpoint", "http://127.0.0.1:9/sparql"],
                          capture_output=True, text=True)
    assert down.returncode == 2 and "cannot reach" in down.stderr and "Traceback" not in down.stderr


# -- hostile requests (each a regression test of a reported defect) -------------------------------------

def _raw(url: str, request: bytes) -> bytes:
    """Send ``request`` as raw bytes to the server of ``url``; the reply's bytes (the server closes)."""
    import socket

    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class _Listener:
    """A loopback socket that counts the connections made to it (an SSRF target that must stay unvisited)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


def test_service_in_every_spelling_is_refused_and_no_connection_is_made(endpoint: str) -> None:
    target = _Listener()
    iri = f"http://127.0.0.1:{target.port}/sparql"
    spellings = [f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ SERVICE<{iri}> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ SERVICE SILENT<{iri}> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ service silent <{iri}> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ SERVICE #a comment\n<{iri}> {{ ?s ?p ?o }} }}",
                 f"PREFIX r: <http://127.0.0.1:{target.port}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ \\u0053ERVICE <{iri}> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE\t<{iri}> {{ ?s ?p ?o }} }} }}",
                 f"SELECT * WHERE {{ VALUES ?e {{ <{iri}> }} SERVICE ?e {{ ?s ?p ?o }} }}"]
    try:
        for query in spellings:
            status, _, body = _http(f"{endpoint}?{urllib.parse.urlencode({'query': query})}")
            assert status == 403 and b"SERVICE" in body, query
            status, _, body = _http(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
            assert status == 403, query
    finally:
        target.close()
    assert target.connections == 0
    count("hostile endpoint requests refused (SERVICE spellings, GET and POST)", 2 * len(spellings))
    # the word in a string or an IRI is no SERVICE call: answered
    words = urllib.parse.urlencode({"query": 'ASK { ?s ?p "SERVICE <http://x/>" }'})
    status, _, _ = _http(f"{endpoint}?{words}")
    assert status == 200


def test_a_query_made_to_backtrack_is_answered_at_once(endpoint: str) -> None:
    """PREFIX + 500 spaces + x: a regular expression once backtracked on it for tens of seconds, before any
    timeout, in the server's own process; now a lexer reads it and the engine names the syntax error."""
    for query in ("PREFIX" + " " * 500 + "x", "PREFIX" + " \n" * 5000 + "x", "SELECT" + " ?a" * 20000 + " {"):
        status, _, body = _http(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
        assert status == 400, body[:200]
        count("hostile endpoint requests refused (backtracking bait, deep nesting, bad headers)")
    status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}")
    assert status == 200


def test_deep_nesting_is_refused_before_the_parser(endpoint: str) -> None:
    for query in ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"):
        status, _, body = _http(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
        assert status == 400 and b"levels deep" in body
    status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}")
    assert status == 200  # the worker is alive


@pytest.mark.parametrize(("length", "status"), [(b"abc", b"400"), (b"-1", b"400"), (b"1e3", b"400"),
                                                (b"99999999999999", b"413")])
def test_bad_content_length_is_answered_at_once(endpoint: str, length: bytes, status: bytes) -> None:
    host = urllib.parse.urlsplit(endpoint).netloc.encode()
    reply = _raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: " + length + b"\r\n\r\nASK {}")
    assert reply.split(b"\r\n", 1)[0].split()[1] == status, reply[:200]
    count("hostile endpoint requests refused (backtracking bait, deep nesting, bad headers)")


@pytest.mark.parametrize("headers", [{"Host": "evil.example"}, {"Host": "evil.example:8000"},
                                     {"Origin": "http://evil.example"}, {"Host": "127.0.0.1.evil.example"}])
def test_requests_naming_another_host_are_refused_on_loopback(endpoint: str, headers: dict) -> None:
    status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}", headers=headers)
    assert status == 403
    count("hostile endpoint requests refused (backtracking bait, deep nesting, bad headers)")


def test_loopback_names_are_served(endpoint: str) -> None:
    port = urllib.parse.urlsplit(endpoint).port
    for headers in ({"Host": f"localhost:{port}"}, {"Host": f"127.0.0.1:{port}", "Origin": f"http://localhost:{port}"},
                    {"Host": f"[::1]:{port}"}):
        status, _, _ = _http(f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}", headers=headers)
        assert status == 200, headers


def test_waiting_for_a_worker_counts_against_the_timeout_and_a_full_queue_is_503(store_dir: Path) -> None:
    import threading
    from http.server import ThreadingHTTPServer

    from kg.serve import QueryPool, make_handler

    pool = QueryPool(str(store_dir), 1, Limits(timeout=1.5, queue=1))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(pool))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    slow = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    answers: dict[str, tuple] = {}
    try:
        first = threading.Thread(target=lambda: answers.__setitem__("slow", _http(f"{url}?{slow}")))
        first.start()
        while not pool.idle.empty():  # the slow query holds the only worker
            time.sleep(0.01)
        started = time.monotonic()
        second = threading.Thread(target=lambda: answers.__setitem__("ask", _http(f"{url}?query=ASK%20%7B%7D")))
        second.start()
        while pool._waiting._value > 0:  # the ASK now waits in the queue (one place)
            time.sleep(0.01)
        status, _, body = _http(f"{url}?query=ASK%20%7B%7D")  # no place left: refused at once
        assert status == 503 and b"busy" in body
        second.join()
        waited = time.monotonic() - started
        first.join()
    finally:
        server.shutdown()
        server.server_close()
        pool.close()
    assert answers["slow"][0] == 503
    assert answers["ask"][0] in (200, 503)
    assert waited < 1.5 + 10  # the wait was bounded by the timeout (plus a worker's restart), not the slow query's run


def test_cli_query_hostile_parameters_and_texts_give_one_line(seed_store: Path) -> None:
    cases = [(["related-trials", "--param", "trial=NCT06505837", "--param", "hops=²"], "hops must be a whole number"),
             (["sponsor-drug-network", "--param", "min_trials=²"], "min_trials must be a whole number"),
             (["trials-by-drug", "--param", "drug="], "is empty"),
             (["--sparql", "SELECT * WHERE " + "{" * 5000 + "}" * 5000], "levels deep"),
             (["--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"], "query failed")]
    for args, expected in cases:
        proc = subprocess.run([sys.executable, "-m", "kg", "query", *args, "--store", str(seed_store)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (args[:2], proc.returncode, proc.stderr[-500:])
        assert expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-500:]
        assert len([l for l in proc.stderr.splitlines() if l.strip()]) == 1, proc.stderr


def test_trials_answers_kg_trials_filters_as_kg_trials_does(endpoint: str, store_dir: Path) -> None:
    from kg import query as q
    from kg import trials as kt

    base = endpoint.rsplit("/", 1)[0] + "/trials"
    status, media, body = _http(base + "?drug=JS-001&phase=Phase%203&limit=2&facets=1")
    assert status == 200 and media.startswith("application/json")
    got = json.loads(body)
    with TrialStore(store_dir, read_only=True) as store:
        expected = kt.trials(store.oxigraph, kt.Filters(drug="JS-001", phase="Phase 3"), q.Binder(store=store.oxigraph),
                             limit=2, facets=True)
    assert got["count"] == expected.count > 0 and got["rows"] == expected.rows and len(got["rows"]) <= 2
    assert {k: [tuple(x) for x in v] for k, v in got["facets"].items()} == expected.facets
    status, _, body = _http(base + "?sponsor=No%20Such%20Sponsor%20Ltd&count=1")  # a filter naming nothing: a note
    assert status == 200 and json.loads(body)["count"] == 0 and json.loads(body)["notes"]


@pytest.mark.parametrize(("query", "says"), [("?colour=red", "takes no parameter 'colour'"),
                                              ("?enrollment-min=many", "takes a whole number"),
                                              ("?has-results=maybe", "takes true or false"),
                                              ("?limit=-1", "takes a whole number"),
                                              ("?start-from=yesterday", "takes a date")])
def test_trials_bad_parameters_are_one_line_400(endpoint: str, query: str, says: str) -> None:
    status, _, body = _http(endpoint.rsplit("/", 1)[0] + "/trials" + query)
    assert status == 400 and says in body.decode() and "\n" not in body.decode().strip()
