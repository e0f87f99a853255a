"""The browser view in a real browser: Debian's Chromium, driven headless by Playwright for Python (pointed at the
system browser; Playwright's own browser download is not used). Searches "JS-001" and lands on toripalimab's page
listing the seed trials, filters its trial table, opens a trial and sees its provenance, uses the type-ahead and the
keyboard; a screenshot of each page is saved as a test artefact (``$KG_SCREENSHOTS``, else the test's tmp folder).
Skipped where Chromium or Playwright is missing, except under CI (``.ci/run`` installs both), where that fails."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kg.serve import Limits, start_in_thread

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SEED_TRIALS = {"NCT06505837", "NCT03971214", "NCT04523493"}  # the seed records that give toripalimab


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install playwright)")
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(seed_store: Path):
    url, stop = start_in_thread(seed_store, Limits(timeout=30.0), workers=1)
    yield url.removesuffix("/sparql")
    stop()


@pytest.fixture()
def page(browser, site: str, tmp_path: Path, request):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    outside: list[str] = []
    opened.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    yield opened
    folder = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not outside, f"the page called other hosts: {outside}"


def _listed(page) -> set[str]:
    return set(page.locator("table.trials tbody tr td:first-child a").all_inner_texts())


def test_search_js001_lands_on_toripalimab_listing_the_seed_trials(page) -> None:
    page.goto("/")
    page.get_by_label("Search drugs, targets, classes, sponsors, conditions or trial ids").fill("JS-001")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=JS-001"))
    match = page.get_by_role("link", name="toripalimab")
    assert "exact" in page.locator("table tbody tr", has=match).inner_text()
    match.click()
    page.wait_for_url(re.compile(r"/drug/8JXN261VVA$"))
    assert page.locator("h1").inner_text() == "toripalimab"
    assert _listed(page) == SEED_TRIALS


def test_filter_the_trial_table(page) -> None:
    page.goto("/target/PDCD1")
    everything = _listed(page)
    page.get_by_label("status").fill("RECRUITING")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status=RECRUITING"))
    statuses = page.locator("table.trials tbody tr td:nth-child(3)").all_inner_texts()
    assert statuses and set(statuses) == {"RECRUITING"} and _listed(page) < everything


def test_open_a_trial_and_see_its_provenance(page) -> None:
    page.goto("/drug/8JXN261VVA")
    page.get_by_role("link", name="NCT04523493").click()
    page.wait_for_url(re.compile(r"/trial/NCT04523493$"))
    assert page.get_by_role("heading", name="Interventions").is_visible()
    sources = page.get_by_role("heading", name="Sources").locator("xpath=..").inner_text()
    assert "002_75943421a9a540ee.txt" in sources and "https://w3id.org/trialkg/graph/" in sources


def test_typeahead_offers_the_drug_and_opens_its_page(page) -> None:
    page.goto("/")
    box = page.get_by_label("Search drugs, targets, classes, sponsors, conditions or trial ids")
    box.press_sequentially("torip", delay=30)
    page.wait_for_function("document.querySelectorAll('#suggestions option').length > 0")
    assert "toripalimab" in page.locator("#suggestions option").evaluate_all("els => els.map(e => e.value)")
    box.fill("toripalimab")
    box.dispatch_event("change")
    page.wait_for_url(re.compile(r"/drug/8JXN261VVA$"))


def test_the_pages_work_by_keyboard(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # the first stop skips to the content
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"  # then the search box


def test_the_sparql_editor_is_yasgui_and_runs_a_query_here(page) -> None:
    """The vendored YASGUI takes the form's place, queries this server's /sparql and shows the rows; the page asks no
    other host for anything (the fixture's check: no prefix service, no vocabulary look-up, no endpoint list)."""
    query = "PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT ?id WHERE { ?t tkg:trialId ?id } ORDER BY ?id LIMIT 5"
    page.goto("/query?query=" + query.replace(" ", "+").replace("#", "%23"))
    page.locator("#editor .CodeMirror").wait_for()
    assert page.locator("#query-form").is_hidden() and page.locator("#query-answer").is_hidden()  # YASGUI shows its own
    assert page.get_by_label("Search drugs, targets, classes, sponsors, conditions or trial ids").input_value() == ""
    assert "tkg:trialId" in page.locator("#editor .CodeMirror").inner_text()
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST") as answered:
        page.locator("#editor .yasqe_queryButton").click()
    assert answered.value.ok
    page.locator("#editor .yasr table td", has_text="NCT").first.wait_for()
    assert len(page.locator("#editor .yasr tbody tr").all()) == 5
    page.goto("/query?example=trials-by-drug")  # a named query as the example: in the editor
    page.locator("#editor .CodeMirror").wait_for()
    assert "SELECT" in page.locator("#editor .CodeMirror").inner_text()
    assert page.locator("#example").input_value() == "trials-by-drug"
