"""Stream the JSON values of a file one at a time: a top-level array, JSON Lines, or one object.

Memory stays bounded by the largest single value (one study), whatever the file size: the text is
read in chunks and each complete value is decoded as soon as it is in the buffer.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

import orjson

_CHUNK = 1 << 20
MAX_VALUE = 64 << 20  # characters one JSON value (one study) may take; a study is well under 1 MB
_DECODER = json.JSONDecoder()
_SPACE_RUN = re.compile(r"[ \t\r\n]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(raw: str) -> object:
    """One JSON value: orjson, else the stdlib decoder (it accepts NaN and lone surrogate escapes, which
    orjson refuses); a lone surrogate (``"\\ud800"``: no character, and not encodable as UTF-8) becomes U+FFFD."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _without_surrogates(json.loads(raw), raw)


def _without_surrogates(value: object, raw: str) -> object:
    if not _SURROGATE_ESCAPE.search(raw):  # a pair in the text decodes to one character: only lone ones remain
        return value
    return _replace_surrogates(value)


def _replace_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


class JSONStreamError(ValueError):
    """The JSON text is malformed or ends early; ``offset`` is the character offset of the problem."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at character {offset})")
        self.offset = offset


class _Text:
    """A growing window of decoded text over a binary stream."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the front of buf
        self.eof = False

    def more(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        data = self.stream.read(size)
        if not data:
            self.eof = True
            self.buf += self.decoder.decode(b"", final=True)
            return False
        if self.pos > _CHUNK:
            self.consumed += self.pos
            self.buf, self.pos = self.buf[self.pos:], 0
        self.buf += self.decoder.decode(data)
        return True

    def skip(self) -> str | None:
        """Skip JSON white space; the next character, or ``None`` at end of text."""
        while True:
            self.pos = _SPACE_RUN.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return None

    def line_value(self) -> tuple[str, object] | None:
        """The value at the cursor when it fills the rest of its line (JSON Lines), decoded by orjson
        (about twice as fast as the stdlib decoder, which decodes what orjson refuses: NaN, lone
        surrogates); ``None`` to fall back to ``value()``."""
        end = self._line_end()
        if end is None:
            return None
        raw = self.buf[self.pos:end].rstrip("\r")
        try:
            obj = loads(raw)
        except (ValueError, RecursionError):
            return None
        self.pos = end + 1
        return raw, obj

    def _line_end(self) -> int | None:
        """Where the line at the cursor ends (a newline, or the end of the text); ``None`` past ``MAX_VALUE``."""
        end = self.buf.find("\n", self.pos)
        while end < 0 and not self.eof and len(self.buf) - self.pos <= MAX_VALUE:
            self.more()
            end = self.buf.find("\n", self.pos)
        if end < 0:
            return len(self.buf) if self.eof else None
        return end

    def bad_line(self) -> JSONStreamError:
        """The line at the cursor, which holds no JSON value, skipped; what is wrong with it."""
        start = self.consumed + self.pos
        end = self._line_end()
        if end is None:  # a line over MAX_VALUE: skip to its end, a chunk at a time
            while (found := self.buf.find("\n", self.pos)) < 0:
                self.pos = len(self.buf)
                if not self.more():
                    break
            self.pos = len(self.buf) if found < 0 else found + 1
            return JSONStreamError(f"a single JSON value over {MAX_VALUE >> 20} MB (not a study)", start)
        raw, self.pos = self.buf[self.pos:end], end + 1
        try:
            json.loads(raw)
        except RecursionError:
            return JSONStreamError("JSON nested too deeply", start)
        except json.JSONDecodeError as exc:
            return JSONStreamError(f"malformed or truncated JSON: {exc.msg}", start + exc.pos)
        return JSONStreamError("malformed JSON", start)

    def value(self) -> tuple[str, object]:
        """Decode the value at the cursor: its exact text and the decoded object."""
        size = _CHUNK
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise JSONStreamError("JSON nested too deeply", self.consumed + self.pos) from None
            except json.JSONDecodeError as exc:
                # only an error at the end of the text read so far (a token or string cut) can be mended by more
                cut = exc.pos >= len(self.buf) - 16 or exc.msg.startswith("Unterminated string")
                if len(self.buf) - self.pos > MAX_VALUE:
                    raise JSONStreamError(f"a single JSON value over {MAX_VALUE >> 20} MB (not a study)",
                                          self.consumed + self.pos) from None
                if cut and self.more(size):
                    size = min(size * 2, 64 * _CHUNK)
                    continue
                raise JSONStreamError(f"malformed or truncated JSON: {exc.msg}", self.consumed + exc.pos) from None
            raw = self.buf[self.pos:end]
            self.pos = end
            return raw, _without_surrogates(obj, raw)

    def resync(self, start: int) -> bool:
        """After a bad first value at ``start``: if the next line holds a whole value (JSON Lines), move
        there; ``False`` (cursor unmoved) otherwise."""
        end = self.buf.find("\n", start)
        if end < 0:
            return False
        after = self.buf.find("\n", end + 1)
        try:
            loads(self.buf[end + 1:after if after >= 0 else len(self.buf)].strip())
        except (ValueError, RecursionError):
            return False
        self.pos = end + 1
        return True


def iter_values(stream: BinaryIO) -> Iterator[tuple[str | None, object]]:
    """``(raw text, value)`` for each element of a top-level array, else each top-level value; in JSON
    Lines, a bad line as ``(None, JSONStreamError)`` and the lines after it still read."""
    text = _Text(stream)
    first = text.skip()
    if first is None:
        raise JSONStreamError("empty JSON document", 0)
    if first == "[":
        text.pos += 1
        if text.skip() == "]":
            return
        while True:
            if text.skip() is None:
                raise JSONStreamError("truncated JSON array", text.consumed + text.pos)
            yield text.value()
            nxt = text.skip()
            if nxt == ",":
                text.pos += 1
            elif nxt == "]":
                text.pos += 1
                if text.skip() is not None:
                    raise JSONStreamError("extra data after the JSON array", text.consumed + text.pos)
                return
            else:
                raise JSONStreamError("truncated JSON array" if nxt is None else f"expected ',' or ']' but found {nxt!r}",
                                      text.consumed + text.pos)
    lines = False  # whether a value has filled its line: then the text is JSON Lines
    while text.skip() is not None:  # one value, JSON Lines, or concatenated values
        if found := text.line_value():
            lines = True
            yield found
        elif lines:
            yield None, text.bad_line()  # one bad line of JSON Lines: reported, and the next line read
        else:
            start = text.pos
            try:
                yield text.value()
            except JSONStreamError as exc:
                if not text.resync(start):
                    raise
                lines = True
                yield None, exc

