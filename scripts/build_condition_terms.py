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


def ancestors_by_term(data: Path) -> dict[str, set[str]]:
    """MeSH descriptor -> its ancestors, from the records that carry exactly one condition descriptor
    (their registry-listed ancestors are that descriptor's); intersected over all such records."""
    from kg.sources.reader import read_paths

    found: dict[str, set[str]] = {}
    for r in read_paths([data / d for d in ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-dgg32-samples",
                                               "ctgov-aact-fixtures/api_v2_json")]):
        meshes = [m.id for m in getattr(r, "condition_mesh", ()) if m.id]
        if len(meshes) == 1:
            anc = {m.id for m in r.condition_mesh_ancestors if m.id}
            found[meshes[0]] = found[meshes[0]] & anc if meshes[0] in found else anc
    return {k: v for k, v in found.items() if v}


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
    ancestors = ancestors_by_term(data)
    with open(out / "mesh-ancestors.tsv", "w", encoding="utf-8") as fh:
        fh.write("mesh_id\tancestor_id\n")
        for mid in sorted(ancestors):
            for anc in sorted(ancestors[mid]):
                fh.write(f"{mid}\t{anc}\n")
    (out / "SOURCES.md").write_text(
        "# data/conditions\n\n`mesh-conditions.tsv`: {n} MeSH condition descriptors (UI, term) that ClinicalTrials.gov (NLM)\n"
        "assigned to the 1,438 real API v2 records in ../shared/data (their `derivedSection.conditionBrowseModule`\n"
        "meshes and ancestors), from the extract `ctgov_derived_mesh_terms.tsv` (sha256 `{sha}`). MeSH is produced by\n"
        "the U.S. National Library of Medicine; ids normalized to the 6-digit form where zero-padded.\n"
        "`mesh-ancestors.tsv`: descriptor -> ancestor pairs for {a} descriptors, derived from the same records: for a\n"
        "record that carries exactly one condition descriptor, the ancestors the registry lists are that descriptor's;\n"
        "intersected over all such records (so only ancestors every such record agrees on are kept).\n"
        "Written by `scripts/build_condition_terms.py`.\n".format(n=len(terms), a=len(ancestors), sha=hashlib.sha256(src.read_bytes()).hexdigest()),
        encoding="utf-8")
    print(len(terms), "terms")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
