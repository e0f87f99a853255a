"""A read-only SPARQL 1.1 Protocol endpoint over the store: ``kg serve``.

- ``/sparql`` answers GET (``?query=``) and POST (form-encoded ``query=``, or ``application/sparql-query``).
- Results by content negotiation: SPARQL results as JSON, XML, CSV or TSV for SELECT and ASK;
  Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and DESCRIBE.
- Read-only: SPARQL Update is refused (403), and so is ``SERVICE`` (no calls to other hosts).
- Each query runs in a worker process that holds the store's latest snapshot open read-only, and moves
  to a newer one when an ingest has finished since (each document whole, old or new version); a query that runs past
  the timeout is cut off (its worker is killed and replaced) and answered 503; a result over the
  size limit is answered 413; a malformed query 400 with the parser's message.
- Loopback (127.0.0.1) by default.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.snapshot import Snapshot

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_SERVICE = re.compile(r"\bSERVICE\s+(SILENT\s+)?[<?$]", re.I)
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\s+[^\n]*\s+)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0
    max_bytes: int = 50 * 1024 * 1024


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ``*/*`` last)."""
    items = []
    for n, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media:
            items.append((-q, n, media.lower()))
    return [m for _, _, m in sorted(items)]


def _worker(store_path: str, conn) -> None:
    snapshot = Snapshot(Path(store_path))
    store = snapshot.open()
    while True:
        job = conn.recv()
        if job is None:
            return
        text, accept, max_bytes = job
        try:
            if not snapshot.is_current():  # an ingest has finished since: answer from its snapshot
                newer = Snapshot(Path(store_path))
                store, old = newer.open(), snapshot
                snapshot = newer
                old.release()
            result = store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                media = next((m for m in accept if m in GRAPH_TYPES), "text/turtle")
                body = result.serialize(format=GRAPH_TYPES[media])
            else:
                media = next((m for m in accept if m in RESULT_TYPES), "application/sparql-results+json")
                body = result.serialize(format=RESULT_TYPES[media])
            if len(body) > max_bytes:
                conn.send((413, "text/plain", f"result too large: {len(body)} bytes, limit {max_bytes}".encode()))
            else:
                conn.send((200, media, body))
        except SyntaxError as exc:
            conn.send((400, "text/plain", f"malformed query: {exc}".encode()))
        except Exception as exc:  # noqa: BLE001 - any engine error is the client's answer, not a crash
            conn.send((500, "text/plain", f"query failed: {exc}".encode()))


class _Worker:
    def __init__(self, store_path: str) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(store_path, child), daemon=True)
        self.process.start()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class QueryPool:
    """Worker processes with the store open read-only; a query past the timeout kills its worker."""

    def __init__(self, store_path: str, workers: int, limits: Limits) -> None:
        self.store_path, self.limits = store_path, limits
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self.idle.put(_Worker(store_path))

    def run(self, text: str, accept: list[str]) -> tuple[int, str, bytes]:
        worker = self.idle.get()
        try:
            worker.conn.send((text, accept, self.limits.max_bytes))
            if worker.conn.poll(self.limits.timeout):
                return worker.conn.recv()
            worker.stop()
            worker = _Worker(self.store_path)
            return 503, "text/plain", f"query timed out after {self.limits.timeout:g} s".encode()
        except (EOFError, OSError):
            worker.stop()
            worker = _Worker(self.store_path)
            return 500, "text/plain", b"query worker failed"
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def check(text: str) -> tuple[int, str] | None:
    """A refusal for a request this read-only endpoint will not run, or ``None``."""
    if _UPDATE.match(text):
        return 403, "SPARQL Update is refused: this endpoint is read-only"
    if _SERVICE.search(text):
        return 403, "SERVICE is refused: this endpoint does not call other hosts"
    return None


def make_handler(pool: QueryPool):
    class Handler(BaseHTTPRequestHandler):
        server_version = "trialkg-sparql/0.1"

        def log_message(self, fmt: str, *args) -> None:  # quiet by default
            pass

        def _send(self, status: int, media: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, params: dict[str, list[str]], body_query: str | None = None) -> None:
            if "update" in params:
                return self._send(403, "text/plain", b"SPARQL Update is refused: this endpoint is read-only")
            text = body_query if body_query is not None else (params.get("query") or [None])[0]
            if not text:
                return self._send(400, "text/plain", b"missing query (use ?query=... or POST a query)")
            if refusal := check(text):
                return self._send(refusal[0], "text/plain", refusal[1].encode())
            accept = _accepted(self.headers.get("Accept", "") or "")
            self._send(*pool.run(text, accept))

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            url = urlsplit(self.path)
            if url.path != "/sparql":
                return self._send(404, "text/plain", b"the SPARQL endpoint is /sparql")
            self._answer(parse_qs(url.query))

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path != "/sparql":
                return self._send(404, "text/plain", b"the SPARQL endpoint is /sparql")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", errors="replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media == "application/sparql-update":
                return self._send(403, "text/plain", b"SPARQL Update is refused: this endpoint is read-only")
            if media == "application/sparql-query":
                return self._answer(parse_qs(url.query), raw)
            self._answer({**parse_qs(url.query), **parse_qs(raw)})

    return Handler


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          limits: Limits = Limits(), on_ready=None) -> None:
    """Serve until interrupted; ``on_ready(url)`` is called once the socket listens."""
    pool = QueryPool(str(store_path), workers, limits)
    server = ThreadingHTTPServer((host, port), make_handler(pool))
    server.daemon_threads = True
    try:
        if on_ready:
            on_ready(f"http://{server.server_address[0]}:{server.server_address[1]}/sparql")
        server.serve_forever()
    finally:
        server.server_close()
        pool.close()


def start_in_thread(store_path: str | Path, limits: Limits = Limits(), workers: int = 1):
    """A server on a free loopback port in a background thread (for tests and notebooks): ``(url, stop)``."""
    pool = QueryPool(str(store_path), workers, limits)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(pool))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        pool.close()

    return f"http://127.0.0.1:{server.server_address[1]}/sparql", stop
