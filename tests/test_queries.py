"""Every named query against a graph built from the seed pages and real records, with real answers;
parameters bound as terms (an injection attempt is just a value); every output format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import pyoxigraph as ox

from kg.ingest import ingest
from kg import query as q
from kg.errors import KGError
from kg.sources.reader import read_paths
from kg.store import TrialStore

REQUIRED = {"trials-by-drug", "drugs-by-sponsor", "sponsors-by-drug", "trials-by-condition", "trials-by-country",
            "sites-of-trial", "related-trials", "co-tested-drugs", "aliases-of", "sponsor-drug-network",
            "unresolved-interventions", "data-quality", "trial-counts-by-country"}
SKOS = "http://www.w3.org/2004/02/skos/core#"
DICTIONARY = "https://w3id.org/trialkg/graph/dictionary"
PAGE = "https://w3id.org/trialkg/graph/page-summary-table/NCT06048315"
SEED_TORIPALIMAB = {"NCT06505837", "NCT03971214", "NCT04523493"}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, seeds_dir: Path, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("q") / "store"
    with TrialStore(path) as store:
        report = ingest(store, read_paths([seeds_dir, data_dir / "ctgov-tigit-watch", data_dir / "ctgov-nsclcbench",
                                          data_dir / "ctgov-dgg32-samples"]))
        assert report.failed == []
        # an earlier version of a real record, downloaded after the current one: kept in the history only
        earlier = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[-1]
        module = earlier["protocolSection"]["statusModule"]
        assert (earlier["protocolSection"]["identificationModule"]["nctId"], module["overallStatus"]) == ("NCT04007835", "UNKNOWN")
        module["overallStatus"], module["lastUpdatePostDateStruct"] = "RECRUITING", {"date": "2019-01-01", "type": "ACTUAL"}
        (path.parent / "NCT04007835-2019.json").write_text(json.dumps(earlier), encoding="utf-8")
        assert ingest(store, read_paths([path.parent / "NCT04007835-2019.json"])).older == 1
    return path


def run(store_dir: Path, name: str, **params: str) -> list[dict]:
    with TrialStore(store_dir, read_only=True) as store:
        text, bindings = q.prepare(q.get(name), params, q.Binder())
        columns, data = q.select(store.oxigraph, text, bindings)
    return [dict(zip(columns, r)) for r in data]


def test_unresolved_conditions_are_the_stated_conditions_the_resolver_leaves(store_dir: Path, seeds_dir: Path,
                                                                           data_dir: Path) -> None:
    """unresolved-conditions, recomputed from the records: every stated condition the resolver answers with no
    MeSH concept (in its record's context, as the build reads it), with its trials, most first; none that names a
    disease, a topic ("Immunotherapy", a seed's) or a supplementary concept."""
    from kg.resolve.conditions import resolve_condition

    trials: dict[str, set[str]] = {}
    for r in read_paths([seeds_dir, data_dir / "ctgov-tigit-watch", data_dir / "ctgov-nsclcbench", data_dir / "ctgov-dgg32-samples"]):
        if hasattr(r, "reason"):
            continue
        context = " ".join([r.title or "", r.official_title or "", *r.conditions, *(m.term for m in r.condition_mesh)])
        for c in r.conditions:
            if resolve_condition(c, context).status != "resolved":
                trials.setdefault(c, set()).add(r.nct_id)
    rows = run(store_dir, "unresolved-conditions")
    assert len(trials) > 20 and {r["name"]: int(r["trials"]) for r in rows} == {c: len(t) for c, t in trials.items()}
    assert [int(r["trials"]) for r in rows] == sorted((int(r["trials"]) for r in rows), reverse=True)
    assert "Immunotherapy" not in {r["name"] for r in rows} and "Validation Study" in {r["name"] for r in rows}


def test_every_required_query_exists_with_a_header() -> None:
    queries = q.named_queries()
    assert REQUIRED <= set(queries)
    for nq in queries.values():
        assert nq.description and nq.returns, nq.name


@pytest.mark.parametrize("spelling", ["JS-001", "Tuoyi", "toripalimab", "JS001", "Loqtorzi®"])
def test_trials_by_drug_in_any_spelling(store_dir: Path, spelling: str) -> None:
    nct = {r["nct_id"] for r in run(store_dir, "trials-by-drug", drug=spelling)}
    assert SEED_TORIPALIMAB <= nct
    assert nct == {r["nct_id"] for r in run(store_dir, "trials-by-drug", drug="toripalimab")}


def test_trials_by_drug_keeps_the_trial_s_wording(store_dir: Path) -> None:
    rows = {r["nct_id"]: r for r in run(store_dir, "trials-by-drug", drug="penpulimab")}
    assert rows["NCT06048315"]["mention"] == "PD-1 antibody (péamplimab)"


def test_sponsors_and_drugs_both_ways(store_dir: Path) -> None:
    sponsors = {r["sponsor"] for r in run(store_dir, "sponsors-by-drug", drug="toripalimab")}
    assert any("Junshi" in s for s in sponsors)
    drugs = {r["drug_label"] for r in run(store_dir, "drugs-by-sponsor", sponsor="Junshi Biosciences")}
    assert {"toripalimab", "lenvatinib"} <= drugs


def test_trials_by_condition_stated_mesh_and_narrower(store_dir: Path) -> None:
    hcc = {r["nct_id"]: r["via"] for r in run(store_dir, "trials-by-condition", condition="HCC")}
    assert "NCT04523493" in hcc  # seed 002 states "Advanced Hepatocellular Carcinoma (HCC)"; its record has the MeSH term
    lung_cancer = {r["nct_id"]: r["via"] for r in run(store_dir, "trials-by-condition", condition="lung cancer")}
    assert lung_cancer["NCT06749886"] == "stated"  # seed 003, known only from its page: "Lung Cancer"
    nsclc = {r["nct_id"] for r in run(store_dir, "trials-by-condition", condition="NSCLC")}
    lung = {r["nct_id"]: r["via"] for r in run(store_dir, "trials-by-condition", condition="Lung Neoplasms")}
    assert nsclc and nsclc <= set(lung)  # NSCLC trials are found as narrower than lung neoplasms
    assert "narrower" in lung.values()


def test_trials_by_country_with_optional_filters(store_dir: Path) -> None:
    china = {r["nct_id"] for r in run(store_dir, "trials-by-country", country="China")}
    phase3 = {r["nct_id"] for r in run(store_dir, "trials-by-country", country="CN", phase="Phase 3")}
    active = {r["nct_id"] for r in run(store_dir, "trials-by-country", country="China", phase="PHASE3",
                                       status="ACTIVE_NOT_RECRUITING")}
    assert {"NCT04523493", "NCT06505837"} <= active <= phase3 < china


def test_sites_of_trial(store_dir: Path) -> None:
    rows = run(store_dir, "sites-of-trial", trial="NCT04523493")
    # the page's 22 sites, and the registry record's (the same trial from two sources) where they differ
    assert {"Hunan Cancer Hospital"}.isdisjoint({r["facility"] for r in rows})
    assert {"National Cancer Centre Singapore", "ID Clinic", "Azienda Ospedaliero Universitaria Pisana"} <= {r["facility"] for r in rows}
    assert len(rows) >= 22 and {r["country"] for r in rows} >= {"CN", "IT", "PL", "SG", "UA"}


def test_related_trials_by_hops(store_dir: Path) -> None:
    one = {r["nct_id"] for r in run(store_dir, "related-trials", trial="NCT06505837")}
    assert one == {"NCT05751486", "NCT03581786", "NCT03623776", "NCT05664971", "NCT04568304"}
    assert one <= {r["nct_id"] for r in run(store_dir, "related-trials", trial="NCT06505837", hops="2")}
    with pytest.raises(KGError, match="hops"):
        run(store_dir, "related-trials", trial="NCT06505837", hops="9")


def test_co_tested_drugs(store_dir: Path) -> None:
    pairs = {(r["drug_a"], r["drug_b"]): r["trials"] for r in run(store_dir, "co-tested-drugs", drug="toripalimab")}
    assert ("toripalimab", "lenvatinib") in pairs
    assert all(a == "toripalimab" != b for a, b in pairs)  # the given drug first ("#? drug" line kept)
    every = {frozenset((r["drug_a"], r["drug_b"])): r["trials"] for r in run(store_dir, "co-tested-drugs")}
    assert len(every) == len(run(store_dir, "co-tested-drugs"))  # each pair once ("#! drug" line kept)
    assert all(every[frozenset(pair)] == n for pair, n in pairs.items())  # the same counts either way


def test_an_arm_gives_only_its_trials_own_interventions(store_dir: Path) -> None:
    """What co-tested-drugs relies on to find a pair given in one arm among the trial's interventions."""
    with TrialStore(store_dir, read_only=True) as store:
        _, outside = q.select(store.oxigraph, """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
            SELECT ?t ?i WHERE { GRAPH ?g { ?t tkg:arm ?arm . ?arm tkg:armIntervention ?i FILTER NOT EXISTS { ?t tkg:intervention ?i } } }""")
        _, given = q.select(store.oxigraph, "PREFIX tkg: <https://w3id.org/trialkg/ontology#> ASK { ?arm tkg:armIntervention ?i }")
    assert given == [["true"]] and outside == []


def test_aliases_of_with_sources(store_dir: Path) -> None:
    rows = run(store_dir, "aliases-of", drug="pianpulimab")
    hidden = {r["name"]: r for r in rows if r["kind"] == "hidden"}
    # the misspelling is given by the shipped dictionary and by the page that wrote it
    assert hidden["péamplimab"]["sources"] == "2" and hidden["péamplimab"]["source"] == DICTIONARY
    assert {r["name"] for r in rows if r["kind"] == "pref"} == {"penpulimab"}
    assert len({(r["name"], r["kind"]) for r in rows}) == len(rows)  # one row per name and kind
    with TrialStore(store_dir, read_only=True) as store:  # the count is the number of graphs giving the name
        for r in rows:
            graphs = {s["g"].value for s in store.query(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d ?p %s } VALUES ?p { %s } }"
                % (ox.Literal(r["name"]), " ".join(f"<{SKOS}{k}Label>" for k in ("pref", "alt", "hidden"))))}
            assert int(r["sources"]) == len(graphs) and r["source"] == min(graphs), r
        assert store.query('ASK { GRAPH <%s> { ?d <%shiddenLabel> "péamplimab" } }' % (PAGE, SKOS))


# The sponsor-drug network computed directly from the documents (what queries/summaries/sponsor-drug.rq
# precomputes): the oracle for the summary graph.
# a trial's sponsors and drugs in any of its graphs: an intervention's drug may be a link learned from another record
# (graph/record-aliases: NCT05413161's drug is one, which a count document by document missed)
DIRECT_NETWORK = """
PREFIX tkg: <https://w3id.org/trialkg/ontology#>
SELECT ?o ?d (COUNT(DISTINCT ?t) AS ?trials) WHERE {
  GRAPH ?g { ?t ?rel ?o . VALUES ?rel { tkg:leadSponsor tkg:collaborator tkg:sponsor } ?t tkg:intervention ?i }
  GRAPH ?h { ?i tkg:drug ?d }
  FILTER NOT EXISTS { ?o tkg:isPlaceholder true }
} GROUP BY ?o ?d"""


def test_sponsor_drug_network_counts_every_trial(store_dir: Path) -> None:
    with TrialStore(store_dir, read_only=True) as store:
        direct = {(r["o"].value, r["d"].value): int(r["trials"].value) for r in store.query(DIRECT_NETWORK)}
        summary = {(r["o"].value, r["d"].value): int(r["n"].value) for r in store.query(
            "PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT ?o ?d ?n WHERE { GRAPH ?s { "
            "?x tkg:countedSponsor ?o ; tkg:countedDrug ?d ; tkg:trialCount ?n } }")}
    assert summary == direct and len(direct) > 50
    network = run(store_dir, "sponsor-drug-network")
    assert len(network) == len(direct)
    trials = [int(r["trials"]) for r in network]
    assert trials == sorted(trials, reverse=True) and trials[0] > 1
    strong = run(store_dir, "sponsor-drug-network", min_trials="2")  # the pairs a drawing keeps
    assert strong == [r for r in network if int(r["trials"]) >= 2] and 0 < len(strong) < len(network)
    with pytest.raises(KGError, match="min_trials must be a whole number"):
        run(store_dir, "sponsor-drug-network", min_trials="two")


def test_summaries_follow_every_ingest(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    def network() -> dict:
        return {(r["sponsor"], r["drug"]): r["trials"] for r in run(tmp_path, "sponsor-drug-network")}
    with TrialStore(tmp_path) as store:
        ingest(store, read_paths([seeds_dir]))
    first = network()
    with TrialStore(tmp_path) as store:
        ingest(store, read_paths([data_dir / "ctgov-tigit-watch"]))
    with TrialStore(tmp_path, read_only=True) as store:
        direct = len(list(store.query(DIRECT_NETWORK)))
    assert len(first) < len(network()) == direct


def test_trial_counts_by_country_and_phase(store_dir: Path) -> None:
    counts = {(r["iso"], r["phase_name"]): int(r["trials"]) for r in run(store_dir, "trial-counts-by-country")}
    for country, phase in (("China", "PHASE3"), ("CN", "PHASE2"), ("United States", "PHASE1"), ("Korea, Republic of", "PHASE3")):
        listed = run(store_dir, "trials-by-country", country=country, phase=phase)
        code = next(iter({r["iso"] for r in run(store_dir, "trial-counts-by-country", country=country)}))
        assert counts[(code, phase)] == len(listed) > 0, (country, phase)
    china = run(store_dir, "trial-counts-by-country", country="China", phase="Phase 3")
    assert [(r["country_name"], r["iso"], r["phase_name"]) for r in china] == [("China", "CN", "PHASE3")]
    no_phase = sum(n for (iso, phase), n in counts.items() if phase == "none")
    assert no_phase > 0  # observational studies state no phase and still count under their countries


HOSTILE = 'x" } ; DROP ALL ; #'


def test_parameters_are_values_not_query_text(store_dir: Path) -> None:
    with TrialStore(store_dir, read_only=True) as store:
        before = len(store)
    assert run(store_dir, "trials-by-drug", drug=HOSTILE) == []
    assert run(store_dir, "sponsors-by-drug", drug=HOSTILE) == []
    assert run(store_dir, "sites-of-trial", trial=HOSTILE) == []
    assert run(store_dir, "trials-by-country", country=HOSTILE, status=HOSTILE) == []
    with TrialStore(store_dir, read_only=True) as store:
        assert len(store) == before
    proc = subprocess.run([sys.executable, "-m", "kg", "query", "--sparql", "SELECT ?x WHERE { BIND(?v AS ?x) }",
                           "--param", f"v={HOSTILE}\nline2\\", "--store", str(store_dir), "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"] == [{"x": f"{HOSTILE}\nline2\\"}]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_cli_formats(store_dir: Path, fmt: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "query", "trials-by-drug", "--param", "drug=JS-001",
                           "--store", str(store_dir), "--format", fmt], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    if fmt == "json":
        assert SEED_TORIPALIMAB <= {r["nct_id"] for r in json.loads(proc.stdout)["rows"]}
    elif fmt in ("csv", "tsv"):
        reader = csv.DictReader(io.StringIO(proc.stdout), delimiter="," if fmt == "csv" else "\t")
        assert SEED_TORIPALIMAB <= {r["nct_id"] for r in reader}
    else:
        assert "NCT04523493" in proc.stdout


def test_cli_list_file_and_errors(store_dir: Path, tmp_path: Path) -> None:
    listed = subprocess.run([sys.executable, "-m", "kg", "query", "--list"], capture_output=True, text=True)
    assert all(name in listed.stdout for name in REQUIRED)
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/trialkg/ontology#Trial> }")
    counted = subprocess.run([sys.executable, "-m", "kg", "query", "--file", str(rq), "--store", str(store_dir),
                              "--format", "json"], capture_output=True, text=True)
    assert int(json.loads(counted.stdout)["rows"][0]["n"]) > 1000
    bad = subprocess.run([sys.executable, "-m", "kg", "query", "--sparql", "SELECT * WHERE { ?s ?p }", "--store",
                          str(store_dir)], capture_output=True, text=True)
    assert bad.returncode == 2 and "SPARQL syntax error" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "kg", "query", "trials-by-drug", "--store", str(store_dir)],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "needs --param drug" in missing.stderr


# -- organisations and sites in the graph of the real records ------------------------------------------------

def _notes(store_dir: Path, name: str, **params: str) -> tuple[list[dict], list[str]]:
    with TrialStore(store_dir, read_only=True) as store:
        binder = q.Binder(store=store.oxigraph)
        text, bindings = q.prepare(q.get(name), params, binder)
        columns, data = q.select(store.oxigraph, text, bindings)
    return [dict(zip(columns, r)) for r in data], binder.notes


def test_a_parent_answers_for_its_subsidiaries_when_asked(store_dir: Path) -> None:
    rows, notes = _notes(store_dir, "drugs-by-sponsor", sponsor="Merck & Co., Inc.")
    assert rows == [] and "subsidiaries=yes" in notes[0]  # MSD sponsors; Merck & Co. itself does not
    with_msd = {r["drug_label"] for r in run(store_dir, "drugs-by-sponsor", sponsor="Merck & Co., Inc.", subsidiaries="yes")}
    assert "pembrolizumab" in with_msd
    assert with_msd == {r["drug_label"] for r in run(store_dir, "drugs-by-sponsor", sponsor="MSD", subsidiaries="yes")}
    assert {r["drug_label"] for r in run(store_dir, "drugs-by-sponsor", sponsor="Merck Sharp & Dohme LLC")} == with_msd
    assert "pembrolizumab" not in {r["drug_label"] for r in run(store_dir, "drugs-by-sponsor", sponsor="Merck KGaA")}
    with pytest.raises(KGError, match="yes or no"):
        run(store_dir, "drugs-by-sponsor", sponsor="MSD", subsidiaries="maybe")


def test_sponsors_by_drug_by_parent(store_dir: Path) -> None:
    plain = {r["sponsor"] for r in run(store_dir, "sponsors-by-drug", drug="pembrolizumab")}
    by_parent = {r["sponsor"] for r in run(store_dir, "sponsors-by-drug", drug="pembrolizumab", by_parent="yes")}
    assert "Merck Sharp & Dohme LLC" in plain and "Merck & Co., Inc." not in plain
    assert "Merck & Co., Inc." in by_parent and "Merck Sharp & Dohme LLC" not in by_parent


def test_an_unknown_or_ambiguous_sponsor_gets_a_note(store_dir: Path) -> None:
    rows, notes = _notes(store_dir, "drugs-by-sponsor", sponsor="Nobody Pharmaceuticals Co., Ltd.")
    assert rows == [] and "sponsors no trial in the store" in notes[0]
    rows, notes = _notes(store_dir, "drugs-by-sponsor", sponsor="Merck")
    assert rows == [] and "several organisations" in notes[0] and "Merck KGaA" in notes[0]
    rows, notes = _notes(store_dir, "drugs-by-sponsor", sponsor="Innovent Biologics")
    assert notes == [] and "sintilimab" in {r["drug_label"] for r in rows}


SITE_COUNTS = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city (COUNT(DISTINCT ?s) AS ?sites) WHERE { GRAPH ?g { ?s a tkg:Site ; rdfs:label ?l ; tkg:city ?city }
  FILTER(CONTAINS(LCASE(?l), LCASE(?name))) } GROUP BY ?city"""


@pytest.mark.parametrize("name", ["Fudan University Shanghai Cancer Center", "Sun Yat-sen University Cancer Center"])
def test_a_facility_is_one_site_in_its_city(store_dir: Path, name: str) -> None:
    with TrialStore(store_dir, read_only=True) as store:
        _, data = q.select(store.oxigraph, SITE_COUNTS, {"name": ox.Literal(name)})
    assert data and all(int(n) == 1 for _, n in data), data


def test_cities_are_one_node_and_provinces_are_regions(store_dir: Path) -> None:
    query = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT DISTINCT ?c ?l WHERE { GRAPH ?g { ?c a tkg:City ; rdfs:label ?l ; tkg:country <https://w3id.org/trialkg/id/country/CN> } }"""
    with TrialStore(store_dir, read_only=True) as store:
        _, cities = q.select(store.oxigraph, query)
        _, regions = q.select(store.oxigraph, "PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT DISTINCT ?r "
                                              "WHERE { GRAPH ?g { ?s tkg:region ?r } }")
    labels = {label for _, label in cities}
    assert not labels & {"Guangdong", "Zhejiang", "Shandong", "Henan"}, "a province typed as a city"
    beijing = {c for c, label in cities if label.casefold().startswith("beijing")}
    assert len(beijing) == 1
    assert "https://w3id.org/trialkg/id/region/CN-GD" in {r for (r,) in regions}


def _aliases(store_dir: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "kg", "aliases", *args, "--store", str(store_dir)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_aliases_curates_every_kind(store_dir: Path) -> None:
    sponsor = _aliases(store_dir, "--kind", "sponsor", "Innovent Biologics")
    assert "Innovent Biologics (Suzhou) Co. Ltd." in sponsor and "exact" in sponsor
    assert "Non-small Cell Lung Cancer" in _aliases(store_dir, "--kind", "condition", "NSCLC")
    assert "PDCD1" in _aliases(store_dir, "--kind", "target", "CD279")
    unresolved = _aliases(store_dir, "--kind", "sponsor", "--unresolved", "--limit", "500")
    assert "Merck Sharp" not in unresolved and "row(s)" in unresolved
    assert "row(s)" in _aliases(store_dir, "--kind", "condition", "--unresolved", "--limit", "5")


def test_trial_changes_lists_what_an_earlier_version_said(store_dir: Path) -> None:
    rows = run(store_dir, "trial-changes", trial="NCT04007835")
    assert [(r["field"], r["from_value"], r["to_value"], r["from_updated"], r["to_updated"]) for r in rows] == [
        ("status", "RECRUITING", "UNKNOWN", "2019-01-01", "2019-07-05")]
    assert run(store_dir, "trial-changes", trial="NCT04007835", since="2020-01-01") == []


@pytest.mark.parametrize("name", sorted(q.named_queries()))
def test_a_named_query_returns_the_columns_its_header_and_the_readme_name(store_dir: Path, name: str) -> None:
    from conftest import NAMED_PARAMS, REPO

    nq = q.get(name)
    with TrialStore(store_dir, read_only=True) as store:
        text, bindings = q.prepare(nq, NAMED_PARAMS.get(name, {}), q.Binder())
        columns, rows = q.select(store.oxigraph, text, bindings)
    documented = [c.strip() for c in re.sub(r"\([^()]*\)", "", nq.returns).split(",")]  # "(...)" explains a column
    assert columns == documented, name
    assert rows, f"{name} answers nothing on the seeds and real records"
    assert f"`{name}`" in (REPO / "README.md").read_text(encoding="utf-8"), f"the README does not name {name}"


def test_a_parameter_only_in_its_own_optional_lines_is_written_into_them() -> None:
    text, bindings = q.prepare(q.get("trials"), {"country": "China", "phase": "Phase 3"}, q.Binder())
    assert bindings == {}  # no outer VALUES: Oxigraph evaluates the term in the pattern
    assert "<https://w3id.org/trialkg/id/country/CN>" in text and "?country" not in text
    assert "<https://w3id.org/trialkg/ontology#phase_PHASE3>" in text
    text, bindings = q.prepare(q.get("trials-by-drug"), {"drug": "toripalimab"}, q.Binder())
    assert set(bindings) == {"drug"} and "?drug" in text  # a required parameter stays bound by VALUES
    hostile, bindings = q.prepare(q.get("trials-by-country"), {"country": "China", "status": HOSTILE}, q.Binder())
    assert "status" not in bindings
    list(ox.Store().query(hostile))  # the value written in stays one term: the text is still one SELECT query
