"""Stream the JSON values of a file one at a time: a top-level array, JSON Lines, or one object.

Memory stays bounded by the largest single value (one study), whatever the file size: the text is
read in chunks and each complete value is decoded as soon as it is in the buffer.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import BinaryIO

import orjson

_CHUNK = 1 << 20
MAX_VALUE = 64 << 20  # characters one JSON value (one study) may take; a study is well under 1 MB
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


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

    def skip(self, chars: str) -> str | None:
        """Skip ``chars``; the next character, or ``None`` at end of text."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in chars:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return None

    def line_value(self) -> tuple[str, object] | None:
        """The value at the cursor when it fills the rest of its line (JSON Lines), decoded by orjson
        (about twice as fast as the stdlib decoder); ``None`` to fall back to ``value()``."""
        end = self.buf.find("\n", self.pos)
        while end < 0 and not self.eof and len(self.buf) - self.pos < MAX_VALUE:
            self.more()
            end = self.buf.find("\n", self.pos)
        raw = self.buf[self.pos:end if end >= 0 else len(self.buf)].rstrip("\r")
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        self.pos = end + 1 if end >= 0 else len(self.buf)
        return raw, obj

    def value(self) -> tuple[str, object]:
        """Decode the value at the cursor: its exact text and the decoded object."""
        size = _CHUNK
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise JSONStreamError("JSON nested too deeply", self.consumed + self.pos) from None
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE:
                    raise JSONStreamError(f"a single JSON value over {MAX_VALUE >> 20} MB (not a study)",
                                          self.consumed + self.pos) from None
                if self.more(size):
                    size = min(size * 2, 64 * _CHUNK)
                    continue
                raise JSONStreamError(f"malformed or truncated JSON: {exc.msg}", self.consumed + exc.pos) from None
            raw = self.buf[self.pos:end]
            self.pos = end
            return raw, obj


def iter_values(stream: BinaryIO) -> Iterator[tuple[str, object]]:
    """``(raw text, value)`` for each element of a top-level array, else each top-level value."""
    text = _Text(stream)
    first = text.skip(_SPACE)
    if first is None:
        raise JSONStreamError("empty JSON document", 0)
    if first == "[":
        text.pos += 1
        if text.skip(_SPACE) == "]":
            return
        while True:
            if text.skip(_SPACE) is None:
                raise JSONStreamError("truncated JSON array", text.consumed + text.pos)
            yield text.value()
            nxt = text.skip(_SPACE)
            if nxt == ",":
                text.pos += 1
            elif nxt == "]":
                text.pos += 1
                if text.skip(_SPACE) is not None:
                    raise JSONStreamError("extra data after the JSON array", text.consumed + text.pos)
                return
            else:
                raise JSONStreamError("truncated JSON array" if nxt is None else f"expected ',' or ']' but found {nxt!r}",
                                      text.consumed + text.pos)
    while text.skip(_SPACE) is not None:  # one value, JSON Lines, or concatenated values
        yield text.line_value() or text.value()
