"""Records to prepared documents (resolved, built, serialized), in this process or on all cores.

``kg build`` reads the files in its own process and hands the studies in small blocks to worker processes
that map each (``PendingStudy``: JSON text in, record out), resolve its interventions and build its graph;
the documents come back in input order, so the last version of a document in the input still wins. At most
two blocks per worker are in flight: memory stays bounded however large the input. Workers are forked, so the
drug dictionary loaded once is shared. Given a check (the ingest passes
``kg.validation.documents.validate_nquads``), each document is also validated where it is built, its quads still
in memory: reading them back out of the store costs more than the validation itself.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from itertools import islice

from pyoxigraph import RdfFormat

from kg.build import BuildOptions, PreparedDocument, prepared_document, record_graph
from kg.errors import SourceError
from kg.rdf import to_bytes
from kg.sources.model import TrialRecord
from kg.provenance import commit_marker
from kg.sources.reader import PendingStudy

BLOCK = 64  # records per task

_options: BuildOptions | None = None  # in a worker: the ingest's options (inherited by fork)
Check = Callable[[str, bytes], list]  # a document's graph IRI and N-Quads -> its SHACL findings
_check: Check | None = None  # in a worker: how to validate each document, if at all


def default_workers() -> int:
    """Processes that build documents: one per core. The process that reads records and writes the
    store runs beside them (the store's bulk loader releases the GIL)."""
    return max(1, (os.cpu_count() or 1))


def prepared(items: Iterable[TrialRecord | PendingStudy | SourceError], options: BuildOptions,
             workers: int = 1, check: Check | None = None) -> Iterator[PreparedDocument | SourceError]:
    """Each record (or pending study) as a prepared document, each error as it is, in input order; with
    ``check`` (a module-level function, e.g. ``kg.validation.documents.validate_nquads``), with its SHACL findings."""
    if workers <= 1:
        for item in items:
            yield _guarded(item, options, check)
        return
    gc.freeze()  # what is loaded so far (the dictionary): never scanned by the workers' collector, nor copied on write
    try:
        yield from _in_workers(items, options, workers, check)
    finally:
        gc.unfreeze()


def _in_workers(items: Iterable[TrialRecord | PendingStudy | SourceError], options: BuildOptions, workers: int,
                check: Check | None) -> Iterator[PreparedDocument | SourceError]:
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_start,
                             initargs=(options, check, os.getpid())) as pool:
        pending: deque[tuple[list, Future]] = deque()
        it = iter(items)
        while block := list(islice(it, BLOCK)):
            work = [i for i in block if not isinstance(i, SourceError)]
            pending.append((block, pool.submit(_prepare_block, work)))
            if len(pending) > 2 * workers:
                yield from _merge(*pending.popleft())
        while pending:
            yield from _merge(*pending.popleft())


def prepare(record: TrialRecord, options: BuildOptions, check: Check | None = None) -> PreparedDocument:
    """One record as a prepared document (with ``check``: with its SHACL findings)."""
    built = record_graph(record, options)
    document = prepared_document(built.doc, built.quads, warnings=built.warnings)
    if check is None:
        return document
    marker = to_bytes([commit_marker(built.doc)], RdfFormat.N_QUADS)  # the one quad the N-Quads leave out
    return replace(document, findings=tuple(check(built.doc.graph, document.nquads + marker)))


def _guarded(item: TrialRecord | PendingStudy | SourceError, options: BuildOptions,
             check: Check | None) -> PreparedDocument | SourceError:
    """The item mapped and prepared, or the one-line error of its study: nothing one study holds may cost
    the others their ingest (an unforeseen failure is reported with the study's file and id, not raised)."""
    if isinstance(item, SourceError):
        return item
    where, nct = (item.name + "#" + item.index, None) if isinstance(item, PendingStudy) else (item.source.path, item.nct_id)
    try:
        record = item.resolve() if isinstance(item, PendingStudy) else item
        if isinstance(record, SourceError):
            return record
        where, nct = record.source.path, record.nct_id
        return prepare(record, options, check)
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - reported per study, the batch goes on
        return SourceError(where, f"could not be mapped or built ({type(exc).__name__}: {exc})"[:500], nct)


def _start(options: BuildOptions, check: Check | None, parent: int) -> None:
    """In a new worker: die with the ingest (a killed ingest must not leave workers holding its
    inherited writer lock), and keep the options."""
    global _options, _check
    _options, _check = options, check
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the ingest died before the line above
        os._exit(1)


def _prepare_block(items: list[TrialRecord | PendingStudy]) -> list[PreparedDocument | SourceError]:
    """In a worker: each item prepared, or the error its study gave when mapped."""
    assert _options is not None
    return [_guarded(item, _options, _check) for item in items]


def _merge(block: list, future: Future) -> Iterator[PreparedDocument | SourceError]:
    built = iter(future.result())
    for item in block:
        yield item if isinstance(item, SourceError) else next(built)
