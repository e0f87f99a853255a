"""Bad input: each case gives one clear error naming the file; the rest of a batch goes on."""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import warnings
import zipfile
import sys
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources.reader import read_paths

from conftest import count

CATALOGUE = Path(__file__).parent / "bad-input-catalogue.tsv"


MINIMAL_STUDY = b'{"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "T"}}}'
MINIMAL_XML = ('<?xml version="1.0" encoding="UTF-8"?><clinical_study><id_info><nct_id>NCT01234568</nct_id>'
               '</id_info><brief_title>T</brief_title></clinical_study>')


def _zip(*members: tuple[str, bytes], flag: int = 0, method: int | None = None) -> bytes:
    """A zip of ``members``; ``flag`` set in every header's flag bits, ``method`` written as every member's
    compression method (both as a hostile archive would state them)."""
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as archive:
        warnings.simplefilter("ignore")  # a duplicate name is the point of one case
        for name, data in members:
            archive.writestr(name, data)
    data = bytearray(buf.getvalue())
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.find(sig)
        while at >= 0:
            data[at + flag_at] |= flag
            if method is not None:
                data[at + method_at] = method
            at = data.find(sig, at + 4)
    return bytes(data)


def _gzip_whitespace() -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        chunk = b" " * (1 << 24)
        for _ in range(64):  # 1 GB
            gz.write(chunk)
    return out.getvalue()


def _generators() -> dict:
    mb = 1 << 20
    other = MINIMAL_STUDY.replace(b"67", b"69")
    return {
        "gzip_in_gzip": lambda: gzip.compress(gzip.compress(MINIMAL_STUDY)),
        "gzip_whitespace": _gzip_whitespace,
        "zip_encrypted": lambda: _zip(("a.json", MINIMAL_STUDY), flag=0x1),
        "zip_unknown_method": lambda: _zip(("a.json", MINIMAL_STUDY), method=99),
        "zip_empty": lambda: _zip(),
        "zip_duplicate_names": lambda: _zip(("a.json", MINIMAL_STUDY), ("a.json", other)),
        "utf16_xml": lambda: MINIMAL_XML.encode("utf-16"),
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


def write_input(path: Path, spec: str) -> None:
    """The catalogue case ``spec`` at ``path`` (a FIFO for ``fifo:``)."""
    if spec.startswith("fifo:"):
        os.mkfifo(path)
    else:
        path.write_bytes(build_input(spec))


ACCEPTED = "ingested"  # the expected column of a hostile input that must be read, not refused


@pytest.mark.parametrize(("case", "spec", "expected"), catalogue(), ids=[c[0] for c in catalogue()])
def test_bad_file_gives_one_clear_error(tmp_path: Path, case: str, spec: str, expected: str) -> None:
    path = tmp_path / "input"
    write_input(path, spec)
    results = list(read_paths([path]))
    assert results, "no error reported"
    count("bad inputs from the catalogue, each a clear error")
    for item in results:  # one per file, or one per bad study in a multi-study file
        if expected == ACCEPTED:
            assert not isinstance(item, SourceError), item
            assert item.nct_id.startswith("NCT")
            continue
        assert isinstance(item, SourceError), item
        assert str(path) in str(item)
        assert expected in str(item)
        assert "\n" not in str(item)


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


def _build(store: Path, *paths: Path) -> subprocess.CompletedProcess:
    """The real ``kg build`` with two workers, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "kg", "build", "--workers", "2", "--store", str(store),
                           *map(str, paths)], capture_output=True, text=True, timeout=900)


def _stored_trials(store: Path) -> set[str]:
    from kg.store import TrialStore

    with TrialStore(store, read_only=True) as s:
        return {g.rsplit("/", 1)[1] for g in s.documents()}


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_catalogue_through_multiworker_build_in_one_directory(tmp_path: Path, seeds_dir: Path) -> None:
    """Every catalogue case as one bad file among good ones in one directory: the good land, one line per
    bad file names it and the reason, exit code 1, no traceback."""
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(seeds_dir.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    cases = catalogue()
    for k, (_, spec, _) in enumerate(cases):
        write_input(folder / f"case-{k:02d}", spec)
    proc = _build(tmp_path / "store", folder)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = _error_lines(proc.stderr)
    for k, (case, _, expected) in enumerate(cases):
        mine = [e for e in errors if f"case-{k:02d}" in e]
        if expected == ACCEPTED:
            assert not mine, (case, mine)
        else:
            assert mine and all(expected in e for e in mine), (case, mine)
    assert len(errors) == sum(len([e for e in errors if f"case-{k:02d}" in e]) for k in range(len(cases)))
    seeds = {"NCT06505837", "NCT03971214", "NCT04523493", "NCT06749886", "NCT06048315"}
    assert seeds <= _stored_trials(tmp_path / "store")
    count("catalogue cases through the multi-worker kg build (directory)", len(cases))


def test_catalogue_through_multiworker_build_in_one_json_lines_file(tmp_path: Path, data_dir: Path) -> None:
    """Every catalogue case that is one JSON value, as one bad line among good studies in one JSON Lines
    file: the good studies land, one line per bad study names the file, the line and the reason."""
    good = gzip.open(data_dir / "ctgov-tigit-watch" / "studies_api_v2.jsonl.gz").read().splitlines()[:12]
    cases = []
    for case, spec, expected in catalogue():
        data = None if spec.startswith("fifo:") else build_input(spec)
        if data and data.lstrip()[:1] in (b"{", b"[") and b"\n" not in data.strip() and expected != ACCEPTED:
            cases.append((case, data, expected))
    assert len(cases) >= 15
    lines = []
    for k, (_, data, _) in enumerate(cases):
        lines.append(good[k % len(good)])
        lines.append(data)
    lines += good
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    proc = _build(tmp_path / "store", path)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1
    errors = _error_lines(proc.stderr)
    assert len(errors) == len(cases), errors
    for error, (case, _, expected) in zip(errors, cases):  # reported in input order
        assert str(path) in error and expected in error, (case, error)
    ids = {orjson_id(g) for g in good}
    assert ids <= _stored_trials(tmp_path / "store")
    count("catalogue studies through the multi-worker kg build (one JSON Lines file)", len(cases))


def orjson_id(line: bytes) -> str:
    import json

    return json.loads(line)["protocolSection"]["identificationModule"]["nctId"]


def test_a_page_writing_its_id_in_lower_case_is_read_whole(tmp_path: Path, seeds_dir: Path) -> None:
    page = (seeds_dir / "000_7b35a79bb7172886.txt").read_text(encoding="utf-8")
    path = tmp_path / "lower.txt"
    path.write_text(page.replace("NCT06505837", "nct06505837"), encoding="utf-8")
    (record,) = list(read_paths([path]))
    (original,) = list(read_paths([seeds_dir / "000_7b35a79bb7172886.txt"]))
    assert record.nct_id == "NCT06505837"
    assert record.title == original.title and record.interventions == original.interventions


def test_a_lone_surrogate_becomes_the_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(MINIMAL_STUDY.replace(b'"T"', b'"a\\ud800b \\ud83d\\ude00"'))
    (record,) = list(read_paths([path]))
    assert record.title == "a\ufffdb \U0001F600"  # a lone half replaced, a whole pair kept


def test_an_unforeseen_failure_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """A bug anywhere under the command line (here: the store opening raising what nothing expects) is one line
    naming it, exit code 3; KG_DEBUG=1 gives the traceback."""
    script = ("import kg.cli, kg.store\n"
              "def broken(*a, **k): raise RuntimeError('disk said no')\n"
              "kg.store.TrialStore.__init__ = broken\n"
              "kg.cli.run()\n")
    args = [sys.executable, "-c", script, "stats", "--store", str(tmp_path / "s")]
    quiet = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 3, quiet.stderr
    assert quiet.stderr.strip().splitlines() == [
        "error: unexpected RuntimeError: disk said no (a bug in trialkg; KG_DEBUG=1 shows the traceback)"]
    loud = subprocess.run(args, capture_output=True, text=True, timeout=120, env={**os.environ, "KG_DEBUG": "1"})
    assert loud.returncode == 1 and "Traceback" in loud.stderr and "disk said no" in loud.stderr


def test_output_cut_short_by_a_closed_pipe_ends_quietly(data_dir: Path) -> None:
    """``kg extract ... --json | head -c 10`` (megabytes of output, the reader gone after 10 bytes): no
    BrokenPipeError traceback, exit 1."""
    proc = subprocess.run(f"{sys.executable} -m kg extract {data_dir / 'ctgov-tigit-watch'} --json | head -c 10; "
                          "exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True, text=True,
                          timeout=300)
    assert proc.stdout == "[\n{\n  \"nct" and proc.stderr == "" and proc.returncode == 1, proc.stderr
