"""The browser view of ``kg serve`` over HTTP on a free loopback port, on the seed store: search, entity pages,
the trial table's filters, pages and CSV, provenance on the trial page, content negotiation of entity IRIs, and
what a page does with hostile or unknown input. (tests/test_web_browser.py drives the same pages in Chromium.)"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib

from kg.serve import Limits, start_in_thread
from kg.trials import COLUMNS

TORIPALIMAB = "8JXN261VVA"
# the seed records whose interventions name toripalimab (as JS001 / Toripalimab): seeds 000, 001 and 002
TORIPALIMAB_TRIALS = {"NCT06505837", "NCT03971214", "NCT04523493"}


@pytest.fixture(scope="module")
def site(seed_store: Path):
    url, stop = start_in_thread(seed_store, Limits(timeout=30.0), workers=1)
    yield url.removesuffix("/sparql")
    stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 is the answer under test, not followed
        return None


def get(site: str, path: str, accept: str = "text/html") -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(site + path, headers={"Accept": accept}), timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def trial_ids(page: str) -> set[str]:
    """The trials a page's trial table lists (its rows' first cells)."""
    return set(re.findall(r'<td><a href="/trial/(NCT\d{8})">', page))


def test_search_js001_lands_on_toripalimab_and_says_how(site: str) -> None:
    status, _, page = get(site, "/search?q=JS-001")
    assert status == 200
    row = re.search(r'<td>drug</td><td><a href="(/drug/\w+)">([^<]+)</a></td><td>([^<]+)</td>', page)
    assert row and row[1] == f"/drug/{TORIPALIMAB}" and row[2] == "toripalimab" and "exact" in row[3] and "JS-001" in row[3]
    status, _, drug = get(site, row[1])
    assert status == 200 and "<h1>toripalimab</h1>" in drug
    assert trial_ids(drug) == TORIPALIMAB_TRIALS
    assert "PDCD1" in drug and "PD-1 inhibitor" in drug  # its target and class
    assert "JS001" in drug and "特瑞普利单抗" in drug  # its aliases, with their sources


def test_typeahead_suggests_drugs_by_the_start_of_any_name(site: str) -> None:
    status, headers, body = get(site, "/search.json?q=tori", "application/json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert {"kind": "drug", "label": "toripalimab", "url": f"/drug/{TORIPALIMAB}"} in json.loads(body)
    assert json.loads(get(site, "/search.json?q=t")[2]) == []  # one letter: nothing yet


def test_the_drug_page_shows_how_the_records_write_it_when_asked(site: str) -> None:
    _, _, page = get(site, f"/drug/{TORIPALIMAB}")
    assert f'href="/drug/{TORIPALIMAB}?spellings=1#spellings-h"' in page  # a count over every intervention: on request
    _, _, page = get(site, f"/drug/{TORIPALIMAB}?spellings=1")
    section = page[page.index('id="spellings-h"'):page.index("</section>", page.index('id="spellings-h"'))]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td></tr>", section)
    assert rows and all(matched.lower() in text.lower() for text, matched, *_ in rows)  # the part of the text linked
    assert {method for _, _, method, _, _ in rows} <= {"exact", "salt-form", "curated", "fuzzy", "record-alias", "code"}
    assert any("JS001" in text.replace("-", "") for text, *_ in rows)  # the seeds' code for it


@pytest.mark.parametrize(("text", "kind", "url"), [
    ("PD-1 inhibitor", "drug class", "/class/pd-1-inhibitor"), ("CD279", "target", "/target/PDCD1"),
    ("NSCLC", "condition", "/condition/D002289"), ("nct 04523493", "trial", "/trial/NCT04523493"),
    ("Junshi Biosciences", "sponsor", None),
])
def test_search_finds_every_kind(site: str, text: str, kind: str, url: str | None) -> None:
    page = get(site, "/search?q=" + urllib.parse.quote(text))[2]
    found = re.findall(r'<td>([^<]+)</td><td><a href="([^"]+)">', page)
    assert any(k == kind and (url is None or u == url) for k, u in found), found


def test_a_search_that_names_nothing_says_so(site: str) -> None:
    page = get(site, "/search?q=zzqx-nothing")[2]
    assert "names no drug, target, class, sponsor, condition or trial id" in page


def test_the_trial_page_shows_each_fact_with_its_source(site: str) -> None:
    status, _, page = get(site, "/trial/NCT04523493")
    assert status == 200 and "<h1>NCT04523493</h1>" in page
    assert re.search(r"<h2[^>]*>Interventions</h2>", page) and re.search(r"<h2[^>]*>Sponsors</h2>", page)
    assert "https://w3id.org/trialkg/graph/" in page and "002_75943421a9a540ee.txt" in page  # the document that said it
    assert page.count('<tr class="current">') > 10


def test_the_trial_table_filters_sorts_pages_and_downloads(site: str) -> None:
    _, _, everything = get(site, "/target/PDCD1")
    all_ids = trial_ids(everything)
    assert len(all_ids) >= 5
    facet = re.search(r'<datalist id="status-values">(.*?)</datalist>', everything, re.S)
    statuses = dict(re.findall(r'<option value="([A-Z_]+)">\1 \((\d+)\)</option>', facet[1] if facet else ""))
    status, n = max(statuses.items(), key=lambda kv: int(kv[1]))
    _, _, filtered = get(site, f"/target/PDCD1?status={status}")
    ids = trial_ids(filtered)
    assert len(ids) == int(n) and ids <= all_ids and f"Trials <span class=\"count\">({n})</span>" in filtered
    _, headers, body = get(site, f"/target/PDCD1?format=csv&status={status}", "text/csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert headers["Content-Type"].startswith("text/csv") and list(rows[0]) == list(COLUMNS)
    assert {r["nct_id"] for r in rows} == ids and {r["status"] for r in rows} == {status}
    ascending = get(site, "/target/PDCD1?sort=start_date")[2]
    starts = re.findall(r"<td>(\d{4}-\d{2}(?:-\d{2})?)(?: <span|</td>)", ascending)
    assert starts == sorted(starts) and len(starts) >= 2


def test_sponsor_condition_target_and_class_pages(site: str) -> None:
    sponsor = get(site, "/sponsor?name=" + urllib.parse.quote("Shanghai Junshi Bioscience Co., Ltd."))[2]
    assert "toripalimab" in sponsor and trial_ids(sponsor)
    condition = get(site, "/condition/D008175")[2]
    assert "<h1>Lung Neoplasms</h1>" in condition and "Respiratory Tract Neoplasms" in condition  # name and broader
    assert {"NCT06749886", "NCT03971214"} <= trial_ids(condition)  # "Lung Cancer"; extensive-stage SCLC is narrower
    assert 'href="/condition/D002283">Carcinoma, Bronchogenic</a>' in condition  # a narrower descriptor
    concept = get(site, "/condition/C536494")[2]  # a supplementary concept: its mapped headings are its broader ones
    assert "<h1>Uveal melanoma</h1>" in concept and 'href="/condition/D014604">Uveal Neoplasms</a>' in concept
    assert get(site, "/condition/C999999999")[0] == 404
    target = get(site, "/target/PDCD1")[2]
    assert f'href="/drug/{TORIPALIMAB}"' in target and TORIPALIMAB_TRIALS <= trial_ids(target)
    drug_class = get(site, "/class/pd-1-inhibitor")[2]
    assert "target=PDCD1;action=antagonist" in drug_class and f'href="/drug/{TORIPALIMAB}"' in drug_class


def test_entity_iris_dereference_by_content_negotiation(site: str) -> None:
    status, headers, _ = get(site, f"/id/drug/unii/{TORIPALIMAB}", "text/html,application/xhtml+xml")
    assert status == 303 and headers["Location"] == f"/drug/{TORIPALIMAB}"
    status, headers, body = get(site, f"/id/drug/unii/{TORIPALIMAB}", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    drug = rdflib.URIRef(f"https://w3id.org/trialkg/id/drug/unii/{TORIPALIMAB}")
    assert rdflib.Literal("toripalimab") in set(graph.objects(drug, rdflib.SKOS.prefLabel))
    status, headers, body = get(site, f"/id/drug/unii/{TORIPALIMAB}", "application/ld+json")
    assert status == 200 and json.loads(body)
    assert get(site, "/id/drug/unii/0000000000", "text/turtle")[0] == 404


def test_the_sparql_editor_runs_a_query_and_refuses_updates(site: str) -> None:
    page = get(site, "/query?example=trials-by-drug")[2]
    assert "tkg:" in page and "<textarea" in page  # a named query's text as the example
    query = "SELECT ?n WHERE { ?t <https://w3id.org/trialkg/ontology#nctId> ?n } ORDER BY ?n LIMIT 2"
    page = get(site, "/query?query=" + urllib.parse.quote(query))[2]
    assert len(re.findall(r"<td>NCT\d{8}</td>", page)) == 2
    page = get(site, "/query?query=" + urllib.parse.quote("DELETE WHERE { ?s ?p ?o }"))[2]
    assert "read-only" in page and 'role="alert"' in page


@pytest.mark.parametrize("path", ["/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/sponsor?name=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
                                  "/trial/%3Cscript%3E"])
def test_hostile_text_is_escaped(site: str, path: str) -> None:
    page = get(site, path)[2]
    assert "<script>alert" not in page and "<img src=x" not in page


@pytest.mark.parametrize(("path", "status"), [("/nowhere", 404), ("/drug/0000000000", 404), ("/trial/NCT00000000", 404),
                                              ("/condition/D999999", 404), ("/target/NOTAGENE", 404), ("/class/no-such-class", 404),
                                              ("/static/../../etc/passwd", 404), ("/sponsor", 404),
                                              ("/drug/" + TORIPALIMAB + "?offset=x&sort=nonsense", 400)])
def test_unknown_or_bad_requests_get_one_clear_page(site: str, path: str, status: int) -> None:
    got, headers, page = get(site, path)
    assert got == status and headers["Content-Type"].startswith("text/html")
    assert re.search(r'<p class="message" role="alert">[^<]{10,}</p>', page) and "Traceback" not in page


def test_every_asset_is_served_by_the_package_and_no_page_calls_another_host(site: str) -> None:
    for path in ("/", "/search?q=JS-001", f"/drug/{TORIPALIMAB}", "/trial/NCT04523493", "/query"):
        page = get(site, path)[2]
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), path  # no CDN, no other host
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
            assert get(site, asset)[0] == 200
    assert get(site, "/static/style.css")[1]["Content-Type"].startswith("text/css")


def test_pages_label_their_inputs_for_keyboard_and_screen_readers(site: str) -> None:
    page = get(site, f"/drug/{TORIPALIMAB}")[2]
    ids = set(re.findall(r'<input id="([^"]+)"', page))
    assert ids and all(f'<label for="{i}"' in page for i in ids)
    assert all(re.search(rf'<label>{f} <input name="{f}"', page) for f in ("status", "phase", "country"))
    assert '<a class="skip" href="#main">' in page and 'lang="en"' in page


def test_the_network_view_draws_a_neighbourhood_whose_nodes_open_their_pages(site: str) -> None:
    status, _, page = get(site, "/network?around=JS-001&network=sponsor-drug")
    assert status == 200 and '<svg class="network"' in page
    nodes = re.findall(r'<a class="node" href="([^"]+)">', page)
    assert f"/drug/{TORIPALIMAB}" in nodes  # the centre, found by any spelling
    sponsors = {urllib.parse.unquote(n.split("=", 1)[1]) for n in nodes if n.startswith("/sponsor?name=")}
    assert "Shanghai Junshi Biosciences Co., Ltd." in sponsors  # a sponsor of its seed trials
    assert 'class="legend"' in page and "drug</li>" in page and "sponsor</li>" in page
    fewer = re.findall(r'<a class="node"', get(site, "/network?around=JS-001&top=1")[2])
    assert len(fewer) == 2  # the centre and its one neighbour sharing most trials
    status, _, page = get(site, "/network?around=zzqx-nothing")
    assert status == 404 and "names nothing in the sponsor-drug network" in page
    assert get(site, "/network?around=JS-001&network=nope")[0] == 400


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The bundled sample (real ClinicalTrials.gov records, with the sites' coordinates)."""
    from kg.ingest import ingest
    from kg.sources.reader import read_paths
    from kg.store import TrialStore

    from conftest import REPO

    path = tmp_path_factory.mktemp("examples") / "store"
    with TrialStore(path) as store:
        ingest(store, read_paths([REPO / "examples"]))
    url, stop = start_in_thread(path, Limits(timeout=30.0), workers=1)
    yield url.removesuffix("/sparql")
    stop()


def test_the_trial_page_maps_its_sites_from_their_coordinates(example_site: str) -> None:
    from conftest import REPO

    record = next(s for s in json.loads((REPO / "examples" / "pd1-trials.json").read_text(encoding="utf-8"))
                  if s["protocolSection"]["identificationModule"]["nctId"] == "NCT04374877")
    points = {(round((loc["geoPoint"]["lon"] + 180) * 2, 1), round((90 - loc["geoPoint"]["lat"]) * 2, 1))
              for loc in record["protocolSection"]["contactsLocationsModule"]["locations"] if "geoPoint" in loc}
    page = get(example_site, "/trial/NCT04374877")[2]
    drawn = {(float(x), float(y)) for x, y in re.findall(r'<circle class="site" cx="([\d.]+)" cy="([\d.]+)"', page)}
    assert drawn == points and len(points) > 10  # every site where the record places it (x = 2 (lon + 180), y = 2 (90 - lat))
    assert '<image href="/static/land-110m.svg"' in page and get(example_site, "/static/land-110m.svg")[0] == 200
    assert re.search(r"(\d+) of \1 sites have coordinates", page)


def test_the_sponsor_page_counts_its_drugs_by_phase_from_its_trials(site: str) -> None:
    name = urllib.parse.quote("Shanghai Junshi Bioscience Co., Ltd.")
    page = get(site, f"/sponsor?name={name}")[2]
    rows = list(csv.DictReader(io.StringIO(get(site, f"/sponsor?name={name}&format=csv", "text/csv")[2])))
    expected: dict[str, int] = {}
    for r in rows:
        if "toripalimab" in r["drugs"].split(" | "):
            for phase in (r["phases"] or "NA").split(","):
                expected[phase] = expected.get(phase, 0) + 1
    grid = re.search(r'<h2 id="grid-h">.*?</table>', page, re.S)
    assert grid and expected
    header = re.findall(r'<th scope="col">([^<]+)</th>', grid[0])[1:-1]
    cells = re.search(r'<th scope="row">toripalimab</th>((?:<td>[^<]*</td>)+)', grid[0])
    assert cells
    counts = re.findall(r"<td>([^<]*)</td>", cells[1])[: len(header)]
    assert {p: int(c) for p, c in zip(header, counts) if c} == expected


@pytest.mark.parametrize(("query", "shown"), [
    ("ASK { ?t a <https://w3id.org/trialkg/ontology#Trial> }", "<td>true</td>"),
    ("CONSTRUCT { ?t a <https://w3id.org/trialkg/ontology#Trial> } WHERE { ?t a <https://w3id.org/trialkg/ontology#Trial> } LIMIT 1",
     "<td>https://w3id.org/trialkg/ontology#Trial</td>"),
])
def test_the_sparql_editor_shows_ask_and_construct_answers(site: str, query: str, shown: str) -> None:
    assert shown in get(site, "/query?query=" + urllib.parse.quote(query))[2]


def test_the_sparql_editor_reads_only_the_rows_it_shows(site: str) -> None:
    page = get(site, "/query?query=" + urllib.parse.quote("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))[2]
    assert page.count("<tr><td>") == 500 and "The first 500 rows are shown." in page


def test_a_trial_named_by_another_registry_id_with_spaces(site: str) -> None:
    status, _, page = get(site, "/trial/" + urllib.parse.quote("nct 04523493"))
    assert status == 200 and "<h1>NCT04523493</h1>" in page
