"""Pictures of the networks (``kg plot``): a whole projection's largest connected part, or the neighbourhood of one
drug, target, sponsor or trial, as PNG, SVG or a self-contained interactive HTML page (no script from anywhere else).

A neighbourhood is drawn radially: the centre in the middle, its neighbours (the ``top`` linked by most trials, each by
at least ``min_trials``) on a circle with their labels outside it along their own angle, so no two labels of the core
overlap; labels are cut at a word, never inside one; colours by node type, with a legend.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg import iris
from kg.analyze import project
from kg.errors import KGError
from kg.resolve.drugs import DrugResolver
from kg.resolve.sponsors import link as sponsor_link
from kg.resolve.targets import resolve_target, target_actions

COLOURS = {"drug": "#1f77b4", "sponsor": "#ff7f0e", "trial": "#2ca02c", "site": "#9467bd"}
FORMATS = (".png", ".svg", ".html")


def short(label: str, width: int = 40) -> str:
    """A label cut at a word boundary to at most ``width`` characters ("…" when cut)."""
    if len(label) <= width:
        return label
    cut = label[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return (cut or label[: width - 1]) + "…"


def centres(g: nx.Graph, text: str, resolver: DrugResolver | None = None) -> set[str]:
    """The nodes of ``g`` a name stands for: a trial (NCT id), a drug in any spelling (a class: its members), the drugs
    acting on a target (PD-1, TIGIT), a sponsor in any spelling, else nodes labelled so (case ignored)."""
    found = {n for n in candidates(text, resolver) if n in g}
    return found or {n for n in g if g.nodes[n].get("label", "").casefold() == text.strip().casefold()}


def candidates(text: str, resolver: DrugResolver | None = None) -> set[str]:
    """The IRIs a name may stand for in any network (``centres`` keeps those a network has)."""
    found: set[str] = set()
    if re.fullmatch(r"(?i)\s*NCT\d{8}\s*", text):
        found.add(iris.trial(text.strip().upper()))
    result = (resolver or DrugResolver()).resolve(text)
    if result.status in ("resolved", "class"):
        found |= {iris.drug(unii=m.local_id) for m in result.matches}
    if target := resolve_target(text):
        found |= {iris.drug(unii=a.unii) for a in target_actions() if a.target == target.symbol}
    found.add(sponsor_link(text).iri)
    return found


def neighbourhood(g: nx.Graph, centres: set[str], min_trials: int = 1, top: int = 30) -> nx.Graph:
    """The centres and their ``top`` neighbours by trials shared (each sharing at least ``min_trials``), with the
    links among them."""
    found = [c for c in centres if c in g]
    if not found:
        raise KGError(f"nothing named so is in the {g.name} network")
    weights: dict[str, int] = {}
    for c in found:
        for n, data in g[c].items():
            if data["trials"] >= min_trials and n not in found:
                weights[n] = max(weights.get(n, 0), data["trials"])
    keep = sorted(weights, key=lambda n: (-weights[n], g.nodes[n].get("label", n)))[:top]
    h = g.subgraph([*found, *keep]).copy()
    h.graph["name"] = g.name
    h.graph["centres"] = found
    return h


def around(store: ox.Store, network: str, text: str, resolver: DrugResolver | None = None, min_trials: int = 1,
           top: int = 30) -> nx.Graph | None:
    """The neighbourhood of what ``text`` names (``neighbourhood``), without projecting the whole network (minutes at
    100k studies): the edges touching what the name may be give the centres and their neighbours with every edge at a
    centre; the edges between two neighbours are asked for apart, and not at all where none can be (a network of two
    kinds whose neighbours are all of one kind: a drug's sponsors). None when the name is nothing in the network."""
    g = project(store, network, touching=candidates(text, resolver))
    found = centres(g, text, resolver)
    if not found:
        return None
    h = neighbourhood(g, found, min_trials, top)
    rest = set(h) - found
    between = project(store, network, among=rest, types=dict(h.nodes(data="type")))
    h.add_edges_from(between.edges(data=True))
    return h


def _radial(h: nx.Graph) -> dict[str, tuple[float, float]]:
    centres = h.graph.get("centres", [])
    rest = [n for n in h if n not in centres]
    pos = {c: (0.12 * math.cos(2 * math.pi * k / max(len(centres), 1)), 0.12 * math.sin(2 * math.pi * k / max(len(centres), 1)))
           if len(centres) > 1 else (0.0, 0.0) for k, c in enumerate(centres)}
    for k, n in enumerate(rest):
        angle = 2 * math.pi * k / max(len(rest), 1)
        pos[n] = (math.cos(angle), math.sin(angle))
    return pos


def plot(g: nx.Graph, path: str | Path, labels: int = 25) -> None:
    """A readable picture: a neighbourhood (from ``neighbourhood``) radially, else the largest connected part; size by
    degree, colour by type, a legend; PNG, SVG or interactive HTML."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise KGError("plot to a .png, .svg or .html file")
    if not g.number_of_nodes():
        raise KGError(f"the {g.name} network is empty: build the graph first")
    if "centres" in g.graph:
        h, pos, title = g, _radial(g), _title(g)
        labelled = list(h)
    else:
        h = g.subgraph(max(nx.connected_components(g), key=len))  # the largest connected part, laid out readably
        pos = nx.kamada_kawai_layout(h) if len(h) <= 300 else nx.spring_layout(h, seed=7, k=2.5 / len(h) ** 0.5, iterations=100)
        labelled = sorted(h, key=lambda n: -h.degree(n))[:labels]
        title = (f"trialkg {g.name} network, largest connected part: {h.number_of_nodes()} of {g.number_of_nodes()} "
                 f"nodes, {h.number_of_edges()} links (size = degree; labels on the {len(labelled)} best connected)")
    if suffix == ".html":
        Path(path).write_text(_html(h, pos, labelled, title), encoding="utf-8")
        return
    _picture(h, pos, labelled, title, path)


def _picture(h: nx.Graph, pos: dict, labelled: list[str], title: str, path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    radial = "centres" in h.graph
    fig, ax = plt.subplots(figsize=(14, 11), dpi=110)
    nx.draw_networkx_edges(h, pos, ax=ax, alpha=0.3, width=[0.5 + min(d["trials"], 8) * 0.5 for *_, d in h.edges(data=True)])
    nx.draw_networkx_nodes(h, pos, ax=ax, node_size=[60 + 40 * min(h.degree(n), 30) for n in h],
                           node_color=[COLOURS.get(h.nodes[n]["type"], "#7f7f7f") for n in h], alpha=0.9)
    for n in labelled:
        x, y = pos[n]
        text = short(h.nodes[n]["label"])
        if radial and n not in h.graph["centres"]:  # outside the circle, along the node's own angle: no overlaps
            angle = math.degrees(math.atan2(y, x))
            flip = 90 < angle % 360 < 270
            ax.text(x * 1.07, y * 1.07, text, rotation=angle + 180 if flip else angle, rotation_mode="anchor",
                    ha="right" if flip else "left", va="center", fontsize=8)
        else:
            ax.text(x, y, text, ha="center", va="center", fontsize=9 if radial else 8, fontweight="bold" if radial else "normal",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
    for kind, colour in COLOURS.items():
        if any(h.nodes[n]["type"] == kind for n in h):
            ax.scatter([], [], c=colour, label=kind, s=60)
    ax.legend(loc="lower left", frameon=False)
    ax.set_title(title)
    ax.axis("off")
    if radial:
        ax.set_xlim(-1.9, 1.9)
        ax.set_ylim(-1.6, 1.6)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def neighbourhood_svg(h: nx.Graph, link: Callable[[str, dict], str | None] | None = None) -> str:
    """A neighbourhood (from ``neighbourhood``) as an inline SVG with its legend, for a page (the browser view); ``link``
    gives a node (its IRI and attributes) the address of its page."""
    return _svg(h, _radial(h), list(h), _title(h), link)


def _title(h: nx.Graph) -> str:
    return (f"trialkg {h.name}: around {', '.join(short(h.nodes[c]['label']) for c in h.graph['centres'])} "
            f"({len(h) - len(h.graph['centres'])} neighbours; link width = trials shared)")


def _html(h: nx.Graph, pos: dict, labelled: list[str], title: str) -> str:
    """One HTML file: the network as inline SVG, each node with its label and trial count as a tooltip, hovering a
    node highlights its links; works offline, without any script."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font:14px sans-serif;margin:1em}} {SVG_STYLE}</style>
</head><body><h1>{html.escape(title)}</h1>{_svg(h, pos, labelled, title)}
<p>Hover or focus (Tab) a node for its name and links.</p></body></html>
"""


SVG_STYLE = """svg.network{width:100%;max-width:1400px;height:auto;border:1px solid #ddd}
svg.network line{stroke:#999;opacity:.45} svg.network text{font-size:11px;pointer-events:none}
svg.network .node:hover circle,svg.network .node:focus circle{stroke:#000;stroke-width:2}
ul.legend{list-style:none;padding:0;display:flex;gap:1.5em}
ul.legend li span{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:.4em}"""


def _svg(h: nx.Graph, pos: dict, labelled: list[str], title: str, link: Callable[[str, dict], str | None] | None = None) -> str:
    """The legend and the network as an SVG element: each node with its label and links as a tooltip."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)

    def at(n: str) -> tuple[float, float]:
        return 260 + 880 * (pos[n][0] - min(xs)) / span, 60 + 880 * (pos[n][1] - min(ys)) / span

    middle = 260 + 880 * (sum(xs) / len(xs) - min(xs)) / span  # labels point away from it: left of left-hand nodes

    parts = []
    for a, b, d in h.edges(data=True):
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{0.5 + min(d["trials"], 8) * 0.5:.1f}">'
                     f'<title>{html.escape(h.nodes[a]["label"])} – {html.escape(h.nodes[b]["label"])}: {d["trials"]} trial(s)</title></line>')
    for n in h:
        x, y = at(n)
        label = html.escape(h.nodes[n]["label"])
        side = 'x="{:.1f}" text-anchor="end"'.format(x - 9) if x < middle - 1 else f'x="{x + 9:.1f}"'
        shown = f'<text {side} y="{y + 4:.1f}">{html.escape(short(h.nodes[n]["label"]))}</text>' if n in labelled else ""
        node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{5 + min(h.degree(n), 30) * 0.5:.1f}" '
                f'fill="{COLOURS.get(h.nodes[n]["type"], "#7f7f7f")}"><title>{label} ({h.nodes[n]["type"]}, '
                f'{h.degree(n)} link(s))</title></circle>{shown}')
        href = link(n, h.nodes[n]) if link else None
        parts.append(f'<a class="node" href="{html.escape(href)}">{node}</a>' if href else f'<g class="node" tabindex="0">{node}</g>')
    legend = "".join(f'<li><span style="background:{c}"></span>{k}</li>' for k, c in COLOURS.items()
                     if any(h.nodes[n]["type"] == k for n in h))
    return (f'<ul class="legend" aria-label="node types">{legend}</ul>'
            f'<svg class="network" viewBox="0 0 1400 1000" role="img" aria-label="{html.escape(title)}">{"".join(parts)}</svg>')
