"""pyoxigraph's answers as the types the code uses: a SELECT's rows, a CONSTRUCT's triples, serialized bytes.

``Store.query`` returns solutions, a boolean or triples by the query's form, and ``serialize`` returns bytes only
when given no output file: these helpers say which is expected, and fail loudly on anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The rows of a SELECT query."""
    found = store.query(query, **options)
    if not isinstance(found, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return found


def construct(store: ox.Store, query: str, **options: Any) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE query."""
    found = store.query(query, **options)
    if not isinstance(found, ox.QueryTriples):
        raise TypeError(f"not a CONSTRUCT query: {query[:80]!r}")
    return found


def to_bytes(items: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat) -> bytes:
    """Triples or quads serialized in memory."""
    out = ox.serialize(items, format=format)
    assert out is not None  # no output file given: the bytes are returned
    return out
