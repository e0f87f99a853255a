"""ClinicalTrials.gov records: every real API v2, classic and XML record in ../shared/data maps, and
each record agrees with its source document read independently (plain json / ElementTree)."""

from __future__ import annotations

import gzip
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources.model import TrialRecord
from kg.sources.ctgov_json import mesh_id
from kg.sources.reader import read_file, read_paths


V2_FILES = ["ctgov-tigit-watch/studies_api_v2.jsonl.gz", "ctgov-nsclcbench/ctg-studies.json",
            "ctgov-dgg32-samples/clinical-trials-public_ctg-studies-5.json",
            "ctgov-dgg32-samples/graph_bigquery_ctg-studies.json"]


def _raw_v2(data: Path) -> Iterator[dict]:
    """The source studies, read without the product's code."""
    for name in V2_FILES:
        path = data / name
        if name.endswith(".jsonl.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                yield from (json.loads(line) for line in fh if line.strip())
        else:
            yield from json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((data / "ctgov-aact-fixtures/api_v2_json").glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def v2_records(data_dir: Path) -> dict[str, TrialRecord]:
    results = list(read_paths([data_dir / n for n in V2_FILES] + [data_dir / "ctgov-aact-fixtures/api_v2_json"]))
    errors = [str(r) for r in results if isinstance(r, SourceError)]
    assert errors == []
    return {r.nct_id: r for r in results}


def test_all_api_v2_studies_map(v2_records: dict[str, TrialRecord]) -> None:
    assert len(v2_records) == 1438


def test_every_v2_record_agrees_with_its_source(v2_records: dict[str, TrialRecord], data_dir: Path) -> None:
    checked = 0
    for study in _raw_v2(data_dir):
        p = study["protocolSection"]
        rec = v2_records[p["identificationModule"]["nctId"]]
        arms = p.get("armsInterventionsModule", {})
        where = rec.nct_id
        assert len(rec.sites) == len(p.get("contactsLocationsModule", {}).get("locations", [])), where
        assert len(rec.arms) == len(arms.get("armGroups", [])), where
        named = [i for i in arms.get("interventions", []) if i.get("name", "").strip()]  # nameless ones are dropped
        assert len(rec.interventions) == len(named), where
        assert len(rec.conditions) == len(p.get("conditionsModule", {}).get("conditions", [])), where
        assert rec.sponsors[0].name == p["sponsorCollaboratorsModule"]["leadSponsor"]["name"].strip(), where
        assert rec.sponsors[0].role == "LEAD"
        status = p["statusModule"]
        for field, key in (("start_date", "startDateStruct"), ("completion_date", "completionDateStruct"),
                           ("primary_completion_date", "primaryCompletionDateStruct")):
            assert getattr(rec, field) == status.get(key, {}).get("date"), (where, field)
        assert rec.start_date_type == status.get("startDateStruct", {}).get("type"), where
        assert rec.status == status["overallStatus"], where
        assert list(rec.phases) == p.get("designModule", {}).get("phases", []), where
        assert rec.enrollment.count == p.get("designModule", {}).get("enrollmentInfo", {}).get("count"), where
        other = [n for i in arms.get("interventions", []) for n in i.get("otherNames", [])]
        assert sum(len(i.other_names) for i in rec.interventions) == len(other), where
        checked += 1
    assert checked == 1438


def test_real_alias_evidence_is_kept(v2_records: dict[str, TrialRecord]) -> None:
    names = {i.name: i.other_names for i in v2_records["NCT05757492"].interventions}
    assert ("CHS-007, TAB001, JS001",) in names.values()
    others = {n for i in v2_records["NCT04693234"].interventions for n in i.other_names}
    assert {"BGB-A317", "TEVIMBRA®"} <= others


def test_mesh_ids_normalized(v2_records: dict[str, TrialRecord]) -> None:
    assert mesh_id("D000002289") == "D002289"
    assert mesh_id("D002289") == "D002289"
    assert mesh_id("D000077143") == "D000077143"  # a true 9-digit descriptor UI stays as it is
    ids = {m.id for r in v2_records.values() for m in r.condition_mesh}
    assert "D002289" in ids and "D000002289" not in ids


def _xml_text(root: ET.Element, path: str) -> str | None:
    node = root.find(path)
    return " ".join(node.text.split()) if node is not None and node.text else None


def test_every_legacy_xml_record_maps_and_agrees(data_dir: Path) -> None:
    paths = sorted((data_dir / "ctgov-aact-fixtures/legacy_xml").glob("*.xml"))
    assert len(paths) == 63
    for path in paths:
        (rec,) = list(read_file(path))
        assert isinstance(rec, TrialRecord), rec
        root = ET.parse(path).getroot()
        assert rec.nct_id == _xml_text(root, "id_info/nct_id")
        assert len(rec.sites) == len(root.findall("location")), path
        assert len(rec.arms) == len(root.findall("arm_group")), path
        assert len(rec.interventions) == len(root.findall("intervention")), path
        assert len(rec.conditions) == len(root.findall("condition")), path
        assert rec.sponsors[0].name == _xml_text(root, "sponsors/lead_sponsor/agency"), path
        assert rec.title == _xml_text(root, "brief_title"), path
        if (start := _xml_text(root, "start_date")) is not None:
            assert rec.start_date is not None and rec.start_date[:4] == start[-4:], path


def test_every_classic_api_study_maps(data_dir: Path) -> None:
    results = list(read_paths([data_dir / "ctgov-aact-fixtures/classic_api_json"]))
    assert [str(r) for r in results if isinstance(r, SourceError)] == []
    assert len(results) == 206
    assert {r.source.format for r in results} == {"ctgov-classic-json"}


# Facts both formats carry for a study; the rest (MeSH ids, geo points, a later version's officials,
# dates and references) differs between the two downloads or is absent from one format.
SHARED_FACTS = ("nct_id", "secondary_ids", "acronym", "title", "official_title", "brief_summary",
                "detailed_description", "status", "phases", "study_type", "enrollment", "start_date",
                "start_date_type", "primary_completion_date", "completion_date", "completion_date_type",
                "conditions", "keywords", "interventions", "arms", "sponsors", "countries", "eligibility",
                "outcomes")


def _site_places(rec: TrialRecord) -> list[tuple]:
    return [(s.facility, s.city, s.state, s.country, s.zip) for s in rec.sites]


def test_same_study_as_api_v2_and_xml_maps_to_equal_facts(v2_records: dict[str, TrialRecord], data_dir: Path) -> None:
    (xml,) = list(read_file(data_dir / "ctgov-aact-fixtures/legacy_xml/NCT01298141.xml"))
    v2 = v2_records["NCT01298141"]
    for field in SHARED_FACTS:
        assert getattr(xml, field) == getattr(v2, field), field
    assert _site_places(xml) == _site_places(v2)
    assert [m.term for m in xml.condition_mesh] == [m.term for m in v2.condition_mesh]


@pytest.mark.parametrize("nct", ["NCT00023673", "NCT02028676"])
def test_same_study_as_classic_json_and_xml(nct: str, data_dir: Path) -> None:
    classic = {r.nct_id: r for r in read_paths([data_dir / "ctgov-aact-fixtures/classic_api_json"])}
    (xml,) = list(read_file(data_dir / f"ctgov-aact-fixtures/legacy_xml/{nct}.xml"))
    c = classic[nct]
    for field in ("nct_id", "title", "official_title", "phases", "study_type", "conditions"):
        assert getattr(xml, field) == getattr(c, field), field
    # sponsor classes were re-categorised between the two downloads (OTHER -> NETWORK); names and roles agree
    assert [(s.name, s.role) for s in xml.sponsors] == [(s.name, s.role) for s in c.sponsors]
    assert [i.name for i in xml.interventions] == [i.name for i in c.interventions]
    assert [a.label for a in xml.arms] == [a.label for a in c.arms]


def test_input_forms_detected_by_content(tmp_path: Path, data_dir: Path) -> None:
    """One study per file, array, JSON Lines, gzip, zip and API search page, with misleading names."""
    studies = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[:5]
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]
    (tmp_path / "single.txt").write_text(json.dumps(studies[0]))
    (tmp_path / "array.xml").write_text(json.dumps(studies))
    (tmp_path / "lines.dat").write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    (tmp_path / "lines.json").write_bytes(gzip.compress("\n".join(json.dumps(s) for s in studies).encode()))
    (tmp_path / "page.json").write_text(json.dumps({"studies": studies, "nextPageToken": "x"}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for s, nct in zip(studies, ids):
            zf.writestr(f"ctg-studies/{nct}.json", json.dumps(s))
    (tmp_path / "bulk.bin").write_bytes(buf.getvalue())
    expected = {"single.txt": ids[:1], "array.xml": ids, "lines.dat": ids, "lines.json": ids,
                "page.json": ids, "bulk.bin": ids}
    for name, want in expected.items():
        got = [r.nct_id for r in read_file(tmp_path / name)]
        assert sorted(got) == sorted(want), name
    xml_in_zip = io.BytesIO()
    with zipfile.ZipFile(xml_in_zip, "w") as zf:
        zf.write(data_dir / "ctgov-aact-fixtures/legacy_xml/NCT00001177.xml", "a/NCT00001177.xml")
    (tmp_path / "xml.zip").write_bytes(xml_in_zip.getvalue())
    (rec,) = list(read_file(tmp_path / "xml.zip"))
    assert rec.nct_id == "NCT00001177" and rec.source.path.endswith("xml.zip!/a/NCT00001177.xml")


def test_a_bad_study_is_reported_and_the_rest_go_on(tmp_path: Path, data_dir: Path) -> None:
    studies = json.loads((data_dir / "ctgov-nsclcbench/ctg-studies.json").read_text(encoding="utf-8"))[:3]
    broken = {"protocolSection": {"identificationModule": {"nctId": "NCT99999999"}, "designModule": {"enrollmentInfo": {"count": "many"}}}}
    (tmp_path / "mixed.json").write_text(json.dumps([studies[0], broken, studies[1], {"x": 1}, studies[2]]))
    results = list(read_file(tmp_path / "mixed.json"))
    assert [type(r).__name__ for r in results] == ["TrialRecord", "SourceError", "TrialRecord", "SourceError", "TrialRecord"]
    assert "NCT99999999" in str(results[1])


def test_the_2014_schema_one_line_design_and_phase_0(data_dir: Path, tmp_path: Path) -> None:
    """A record in the 2014 ``clinical_study`` schema: the design on one line (``study_design``) instead of
    ``study_design_info``, masked roles by their old names, and "Phase 0" (ClinicalTrials.gov: early phase 1)."""
    import re

    from kg.sources.reader import read_file

    text = (data_dir / "ctgov-aact-fixtures" / "legacy_xml" / "NCT00023673.xml").read_text(encoding="utf-8")
    line = ("Allocation: Randomized, Endpoint Classification: Safety/Efficacy Study, Intervention Model: Parallel "
            "Assignment, Masking: Double Blind (Subject, Caregiver, Investigator, Outcomes Assessor), Primary Purpose: Prevention")
    old = re.sub(r"<study_design_info>.*?</study_design_info>", f"<study_design>{line}</study_design>", text, flags=re.S)
    old = re.sub(r"<phase>[^<]*</phase>", "<phase>Phase 0</phase>", old)
    path = tmp_path / "old.xml"
    path.write_text(old, encoding="utf-8")
    (record,) = list(read_file(path))
    assert record.phases == ("EARLY_PHASE1",)
    d = record.design
    assert (d.allocation, d.intervention_model, d.masking, d.primary_purpose) == ("RANDOMIZED", "PARALLEL", "DOUBLE", "PREVENTION")
    assert set(d.who_masked) == {"PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"}
    observational = re.sub(r"<study_design_info>.*?</study_design_info>",
                           "<study_design>Observational Model: Cohort, Time Perspective: Prospective</study_design>", text, flags=re.S)
    path.write_text(observational, encoding="utf-8")
    (record,) = list(read_file(path))
    assert record.design.allocation is None and record.design.masking is None  # no interventional design invented


def test_exclusion_criteria_are_never_read_as_inclusion_criteria(data_dir: Path) -> None:
    """About 4% of the real records put their exclusion criteria under inclusion when only a whole-line
    "Exclusion Criteria:" was a heading: capitals, "Study Exclusion Criteria.", a heading glued to its first item,
    a heading at the end of the last inclusion item, escaped markdown. Now: exclusion lists start where the record
    says, and a heading that scopes its list ("Specific exclusion criteria for renal transplant patients:") is kept."""
    import re

    from kg.sources.criteria import split_inclusion_exclusion
    from kg.sources.reader import read_paths

    records = {r.nct_id: r for r in read_paths([data_dir / s for s in ("ctgov-tigit-watch", "ctgov-nsclcbench",
                                                                          "ctgov-dgg32-samples", "ctgov-aact-fixtures")])
               if not hasattr(r, "reason") and r.eligibility}
    misplaced = [n for n, r in records.items()
                 if any(re.match(r"\W*(?:study\s+|key\s+)?exclusion\s+crit\w*\W*$", i, re.I) for i in r.eligibility.inclusion)]
    assert misplaced == []
    assert len(records) > 1500
    assert records["NCT01224132"].eligibility.exclusion[0].startswith("No drug")  # "Exclusion Criteria:No drug was used ..."
    assert records["NCT00001245"].eligibility.exclusion  # "EXCLUSION CRITERIA:" in capitals
    inc, exc = split_inclusion_exclusion("Inclusion Criteria:\n* Adults\n* Body weight 20 to 150 kg EXCLUSION CRITERIA:\n"
                                         "* Pregnancy\nSpecific exclusion criteria for transplant patients:\n* Rejection")
    assert inc == ("Adults", "Body weight 20 to 150 kg")
    assert exc == ("Pregnancy", "Specific exclusion criteria for transplant patients:", "Rejection")
    inc, exc = split_inclusion_exclusion("Inclusion Criteria:\n* Meets none of the exclusion criteria\n* Exclusion criteria "
                                         "of the parent study do not apply")
    assert exc == () and len(inc) == 2  # criteria that mention the exclusion criteria are no headings


@pytest.mark.parametrize(("text", "age", "years"), [
    ("18 Years", "18 Years", 18.0), ("1 Year", "1 Year", 1.0), ("1 year old", "1 Year", 1.0), ("6 Months", "6 Months", 0.5),
    ("2 Weeks", "2 Weeks", 0.0383), ("1 Day", "1 Day", 0.0027), ("N/A", None, None), (None, None, None),
])
def test_ages_keep_their_unit_and_are_numbers_in_years(text: str | None, age: str | None, years: float | None) -> None:
    from kg.sources.vocab import age_years, parse_age

    assert parse_age(text) == age and age_years(age) == years


def test_every_real_age_is_a_number_in_the_graph(v2_records: dict[str, TrialRecord]) -> None:
    from kg.build import record_quads
    from kg.sources.vocab import age_years

    ages = [(r, a) for r in v2_records.values() for a in (r.eligibility.min_age, r.eligibility.max_age) if a]
    assert len(ages) > 1000 and all(age_years(a) is not None for _, a in ages)
    assert not any(a.startswith("1 ") and a.endswith("s") for _, a in ages)  # "1 Year", never "1 Years"
    record = next(r for r, a in ages if a.endswith("Months"))
    _, quads = record_quads(record)
    numbers = {q.predicate.value.rsplit("#", 1)[1]: float(q.object.value) for q in quads if q.predicate.value.endswith("AgeYears")}
    assert numbers and all(0 <= v < 150 for v in numbers.values())


@pytest.mark.parametrize(("text", "ok"), [("2024", True), ("2024-07", True), ("2024-07-11", True), ("2024-7", False),
                                         ("24-07-11", False), ("2024-07-11T00:00", False), ("July 2024", False), ("", False)])
def test_a_query_date_is_iso_at_a_stated_precision(text: str, ok: bool) -> None:
    from kg.sources.vocab import is_iso_date

    assert is_iso_date(text) is ok
