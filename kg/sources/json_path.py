"""Reading values out of nested JSON records: a path of keys, and lists that XML-to-JSON exports write as an
object when they hold one item (ISRCTN, EU CTR and CTIS records as the ctrdata package exports them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kg.errors import SourceError
from kg.sources import vocab
from kg.sources.model import Source, TrialRecord


_NOTHING = re.compile(r"(?i)(nil known|n/?a|none|not (?:applicable|provided|known)|-+|\.+|0)")


def stated(value: str | None) -> str | None:
    """Text that says something: registries fill empty fields with "Nil known", "N/A", "-"."""
    return None if value is None or _NOTHING.fullmatch(value.strip()) else value


def get(obj: Any, *keys: str, default: Any = None) -> Any:
    """The value at ``keys`` under ``obj``; ``default`` where a key is missing or a step is not an object."""
    for key in keys:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(key)
    return default if obj is None else obj


def items(obj: Any, *keys: str) -> list:
    """The list at ``keys``: an object or a single value stands for a list of one, nothing for none."""
    found = get(obj, *keys)
    if found is None or found == "":
        return []
    return found if isinstance(found, list) else [found]


def text(obj: Any, *keys: str) -> str | None:
    """The text at ``keys``, white space collapsed; ``None`` for no text (numbers are given as text). An object or
    a list where text belongs is a ``TypeError`` naming the path: a record of the wrong shape is refused, not half read."""
    found = get(obj, *keys)
    if isinstance(found, (dict, list)):
        raise TypeError(f"{'.'.join(keys)}: expected text, got {'an object' if isinstance(found, dict) else 'a list'}")
    if isinstance(found, bool) or not isinstance(found, (str, int, float)):
        return None
    return vocab.clean(str(found))


def texts(obj: Any, *keys: str) -> tuple[str, ...]:
    """Every text in the list at ``keys``, each once, in order."""
    out: dict[str, None] = {}
    for value in items(obj, *keys):
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and (t := vocab.clean(str(value))):
            out.setdefault(t)
    return tuple(out)


def well_formed(kind: str, source: Source, read: Callable[[], TrialRecord]) -> TrialRecord:
    """``read()``, or the ``SourceError`` naming the file when the record is not of the shape its parser reads (a list
    where text belongs, nesting deeper than any record ...): one clear line, never a traceback."""
    try:
        return read()
    except SourceError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError, ArithmeticError, RecursionError) as exc:
        raise SourceError(source.path, f"not a well-formed {kind} record ({type(exc).__name__}: {exc})") from None
