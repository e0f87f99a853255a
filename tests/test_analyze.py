"""Network analytics on a graph built from the seed pages and the bundled sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg.resolve.sponsors import organization_iri
from kg.ingest import ingest
from kg import iris
from kg import query as q
from kg.analyze import NETWORKS, combined, headline, project, write_network
from kg.plot import plot
from kg.sources.reader import read_paths
from kg.store import TrialStore

from conftest import REPO


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, seeds_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("an") / "store"
    with TrialStore(path) as store:
        ingest(store, read_paths([seeds_dir, REPO / "examples"]))
    return path


@pytest.fixture(scope="module")
def oxi(store_dir: Path):
    store = TrialStore(store_dir, read_only=True)
    yield store.oxigraph
    store.close()


def test_projections_hold_real_links(oxi) -> None:
    dd = project(oxi, "drug-drug")
    tori, lenva = iris.drug(unii="8JXN261VVA"), iris.drug(unii="EE083865G2")
    assert dd.has_edge(tori, lenva)  # seed 002: "Toripalimab combined with Lenvatinib"
    assert dd.nodes[tori]["label"] == "toripalimab" and dd.nodes[tori]["type"] == "drug"
    sd = project(oxi, "sponsor-drug")
    assert sd.has_edge(organization_iri("Junshi Biosciences"), tori)
    assert sd[organization_iri("Junshi Biosciences")][tori]["trials"] >= 2
    tt = project(oxi, "trial-trial")
    assert tt.degree(iris.trial("NCT06505837")) == 5
    ss = project(oxi, "sponsor-site")
    assert all(ss.nodes[n]["type"] in ("sponsor", "site") for n in ss)


def test_sponsor_drug_edges_are_the_trials_linking_them_in_the_documents(oxi) -> None:
    """The projection reads graph/summary's counts: each pair's trials counted from the documents themselves, a drug
    linked by the record-alias graph included (the summary once counted only what one document stated whole)."""
    _, counted = q.select(oxi, """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
        SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?w) WHERE {
          ?t tkg:leadSponsor|tkg:collaborator|tkg:sponsor ?a . FILTER NOT EXISTS { ?a tkg:isPlaceholder true }
          ?t tkg:intervention/tkg:drug ?b } GROUP BY ?a ?b""")
    g = project(oxi, "sponsor-drug")
    edges = {(u, v) if g.nodes[u]["type"] == "sponsor" else (v, u): d["trials"] for u, v, d in g.edges(data=True)}
    assert len(counted) > 20 and edges == {(a, b): int(w) for a, b, w in counted}


def test_headline(oxi) -> None:
    h = headline(project(oxi, "sponsor-drug"), top=5)
    assert h.nodes > 20 and h.edges > 20 and h.components >= 1 and h.communities >= 1
    assert len(h.top_degree) == 5 and h.top_degree[0][2] >= h.top_degree[-1][2]
    assert {t for _, t, _ in h.top_degree} <= {"sponsor", "drug"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_files_read_back_with_attributes(oxi, tmp_path: Path, fmt: str) -> None:
    g = combined(oxi)
    path = tmp_path / f"net.{fmt}"
    write_network(g, path, fmt)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    node = iris.drug(unii="8JXN261VVA")
    assert back.nodes[node]["label"] == "toripalimab" and back.nodes[node]["type"] == "drug"
    relations = {d["relation"] for *_, d in back.edges(data=True)}
    assert relations <= set(NETWORKS) and {"drug-drug", "sponsor-drug", "trial-trial"} <= relations
    assert all(int(d["trials"]) >= 1 for *_, d in back.edges(data=True))


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_writes_a_picture(oxi, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"net{suffix}"
    plot(project(oxi, "sponsor-drug"), path)
    data = path.read_bytes()
    assert len(data) > 10_000
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]


def test_cli_analyze_export_plot(store_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "analyze", "--store", str(store_dir), "--network", "sponsor-drug"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "connected components" in proc.stdout and "communities" in proc.stdout and "toripalimab" in proc.stdout
    out = tmp_path / "x.graphml"
    assert subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(store_dir), "--format", "graphml",
                           "-o", str(out)], capture_output=True).returncode == 0
    assert nx.read_graphml(out).number_of_nodes() > 50
    bad = subprocess.run([sys.executable, "-m", "kg", "plot", "drug-drug", "-o", str(tmp_path / "x.jpg"), "--store",
                          str(store_dir)], capture_output=True, text=True)
    assert bad.returncode == 2 and ".png, .svg or .html" in bad.stderr


def test_a_neighbourhood_holds_the_centre_and_its_strongest_neighbours(oxi) -> None:
    from kg.plot import centres, neighbourhood

    g = project(oxi, "sponsor-drug")
    tori = iris.drug(unii="8JXN261VVA")
    assert centres(g, "JS-001") == {tori}  # any spelling of the drug
    assert tori in centres(g, "PD-1")  # a target: the drugs acting on it
    h = neighbourhood(g, {tori}, min_trials=1, top=3)
    assert tori in h and len(h) <= 4 and all(h.nodes[n]["type"] == "sponsor" for n in h if n != tori)
    strongest = sorted((d["trials"] for _, d in g[tori].items()), reverse=True)[:3]
    assert sorted((h[tori][n]["trials"] for n in h[tori]), reverse=True) == strongest
    assert all(d["trials"] >= 2 for _, d in neighbourhood(g, {tori}, min_trials=2).adj[tori].items())


def test_labels_are_cut_at_a_word() -> None:
    from kg.plot import short

    assert short("Shanghai Junshi Bioscience Co., Ltd.", 20) == "Shanghai Junshi…"
    assert short("toripalimab", 40) == "toripalimab"
    assert all(len(short("a " * 50 + "word", n)) <= n for n in (10, 25, 40))


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_cli_plot_around_a_drug_target_or_sponsor(store_dir: Path, tmp_path: Path, suffix: str) -> None:
    for around in ("Tuoyi", "PD-1", "Shanghai Junshi Bioscience Co., Ltd."):
        out = tmp_path / f"around{suffix}"
        proc = subprocess.run([sys.executable, "-m", "kg", "plot", "sponsor-drug", "-o", str(out), "--around", around,
                               "--top", "10", "--store", str(store_dir)], capture_output=True, text=True)
        assert proc.returncode == 0, (around, proc.stderr)
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data
        if suffix == ".html":
            assert b"<title>" in data and b"src=" not in data and b"http" not in data.replace(b"http://www.w3.org", b"")
    none = subprocess.run([sys.executable, "-m", "kg", "plot", "sponsor-drug", "-o", str(tmp_path / "n.png"), "--around",
                           "no such thing at all", "--store", str(store_dir)], capture_output=True, text=True)
    assert none.returncode == 2 and "names nothing" in none.stderr and "Traceback" not in none.stderr


@pytest.mark.parametrize("network", ["sponsor-drug", "drug-drug", "sponsor-site", "trial-trial"])
@pytest.mark.parametrize("around", ["toripalimab", "Junshi Biosciences", "NCT06505837", "PD-1"])
def test_a_neighbourhood_from_the_edges_around_it_equals_one_from_the_whole_network(seed_store: Path, network: str,
                                                                                   around: str) -> None:
    """The browser view draws a neighbourhood from the edges touching what the name may be, then those between the
    neighbours kept (kg.plot.around): the same nodes, edges, weights and labels as from the whole network; and
    kg.analyze.project(among=) with or without the nodes' types gives the edges among a set of nodes."""
    from kg.analyze import project
    from kg.plot import around as drawn_around, centres, neighbourhood

    with TrialStore(seed_store, read_only=True) as store:
        whole = project(store.oxigraph, network)
        found = centres(whole, around)
        got = drawn_around(store.oxigraph, network, around, None, 1, 5)
        if not found:
            assert got is None
            return
        expected = neighbourhood(whole, found, 1, 5)
        among = [project(store.oxigraph, network, among=set(expected)).subgraph(expected),
                 project(store.oxigraph, network, among=set(expected), types=dict(expected.nodes(data="type")))]
    assert got is not None and set(got.graph["centres"]) == set(expected.graph["centres"])
    for drawn in (got, *among):
        assert set(drawn) == set(expected) or drawn is not got and set(drawn) <= set(expected)  # no edge: no node
        assert ({(frozenset((a, b)), d["trials"]) for a, b, d in drawn.edges(data=True)}
                == {(frozenset((a, b)), d["trials"]) for a, b, d in expected.edges(data=True)})
        assert {n: drawn.nodes[n]["label"] for n in drawn} == {n: expected.nodes[n]["label"] for n in drawn}
