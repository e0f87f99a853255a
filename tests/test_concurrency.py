"""Readers during an ingest: `kg serve`, `kg query` and read-only opens keep answering while `kg build`
replaces documents, and every answer shows each document whole, as its old or its new version."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.ingest import ingest
from kg import iris
from kg.serve import Limits, start_in_thread
from kg.sources.reader import read_paths
from kg.store import TrialStore

from conftest import count

PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DOCUMENTS = 400


def _version_two(study: dict) -> dict:
    """The same study as a later download states it: a new status and update date, half its sites."""
    study = json.loads(json.dumps(study))
    protocol = study["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "TERMINATED"
    protocol["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2027-01-15", "type": "ACTUAL"}
    locations = protocol.get("contactsLocationsModule", {}).get("locations", [])
    if locations:
        protocol["contactsLocationsModule"]["locations"] = locations[: len(locations) // 2]
    return study


@pytest.fixture(scope="module")
def versions(tmp_path_factory, data_dir: Path) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("versions")
    with gzip.open(data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz", "rt", encoding="utf-8") as fh:
        studies = [json.loads(line) for _, line in zip(range(DOCUMENTS), fh)]
    one, two = folder / "v1.jsonl", folder / "v2.jsonl"
    one.write_text("".join(json.dumps(s) + "\n" for s in studies), encoding="utf-8")
    two.write_text("".join(json.dumps(_version_two(s)) + "\n" for s in studies), encoding="utf-8")
    return one, two


def _sizes(rows) -> dict[str, int]:
    """Document graph -> number of triples, from rows of PER_GRAPH (derived graphs left out)."""
    return {g: n for g, n in rows if g not in iris.SPECIAL_GRAPHS}


def _local_sizes(path: Path) -> dict[str, int]:
    with TrialStore(path, read_only=True) as store:
        return _sizes((r["g"].value, int(r["n"].value)) for r in store.query(PER_GRAPH))


def _endpoint_sizes(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": PER_GRAPH}), timeout=60) as resp:
        bindings = json.load(resp)["results"]["bindings"]
    return _sizes((b["g"]["value"], int(b["n"]["value"])) for b in bindings)


def _built(path: Path, source: Path) -> dict[str, int]:
    with TrialStore(path) as store:
        ingest(store, read_paths([source]))
    return _local_sizes(path)


def test_readers_see_each_document_whole_during_an_ingest(tmp_path: Path, versions: tuple[Path, Path]) -> None:
    one, two = versions
    new = _built(tmp_path / "v2-only", two)
    store = tmp_path / "store"
    old = _built(store, one)
    assert old.keys() == new.keys() and len(old) == DOCUMENTS
    assert sum(old[g] != new[g] for g in old) > DOCUMENTS // 2  # most documents differ in size between versions

    url, stop = start_in_thread(store, Limits(timeout=60), workers=1)
    env = {**os.environ, "KG_BATCH_DOCUMENTS": "10"}  # many transactions
    ingest = subprocess.Popen([sys.executable, "-m", "kg", "build", str(two), "--store", str(store)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    during = 0
    try:
        query = subprocess.Popen([sys.executable, "-m", "kg", "query", "trials-by-country", "--param", "country=CN",
                                  "--format", "csv", "--store", str(store)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while ingest.poll() is None:
            for sizes in (_local_sizes(store), _endpoint_sizes(url)):
                torn = [g for g in sizes if sizes[g] not in (old[g], new[g])]
                assert not torn, f"documents seen half-written: {torn[:3]}"
                assert sizes in (old, new)  # the store as one ingest left it, never a mix of two
            during += ingest.poll() is None
        rows, errors = query.communicate(timeout=120)
        assert query.returncode == 0, errors
        assert rows.startswith("nct_id,") and rows.count("\n") > 1
        assert ingest.wait() == 0, ingest.stderr.read().decode()
        assert _endpoint_sizes(url) == new  # the endpoint moves to the finished ingest without a restart
    finally:
        stop()
        if ingest.poll() is None:
            ingest.kill()
    assert _local_sizes(store) == new
    assert during >= 1, "no reading fell inside the ingest"
    count("store readings taken during an ingest, none torn", 2 * during)


def test_a_snapshot_in_use_outlives_later_ingests_and_is_pruned_after(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "store"
    pages = sorted(p for p in seeds_dir.iterdir() if p.is_file())
    with TrialStore(store) as writer:
        ingest(writer, read_paths(pages[:2]))
    reader = TrialStore(store, read_only=True)
    before = len(reader)
    with TrialStore(store) as writer:
        ingest(writer, read_paths(pages))
    assert reader.read_path.is_dir() and len(reader) == before  # still readable, still the old content
    with TrialStore(store, read_only=True) as fresh:
        assert len(fresh) > before and fresh.read_path != reader.read_path
    reader.close()
    with TrialStore(store) as writer:
        ingest(writer, read_paths(pages))  # nothing new, but an ingest: prunes what no reader holds
    assert sorted(p.name for p in (store / "snapshots").iterdir() if p.is_dir()) == [
        (store / "snapshots" / "CURRENT").read_text()]
