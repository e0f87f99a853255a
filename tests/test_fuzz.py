"""Property-based tests (hypothesis): whatever the input, every parser ends in a record or a clear
error, and the resolver in an answer; never an exception, never a hang (deadline per example)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import SourceError
from kg.sources.model import Source, TrialRecord
from kg.resolve.drugs import DrugResolver
from kg.sources import ctgov_json
from kg.sources.reader import PAGE_PARSERS, read_file

from conftest import DATA, SEEDS, count

FUZZ = settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.exists() else [""]
STUDY = json.loads((DATA / "ctgov-aact-fixtures/api_v2_json/NCT03418623.json").read_text(encoding="utf-8")) \
    if DATA.exists() else {"protocolSection": {"identificationModule": {"nctId": "NCT03418623"}}}
STUDY_TEXT = json.dumps(STUDY)
RESOLVER = DrugResolver()


def _outcomes(path: Path) -> list:
    count("generated inputs read (hypothesis), each a record or a clear error")
    results = list(read_file(path))
    assert results
    for r in results:
        assert isinstance(r, (TrialRecord, SourceError)), r
        if isinstance(r, SourceError):
            assert "\n" not in str(r) and str(path) in str(r)
    return results


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("f") / "x"
    path.write_bytes(data)
    _outcomes(path)


@FUZZ
@given(st.text(max_size=4000))
def test_random_unicode_in_every_encoding(tmp_path_factory, text: str) -> None:
    for encoding in ("utf-8", "utf-16"):
        path = tmp_path_factory.mktemp("f") / "x"
        path.write_bytes(text.encode(encoding, errors="surrogatepass"))
        _outcomes(path)


@FUZZ
@given(st.sampled_from(range(len(SEED_TEXTS))), st.data())
def test_mutated_seed_pages(seed: int, data) -> None:
    if not SEEDS.exists():
        pytest.skip(f"seed pages not found at {SEEDS}")
    text = SEED_TEXTS[seed]
    for _ in range(data.draw(st.integers(1, 6))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text) - 1))
        j = data.draw(st.integers(i, min(len(text), i + 400)))
        op = data.draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + data.draw(st.text(max_size=60)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    source = Source(path="mutated", sha256="0" * 64, format="x")
    for parser in PAGE_PARSERS:
        if parser.detect(text):
            record = parser.parse(text, source)
            assert isinstance(record, TrialRecord)


@FUZZ
@given(st.integers(0, len(STUDY_TEXT)))
def test_truncated_real_record(tmp_path_factory, cut: int) -> None:
    if not DATA.exists():
        pytest.skip(f"real records not found at {DATA}")
    path = tmp_path_factory.mktemp("f") / "x.json"
    path.write_text(STUDY_TEXT[:cut], encoding="utf-8")
    results = _outcomes(path)
    if cut == len(STUDY_TEXT):
        assert isinstance(results[0], TrialRecord)


KEYS = ["protocolSection", "identificationModule", "nctId", "statusModule", "startDateStruct", "date", "type",
        "designModule", "phases", "enrollmentInfo", "count", "armsInterventionsModule", "interventions", "armGroups",
        "name", "otherNames", "contactsLocationsModule", "locations", "geoPoint", "lat", "eligibilityModule",
        "eligibilityCriteria", "sponsorCollaboratorsModule", "leadSponsor", "derivedSection", "conditionBrowseModule",
        "meshes", "id", "term"]
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
                       | st.sampled_from(["NCT01234567", "2020-01", "DRUG", "PHASE2"]),
                       lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
                       max_leaves=40)


@FUZZ
@given(JSONISH)
def test_random_study_shaped_json(value) -> None:
    study = {"protocolSection": value if isinstance(value, dict) else {"identificationModule": {"nctId": value}}}
    try:
        record = ctgov_json.map_study(study, Source(path="fuzz", sha256="0" * 64, format=ctgov_json.FORMAT))
        assert isinstance(record, TrialRecord)
    except SourceError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(st.text(max_size=300))
def test_resolver_answers_anything(text: str) -> None:
    result = RESOLVER.resolve(text)
    assert result.status in {"resolved", "ambiguous", "unresolved", "not_a_drug"}
    if result.status == "resolved":
        assert result.matches and all(0 < m.score <= 1 for m in result.matches)
