"""Errors the product reports to a user: each names the file and what was wrong."""

from __future__ import annotations


class KGError(Exception):
    """An error with a message fit to show a user as one line (no traceback)."""


class SourceError(KGError):
    """A source document (page, record file, archive member) could not be read or mapped."""

    def __init__(self, path: str, reason: str, nct_id: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.nct_id = nct_id
        where = f"{path} [{nct_id}]" if nct_id else path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple:
        """Pickled by its fields: a worker process's error reaches the ingest whole (``Exception``
        pickles ``args``, the one-line message, which this constructor does not take)."""
        return (type(self), (self.path, self.reason, self.nct_id))
