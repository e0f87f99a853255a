"""The benchmark tools: the generator scales the real records (unique NCT ids, real studies recombined), the
update batch gives new versions of stored documents, and the suite reads the build report it is given."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import orjson

from kg.ingest import ingest
from kg.sources.reader import read_paths
from kg.store import TrialStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate, real_studies, update_batch  # noqa: E402
from suite import FINISHING, _finishing, _ingest_findings  # noqa: E402


def test_generated_studies_are_unique_readable_and_recombined(tmp_path: Path, data_dir: Path) -> None:
    paths = generate(3_000, tmp_path / "data", data_dir)
    records = list(read_paths(paths))
    ids = [r.nct_id for r in records]
    assert len(ids) == 3_000 == len(set(ids)) and all(i.startswith("NCT9") for i in ids)
    first, again = records[0], records[len(real_studies(data_dir))]  # the same real study, in the second round
    assert first.title == again.title
    assert (first.sponsors, first.sites) != (again.sponsors, again.sites)  # recombined from other studies


def test_update_batch_replaces_stored_documents(tmp_path: Path, data_dir: Path) -> None:
    shard = generate(200, tmp_path / "data", data_dir)[0]
    update = update_batch(shard, 50, tmp_path / "update.jsonl.gz")
    with gzip.open(update, "rb") as fh:
        assert all(orjson.loads(line)["protocolSection"]["identificationModule"]["briefTitle"].endswith("(updated)")
                   for line in fh)
    with TrialStore(tmp_path / "store") as store:
        assert ingest(store, read_paths([shard])).added == 200
        report = ingest(store, read_paths([update]))
    assert (report.added, report.replaced, report.unchanged) == (0, 50, 0)
    assert set(report.finishing) == {"record-alias links", "dictionary graph", "derived classes", "summary counts",
                                     "snapshot"}


def test_the_suite_reads_the_report_of_kg_build(tmp_path: Path, seeds_dir: Path) -> None:
    """The suite reads the finishing steps and the findings out of ``kg build --validate --json``: the labels it
    looks for are the ones kg build writes."""
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_dir), "--store", str(tmp_path / "s"),
                           "--validate", "--json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(_finishing(report)) == set(FINISHING) and all(v >= 0 for v in _finishing(report).values())
    assert re.fullmatch(r"0 violations, [1-9][0-9]* warnings", _ingest_findings(report))
