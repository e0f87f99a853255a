"""The README's quick start is what CI runs, and what it promises is true."""

from __future__ import annotations

import re

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
