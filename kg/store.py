"""The embedded, persistent store (Oxigraph on disk): opening, the writer's lock, all-or-nothing writing with a
checkpoint, read views. The ingest that writes records into it is ``kg.ingest``.

- One named graph per source document; the default graph of queries is the union of them all.
- Re-ingesting a document with the same sha256 changes nothing; a new version of a document
  replaces its named graph (readers, who read snapshots, see the old or the new graph, never half).
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
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import PROV, SKOS
from kg import history, iris
from kg.build import replace_graph_update
from kg.errors import KGError
from kg.resources import data_dir
from kg.normalize import fold
from kg.rdf import select
from kg.snapshot import Snapshot

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
        rows = select(self._store,
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
        return {g: sha for g, (sha, *_) in self.versions().items() if g not in iris.SPECIAL_GRAPHS}

    def versions(self) -> dict[str, tuple[str, str | None, str | None]]:
        """Named graph IRI -> (sha256, last update the record states, mapping version that made it) of every
        source document."""
        rows = select(self._store,
            "SELECT ?g ?sha ?updated ?mapping WHERE { GRAPH ?g { ?g <%s> ?sha OPTIONAL { ?g <%s> ?updated } "
            "OPTIONAL { ?g <%swasGeneratedBy>/<%s> ?mapping } } FILTER(?g != <%s>) }"
            % (iris.term("sha256"), iris.term("recordsUpdated"), PROV, iris.term("mappingVersion"), iris.ONTOLOGY_GRAPH))
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

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Write under the store's lock, all or nothing: a checkpoint (hard links, cheap) is taken first; an error
        puts the store back as it was (a full disk or a damaged file becomes one ``KGError`` line); Ctrl-C keeps
        what was written, whole, for the next run to resume. Callers reach the database through ``oxigraph`` and
        keep no name for it: one held in a frame would keep a failed database open."""
        if self.read_only:
            raise KGError("the store is open read-only")
        with self._writer_lock():
            try:
                checkpoint = self._checkpoint()
            except OSError as exc:
                raise KGError(f"cannot start the ingest into {self.path}: the checkpoint it needs failed "
                              f"({' '.join(str(exc).split())}); nothing was written") from None
            try:
                yield
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

    def drop_uncommitted(self) -> None:
        """Drop the graphs an interrupted ingest left without their commit marker (never published), and their
        versions' records that keep no graph (``kg.history.drop_current_records``)."""
        committed = set(self.versions()) | iris.SPECIAL_GRAPHS
        leftovers = [g.value for g in self._store.named_graphs()
                     if isinstance(g, ox.NamedNode) and g.value not in committed]
        if leftovers:
            self._store.update(" ;\n".join([f"DROP SILENT GRAPH <{g}>" for g in leftovers]
                                            + [history.drop_current_records(leftovers)]))

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


