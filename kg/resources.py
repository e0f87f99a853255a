"""Where the product's data folders are: ``ontology/``, ``shapes/``, ``queries/``, ``data/``.

They live at the top of the repository (data beside code). A source checkout or editable install
reads them there; a wheel installs them under ``<prefix>/share/trialkg/``.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The folder ``name`` (e.g. ``"ontology"``); raises ``KGError`` if the installation lacks it."""
    for base in (Path(__file__).resolve().parents[1], Path(sys.prefix) / "share" / "trialkg"):
        if (base / name).is_dir():
            return base / name
    raise KGError(f"the data folder {name}/ is missing from this installation (reinstall trialkg)")
