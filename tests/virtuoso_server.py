"""A real SPARQL server for the tests: OpenLink Virtuoso (Debian's virtuoso-opensource-7-bin, installed by .ci/run)
started on free loopback ports with a temporary database, one per test module that imports the ``virtuoso`` fixture,
and stopped after it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {d}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    binary = shutil.which("virtuoso-t")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is not installed (.ci/run installs virtuoso-opensource-7-bin)")
        pytest.skip("virtuoso-t not installed (apt-get install virtuoso-opensource-7-bin)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=free_port(), http=http), encoding="utf-8")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] if (folder / "virtuoso.log").exists() else ""
                    pytest.fail(f"Virtuoso did not start: {log}")
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def canonical(rows: list[list[str | None]]) -> list[tuple]:
    """Rows in a fixed order, the parts of GROUP_CONCAT cells sorted (SPARQL leaves their order to the engine); a
    GROUP_CONCAT of nothing is "" on Virtuoso (as SPARQL 1.1 defines it) and unbound on Oxigraph: both read as None."""
    def cell(value: str | None) -> str | None:
        return None if not value else " | ".join(sorted(value.split(" | ")))
    return sorted((tuple(cell(v) for v in row) for row in rows), key=str)


def push(store: Path, endpoint: str, *auth: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "push", "--store", str(store), "--endpoint", endpoint, *auth],
                          capture_output=True, text=True, timeout=600)
