"""Bad input: each case gives one clear error naming the file; the rest of a batch goes on."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources.reader import read_paths

# (file name, content, expected words in the message)
CASES = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n \t\n", "empty file"),
    ("binary.bin", bytes(range(256)) * 4, "binary file"),
    ("page.html", b"<!DOCTYPE html><html><body><h1>Trial</h1></body></html>", "an HTML page"),
    ("unknown.txt", b"Minutes of the board meeting\nNothing about a trial.\n", "not a known registry page layout"),
    ("latin1.txt", "Trial caf\xe9 page".encode("latin-1"), "not UTF-8 text"),
    ("truncated.json", b'{"protocolSection": {"identificationModule": {"nctId": "NCT0', "truncated JSON"),
    ("notstudy.json", b'{"name": "a JSON file that is not a study"}', "not a ClinicalTrials.gov API v2 study"),
    ("numbers.json", b"[1, 2]", "not a ClinicalTrials.gov API v2 study"),
    ("other.xml", b"<?xml version='1.0'?><catalog><book/></catalog>", "not a ClinicalTrials.gov <clinical_study>"),
    ("broken.xml", b"<clinical_study><id_info><nct_id>NCT00000001</nct_id>", "malformed XML"),
    ("corrupt.json.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate", "corrupt gzip"),
    ("corrupt.zip", b"PK\x03\x04" + b"\x00" * 40, "corrupt zip"),
    ("noid.json", b'{"protocolSection": {"identificationModule": {"nctId": "bogus"}}}', "no valid nctId"),
    ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                 b"<clinical_study>&lol2;</clinical_study>", "entity declarations are not allowed"),
    ("xxe.xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b"<clinical_study>&x;</clinical_study>", "entity declarations are not allowed"),
]


@pytest.mark.parametrize(("name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_one_clear_error(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    results = list(read_paths([path]))
    assert results, "no error reported"
    for error in results:  # one per file, or one per bad study in a multi-study file
        assert isinstance(error, SourceError)
        assert str(path) in str(error)
        assert expected in str(error)
        assert "\n" not in str(error)


def test_missing_file(tmp_path: Path) -> None:
    (error,) = list(read_paths([tmp_path / "nope.txt"]))
    assert isinstance(error, SourceError) and "no such file" in str(error)


def test_truncated_array_keeps_the_studies_before_the_cut(tmp_path: Path) -> None:
    study = b'{"protocolSection": {"identificationModule": {"nctId": "NCT01234567"}}}'
    path = tmp_path / "cut.json"
    path.write_bytes(b"[" + study + b"," + study.replace(b"67", b"68") + b", {\"protocolSection\": {")
    results = list(read_paths([path]))
    assert [r.nct_id for r in results[:2]] == ["NCT01234567", "NCT01234568"]
    assert isinstance(results[2], SourceError) and "truncated" in str(results[2])


def test_gzipped_page_is_read(tmp_path: Path, seeds_dir: Path) -> None:
    page = (seeds_dir / "001_13b9b4bd7733e678.txt").read_bytes()
    path = tmp_path / "page.gz"
    path.write_bytes(gzip.compress(page))
    (record,) = list(read_paths([path]))
    assert record.nct_id == "NCT03971214"


def test_cli_goes_on_after_bad_files_and_exits_non_zero(tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.html").write_bytes(b"<html><body>x</body></html>")
    seed = seeds_dir / "002_75943421a9a540ee.txt"
    proc = subprocess.run([sys.executable, "-m", "kg", "extract", "--json", str(tmp_path / "empty.txt"), str(seed),
                           str(tmp_path / "page.html")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert '"nct_id": "NCT04523493"' in proc.stdout
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 2
    assert "Traceback" not in proc.stderr
