"""Write data/organizations/ror.tsv.gz from ../shared/data/ror-organizations (ROR v2.9 subset, CC0): one row per
active record: ROR id, name, other names (aliases and labels in every language), acronyms, country code, city,
types, and parents as ``id=label`` (a parent outside the subset keeps the label ROR gives it), '|'-separated."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "ror-organizations" / "ror-orgs.jsonl.gz"
OUT = REPO / "data" / "organizations" / "ror.tsv.gz"


def _clean(text: str) -> str:
    return " ".join(text.replace("|", " ").replace("=", " ").split())


def main() -> None:
    written = 0
    with gzip.open(SOURCE, "rt", encoding="utf-8") as fh, gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("ror_id\tname\tnames\tacronyms\tcountry\tcity\ttypes\tparents\n")
        records = sorted((json.loads(line) for line in fh), key=lambda r: r["ror_id"])
        for r in records:
            if r["status"] != "active":
                continue
            names = [a for a in dict.fromkeys([*r["aliases"], *(lab["value"] for lab in r["labels"])]) if a != r["name"]]
            parents = [f"{x['id']}={_clean(x['label'])}" for x in r["relationships"] if x["type"] == "parent"]
            out.write("\t".join([r["ror_id"], _clean(r["name"]), "|".join(map(_clean, names)), "|".join(map(_clean, r["acronyms"])),
                                  r["country_code"] or "", _clean(r["city"] or ""), "|".join(r["types"]), "|".join(parents)]) + "\n")
            written += 1
    print(f"wrote {written} records to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
