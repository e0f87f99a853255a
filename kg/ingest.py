"""Ingest: records (or pending studies) into a store, all or nothing.

- One named graph per source document; re-ingesting a document with the same sha256 (made by this mapping version)
  changes nothing; a new version replaces its graph (the old one kept in ``graph/history``), unless the stored one
  states a later update of the trial. Readers see the old or the new graph, never half: they read the snapshot the
  last finished ingest published.
- Documents are prepared on all cores (``kg.pipeline``) and written in batches: the graphs they replace dropped (one
  transaction), the new documents and the new versions bulk-loaded, then their commit markers; after the last batch
  the derived graphs are recomputed (``_finish``) and a snapshot is published for readers. All of it runs inside
  ``TrialStore.writing()``: an error leaves the store as it was, Ctrl-C keeps what was written for the next run to
  resume.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyoxigraph as ox

from kg import MAPPING_VERSION, __version__, history, iris
from kg.build import BuildOptions, PreparedDocument
from kg.drug_graph import (invalidate_record_alias_marker, record_alias_marker, refresh_dictionary_graph,
                           refresh_record_alias_graph)
from kg.errors import SourceError
from kg.rdf import to_bytes
from kg.sources.model import TrialRecord
from kg.pipeline import prepared
from kg.provenance import RDF_TYPE, commit_marker
from kg.resolve.dictionary import load
from kg.resolve.drugs import DrugResolver
from kg.resolve.linker import InterventionLinker
from kg.resolve.targets import version as knowledge_version
from kg.rules import apply_rules, refresh_summaries, rules, summaries
from kg.snapshot import current_name, prune, publish
from kg.sources.reader import PendingStudy
from kg.store import TrialStore
from kg.validation.documents import validate_nquads

# documents per write: each bulk load adds files to RocksDB's level 0, and at 550k studies batches of 500 made
# compaction fall behind until RocksDB stalled the writes; 4,000 (about 1.3M quads, 250 MB of N-Quads) makes
# eight times fewer files
BATCH_DOCUMENTS = int(os.environ.get("KG_BATCH_DOCUMENTS", "4000"))


@dataclass
class IngestReport:
    """What one ingest did."""

    added: int = 0
    replaced: int = 0
    reprocessed: int = 0  # unchanged documents made again because another mapping version made them
    stale: int = 0  # documents in the store made by another mapping version and not in this ingest's input
    unchanged: int = 0
    older: int = 0  # versions older than the one stored (by the record's last update): not written
    versions_kept: int = 0  # versions kept in graph/history that are not their document's graph (older or replaced)
    versions_recorded: int = 0  # version records written to graph/history (kg.history)
    failed: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quads_written: int = 0
    written: list[str] = field(default_factory=list)  # named graphs of the documents added or replaced
    record_aliases_since: str | None = None  # what graph/record-aliases was current for before the first write (kg.drug_graph)
    findings: dict[str, tuple] = field(default_factory=dict)  # SHACL findings by written graph (ingest(validate=True))
    seconds: float = 0.0
    finishing: dict[str, float] = field(default_factory=dict)  # seconds of each step after the documents are written

    @property
    def documents(self) -> int:
        return self.added + self.replaced + self.reprocessed + self.unchanged



def ingest(store: TrialStore, items: Iterable[TrialRecord | PendingStudy | SourceError], options: BuildOptions | None = None,
           on_document=None, workers: int = 1, validate: bool = False) -> IngestReport:
    """Ingest records (errors in ``items`` are collected, not raised) all-or-nothing; ``workers``
    processes resolve and build the documents (``kg.pipeline``), and with ``validate`` check each
    against the SHACL shapes as they build it (the findings of the documents written: ``report.findings``)."""
    options = options or BuildOptions()
    options.ingested_at = options.ingested_at or datetime.now(timezone.utc)
    if options.resolver is None and options.resolve:
        # a document's graph depends only on it and the shipped dictionary (reproducible, order-free);
        # links through aliases learned from other records go to graph/record-aliases after the ingest
        options.resolver = InterventionLinker(DrugResolver())
    report = IngestReport()
    start = time.perf_counter()
    with store.writing():  # no local name for the database: a failed ingest must be able to close it
        store.load_ontology()
        store.drop_uncommitted()
        known = store.versions()
        batch: list[PreparedDocument] = []
        for item in prepared(items, options, workers, validate_nquads if validate else None):
            if isinstance(item, SourceError):
                report.failed.append(item)
            else:
                batch.append(item)
                report.warnings += item.warnings
                if len(batch) >= BATCH_DOCUMENTS:
                    _write(store.oxigraph, batch, known, report)
                    batch = []
            if on_document:
                on_document(item)
        _write(store.oxigraph, batch, known, report)
        report.stale = sum(m != MAPPING_VERSION for g, (_, _, m) in known.items() if g not in iris.SPECIAL_GRAPHS)
        _finish(store, report, options.resolve)
    report.written = list(dict.fromkeys(report.written))  # a document written in two batches, once
    report.seconds = time.perf_counter() - start
    return report

def _finish(store: TrialStore, report: IngestReport, resolve: bool) -> None:
    """Recompute the derived graphs from the whole store and publish a snapshot for readers; skipped
    when the ingest wrote nothing and they were computed by this version of trialkg from the same
    rules, summaries and dictionary (a rerun of a finished ingest costs a few seconds at any size)."""
    marker = ox.Quad(_INFERRED, _SHA256, ox.Literal(derived_digest(resolve)), _INFERRED)
    db = store.oxigraph
    if not (report.added or report.replaced or report.reprocessed) and marker in db and current_name(store.path) is not None:
        if report.versions_recorded:  # only the history changed (an older version): the derived graphs are still current
            publish(db, store.path)
        else:
            prune(store.path)  # snapshots that readers held at the last ingest may be free now
        return
    steps = [("derived classes", lambda: apply_rules(db)),
             ("summary counts", lambda: refresh_summaries(db)),
             ("snapshot", lambda: _publish(store, marker))]
    if resolve:
        steps[:0] = [("record-alias links", lambda: refresh_record_alias_graph(db, store.learned_aliases(), report.written,
                                                                              report.record_aliases_since)),
                     ("dictionary graph", lambda: refresh_dictionary_graph(db))]
    for name, step in steps:
        t = time.perf_counter()
        step()
        report.finishing[name] = time.perf_counter() - t

def _publish(store: TrialStore, marker: ox.Quad) -> None:
    """Mark the derived graphs as computed (``marker``, in ``graph/inferred``) and publish the snapshot."""
    store.oxigraph.extend([marker])
    publish(store.oxigraph, store.path)

def _write(db: ox.Store, batch: list[PreparedDocument], known: dict[str, tuple[str, str | None, str | None]],
           report: IngestReport) -> None:
    """Write one batch: the graphs that new versions replace dropped and kept in ``graph/history`` (``kg.history``,
    one transaction), the new documents, new versions and their version records bulk-loaded, then their commit
    markers (one transaction).

    A version is not written when the stored one is the same (sha256, made by this mapping version) or
    states a later update of the trial (an old download after a newer one); within a batch the last
    version wins. The same document made by another mapping version is made again (``reprocessed``).
    A version not written (older, or followed by another in the batch) is still kept in the history.
    """
    chosen: dict[str, PreparedDocument] = {}
    again: set[str] = set()
    superseded: list[PreparedDocument] = []
    unrecorded: list[PreparedDocument] = []
    for item in batch:
        doc = item.doc
        stored = chosen[doc.graph].doc if doc.graph in chosen else None
        sha, updated, mapping = ((stored.sha256, stored.updated, MAPPING_VERSION) if stored
                                 else known.get(doc.graph, (None, None, None)))
        if sha == doc.sha256 and mapping == MAPPING_VERSION:
            report.unchanged += 1
            if stored is None and doc.graph in known:
                unrecorded.append(item)  # a store written before trialkg kept history: its record made now
        elif sha == doc.sha256:  # the same document, made by another mapping version: made again
            chosen[doc.graph] = item
            again.add(doc.graph)
        elif sha is not None and updated and doc.updated and updated > doc.updated:
            report.older += 1
            superseded.append(item)
        else:
            if doc.graph in chosen:
                superseded.append(chosen[doc.graph])
            chosen[doc.graph] = item
            again.discard(doc.graph)
    kept = _superseded_records(db, superseded, chosen, known)
    kept += [q for item in unrecorded if not _recorded(db, item) for q in _parsed(item.version)]
    report.versions_kept += sum(q.predicate == _SNAPSHOT for q in kept)
    if not chosen:
        if kept:  # records of versions not written (older, or of a store made before the history): bulk-loaded
            db.bulk_load(to_bytes(kept, ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS, lenient=True)
            report.versions_recorded += _records(kept)
        return
    if not report.written:  # this ingest's first write: the derived graphs stop being current until it finishes
        report.record_aliases_since = record_alias_marker(db)
        _invalidate_derived(db)
        invalidate_record_alias_marker(db)
    new = [item for g, item in chosen.items() if g not in known]
    replaced = [item for g, item in chosen.items() if g in known]
    report.added += len(new)
    report.reprocessed += len(again)
    report.replaced += len(replaced) - len(again)
    report.quads_written += sum(item.quads for item in chosen.values())
    report.written.extend(chosen)
    report.findings.update((g, item.findings) for g, item in chosen.items() if item.findings)
    if replaced:  # the old graphs dropped and kept in the history, in one transaction
        db.update(_replace_update(db, replaced, again, report))
    # the documents and the version records bulk-loaded (fast, not transactional), then the commit markers in one
    # transaction: a document counts as stored once its marker is (an interrupted ingest leaves graphs without
    # markers, which the next one drops with their records); readers see none of it before the snapshot is published
    written = new + replaced
    records = b"".join(item.version for item in written)
    db.bulk_load(b"".join(item.nquads for item in written) + records + to_bytes(kept, ox.RdfFormat.N_QUADS),
                 format=ox.RdfFormat.N_QUADS, lenient=True)  # serialized by pyoxigraph from valid terms: not checked again
    report.versions_recorded += _records(kept) + sum(bool(item.version) for item in written)
    db.extend([commit_marker(item.doc) for item in written])
    known.update({g: (item.doc.sha256, item.doc.updated, MAPPING_VERSION) for g, item in chosen.items()})


def _records(quads: list[ox.Quad]) -> int:
    return sum(q.predicate == RDF_TYPE and q.object == _VERSION for q in quads)


def _recorded(db: ox.Store, item: PreparedDocument) -> bool:
    """Whether the history holds a record of this version."""
    v = ox.NamedNode(history.version_iri(item.doc.graph, item.doc.sha256))
    return ox.Quad(v, RDF_TYPE, _VERSION, history.HISTORY) in db


def _parsed(nquads: bytes) -> list[ox.Quad]:
    return list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)) if nquads else []


def _superseded_records(db: ox.Store, superseded: list[PreparedDocument], chosen: dict[str, PreparedDocument],
                        known: dict[str, tuple[str, str | None, str | None]]) -> list[ox.Quad]:
    """The version records, with their graphs, of versions seen but not written, unless already kept or about
    to be the document's graph."""
    out: list[ox.Quad] = []
    seen: set[str] = set()
    for item in superseded:
        g, sha = item.doc.graph, item.doc.sha256
        v = history.version_iri(g, sha)
        current = chosen[g].doc.sha256 if g in chosen else known.get(g, (None,))[0]
        if sha == current or v in seen or _recorded(db, item):
            continue
        seen.add(v)
        out += _parsed(item.version) + [history.snapshot(g, sha, item.nquads)]
    return out


def _invalidate_derived(db: ox.Store) -> None:
    """Remove the marker saying the derived graphs were computed from the stored documents: an ingest
    stopped before its finishing steps leaves it absent, so the rerun computes them even if it writes nothing."""
    for quad in list(db.quads_for_pattern(_INFERRED, _SHA256, None, _INFERRED)):
        db.remove(quad)



_INFERRED = ox.NamedNode(iris.INFERRED_GRAPH)
_VERSION = ox.NamedNode(iris.term("DocumentVersion"))
_SNAPSHOT = ox.NamedNode(iris.term("graphSnapshot"))
_SHA256 = ox.NamedNode(iris.term("sha256"))  # <graph/inferred> tkg:sha256 "digest": what the derived graphs were computed from


def derived_digest(resolve: bool) -> str:
    """What the derived graphs are computed from, besides the documents: trialkg's version, the rules, the
    summary queries and, when the ingest resolves drugs, the drug dictionary (not loaded otherwise)."""
    texts = [__version__, MAPPING_VERSION, str(resolve), load().version if resolve else "", knowledge_version(),
             *rules().values(), *summaries().values()]
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def _replace_update(db: ox.Store, replaced: list[PreparedDocument], again: set[str], report: IngestReport) -> str:
    """One SPARQL update: drop the old graphs; in the history, the old version's record replaced by one read from its
    graph, with the graph itself kept (unless the new version is the same document made again: graphs in ``again``),
    and any record of the new version removed (the new one is written with its commit marker)."""
    parts = [f"DROP SILENT GRAPH <{item.doc.graph}>" for item in replaced]
    dropped, kept = [], []
    for item in replaced:
        g = item.doc.graph
        old = list(db.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        old_sha = next((q.object.value for q in old if q.subject == ox.NamedNode(g) and q.predicate == _SHA256
                        and isinstance(q.object, ox.Literal)), None)
        for sha in {s for s in (old_sha, item.doc.sha256) if s}:
            dropped += _stored_record(db, history.version_iri(g, sha))
        if old_sha and g not in again:
            kept += history.record(g, old_sha, old) + [history.snapshot(g, old_sha, to_bytes(old, ox.RdfFormat.N_QUADS))]
            report.versions_kept += 1
    report.versions_recorded += _records(kept)
    if dropped:
        parts.append(f"DELETE DATA {{ GRAPH <{iris.HISTORY_GRAPH}> {{ {_ntriples(q.triple for q in dropped)} }} }}")
    if kept:
        parts.append(f"INSERT DATA {{ GRAPH <{iris.HISTORY_GRAPH}> {{ {_ntriples(q.triple for q in kept)} }} }}")
    return " ;\n".join(parts)


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return to_bytes(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _stored_record(db: ox.Store, version: str) -> list[ox.Quad]:
    """A version record as stored: its own quads and its facts'."""
    own = list(db.quads_for_pattern(ox.NamedNode(version), None, None, history.HISTORY))
    facts = [q.object for q in own if q.predicate.value == iris.term("versionFact")]
    return own + [q for f in facts for q in db.quads_for_pattern(f, None, None, history.HISTORY)]  # type: ignore[arg-type]
