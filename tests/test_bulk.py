"""The bulk path of `kg build`: documents resolved and built on all cores give exactly the graph built in one
process; a bulk archive (gzip JSON Lines shards) builds with a full report; a rerun skips every document."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.ingest as ingest_module
from kg.ingest import ingest
from kg.errors import SourceError
from kg.sources.reader import PendingStudy, count_studies, read_paths, resolved
from kg.store import TrialStore

ENDED = "http://www.w3.org/ns/prov#endedAtTime"
INGESTED = "http://www.w3.org/ns/prov#generatedAtTime"  # a version record's ingest time (graph/history)


def _content(path: Path) -> set[str]:
    with TrialStore(path, read_only=True) as store:
        return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)  # blank nodes: the ontology's
                if q.predicate.value not in (ENDED, INGESTED) and not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


@pytest.fixture(scope="module")
def records(data_dir: Path) -> Path:
    return data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz"


def test_parallel_build_gives_the_same_graph_as_one_process(tmp_path: Path, records: Path, seeds_dir: Path) -> None:
    reports = {}
    for workers in (1, 3):  # three workers map the studies themselves (deferred), as kg build does
        with TrialStore(tmp_path / str(workers)) as store:
            reports[workers] = ingest(store, read_paths([records, seeds_dir], deferred=workers > 1), workers=workers)
    one, three = reports[1], reports[3]
    assert (one.added, one.quads_written, sorted(one.warnings)) == (three.added, three.quads_written, sorted(three.warnings))
    assert one.added == 1178 + 5
    assert _content(tmp_path / "1") == _content(tmp_path / "3")


def test_deferred_reading_gives_the_same_records_and_errors(tmp_path: Path, records: Path) -> None:
    with gzip.open(records, "rb") as fh:
        lines = fh.readlines()[:40]
    bad = lines[3].replace(b'"protocolSection"', b'"protocolSectionX"', 1)  # not a study
    broken = lines[5][: len(lines[5]) // 2] + b"\n"  # cut in the middle: malformed JSON
    path = tmp_path / "mixed.jsonl.gz"
    with gzip.open(path, "wb") as out:
        out.writelines(lines[:3] + [bad] + lines[4:5] + [broken] + lines[6:])
    direct = list(read_paths([path]))
    deferred = list(read_paths([path], deferred=True))
    assert any(isinstance(i, PendingStudy) for i in deferred)
    assert [str(i) if isinstance(i, SourceError) else i for i in resolved(deferred)] == \
           [str(i) if isinstance(i, SourceError) else i for i in direct]
    assert sum(isinstance(i, SourceError) for i in direct) >= 2


def test_bulk_archive_report_and_rerun(tmp_path: Path, records: Path) -> None:
    shards = tmp_path / "bulk"
    shards.mkdir()
    with gzip.open(records, "rb") as fh:
        lines = fh.readlines()
    for k in range(3):  # three shards, as a bulk download comes
        with gzip.open(shards / f"studies-{k}.jsonl.gz", "wb") as out:
            out.writelines(lines[k::3])
    assert count_studies([shards]) >= 1178
    store = tmp_path / "store"
    first = subprocess.run([sys.executable, "-m", "kg", "build", str(shards), "--store", str(store), "--workers", "2"],
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    for line in ("documents added", "documents/s", "store size on disk (MB)", "quads written", "warnings"):
        assert line in first.stdout, line
    assert _row(first.stdout, "documents added") == 1178
    again = subprocess.run([sys.executable, "-m", "kg", "build", str(shards), "--store", str(store), "--json"],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)  # the same rows, for scripts
    assert report["documents unchanged"] == 1178 and report["documents added"] == 0
    assert report["drugs"] == _row(first.stdout, "drugs") and isinstance(report["seconds"], float)
    assert "of which summary counts" in first.stdout and not any(k.startswith("of which") for k in report)  # nothing to recompute


def test_a_rerun_recomputes_derived_graphs_only_when_their_inputs_changed(tmp_path: Path, seeds_dir: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import iris

    with TrialStore(tmp_path) as store:
        assert set(ingest(store, read_paths([seeds_dir])).finishing) >= {"summary counts", "derived classes", "snapshot"}
        assert ingest(store, read_paths([seeds_dir])).finishing == {}  # same documents, same rules: nothing to do
        store.oxigraph.remove_graph(ox.NamedNode(iris.SUMMARY_GRAPH))  # as a store built before summaries existed
        monkeypatch.setattr(ingest_module, "derived_digest", lambda resolve: "a newer trialkg")
        assert "summary counts" in ingest(store, read_paths([seeds_dir])).finishing
        assert any(store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(iris.SUMMARY_GRAPH)))


def _row(table: str, label: str) -> int:
    line = next(l for l in table.splitlines() if f" {label} " in l)
    return int(line.split("│")[2].strip().replace(",", ""))


def test_an_ingest_interrupted_after_its_last_document_is_finished_by_the_rerun(tmp_path: Path, seeds_dir: Path,
                                                                               records: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after writing every document but before the whole-store steps (the longest minutes of a large
    ingest), the rerun finds every document unchanged: it must still compute the derived graphs and publish
    them, not take the marker of the ingest before for theirs."""
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([seeds_dir]))

        def stop(*args, **kwargs):
            raise KeyboardInterrupt

        with monkeypatch.context() as patched:
            patched.setattr(ingest_module, "_finish", stop)
            with pytest.raises(KeyboardInterrupt):
                ingest(store, read_paths([records]))
        rerun = ingest(store, read_paths([records]))
        assert rerun.added == 0 and rerun.unchanged >= 1178
        assert {"summary counts", "snapshot"} <= set(rerun.finishing)
    with TrialStore(tmp_path / "s", read_only=True) as reader:  # readers see the documents of the stopped ingest
        assert len(reader.documents()) == 5 + rerun.unchanged
