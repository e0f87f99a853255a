"""What keeping every version costs (issue 20): N trials (real records scaled by ``generate.py``) ingested as three
successive versions each (status, enrollment and last update changed), against the same trials ingested once as their
last version (the baseline, measured in the same run): store size on disk, quads, and the history's share.

    python benchmarks/bench_history.py [--size 1000] [--data ../shared/data] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
import time
from pathlib import Path

import orjson
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import real_studies, synthetic  # noqa: E402

from kg import iris  # noqa: E402
from kg.ingest import ingest  # noqa: E402
from kg.sources.reader import read_paths  # noqa: E402
from kg.store import TrialStore  # noqa: E402

VERSIONS = (("2023-01-15", "RECRUITING", 0, "ESTIMATED"), ("2024-01-15", "ACTIVE_NOT_RECRUITING", 10, "ESTIMATED"),
            ("2025-01-15", "COMPLETED", 25, "ACTUAL"))


def write_versions(size: int, data: Path, folder: Path) -> list[Path]:
    """One gzipped JSON Lines file per version, each holding the same ``size`` trials as that version states them."""
    studies, rng = real_studies(data), random.Random(20261202)
    base = [synthetic(studies, i, rng) for i in range(size)]
    paths = []
    for k, (updated, status, more, kind) in enumerate(VERSIONS, 1):
        path = folder / f"v{k}.jsonl.gz"
        with gzip.open(path, "wb", compresslevel=1) as fh:
            for study in base:
                version = orjson.loads(orjson.dumps(study))
                p = version["protocolSection"]
                p["statusModule"]["overallStatus"] = status
                p["statusModule"]["lastUpdatePostDateStruct"] = {"date": updated, "type": "ACTUAL"}
                count = (p.get("designModule", {}).get("enrollmentInfo", {}).get("count") or 100) + more
                p.setdefault("designModule", {})["enrollmentInfo"] = {"count": count, "type": kind}
                fh.write(orjson.dumps(version) + b"\n")
        paths.append(path)
    return paths


def measure(store_dir: Path, files: list[Path], workers: int) -> dict:
    """Ingest the files one after another; the store's size (compacted), quads, history quads and seconds per ingest."""
    seconds = []
    with TrialStore(store_dir) as store:
        for path in files:
            start = time.perf_counter()
            report = ingest(store, read_paths([path]), workers=workers)
            assert not report.failed, report.failed[:3]
            seconds.append(time.perf_counter() - start)
        db = store.oxigraph
        history = list(db.quads_for_pattern(None, None, None, ox.NamedNode(iris.HISTORY_GRAPH)))
        snapshot = iris.term("graphSnapshot")
        out = {"quads": len(db), "history quads": len(history),
               "snapshot bytes": sum(len(q.object.value) for q in history if q.predicate.value == snapshot),
               "seconds": seconds}
        db.optimize()
        out["disk as ingested"] = store.disk_bytes()
        dump = store_dir.parent / f"{store_dir.name}.nq"
        db.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    fresh = ox.Store(str(store_dir.parent / f"{store_dir.name}-reloaded"))  # the same quads without compaction leftovers
    fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    fresh.optimize()
    fresh.flush()
    out["disk"] = sum(f.stat().st_size for f in (store_dir.parent / f"{store_dir.name}-reloaded").rglob("*") if f.is_file())
    del fresh
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_versions(args.size, args.data, folder)
        once = measure(folder / "once", files[-1:], args.workers)
        three = measure(folder / "three", files, args.workers)
    n, extra = args.size, 2 * args.size
    print(f"{n} trials; baseline: each ingested once as its last version; history: three versions each, in order")
    print(f"disk (the final quads bulk-loaded into a new store): {once['disk'] / 1e6:.1f} MB -> {three['disk'] / 1e6:.1f} MB "
          f"({three['disk'] / once['disk']:.2f}x); {once['disk'] / n / 1e3:.1f} kB per trial (the dictionary graph included), "
          f"+{(three['disk'] - once['disk']) / extra / 1e3:.1f} kB per extra version")
    print(f"disk as the ingests left it (compacted; replaced data and snapshots not yet reclaimed): "
          f"{once['disk as ingested'] / 1e6:.1f} MB -> {three['disk as ingested'] / 1e6:.1f} MB")
    print(f"quads: {once['quads']:,} -> {three['quads']:,} ({three['quads'] / once['quads']:.2f}x); history graph "
          f"{three['history quads']:,} quads ({three['history quads'] / (3 * n):.0f} per version record), kept graphs "
          f"{three['snapshot bytes'] / extra / 1e3:.1f} kB of base64 per extra version")
    print(f"ingest seconds: first version {three['seconds'][0]:.1f} (baseline's one ingest {once['seconds'][0]:.1f}), "
          f"second {three['seconds'][1]:.1f}, third {three['seconds'][2]:.1f} (replacing every document)")


if __name__ == "__main__":
    main()
