"""The base of every record type: frozen dataclasses that turn into the JSON shape of ``kg extract --json``."""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def plain(value: Any) -> Any:
    """Nested records and tuples as JSON-ready dicts and lists."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


class Record:
    """Mixin: ``to_dict`` over the dataclass fields, honouring a ``json`` name in field metadata."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict."""
        return {f.metadata.get("json", f.name): plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]
