"""The generic page extractor (kg/sources/generic_page.py): the label table itself, pages in four registries' layouts
that no parser of ours knows (expectations written by hand from each page), pages it must refuse, and the seed
pages: where it reads one it never contradicts the layout's own parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.resources import data_dir, read_tsv
from kg.sources import generic_page
from kg.sources.model import Source, TrialRecord
from kg.sources.reader import read_file

from conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "pages"
ROWS = read_tsv(data_dir("data") / "pages" / "field-labels.tsv")
FIELDS = {"trial_id", "secondary_ids", "title", "official_title", "acronym", "status", "phases", "study_type", "conditions",
          "interventions", "sponsor", "collaborators", "countries", "enrollment", "start_date", "completion_date",
          "primary_completion_date", "last_updated", "period", "inclusion", "exclusion", "min_age", "max_age", "ages", "sex",
          "healthy_volunteers", "-"}


def _read(name: str) -> TrialRecord:
    (record,) = list(read_file(PAGES / name))
    assert isinstance(record, TrialRecord), record
    assert record.source.format == "page-generic"
    return record


def test_every_label_names_a_field_the_extractor_fills_and_no_label_two() -> None:
    assert {r["field"] for r in ROWS} <= FIELDS
    folded = [" ".join(r["label"].lower().split()) for r in ROWS]
    assert len(folded) == len(set(folded)), sorted({f for f in folded if folded.count(f) > 1})
    assert all(r["label"] == r["label"].strip() and r["label"] for r in ROWS)


def test_a_bilingual_chictr_page() -> None:
    r = _read("chictr-bilingual.txt")
    assert (r.registry_id, r.nct_id, r.trial_id) == ("ChiCTR2000031234", "NCT03581786", "NCT03581786")
    assert r.title.startswith("Toripalimab combined with chemotherapy")  # the English of a bilingual value
    assert r.official_title.startswith("A multicenter randomized controlled study")
    assert (r.status, r.phases, r.study_type) == ("RECRUITING", ("PHASE3",), "INTERVENTIONAL")
    assert r.conditions == ("Nasopharyngeal carcinoma",)
    assert [i.name for i in r.interventions] == ["Toripalimab + gemcitabine + cisplatin"]
    assert [(s.name, s.role) for s in r.sponsors] == [("Sun Yat-sen University Cancer Center", "LEAD"),
                                                       ("Shanghai Junshi Bioscience Co., Ltd.", "COLLABORATOR")]
    assert (r.start_date, r.completion_date, r.last_updated) == ("2020-04-01", "2023-12-31", "2020-03-26")
    assert r.enrollment.count == 280 and r.countries == ("China",) and r.eligibility.sex == "ALL"
    assert r.secondary_ids == ()  # the applicant's name after the partner-registry label is not an id
    assert r.source.confidence == 1.0


def test_an_anzctr_style_page() -> None:
    r = _read("anzctr-style.txt")
    assert (r.registry_id, r.nct_id) == ("ACTRN12620000445976", "NCT04345692")
    assert r.secondary_ids == ("U1111-1250-2183",)
    assert r.acronym == "COVID-SHIELD" and r.conditions == ("COVID-19",)  # the condition category is no condition
    assert r.status == "TERMINATED"  # "Stopped early"
    assert r.start_date == "2020-04-20"  # 20/04/2020: only a day above 12 tells the order
    assert (r.enrollment.count, r.enrollment.type) == (2250, "ESTIMATED")  # "Target"
    assert r.eligibility.min_age == "18 Years" and r.eligibility.max_age is None  # "No limit"
    assert r.eligibility.sex == "ALL" and r.eligibility.exclusion == ("Known allergy to hydroxychloroquine", "Pregnancy")
    assert r.countries == ("Australia",) and r.phases == ()  # the page states no phase: none is guessed


def test_a_ctri_table_saved_as_html() -> None:
    r = _read("ctri-table.html")
    assert (r.registry_id, r.nct_id) == ("CTRI/2021/03/031822", "NCT03783442")
    assert r.trial_id == "NCT03783442" and r.secondary_ids == ("BGB-A317-306 Protocol Number",)
    assert (r.status, r.phases, r.study_type) == ("COMPLETED", ("PHASE3",), "INTERVENTIONAL")
    assert r.conditions == ("Esophageal squamous cell carcinoma",)  # the cell labelled "Condition:", not "Health Type:"
    assert [i.name for i in r.interventions] == ["Tislelizumab 200 mg IV every 3 weeks", "Placebo"]
    assert r.countries == ("India", "China", "Japan") and r.sponsors[0].name == "BeiGene Ltd"
    assert r.start_date == "2021-04-12"  # CTRI writes dates day first (data/trials/registries.tsv)
    assert r.last_updated == "2022-11-15" and r.enrollment.count == 649


FIELDS_TEXT = "Recruitment status: Recruiting\nPhase: Phase 2\nStudy type: Interventional\nCondition: Asthma\n"


@pytest.mark.parametrize("text", [
    (PAGES / "news-mentioning-trials.txt").read_text(encoding="utf-8"),  # label-like words, no trial fields
    "Trial NCT01234567\nTitle: something\n",  # one field is not enough
    FIELDS_TEXT,  # fields, but no trial id
    "\n".join(f"line {k}" for k in range(20)) + "\nNCT01234567 and NCT07654321 compared\n" + FIELDS_TEXT,  # whose?
])
def test_pages_that_are_not_one_trial_page_are_refused(text: str) -> None:
    assert generic_page.read(text, Source("p", "0" * 64, generic_page.FORMAT)) is None


def test_the_own_id_labelled_or_at_the_head() -> None:
    source = Source("p", "0" * 64, generic_page.FORMAT)
    labelled = generic_page.read("NCT01234567 compared with others\nTrial ID: ISRCTN12949496\n" + FIELDS_TEXT, source)
    assert labelled is not None and labelled.registry_id == "ISRCTN12949496"
    head = generic_page.read("ChiCTR2000031234 v1.0\nsee also NCT01234567\n" + FIELDS_TEXT, source)
    assert head is not None and head.registry_id == "ChiCTR2000031234"  # registries print their own id first
    assert (head.status, head.phases, head.conditions) == ("RECRUITING", ("PHASE2",), ("Asthma",))


def test_a_refused_page_is_one_clear_error(tmp_path: Path) -> None:
    (found,) = list(read_file(PAGES / "news-mentioning-trials.txt"))
    assert isinstance(found, SourceError) and "not a known registry page layout" in found.reason
    assert "label at least 3 fields" in found.reason


def test_on_the_seed_pages_it_never_contradicts_the_layout_parser(seeds_dir: Path) -> None:
    read = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        (known,) = list(read_file(path))
        assert isinstance(known, TrialRecord) and known.source.format != "page-generic"  # the layouts keep their parsers
        found = generic_page.read(path.read_text(encoding="utf-8"), Source(str(path), "0" * 64, generic_page.FORMAT))
        if found is None:
            continue
        read += 1
        for name in ("nct_id", "title", "official_title", "status", "phases", "study_type", "start_date", "completion_date",
                     "last_updated", "conditions", "countries", "acronym"):
            value = getattr(found, name)
            assert not value or value == getattr(known, name), (path.name, name, value)
        assert {i.name for i in found.interventions} <= {i.name for i in known.interventions}
        assert found.enrollment.count in (None, known.enrollment.count)
    assert read >= 2  # the labelled seeds are read


def test_a_generic_page_builds_a_trial_with_its_confidence(tmp_path: Path) -> None:
    from kg.ingest import ingest
    from kg.sources.reader import read_paths
    from kg.store import TrialStore
    from kg import iris
    with TrialStore(tmp_path / "store") as store:
        ingest(store, read_paths([PAGES / "anzctr-style.txt"]))
        rows = list(store.oxigraph.query(f"""PREFIX tkg: <{iris.ONTOLOGY}>
            SELECT ?id ?c WHERE {{ GRAPH ?g {{ ?t tkg:trialId ?id . ?g tkg:extractionConfidence ?c }} }}"""))
    assert [(r["id"].value, r["c"].value) for r in rows] == [("NCT04345692", "0.75")]  # type: ignore[index]


def test_an_isrctn_web_page() -> None:
    r = _read("isrctn-web.txt")
    assert (r.registry_id, r.nct_id) == ("ISRCTN58412372", "NCT03901234")
    assert r.secondary_ids == ("EUCTR2019-000123-45", "254321", "UoL001234")  # the EudraCT number in ICTRP form
    assert r.status == "ACTIVE_NOT_RECRUITING"  # "Ongoing" says neither; "No longer recruiting" does
    assert (r.start_date, r.completion_date, r.last_updated) == ("2019-05-01", "2024-12-31", "2023-06-14")  # day first
    assert [i.name for i in r.interventions] == ["Piperacillin/tazobactam", "meropenem"]  # not the prose "Intervention"
    assert r.conditions == ("Sepsis",) and r.phases == ("PHASE3",) and r.enrollment.count == 2400
    assert r.eligibility.exclusion == ("Pregnancy", "Known allergy to penicillin")
    assert r.title is None  # the page does not label it: not guessed from the heading
    assert [(s.name, s.role) for s in r.sponsors] == [("National Institute for Health and Care Research", "COLLABORATOR")]


def test_a_registry_that_writes_dates_day_first_is_read_so() -> None:
    source = Source("p", "0" * 64, generic_page.FORMAT)
    day_first = generic_page.read("ISRCTN12949496\nCondition: Asthma\nPhase: Phase 2\nOverall study start date: 03/04/2020\n"
                                  "Recruitment status: Recruiting\n", source)
    unknown = generic_page.read("NCT01234567\nCondition: Asthma\nPhase: Phase 2\nStart date: 03/04/2020\n"
                                "Recruitment status: Recruiting\n", source)
    assert day_first is not None and day_first.start_date == "2020-04-03"
    assert unknown is not None and unknown.start_date is None  # 3 April or 4 March: left out


def test_a_clinicaltrials_gov_study_page_saved_as_text() -> None:
    r = _read("ctgov-study-page.txt")
    assert (r.nct_id, r.registry_id, r.trial_id) == ("NCT04523493", None, "NCT04523493")
    assert (r.start_date, r.start_date_type) == ("2020-06-29", "ACTUAL")  # "Study Start (Actual)"
    assert (r.completion_date, r.completion_date_type, r.primary_completion_date) == ("2026-09-01", "ESTIMATED", "2025-08-31")
    assert (r.enrollment.count, r.enrollment.type) == (519, "ESTIMATED")  # "Enrollment (Estimated)"
    assert [(i.name, i.type) for i in r.interventions] == [("Toripalimab combined with Lenvatinib", "DRUG"),
                                                           ("Placebo combined with Lenvatinib", "DRUG")]
    assert (r.eligibility.min_age, r.eligibility.max_age, r.eligibility.sex) == ("18 Years", "75 Years", "ALL")
    assert r.eligibility.healthy_volunteers is False
    assert r.eligibility.exclusion == ("Known cholangiocellular carcinoma (ICC).",)  # the next label ends the list
    assert (r.status, r.phases, r.secondary_ids) == ("ACTIVE_NOT_RECRUITING", ("PHASE3",), ("JS001-027-III-HCC",))
    assert r.sponsors[0].name == "Shanghai Junshi Bioscience Co., Ltd." and r.sponsors[0].role == "LEAD"
