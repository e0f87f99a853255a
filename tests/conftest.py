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


from virtuoso_server import virtuoso  # noqa: E402,F401 - a Virtuoso server for each test module that asks for one


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require(SEEDS)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return require(DATA)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, seeds_dir: Path) -> Path:
    """A store built from the seed pages, for tests that only read it."""
    from kg.sources.reader import read_paths
    from kg.ingest import ingest
    from kg.store import TrialStore

    path = tmp_path_factory.mktemp("seedstore") / "store"
    with TrialStore(path) as store:
        ingest(store, read_paths([seeds_dir]))
    return path


# the three ClinicalTrials.gov sets of ../shared/data that records_store holds beside the seeds
RECORD_SETS = ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-dgg32-samples")


@pytest.fixture(scope="session")
def records_store(tmp_path_factory, seeds_dir: Path, data_dir: Path) -> Path:
    """A store built from the seed pages and the real records of ``RECORD_SETS``, for tests that only read it."""
    from kg.sources.reader import read_paths
    from kg.ingest import ingest
    from kg.store import TrialStore

    path = tmp_path_factory.mktemp("recordstore") / "store"
    records = [r for r in read_paths([seeds_dir] + [data_dir / s for s in RECORD_SETS]) if not hasattr(r, "reason")]
    with TrialStore(path) as store:
        assert ingest(store, iter(records)).failed == []
    return path


# Parameters for every named query that takes any: the seed pages answer each of them.
NAMED_PARAMS = {"trials-by-drug": {"drug": "JS-001"}, "sponsors-by-drug": {"drug": "toripalimab"},
                "drugs-by-sponsor": {"sponsor": "Junshi Biosciences"}, "trials-by-condition": {"condition": "HCC"},
                "trials-by-country": {"country": "China", "phase": "PHASE3"}, "sites-of-trial": {"trial": "NCT04523493"},
                "related-trials": {"trial": "NCT06505837", "hops": "2"}, "co-tested-drugs": {"drug": "toripalimab"},
                "aliases-of": {"drug": "pianpulimab"}, "drug-spellings": {"drug": "JS-001"}, "trials-by-target": {"target": "PD-1"},
                "drugs-by-target": {"target": "CD279"}, "trials-by-drug-class": {"drug_class": "anti-PD-1 antibody"},
                "sponsors-by-target": {"target": "programmed cell death 1"},
                "sponsor-aliases": {"sponsor": "Junshi Biosciences"}, "condition-aliases": {"condition": "HCC"},
                "trials": {"drug": "JS-001", "country": "China"},
                "adverse-events-by-drug": {"drug": "Xolair", "seriousness": "serious"},
                "outcomes-of-trial": {"trial": "NCT00079937"}}


# Tests that take more than a few seconds each (whole real-record sets, killed or concurrent ingests, servers):
# `python -m pytest -m "not slow"` leaves them out (under 3 minutes here); CI runs everything.
SLOW = ("test_crash.py", "test_bulk.py", "test_concurrency.py", "test_store_faults.py", "test_virtuoso.py", "test_virtuoso_results.py",
        "test_benchmarks.py", "test_seed_pages_and_every_real_record_validate_without_violation",
        "test_build_validates_exactly_the_documents_it_wrote", "multiworker_build", "200 MB", "1 GB", "50 MB",
        "from_any_real_record", "test_summaries_follow_every_ingest", "test_export_never_writes_contact",
        "test_export_round_trips", "test_sigkill", "test_waiting_for_a_worker", "test_a_file_size_limit",
        "test_export_syntax.py", "test_web_browser.py", "made_again", "test_cli_aliases_unresolved", "test_cli_list_file_and_errors",
        "test_sparql_rules_agree_with_hermit",
        "test_drug_classes_are_owl_classes_hermit", "test_cli_analyze_export_plot", "test_cli_build_prints_summary")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if any(part in item.nodeid for part in SLOW):
            item.add_marker(pytest.mark.slow)


# Reliability report (issue: hostile input and crashes): tests add to these counts; printed after the run.
RELIABILITY: dict[str, int] = {}


def count(key: str, n: int = 1) -> None:
    RELIABILITY[key] = RELIABILITY.get(key, 0) + n


def pytest_terminal_summary(terminalreporter) -> None:
    if RELIABILITY:
        terminalreporter.write_sep("-", "reliability report")
        for key, value in sorted(RELIABILITY.items()):
            terminalreporter.write_line(f"{key}: {value}")
