"""Indexes built once from the shipped data files and kept as pickles in ``$XDG_CACHE_HOME/trialkg``.

A cache file is named by a digest of the data files and of a salt (the index code's version), so an index is
rebuilt whenever either changes; a cache that cannot be read or written (a read-only home) means building again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def digest(files: Sequence[Path], salt: str) -> str:
    """The version of an index: its data files' bytes and ``salt``."""
    h = hashlib.sha256(salt.encode())
    for p in files:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def path_of(name: str, version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "trialkg" / f"{name}-{version}.pickle"


def load_or_build(name: str, version: str, build: Callable[[], T], kind: type[T]) -> T:
    """The index ``name`` at ``version`` from its cache file, else ``build()`` and cache it (older versions removed)."""
    path = path_of(name, version)
    try:
        with open(path, "rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, kind) and getattr(found, "version", version) == version:
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # build workers may write at once: each its own file
        with open(tmp, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for stale in path.parent.glob(f"{name}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build each time
    return built
