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
from kg.analyze import NETWORKS, combined, headline, plot, project, write_network
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
    assert bad.returncode == 2 and "png or .svg" in bad.stderr
