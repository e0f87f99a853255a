"""Write kg/web/static/land-110m.svg: the land of the world as one SVG path in the equirectangular projection the
browser view's site maps use (x = longitude + 180, y = 90 - latitude, both times 2: a 720 x 360 viewBox).

    python scripts/build_world_map.py LAND_110M_JSON

LAND_110M_JSON is ``land-110m.json`` of the npm package world-atlas 2.0.2 (TopoJSON of Natural Earth's 1:110m land;
the package is ISC-licensed, Natural Earth's data is in the public domain).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "web" / "static" / "land-110m.svg"
SCALE = 2  # SVG units per degree


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc's positions in degrees (TopoJSON arcs are quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += arc if not points else arc[1:]
    return points


def _unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous (a step of more than 180 degrees is a crossing of the antimeridian, not a line
    around the world): the ring may then run past 180 or -180."""
    out: list[tuple[float, float]] = []
    offset = 0.0
    for lon, lat in points:
        if out and abs(lon + offset - out[-1][0]) > 180:
            offset += 360 if out[-1][0] > lon + offset else -360
        out.append((lon + offset, lat))
    return out


def main(source: Path) -> None:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    polygons = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons += geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    d = []
    for polygon in polygons:
        for ring in polygon:
            points = _unwrapped(_ring(ring, arcs))
            lons = [lon for lon, _ in points]
            shifts = [0] + ([-360] if max(lons) > 180 else []) + ([360] if min(lons) < -180 else [])
            for shift in shifts:  # a ring across the antimeridian is drawn on both sides; the viewBox cuts the rest
                d.append("M" + "L".join(f"{(lon + shift + 180) * SCALE:.1f},{(90 - lat) * SCALE:.1f}" for lon, lat in points) + "Z")
    OUT.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {360 * SCALE} {180 * SCALE}">'
                   f'<path fill="#e3e8ee" stroke="#b8c2cc" stroke-width="0.4" d="{"".join(d)}"/></svg>\n', encoding="utf-8")
    print(f"{len(d)} rings -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
