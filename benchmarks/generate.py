"""Scale the real ClinicalTrials.gov API v2 records in ../shared/data to any number of studies.

Study ``i`` is real study ``i mod 1,428`` with a unique NCT id (NCT9xxxxxxx, outside the range the registry
has used). From the second round on, its lead sponsor, its sites and its interventions come from other real
studies (chosen by a seeded random generator): drugs, sponsors and sites are reused across studies as in the
registry, but each synthetic study is a new combination, so the graph does not just repeat itself. The
output is gzipped JSON Lines in shards of 50,000 studies, the shape of a bulk download.

    python benchmarks/generate.py 100000 OUT_DIR [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
V2_FILES = ["ctgov-tigit-watch/studies_api_v2.jsonl.gz", "ctgov-nsclcbench/ctg-studies.json",
            "ctgov-dgg32-samples/clinical-trials-public_ctg-studies-5.json",
            "ctgov-dgg32-samples/graph_bigquery_ctg-studies.json"]
SHARD = 50_000


def real_studies(data: Path) -> list[dict]:
    """The 1,428 real API v2 studies."""
    out: list[dict] = []
    for name in V2_FILES:
        path = data / name
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                out += [orjson.loads(line) for line in fh if line.strip()]
        else:
            out += json.loads(path.read_text(encoding="utf-8"))
    return out


def synthetic(studies: list[dict], i: int, rng: random.Random) -> dict:
    """Study number ``i``: a real one with a new NCT id, recombined after the first round."""
    study = orjson.loads(orjson.dumps(studies[i % len(studies)]))
    protocol = study["protocolSection"]
    protocol["identificationModule"]["nctId"] = f"NCT{90000000 + i:08d}"
    if i >= len(studies):
        for module, key in (("sponsorCollaboratorsModule", "leadSponsor"), ("contactsLocationsModule", "locations"),
                            ("armsInterventionsModule", "interventions")):
            donor = rng.choice(studies)["protocolSection"].get(module, {}).get(key)
            if donor is not None:
                protocol.setdefault(module, {})[key] = donor
    return study


def generate(size: int, out: Path, data: Path, seed: int = 20261122) -> list[Path]:
    """Write ``size`` studies as shards ``studies-NNNNN.jsonl.gz`` under ``out``; returns their paths."""
    studies = real_studies(data)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for start in range(0, size, SHARD):
        path = out / f"studies-{start // SHARD:05d}.jsonl.gz"
        with gzip.open(path, "wb", compresslevel=1) as fh:
            for i in range(start, min(size, start + SHARD)):
                fh.write(orjson.dumps(synthetic(studies, i, rng)) + b"\n")
        paths.append(path)
    return paths


def update_batch(shard: Path, count: int, out: Path) -> Path:
    """A day's update: the first ``count`` studies of ``shard`` again, each with a changed brief title (so each
    is a new version of a stored document), as one gzipped JSON Lines file ``out``."""
    with gzip.open(shard, "rb") as src, gzip.open(out, "wb", compresslevel=1) as fh:
        for line, _ in zip(src, range(count)):
            study = orjson.loads(line)
            ident = study["protocolSection"]["identificationModule"]
            ident["briefTitle"] = ident.get("briefTitle", "") + " (updated)"
            fh.write(orjson.dumps(study) + b"\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    paths = generate(args.size, args.out, args.data)
    print(f"{args.size} studies in {len(paths)} shard(s) under {args.out}")


if __name__ == "__main__":
    main()
