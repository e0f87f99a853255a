"""Ingest: records (or pending studies) into a store, all or nothing.

- One named graph per source document; re-ingesting a document with the same sha256 (made by this mapping version)
  changes nothing; a new version replaces its graph in one transaction (readers see the old or the new graph, never
  half), unless the stored one states a later update of the trial.
- Documents are prepared on all cores (``kg.pipeline``) and written in batches: new ones bulk-loaded, then their
  commit markers; after the last batch the derived graphs are recomputed (``_finish``) and a snapshot is published
  for readers. All of it runs inside ``TrialStore.writing()``: an error leaves the store as it was, Ctrl-C keeps
  what was written for the next run to resume.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyoxigraph as ox

from kg import MAPPING_VERSION, __version__, iris
from kg.build import BuildOptions, PreparedDocument
from kg.drug_graph import refresh_dictionary_graph, refresh_record_alias_graph
from kg.errors import SourceError
from kg.rdf import to_bytes
from kg.sources.model import TrialRecord
from kg.pipeline import prepared
from kg.provenance import commit_marker
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
    failed: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quads_written: int = 0
    written: list[str] = field(default_factory=list)  # named graphs of the documents added or replaced
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
        prune(store.path)  # snapshots that readers held at the last ingest may be free now
        return
    steps = [("derived classes", lambda: apply_rules(db)),
             ("summary counts", lambda: refresh_summaries(db)),
             ("snapshot", lambda: _publish(store, marker))]
    if resolve:
        steps[:0] = [("record-alias links", lambda: refresh_record_alias_graph(db, store.learned_aliases())),
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
    """Write one batch: new documents bulk-loaded, then their commit markers in one transaction;
    new versions of stored documents replaced in one transaction.

    A version is not written when the stored one is the same (sha256, made by this mapping version) or
    states a later update of the trial (an old download after a newer one); within a batch the last
    version wins. The same document made by another mapping version is made again (``reprocessed``).
    """
    chosen: dict[str, PreparedDocument] = {}
    again: set[str] = set()
    for item in batch:
        doc = item.doc
        stored = chosen[doc.graph].doc if doc.graph in chosen else None
        sha, updated, mapping = ((stored.sha256, stored.updated, MAPPING_VERSION) if stored
                                 else known.get(doc.graph, (None, None, None)))
        if sha == doc.sha256 and mapping == MAPPING_VERSION:
            report.unchanged += 1
        elif sha == doc.sha256:  # the same document, made by another mapping version: made again
            chosen[doc.graph] = item
            again.add(doc.graph)
        elif sha is not None and updated and doc.updated and updated > doc.updated:
            report.older += 1
        else:
            chosen[doc.graph] = item
            again.discard(doc.graph)
    if not chosen:
        return
    if not report.written:  # this ingest's first write: the derived graphs stop being current until it finishes
        _invalidate_derived(db)
    new = [item for g, item in chosen.items() if g not in known]
    replaced = [item for g, item in chosen.items() if g in known]
    report.added += len(new)
    report.reprocessed += len(again)
    report.replaced += len(replaced) - len(again)
    report.quads_written += sum(item.quads for item in chosen.values())
    report.written.extend(chosen)
    report.findings.update((g, item.findings) for g, item in chosen.items() if item.findings)
    if new:  # bulk-loaded (fast, not transactional); a document counts as stored once its marker is
        db.bulk_load(b"".join(item.nquads for item in new), format=ox.RdfFormat.N_QUADS,
                              lenient=True)  # serialized by pyoxigraph from valid terms: no need to check again
        db.extend([commit_marker(item.doc) for item in new])
    if replaced:
        db.update(_replace_update(replaced))
    known.update({g: (item.doc.sha256, item.doc.updated, MAPPING_VERSION) for g, item in chosen.items()})

def _invalidate_derived(db: ox.Store) -> None:
    """Remove the marker saying the derived graphs were computed from the stored documents: an ingest
    stopped before its finishing steps leaves it absent, so the rerun computes them even if it writes nothing."""
    for quad in list(db.quads_for_pattern(_INFERRED, _SHA256, None, _INFERRED)):
        db.remove(quad)



_INFERRED = ox.NamedNode(iris.INFERRED_GRAPH)
_SHA256 = ox.NamedNode(iris.term("sha256"))  # <graph/inferred> tkg:sha256 "digest": what the derived graphs were computed from


def derived_digest(resolve: bool) -> str:
    """What the derived graphs are computed from, besides the documents: trialkg's version, the rules, the
    summary queries and, when the ingest resolves drugs, the drug dictionary (not loaded otherwise)."""
    texts = [__version__, MAPPING_VERSION, str(resolve), load().version if resolve else "", knowledge_version(),
             *rules().values(), *summaries().values()]
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def _replace_update(replaced: list[PreparedDocument]) -> str:
    """One SPARQL update: drop the old graphs, insert the new versions with their commit markers."""
    parts = [f"DROP SILENT GRAPH <{item.doc.graph}>" for item in replaced]
    graphs = []
    for item in replaced:
        triples = [q.triple for q in ox.parse(item.nquads, format=ox.RdfFormat.N_QUADS)]
        triples.append(commit_marker(item.doc).triple)
        body = to_bytes(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        graphs.append(f"GRAPH <{item.doc.graph}> {{ {body} }}")
    parts.append(f"INSERT DATA {{ {' '.join(graphs)} }}")
    return " ;\n".join(parts)
