"""The README's quick start is what CI runs, and what it promises is true."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO


def _quick_start() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", text, re.S)
    assert block, "README has no quick start block"
    return [l for l in block[1].splitlines() if l.strip()]


def test_quick_start_is_two_commands_and_ci_runs_them() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert "kg build examples/" in commands[0] and "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci


def test_examples_ship_in_the_repo_with_provenance() -> None:
    assert (REPO / "examples" / "pd1-trials.json").exists()
    sources = (REPO / "examples" / "SOURCES.md").read_text(encoding="utf-8")
    assert sources.count("| NCT") >= 30


def test_every_code_package_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages a wheel holds: a new subpackage of kg/ not listed there breaks a plain install
    (kg.validation once did; .ci/run's wheel check found it)."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"kg." + ".".join(p.parent.relative_to(REPO / "kg").parts) if p.parent != REPO / "kg" else "kg"
             for p in (REPO / "kg").rglob("__init__.py")}
    assert found <= listed, found - listed


@pytest.mark.slow
def test_one_time_indexes_are_announced_and_counted(tmp_path) -> None:
    """A first build on a fresh machine says it indexes the drug dictionary and the organisation tables, and its
    report counts the seconds of each; a second build reads both from the cache and says nothing of them."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), KG_STORE=str(tmp_path / "store"))

    def build() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kg", "build", str(REPO / "examples")], capture_output=True,
                              text=True, env=env, cwd=tmp_path)

    first = build()
    assert first.returncode == 0, first.stderr
    assert "indexing the drug dictionary" in first.stderr and "indexing the organisation tables" in first.stderr
    assert "of which drug dictionary index (once)" in first.stdout and "of which organisation index (once)" in first.stdout
    second = build()
    assert second.returncode == 0, second.stderr
    assert "indexing" not in second.stderr and "index (once)" not in second.stdout
