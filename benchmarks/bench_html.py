"""HTML parsers for pages saved as HTML: Python's html.parser (what kg.sources.html_text uses) against lxml and
selectolax, each walked to the same visible text (blocks per line, table cells by tabs, scripts/styles/nav dropped).

Pages: every seed page written as HTML the way tests/test_html_pages.py writes it, clean and with broken markup
(unclosed tags, a stray end tag), repeated to a few MB. Measured: milliseconds per page, and whether the record the
page parsers read from each parser's text is the record of the saved text (the axis that decides).

    python benchmarks/bench_html.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from test_html_pages import SEEDS, as_html  # noqa: E402

from kg.sources import html_text  # noqa: E402
from kg.sources.reader import PAGE_PARSERS  # noqa: E402
from kg.sources.model import Source  # noqa: E402

BLOCK, CELL, DROPPED = html_text._BLOCK, html_text._CELL, html_text._DROPPED


def _walk(children, tag_of, text_of, tail_of, attrs_of) -> str:
    """The visible text of a parsed tree (lxml or selectolax), by the rules of kg.sources.html_text."""
    lines: list[str] = []
    line: list[str] = []

    def end() -> None:
        t = " ".join("".join(line).split())
        if t:
            lines.append(t)
        line.clear()

    def visit(node) -> None:
        tag = tag_of(node)
        attrs = attrs_of(node)
        hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true" or "display: none" in (attrs.get("style") or "")
        if tag in DROPPED or hidden:
            return
        if tag == "tr":
            end()
            cells = [" ".join(_cell_text(c).split()) for c in children(node)]
            lines.append("\t".join(x for x in cells if x))
            return
        if tag in BLOCK or tag in CELL or tag == "br":
            end()
        line.append(text_of(node))
        for c in children(node):
            visit(c)
            line.append(tail_of(c))
        if tag in BLOCK or tag in CELL:
            end()

    def _cell_text(node) -> str:
        return "".join(_texts(node))

    def _texts(node):
        yield text_of(node)
        for c in children(node):
            if tag_of(c) not in DROPPED:
                yield from _texts(c)
            yield tail_of(c)

    for c in children(None):
        visit(c)
    end()
    return "\n".join(lines) + "\n"


def lxml_text(markup: str) -> str:
    import lxml.html

    root = lxml.html.document_fromstring(markup)
    body = root.find("body")
    return _walk(lambda n: [c for c in (body if n is None else n) if isinstance(c.tag, str)],
                 lambda n: n.tag, lambda n: n.text or "", lambda n: n.tail or "", lambda n: dict(n.attrib))


def selectolax_text(markup: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)

    def kids(n):
        node = (tree.body if n is None else n).child
        out = []
        while node is not None:
            out.append(node)
            node = node.next
        return [k for k in out if k.tag != "-comment"]

    def text_of(n):
        return n.text_content or "" if n.tag == "-text" else ""

    return _walk(kids, lambda n: n.tag, text_of, lambda n: "", lambda n: dict(n.attributes))


def record(text: str):
    for parser in PAGE_PARSERS:
        if parser.detect(text):
            return dataclasses.replace(parser.parse(text, Source("p", "0" * 64, parser.FORMAT)), source=None)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    pages = [(seed, as_html(seed.read_text(encoding="utf-8"), broken)) for seed in SEEDS for broken in (False, True)]
    truth = {seed: record(seed.read_text(encoding="utf-8")) for seed in SEEDS}
    candidates = {"html.parser (stdlib; trialkg)": html_text.visible_text}
    for name, fn in (("lxml", lxml_text), ("selectolax (lexbor)", selectolax_text)):
        try:
            fn("<html><body>x</body></html>")
            candidates[name] = fn
        except ImportError:
            print(f"{name}: not installed, skipped")
    size = sum(len(m) for _, m in pages) / len(pages)
    print(f"{len(pages)} pages (mean {size / 1e3:.0f} kB), {args.rounds} rounds")
    for name, fn in candidates.items():
        same = sum(record(fn(markup)) == truth[seed] for seed, markup in pages)
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            for _, markup in pages:
                fn(markup)
            times.append((time.perf_counter() - t) / len(pages))
        print(f"{name:32} {statistics.median(times) * 1e3:7.2f} ms/page   records as from the text: {same}/{len(pages)}")


if __name__ == "__main__":
    main()
