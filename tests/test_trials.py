"""``kg trials`` on the seeds and real records: each answer checked against the records themselves (the filters
recomputed from the parsed records), filters that combine, sorting, paging, count, facets and notes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.resolve.drugs import DrugResolver
from kg.resolve.targets import actions_of
from kg.sources.reader import read_paths
from kg.store import TrialStore
from kg import query as q
from kg import trials as kt
from kg import iris
from kg.trial_index import InBackground, TrialIndex
from kg.trials import COLUMNS, Filters, trials

from conftest import RECORD_SETS as SETS


@pytest.fixture(scope="module")
def records(seeds_dir: Path, data_dir: Path) -> list:
    return [r for r in read_paths([seeds_dir] + [data_dir / s for s in SETS]) if not hasattr(r, "reason")]


@pytest.fixture(scope="module")
def store_dir(records_store: Path) -> Path:
    return records_store  # the seeds and SETS: the same records as ``records``


def _run(store_dir: Path, **kw) -> object:
    options = {k: kw.pop(k) for k in ("sort", "limit", "offset", "count_only", "facets", "facets_up_to") if k in kw}
    with TrialStore(store_dir, read_only=True) as store:
        return trials(store.oxigraph, Filters(**kw), **options)


def _pd1_uniis() -> set[str]:
    resolver = DrugResolver()
    return {m.local_id for name in ("pembrolizumab", "toripalimab", "tislelizumab", "sintilimab", "camrelizumab", "nivolumab")
            for m in resolver.resolve(name).matches}


def test_filters_combine_and_agree_with_the_records(store_dir: Path, records: list) -> None:
    """Phase 3 trials of an anti-PD-1 drug with a site in China: recomputed from the parsed records."""
    linker_uniis: dict[str, set[str]] = {}
    resolver = DrugResolver()
    for r in records:
        for i in r.interventions:
            for m in resolver.resolve(i.name).matches:
                linker_uniis.setdefault(r.nct_id, set()).add(m.local_id)
    pd1 = {r.nct_id for r in records if any(any(a.target == "PDCD1" for a in actions_of(u)) for u in linker_uniis.get(r.nct_id, ()))}
    expected = {r.nct_id for r in records if r.nct_id in pd1 and "PHASE3" in r.phases
                and any(s.country == "China" for s in r.sites)}
    got = _run(store_dir, target="PD-1", phase="Phase 3", country="China", limit=None)
    assert expected and {row["nct_id"] for row in got.rows} >= expected
    assert got.count == len(got.rows)
    assert all("PHASE3" in row["phases"] and "CN" in row["countries"] for row in got.rows)


@pytest.mark.parametrize("given", [
    {"target": "PD-1", "condition": "Non-small cell lung cancer", "country": "China"},  # alone, alone, one statement
    {"drug": "pembrolizumab", "phase": "Phase 3", "status": "recruiting"},
    {"sponsor": "MSD", "subsidiaries": True, "country": "US", "start_from": "2015"},  # a value then filtered
    {"condition": "lung neoplasms", "enrollment_min": 100, "enrollment_max": 900, "has_results": False},
    {"country": "China", "city": "Shanghai", "phase": "Phase 2"},  # one statement first: evaluated alone
    {"site": "cancer", "completion_to": "2030", "drug_class": "PD-1 inhibitor"},
])
def test_staged_filters_give_the_trials_of_one_query_joining_them(store_dir: Path, given: dict) -> None:
    """Each way ``_matching`` applies a pattern (alone then intersected, checked per trial, filtered per trial) finds
    exactly the trials of the one query that joins every filter's pattern."""
    with TrialStore(store_dir, read_only=True) as store:
        db = store.oxigraph
        patterns, bindings = kt._where(Filters(**given), q.Binder(store=db))
        _, expected = q.select(db, kt.joined_query(patterns, bindings))
        got = kt._matching(db, patterns, bindings)
    assert expected, given  # every combination finds some trial in the real records
    assert set(got) == {t for t, _ in expected}


@pytest.mark.parametrize("given, sort", [
    ({}, "-start_date"),  # no filter: every trial of the index
    ({"target": "PD-1", "country": "China"}, "-start_date"),
    ({"condition": "lung neoplasms"}, "enrollment"),
    ({"sponsor": "MSD", "subsidiaries": True}, "-enrollment"),
    ({"phase": "Phase 2", "start_from": "2019"}, "start_date"),
    ({"drug": "pembrolizumab"}, "-nct_id"),
])
def test_an_index_of_the_store_gives_the_same_answer(store_dir: Path, given: dict, sort: str) -> None:
    """A ``kg serve`` worker's ``TrialIndex`` (ids and sort values read once) changes no count, row or order."""
    with TrialStore(store_dir, read_only=True) as store:
        db = store.oxigraph
        index = TrialIndex.read(db)
        plain = trials(db, Filters(**given), sort=sort, limit=None)
        indexed = trials(db, Filters(**given), sort=sort, limit=None, index=index)
    assert plain.count > 1 and indexed.count == plain.count
    assert indexed.rows == plain.rows


def test_the_index_holds_every_trial_and_its_latest_values(store_dir: Path, records: list) -> None:
    """Every trial's id is the one its IRI is named by (what ``_matching`` reads off the IRI); the index holds each
    record's latest start date (padded to a day) and largest enrollment."""
    with TrialStore(store_dir, read_only=True) as store:
        index = InBackground(store.oxigraph).wait()
        _, typed = q.select(store.oxigraph, f"{kt.PREFIXES}SELECT DISTINCT ?t ?n WHERE {{ ?t a tkg:Trial ; tkg:trialId ?n }}")
    assert index is not None and typed and all(iris.trial_id_of(t) == n for t, n in typed)
    assert iris.trial_id_of(iris.trial("ISRCTN12949496")) == "ISRCTN12949496" and iris.trial_id_of(iris.part(typed[0][0], "arm", 1)) is None
    by_id: dict[str, list] = {}
    for r in records:
        by_id.setdefault(r.nct_id, []).append(r)
    for t, nct in typed:  # the latest any record of the trial states, padded as the date filters read it
        if nct not in by_id:
            continue  # a related trial's stub
        counts = [r.enrollment.count for r in by_id[nct] if r.enrollment and r.enrollment.count is not None]
        assert index.values["enrollment"].get(t, -1) == max(counts, default=-1)
        starts = [d + "-01-01"[len(d) - 4:] for d in (r.start_date for r in by_id[nct]) if d]
        assert index.values["start_date"].get(t, "") == max(starts, default="")


def test_rows_are_complete_and_typed(store_dir: Path, records: list) -> None:
    by_id = {r.nct_id: r for r in records}
    got = _run(store_dir, drug="JS-001", limit=None)
    assert {"NCT06505837", "NCT03971214", "NCT04523493"} <= {row["nct_id"] for row in got.rows}
    for row in got.rows:
        assert set(row) == set(COLUMNS)
        record = by_id[row["nct_id"]]
        if record.enrollment is not None and row["enrollment"] is not None:
            assert isinstance(row["enrollment"], int)
        assert "toripalimab" in (row["drugs"] or "")
    dated = [row for row in got.rows if row["start_date"]]
    assert dated and all(row["start_date_type"] in ("ACTUAL", "ESTIMATED", None) for row in dated)


def test_sorting_paging_and_count(store_dir: Path) -> None:
    everything = _run(store_dir, country="CN", sort="-start_date", limit=None)
    starts = [(d + "-01-01"[len(d) - 4:]) if (d := row["start_date"]) else "" for row in everything.rows]  # as a day
    assert starts == sorted(starts, reverse=True)
    page = _run(store_dir, country="CN", sort="-start_date", limit=5, offset=5)
    assert [r["nct_id"] for r in page.rows] == [r["nct_id"] for r in everything.rows[5:10]]
    counted = _run(store_dir, country="CN", count_only=True)
    assert counted.count == everything.count and counted.rows == []
    by_enrollment = _run(store_dir, country="CN", sort="enrollment", limit=None)
    values = [-1 if r["enrollment"] is None else r["enrollment"] for r in by_enrollment.rows]
    assert values == sorted(values)


def test_date_and_enrollment_ranges(store_dir: Path) -> None:
    got = _run(store_dir, start_from="2023-01", start_to="2023-12-31", enrollment_min=100, limit=None)
    assert got.rows and all("2023-01-01" <= (r["start_date"] + "-01-01")[:10] <= "2023-12-31" for r in got.rows)
    assert all(r["enrollment"] >= 100 for r in got.rows if r["enrollment"] is not None)


def test_sponsor_with_subsidiaries_and_condition_or_narrower(store_dir: Path) -> None:
    plain = _run(store_dir, sponsor="Merck & Co., Inc.", limit=None)
    with_msd = _run(store_dir, sponsor="Merck & Co., Inc.", subsidiaries=True, limit=None)
    assert plain.count == 0 and with_msd.count >= 10
    assert with_msd.count == _run(store_dir, sponsor="MSD", limit=None).count
    lung = _run(store_dir, condition="lung neoplasms", limit=None)  # a broader MeSH descriptor
    nsclc = _run(store_dir, condition="NSCLC", limit=None)
    assert {r["nct_id"] for r in nsclc.rows} <= {r["nct_id"] for r in lung.rows}


def test_facets_count_the_filtered_set(store_dir: Path) -> None:
    got = _run(store_dir, target="TIGIT", facets=True, limit=0)
    assert set(got.facets) == {"phase", "status", "country", "sponsor", "drug"}
    assert all(n <= got.count for values in got.facets.values() for _, n in values)
    assert any(label == "tiragolumab" for label, _ in got.facets["drug"])


def test_facets_up_to_a_number_of_trials(store_dir: Path) -> None:
    everything = _run(store_dir, target="TIGIT", facets=True, limit=0)
    assert everything.count > 1 and everything.facets
    assert _run(store_dir, target="TIGIT", facets=True, facets_up_to=everything.count, limit=0).facets == everything.facets
    assert _run(store_dir, target="TIGIT", facets=True, facets_up_to=everything.count - 1, limit=0).facets == {}


def test_a_filter_that_names_nothing_gets_a_note(store_dir: Path) -> None:
    got = _run(store_dir, drug="nosuchmab", country="China")
    assert got.count == 0 and "nosuchmab" in got.notes[0]


def _cli(store_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "trials", *args, "--store", str(store_dir)],
                          capture_output=True, text=True, timeout=300)


def test_cli_formats(store_dir: Path) -> None:
    as_csv = _cli(store_dir, "--target", "PD-1", "--country", "China", "--format", "csv", "--limit", "5")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(table) == 5 and list(table[0]) == list(COLUMNS)
    as_json = json.loads(_cli(store_dir, "--drug", "toripalimab", "--format", "json", "--facets").stdout)
    assert as_json["count"] >= 3 and as_json["rows"] and "facets" in as_json and as_json["notes"] == []
    lines = _cli(store_dir, "--drug", "toripalimab", "--format", "jsonl").stdout.splitlines()
    assert all(json.loads(line)["nct_id"].startswith("NCT") for line in lines)
    count = _cli(store_dir, "--drug", "toripalimab", "--count")
    assert count.stdout.strip() == str(as_json["count"])
    noted = _cli(store_dir, "--drug", "nosuchmab")
    assert noted.returncode == 0 and "note:" in noted.stderr
    bad = _cli(store_dir, "--sort", "colour")
    assert bad.returncode == 2 and "--sort" in bad.stderr and "Traceback" not in bad.stderr


def _query(store_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "query", *args, "--store", str(store_dir)], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("filters", [{"target": "PD-1", "country": "China", "condition": "NSCLC"},
                                     {"drug": "toripalimab", "phase": "PHASE3"}, {"sponsor": "Akeso", "status": "COMPLETED"}])
def test_the_named_query_trials_gives_the_trials_of_kg_trials(store_dir: Path, filters: dict) -> None:
    """The named query (for --endpoint and kg serve) and kg trials find the same trials for the same filters."""
    proc = _query(store_dir, "trials", *(a for k, v in filters.items() for a in ("--param", f"{k}={v}")), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    named = {r["nct_id"] for r in json.loads(proc.stdout)["rows"]}
    answer = _run(store_dir, **filters, limit=None)
    assert named and named == {r["nct_id"] for r in answer.rows}


def test_named_queries_sort_and_page(store_dir: Path) -> None:
    args = ("trials", "--param", "target=PD-1", "--format", "json")
    every = json.loads(_query(store_dir, *args).stdout)["rows"]
    by_size = json.loads(_query(store_dir, *args, "--sort", "-enrollment").stdout)["rows"]
    sizes = [int(r["enrollment"]) for r in by_size if r["enrollment"] is not None]
    assert sizes == sorted(sizes, reverse=True) and len(by_size) == len(every)
    assert list(by_size[0]) == list(every[0])  # the query's own column order
    page = json.loads(_query(store_dir, *args, "--sort", "-enrollment", "--limit", "5", "--offset", "3").stdout)["rows"]
    assert [r["nct_id"] for r in page] == [r["nct_id"] for r in by_size[3:8]]
    first = json.loads(_query(store_dir, *args, "--limit", "4").stdout)["rows"]  # its own order, cut
    assert [r["nct_id"] for r in first] == [r["nct_id"] for r in every[:4]]
    bad = _query(store_dir, *args, "--sort", "no_such_column")
    assert bad.returncode == 2 and "no column 'no_such_column'" in bad.stderr and "Traceback" not in bad.stderr


def test_a_named_query_note_is_in_its_json(store_dir: Path) -> None:
    proc = _query(store_dir, "trials-by-drug", "--param", "drug=not-a-drug-xyz", "--format", "json")
    body = json.loads(proc.stdout)
    assert body["rows"] == [] and body["notes"] and "names no single drug" in body["notes"][0]
    assert "note:" in proc.stderr


def test_kg_show_gives_every_group_of_facts_checked_against_the_record(store_dir: Path, records: list) -> None:
    """kg show on real records, two at once, as JSON: the groups hold what the records state (arms, interventions with
    the drugs they resolved to and how, sponsors with their organisations, sites, dates with their types)."""
    ids = ["NCT04736823", "NCT05809895"]
    proc = subprocess.run([sys.executable, "-m", "kg", "show", *ids, "--json", "--store", str(store_dir)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    shown = {t["nct_id"]: t for t in json.loads(proc.stdout)}
    assert set(shown) == set(ids)
    for nct in ids:
        record = next(r for r in records if r.nct_id == nct)
        groups = {g: [s["value"] for s in v] for g, v in shown[nct]["groups"].items()}
        assert {"identification", "status", "design", "conditions", "arms", "interventions", "sponsors"} <= set(groups)
        assert len(groups["arms"]) == len(record.arms) and len(groups["interventions"]) == len(record.interventions)
        assert all(" -> " in v or "(no drug)" in v for v in groups["interventions"])
        assert any("[exact" in v or "[code-key" in v or "[curated" in v for v in groups["interventions"])  # how it resolved
        assert record.sponsors[0].name in groups["sponsors"][0]
        fields = {s["field"]: s["value"] for s in shown[nct]["groups"]["status"]}
        assert fields["start date"] == record.start_date and fields["start date type"] == record.start_date_type
        assert all(s["current"] for v in shown[nct]["groups"].values() for s in v)  # one source: all current
    table = subprocess.run([sys.executable, "-m", "kg", "show", ids[0], "--store", str(store_dir)], capture_output=True,
                           text=True, timeout=300)
    assert "ivonescimab [exact, score 1]" in table.stdout  # values are text, not console markup
    missing = subprocess.run([sys.executable, "-m", "kg", "show", "NCT00000001", "--store", str(store_dir)], capture_output=True,
                             text=True, timeout=300)
    assert missing.returncode == 2 and "no trial NCT00000001" in missing.stderr


def _kg_json(store_dir: Path, *args: str) -> tuple[int, object]:
    proc = subprocess.run([sys.executable, "-m", "kg", *args, "--json", "--store", str(store_dir)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_stats_analyze_and_validate_speak_json(store_dir: Path, records: list) -> None:
    _, stats = _kg_json(store_dir, "stats")
    assert stats["trials (full records)"] == len({r.nct_id for r in records if r.nct_id})
    _, heads = _kg_json(store_dir, "analyze", "--network", "sponsor-drug", "--top", "3")
    assert [h["network"] for h in heads] == ["sponsor-drug"] and len(heads[0]["top_degree"]) == 3
    assert heads[0]["nodes"] > 0 and {"label", "type", "degree"} == set(heads[0]["top_degree"][0])
    code, every = _kg_json(store_dir, "validate")
    assert code == (1 if every["violations"] else 0) and every["findings_total"] == len(every["findings"])
    assert every["findings"] and all(f["label"] for f in every["findings"] if "/intervention/" in f["focus"])  # the mention text
    _, page = _kg_json(store_dir, "validate", "--limit", "3", "--offset", "2")
    assert page["findings"] == every["findings"][2:5] and page["findings_total"] == every["findings_total"]


def test_the_python_api_answers_like_the_command_line(store_dir: Path, monkeypatch) -> None:
    import kg

    with kg.open(store_dir) as graph:
        rows = graph.trials(target="PD-1", condition="NSCLC", country="China", limit=None)
        assert {r["nct_id"] for r in rows} == {r["nct_id"] for r in _run(store_dir, target="PD-1", condition="NSCLC",
                                                                          country="China", limit=None).rows}
        assert graph.count(target="PD-1", condition="NSCLC", country="China") == len(rows)
        assert sum(n for _, n in graph.facets(target="PD-1")["phase"]) >= 1
        sponsors = graph.query("sponsors-by-target", target="TIGIT", limit=3)
        assert len(sponsors) == 3 and all(isinstance(r["trials"], int) for r in sponsors)  # typed by datatype
        assert graph.show("NCT04736823")["groups"]["interventions"]
        assert graph.resolve("JS-001")["matches"][0]["label"] == "toripalimab"
        assert graph.trials(drug="no-such-drug-xyz") == [] and "names no single drug" in graph.notes[0]
        with pytest.raises(kg.errors.KGError, match="no filter 'drugz'"):
            graph.trials(drugz="x")
        monkeypatch.setitem(sys.modules, "pandas", None)  # as where pandas is not installed: one clear error
        with pytest.raises(kg.errors.KGError, match="needs pandas"):
            graph.trials(as_frame=True)


def test_the_python_api_gives_a_dataframe_with_pandas(store_dir: Path) -> None:
    pytest.importorskip("pandas")
    import kg

    with kg.open(store_dir) as graph:
        frame = graph.trials(drug="toripalimab", limit=None, as_frame=True)
    assert list(frame.columns) == list(COLUMNS) and len(frame) > 0


def test_city_and_site_filters_agree_with_the_records(store_dir: Path, records: list) -> None:
    from kg.resolve.places import city_key

    def expected(pred) -> set[str]:
        return {r.nct_id for r in records if r.nct_id and any(pred(s) for s in r.sites)}

    in_city = {r["nct_id"] for r in _run(store_dir, city="beijing-shi", limit=None).rows}  # a spelling no record uses
    assert in_city and in_city == expected(lambda s: s.city and city_key(s.city) == "beijing")
    words = ("fudan", "cancer")
    named = {r["nct_id"] for r in _run(store_dir, site="Fudan Cancer", limit=None).rows}
    stated = expected(lambda s: s.facility and all(w in s.facility.casefold() for w in words))
    assert stated and stated <= named  # a site's resolved (ROR) name may hold the words where the stated one does not


def test_an_unknown_trial_id_gets_a_note_not_silence(store_dir: Path) -> None:
    for value, words in (("NCT99999999", "no such trial"), ("banana", "not an NCT id")):
        proc = _query(store_dir, "sites-of-trial", "--param", f"trial={value}", "--format", "json")
        body = json.loads(proc.stdout)
        assert proc.returncode == 0 and body["rows"] == [] and words in body["notes"][0]
    known = json.loads(_query(store_dir, "sites-of-trial", "--param", "trial=NCT04736823", "--format", "json").stdout)
    assert known["rows"] and known["notes"] == []


def test_an_index_that_cannot_be_read_is_none_and_raises_nothing() -> None:
    """A worker's background read that fails (its snapshot gone) leaves the tables to sort by look-up."""
    broken = InBackground(object())  # type: ignore[arg-type]
    assert broken.wait(30) is None and broken() is None
