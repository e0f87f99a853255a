"""A registry page saved as HTML -> its visible text, laid out as a browser's "save as text" lays it out.

The text page parsers read visible text, a block per line (``kg.sources.*_page``). This gives them the same text from
the HTML: block elements (headings, paragraphs, list items, divs ...) and ``<br>`` end a line, a table row is a line
with its cells separated by a tab, inline elements join their words; scripts, styles, templates, navigation, forms'
controls and hidden elements are dropped; character references are decoded. Python's own ``html.parser`` reads the
markup: it never refuses broken markup (unclosed or stray tags, unquoted attributes) and needs no dependency; see
``benchmarks/bench_html.py`` for how it compares with lxml and selectolax on our pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend",
    "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELL = frozenset({"td", "th"})
_DROPPED = frozenset({"script", "style", "noscript", "template", "nav", "footer", "svg", "canvas", "iframe", "object",
                      "button", "select", "option", "textarea", "head", "title", "math"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})


def looks_like_html(head: bytes) -> bool:
    """Whether the start of a file is an HTML document (a doctype, an ``<html>``, ``<head>`` or ``<body>`` tag)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: read its start as text first
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(re.match(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", head, re.I | re.S))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skip = 0  # depth inside dropped elements
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # how many of each tag are on the stack (an end tag checked in constant time)
        self.cells: list[str] | None = None  # the cells of the table row being read

    def _end_line(self) -> None:
        text = " ".join("".join(self.line).split())
        if self.cells is not None:
            if text:
                self.cells.append(text)
        elif text:
            self.lines.append(text)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = any(k == "hidden" or (k == "aria-hidden" and v == "true") or (k == "role" and v == "navigation")
                     or (k == "style" and v and re.search(r"display\s*:\s*none", v)) for k, v in attrs)
        if tag in _VOID:
            if tag in ("br", "hr") and not self.skip:
                self._end_line()
            return
        self.stack.append(tag)
        self.open[tag] = self.open.get(tag, 0) + 1
        if self.skip or tag in _DROPPED or hidden:
            self.skip += 1
            return
        if tag == "tr":
            self._end_line()
            self.cells = []
        elif tag in _CELL or tag in _BLOCK:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.open.get(tag):
            return  # a stray end tag
        while self.stack:  # an end tag closes the elements left open inside it
            open_tag = self.stack.pop()
            self.open[open_tag] -= 1
            if self.skip:
                self.skip -= 1
                if open_tag == tag:
                    return
                continue
            if open_tag == "tr" or (open_tag == "table" and self.cells is not None):
                self._end_line()
                if self.cells:
                    self.lines.append("\t".join(self.cells))
                self.cells = None
            elif open_tag in _CELL or open_tag in _BLOCK:
                self._end_line()
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.line.append(data)

    def text(self) -> str:
        self._end_line()
        if self.cells:
            self.lines.append("\t".join(self.cells))
        return "\n".join(self.lines) + "\n"


def visible_text(markup: str) -> str:
    """The page's visible text, a block per line (see the module docstring)."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return parser.text()
