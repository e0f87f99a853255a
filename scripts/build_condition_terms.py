"""Build ``data/conditions/mesh-conditions.tsv``: MeSH condition descriptors (id, term) assigned by
ClinicalTrials.gov (NLM) in the real records' ``derivedSection``, from the extract in ../shared/data.

    python scripts/build_condition_terms.py ../shared/data data/conditions
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

from kg.sources.ctgov_json import mesh_id


def main(data: Path, out: Path) -> None:
    src = data / "mesh-from-ctgov-records" / "ctgov_derived_mesh_terms.tsv"
    terms: dict[str, str] = {}
    with open(src, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["kind"] == "condition" and row["role"] in ("mesh", "ancestor") and row["mesh_id"][:1] in "DC":
                terms.setdefault(mesh_id(row["mesh_id"]), row["term"])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "mesh-conditions.tsv", "w", encoding="utf-8") as fh:
        fh.write("mesh_id\tterm\n")
        for mid, term in sorted(terms.items()):
            fh.write(f"{mid}\t{term}\n")
    (out / "SOURCES.md").write_text(
        "# data/conditions\n\n`mesh-conditions.tsv`: {n} MeSH condition descriptors (UI, term) that ClinicalTrials.gov (NLM)\n"
        "assigned to the 1,438 real API v2 records in ../shared/data (their `derivedSection.conditionBrowseModule`\n"
        "meshes and ancestors), from the extract `ctgov_derived_mesh_terms.tsv` (sha256 `{sha}`). MeSH is produced by\n"
        "the U.S. National Library of Medicine; ids normalized to the 6-digit form where zero-padded.\n"
        "Written by `scripts/build_condition_terms.py`.\n".format(n=len(terms), sha=hashlib.sha256(src.read_bytes()).hexdigest()),
        encoding="utf-8")
    print(len(terms), "terms")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
