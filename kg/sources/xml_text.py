"""The text of an XML element found by path, white space collapsed: shared by the ``clinical_study`` parsers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.sources import vocab


def text_at(node: ET.Element | None, path: str) -> str | None:
    """All text inside the first element at ``path`` below ``node`` (nested elements included), or None."""
    if node is None:
        return None
    found = node.find(path)
    return vocab.clean("".join(found.itertext())) if found is not None else None


def texts_at(node: ET.Element, path: str) -> list[str]:
    """The non-empty texts of every element at ``path`` below ``node``, in document order."""
    return [c for e in node.findall(path) if (c := vocab.clean("".join(e.itertext())))]
