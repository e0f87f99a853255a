"""Store faults: a full disk or a file-size limit mid-ingest, damaged files. The committed documents
survive, the error is one line, and after the cause is removed the next run completes."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kg.store import TrialStore

from conftest import count


def _kg(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=900,
                          preexec_fn=limit if fsize else None)


def _one_error_line(proc: subprocess.CompletedProcess, expected: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], lines


def _documents(store: Path) -> set[str]:
    with TrialStore(store, read_only=True) as s:
        return set(s.documents())


@pytest.fixture()
def seeded(tmp_path: Path, seeds_dir: Path) -> Path:
    store = tmp_path / "store"
    assert _kg("build", "--store", str(store), str(seeds_dir)).returncode == 0
    return store


@pytest.mark.parametrize("fsize", [256 << 10, 4 << 20])
def test_a_file_size_limit_mid_ingest_keeps_the_store_and_the_rerun_completes(seeded: Path, data_dir: Path,
                                                                             fsize: int) -> None:
    before = _documents(seeded)
    records = str(data_dir / "ctgov-tigit-watch")
    _one_error_line(_kg("build", "--store", str(seeded), records, fsize=fsize), "File too large")
    assert _documents(seeded) == before
    assert _kg("query", "data-quality", "--store", str(seeded)).returncode == 0
    rerun = _kg("build", "--store", str(seeded), records)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert len(_documents(seeded)) == len(before) + 1178
    count("store faults survived (file-size limit mid-ingest)")


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 40 MB filesystem of the test's own (tmpfs, which needs root); remounted larger by ``grow()``."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")

    def grow() -> None:
        subprocess.run(["mount", "-o", "remount,size=400m", str(mount)], check=True)

    try:
        yield mount, grow
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_mid_ingest_keeps_the_store_and_the_rerun_completes(small_disk, seeds_dir: Path,
                                                                        data_dir: Path) -> None:
    mount, grow = small_disk
    store = mount / "store"
    assert _kg("build", "--store", str(store), str(seeds_dir)).returncode == 0
    before = _documents(store)
    records = str(data_dir / "ctgov-tigit-watch")
    _one_error_line(_kg("build", "--store", str(store), records), "No space left on device")
    assert _documents(store) == before
    assert not (store / "checkpoint").exists() and not (store / "restore-pending").exists()
    grow()
    rerun = _kg("build", "--store", str(store), records)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert len(_documents(store)) == len(before) + 1178
    count("store faults survived (full disk mid-ingest)")


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_damaged_store_files_give_one_line_naming_the_store(seeded: Path, seeds_dir: Path, damage: str) -> None:
    for sst in [*seeded.glob("db/*.sst"), *seeded.glob("snapshots/*/*.sst")]:
        if damage == "missing":
            sst.unlink()
        else:
            with open(sst, "r+b") as fh:
                fh.truncate(100)
    _one_error_line(_kg("stats", "--store", str(seeded)), f"the store at {seeded} is damaged")
    _one_error_line(_kg("query", "data-quality", "--store", str(seeded)), f"the store at {seeded} is damaged")
    _one_error_line(_kg("build", "--store", str(seeded), str(seeds_dir)), f"the store at {seeded} is damaged")


def test_a_checkpoint_left_for_restoring_is_put_back_before_the_next_ingest(seeded: Path, data_dir: Path) -> None:
    """When the failed ingest's process cannot close its database, it leaves its checkpoint as
    restore-pending/; the next writer swaps it in before it opens the database."""
    before = _documents(seeded)
    saved = seeded.parent / "saved-db"
    shutil.copytree(seeded / "db", saved)  # the state before the ingest that "failed"
    assert _kg("build", "--store", str(seeded), str(data_dir / "ctgov-nsclcbench")).returncode == 0
    assert len(_documents(seeded)) == len(before) + 100
    saved.rename(seeded / "restore-pending")
    with TrialStore(seeded) as store:  # a writer
        assert set(store.documents()) == before
    assert not (seeded / "restore-pending").exists()
