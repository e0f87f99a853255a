"""Sponsor names: placeholders that must be flagged, never merged into a real organization."""

from __future__ import annotations

import re

from kg.normalize import fold, org_key

# Names registries show when the real sponsor is hidden or was never entered.
_PLACEHOLDER_KEYS = frozenset({"", "sponsor", "company", "unknown", "n a", "na", "none", "test", "test sponsor",
                               "not applicable", "redacted", "sponsor name", "tbd", "xxx"})


def is_placeholder(name: str) -> bool:
    """True for a stand-in such as ``'Sponsor GmbH'`` or ``'[Redacted]'``: only legal/generic words."""
    key = re.sub(r"[^\w ]+", " ", org_key(name)).strip()
    return " ".join(key.split()) in _PLACEHOLDER_KEYS or not re.search(r"[a-z]", fold(name))
