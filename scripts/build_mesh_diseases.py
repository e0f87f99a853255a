"""Write data/conditions/mesh-diseases.tsv.gz from ../shared/data/mesh-2024-diseases (MeSH 2024, trees C and F03):
one row per descriptor: UI, name, tree numbers and every term (entry terms and their permutations), '|'-separated."""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "mesh-2024-diseases"
OUT = REPO / "data" / "conditions" / "mesh-diseases.tsv.gz"


def main() -> None:
    terms: dict[str, list[str]] = {}
    with gzip.open(SOURCE / "mesh-c-terms.tsv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            terms.setdefault(row["mesh_id"], []).append(row["term"])
    with gzip.open(SOURCE / "mesh-c-descriptors.tsv.gz", "rt", encoding="utf-8") as fh, \
            gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["mesh_id", "name", "tree_numbers", "terms"])
        for row in csv.DictReader(fh, delimiter="\t"):
            names = [t for t in dict.fromkeys(terms.get(row["mesh_id"], [])) if t != row["name"]]
            writer.writerow([row["mesh_id"], row["name"], row["tree_numbers"], "|".join(names)])
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
