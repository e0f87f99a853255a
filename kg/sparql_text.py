"""What a SPARQL text asks for, read by a lexer before any engine sees it: how deeply it nests, and which
keywords it uses (an update, ``SERVICE``). ``kg serve`` and ``kg query`` refuse what they must not run.

Why a lexer and not the engine's parser: pyoxigraph exposes no parser of its own, and rdflib's (measured on
the named queries: 40-220 ms each) would cost more than most queries. A lexer is enough for what is decided
here, because SPARQL's keywords are reserved words: outside strings, IRIs, comments, variables, prefixed
names and language tags, the bare word ``SERVICE`` can only be the SERVICE keyword, and ``INSERT``, ``LOAD``,
``DROP`` ... only update operations, whatever white space, comments or case surround them. Codepoint escapes
(``\\u0053ERVICE``) are decoded first, as the SPARQL grammar does. The scan is one pass, character by
character, with no backtracking: its time is linear in the text (no pattern a hostile query can make slow).
The nesting depth is bounded before an engine parses the text (a recursive parser overflows its stack on
5,000 nested groups).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DEPTH = 64  # brackets open at once; the named queries nest at most 7 deep
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
REMOTE_KEYWORDS = frozenset({"SERVICE"})
_OPEN, _CLOSE = "{([", "})]"
_WORD_END = frozenset(" \t\r\n{}()[]<>,;.'\"#?$*/+-=!|^&@")


@dataclass(frozen=True, slots=True)
class QueryText:
    """What the lexer found: the deepest nesting, the keywords (upper case) and whether the text ended
    inside a string or IRI."""

    depth: int
    keywords: frozenset[str]
    unterminated: bool


def decode_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters (SPARQL 1.1, 19.2: before parsing)."""
    if "\\u" not in text and "\\U" not in text:
        return text
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "uU":
            width = 4 if text[i + 1] == "u" else 8
            digits = text[i + 2:i + 2 + width]
            if len(digits) == width and all(d in "0123456789abcdefABCDEF" for d in digits):
                code = int(digits, 16)
                if code < 0x110000:
                    out.append(chr(code))
                    i += 2 + width
                    continue
        out.append(c)
        i += 1
    return "".join(out)


def scan(text: str) -> QueryText:
    """Lex ``text`` once: nesting depth, bare keywords, unterminated string or IRI."""
    depth = deepest = 0
    words: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":  # a comment, to the end of the line
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "'\"":
            i = _skip_string(text, i)
            if i < 0:
                return QueryText(deepest, frozenset(words), True)
        elif c == "<" and _iri_at(text, i):
            i = text.find(">", i) + 1
        elif c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif c in _CLOSE:
            depth -= 1
            i += 1
        elif c in "?$@" or c.isalpha() or c == "_":
            start = i
            i += 1
            while i < n and text[i] not in _WORD_END:
                i += 1
            word = text[start:i]
            if c.isalpha() and ":" not in word:  # not a variable, tag, prefixed name or blank node label
                words.add(word.upper())
        else:
            i += 1
    return QueryText(deepest, frozenset(words), False)


def _skip_string(text: str, i: int) -> int:
    """The index after the string literal starting at ``i`` (short or long form), or -1 if unterminated."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    delimiter = quote * 3 if long else quote
    j = i + len(delimiter)
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif text.startswith(delimiter, j):
            return j + len(delimiter)
        elif c == "\n" and not long:
            return -1
        else:
            j += 1
    return -1


def _iri_at(text: str, i: int) -> bool:
    """Whether ``<`` at ``i`` opens an IRI (``<http://...>``), not a less-than (``?a < ?b``)."""
    end = text.find(">", i + 1)
    if end < 0:
        return False
    return not any(ch in text[i + 1:end] for ch in ' \t\r\n"{}|^`\\<')


def refusal(text: str, *, read_only: bool = True) -> str | None:
    """Why ``text`` must not run (too deeply nested; with ``read_only``, an update or a ``SERVICE`` call
    to another host), or ``None``."""
    found = [scan(text)]
    decoded = decode_escapes(text)
    if decoded is not text:
        found.append(scan(decoded))
    for shape in found:
        if shape.unterminated:
            return "malformed query: a string literal is not closed"
        if shape.depth > MAX_DEPTH:
            return f"the query nests {shape.depth} levels deep (at most {MAX_DEPTH})"
        if read_only and (update := sorted(shape.keywords & UPDATE_KEYWORDS)):
            return f"SPARQL Update ({update[0]}) is refused: this endpoint is read-only"
        if read_only and shape.keywords & REMOTE_KEYWORDS:
            return "SERVICE is refused: this endpoint does not call other hosts"
    return None
