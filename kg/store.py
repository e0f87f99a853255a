"""The embedded, persistent store (Oxigraph on disk) and the ingest of records into it.

- One named graph per source document; the default graph of queries is the union of them all.
- Re-ingesting a document with the same sha256 changes nothing; a new version of a document
  replaces its named graph in one transaction (readers see the old or the new graph, never half).
- An ingest that fails (an exception) leaves the store as it was before it: a checkpoint (RocksDB
  hard links, cheap) is taken first and restored on failure. One that is interrupted (Ctrl-C, or
  killed) keeps the documents it has written, whole, and running it again resumes where it stopped;
  readers see neither until an ingest finishes. Documents skipped because they could not be read
  are reported and are not a failure.
- One writer at a time: a second ingest into the same store is refused with a clear message.
- Readers (``kg query``, ``kg serve``, ``kg export``) open the snapshot the last finished ingest
  published (``kg.snapshot``), also while an ingest writes: each document whole, old or new version.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import shutil
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import SKOS
from kg import MAPPING_VERSION, __version__, iris
from kg.build import BuildOptions, PreparedDocument, replace_graph_update
from kg.errors import KGError, SourceError
from kg.model import TrialRecord
from kg.pipeline import prepared
from kg.sources.reader import PendingStudy
from kg.provenance import commit_marker
from kg.resources import data_dir
from kg.normalize import fold
from kg.resolve.dictionary import load
from kg.resolve.drugs import DrugResolver
from kg.resolve.linker import InterventionLinker
from kg.resolve.targets import version as knowledge_version
from kg.rules import apply_rules, refresh_summaries, rules, summaries
from kg.snapshot import Snapshot, current_name, prune, publish
from kg.drug_graph import refresh_dictionary_graph, refresh_record_alias_graph

# documents per write: each bulk load adds files to RocksDB's level 0, and at 550k studies batches of 500 made
# compaction fall behind until RocksDB stalled the writes; 4,000 (about 1.3M quads, 250 MB of N-Quads) makes
# eight times fewer files
BATCH_DOCUMENTS = int(os.environ.get("KG_BATCH_DOCUMENTS", "4000"))
_LOCK = "writer.lock"
_PENDING = "restore-pending"  # the checkpoint of a failed ingest that its process could not put back itself


def _store_fault(exc: BaseException) -> bool:
    """An error of the disk or of the database's files (pyoxigraph raises RocksDB's corruption as RuntimeError)."""
    return isinstance(exc, OSError) or (isinstance(exc, RuntimeError) and
                                        any(w in str(exc) for w in ("Corruption", "IO error")))


def damaged(path: Path, exc: Exception) -> KGError:
    """The one-line error for a store RocksDB cannot read (a missing or truncated file)."""
    return KGError(f"the store at {path} is damaged ({' '.join(str(exc).split())[:300]}): rebuild it "
                   f"(remove {path} and run kg build again) or restore it from a copy")


def default_store_dir() -> Path:
    """``$KG_STORE``, else ``$XDG_DATA_HOME/trialkg/store`` (``~/.local/share/trialkg/store``)."""
    if env := os.environ.get("KG_STORE"):
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "trialkg" / "store"


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


class TrialStore:
    """A trialkg store on disk. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path else default_store_dir()
        self.read_only = read_only
        self._snapshot: Snapshot | None = None
        if read_only:
            self._snapshot = Snapshot(self.path)
            try:
                self._store = self._snapshot.open()
            except (OSError, RuntimeError) as exc:
                self._snapshot.release()
                raise damaged(self.path, exc) from None
        else:
            if self.path.is_dir() and any(self.path.iterdir()) and not (self.path / "db").is_dir():
                raise KGError(f"{self.path} is not a trialkg store (no db/ in it): choose an empty or new directory")
            if (self.path / _PENDING).is_dir():
                self._swap_in(self.path / _PENDING)
            (self.path / "db").mkdir(parents=True, exist_ok=True)
            self._store = self._open_db()

    def _open_db(self) -> ox.Store:
        try:
            return ox.Store(str(self.path / "db"))
        except (OSError, RuntimeError) as exc:
            message = str(exc).lower()
            if "lock" in message:
                raise KGError(f"the store at {self.path} is being written by another process (an ingest); "
                              "wait for it to finish") from None
            if "corruption" in message or "no such file" in message:
                raise damaged(self.path, exc) from None
            raise KGError(f"cannot open the store at {self.path}: {' '.join(str(exc).split())}") from None

    @property
    def read_path(self) -> Path:
        """The directory a read-only opener of this store's content should open (its snapshot)."""
        if self._snapshot is None:
            raise KGError("the store is open for writing; read views are for read-only opens")
        return self._snapshot.path

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                self._store.flush()
            self._store = None  # type: ignore[assignment]
        if self._snapshot is not None:
            self._snapshot.release()

    def __enter__(self) -> "TrialStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._store

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        fd = os.open(self.path / _LOCK, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise KGError(f"another ingest is writing to {self.path}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str, **kwargs):
        """A SPARQL query over the union of all named graphs."""
        return self._store.query(sparql, use_default_graph_as_union=True, **kwargs)

    def learned_aliases(self) -> dict[str, tuple[str, str]]:
        """Drug names that ingested records gave (skos:altLabel/hiddenLabel in their graphs), by folded
        key -> (UNII, graph of the record that is the evidence); a name given to two drugs is left out."""
        rows = self._store.query(
            "SELECT ?label ?unii ?g WHERE { GRAPH ?g { ?d <%s> ?unii ; ?p ?label . "
            "VALUES ?p { <%saltLabel> <%shiddenLabel> } } FILTER(?g != <%s>) }"
            % (iris.term("unii"), SKOS, SKOS, iris.DICTIONARY_GRAPH))  # documents' own labels only
        found: dict[str, tuple[str, str]] = {}
        clash: set[str] = set()
        for row in rows:
            key = fold(row["label"].value)
            if key in found and found[key][0] != row["unii"].value:
                clash.add(key)
            found.setdefault(key, (row["unii"].value, row["g"].value))
        return {k: v for k, v in found.items() if k not in clash}

    def documents(self) -> dict[str, str]:
        """Named graph IRI -> sha256 of every source document in the store."""
        return {g: sha for g, (sha, *_) in self._versions().items() if g not in iris.SPECIAL_GRAPHS}

    def _versions(self) -> dict[str, tuple[str, str | None, str | None]]:
        """Named graph IRI -> (sha256, last update the record states, mapping version that made it) of every
        source document."""
        rows = self._store.query(
            "SELECT ?g ?sha ?updated ?mapping WHERE { GRAPH ?g { ?g <%s> ?sha OPTIONAL { ?g <%s> ?updated } "
            "OPTIONAL { ?g <http://www.w3.org/ns/prov#wasGeneratedBy>/<%s> ?mapping } } FILTER(?g != <%s>) }"
            % (iris.term("sha256"), iris.term("recordsUpdated"), iris.term("mappingVersion"), iris.ONTOLOGY_GRAPH))
        return {row["g"].value: (row["sha"].value, row["updated"].value if row["updated"] else None,
                                 row["mapping"].value if row["mapping"] else None) for row in rows}

    def disk_bytes(self) -> int:
        """Bytes on disk of the store directory (files shared by the database and a snapshot counted once)."""
        seen: set[tuple[int, int]] = set()
        total = 0
        for root, _, files in os.walk(self.path):
            for name in files:
                st = os.lstat(os.path.join(root, name))
                if (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_size
        return total

    def __len__(self) -> int:
        return len(self._store)

    # -- writing -----------------------------------------------------------------------------
    def load_ontology(self) -> None:
        """Load ``ontology/*.ttl`` into the ontology graph when the files changed (one transaction)."""
        g = ox.NamedNode(iris.ONTOLOGY_GRAPH)
        files = sorted(data_dir("ontology").glob("*.ttl"))
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
        sha = ox.NamedNode(iris.term("sha256"))
        if ox.Quad(g, sha, ox.Literal(digest), g) in self._store:
            return
        quads = [ox.Quad(g, sha, ox.Literal(digest), g)]
        for path in files:
            quads += [ox.Quad(q.subject, q.predicate, q.object, g)
                      for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        self._store.update(replace_graph_update(iris.ONTOLOGY_GRAPH, quads))

    def ingest(self, items: Iterable[TrialRecord | PendingStudy | SourceError], options: BuildOptions | None = None,
               on_document=None, workers: int = 1, validate: bool = False) -> IngestReport:
        """Ingest records (errors in ``items`` are collected, not raised) all-or-nothing; ``workers``
        processes resolve and build the documents (``kg.pipeline``), and with ``validate`` check each
        against the SHACL shapes as they build it (the findings of the documents written: ``report.findings``)."""
        if self.read_only:
            raise KGError("the store is open read-only")
        options = options or BuildOptions()
        options.ingested_at = options.ingested_at or datetime.now(timezone.utc)
        if options.resolver is None and options.resolve:
            # a document's graph depends only on it and the shipped dictionary (reproducible, order-free);
            # links through aliases learned from other records go to graph/record-aliases after the ingest
            options.resolver = InterventionLinker(DrugResolver())
        report = IngestReport()
        start = time.perf_counter()
        with self._writer_lock():
            try:
                checkpoint = self._checkpoint()
            except OSError as exc:
                raise KGError(f"cannot start the ingest into {self.path}: the checkpoint it needs failed "
                              f"({' '.join(str(exc).split())}); nothing was written") from None
            try:
                self.load_ontology()
                self._drop_uncommitted()
                known = self._versions()
                batch: list[PreparedDocument] = []
                for item in prepared(items, options, workers, validate):
                    if isinstance(item, SourceError):
                        report.failed.append(item)
                    else:
                        batch.append(item)
                        if len(batch) >= BATCH_DOCUMENTS:
                            self._write(batch, known, report)
                            batch = []
                    if on_document:
                        on_document(item)
                self._write(batch, known, report)
                report.stale = sum(m != MAPPING_VERSION for g, (_, _, m) in known.items() if g not in iris.SPECIAL_GRAPHS)
                self._finish(report, options.resolve)
            except KeyboardInterrupt:  # stopped by the user: keep what is written, for the next run to resume
                self._store.flush()
                shutil.rmtree(checkpoint, ignore_errors=True)
                raise
            except BaseException as exc:
                traceback.clear_frames(exc.__traceback__)  # frames that hold the database keep it open
                self._restore(checkpoint)
                if _store_fault(exc):  # a full disk, a file-size limit, a damaged file
                    raise KGError(f"the ingest into {self.path} failed: {' '.join(str(exc).split())[:300]}; "
                                  "the store is as it was before it (free the space, then run it again)") from None
                raise
            shutil.rmtree(checkpoint, ignore_errors=True)
        report.warnings = list(options.warnings)
        report.written = list(dict.fromkeys(report.written))  # a document written in two batches, once
        report.seconds = time.perf_counter() - start
        return report

    def _finish(self, report: IngestReport, resolve: bool) -> None:
        """Recompute the derived graphs from the whole store and publish a snapshot for readers; skipped
        when the ingest wrote nothing and they were computed by this version of trialkg from the same
        rules, summaries and dictionary (a rerun of a finished ingest costs a few seconds at any size)."""
        marker = ox.Quad(_INFERRED, _SHA256, ox.Literal(derived_digest(resolve)), _INFERRED)
        if not (report.added or report.replaced or report.reprocessed) and marker in self._store and current_name(self.path) is not None:
            prune(self.path)  # snapshots that readers held at the last ingest may be free now
            return
        steps = [("derived classes", lambda: apply_rules(self._store)),
                 ("summary counts", lambda: refresh_summaries(self._store)),
                 ("snapshot", lambda: self._publish(marker))]
        if resolve:
            steps[:0] = [("record-alias links", lambda: refresh_record_alias_graph(self._store, self.learned_aliases())),
                         ("dictionary graph", lambda: refresh_dictionary_graph(self._store))]
        for name, step in steps:
            t = time.perf_counter()
            step()
            report.finishing[name] = time.perf_counter() - t

    def _publish(self, marker: ox.Quad) -> None:
        """Mark the derived graphs as computed (``marker``, in ``graph/inferred``) and publish the snapshot."""
        self._store.extend([marker])
        publish(self._store, self.path)

    def _write(self, batch: list[PreparedDocument], known: dict[str, tuple[str, str | None, str | None]],
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
            self._invalidate_derived()
        new = [item for g, item in chosen.items() if g not in known]
        replaced = [item for g, item in chosen.items() if g in known]
        report.added += len(new)
        report.reprocessed += len(again)
        report.replaced += len(replaced) - len(again)
        report.quads_written += sum(item.quads for item in chosen.values())
        report.written.extend(chosen)
        report.findings.update((g, item.findings) for g, item in chosen.items() if item.findings)
        if new:  # bulk-loaded (fast, not transactional); a document counts as stored once its marker is
            self._store.bulk_load(b"".join(item.nquads for item in new), format=ox.RdfFormat.N_QUADS,
                                  lenient=True)  # serialized by pyoxigraph from valid terms: no need to check again
            self._store.extend([commit_marker(item.doc) for item in new])
        if replaced:
            self._store.update(_replace_update(replaced))
        known.update({g: (item.doc.sha256, item.doc.updated, MAPPING_VERSION) for g, item in chosen.items()})

    def _invalidate_derived(self) -> None:
        """Remove the marker saying the derived graphs were computed from the stored documents: an ingest
        stopped before its finishing steps leaves it absent, so the rerun computes them even if it writes nothing."""
        for quad in list(self._store.quads_for_pattern(_INFERRED, _SHA256, None, _INFERRED)):
            self._store.remove(quad)

    def _drop_uncommitted(self) -> None:
        """Drop the graphs an interrupted ingest left without their commit marker (never published)."""
        committed = set(self._versions()) | iris.SPECIAL_GRAPHS
        leftovers = [g.value for g in self._store.named_graphs()
                     if isinstance(g, ox.NamedNode) and g.value not in committed]
        if leftovers:
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))

    def _checkpoint(self) -> Path:
        target = self.path / "checkpoint"
        shutil.rmtree(target, ignore_errors=True)  # a checkpoint left by a killed ingest is stale
        self._store.flush()
        self._store.backup(str(target))
        return target

    def _restore(self, checkpoint: Path) -> None:
        """Put the store back as it was at the checkpoint. The failed database must be closed first: an
        instance still open would go on writing and deleting files by name in ``db/``, inside the restored
        one. If this process cannot close it, the checkpoint is left as ``restore-pending/`` and the next
        writer swaps it in before it opens the database."""
        self._store = None  # type: ignore[assignment]
        gc.collect()
        os.replace(checkpoint, self.path / _PENDING)
        try:
            probe = ox.Store(str(self.path / "db"))
        except (OSError, RuntimeError) as exc:
            if "lock" in str(exc).lower():
                raise KGError(f"the ingest into {self.path} failed and its database is still open in this process: "
                              "the next kg build puts the store back as it was before the ingest") from None
        else:
            del probe
            gc.collect()
        self._swap_in(self.path / _PENDING)
        self._store = self._open_db()

    def _swap_in(self, saved: Path) -> None:
        """Make the closed checkpoint ``saved`` the database (renames: no space needed), the failed one deleted."""
        failed = self.path / "failed"
        shutil.rmtree(failed, ignore_errors=True)
        if (self.path / "db").exists():
            os.replace(self.path / "db", failed)
        os.replace(saved, self.path / "db")
        shutil.rmtree(failed, ignore_errors=True)


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
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        graphs.append(f"GRAPH <{item.doc.graph}> {{ {body} }}")
    parts.append(f"INSERT DATA {{ {' '.join(graphs)} }}")
    return " ;\n".join(parts)
