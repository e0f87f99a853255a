"""Read views of a store: immutable snapshots that readers open while an ingest writes.

Oxigraph (RocksDB) does not support opening a database read-only while another process writes it
(compaction deletes files a reader needs), so readers never open the live database. A store directory
holds::

    db/                  the database; only an ingest opens it (read-write, one at a time)
    snapshots/<name>/    a checkpoint of db taken after each committed ingest (hard links: cheap)
    snapshots/CURRENT    the name of the newest snapshot
    snapshots/<name>.lock  readers hold a shared lock on the snapshot they read
    checkpoint/          the state before the running ingest, restored if it fails
    writer.lock          held by the running ingest

A reader sees the store as of the last ingest that finished: each document whole, old or new version.
A published snapshot is never changed; an ingest deletes an older one only when no reader holds it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError

_CURRENT = "CURRENT"


def snapshots_dir(root: Path) -> Path:
    return root / "snapshots"


def current_name(root: Path) -> str | None:
    """The name of the newest snapshot of the store at ``root``, or ``None`` before the first ingest."""
    try:
        return (snapshots_dir(root) / _CURRENT).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def publish(db: ox.Store, root: Path) -> str:
    """Take a snapshot of ``db`` (committed and flushed), make it the current one, and delete older
    snapshots that no reader holds. Returns its name."""
    folder = snapshots_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():x}"
    db.flush()
    db.backup(str(folder / name))
    (folder / f"{name}.lock").touch()
    pointer = folder / f"{_CURRENT}.tmp"
    pointer.write_text(name, encoding="ascii")
    os.replace(pointer, folder / _CURRENT)
    _prune(folder, keep=name)
    return name


def prune(root: Path) -> None:
    """Delete the snapshots older than the current one that no reader holds (also done by ``publish``)."""
    if (name := current_name(root)) is not None:
        _prune(snapshots_dir(root), keep=name)


def _prune(folder: Path, keep: str) -> None:
    for lock in folder.glob("*.lock"):
        name = lock.name.removesuffix(".lock")
        if name == keep:
            continue
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a reader still uses it: the next ingest tries again
            os.close(fd)
            continue
        shutil.rmtree(folder / name, ignore_errors=True)
        lock.unlink(missing_ok=True)
        os.close(fd)
    for orphan in folder.iterdir():  # a snapshot whose publication was cut short by a kill
        if orphan.is_dir() and orphan.name != keep and not (folder / f"{orphan.name}.lock").exists():
            shutil.rmtree(orphan, ignore_errors=True)


class Snapshot:
    """A reader's hold on the newest snapshot of a store (a shared lock, released by ``release()``)."""

    def __init__(self, root: Path) -> None:
        self._fd: int | None = None
        for _ in range(100):
            name = current_name(root)
            if name is None:
                raise KGError(f"no trialkg store at {root} (build one with: kg build PATH --store {root})")
            try:
                fd = os.open(snapshots_dir(root) / f"{name}.lock", os.O_RDWR)
            except FileNotFoundError:  # deleted between reading CURRENT and opening: a newer one exists
                continue
            fcntl.flock(fd, fcntl.LOCK_SH)
            if (snapshots_dir(root) / name).is_dir():
                self.root, self.name, self.path, self._fd = root, name, snapshots_dir(root) / name, fd
                return
            os.close(fd)
        raise KGError(f"cannot get a stable snapshot of the store at {root}")

    def is_current(self) -> bool:
        """False once a later ingest has published a newer snapshot."""
        return current_name(self.root) == self.name

    def open(self) -> ox.Store:
        """The snapshot as a read-only pyoxigraph store."""
        return ox.Store.read_only(str(self.path))

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
