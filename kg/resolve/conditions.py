"""Condition text -> MeSH descriptors: acronyms and variants (NSCLC, non-small cell lung cancer,
HCC, hepatocellular carcinoma, ES-SCLC) to one condition.

Tiers: ``curated`` (``data/aliases/condition-aliases.tsv``), ``mesh-term`` (a MeSH descriptor name,
also in its natural word order: "Carcinoma, Non-Small-Cell Lung" = "non-small-cell lung carcinoma"),
``acronym`` (a trailing "(HCC)"), ``qualifier`` (stage and setting words removed: "Advanced",
"Extensive-stage", "Metastatic" ... — the broader condition).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from kg.normalize import fold
from kg.resources import data_dir

_QUALIFIERS = re.compile(
    r"\b(advanced|metastatic|recurrent|relapsed|refractory|locally|unresectable|resectable|resected|operable|"
    r"inoperable|extensive[- ]stage|limited[- ]stage|early[- ]stage|stage\s+[0-4iv]+[abc]?|first[- ]line|"
    r"second[- ]line|newly diagnosed|previously treated|untreated|primary|progressive|persistent)\b", re.I)
SCORES = {"curated": 1.0, "mesh-term": 1.0, "acronym": 0.95, "qualifier": 0.9}


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace("(", " ").replace(")", " ").split())


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """key -> (mesh id, how) and mesh id -> term."""
    terms: dict[str, str] = {}
    keys: dict[str, tuple[str, str]] = {}
    with open(data_dir("data") / "conditions" / "mesh-conditions.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            terms[row["mesh_id"]] = row["term"]
            keys.setdefault(_key(row["term"]), (row["mesh_id"], "mesh-term"))
            if ", " in row["term"]:  # "Carcinoma, Non-Small-Cell Lung" -> "Non-Small-Cell Lung Carcinoma"
                head, _, tail = row["term"].partition(", ")
                keys.setdefault(_key(f"{tail} {head}"), (row["mesh_id"], "mesh-term"))
    with open(data_dir("data") / "aliases" / "condition-aliases.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            keys[_key(row["variant"])] = (row["mesh_id"], "curated")
    return keys, terms


def resolve_condition(text: str) -> dict:
    """``{"text", "status", "matches": [{"id": "mesh:D...", "label", "method", "score"}]}``."""
    keys, terms = _index()
    attempts = [(text, None)]
    if m := re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,9})\)\s*$", text):
        attempts += [(text[:m.start()], None), (m[1], "acronym")]
    stripped = _QUALIFIERS.sub(" ", re.sub(r"\(([^)]*)\)", " ", text))
    attempts.append((stripped, "qualifier"))
    for candidate, how in attempts:
        found = keys.get(_key(candidate))
        if found:
            mesh_id, method = found
            method = how or method
            return {"text": text, "status": "resolved",
                    "matches": [{"id": f"mesh:{mesh_id}", "label": terms.get(mesh_id, candidate), "method": method,
                                 "score": SCORES[method]}]}
    return {"text": text, "status": "unresolved", "matches": []}


@lru_cache(maxsize=1)
def _ancestors() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with open(data_dir("data") / "conditions" / "mesh-ancestors.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault(row["mesh_id"], []).append(row["ancestor_id"])
    return {k: tuple(v) for k, v in out.items()}


def mesh_ancestors(mesh_id: str) -> tuple[tuple[str, str], ...]:
    """Known broader descriptors of a MeSH descriptor: ``((id, term), ...)`` (see data/conditions/SOURCES.md)."""
    _, terms = _index()
    return tuple((a, terms.get(a, a)) for a in _ancestors().get(mesh_id, ()))
