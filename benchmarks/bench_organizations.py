"""Organisation resolution on all real records: the share of distinct sponsor names (and of sponsor mentions)
resolved to an organisation, by tier, beside the exact-name baseline (a ROR name as written, case ignored); how many
sites the facility spellings become; and precision on the hand-judged sample ``benchmarks/sponsor-sample.tsv``.

    python benchmarks/bench_organizations.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections import Counter
from pathlib import Path

from kg.resolve.places import city_key, is_region_not_city, match_site
from kg.resolve.sponsors import link
from kg.resources import data_dir, read_tsv
from kg.sources import vocab
from kg.sources.reader import read_paths

HERE = Path(__file__).resolve().parent
SETS = ("ctgov-tigit-watch", "ctgov-nsclcbench", "ctgov-dgg32-samples", "ctgov-aact-fixtures")


def names_and_sites(shared: Path) -> tuple[Counter, set[tuple[str | None, str | None, str]]]:
    """Sponsor name -> mentions; distinct (country, city, facility) of the sites."""
    sponsors: Counter = Counter()
    sites: set[tuple[str | None, str | None, str]] = set()
    for r in read_paths([shared / "data" / s for s in SETS] + [shared / "seeds"]):
        if hasattr(r, "reason"):
            continue
        sponsors.update(s.name for s in r.sponsors)
        sites.update((s.country, s.city, s.facility or s.city or "") for s in r.sites if s.facility or s.city)
    return sponsors, sites


def precision(sample: Path) -> tuple[int, int, int, list[str]]:
    """(right, answered, judged, texts answered otherwise than judged): an answer is a resolution, or ambiguous
    where the judge says so; an unresolved or ambiguous name is a miss, never counted wrong, unless judged."""
    right = answered = judged = 0
    wrong = []
    for row in read_tsv(sample):
        judged += 1
        found = link(row["text"])
        got = found.iri.split("/id/org/", 1)[1] if found.status == "resolved" else found.status
        if got in ("unresolved", "ambiguous") and row["expected"] not in ("ambiguous",):
            if row["expected"] == "none":
                right += 1
                answered += 1
            continue
        answered += 1
        if got == row["expected"]:
            right += 1
        else:
            wrong.append(f"{row['text']} -> {got}")
    return right, answered, judged, wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    args = parser.parse_args()
    sponsors, sites = names_and_sites(args.shared)
    with gzip.open(data_dir("data") / "organizations" / "ror.tsv.gz", "rt", encoding="utf-8") as fh:
        fh.readline()
        ror_names = {line.split("\t", 2)[1].casefold() for line in fh}
    start = time.perf_counter()
    links = {n: link(n) for n in sponsors}
    seconds = time.perf_counter() - start
    resolved = {n for n, s in links.items() if s.status == "resolved"}
    baseline = {n for n in sponsors if n.casefold() in ror_names}
    mentions = sum(sponsors.values())
    print(f"distinct sponsor names: {len(sponsors)} ({mentions} mentions)")
    print(f"resolved to an organisation: {len(resolved)} ({len(resolved) / len(sponsors):.1%}; "
          f"{sum(sponsors[n] for n in resolved) / mentions:.1%} of mentions); ambiguous: "
          f"{sum(s.status == 'ambiguous' for s in links.values())}; exact ROR name baseline: {len(baseline)} "
          f"({len(baseline) / len(sponsors):.1%}, x{len(resolved) / max(len(baseline), 1):.2f})")
    print("by tier: " + ", ".join(f"{k} {v}" for k, v in Counter(links[n].method for n in resolved).most_common()))
    print(f"with a parent: {sum(bool(links[n].parents) for n in resolved)}; "
          f"organisations: {len({s.iri for s in links.values()})} for {len(sponsors)} names")
    right, answered, judged, wrong = precision(HERE / "sponsor-sample.tsv")
    print(f"precision on the hand-judged sample: {right}/{answered} = {right / max(answered, 1):.3f} ({judged} judged)"
          + (f"; answered otherwise than judged: {wrong}" if wrong else ""))
    start = time.perf_counter()
    keys, methods = set(), Counter()
    for country, city, facility in sites:
        code = vocab.country_code(country) if country else None
        in_city = None if is_region_not_city(code, city) else city
        m = match_site(facility, in_city, code)
        methods[m.method] += 1
        keys.add((code or country, city_key(in_city) if in_city else None, m.key))
    site_seconds = time.perf_counter() - start
    plain = {(c, ci, f) for c, ci, f in sites}
    print(f"site spellings (country, city, facility): {len(plain)} -> sites: {len(keys)} "
          f"({len(plain) - len(keys)} spellings merged); by method: "
          + ", ".join(f"{k} {v}" for k, v in methods.most_common()))
    print(f"time per sponsor name: {seconds / len(sponsors) * 1000:.2f} ms; per site: {site_seconds / len(sites) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
