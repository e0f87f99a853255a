"""Run queries against a remote SPARQL 1.1 endpoint (``kg query --endpoint URL``).

The same named queries work on the embedded store and on a server: parameters are bound with a
``VALUES`` block of serialized RDF terms (``kg.query.with_values``), the query is POSTed per the SPARQL
1.1 Protocol, and SELECT/ASK results are read from SPARQL JSON.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from kg.errors import KGError


def remote_rows(endpoint: str, text: str, timeout: float = 120.0) -> tuple[list[str], list[list[str | None]]]:
    """Column names and rows of a SELECT (or ASK) query run at ``endpoint``."""
    if not endpoint.startswith(("http://", "https://")):
        raise KGError(f"an endpoint is an http(s) URL (got {endpoint!r})")
    data = urllib.parse.urlencode({"query": text}).encode("utf-8")
    req = urllib.request.Request(endpoint, data=data, headers={
        "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", errors="replace").strip().splitlines()
        raise KGError(f"{endpoint} answered {exc.code}: {detail[0] if detail else exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise KGError(f"cannot reach {endpoint}: {getattr(exc, 'reason', exc)}") from None
    except json.JSONDecodeError:
        raise KGError(f"{endpoint} did not answer with SPARQL JSON results") from None
    if "boolean" in body:
        return ["result"], [[str(body["boolean"]).lower()]]
    names = body["head"]["vars"]
    return names, [[(_lexical(b[n]) if n in b else None) for n in names] for b in body["results"]["bindings"]]


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _lexical(term: dict) -> str:
    """A bound value as text; an ``xsd:boolean`` in its canonical form (Virtuoso answers ``1`` and ``0``)."""
    value = term["value"]
    if term.get("datatype") == _BOOLEAN and value in ("1", "0"):
        return "true" if value == "1" else "false"
    return value
