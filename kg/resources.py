"""Where the product's data folders are: ``ontology/``, ``shapes/``, ``queries/``, ``data/``.

They live at the top of the repository (data beside code) and ship inside the package: ``pyproject.toml``
maps each folder to a data-only subpackage (``kg.ontology``, ``kg.shapes``, ``kg.queries``, ``kg.data``), so a
wheel, a plain ``pip install .`` and an editable install all find them with ``importlib.resources``.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.errors import KGError

FOLDERS = ("ontology", "shapes", "queries", "data")


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The folder ``name`` (e.g. ``"ontology"``); raises ``KGError`` if the installation lacks it."""
    if name not in FOLDERS:
        raise KGError(f"no data folder {name!r} in trialkg (folders: {', '.join(FOLDERS)})")
    try:
        found = resources.files(f"kg.{name}")
    except ModuleNotFoundError:
        found = None
    path = Path(str(found)) if found is not None else None
    if path is None or not path.is_dir():
        raise KGError(f"the data folder {name}/ is missing from this installation (reinstall trialkg)")
    return path


def read_tsv(path: Path) -> list[dict[str, str]]:
    """The rows of a tab-separated table with a header line, each as a dict; lines starting with ``#`` are notes."""
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
