"""Registry pages saved as HTML: the visible text, laid out as a browser saves it, read by the same page parsers, so
the record is the one the saved text gives (every seed page, written as HTML the way sites mark such pages up, with
scripts, styles, navigation, hidden elements, entities and broken markup around the content)."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pytest

from kg.sources.html_text import looks_like_html, visible_text
from kg.sources.reader import read_file

SEEDS = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))


def as_html(text: str, broken: bool = False) -> str:
    """A page as a site would serve it: each line of the saved text a block of its own (a label/value line, with a
    tab, as a table row), inside the site's chrome (navigation, scripts, styles, a hidden dialog, a footer)."""
    body = []
    for line in text.splitlines():
        if "\t" in line:
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t"))
            body.append(f"<table><tr>{cells}</tr></table>")
        elif line.strip():
            words = html.escape(line).split(" ")
            body.append(f"<div class=row><span>{' '.join(words[:2])}</span> {' '.join(words[2:])}</div>")
        else:
            body.append("<p></p>")
    if broken:  # unclosed inline and block tags, a stray end tag
        body = [b.replace("</span>", "", 1) for b in body]
        body.insert(len(body) // 2, "</section>")
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>Study page</title>"
            "<style>.row{margin:0}</style><script>var x = '<div>not text</div>';</script></head><body>"
            "<nav><a href=/>Home</a> <a href=/search>Search trials</a></nav>"
            "<div hidden>Cookie settings</div><div style='display: none'>Subscribe</div>"
            f"<main>{''.join(body)}</main><footer>© Registry site</footer>"
            "<script>track('page')</script></body></html>")


def _record(path: Path):
    (record,) = list(read_file(path))
    assert not hasattr(record, "reason"), record
    return record


def _same(a, b) -> None:
    strip = {"source": None}
    assert dataclasses.replace(a, **strip) == dataclasses.replace(b, **strip)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
@pytest.mark.parametrize("broken", [False, True])
def test_a_page_saved_as_html_gives_the_record_of_its_text(seed: Path, broken: bool, tmp_path: Path) -> None:
    page = tmp_path / (seed.stem + ".html")
    page.write_text(as_html(seed.read_text(encoding="utf-8"), broken), encoding="utf-8")
    from_text, from_html = _record(seed), _record(page)
    _same(from_text, from_html)
    assert from_html.source.format == from_text.source.format and from_html.source.path == str(page)


def test_visible_text_drops_what_is_not_shown_and_keeps_blocks_cells_and_entities() -> None:
    text = visible_text("<html><body><nav>Menu</nav><h1>Title &amp; more</h1><p>One <b>bold</b> word<br>next</p>"
                        "<table><tr><th>Status</th><td>Recruiting</td></tr><tr><td>Phase</td><td>Phase 3</td></table>"
                        "<script>x()</script><style>p{}</style><div aria-hidden=true>hidden</div><ul><li>a<li>b</ul>")
    assert text.splitlines() == ["Title & more", "One bold word", "next", "Status\tRecruiting", "Phase\tPhase 3", "a", "b"]


@pytest.mark.parametrize(("head", "expected"), [(b"<!DOCTYPE html><html>", True), (b"  <html lang=en>", True),
                                                (b"<!-- saved -->\n<html>", True), (b"\xef\xbb\xbf<!DOCTYPE html>", True),
                                                ("<html><body>".encode("utf-16"), True), (b"<clinical_study>", False),
                                                (b"<?xml version='1.0'?><clinical_study>", False)])
def test_html_is_told_from_xml(head: bytes, expected: bool) -> None:
    assert looks_like_html(head) is expected


def test_a_text_page_starting_with_a_bracket_is_not_taken_for_json(tmp_path: Path) -> None:
    page = tmp_path / "bracket.txt"
    page.write_text("[Trial of device X in adults]\nnothing a registry parser knows\n", encoding="utf-8")
    (item,) = list(read_file(page))
    assert "JSON" not in item.reason and "not a known registry page layout" in item.reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_page_saved_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    seed = SEEDS[0]
    page = tmp_path / "bom.html"
    page.write_text(as_html(seed.read_text(encoding="utf-8")), encoding=encoding)
    _same(_record(seed), _record(page))
