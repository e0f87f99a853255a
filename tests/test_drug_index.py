"""The drug index a ``kg serve`` worker reads for its snapshot (``kg.drug_index``) gives the named queries' own rows, in
their order, for every drug of a store of the seeds and real records; and the drug page shows the same sections with
it and without it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg import query as q
from kg.drug_index import DrugIndex
from kg.store import TrialStore
from kg.trial_index import InBackground
from kg.web.pages import render


def _named(store: ox.Store, text: str, drug: str, limit: int) -> list[dict]:
    """The rows of a named query's text with ``drug`` bound to an IRI, as the page reads them."""
    columns, data = q.select(store, q.paged(q.with_values(text, {"drug": ox.NamedNode(drug)}), None, limit, 0), typed=True)
    return [dict(zip(columns, r)) for r in data]


def test_every_drug_gets_the_named_queries_rows(records_store: Path) -> None:
    with TrialStore(records_store, read_only=True) as store:
        db = store.oxigraph
        index = DrugIndex.read(db)
        drugs = [d for d, in q.select(db, f"PREFIX tkg: <{iris.ONTOLOGY}> SELECT DISTINCT ?d WHERE {{ ?i tkg:drug ?d }}")[1]]
        assert len(drugs) > 100 and set(index.documents) <= set(drugs)
        binder = q.Binder(store=db)
        pairs, names = (q.prepare(q.get(name), {"drug": "pembrolizumab"}, binder)[0] for name in ("co-tested-drugs", "aliases-of"))
        paired = 0
        for drug in drugs:
            for limit in (3, 20):  # a cut inside a run of ties too
                assert index.co_tested(drug, limit) == _named(db, pairs, drug, limit), drug
            assert index.aliases(drug, 200) == _named(db, names, drug, 200), drug
            paired += bool(index.co_tested(drug, 1))
    assert paired > 50  # most drugs of the records are given with another


def test_the_drug_page_is_the_same_with_the_index(records_store: Path) -> None:
    """Toripalimab's page from a worker whose index is read, and from one that counts per request."""
    with TrialStore(records_store, read_only=True) as store:
        background = InBackground(store.oxigraph)
        read = background.wait(120)
        assert read is not None and read.drugs is not None and read.values
        path = "/drug/8JXN261VVA"
        plain = render(store.oxigraph, path, {}, ["text/html"])
        indexed = render(store.oxigraph, path, {}, ["text/html"], background)
    assert plain[0] == indexed[0] == 200 and plain[2] == indexed[2]
    together = plain[2].split(b'id="cotested-h"')[1].split(b"</ul>")[0]
    assert b"trials)</li>" in together and b"none in this store" not in together  # toripalimab is given with others
