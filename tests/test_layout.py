"""The layout is the flow: a module imports only from its own stage or earlier ones (README, Architecture)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"

# stage of each module or package, in the order data flows (README "Architecture"); a module not listed fails the test
STAGES: list[tuple[str, ...]] = [
    ("kg", "kg.errors", "kg.resources", "kg.namespaces", "kg.normalize", "kg.iris", "kg.rdf"),
    ("kg.sources",),
    ("kg.privacy", "kg.resolve"),
    ("kg.provenance", "kg.history", "kg.build", "kg.build_results", "kg.pipeline", "kg.drug_graph", "kg.rules"),
    ("kg.validation", "kg.reason"),
    ("kg.store", "kg.snapshot", "kg.ingest"),
    ("kg.sparql_text", "kg.query", "kg.trial_index", "kg.drug_index", "kg.trials", "kg.remote", "kg.web", "kg.serve", "kg.push", "kg.show",
     "kg.trial_history", "kg.summary", "kg.export", "kg.analyze", "kg.plot"),
    ("kg.api", "kg.cli", "kg.__main__"),
]


def stage_of(module: str) -> int:
    """The stage of a module: of its longest listed prefix."""
    best, found = -1, None
    for k, names in enumerate(STAGES):
        for name in names:
            if (module == name or (name != "kg" and module.startswith(name + "."))) and len(name) > best:
                best, found = len(name), k
    if found is None:
        raise LookupError(f"{module} is in no stage: add it to STAGES and to the README")
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(KG.rglob("*.py")):
        parts = list(path.relative_to(KG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> set[str]:
    """Every kg module a file imports, at its top or inside a function."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kg")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "kg":
                continue
            for a in node.names:  # "from kg import iris" imports the module kg.iris
                sub = f"{base}.{a.name}"
                found.add(sub if (KG.parent / (sub.replace(".", "/") + ".py")).exists()
                          or (KG.parent / sub.replace(".", "/")).is_dir() else base)
    return found


# the package's own __init__ holds the version constants every stage reads, and imports the Python API (kg.api) only
# when kg.open is first used: that one lazy import is its only way up
FACADE = {"kg": {"kg.api"}}


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_a_module_imports_no_later_stage(module: str, path: Path) -> None:
    own = stage_of(module)
    later = sorted(i for i in _imports(module, path) - FACADE.get(module, set()) if stage_of(i) > own)
    assert not later, f"{module} (stage {own}) imports a later stage: {later}"


def test_the_check_can_fail() -> None:
    assert stage_of("kg.cli") > stage_of("kg.build") > stage_of("kg.resolve.drugs") > stage_of("kg.sources.model")
    with pytest.raises(LookupError):
        stage_of("kg.nowhere")
