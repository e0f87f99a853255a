"""Read source documents into records, detecting the format by content, never by file name.

Handled: registry pages saved as text (four layouts), ClinicalTrials.gov API v2 JSON (one study,
an array of studies, JSON Lines, an API search page ``{"studies": [...]}``), any of those gzipped,
a zip of per-study files (the registry's bulk ``ctg-studies.json.zip``), legacy ``clinical_study`` XML,
and other registries' records as JSON (ISRCTN, EU CTR and CTIS, as the ctrdata package exports them). Each
document yields records or ``SourceError``s; one bad study or file never stops the rest.

Mapping an API v2 study to its record is most of the cost of reading it. ``read_paths(...,
deferred=True)`` gives each such study as a ``PendingStudy`` (its exact JSON text), which
``PendingStudy.resolve()`` maps: ``kg build`` does that in its worker processes, so the process that
reads the files and writes the store does not.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import SourceError
from kg.sources.model import RecordError, Source, TrialRecord, check_record
from kg.sources import (classic_json, ctgov_json, ctgov_xml, ctgov_xml_json, ctis_json, digest_page, euctr_json, generic_page, isrctn_json,
                        portal_page, summary_table_page, veeva_page)
from kg.sources.html_text import looks_like_html, visible_text
from kg.sources.jsonstream import JSONStreamError, iter_values, loads

PAGE_PARSERS = (digest_page, veeva_page, portal_page, summary_table_page)
REGISTRY_PARSERS = (isrctn_json, euctr_json, ctis_json, ctgov_xml_json)  # records as JSON: each has is_record, map_record, FORMAT
MAX_PAGE_BYTES = 20 << 20  # a saved registry page is tens of kB; anything this large is not one
MAX_XML_BYTES = 64 << 20

Result = TrialRecord | SourceError


@dataclass(frozen=True, slots=True)
class PendingStudy:
    """An API v2 study read but not yet mapped: its exact JSON text and where it was read."""

    raw: str
    name: str
    index: str

    def resolve(self) -> Result:
        """The study's record, or the error that names what is wrong with it."""
        return checked(_study(loads(self.raw), self.raw, self.name, self.index))


Item = Result | PendingStudy


def checked(item: Result) -> Result:
    """A record that passes ``check_record``, else the error naming its file, study and bad field."""
    if isinstance(item, TrialRecord):
        try:
            return check_record(item)
        except RecordError as exc:
            nct = item.nct_id if isinstance(item.nct_id, str) and len(item.nct_id) < 40 else None
            return SourceError(item.source.path, str(exc), nct)
    return item


def resolved(items: Iterable[Item]) -> Iterator[Result]:
    """Each item, pending studies mapped."""
    for item in items:
        yield item.resolve() if isinstance(item, PendingStudy) else item


def _is_documentation(name: str) -> bool:
    upper = name.upper()
    return upper.endswith((".MD", ".RST")) or upper.startswith(("README", "LICENSE", "LICENCE", "SOURCES"))


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named, and files under directories named (recursively, sorted).

    Inside a directory, hidden files and documentation (``*.md``, README, LICENSE, SOURCES) are
    skipped: data folders carry notes on their provenance. A file named explicitly is always read.
    """
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and not _is_documentation(name):
                        yield Path(root) / name
        else:
            yield p


def read_paths(paths: Iterable[str | os.PathLike], *, deferred: bool = False) -> Iterator[Item]:
    """Records and errors from every document under ``paths``, in order; with ``deferred``, API v2
    studies as ``PendingStudy`` (mapped by whoever resolves them)."""
    for path in iter_files(paths):
        items = _read_file(path)
        yield from items if deferred else resolved(items)


def count_studies(paths: Iterable[str | os.PathLike]) -> int:
    """About how many documents ``read_paths`` will give (for progress and ETA, not a promise): the
    ``"nctId"`` keys of JSON files (gzip decompressed), the members of zip archives, else one per file."""
    total = 0
    for path in iter_files(paths):
        try:
            with open(path, "rb") as fh:
                head = fh.read(2)
                fh.seek(0)
                if head == b"PK":
                    with zipfile.ZipFile(fh) as archive:
                        total += sum(not m.is_dir() for m in archive.infolist())
                    continue
                stream = gzip.GzipFile(fileobj=fh) if head == b"\x1f\x8b" else fh
                found, tail = 0, b""
                while chunk := stream.read(1 << 22):
                    found += (tail + chunk).count(b'"nctId"')
                    tail = chunk[-6:]
                total += max(found, 1)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile):
            total += 1
    return total


def read_file(path: str | os.PathLike) -> Iterator[Result]:
    """Records and errors from one file (which may hold many studies)."""
    return resolved(_read_file(path))


def _read_file(path: str | os.PathLike) -> Iterator[Item]:
    name = str(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # a FIFO or device would block or never end
            what = "a directory" if stat.S_ISDIR(mode) else "not a regular file (FIFO, socket or device)"
            yield SourceError(name, f"is {what}: not read")
            return
        with open(path, "rb") as fh:
            for item in _read_stream(fh, name):
                yield item if isinstance(item, PendingStudy) else checked(item)
    except FileNotFoundError:
        yield SourceError(name, "no such file")
    except PermissionError:
        yield SourceError(name, "permission denied")
    except OSError as exc:
        yield SourceError(name, f"cannot read: {exc.strerror or exc}")


def _read_stream(fh: BinaryIO, name: str) -> Iterator[Item]:
    buffered = fh if isinstance(fh, io.BufferedReader) else io.BufferedReader(fh)  # type: ignore[type-var]
    head = buffered.peek(4096)[:4096]
    if not head:
        yield SourceError(name, "empty file")
        return
    if head[:2] == b"\x1f\x8b":
        yield from _read_gzip(buffered, name)
    elif head[:4] == b"PK\x03\x04":
        yield from _read_zip(buffered, name)
    elif head[:4] == b"PK\x05\x06":  # a zip's end record first: the archive holds nothing
        yield SourceError(name, "an empty zip archive (no files in it)")
    else:
        yield from _read_plain(buffered, head, name)


def _read_gzip(fh: BinaryIO, name: str) -> Iterator[Item]:
    inner = gzip.GzipFile(fileobj=fh, mode="rb")  # a gzip inside a gzip: the outer reader has no file mode
    try:
        yield from _read_stream(io.BufferedReader(inner), name)
    except (OSError, EOFError, zlib.error) as exc:
        yield SourceError(name, f"corrupt gzip data: {exc}")


def _read_zip(fh: BinaryIO, name: str) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(fh)
        members = sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield SourceError(name, f"corrupt zip archive: {exc}")
        return
    if not members:
        yield SourceError(name, "an empty zip archive (no files in it)")
    seen: dict[str, int] = {}
    for member in members:  # each entry by its own header: two members of one name are both read, once each
        seen[member.filename] = seen.get(member.filename, 0) + 1
        copy = f" (copy {seen[member.filename]})" if seen[member.filename] > 1 else ""
        member_name = f"{name}!/{member.filename}{copy}"
        if member.flag_bits & 0x1:
            yield SourceError(member_name, "an encrypted zip member (password-protected): not read")
            continue
        try:
            with archive.open(member) as inner:
                yield from _read_stream(io.BufferedReader(inner), member_name)  # type: ignore[type-var]
        except NotImplementedError as exc:  # an unknown compression method
            yield SourceError(member_name, f"zip member not readable: {exc} (method {member.compress_type})")
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError, ValueError) as exc:
            yield SourceError(member_name, f"corrupt zip member: {exc}")


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _first_char(head: bytes) -> str:
    if head.startswith(_UTF16_BOMS):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").lstrip(" \t\r\n")
        return text[0] if text else ""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(stripped[0]) if stripped else ""


def _skip_space(fh: BinaryIO) -> bytes:
    """Past a head of white space only: read on (in C, a chunk at a time) to the first other byte; that
    byte's chunk onwards as the new head (a gzip of a gigabyte of spaces ends in seconds, not hours)."""
    while chunk := fh.read(1 << 20):
        if rest := chunk.lstrip(b" \t\r\n"):
            return rest
    return b""


def _read_plain(fh: BinaryIO, head: bytes, name: str) -> Iterator[Item]:
    first = _first_char(head)
    if not first and len(head) == 4096:  # more may follow the white space
        head = _skip_space(fh)
        first = _first_char(head)
        fh = io.BufferedReader(_Chained(head, fh))
    if not first:
        yield SourceError(name, "empty file (white space only)")
        return
    if first in "{[" and _looks_like_json(head):
        yield from _read_json(fh, name)
        return
    html = first == "<" and looks_like_html(head)  # a page as the browser saved it: its visible text, then the page parsers
    if first == "<" and not html:
        data = _read_limited(fh, MAX_XML_BYTES, name)
        if isinstance(data, SourceError):
            yield data
            return
        try:
            yield ctgov_xml.parse(_utf8_xml(data), _source(name, data, ctgov_xml.FORMAT))
        except SourceError as exc:
            yield exc
        return
    data = _read_limited(fh, MAX_PAGE_BYTES, name)
    if isinstance(data, SourceError):
        yield data
        return
    text = _decode(data, name)
    if isinstance(text, SourceError):
        yield text
        return
    yield from _read_text_page(visible_text(text) if html else text, data, name)


def _looks_like_json(head: bytes) -> bool:
    """Whether a file starting with ``{`` or ``[`` can be JSON: what follows the bracket is a JSON value or its end (a
    text page may start "[Trial of device ...]")."""
    if head.startswith(_UTF16_BOMS):
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    m = re.match(rb"\s*(?:\xef\xbb\xbf)?\s*([\[{])\s*(.?)", head, re.S)
    if not m:
        return False
    opener, after = m[1], m[2]
    if not after:
        return True  # nothing more to read yet: only the JSON reader can tell
    if opener == b"{":
        return after in (b'"', b"}")
    return after in b'{["-0123456789tfn]'


def _utf8_xml(data: bytes) -> bytes:
    """XML saved as UTF-16 with a BOM, as UTF-8: the BOM decides, whatever its declaration says (editors
    that re-save a file as "Unicode" keep ``encoding="UTF-8"``)."""
    if not data.startswith(_UTF16_BOMS):
        return data
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return data  # the parser names what is wrong
    return re.sub(r"^(<\?xml[^>]*?)\sencoding=(['\"])[^'\"]*\2", r"\1", text, count=1).encode("utf-8")


class _Chained(io.RawIOBase):
    """``head`` then the rest of ``stream``, as one readable stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.head[: len(buffer)] if self.head else self.stream.read(len(buffer))
        self.head = self.head[len(data):]
        buffer[: len(data)] = data
        return len(data)


def _read_limited(fh: BinaryIO, limit: int, name: str) -> bytes | SourceError:
    data = fh.read(limit + 1)
    if len(data) > limit:
        return SourceError(name, f"too large for a single page or record ({limit >> 20} MB at most)")
    return data


def _decode(data: bytes, name: str) -> str | SourceError:
    """Page text: UTF-8 (with or without BOM) or UTF-16 with its BOM; binary data is refused."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return SourceError(name, "invalid UTF-16 text")
    if b"\x00" in data:
        return SourceError(name, "a binary file (NUL bytes), not a registry page or record")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(name, f"not UTF-8 text (invalid byte at offset {exc.start}); save the page as UTF-8")


def _read_text_page(text: str, data: bytes, name: str) -> Iterator[Item]:
    if not text.strip():
        yield SourceError(name, "empty file (white space only)")
        return
    for parser in PAGE_PARSERS:
        if parser.detect(text):
            try:
                yield parser.parse(text, _source(name, data, parser.FORMAT))
            except SourceError as exc:
                yield exc
            return
    record = generic_page.read(text, _source(name, data, generic_page.FORMAT))  # a layout of no parser of its own
    if record is not None:
        yield record
        return
    known = ", ".join(p.FORMAT for p in PAGE_PARSERS)
    yield SourceError(name, f"not a known registry page layout or record format (pages read: {known}; other layouts "
                            f"when they name a trial registry id and label at least {generic_page.MIN_FIELDS} fields)")


def _source(name: str, data: bytes, fmt: str) -> Source:
    return Source(path=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt)


def _read_json(fh: BinaryIO, name: str) -> Iterator[Item]:
    """Each study in the stream; a lone document's sha256 is that of the whole file."""
    values = iter_values(fh)
    index = 0
    try:
        for raw, value in values:
            index += 1
            if raw is None:  # a bad line of JSON Lines
                yield SourceError(f"{name}#{index}", str(value))
            else:
                yield from _json_value(raw, value, name, index)
    except JSONStreamError as exc:
        yield SourceError(name, str(exc))
    except UnicodeDecodeError as exc:
        yield SourceError(name, f"JSON is not UTF-8 (invalid byte at offset {exc.start})")


def _json_value(raw: str, value: object, name: str, index: int) -> Iterator[Item]:
    if isinstance(value, dict) and isinstance(value.get("studies"), list):  # an API v2 search page
        for k, study in enumerate(value["studies"], start=1):
            yield _study(study, None, name, f"{index}.{k}")
        return
    if classic_json.is_classic(value):
        yield from classic_json.map_response(value, name)  # type: ignore[arg-type]
        return
    for parser in REGISTRY_PARSERS:
        if parser.is_record(value):
            source = Source(path=f"{name}#{index}" if index > 1 else name,
                            sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(), format=parser.FORMAT)
            try:
                yield parser.map_record(value, source)
            except SourceError as exc:
                yield exc
            return
    yield PendingStudy(raw, name, str(index)) if ctgov_json.is_study(value) else _study(value, raw, name, str(index))


def _study(value: object, raw: str | None, name: str, index: str) -> Result:
    if not ctgov_json.is_study(value):
        what = f"an object with keys {sorted(value)[:6]}" if isinstance(value, dict) else type(value).__name__
        return SourceError(f"{name}#{index}", f"JSON value is not a ClinicalTrials.gov API v2 study, nor an ISRCTN, EU CTR or CTIS record ({what})")
    nct = value["protocolSection"].get("identificationModule", {}).get("nctId")  # type: ignore[index]
    data = (raw if raw is not None else _canonical(value)).encode("utf-8")
    where = f"{name}#{nct if isinstance(nct, str) else index}"
    source = Source(path=where, sha256=hashlib.sha256(data).hexdigest(), format=ctgov_json.FORMAT)
    try:
        return ctgov_json.map_study(value, source)  # type: ignore[arg-type]
    except SourceError as exc:
        return exc


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
