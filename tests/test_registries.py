"""Trials of other registries: registry ids (the data table and every spelling of an id), the EU CTR, CTIS and
ISRCTN records of ../shared (checked against the source JSON itself), and one trial across registries."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import iris
from kg.errors import SourceError
from kg.ingest import ingest
from kg.resources import data_dir as kg_data, read_tsv
from kg.show import show
from kg.sources.model import RecordError, Source, TrialRecord, check_record
from kg.sources.reader import read_file, read_paths
from kg.sources.registry_ids import find_ids, parse_id, registries
from kg.store import TrialStore

ROWS = read_tsv(kg_data("data") / "trials" / "registries.tsv")
SAMPLE = Path("other-registries-sample") / "records"


# ---------- the registry table ----------

def test_registry_keys_are_unique_and_each_example_is_read_as_its_own_registry() -> None:
    assert len({r["registry"] for r in ROWS}) == len(ROWS)
    for row in ROWS:
        found = find_ids(row["example"])
        assert [f.registry.key for f in found] == [row["registry"]], row["example"]
        assert parse_id(found[0].id).id == found[0].id  # the ICTRP form reads back as itself


@pytest.mark.parametrize("row", ROWS, ids=[r["registry"] for r in ROWS])
def test_each_pattern_names_its_number_and_only_its_own_examples(row: dict) -> None:
    assert "(?P<n>" in row["pattern"] and "{n}" in row["canonical"]
    others = [r["example"] for r in ROWS if r is not row]
    assert not [e for e in others if re.fullmatch(row["pattern"], e, re.I)]
    assert row["bioregistry"] == row["bioregistry"].lower()


@pytest.mark.parametrize(("text", "ids"), [
    ("EudraCT number: 2019-002663-10-ES", ["EUCTR2019-002663-10"]),  # a member state's record of one trial
    ("EUCTR2016-004489-24-DE", ["EUCTR2016-004489-24"]),
    ("2013-000615-24-3RD", ["EUCTR2013-000615-24"]),
    ("ISRCTN 12949496", ["ISRCTN12949496"]),
    ("isrctn12949496", ["ISRCTN12949496"]),
    ("nct04089566", ["NCT04089566"]),
    ("EU CT number: 2023-508143-51-01", ["CTIS2023-508143-51-01"]),  # not also a EudraCT number
    ("2022-500244-37-00", ["CTIS2022-500244-37-00"]),
    ("ChiCTR-TRC-12002009", ["ChiCTR-TRC-12002009"]),
    ("chictr2000029308", ["ChiCTR2000029308"]),
    ("CTRI/2020/05/025013", ["CTRI/2020/05/025013"]),
    ("jRCTs031180068", ["jRCTs031180068"]),
    ("UMIN000040062", ["JPRN-UMIN000040062"]),
    ("NCT04089566; EudraCT 2019-002663-10", ["NCT04089566", "EUCTR2019-002663-10"]),
    ("U1111-1272-2514", ["U1111-1272-2514"]),
])
def test_registry_ids_in_any_spelling(text: str, ids: list[str]) -> None:
    assert [f.id for f in find_ids(text)] == ids


@pytest.mark.parametrize("text", ["2021-02-30", "Protocol 2019-002663", "IND 110011", "NCT1234567", "NCT123456789",
                                  "ISRCTN1234", "HTA 11/01/25", "20121903114", "MK-5592-127", ""])
def test_what_is_no_registry_id(text: str) -> None:
    assert find_ids(text) == ()


def test_parse_id_takes_an_id_alone_only() -> None:
    assert parse_id("  ISRCTN12949496. ").id == "ISRCTN12949496"
    assert parse_id("see ISRCTN12949496") is None
    assert parse_id("NCT04089566 NCT04089567") is None


# ---------- the real records of other registries ----------

def _records(data_dir: Path, registry: str) -> list[tuple[Path, dict, TrialRecord]]:
    out = []
    for path in sorted((data_dir / SAMPLE / registry).glob("*.json")):
        (record,) = list(read_file(path))
        assert not isinstance(record, SourceError), record
        out.append((path, json.loads(path.read_text(encoding="utf-8")), record))
    assert out
    return out


def test_every_isrctn_record_against_its_json(data_dir: Path) -> None:
    for path, raw, r in _records(data_dir, "ISRCTN"):
        assert r.source.format == "isrctn-json" and r.registry_id == f"ISRCTN{path.stem}"
        assert r.title == " ".join(raw["trialDescription"]["title"].split())
        stated_nct = raw["externalRefs"]["clinicalTrialsGovNumber"]
        assert r.nct_id == (stated_nct if stated_nct.startswith("NCT") else None)
        assert r.trial_id == (r.nct_id or r.registry_id)
        assert r.conditions and r.study_type == "INTERVENTIONAL" and r.phases == ("PHASE3",)
        centres = raw["participants"]["trialCentres"]["trialCentre"]
        assert len(r.sites) == (len(centres) if isinstance(centres, list) else 1)
        assert r.start_date == raw["participants"]["recruitmentStart"][:10]


def test_isrctn_facts_read_by_hand(data_dir: Path) -> None:
    r = next(r for p, _, r in _records(data_dir, "ISRCTN") if p.stem == "12949496")
    assert (r.status, r.why_stopped) == ("TERMINATED", "Participant recruitment issue")  # "Stopped", and why
    assert (r.enrollment.count, r.enrollment.type) == (9, "ACTUAL")
    assert [i.name for i in r.interventions] == ["Milrinone"] and r.interventions[0].type == "DRUG"
    assert r.countries == ("Ireland",) and {s.city for s in r.sites} == {"Dublin", "Cork"}
    assert "2014-002988-16" in r.secondary_ids and "Nil known" not in r.secondary_ids
    assert (r.design.allocation, r.design.masking) == ("RANDOMIZED", "DOUBLE")
    assert {ref.pmid for ref in r.references} == {"36385642", "30524749"}
    untold = next(r for p, _, r in _records(data_dir, "ISRCTN") if p.stem == "17473621")
    assert untold.status is None  # no override: ISRCTN's own status depends on today's date, not guessed


def test_every_euctr_record_against_its_json(data_dir: Path) -> None:
    for path, raw, r in _records(data_dir, "EUCTR"):
        assert r.source.format == "euctr-json" and r.registry_id == f"EUCTR{path.stem}"  # the member state's record
        assert r.trial_id == (r.nct_id or f"EUCTR{raw['a2_eudract_number']}")
        assert r.conditions == (" ".join(raw["e11_medical_conditions_being_investigated"].split()),)
        assert r.sponsors[0].name == raw["b1_sponsor"][0]["b11_name_of_sponsor"] and r.sponsors[0].role == "LEAD"
        assert r.interventions and r.study_type == "INTERVENTIONAL"


def test_euctr_facts_read_by_hand(data_dir: Path) -> None:
    r = next(r for p, _, r in _records(data_dir, "EUCTR") if p.stem == "2019-002663-10-ES")
    assert r.nct_id == "NCT04089566" and r.trial_id == "NCT04089566"
    assert r.phases == ("PHASE2", "PHASE3") and r.status is None  # "Ongoing" says neither recruiting nor not
    (drug,) = r.interventions
    assert drug.name == "Nusinersen" and "Spinraza" in drug.other_names
    assert r.sponsors[0].sponsor_class == "INDUSTRY"
    assert (r.enrollment.count, r.enrollment.type) == (100, "ESTIMATED")
    assert r.countries[0] == "Spain" and "Korea, Republic of" in r.countries
    ended = next(r for p, _, r in _records(data_dir, "EUCTR") if p.stem == "2013-000615-24-BE")
    assert ended.status == "TERMINATED" and ended.nct_id is None and ended.trial_id == "EUCTR2013-000615-24"
    sealant = next(r for p, _, r in _records(data_dir, "EUCTR") if p.stem == "2016-004489-24-DE")
    assert len(sealant.interventions) == 2  # test product and comparator of the same substances stay two


def test_every_ctis_record_against_its_json(data_dir: Path) -> None:
    for path, raw, r in _records(data_dir, "CTIS"):
        assert r.source.format == "ctis-json" and r.registry_id == f"CTIS{path.stem}" == f"CTIS{raw['ctNumber']}"
        assert r.conditions and r.interventions and r.sponsors[0].role == "LEAD"
        assert r.phases and r.eligibility.inclusion


def test_ctis_facts_read_by_hand(data_dir: Path) -> None:
    r = next(r for p, _, r in _records(data_dir, "CTIS") if p.stem == "2023-505613-24-00")
    assert r.nct_id == "NCT04665037" and r.sponsors[0].name == "Merck Sharp & Dohme LLC"
    assert "EudraCT 2019-003842-34" in r.secondary_ids  # transitioned from EudraCT
    assert [i.name for i in r.interventions] == ["posaconazole"] and r.phases == ("PHASE2",)
    assert (r.start_date, r.start_date_type, r.last_updated) == ("2021-04-28", "ACTUAL", "2025-08-19")
    assert r.status == "RECRUITING"  # public status code 4: "Ongoing, recruiting"
    old = next(r for p, _, r in _records(data_dir, "CTIS") if p.stem == "2022-500244-37-00")
    assert old.status == "NOT_YET_RECRUITING" and {"Placebo", "pamapimod"} <= {i.name for i in old.interventions}


@pytest.mark.parametrize(("text", "why"), [
    ('{"isrctn": "abc", "trialDescription": {}}', "without a valid ISRCTN number"),
    ('{"a2_eudract_number": "2019-02663", "a3_full_title_of_the_trial": "x"}', "without a valid EudraCT number"),
    ('{"ctNumber": "12", "authorizedPartI": {}}', "without a valid EU CT number"),
    ('{"isrctn": "12345678", "trialDescription": {"title": ["a", "list"]}, "participants": 5}', "not a well-formed ISRCTN"),
])
def test_a_bad_record_is_one_error_naming_the_file(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    (found,) = list(read_file(path))
    assert isinstance(found, SourceError) and why in str(found) and str(path) in str(found)


def test_the_gate_takes_a_registry_id_in_place_of_an_nct_id() -> None:
    source = Source("x", "0" * 64, "isrctn-json")
    assert check_record(TrialRecord(source, registry_id="ISRCTN12949496")).trial_id == "ISRCTN12949496"
    with pytest.raises(RecordError, match="registry_id"):
        check_record(TrialRecord(source, registry_id="12949496"))
    with pytest.raises(RecordError, match="NCT id"):
        check_record(TrialRecord(source))


# ---------- one trial across registries ----------

def _ctgov(nct: str, title: str, secondary: list[str]) -> str:
    return json.dumps({"protocolSection": {"identificationModule": {
        "nctId": nct, "briefTitle": title, "secondaryIdInfos": [{"id": s} for s in secondary]}}})


def _trials(db: ox.Store) -> dict[str, set[str]]:
    """Each trial node and the document graphs that describe it."""
    out: dict[str, set[str]] = {}
    for q in db.quads_for_pattern(None, ox.NamedNode(iris.term("trialId")), None):
        out.setdefault(q.subject.value, set()).add(q.graph_name.value)
    return out


def test_one_trial_across_registries(tmp_path: Path, data_dir: Path) -> None:
    euctr = data_dir / SAMPLE / "EUCTR"
    (tmp_path / "NCT04089566.json").write_text(_ctgov("NCT04089566", "Nusinersen at higher doses", []), encoding="utf-8")
    # an NCT record that names a EudraCT number whose EU CTR record names no NCT id
    (tmp_path / "NCT09999991.json").write_text(_ctgov("NCT09999991", "Tacrolimus in children", ["2013-000615-24"]),
                                               encoding="utf-8")
    with TrialStore(tmp_path / "store") as store:
        report = ingest(store, read_paths([tmp_path / "NCT04089566.json", tmp_path / "NCT09999991.json",
                                           euctr / "2019-002663-10-ES.json", euctr / "2013-000615-24-BE.json"]))
        assert not report.failed
        db = store.oxigraph
        trials = _trials(db)
        nusinersen = trials[iris.trial("NCT04089566")]  # the EU CTR record names the NCT id: one node, two documents
        assert {g.rsplit("/", 2)[-2] for g in nusinersen} == {"ctgov", "euctr"}
        assert iris.trial("EUCTR2019-002663-10") not in trials
        same = {(q.subject.value, q.object.value) for q in db.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), None, ox.NamedNode(iris.INFERRED_GRAPH))}
        assert (iris.trial("NCT09999991"), iris.trial("EUCTR2013-000615-24")) in same  # linked through the EudraCT number
        assert (iris.trial("EUCTR2013-000615-24"), iris.trial("NCT09999991")) in same
        assert len(same) == 2
        # a user may name the trial by any of its ids, in any spelling
        assert {s.value for s in show(db, "EudraCT 2019-002663-10-ES") if s.field == "NCT id"} == {"NCT04089566"}
        assert {s.value for s in show(db, "euctr2013-000615-24") if s.field == "trial id"} == {"EUCTR2013-000615-24"}


def test_two_nct_trials_sharing_a_secondary_id_stay_two_trials(tmp_path: Path) -> None:
    # an extension study names its parent's EudraCT number: two trials by ClinicalTrials.gov's numbering, not one
    for nct, title in (("NCT09999992", "Parent study"), ("NCT09999993", "Open-label extension")):
        (tmp_path / f"{nct}.json").write_text(_ctgov(nct, title, ["2013-000615-24"]), encoding="utf-8")
    with TrialStore(tmp_path / "store") as store:
        assert not ingest(store, read_paths([tmp_path / "NCT09999992.json", tmp_path / "NCT09999993.json"])).failed
        db = store.oxigraph
        assert {iris.trial("NCT09999992"), iris.trial("NCT09999993")} <= set(_trials(db))
        assert not list(db.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), None))


def test_every_registry_is_described_once_per_registration(tmp_path: Path, data_dir: Path) -> None:
    with TrialStore(tmp_path / "store") as store:
        ingest(store, read_paths([data_dir / SAMPLE / r for r in ("ISRCTN", "EUCTR", "CTIS")]))
        rows = store.oxigraph.query(f"""PREFIX tkg: <{iris.ONTOLOGY}>
            SELECT DISTINCT ?id ?key WHERE {{ GRAPH ?g {{ ?reg tkg:registryId ?id ; tkg:registry ?r }}
                    BIND(STRAFTER(STR(?r), "registry/") AS ?key) }}""")
        found = {(r["id"].value, r["key"].value) for r in rows}  # type: ignore[union-attr]
    assert ("ISRCTN12949496", "ISRCTN") in found and ("NCT04665037", "NCT") in found
    assert ("EUCTR2019-003842-34", "EUCTR") in found  # the CTIS record's EudraCT number, typed by its registry
    assert all(parse_id(i) is not None and parse_id(i).registry.key == k for i, k in found)  # type: ignore[union-attr]
    assert {r.key for r in registries()} >= {k for _, k in found}


# ---------- clinical_study as JSON (ctrdata's CTGOV export) ----------

def _as_ctrdata_json(element) -> object:
    """A clinical_study element rendered as ctrdata renders it: tags as keys, repeats as lists, an element's
    attributes under @attributes (a text element's, such as enrollment type="Actual", are not exported), runs of
    spaces as one, line breaks as &#xD; and apostrophes as &apos; (as in the exported files)."""
    children = list(element)
    if not children and ((element.text or "").strip() or not element.attrib):  # a text element's attributes
        text = re.sub(r"[ \t]+", " ", (element.text or "").replace("\r\n", "\n"))
        return text.replace("\n", "&#xD;").replace("'", "&apos;")
    out: dict = {"@attributes": dict(element.attrib)} if element.attrib else {}
    for child in children:
        value = _as_ctrdata_json(child)
        if child.tag in out:
            out[child.tag] = (out[child.tag] if isinstance(out[child.tag], list) else [out[child.tag]]) + [value]
        else:
            out[child.tag] = value
    return out


def _spaced(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: _spaced(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_spaced(v) for v in value]
    return value


def test_clinical_study_json_gives_the_record_its_xml_gives(tmp_path: Path, data_dir: Path) -> None:
    from xml.etree import ElementTree as ET
    xmls = sorted((data_dir / "ctgov-aact-fixtures" / "legacy_xml").glob("*.xml"))
    assert xmls
    for path in xmls:
        (from_xml,) = list(read_file(path))
        assert isinstance(from_xml, TrialRecord), from_xml
        rendered = tmp_path / f"{path.stem}.json"
        rendered.write_text(json.dumps(_as_ctrdata_json(ET.parse(path).getroot())), encoding="utf-8")
        (from_json,) = list(read_file(rendered))
        assert isinstance(from_json, TrialRecord), from_json
        assert from_json.source.format == "ctgov-xml-json"
        a, b = from_xml.to_dict(), from_json.to_dict()
        # what only a text element's attribute says (enrollment type="Actual", an event's own vocab=...) is not
        # in the export; results are compared as far as the export keeps them: the same groups and outcomes
        for d in (a, b):
            d.pop("source"), d["enrollment"].pop("type"), d.pop("start_date_type"), d.pop("completion_date_type")
        ra, rb = a.pop("results"), b.pop("results")
        assert _spaced(a) == _spaced(b), path.name  # the export writes runs of spaces as one
        assert (ra is None) == (rb is None)
        if ra:
            assert [o["title"] for o in ra["outcomes"]] == [o["title"] for o in rb["outcomes"]]
            assert ra["baseline_analysed"] == rb["baseline_analysed"]


def test_ctrdata_clinical_study_records_against_their_json(data_dir: Path) -> None:
    for path, raw, r in _records(data_dir, "CTGOV"):
        assert r.nct_id == raw["id_info"]["nct_id"] == path.stem and r.registry_id is None
        assert r.title == html.unescape(raw["brief_title"]) and r.results is not None  # their posted results are read too
        assert r.status == raw["overall_status"].upper() and r.eligibility.inclusion and r.eligibility.exclusion
        assert "&#xD;" not in (r.brief_summary or "") and "&apos;" not in " ".join(r.eligibility.inclusion)


@pytest.mark.parametrize("registry", ["ISRCTN", "EUCTR", "CTIS", "CTGOV"])
def test_a_record_of_the_wrong_shape_is_a_record_or_one_error_never_a_crash(tmp_path: Path, data_dir: Path, registry: str) -> None:
    """Every top-level field of every real record replaced in turn by values of the wrong kind (a list, an object, a
    number, nesting deeper than any record): each gives a record or one SourceError naming the file."""
    deep: object = "x"
    for _ in range(200):
        deep = {"a": deep}
    wrong = [[1, {"x": []}], {"y": {"z": [None]}}, -5, deep]
    read = 0
    for path in sorted((data_dir / SAMPLE / registry).glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for key in list(raw)[:40]:
            for k, value in enumerate(wrong):
                bad = tmp_path / f"{path.stem}-{key}-{k}.json"
                bad.write_text(json.dumps({**raw, key: value}), encoding="utf-8")
                (found,) = list(read_file(bad))
                assert isinstance(found, (TrialRecord, SourceError)), (path.name, key, found)
                if isinstance(found, SourceError):
                    assert str(bad) in str(found) and "\n" not in str(found)
                read += 1
    assert read > 40
