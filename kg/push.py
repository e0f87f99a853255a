"""Upload the store to a SPARQL server through the SPARQL 1.1 Graph Store HTTP Protocol (``kg push``).

Each named graph of the store (one per source document, plus the ontology, dictionary, record-alias and
inferred graphs) is sent as Turtle with ``PUT <endpoint>?graph=<IRI>``, which replaces that graph on the
server: pushing again after an ingest brings the server up to date, and a graph is never half-sent.
HTTP Basic and Digest authentication are both answered (Virtuoso's ``/sparql-graph-crud-auth`` asks for
Digest; Fuseki and GraphDB for Basic). Several graphs are sent at once over separate connections.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import KGError
from kg.rdf import to_bytes


@dataclass
class PushReport:
    """What one push sent."""

    graphs: int = 0
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0


class GraphStoreClient:
    """PUT named graphs to one Graph Store Protocol endpoint (one HTTP opener per thread)."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None,
                 timeout: float = 300.0) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise KGError(f"a Graph Store endpoint is an http(s) URL (got {endpoint!r})")
        if (user is None) != (password is None):
            raise KGError("give both --user and --password, or neither")
        self.endpoint, self.user, self.password, self.timeout = endpoint, user, password, timeout
        self._local = threading.local()

    def _opener(self) -> urllib.request.OpenerDirector:
        if not hasattr(self._local, "opener"):
            handlers: list = []
            if self.user is not None:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, self.endpoint, self.user, self.password or "")
                handlers = [urllib.request.HTTPDigestAuthHandler(passwords),
                            urllib.request.HTTPBasicAuthHandler(passwords)]
            self._local.opener = urllib.request.build_opener(*handlers)
        return self._local.opener

    def put(self, graph: str, turtle: bytes, attempts: int = 4) -> None:
        """Replace ``graph`` on the server with the triples of ``turtle``. PUT is idempotent, so a dropped
        connection or a server error (Virtuoso answers 500 to a transaction deadlock between concurrent
        uploads) is retried, with a growing pause, before it is reported."""
        sep = "&" if "?" in self.endpoint else "?"
        url = f"{self.endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(url, data=turtle, method="PUT",
                                             headers={"Content-Type": "text/turtle; charset=utf-8"})
            try:
                with self._opener().open(request, timeout=self.timeout) as resp:
                    resp.read()
                return
            except urllib.error.HTTPError as exc:
                if exc.code >= 500 and attempt < attempts:
                    time.sleep(0.5 * attempt)
                    continue
                hint = " (check --user and --password)" if exc.code in (401, 403) else ""
                raise KGError(f"{self.endpoint} answered {exc.code} for graph <{graph}>: "
                              f"{_detail(exc.read()) or exc.reason}{hint}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                if attempt < attempts:
                    self._local.__dict__.pop("opener", None)  # a fresh connection
                    time.sleep(0.5 * attempt)
                    continue
                raise KGError(f"cannot reach {self.endpoint}: {getattr(exc, 'reason', exc)}") from None


def _detail(body: bytes) -> str:
    """The first line of text of an error body (HTML tags dropped), cut to 200 characters."""
    text = re.sub(r"<[^>]+>", " ", body.decode("utf-8", errors="replace"))
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def graph_turtle(store: ox.Store, graph: str) -> tuple[bytes, int]:
    """One named graph of ``store`` as Turtle, and its number of triples."""
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    return to_bytes(triples, ox.RdfFormat.TURTLE), len(triples)


def push_store(store: ox.Store, client: GraphStoreClient, connections: int = 4,
               on_graph: Callable[[str], None] | None = None) -> PushReport:
    """PUT every named graph of ``store`` to the server; stops at the first failure (graphs already
    sent stay sent, each whole; pushing again resends them all)."""
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    report = PushReport()
    start = time.perf_counter()
    lock = threading.Lock()

    def send(graph: str) -> None:
        body, n = graph_turtle(store, graph)
        client.put(graph, body)
        with lock:
            report.graphs += 1
            report.triples += n
            report.bytes += len(body)
        if on_graph:
            on_graph(graph)

    pool = ThreadPoolExecutor(max_workers=max(1, connections))
    try:
        for future in [pool.submit(send, g) for g in graphs]:
            future.result()
    finally:
        pool.shutdown(cancel_futures=True)
    report.seconds = time.perf_counter() - start
    return report
