"""``kg validate --data FILE... --shapes FILE``: any RDF against any shapes, a standard report in three formats,
exit 0 / 1 / 2; and date and time literals checked by value whichever engine runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.validation.engines import ENGINES, EngineRefusal
from kg.validation.files import validate_files

from conftest import REPO

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:month ; sh:datatype xsd:gYearMonth ] ;
  sh:property [ sh:path ex:day ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] ;
  sh:property [ sh:path ex:at ; sh:datatype xsd:dateTime ] ;
  sh:property [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minCount 1 ] ."""
GOOD = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:month "2023-12"^^xsd:gYearMonth ; ex:day "2024-02-29"^^xsd:date, "2024"^^xsd:gYear ;
  ex:at "2024-01-01T23:59:59.5+14:00"^^xsd:dateTime ; ex:count 3 ."""
BAD_DATES = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:month "2023-13"^^xsd:gYearMonth ; ex:day "2023-02-29"^^xsd:date ;
  ex:at "2024-01-01T25:00:00Z"^^xsd:dateTime ; ex:count 3 ; ex:other "2023-13"^^xsd:gYearMonth ."""


def _files(tmp_path: Path, data: str, shapes: str = SHAPES) -> tuple[Path, Path]:
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(shapes, encoding="utf-8")
    return tmp_path / "data.ttl", tmp_path / "shapes.ttl"


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_dates_are_checked_by_value_whichever_engine_runs(tmp_path: Path, engine: str) -> None:
    data, shapes = _files(tmp_path, GOOD)
    assert validate_files([data], shapes, engine).conforms
    data, shapes = _files(tmp_path, BAD_DATES)
    report = validate_files([data], shapes, engine)
    assert not report.conforms
    bad = sorted((r.path, r.value_plain) for r in report.results)
    assert bad == [("<http://example.org/at>", "2024-01-01T25:00:00Z"), ("<http://example.org/day>", "2023-02-29"),
                   ("<http://example.org/month>", "2023-13")]  # once each; ex:other is constrained by no shape


def test_date_values_follow_xml_schema() -> None:
    from kg.namespaces import XSD
    from kg.validation.datatypes import problem

    assert problem("2024-01-01T24:00:00", XSD + "dateTime") is None  # the end of a day (XML Schema 1.1)
    for lexical, datatype in (("2023-13", "gYearMonth"), ("2021-02-30", "date"), ("2100-02-29", "date"), ("02024", "gYear"),
                              ("2024-01-01T24:00:01", "dateTime"), ("2024-01-01T10:00:00+15:00", "dateTime"), ("2024-1", "gYearMonth")):
        assert problem(lexical, XSD + datatype), lexical
    assert problem("2000-02-29", XSD + "date") is None and problem("-0044-03-15", XSD + "date") is None


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "validate", *args], capture_output=True, text=True, timeout=120)


def test_cli_reports_in_three_formats_with_exit_codes(tmp_path: Path) -> None:
    data, shapes = _files(tmp_path, GOOD)
    ok = _kg("--data", str(data), "--shapes", str(shapes))
    assert ok.returncode == 0 and "conforms: yes" in ok.stdout, ok.stderr
    data, shapes = _files(tmp_path, BAD_DATES.replace("ex:count 3 ;", ""))
    text = _kg("--data", str(data), "--shapes", str(shapes))
    assert text.returncode == 1 and "MinCountConstraintComponent" in text.stdout and "conforms: no" in text.stdout
    turtle = _kg("--data", str(data), "--shapes", str(shapes), "--report-format", "turtle", "--engine", "pyshacl")
    assert turtle.returncode == 1
    g = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = next(g.subjects(rdflib.RDF.type, sh.ValidationReport))
    assert g.value(report, sh.conforms).toPython() is False and len(list(g.objects(report, sh.result))) == 4  # 3 dates, 1 count
    as_json = json.loads(_kg("--data", str(data), "--shapes", str(shapes), "--report-format", "json").stdout)
    assert as_json["conforms"] is False and {r["component"] for r in as_json["results"]} == {
        "MinCountConstraintComponent", "DatatypeConstraintComponent", "OrConstraintComponent"}  # the date in an sh:or


def test_cli_refuses_shapes_it_cannot_use_and_bad_input(tmp_path: Path) -> None:
    data, _ = _files(tmp_path, GOOD)
    (tmp_path / "none.ttl").write_text("<http://example.org/a> <http://example.org/b> 1 .", encoding="utf-8")
    refused = _kg("--data", str(data), "--shapes", str(tmp_path / "none.ttl"))
    assert refused.returncode == 2 and "declares no SHACL shapes" in refused.stderr and "Traceback" not in refused.stderr
    (tmp_path / "broken.ttl").write_text("<http://example.org/a> <http://example.org/b> .", encoding="utf-8")
    broken = _kg("--data", str(tmp_path / "broken.ttl"))
    assert broken.returncode == 2 and "broken.ttl" in broken.stderr and len(broken.stderr.strip().splitlines()) == 1
    with pytest.raises(EngineRefusal):
        validate_files([data], tmp_path / "none.ttl")


def test_cli_validates_a_file_against_trialkg_shapes_by_default() -> None:
    bad = _kg("--data", str(REPO / "tests" / "shape_fixtures" / "site-country-not-a-country.ttl"))
    assert bad.returncode == 1 and "ClassConstraintComponent" in bad.stdout
