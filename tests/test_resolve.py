"""Alias resolution: each tier, the near-code guard, ambiguity, not-a-drug typing, learned aliases,
sponsors and conditions, and resolution in the graph (trials found by any spelling)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.resolve.sponsors import organization_iri
from kg.ingest import ingest
from kg import iris
from kg.resolve.conditions import resolve_condition
from kg.resolve.drugs import DrugResolver
from kg.resolve.sponsors import is_placeholder, sponsor_key
from kg.sources.reader import read_paths
from kg.store import TrialStore

TORIPALIMAB = "8JXN261VVA"


@pytest.fixture(scope="module")
def resolver() -> DrugResolver:
    return DrugResolver()


@pytest.mark.parametrize(("text", "method"), [
    ("TORIPALIMAB", "exact"), ("Toripalimab", "exact"), ("Loqtorzi®", "normalized"), ("ＪＳ００１", "normalized"),
    ("JS 001", "code-key"), ("JS001sc", "curated"), ("Toripalimab Injection", "salt-form"),
])
def test_each_tier_is_recorded(resolver: DrugResolver, text: str, method: str) -> None:
    result = resolver.resolve(text)
    assert result.status == "resolved"
    (match,) = result.matches
    assert (match.local_id, match.method) == (TORIPALIMAB, method)
    assert 0 < match.score <= 1


def test_formulation_code_suffix(resolver: DrugResolver) -> None:
    (match,) = resolver.resolve("BGB-A317sc").matches
    assert (match.label, match.method) == ("tislelizumab", "formulation")


def test_salt_resolves_to_active_moiety(resolver: DrugResolver) -> None:
    for text in ("Lenvima", "lenvatinib mesylate", "LENVATINIB MESYLATE 4 mg capsules"):
        (match,) = resolver.resolve(text).matches
        assert match.label == "lenvatinib", text


@pytest.mark.parametrize(("text", "unii"), [
    ("131I-Omburtamab", "B6PMV8U3C4"),  # NCT05063357 writes it so; UNII: OMBURTAMAB I-131
    ("iodine-131 omburtamab", "B6PMV8U3C4"), ("[131I]omburtamab", "B6PMV8U3C4"),
    ("Lutetium oxodotreotide (177Lu)", "AE221IM3BB"),  # a real record's spelling; UNII: LUTETIUM LU 177 DOTATATE
    ("[177Lu]Lu-PSMA-617", "G6UF363ECX"), ("Lu-177-PSMA-617", "G6UF363ECX"),  # the carrier by its code
    ("177Lu-vipivotide tetraxetan", "G6UF363ECX"), ("[68Ga]Ga-DOTA-TATE", "9L17Y0H71P"),
    ("Iodine-131 metaiodobenzylguanidine", "Q461L7AK4R"), ("99mTc-MDP", "IX8H4GQ15K"),
])
def test_labelled_drugs_resolve_in_every_notation(resolver: DrugResolver, text: str, unii: str) -> None:
    (match,) = resolver.resolve(text).matches
    assert match.local_id == unii and match.method in {"exact", "radiolabel"}, text


@pytest.mark.parametrize("text", ["I-125 omburtamab", "131I-pembrolizumab", "Lu-177 omburtamab", "In 111 patients"])
def test_a_labelled_drug_is_never_its_carrier_nor_another_nuclide(resolver: DrugResolver, text: str) -> None:
    """No I-125 omburtamab exists: the mention stays unresolved, never omburtamab or its I-131 form; likewise a
    nuclide the dictionary does not pair with the carrier."""
    assert resolver.resolve(text).status == "unresolved", text


@pytest.mark.parametrize(("code", "drug"), [("JS004", "tifcemalimab"), ("AK104", "cadonilimab"), ("AK112", "ivonescimab"),
                                            ("SHR-1316", "adebrelimab"), ("JS001", "toripalimab"), ("AK105", "penpulimab"),
                                            ("SHR-1210", "camrelizumab")])
def test_codes_that_differ_in_digits_are_different_drugs(resolver: DrugResolver, code: str, drug: str) -> None:
    (match,) = resolver.resolve(code).matches
    assert match.label == drug


@pytest.mark.parametrize("code", ["JS-011", "JS0011", "AK1050", "SHR-12100", "BGB-A3170"])
def test_fuzzy_never_bridges_codes(resolver: DrugResolver, code: str) -> None:
    result = resolver.resolve(code)
    assert all(m.method != "fuzzy" for m in result.matches)
    assert {m.label for m in result.matches}.isdisjoint({"toripalimab", "penpulimab", "camrelizumab", "tislelizumab"})


def test_fuzzy_for_word_like_misspellings(resolver: DrugResolver) -> None:
    (match,) = resolver.resolve("Omalizimab").matches
    assert (match.label, match.method) == ("omalizumab", "fuzzy") and match.score < 1


def test_ambiguous_returns_all_candidates_and_links_none(resolver: DrugResolver) -> None:
    from kg.resolve.linker import links

    result = resolver.resolve("capsicum")
    assert result.status == "ambiguous"
    assert {m.label for m in result.matches} == {"capsicum", "paprika"}
    assert links(result) == []


@pytest.mark.parametrize(("text", "kind"), [("Placebo", "Comparator"), ("Standard of care", "Comparator"),
                                            ("Radiotherapy", "Procedure"), ("chemotherapy", "DrugClass"),
                                            ("Tiragolumab Matching Placebo", "Comparator")])
def test_not_drugs_are_typed_never_linked(resolver: DrugResolver, text: str, kind: str) -> None:
    result = resolver.resolve(text)
    assert result.status == "not_a_drug" and result.matches == () and result.kinds == (kind,)


@pytest.mark.parametrize(("text", "class_id"), [("PD-1 inhibitor", "pd-1-inhibitor"), ("anti-PD-1 antibody", "pd-1-inhibitor"),
                                                ("PD-L1 inhibitor", "pd-l1-inhibitor"), ("Anti-PD-L1 monoclonal antibody", "pd-l1-inhibitor"),
                                                ("immune checkpoint inhibitor", "immune-checkpoint-inhibitor"),
                                                ("EGFR-TKI", "egfr-tki"), ("EGFR TKIs", "egfr-tki"),
                                                ("platinum-based chemotherapy", "platinum-based-chemotherapy"),
                                                ("platinum-containing chemotherapy", "platinum-based-chemotherapy")])
def test_class_words_resolve_to_the_class_and_its_members_never_linked(resolver: DrugResolver, text: str, class_id: str) -> None:
    from kg.resolve.linker import links
    from kg.resolve.targets import classes

    result = resolver.resolve(text)
    assert result.status == "class" and result.named_class.entity.id == class_id and result.kinds == ("DrugClass",)
    assert {m.local_id for m in result.matches} == classes()[class_id].members and result.matches
    assert links(result) == []  # a class is never a drug link


def test_combination_gives_one_match_per_drug(resolver: DrugResolver) -> None:
    result = resolver.resolve("Tislelizumab，atezolizumab or sugemalimab")
    assert [m.label for m in result.matches] == ["tislelizumab", "atezolizumab", "sugemalimab"]
    result = resolver.resolve("pemetrexed/platinum")
    assert [m.label for m in result.matches] == ["pemetrexed"] and result.kinds == ("DrugClass",)


def test_sponsor_keys() -> None:
    assert sponsor_key("Shanghai Junshi Bioscience Co., Ltd.") == sponsor_key("Junshi Biosciences")
    assert sponsor_key("Jiangsu HengRui Medicine Co., Ltd.") == sponsor_key("Jiangsu Hengrui Pharmaceuticals Co., Ltd.")
    assert sponsor_key("Shanghai Pulmonary Hospital") != sponsor_key("Pulmonary Hospital")
    assert is_placeholder("Sponsor GmbH") and not is_placeholder("Qianfoshan Hospital")


@pytest.mark.parametrize(("text", "mesh"), [("NSCLC", "D002289"), ("non-small cell lung cancer", "D002289"),
                                            ("Carcinoma, Non-Small-Cell Lung", "D002289"), ("HCC", "D006528"),
                                            ("hepatocellular carcinoma", "D006528"), ("Advanced Hepatocellular Carcinoma (HCC)", "D006528"),
                                            ("ES-SCLC", "D055752"), ("Extensive-stage Small Cell Lung Cancer", "D055752")])
def test_condition_variants_to_one_mesh_descriptor(text: str, mesh: str) -> None:
    (match,) = resolve_condition(text).matches
    assert match.id == f"mesh:{mesh}"


def _values(store: TrialStore, q: str) -> set[str]:
    return {r["x"].value for r in store.query(f"PREFIX tkg: <{iris.ONTOLOGY}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n{q}")}


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, seeds_dir: Path) -> TrialStore:
    store = TrialStore(tmp_path_factory.mktemp("s") / "store")
    ingest(store, read_paths([seeds_dir]))
    yield store
    store.close()


def test_toripalimab_trials_among_seeds_whatever_the_spelling(seed_store: TrialStore) -> None:
    trials = _values(seed_store, f"SELECT DISTINCT ?x WHERE {{ ?t tkg:intervention/tkg:drug <{iris.drug(unii=TORIPALIMAB)}> ; tkg:nctId ?x }}")
    assert trials == {"NCT06505837", "NCT03971214", "NCT04523493"}  # JS001sc/JS001, JS-001, Toripalimab


def test_seed_004_links_penpulimab_via_misspelling_as_hidden_label(seed_store: TrialStore) -> None:
    drugs = _values(seed_store, "SELECT ?x WHERE { <%s> tkg:intervention/tkg:drug/skos:prefLabel ?x }" % iris.trial("NCT06048315"))
    assert drugs == {"penpulimab", "catequentinib"}
    hidden = _values(seed_store, "SELECT ?x WHERE { <%s> skos:hiddenLabel ?x }" % iris.drug(unii="IBS1BZ4E4I"))
    assert {"péamplimab", "pianpulimab", "peamplimab"} <= hidden
    methods = _values(seed_store, "SELECT ?x WHERE { <%s> tkg:intervention/tkg:resolution/tkg:resolutionMethod ?x }" % iris.trial("NCT06048315"))
    assert methods == {"curated", "exact"}


def test_junshi_is_one_organization_and_placeholder_is_not_merged(seed_store: TrialStore) -> None:
    junshi = _values(seed_store, "SELECT DISTINCT ?x WHERE { ?t tkg:sponsor|tkg:leadSponsor ?x . "
                                 "?x <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(CONTAINS(?l, 'Junshi')) }")
    assert junshi == {organization_iri("Junshi Biosciences")}
    placeholders = _values(seed_store, "SELECT ?x WHERE { ?x tkg:isPlaceholder true }")
    assert len(placeholders) == 1 and "/trial/NCT06505837/" in next(iter(placeholders))


def test_stated_condition_gets_its_mesh_concept(seed_store: TrialStore) -> None:
    mesh = _values(seed_store, "SELECT ?x WHERE { <%s> tkg:condition/tkg:meshConcept/tkg:meshId ?x }" % iris.trial("NCT04523493"))
    assert mesh == {"D006528"}


def test_drug_node_has_dictionary_labels_and_cross_references(seed_store: TrialStore) -> None:
    d = iris.drug(unii=TORIPALIMAB)
    alt = _values(seed_store, f"SELECT ?x WHERE {{ <{d}> skos:altLabel ?x }}")
    assert {"JS001", "JS-001", "TUOYI", "LOQTORZI", "JS001sc"} <= alt
    assert _values(seed_store, f"SELECT ?x WHERE {{ <{d}> tkg:drugbankId ?x }}") == {"DB15043"}
    assert _values(seed_store, f"SELECT ?x WHERE {{ <{d}> skos:prefLabel ?x }}") == {"toripalimab"}


def test_record_other_names_are_learned_with_the_store(tmp_path: Path, data_dir: Path) -> None:
    records = [r for r in read_paths([data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) == "NCT05809895"]
    store_dir = tmp_path / "s"
    with TrialStore(store_dir) as store:
        ingest(store, records)
    def run(*extra: str) -> dict:
        return json.loads(subprocess.run([sys.executable, "-m", "kg", "resolve", "WCD118", "--json", *extra],
                                         capture_output=True, text=True, check=True).stdout)[0]

    assert run()["status"] == "unresolved"
    learned = run("--store", str(store_dir))
    assert learned["status"] == "resolved"
    assert (learned["matches"][0]["label"], learned["matches"][0]["method"]) == ("ociperlimab", "record-alias")


def test_cli_aliases_unresolved_lists_most_frequent_first(seed_store: TrialStore, tmp_path: Path, data_dir: Path) -> None:
    store_dir = tmp_path / "s"
    with TrialStore(store_dir) as store:
        ingest(store, read_paths([data_dir / "ctgov-nsclcbench"]))
    proc = subprocess.run([sys.executable, "-m", "kg", "aliases", "--unresolved", "--store", str(store_dir), "--limit", "5"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "5 row(s)" in proc.stdout
    as_json = subprocess.run([sys.executable, "-m", "kg", "query", "unresolved-interventions", "--store", str(store_dir),
                              "--format", "json"], capture_output=True, text=True, check=True)
    rows = json.loads(as_json.stdout)["rows"]
    assert rows and [int(r["trials"]) for r in rows] == sorted((int(r["trials"]) for r in rows), reverse=True)
    assert rows[0]["name"] in proc.stdout


def test_formulation_code_is_a_product_of_its_drug(seed_store: TrialStore) -> None:
    products = _values(seed_store, "SELECT ?x WHERE { ?p a tkg:DrugProduct ; tkg:activeIngredient <%s> ; skos:prefLabel ?x }"
                       % iris.drug(unii=TORIPALIMAB))
    assert products == {"JS001sc"}


@pytest.mark.parametrize(("name", "ok"), [("ADL-018", True), ("WCD118", True), ("Tevimbra", True),
                                          ("No other name", False), ("None", False), ("N/A", False),
                                          ("Experimental", False), ("anti-TIGIT", False), ("Oral Insulin", False),
                                          ("Placebo", False), ("PD-1 inhibitor", False)])
def test_only_name_like_other_names_are_learned(name: str, ok: bool) -> None:
    from kg.resolve.linker import learnable

    assert learnable(name) is ok


def test_links_through_learned_aliases_live_in_their_own_graph_with_evidence(tmp_path: Path, data_dir: Path) -> None:
    """Documents' own graphs do not depend on what else was ingested; learned links are derived afterwards."""
    # NCT03280537 / NCT05564611: omalizumab with other names IGE025 / ADL-018;
    # NCT01599637 / NCT05413161: interventions named only "IGE025" / "ADL-018"
    records = [r for r in read_paths([data_dir / "ctgov-tigit-watch"])
               if getattr(r, "nct_id", None) in {"NCT03280537", "NCT05564611", "NCT01599637", "NCT05413161"}]  # not NCT03280550
    with TrialStore(tmp_path / "s") as store:
        ingest(store, records)
        rows = list(store.query(
            "SELECT ?nct ?m ?ev WHERE { GRAPH <%s> { ?i <%sdrug> <%s> ; <%sresolution> ?r . ?r <%smatchedText> ?m ; "
            "<http://www.w3.org/ns/prov#wasDerivedFrom> ?ev } ?t <%sintervention> ?i ; <%snctId> ?nct }"
            % (iris.RECORD_ALIAS_GRAPH, iris.ONTOLOGY, iris.drug(unii="2P471X1Z11"), iris.ONTOLOGY, iris.ONTOLOGY,
               iris.ONTOLOGY, iris.ONTOLOGY)))
        found = {(r["nct"].value, r["m"].value, r["ev"].value) for r in rows}
    assert {(n, m) for n, m, _ in found} == {("NCT01599637", "IGE025"), ("NCT05413161", "ADL-018")}
    evidence = {"IGE025": {iris.GRAPH + "ctgov/NCT03280537"}, "ADL-018": {iris.GRAPH + "ctgov/NCT05564611"}}
    assert all(ev in evidence[m] for _, m, ev in found)


def test_a_learned_name_never_links_an_intervention_of_a_non_drug_type(tmp_path: Path, data_dir: Path) -> None:
    """Regression: the record-alias step read the intervention type from its IRI's last "_" part, so
    DIAGNOSTIC_TEST became TEST and a diagnostic test named like a drug was linked; the ingest refuses that."""
    import dataclasses

    source = next(r for r in read_paths([data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) == "NCT01599637")
    ige = next(i for i in source.interventions if i.name == "IGE025")
    test_typed = dataclasses.replace(source, nct_id="NCT09900001", source=dataclasses.replace(source.source, path="t#1", sha256="1" * 64),
                                     interventions=(dataclasses.replace(ige, type="DIAGNOSTIC_TEST"),))
    teacher = next(r for r in read_paths([data_dir / "ctgov-tigit-watch"]) if getattr(r, "nct_id", None) == "NCT03280537")
    with TrialStore(tmp_path / "s") as store:
        ingest(store, [teacher, source, test_typed])
        linked = {r["nct"].value for r in store.query(
            "SELECT ?nct WHERE { GRAPH <%s> { ?i <%sdrug> ?d } ?t <%sintervention> ?i ; <%snctId> ?nct }"
            % (iris.RECORD_ALIAS_GRAPH, iris.ONTOLOGY, iris.ONTOLOGY, iris.ONTOLOGY))}
    assert "NCT01599637" in linked and "NCT09900001" not in linked


@pytest.mark.parametrize(("text", "labels"), [
    ("特瑞普利单抗", {"toripalimab"}), ("特瑞普利单抗注射液", {"toripalimab"}),  # the generic name; its injection
    ("甲磺酸阿帕替尼片", {"rivoceranib"}), ("注射用紫杉醇", {"paclitaxel"}),  # a salt and a form around the name
    ("信迪利单抗+紫杉醇", {"sintilimab", "paclitaxel"}), ("卡瑞利珠单抗（艾瑞卡）", {"camrelizumab"}),
])
def test_chinese_generic_names_resolve(resolver: DrugResolver, text: str, labels: set[str]) -> None:
    result = resolver.resolve(text)
    assert result.status == "resolved" and {m.label for m in result.matches} == labels


def test_part_of_a_chinese_name_is_no_drug(resolver: DrugResolver) -> None:
    assert resolver.resolve("特瑞普利").status == "unresolved"  # a stem, not the name
    assert resolver.resolve("单抗").status == "unresolved"  # "monoclonal antibody"


@pytest.mark.parametrize(("text", "label"), [
    ("Abraxane", "paclitaxel"), ("DS-8201a", "trastuzumab deruxtecan"), ("RO5541267", "atezolizumab"),  # curated
    ("Bevacizumab biosimilar", "bevacizumab"), ("Trastuzumab biosimilar (HLX02)", "trastuzumab"),  # a biosimilar: its INN
])
def test_brands_codes_and_biosimilars_resolve(text: str, label: str) -> None:
    r = DrugResolver().resolve(text)
    assert r.status == "resolved" and [m.label for m in r.matches] == [label]


@pytest.mark.parametrize(("text", "drug_class"), [
    ("PD-1 inhibitor of investigator's choice", "pd-1-inhibitor"), ("Anti-PD-1 antibody (investigator's choice)", "pd-1-inhibitor"),
    ("EGFR-TKI per physician's choice", "egfr-tki"),
])
def test_a_class_left_to_the_investigator_is_the_class(text: str, drug_class: str) -> None:
    r = DrugResolver().resolve(text)
    assert r.status == "class" and r.named_class is not None and r.named_class.id == f"class:{drug_class}"
    assert DrugResolver().resolve("Chemotherapy of investigator's choice").status == "not_a_drug"  # no class named
