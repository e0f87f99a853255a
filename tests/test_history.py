"""Trial history (issue 20): every ingested version of a document kept in graph/history, ``kg show --history``,
``kg show --at DATE`` and the ``trial-changes`` query, on versions of a real ClinicalTrials.gov record."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import history, iris
from kg.cli import main
from kg.errors import KGError
from kg.ingest import ingest
from kg import query as q
from kg.sources.reader import read_paths
from kg.store import TrialStore
from kg.trial_history import as_of, changes, versions

SNAPSHOT = ox.NamedNode(iris.term("graphSnapshot"))
ENDED = "http://www.w3.org/ns/prov#endedAtTime"


@pytest.fixture(scope="module")
def study(data_dir: Path) -> dict:
    return json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[0]


def _version(study: dict, folder: Path, name: str, updated: str, status: str, enrollment: int,
             extra_arm: str | None = None, lead: str | None = None) -> Path:
    """A version of the real record: its last update, status and enrollment set, optionally an arm added and the
    lead sponsor renamed."""
    s = copy.deepcopy(study)
    p = s["protocolSection"]
    p["statusModule"]["overallStatus"] = status
    p["statusModule"]["lastUpdatePostDateStruct"] = {"date": updated, "type": "ACTUAL"}
    p["designModule"]["enrollmentInfo"] = {"count": enrollment, "type": "ACTUAL" if status == "TERMINATED" else "ESTIMATED"}
    if extra_arm:
        p.setdefault("armsInterventionsModule", {}).setdefault("armGroups", []).append({"label": extra_arm, "type": "EXPERIMENTAL"})
    if lead:
        p["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = lead
    path = folder / name
    path.write_text(json.dumps(s), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def three(tmp_path_factory, study: dict) -> tuple[Path, Path, dict]:
    """A store that ingested three versions out of order (first, third, then the second, which is older than the
    stored one), one ingest each; the versions' files; the reports."""
    folder = tmp_path_factory.mktemp("history")
    v1 = _version(study, folder, "v1.json", "2019-01-01", "RECRUITING", 300)
    v2 = _version(study, folder, "v2.json", "2020-01-01", "ACTIVE_NOT_RECRUITING", 280, extra_arm="Arm C: extension")
    v3 = _version(study, folder, "v3.json", "2021-01-01", "TERMINATED", 120, extra_arm="Arm C: extension", lead="Renamed Sponsor Inc.")
    reports = {}
    with TrialStore(folder / "s") as store:
        for name, path in (("v1", v1), ("v3", v3), ("v2", v2)):
            reports[name] = ingest(store, read_paths([path]), workers=1)
    return folder / "s", folder, reports


def _changes_query(store: TrialStore, **params: str) -> list[dict]:
    """The rows of ``kg query trial-changes`` with these parameters."""
    text, bindings = q.prepare(q.get("trial-changes"), params, q.Binder(store=store.oxigraph))
    columns, rows = q.select(store.oxigraph, text, bindings)
    return [dict(zip(columns, r)) for r in rows]


def _nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def test_every_version_is_kept_the_current_one_is_the_document(three, study: dict) -> None:
    store_dir, _, reports = three
    assert (reports["v1"].added, reports["v3"].replaced, reports["v2"].older) == (1, 1, 1)
    assert (reports["v3"].versions_kept, reports["v2"].versions_kept) == (1, 1)
    with TrialStore(store_dir, read_only=True) as store:
        found = versions(store.oxigraph, _nct(study))
        assert [v.updated for v in found] == ["2019-01-01", "2020-01-01", "2021-01-01"]
        assert [(v.current, v.kept) for v in found] == [(False, True), (False, True), (True, False)]
        assert [v.facts["status"] for v in found] == ["RECRUITING", "ACTIVE_NOT_RECRUITING", "TERMINATED"]
        assert [v.path.rsplit("/", 1)[-1].split("#")[0] for v in found] == ["v1.json", "v2.json", "v3.json"]
        assert len(store.documents()) == 1  # one document; its versions are not documents
        status = store.query(f"SELECT ?s WHERE {{ <{iris.trial(_nct(study))}> <{iris.term('status')}> ?s }}")
        assert [r["s"].value for r in status] == [iris.enum("status", "TERMINATED")]


def test_changes_between_consecutive_versions(three, study: dict) -> None:
    store_dir, _, _ = three
    with TrialStore(store_dir, read_only=True) as store:
        found = {(c.to_updated, c.field): (c.old, c.new) for c in changes(versions(store.oxigraph, _nct(study)))}
    assert found[("2020-01-01", "status")] == ("RECRUITING", "ACTIVE_NOT_RECRUITING")
    assert found[("2020-01-01", "enrollment")] == ("300", "280")
    assert found[("2021-01-01", "status")] == ("ACTIVE_NOT_RECRUITING", "TERMINATED")
    assert found[("2021-01-01", "enrollment type")] == ("ESTIMATED", "ACTUAL")
    old, new = found[("2020-01-01", "arms")]
    assert new.split(history.SEPARATOR) == sorted(old.split(history.SEPARATOR) + ["Arm C: extension"])
    assert found[("2021-01-01", "lead sponsor")][1] == "Renamed Sponsor Inc."
    assert ("2021-01-01", "arms") not in found  # the same arms in the second and third versions
    assert all(f in history.FIELDS for _, f in found)


def test_the_named_query_gives_the_same_changes(three, study: dict) -> None:
    store_dir, _, _ = three
    with TrialStore(store_dir, read_only=True) as store:
        expected = {(c.field, c.old, c.new, c.to_updated) for c in changes(versions(store.oxigraph, _nct(study)))}
        rows = _changes_query(store, trial=_nct(study))
        assert {(r["field"], r["from_value"], r["to_value"], r["to_updated"]) for r in rows} == expected
        status = _changes_query(store, field="status", since="2021-01-01")
        assert [(r["from_value"], r["to_value"]) for r in status] == [("ACTIVE_NOT_RECRUITING", "TERMINATED")]


def test_the_query_lists_every_followed_field() -> None:
    text = q.get("trial-changes").text
    assert all(f'"{f}"' in text for f in history.FIELDS)


def test_a_kept_version_is_the_graph_it_was(three, study: dict, tmp_path: Path) -> None:
    """The kept graph of the first version equals the graph a store holding only that version has (but for the
    time of the ingest)."""
    store_dir, folder, _ = three
    with TrialStore(tmp_path / "only-v1") as alone:
        ingest(alone, read_paths([folder / "v1.json"]), workers=1)
        g = ox.NamedNode(iris.document_graph("ctgov", _nct(study)))
        expected = {q for q in alone.oxigraph.quads_for_pattern(None, None, None, g) if q.predicate.value != ENDED}
    with TrialStore(store_dir, read_only=True) as store:
        past = as_of(store.oxigraph, _nct(study), "2019-06-30")
        assert {q for q in past if q.predicate.value != ENDED} == expected


def test_show_at_a_date_and_history_from_the_command_line(three, study: dict) -> None:
    store_dir, _, _ = three
    runner, nct = CliRunner(), _nct(study)
    for date, status in (("2019-06", "RECRUITING"), ("2020-12-31", "ACTIVE_NOT_RECRUITING"), ("2026", "TERMINATED")):
        result = runner.invoke(main, ["show", nct, "--at", date, "--json", "--store", str(store_dir)])
        assert result.exit_code == 0, result.output
        body = orjson.loads(result.output)
        assert body["at"] == date
        assert [s["value"] for s in body["groups"]["status"] if s["field"] == "status"] == [status]
    result = runner.invoke(main, ["show", nct, "--history", "--json", "--store", str(store_dir)])
    body = orjson.loads(result.output)
    assert [v["current"] for v in body["versions"]] == [False, False, True]
    statuses = [(c["old"], c["new"], c["to_updated"]) for c in body["changes"] if c["field"] == "status"]
    assert statuses == [("RECRUITING", "ACTIVE_NOT_RECRUITING", "2020-01-01"), ("ACTIVE_NOT_RECRUITING", "TERMINATED", "2021-01-01")]
    text = runner.invoke(main, ["show", nct, "--history", "--store", str(store_dir)])
    assert text.exit_code == 0 and "TERMINATED" in text.output and "v2.json" in text.output


@pytest.mark.parametrize("args, message", [
    (["--at", "2018-01-01"], "no version updated on or before 2018-01-01"),
    (["--at", "last week"], "give a date as YYYY-MM-DD"),
    (["--at", "2020", "--history"], "give one of them"),
])
def test_show_refuses_with_one_line(three, study: dict, args: list[str], message: str) -> None:
    """Through the entry point (product errors as one line on stderr, exit 2)."""
    store_dir, _, _ = three
    proc = subprocess.run([sys.executable, "-c", "from kg.cli import run; run()", "show", _nct(study), *args,
                           "--store", str(store_dir)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_versions_in_one_ingest_are_all_kept_and_rerun_changes_nothing(tmp_path: Path, study: dict) -> None:
    v1 = _version(study, tmp_path, "a.json", "2019-01-01", "RECRUITING", 300)
    v2 = _version(study, tmp_path, "b.json", "2020-01-01", "COMPLETED", 310)
    with TrialStore(tmp_path / "s") as store:
        report = ingest(store, read_paths([v1, v2]), workers=1)
        assert (report.added, report.versions_kept) == (1, 1)
        found = versions(store.oxigraph, _nct(study))
        assert [(v.facts["status"], v.current, v.kept) for v in found] == [("RECRUITING", False, True), ("COMPLETED", True, False)]
        before = set(store.oxigraph.quads_for_pattern(None, None, None, history.HISTORY))
        again = ingest(store, read_paths([v1, v2]), workers=1)
        assert (again.unchanged, again.older, again.versions_recorded) == (1, 1, 0)
        assert set(store.oxigraph.quads_for_pattern(None, None, None, history.HISTORY)) == before


def test_a_store_without_history_gets_its_records_on_the_next_ingest(tmp_path: Path, study: dict) -> None:
    """Documents stored before trialkg kept history: a rerun records their current version once."""
    v1 = _version(study, tmp_path, "a.json", "2019-01-01", "RECRUITING", 300)
    with TrialStore(tmp_path / "s") as store:
        ingest(store, read_paths([v1]), workers=1)
        store.oxigraph.update(f"DROP GRAPH <{iris.HISTORY_GRAPH}>")
        report = ingest(store, read_paths([v1]), workers=1)
        assert (report.unchanged, report.versions_recorded) == (1, 1)
        assert [v.current for v in versions(store.oxigraph, _nct(study))] == [True]


def test_a_document_made_again_keeps_one_record(tmp_path: Path, study: dict, monkeypatch) -> None:
    import kg.ingest
    import kg.provenance

    v1 = _version(study, tmp_path, "a.json", "2019-01-01", "RECRUITING", 300)
    with TrialStore(tmp_path / "s") as store:
        monkeypatch.setattr(kg.provenance, "MAPPING_VERSION", "old")
        monkeypatch.setattr(kg.ingest, "MAPPING_VERSION", "old")
        ingest(store, read_paths([v1]), workers=1)
        monkeypatch.undo()
        report = ingest(store, read_paths([v1]), workers=1)
        assert report.reprocessed == 1
        records = list(store.oxigraph.quads_for_pattern(None, ox.NamedNode(iris.term("versionSha256")), None, history.HISTORY))
        times = list(store.oxigraph.quads_for_pattern(records[0].subject, None, None, history.HISTORY))
        assert len(records) == 1 and not any(q.predicate == SNAPSHOT for q in times)
        assert sum(q.predicate.value.endswith("generatedAtTime") for q in times) == 1


def test_the_python_api_gives_the_same_history(three, study: dict) -> None:
    import kg

    store_dir, _, _ = three
    with kg.open(store_dir) as graph:
        past = graph.show(_nct(study), at="2019-12-31")
        assert past["at"] == "2019-12-31"
        assert [s["value"] for s in past["groups"]["status"] if s["field"] == "status"] == ["RECRUITING"]
        told = graph.history(_nct(study))
        assert [v["updated"] for v in told["versions"]] == ["2019-01-01", "2020-01-01", "2021-01-01"]
        with pytest.raises(KGError, match="give a date"):
            graph.show(_nct(study), at="31/12/2019")


def test_a_replaced_document_is_the_graph_a_fresh_build_makes(three, study: dict, tmp_path: Path) -> None:
    """The document's graph after two replacements (bulk-loaded once the old graph is dropped) equals that of a store
    that ingested only the last version, but for the time of the ingest; no quad of it is left outside its graph."""
    store_dir, folder, _ = three
    g = ox.NamedNode(iris.document_graph("ctgov", _nct(study)))
    with TrialStore(tmp_path / "only-v3") as alone:
        ingest(alone, read_paths([folder / "v3.json"]), workers=1)
        expected = {q for q in alone.oxigraph.quads_for_pattern(None, None, None, g) if q.predicate.value != ENDED}
    with TrialStore(store_dir, read_only=True) as store:
        got = {q for q in store.oxigraph.quads_for_pattern(None, None, None, g) if q.predicate.value != ENDED}
        graphs = {x.value for x in store.oxigraph.named_graphs()}
    assert got == expected
    assert {x for x in graphs if x.startswith(iris.GRAPH + "ctgov/")} == {g.value}


def test_an_ingest_interrupted_before_the_commit_markers_leaves_one_record_after_the_rerun(tmp_path: Path, study: dict,
                                                                                          monkeypatch) -> None:
    """Ctrl-C after the bulk load (documents and records written, no commit marker yet): the rerun drops the
    uncommitted graph with its record and writes both once (one ingest time, not two)."""
    import kg.ingest

    v1 = _version(study, tmp_path, "a.json", "2019-01-01", "RECRUITING", 300)
    with TrialStore(tmp_path / "s") as store:
        def interrupted(doc):
            raise KeyboardInterrupt

        monkeypatch.setattr(kg.ingest, "commit_marker", interrupted)
        with pytest.raises(KeyboardInterrupt):
            ingest(store, read_paths([v1]), workers=1)
        monkeypatch.undo()
        assert store.documents() == {} and len(list(store.oxigraph.quads_for_pattern(None, None, None, history.HISTORY)))
        report = ingest(store, read_paths([v1]), workers=1)
        assert report.added == 1
        records = list(store.oxigraph.quads_for_pattern(None, ox.NamedNode(iris.term("versionSha256")), None, history.HISTORY))
        times = [q for q in store.oxigraph.quads_for_pattern(records[0].subject, None, None, history.HISTORY)
                 if q.predicate.value.endswith("generatedAtTime")]
        assert len(records) == 1 and len(times) == 1
        assert [v.current for v in versions(store.oxigraph, _nct(study))] == [True]
