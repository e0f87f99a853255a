"""Print the mapping fingerprints of the corpora tests/test_mapping_version.py checks, as rows for
tests/mapping-fingerprints.tsv. After a change to parsing, mapping, resolution data or shapes: bump
kg.MAPPING_VERSION, write the change in CHANGELOG.md, review what changed in the graphs, then add these rows."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from kg import MAPPING_VERSION  # noqa: E402
from mapping_corpora import CORPORA, fingerprint  # noqa: E402

for name, paths in CORPORA.items():
    if all(Path(p).exists() for p in paths):
        print(f"{MAPPING_VERSION}\t{name}\t{fingerprint(paths)}")
