"""A read-only SPARQL 1.1 Protocol endpoint over the store: ``kg serve``.

- ``/sparql`` answers GET (``?query=``) and POST (form-encoded ``query=``, or ``application/sparql-query``).
- ``/trials`` answers GET with ``kg trials``' filters and page options as parameters (``?target=PD-1&country=China
  &limit=50``), evaluated as ``kg trials`` evaluates them (``kg.trials``: staged, the page's rows read for its trials
  only): JSON with the count, rows, facets and notes. The named query ``trials`` says the same in one SPARQL text,
  for any endpoint, but Oxigraph evaluates its row columns for every match before paging (70 s at 100k studies).
- Results by content negotiation: SPARQL results as JSON, XML, CSV or TSV for SELECT and ASK;
  Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and DESCRIBE.
- Read-only: SPARQL Update is refused (403), and so is ``SERVICE`` (no calls to other hosts); a query nested
  too deeply is refused (400) before the engine parses it. The text is read by a lexer (``kg.sparql_text``),
  in the worker, so the timeout covers it too.
- Each query runs in a worker process that holds the store's latest snapshot open read-only, and moves
  to a newer one when an ingest has finished since (each document whole, old or new version); on opening a
  snapshot it reads its ``TrialIndex`` (every trial's sort values) in a thread, for the trial tables once it is
  read. The timeout
  counts from the request's arrival: time spent waiting for a free worker is part of it, and when as many
  requests wait as the queue holds, the next is answered 503 at once. A query that runs past the timeout is
  cut off (its worker is killed and replaced) and answered 503; a result over the size limit is answered
  413; a malformed query 400 with the parser's message.
- Request bodies: a ``Content-Length`` that is not a whole number is answered 400, one over the query size
  limit 413, both before the body is read.
- Every other path is the browser view (``kg.web``): pages for people (search, drug, trial, sponsor, condition,
  target, class, a SPARQL editor), its assets, and entity IRIs (``/id/...``) dereferenced by content negotiation.
- Loopback (127.0.0.1) by default; then requests naming another host (``Host``, ``Origin``: DNS rebinding,
  a web page's script) are refused (403).
"""

from __future__ import annotations

import ipaddress
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pyoxigraph as ox

from kg.errors import KGError
from kg.export import GRAPH_TYPES, xml_bytes
from kg.query import Binder
from kg.snapshot import Snapshot
from kg.sparql_text import refusal
from kg.trial_index import InBackground, TrialIndex
from kg.trials import Filters, trials
from kg.web.pages import render

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
READ_ONLY = "SPARQL Update is refused: this endpoint is read-only"


@dataclass(frozen=True)
class Limits:
    """``timeout``: seconds from a request's arrival to its answer; ``max_bytes``: the largest result;
    ``max_query_bytes``: the largest query text or request body; ``queue``: requests that may wait for
    a worker."""

    timeout: float = 30.0
    max_bytes: int = 50 * 1024 * 1024
    max_query_bytes: int = 1 << 20
    queue: int = 32


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
    index = InBackground(store)  # the snapshot's sort values, read in a thread; look-ups until they are
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
                index = InBackground(store)
                old.release()
            if isinstance(text, dict):  # /trials: kg trials' filters, answered by kg.trials
                conn.send(_trials_answer(store, text, max_bytes, index()))
                continue
            if isinstance(text, tuple):  # a page of the browser view: (path, parameters)
                conn.send(_within(render(store, text[0], text[1], accept, index), max_bytes))
                continue
            if why := refusal(text):
                conn.send((403 if "refused" in why else 400, "text/plain", why.encode()))
                continue
            result = store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                media = next((m for m in accept if m in GRAPH_TYPES), "text/turtle")
                body = result.serialize(format=GRAPH_TYPES[media])
            else:
                media = next((m for m in accept if m in RESULT_TYPES), "application/sparql-results+json")
                body = result.serialize(format=RESULT_TYPES[media])
            assert body is not None  # serialized in memory: bytes
            if "xml" in media:
                body = xml_bytes(body)  # pyoxigraph writes control characters raw: ill-formed XML
            conn.send(_within((200, media, body), max_bytes))
        except SyntaxError as exc:
            conn.send((400, "text/plain", f"malformed query: {exc}".encode()))
        except Exception as exc:  # noqa: BLE001 - any engine error is the client's answer, not a crash
            conn.send((500, "text/plain", f"query failed: {exc}".encode()))


_TRIAL_FLAGS = {"subsidiaries", "lead_only"}
_TRIAL_COUNTS = {"enrollment_min", "enrollment_max"}
_TRIAL_PAGE = {"sort", "limit", "offset", "count", "facets"}
_TRUE = ("true", "1", "yes")  # a /trials flag's values that say yes


def trial_filters(params: dict[str, list[str]]) -> tuple[dict, dict]:
    """The filters and the page options of a ``/trials`` request (``?target=PD-1&country=China&limit=50``), by the
    names ``kg trials`` takes (``-`` or ``_``); ``KGError`` naming a parameter it does not take or a value it cannot."""
    known = set(Filters.__dataclass_fields__)
    filters: dict = {}
    page: dict = {}
    for raw, values in params.items():
        name, value = raw.replace("-", "_"), values[-1]
        if name in _TRIAL_PAGE:
            page[name] = value
        elif name not in known:
            raise KGError(f"/trials takes no parameter {raw!r} (filters: {', '.join(sorted(known))}; "
                          f"page: {', '.join(sorted(_TRIAL_PAGE))})")
        elif name in _TRIAL_FLAGS or name == "has_results":
            if value.lower() not in _TRUE + ("false", "0", "no"):
                raise KGError(f"{raw} takes true or false (got {value!r})")
            filters[name] = value.lower() in _TRUE
        elif name in _TRIAL_COUNTS:
            if not (value.isascii() and value.isdigit()):
                raise KGError(f"{raw} takes a whole number (got {value!r})")
            filters[name] = int(value)
        else:
            filters[name] = value
    return filters, page


def _trials_answer(store: ox.Store, params: dict[str, list[str]], max_bytes: int,
                   index: TrialIndex | None = None) -> tuple[int, str, bytes]:
    """The JSON answer of ``/trials``: what ``kg trials --format json`` prints (count, rows, facets, notes)."""
    try:
        filters, page = trial_filters(params)
        for name in ("limit", "offset"):
            if name in page and not (page[name].isascii() and page[name].isdigit()):
                raise KGError(f"{name} takes a whole number (got {page[name]!r})")
        answer = trials(store, Filters(**filters), Binder(store=store), sort=page.get("sort", "nct_id"),
                        limit=int(page.get("limit", 50)), offset=int(page.get("offset", 0)),
                        count_only=page.get("count", "").lower() in _TRUE, facets=page.get("facets", "").lower() in _TRUE,
                        index=index)
    except KGError as exc:
        return 400, "text/plain", str(exc).encode()
    body = orjson.dumps({"count": answer.count, "rows": answer.rows, "facets": answer.facets, "notes": answer.notes})
    return _within((200, "application/json", body), max_bytes)


def _within(answer: tuple[int, str, bytes], max_bytes: int) -> tuple[int, str, bytes]:
    """The answer, or 413 when its body is over the size limit."""
    if len(answer[2]) > max_bytes:
        return 413, "text/plain", f"result too large: {len(answer[2])} bytes, limit {max_bytes}".encode()
    return answer


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
        self._waiting = threading.BoundedSemaphore(max(1, limits.queue + workers))
        for _ in range(workers):
            self.idle.put(_Worker(store_path))

    def run(self, text: str | dict | tuple, accept: list[str], arrived: float | None = None) -> tuple[int, str, bytes]:
        """The answer to ``text`` (a SPARQL query, the parameters of a ``/trials`` request, or a page's path and
        parameters), within the timeout counted from ``arrived`` (``time.monotonic()``)."""
        deadline = (arrived or time.monotonic()) + self.limits.timeout
        if not self._waiting.acquire(blocking=False):
            return 503, "text/plain", b"the endpoint is busy: too many queries waiting; try again later"
        try:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return 503, "text/plain", f"no worker was free within the timeout ({self.limits.timeout:g} s)".encode()
            try:
                worker.conn.send((text, accept, self.limits.max_bytes))
                if worker.conn.poll(max(0.0, deadline - time.monotonic())):
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
        finally:
            self._waiting.release()

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_of(value: str) -> str:
    """The host of a ``Host`` header (``name[:port]``, ``[v6]:port``) or an ``Origin`` (``scheme://host[:port]``)."""
    value = value.strip().lower().split("://", 1)[-1].split("/", 1)[0]
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def make_handler(pool: QueryPool, loopback_only: bool = True):
    """The request handler; ``loopback_only``: refuse requests whose ``Host`` or ``Origin`` names another host."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "trialkg-sparql/0.1"
        timeout = max(5.0, pool.limits.timeout)  # a client that stops sending mid-request frees its thread

        def log_message(self, fmt: str, *args) -> None:  # quiet by default
            pass

        def _send(self, status: int, media: str, body: bytes) -> None:
            self.send_response(status)
            if status == 303:  # an entity IRI's page: the body is where
                self.send_header("Location", body.decode("utf-8"))
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.end_headers()
            self.wfile.write(body)

        def _foreign(self) -> bool:
            """Whether the request names a host other than this loopback server (refused: DNS rebinding)."""
            if not loopback_only:
                return False
            origin = self.headers.get("Origin")
            hosts = [self.headers.get("Host") or "localhost"] + ([origin] if origin and origin != "null" else [])
            return not all(_is_loopback(_host_of(h)) for h in hosts)

        def _answer(self, params: dict[str, list[str]], body_query: str | None = None) -> None:
            if "update" in params:
                return self._send(403, "text/plain", READ_ONLY.encode())
            text = body_query if body_query is not None else next(iter(params.get("query") or ()), None)
            if not text:
                return self._send(400, "text/plain", b"missing query (use ?query=... or POST a query)")
            if len(text) > pool.limits.max_query_bytes:
                return self._send(413, "text/plain", f"query over {pool.limits.max_query_bytes} bytes".encode())
            accept = _accepted(self.headers.get("Accept", "") or "")
            self._send(*pool.run(text, accept, self.arrived))

        def _start(self) -> bool:
            """Checks every request passes first; ``False`` when it was answered already."""
            self.arrived = time.monotonic()
            if self._foreign():
                self._send(403, "text/plain", b"requests must name this loopback server as their Host and Origin")
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            if not self._start():
                return
            url = urlsplit(self.path)
            if len(url.query) > pool.limits.max_query_bytes:
                return self._send(413, "text/plain", f"request over {pool.limits.max_query_bytes} bytes".encode())
            if url.path == "/trials":
                return self._send(*pool.run(parse_qs(url.query), [], self.arrived))
            if url.path != "/sparql":  # the browser view: a page, an asset or an entity IRI
                accept = _accepted(self.headers.get("Accept", "") or "text/html")
                return self._send(*pool.run((url.path, parse_qs(url.query)), accept, self.arrived))
            self._answer(parse_qs(url.query))

        def do_POST(self) -> None:  # noqa: N802
            if not self._start():
                return
            if urlsplit(self.path).path != "/sparql":
                return self._send(405, "text/plain", b"only /sparql answers POST requests; the pages and /trials answer GET")
            url = urlsplit(self.path)
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not (declared.isascii() and declared.isdigit()):
                self.close_connection = True
                return self._send(400, "text/plain", b"Content-Length must be a whole number of bytes")
            length = int(declared)
            if length > pool.limits.max_query_bytes:
                self.close_connection = True
                return self._send(413, "text/plain", f"request body over {pool.limits.max_query_bytes} bytes".encode())
            raw = self.rfile.read(length).decode("utf-8", errors="replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media == "application/sparql-update":
                return self._send(403, "text/plain", READ_ONLY.encode())
            if media == "application/sparql-query":
                return self._answer(parse_qs(url.query), raw)
            self._answer({**parse_qs(url.query), **parse_qs(raw)})

    return Handler


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          limits: Limits = Limits(), on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted; ``on_ready(url)`` is called once the socket listens."""
    pool = QueryPool(str(store_path), workers, limits)
    server = ThreadingHTTPServer((host, port), make_handler(pool, loopback_only=_is_loopback(host)))
    server.daemon_threads = True
    try:
        if on_ready:
            bound_host, bound_port = server.server_address[:2]
            on_ready(f"http://{bound_host!s}:{bound_port}/sparql")
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
