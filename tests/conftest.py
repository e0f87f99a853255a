"""Shared test fixtures: where the third-party seed pages and real records live.

They are read from ``../shared`` (beside the repo), never copied into it. ``KG_SHARED`` overrides.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def require(path: Path) -> Path:
    """The path, or skip the test when the shared data is not beside the repo."""
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require(SEEDS)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return require(DATA)


# Reliability report (issue: hostile input and crashes): tests add to these counts; printed after the run.
RELIABILITY: dict[str, int] = {}


def count(key: str, n: int = 1) -> None:
    RELIABILITY[key] = RELIABILITY.get(key, 0) + n


def pytest_terminal_summary(terminalreporter) -> None:
    if RELIABILITY:
        terminalreporter.write_sep("-", "reliability report")
        for key, value in sorted(RELIABILITY.items()):
            terminalreporter.write_line(f"{key}: {value}")
