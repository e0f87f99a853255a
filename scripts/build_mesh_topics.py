"""Write data/conditions/mesh-topics.tsv.gz: the MeSH 2024 descriptors a stated condition may name that are not
diseases (procedures, behaviour, phenomena, people, health care: trees E, F01, F02, F04, G03-G16, I, M, N), one row per
descriptor as in ``mesh-diseases.tsv.gz``: UI, name, tree numbers and every term but abbreviations and acronyms.

Source: github.com/jaytimm/mesh-resources @ c72a6a58891156b8ecbe8df97b7142daf1e2b1c9, ``data/data_mesh_thesaurus.rds``
(blob a5ea8883) and ``data/data_mesh_trees.rds`` (blob fc4c211f), built from NLM ``desc2024`` and ``mtrees2024`` (the
files ``../shared/data/mesh-2024-diseases`` was extracted from). Needs ``pip install pyreadr pandas``.

    python scripts/build_mesh_topics.py data_mesh_thesaurus.rds data_mesh_trees.rds
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from pathlib import Path

import pyreadr  # type: ignore[import-not-found]

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "conditions" / "mesh-topics.tsv.gz"
# the categories kept: what registries state as a "condition" that is no disease ("Kidney Transplantation", "Pregnancy",
# "Smoking", "Healthy Volunteers", "Quality of Life"); not anatomy (A), organisms (B), chemicals and drugs (D),
# disciplines (H), technology (J), information science (L), publication types (V) or places (Z); nor physical and
# chemical phenomena (G01, G02), whose words mean something else in a trial ("Compliance" of a lung, "Radiation")
KEPT = re.compile(r"^(?:E|F01|F02|F04|G(?!0[12])|I|M|N)")
DISEASE = re.compile(r"^(?:C|F03)")


def main(thesaurus: Path, trees: Path) -> None:
    terms = next(iter(pyreadr.read_r(str(thesaurus)).values()))
    tree = next(iter(pyreadr.read_r(str(trees)).values()))
    numbers: dict[str, set[str]] = {}
    for row in tree.itertuples():
        numbers.setdefault(row.DescriptorUI, set()).add(row.tree_location)
    kept = {d for d, ns in numbers.items() if any(KEPT.match(n) for n in ns) and not any(DISEASE.match(n) for n in ns)}
    names: dict[str, str] = {}
    written: dict[str, list[str]] = {}
    for row in terms.itertuples():
        if row.DescriptorUI not in kept:
            continue
        names[row.DescriptorUI] = row.DescriptorName
        if row.LexicalTag in ("ABB", "ACR") or not re.search(r"[a-z]", row.TermName):  # "PPD", "MRI": never by themselves
            continue
        written.setdefault(row.DescriptorUI, []).append(row.TermName)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["mesh_id", "name", "tree_numbers", "terms"])
        for d in sorted(kept):
            others = [t for t in dict.fromkeys(written.get(d, [])) if t != names[d]]
            writer.writerow([d, names[d], "|".join(sorted(numbers[d])), "|".join(others)])
    print(f"wrote {OUT}: {len(kept)} descriptors", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
