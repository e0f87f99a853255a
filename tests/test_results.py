"""Posted results (issue 20): parsed from real API v2 records as the source states them, linked to arms only by a
rule that holds, written as RDF that the named queries read, and bad values left out rather than guessed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kg.build_results import number, p_value
import kg
from kg.resolve.result_groups import link_groups
from kg.sources.ctgov_json_results import results
from kg.sources.model import Arm, Intervention
from kg.sources.reader import read_paths
from kg.store import TrialStore
from kg.ingest import ingest


def _raw_studies(data_dir: Path) -> dict[str, dict]:
    """Every real API v2 study with a resultsSection, read straight from the files (not by our parser)."""
    out: dict[str, dict] = {}
    for path in sorted((data_dir / "ctgov-aact-fixtures" / "api_v2_json").glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        out[study["protocolSection"]["identificationModule"]["nctId"]] = study
    with gzip.open(data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            study = json.loads(line)
            out[study["protocolSection"]["identificationModule"]["nctId"]] = study
    return {k: v for k, v in out.items() if "resultsSection" in v}


def test_every_real_result_is_read_as_posted(data_dir: Path) -> None:
    raw = _raw_studies(data_dir)
    assert len(raw) >= 140
    records = {r.nct_id: r for r in read_paths([data_dir / "ctgov-aact-fixtures" / "api_v2_json",
                                                data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) in raw}
    assert set(records) == set(raw)
    for nct, study in raw.items():
        section, res = study["resultsSection"], records[nct].results
        assert res is not None, nct
        ae = section.get("adverseEventsModule", {})
        assert sum(e.serious for e in res.events) == len(ae.get("seriousEvents", [])), nct
        assert sum(not e.serious for e in res.events) == len(ae.get("otherEvents", [])), nct
        assert [g.id for g in res.event_groups] == [g["id"] for g in ae.get("eventGroups", [])], nct
        measures = section.get("outcomeMeasuresModule", {}).get("outcomeMeasures", [])
        assert [o.title for o in res.outcomes] == [" ".join(m["title"].split()) for m in measures], nct
        for o, m in zip(res.outcomes, measures):
            values = [v for c in m.get("classes", []) for cat in c.get("categories", []) for v in cat.get("measurements", [])]
            assert [(v.group, v.value) for v in o.measurements] == [(v["groupId"], v.get("value")) for v in values], nct
            assert len(o.analyses) == len(m.get("analyses", [])), nct


def test_one_adverse_event_as_the_record_states_it(data_dir: Path) -> None:
    (rec,) = read_paths([data_dir / "ctgov-aact-fixtures" / "api_v2_json" / "NCT02552212.json"])
    glaucoma = next(e for e in rec.results.events if e.term == "Glaucoma")
    assert glaucoma.serious and glaucoma.organ_system == "Eye disorders" and glaucoma.vocabulary == "MedDRA19.0"
    assert [(c.group, c.affected, c.at_risk, c.events) for c in glaucoma.counts][:2] == [("EG000", 0, 158, 0),
                                                                                          ("EG001", 1, 159, 1)]
    placebo = rec.results.event_groups[0]
    assert (placebo.title, placebo.serious_affected, placebo.serious_at_risk) == ("Placebo (SS)", 4, 158)
    first = rec.results.outcomes[0]
    assert first.kind == "PRIMARY" and first.unit == "percentage of subjects"
    assert (first.analyses[0].p_value, first.analyses[0].estimate, first.analyses[0].ci_lower) == ("<0.001", "15.231", "7.336")


def test_bad_values_in_a_results_section_are_left_out() -> None:
    got = results({"adverseEventsModule": {"eventGroups": [{"id": "EG000", "seriousNumAffected": "many",
                                                            "seriousNumAtRisk": -4, "title": ["x"]}, {"title": "no id"}],
                                           "seriousEvents": [{"term": "Rash", "stats": [{"groupId": "EG000",
                                                              "numAffected": True, "numAtRisk": "12"}]}, {"stats": []}],
                                           "otherEvents": "none"},
                   "outcomeMeasuresModule": {"outcomeMeasures": [{"title": "ORR", "type": "MAIN", "classes": [[1]]},
                                                                 "not a measure"]},
                   "participantFlowModule": []})
    assert got is not None
    (group,) = got.event_groups
    assert (group.id, group.title, group.serious_affected, group.serious_at_risk) == ("EG000", None, None, None)
    (rash,) = got.events
    assert [(c.affected, c.at_risk) for c in rash.counts] == [(None, 12)]
    (orr,) = got.outcomes
    assert (orr.kind, orr.measurements) == (None, ())
    assert results([]) is None and results({}) is None


@pytest.mark.parametrize(("title", "expected"), [
    ("Placebo", ((2,), (2,), "arm title")),
    ("placebo (Safety Set)", ((2,), (2,), "arm title without qualifier")),
    ("Toripalimab + Axitinib", ((), (1, 3), "interventions named in title")),
    ("Placebo-matched Toripalimab", ((), (2,), "interventions named in title")),  # toripalimab only as what it matches
    ("JS001 3 mg/kg Q2W", ((), (1,), "interventions named in title")),  # by an intervention's other name
    ("Total", ((), (), None)),
    ("Cohort B", ((), (), None)),
])
def test_a_group_links_to_an_arm_only_by_a_rule_that_holds(title: str, expected: tuple) -> None:
    arms = [Arm("Toripalimab 240 mg", interventions=("Toripalimab",)), Arm("Placebo", interventions=("Placebo",))]
    interventions = [Intervention("Toripalimab", other_names=("JS001",)), Intervention("Placebo"), Intervention("Axitinib")]
    link = link_groups([("G", title)], arms, interventions)["G"]
    assert (link.arms, link.interventions, link.method) == expected


def test_two_arms_of_one_label_link_to_neither_and_one_arm_one_group_link() -> None:
    twins = [Arm("Cohort A"), Arm("cohort a")]
    assert link_groups([("G", "Cohort A")], twins, []) == {"G": link_groups([("G", "Total")], twins, [])["G"]}
    single = link_groups([("G", "All treated"), ("T", "Total")], [Arm("Sintilimab", interventions=("Sintilimab",))],
                         [Intervention("Sintilimab")])
    assert (single["G"].arms, single["G"].interventions, single["G"].method) == ((1,), (1,), "single arm")


def test_numbers_as_given_and_as_values() -> None:
    assert [number(t) for t in ("47.2", "-3", ".5", "NA", "1e-5", "<0.001", None)] == [47.2, -3.0, 0.5, None, None, None, None]
    assert [p_value(t) for t in ("<0.001", "=0.0017", "0.59", "≤.05", "NS")] == [
        ("<", 0.001), (None, 0.0017), (None, 0.59), ("<=", 0.05), (None, None)]


@pytest.fixture(scope="module")
def results_store(tmp_path_factory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("results") / "store"
    with TrialStore(path) as store:
        ingest(store, read_paths([data_dir / "ctgov-aact-fixtures" / "api_v2_json"]))
    return path


def test_adverse_events_of_a_drug_in_any_spelling(results_store: Path, data_dir: Path) -> None:
    study = json.loads((data_dir / "ctgov-aact-fixtures" / "api_v2_json" / "NCT02210780.json").read_text(encoding="utf-8"))
    module = study["resultsSection"]["adverseEventsModule"]
    group = next(g for g in module["eventGroups"] if g["title"] == "Dupilumab 300 mg qw")
    expected = {(e["term"], s["numAffected"], s["numAtRisk"]) for e in module["seriousEvents"]
                for s in e["stats"] if s["groupId"] == group["id"]}
    with kg.open(results_store) as graph:
        serious = graph.query("adverse-events-by-drug", drug="REGN668", seriousness="serious")
        other = graph.query("adverse-events-by-drug", drug="Dupixent", seriousness="other")
    rows = {(r["term"], r["affected"], r["at_risk"]) for r in serious if r["group"] == group["title"]}
    assert rows == expected and rows
    assert {r["serious"] for r in serious} == {True}
    assert other and {r["serious"] for r in other} == {False}
    with kg.open(results_store) as graph:  # by target: dupilumab is the one IL-4 receptor antagonist in these records
        by_target = graph.query("adverse-events-by-drug", target="IL4R")
        by_drug = graph.query("adverse-events-by-drug", drug="dupilumab")
    assert by_target == by_drug and {r["drug_name"] for r in by_drug} == {"dupilumab"}


def test_outcomes_of_a_trial_give_every_posted_value(results_store: Path, data_dir: Path) -> None:
    study = json.loads((data_dir / "ctgov-aact-fixtures" / "api_v2_json" / "NCT02552212.json").read_text(encoding="utf-8"))
    measures = study["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    posted = sum(len(cat.get("measurements", [])) for m in measures for c in m.get("classes", [])
                 for cat in c.get("categories", []))
    with kg.open(results_store) as graph:
        rows = graph.query("outcomes-of-trial", trial="NCT02552212")
    assert len(rows) == posted
    first = rows[0]
    assert (first["kind"], first["group"], first["value"], first["participants"], first["p_value"]) == (
        "PRIMARY", "Placebo (FAS)", "7.0", 158, "<0.001")


def test_every_legacy_xml_result_is_read_as_posted(data_dir: Path) -> None:
    import xml.etree.ElementTree as ET

    folder = data_dir / "ctgov-aact-fixtures" / "legacy_xml"
    records = {Path(r.source.path).stem: r for r in read_paths([folder])}  # by file: one names another NCT id
    seen = 0
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        posted = root.find("clinical_results")
        res = records[path.stem].results
        if posted is None:
            assert res is None, path.name
            continue
        seen += 1
        events = posted.findall("reported_events/*/category_list/category/event_list/event")
        totals = [e for e in events if (e.findtext("sub_title") or "").strip().lower().startswith("total")]
        assert len(res.events) == len(events) - len(totals), path.name  # the totals rows are the groups' totals
        assert len(res.outcomes) == len(posted.findall("outcome_list/outcome")), path.name
        assert sum(len(o.measurements) for o in res.outcomes) == len(
            posted.findall("outcome_list/outcome/measure/class_list/class/category_list/category/measurement_list/measurement"))
        assert [g.id for g in res.event_groups] == [g.get("group_id") for g in posted.findall("reported_events/group_list/group")]
    assert seen >= 20


def test_legacy_xml_group_totals_come_from_the_total_rows(data_dir: Path) -> None:
    (rec,) = read_paths([data_dir / "ctgov-aact-fixtures" / "legacy_xml" / "NCT02028676.xml"])
    cdm = rec.results.event_groups[0]
    assert (cdm.id, cdm.title, cdm.serious_affected, cdm.serious_at_risk, cdm.other_affected, cdm.other_at_risk) == (
        "E1", "Clinically Driven Monitoring (CDM)", 147, 606, 190, 606)
    anaemia = next(e for e in rec.results.events if e.term == "Clinical Anaemia")
    assert (anaemia.serious, anaemia.organ_system, anaemia.counts[0]) == (True, "Blood and lymphatic system disorders",
                                                                          anaemia.counts[0].__class__("E1", 17, 606, 18))
    hazard = rec.results.outcomes[0].analyses[0]
    assert (hazard.p_value, hazard.estimate_type, hazard.estimate, hazard.ci_lower, hazard.ci_upper) == (
        "0.59", "Hazard Ratio (HR)", "1.13", "0.73", "1.73")


def test_show_lists_the_results_groups_with_their_arms_and_totals(results_store: Path, data_dir: Path) -> None:
    study = json.loads((data_dir / "ctgov-aact-fixtures" / "api_v2_json" / "NCT02210780.json").read_text(encoding="utf-8"))
    group = next(g for g in study["resultsSection"]["adverseEventsModule"]["eventGroups"] if g["title"] == "Dupilumab 300 mg qw")
    with kg.open(results_store) as graph:
        shown = graph.show("NCT02210780")
    lines = [s["value"] for s in shown["groups"]["results"]]
    expected = (f"AdverseEventGroup {group['id']}: Dupilumab 300 mg qw = arm Dupilumab 300 mg qw [arm title]; "
                f"serious: {group['seriousNumAffected']} of {group['seriousNumAtRisk']}")
    assert any(line.startswith(expected) for line in lines), lines
    posted = study["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    assert sum(s["field"] == "outcome result" for s in shown["groups"]["results"]) == len(posted)


def _graph_of(data_dir: Path, nct: str) -> tuple[dict, list]:
    from kg.build import BuildOptions, record_graph

    with gzip.open(data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz", "rt", encoding="utf-8") as fh:
        study = next(s for line in fh if (s := json.loads(line))["protocolSection"]["identificationModule"]["nctId"] == nct)
    (record,) = [r for r in read_paths([data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) == nct]
    return study, record_graph(record, BuildOptions(resolve=False)).quads


def test_references_intervention_mesh_and_criteria_reach_the_graph(data_dir: Path) -> None:
    from kg import iris

    study, quads = _graph_of(data_dir, "NCT00001245")
    cited = {r["pmid"] for r in study["protocolSection"]["referencesModule"]["references"] if r.get("pmid")}
    pmids = {q.object.value for q in quads if q.predicate.value == iris.term("pmid")}
    pages = {q.object.value for q in quads if q.predicate.value.endswith("#seeAlso")}
    assert pmids == cited and pages == {f"https://pubmed.ncbi.nlm.nih.gov/{p}/" for p in cited}
    (inclusion,) = [q.object.value for q in quads if q.predicate.value == iris.term("inclusionCriteria")]
    assert inclusion.splitlines()[0] == "Age of 5 to 80 years and of either sex."  # as the record lists it, in order

    study, quads = _graph_of(data_dir, "NCT00079937")
    given = study["derivedSection"]["interventionBrowseModule"]["meshes"]
    linked = {q.object.value for q in quads if q.predicate.value == iris.term("meshIntervention")}
    assert linked == {iris.mesh(f"D{int(m['id'][1:]):06d}" if len(m["id"]) == 10 and int(m["id"][1:]) < 67000 else m["id"])
                      for m in given} and linked


def test_one_study_gives_the_same_results_from_classic_json_and_xml(data_dir: Path) -> None:
    """NCT02028676 in both formats: the same events, totals, outcomes and values (group ids differ: EG000 and E1)."""
    fixtures = data_dir / "ctgov-aact-fixtures"
    (classic,) = read_paths([fixtures / "classic_api_json" / "NCT02028676.json"])
    (xml,) = read_paths([fixtures / "legacy_xml" / "NCT02028676.xml"])
    a, b = classic.results, xml.results

    def events(res):
        return sorted((e.term, e.organ_system, e.serious, tuple((c.affected, c.at_risk, c.events) for c in e.counts))
                      for e in res.events)

    def outcomes(res):
        return [(o.title, o.kind, o.unit, tuple(m.value for m in o.measurements), tuple(x.p_value for x in o.analyses))
                for o in res.outcomes]

    assert events(a) == events(b) and len(a.events) == 37
    assert outcomes(a) == outcomes(b) and len(a.outcomes) == 58
    totals = [(g.title, g.serious_affected, g.serious_at_risk, g.other_affected, g.other_at_risk) for g in a.event_groups]
    assert totals == [(g.title, g.serious_affected, g.serious_at_risk, g.other_affected, g.other_at_risk) for g in b.event_groups]
    assert [(m.milestone, tuple(c.count for c in m.counts)) for m in a.milestones] == [
        (m.milestone, tuple(c.count for c in m.counts)) for m in b.milestones]
