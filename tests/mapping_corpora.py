"""The corpora whose mapping is fingerprinted (tests/test_mapping_version.py, scripts/mapping_fingerprint.py):
the bundled sample, and the seed pages with one real file of each record format from ../shared.

A fingerprint covers what the mapping makes: the graphs of a corpus, built at a fixed time with drug resolution,
plus the shapes. It changes exactly when parsing, mapping or resolution output changes (or the shapes do),
which is when ``kg.MAPPING_VERSION`` must change too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import datetime, timezone

import pyoxigraph as ox

from kg import __version__
from kg.build import BuildOptions, record_quads
from kg.resolve.drugs import DrugResolver
from kg.resolve.linker import InterventionLinker
from kg.resources import data_dir
from kg.sources.reader import read_paths

from conftest import DATA, REPO, SEEDS, SHARED

FIXED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)


def fingerprint(paths: Iterable[str | os.PathLike]) -> str:
    """sha256 (first 16 hex digits) of the sorted N-Quads of every record under ``paths``, its errors, and the shapes."""
    h = hashlib.sha256((data_dir("shapes") / "trialkg.shacl.ttl").read_bytes())
    options = BuildOptions(ingested_at=FIXED_TIME, resolver=InterventionLinker(DrugResolver()))
    lines: list[bytes] = []
    for item in read_paths(sorted(map(str, paths))):
        if hasattr(item, "reason"):
            lines.append(f"error {item}".encode())
            continue
        _, quads = record_quads(item, options)
        lines.extend(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines())
    for root in (REPO, SHARED):  # where the checkout and shared/ are is no part of the mapping
        lines = [line.replace(str(root).encode(), b"<root>") for line in lines]
    version = f'"{__version__}"'.encode()  # nor the package's version (provenance names it; MAPPING_VERSION is the mapping's)
    lines = [line.replace(version, b'"<version>"') for line in lines]
    for line in sorted(lines):
        h.update(line + b"\n")
    return h.hexdigest()[:16]


CORPORA = {
    "examples": [REPO / "examples"],
    "shared": [SEEDS, DATA / "ctgov-aact-fixtures" / "api_v2_json", DATA / "ctgov-aact-fixtures" / "classic_api_json" / "results_2.json",
               DATA / "ctgov-aact-fixtures" / "legacy_xml"],
}
