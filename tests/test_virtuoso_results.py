"""Results and history on a real SPARQL server: real records with posted results and three versions of a real record,
pushed to Virtuoso (a server of this module's own, ``tests/virtuoso_server.py``); the results, stop-reason and history
queries give the embedded store's answers there, and those answers are not empty."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from kg import query as q
from kg.ingest import ingest
from kg.remote import remote_rows
from kg.sources.reader import read_paths
from kg.store import TrialStore

from virtuoso_server import canonical, push

QUERIES = {"adverse-events-by-drug": {"drug": "Xolair", "seriousness": "serious"},
           "outcomes-of-trial": {"trial": "NCT00079937"}, "stopped-trials": {}, "trial-changes": {}}


@pytest.fixture(scope="module")
def results_store(tmp_path_factory, data_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("virtuoso-results")
    with gzip.open(data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz", "rt", encoding="utf-8") as fh:
        studies = [json.loads(line) for line in fh if line.strip()]
    with_results = [s for s in studies if "resultsSection" in s]
    chosen = [s for s in with_results if s["protocolSection"]["identificationModule"]["nctId"] == "NCT00079937"]
    chosen += [s for s in with_results[:6] if s not in chosen]
    (folder / "results.json").write_text(json.dumps(chosen), encoding="utf-8")
    base = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[0]
    versions = []
    for k, (updated, status, count) in enumerate((("2019-01-01", "RECRUITING", 300), ("2020-01-01", "TERMINATED", 41))):
        study = copy.deepcopy(base)
        module = study["protocolSection"]["statusModule"]
        module["overallStatus"], module["lastUpdatePostDateStruct"] = status, {"date": updated, "type": "ACTUAL"}
        study["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": count, "type": "ACTUAL"}
        if status == "TERMINATED":
            module["whyStopped"] = "Slow accrual"
        versions.append(folder / f"v{k}.json")
        versions[-1].write_text(json.dumps(study), encoding="utf-8")
    with TrialStore(folder / "store") as store:
        for paths in ([folder / "results.json", versions[0]], [versions[1]]):
            assert ingest(store, read_paths(paths)).failed == []
    return folder / "store"


def test_results_and_history_queries_agree_with_the_embedded_store(virtuoso: str, results_store: Path) -> None:
    pushed = push(results_store, f"{virtuoso}/sparql-graph-crud-auth", "--user", "dba", "--password", "dba")
    assert pushed.returncode == 0, pushed.stderr
    with TrialStore(results_store, read_only=True) as store:
        for name, params in QUERIES.items():
            text, bindings = q.prepare(q.get(name), params, q.Binder())
            local = q.select(store.oxigraph, text, bindings)
            remote = remote_rows(f"{virtuoso}/sparql", q.with_values(text, bindings))
            assert local[1], f"{name} answers nothing on records chosen to answer it"
            assert remote[0] == local[0], name
            assert canonical(remote[1]) == canonical(local[1]), name
