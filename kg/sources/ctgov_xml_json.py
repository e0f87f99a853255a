"""A ClinicalTrials.gov ``clinical_study`` document as JSON (the legacy XML rendered element by element, as the
ctrdata package exports its CTGOV records: a tag is a key, repeated tags a list, attributes under ``@attributes``,
text kept with its XML character references such as ``&#xD;``), read by the ``clinical_study`` parser itself: the
JSON is turned back into the element tree it was made from, so both give the same record.
"""

from __future__ import annotations

import html
from typing import Any
from xml.etree import ElementTree as ET

from kg.sources import ctgov_xml
from kg.sources.json_path import well_formed
from kg.sources.model import Source, TrialRecord

FORMAT = "ctgov-xml-json"
_MAX_DEPTH = 64  # clinical_study nests a few levels; deeper JSON is not one


def is_record(obj: Any) -> bool:
    """True for a ``clinical_study`` rendered as JSON (its ``id_info`` with an ``nct_id``, and a ``brief_title``)."""
    return (isinstance(obj, dict) and isinstance(obj.get("id_info"), dict) and isinstance(obj["id_info"].get("nct_id"), str)
            and "brief_title" in obj)


def map_record(obj: dict, source: Source) -> TrialRecord:
    """The record of the ``clinical_study`` this JSON renders; ``SourceError`` naming the study when it cannot be mapped."""
    def read() -> TrialRecord:
        root = ET.Element("clinical_study")
        _fill(root, obj, 0)
        return ctgov_xml.map_element(root, source)
    return well_formed("clinical_study", source, read)


def _fill(element: ET.Element, value: Any, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueError("nested deeper than any clinical_study")
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "@attributes" and isinstance(child, dict):
                element.attrib.update({str(k): _text(v) for k, v in child.items()})
            else:
                for item in child if isinstance(child, list) else [child]:
                    _fill(ET.SubElement(element, str(key)), item, depth + 1)
    elif value is not None and not isinstance(value, list):
        element.text = _text(value)


def _text(value: Any) -> str:
    """The element's text: character references resolved, the line breaks the export wrote as ``&#xD;`` as new lines."""
    return html.unescape(str(value)).replace("\r\n", "\n").replace("\r", "\n")
