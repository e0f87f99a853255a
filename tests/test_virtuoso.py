"""A real SPARQL server: OpenLink Virtuoso (Debian's virtuoso-opensource-7-bin, installed by .ci/run) started
on free loopback ports with a temporary database; `kg push` uploads the seed graph through the Graph Store
Protocol and every named query gives the same answer there as on the embedded store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg import query as q
from kg.remote import remote_rows
from kg.store import TrialStore

from conftest import NAMED_PARAMS
from virtuoso_server import canonical, push


def test_push_then_every_named_query_gives_the_embedded_answer(virtuoso: str, seed_store: Path) -> None:
    crud = f"{virtuoso}/sparql-graph-crud-auth"
    refused = push(seed_store, crud, "--user", "dba", "--password", "wrong")
    assert refused.returncode == 2 and "401" in refused.stderr and "Traceback" not in refused.stderr
    for _ in range(2):  # pushing twice replaces each graph: the answers stay the same
        pushed = push(seed_store, crud, "--user", "dba", "--password", "dba")
        assert pushed.returncode == 0, pushed.stderr
    with TrialStore(seed_store, read_only=True) as store:
        graphs = {g.value for g in store.oxigraph.named_graphs()}
        triples = len(store)
        remote_graphs = remote_rows(f"{virtuoso}/sparql", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")[1]
        assert graphs <= {g for (g,) in remote_graphs}
        remote_count = remote_rows(f"{virtuoso}/sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                   "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/trialkg/')) }")[1]
        assert int(remote_count[0][0]) == triples
        for name, nq in q.named_queries().items():
            text, bindings = q.prepare(nq, NAMED_PARAMS.get(name, {}), q.Binder())
            local = q.select(store.oxigraph, text, bindings)
            remote = remote_rows(f"{virtuoso}/sparql", q.with_values(text, bindings))
            assert remote[0] == local[0], name
            assert canonical(remote[1]) == canonical(local[1]), name
            # the seed pages state no results and no stop reason, one version each, and every condition of theirs
            # resolves ("Immunotherapy" is a MeSH topic): those queries answer nothing here (equal still;
            # unresolved-conditions is checked on the real records in tests/test_queries.py)
            quiet = {"unresolved-interventions", "data-quality", "stopped-trials", "adverse-events-by-drug", "outcomes-of-trial",
                     "trial-changes", "unresolved-conditions"}
            assert local[1] or name in quiet, f"{name} answers nothing on the seeds"


def test_cli_query_against_virtuoso(virtuoso: str, seed_store: Path) -> None:
    assert push(seed_store, f"{virtuoso}/sparql-graph-crud-auth", "--user", "dba", "--password", "dba").returncode == 0
    done = subprocess.run([sys.executable, "-m", "kg", "query", "trials-by-drug", "--param", "drug=Tuoyi",
                           "--endpoint", f"{virtuoso}/sparql", "--format", "csv"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "NCT04523493" in done.stdout
