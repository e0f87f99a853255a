"""Build ``examples/`` from real ClinicalTrials.gov records in ../shared/data (run by hand, not at run time).

Keeps the studies whose interventions name one of the PD-1 antibodies the product is about, reduced
to their facts: identifiers, enums, dates, names, counts, MeSH terms. Free-text descriptions,
eligibility criteria text, outcome descriptions and every contact (names, phones, e-mails) are
dropped. The output is still API v2 JSON, so ``kg`` reads it with its ordinary parser.

    python scripts/make_examples.py ../shared/data examples/
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

DRUG_WORDS = ("toripalimab", "js001", "tislelizumab", "bgb-a317", "sintilimab", "camrelizumab", "penpulimab",
              "shr-1210", "ak105")
SOURCES = {  # file in ../shared/data -> origin, as stated in its SOURCES.md
    "ctgov-tigit-watch/studies_api_v2.jsonl.gz": "partrita/clinicaltrial-watch-tigit @ c69effdf (MIT), data/snapshots/",
    "ctgov-nsclcbench/ctg-studies.json": "vrinda2019/NSCLCBench @ 4d480280, data/ctg-studies.json (ClinicalTrials.gov export)",
}
MAX_STUDIES = 40


def _studies(path: Path):
    if path.name.endswith(".jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)
    else:
        yield from json.loads(path.read_text(encoding="utf-8"))


def _mentions_drug(study: dict) -> bool:
    arms = study["protocolSection"].get("armsInterventionsModule", {})
    text = json.dumps([(i.get("name"), i.get("otherNames")) for i in arms.get("interventions", [])]).lower()
    return any(w in text for w in DRUG_WORDS)


def _pick(d: dict, *keys: str) -> dict:
    return {k: d[k] for k in keys if k in d}


def reduce_study(study: dict) -> dict:
    """The facts of a study, without free text or personal data."""
    p = study["protocolSection"]
    ident = p["identificationModule"]
    arms = p.get("armsInterventionsModule", {})
    elig = p.get("eligibilityModule", {})
    locs = p.get("contactsLocationsModule", {})
    derived = study.get("derivedSection", {})
    return {
        "protocolSection": {
            "identificationModule": _pick(ident, "nctId", "orgStudyIdInfo", "secondaryIdInfos", "briefTitle",
                                          "officialTitle", "acronym", "organization"),
            "statusModule": _pick(p.get("statusModule", {}), "overallStatus", "startDateStruct",
                                  "primaryCompletionDateStruct", "completionDateStruct", "lastUpdatePostDateStruct"),
            "sponsorCollaboratorsModule": _pick(p.get("sponsorCollaboratorsModule", {}), "leadSponsor", "collaborators"),
            "conditionsModule": _pick(p.get("conditionsModule", {}), "conditions", "keywords"),
            "designModule": _pick(p.get("designModule", {}), "studyType", "phases", "designInfo", "enrollmentInfo"),
            "armsInterventionsModule": {
                "armGroups": [_pick(a, "label", "type", "interventionNames") for a in arms.get("armGroups", [])],
                "interventions": [_pick(i, "type", "name", "otherNames", "armGroupLabels")
                                  for i in arms.get("interventions", [])],
            },
            "outcomesModule": {k: [_pick(o, "measure", "timeFrame") for o in v]
                               for k, v in p.get("outcomesModule", {}).items()},
            "eligibilityModule": _pick(elig, "sex", "minimumAge", "maximumAge", "healthyVolunteers"),
            "contactsLocationsModule": {
                "locations": [_pick(l, "facility", "city", "state", "zip", "country", "status", "geoPoint")
                              for l in locs.get("locations", [])],
            },
        },
        "derivedSection": {
            k: {"meshes": derived.get(k, {}).get("meshes", []), "ancestors": derived.get(k, {}).get("ancestors", [])}
            for k in ("conditionBrowseModule", "interventionBrowseModule") if k in derived
        },
        "hasResults": study.get("hasResults", False),
    }


def main(data: Path, out: Path) -> None:
    chosen: list[tuple[str, dict]] = []
    for name in SOURCES:
        for study in _studies(data / name):
            if _mentions_drug(study) and len(chosen) < MAX_STUDIES:
                chosen.append((name, reduce_study(study)))
    out.mkdir(parents=True, exist_ok=True)
    (out / "pd1-trials.json").write_text(json.dumps([s for _, s in chosen], indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    lines = ["# examples/ — provenance", "",
             "`pd1-trials.json`: real ClinicalTrials.gov API v2 records (NLM/ClinicalTrials.gov data, see its terms),",
             "reduced by `scripts/make_examples.py` to identifiers, enums, dates, names, counts and MeSH terms:",
             "no free-text descriptions, no eligibility text, no contact persons. Studies whose interventions name a",
             "PD-1 antibody (toripalimab, tislelizumab, sintilimab, camrelizumab, penpulimab or a code name).", "",
             "| NCT id | taken from (../shared/data) | origin |", "|---|---|---|"]
    for name, s in chosen:
        lines.append(f"| {s['protocolSection']['identificationModule']['nctId']} | `{name}` | {SOURCES[name]} |")
    (out / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(chosen)} studies written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
