"""Bad input: each case gives one clear error naming the file; the rest of a batch goes on."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources.reader import read_paths

from conftest import count

CATALOGUE = Path(__file__).parent / "bad-input-catalogue.tsv"


def _generators() -> dict:
    mb = 1 << 20
    return {
        "deep_array": lambda: b"[" * 200_000,
        "deep_object": lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "huge_json_value": lambda: b'{"protocolSection": {"x": "' + b"a" * (200 * mb) + b'"}}',
        "huge_text": lambda: b"NCT ID: NCT01234567\n" + b"a" * (200 * mb),
        "gzip_nul_bomb": lambda: gzip.compress(b"\x00" * (50 * mb)),
    }


def catalogue() -> list[tuple[str, str, str]]:
    """(case, input, expected message) rows of tests/bad-input-catalogue.tsv."""
    with open(CATALOGUE, encoding="utf-8") as fh:
        return [(r["case"], r["input"], r["expected"]) for r in csv.DictReader(fh, delimiter="\t")]


def build_input(spec: str) -> bytes:
    kind, _, body = spec.partition(":")
    if kind == "generator":
        return _generators()[body]()
    return eval(body, {"__builtins__": {"bytes": bytes, "range": range}})  # literals of our own data file


@pytest.mark.parametrize(("case", "spec", "expected"), catalogue(), ids=[c[0] for c in catalogue()])
def test_bad_file_gives_one_clear_error(tmp_path: Path, case: str, spec: str, expected: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(build_input(spec))
    results = list(read_paths([path]))
    assert results, "no error reported"
    count("bad inputs from the catalogue, each a clear error")
    for error in results:  # one per file, or one per bad study in a multi-study file
        assert isinstance(error, SourceError), error
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
