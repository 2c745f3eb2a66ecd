"""Build the map geometry in `portal/public/data/` from the shared PRG boundary GeoJSON files.

Run by hand when the boundaries change (never at app start; the app reads only the output):

    .venv/bin/python -m portal.public.geo_build ../shared/data/geo portal/public/data

Input: the four GeoJSON files of `../shared/data/geo/` (WGS84 lon/lat, boundaries of 1 Jan 2019,
gminy keyed by a 7-digit `terc`). Output: `gminy.json` (keyed by the first six TERYT digits, which
identify a gmina across years), `powiaty.json`, `voivodeships.json` and `country.json`, each
`{"meta": {...}, "features": {code: {"d": "M..z M..z", "bbox": [x0, y0, x1, y1]}}}` in integer
units of one fixed viewBox shared by all four files.

Simplification is topological: the source files share every vertex between neighbours (the
powiat, voivodeship and country rings reuse gmina vertices), so the rings are cut into arcs at
the points where three or more units meet, each arc is simplified once (Douglas-Peucker), and a
vertex is kept everywhere or nowhere. Neighbouring gminy therefore keep identical borders (no
slivers or gaps), a town keeps the exact shape of the hole in its surrounding rural gmina, and
the voivodeship borders drawn on top lie exactly on the gmina edges.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

Point = tuple[float, float]  # a source vertex (lon, lat); also its identity across features
XY = tuple[float, float]  # projected, in viewBox units
Grid = tuple[int, int]  # rounded to the integer viewBox grid

WIDTH = 2000  # viewBox width; the height follows from Poland's shape
MARGIN = 4  # viewBox units left free around the country, so border strokes are not clipped
TOLERANCE = 1.0  # Douglas-Peucker tolerance in viewBox units (about 350 m on the ground)
ATTRIBUTION = "granice: PRG, GUGiK"

# code property length kept per layer: gminy join on six digits across TERYT years.
LAYERS = {
    "gminy": ("poland.municipalities.json", 6),
    "powiaty": ("poland.counties.json", 4),
    "voivodeships": ("poland.voivodeships.json", 2),
    "country": ("poland.country.json", 2),
}

# Projection: Albers equal-area conic on the sphere, standard parallels 50° and 54° N, centred
# on 19° E / 52° N. The map colours areas, so areas must compare fairly: Mercator would inflate
# Pomerania against the Tatras by about 30%, equirectangular still by about 7-10%; Albers keeps
# areas exact and shapes within about 1% over Poland's latitudes.
_PHI1, _PHI2, _PHI0, _LAMBDA0 = map(math.radians, (50.0, 54.0, 52.0, 19.0))
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(_PHI0)) / _N


def albers(lon: float, lat: float) -> XY:
    """Project a WGS84 point to the plane (unit sphere, y to the north)."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * (math.radians(lon) - _LAMBDA0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


def load_layer(path: Path, digits: int) -> dict[str, list[list[Point]]]:
    """Read a GeoJSON file into {code: all rings of the feature}, closing points dropped.

    Outer rings and holes are kept together because the map draws them as one even-odd path.
    """
    collection = json.loads(path.read_text(encoding="utf-8"))
    features: dict[str, list[list[Point]]] = {}
    for feature in collection["features"]:
        code = feature["properties"]["terc"][:digits]
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        if code in features:
            raise ValueError(f"{path.name}: code {code} occurs twice")
        features[code] = [
            [(p[0], p[1]) for p in ring[:-1]] for polygon in polygons for ring in polygon
        ]
    return features


def find_junctions(rings: Iterable[Sequence[Point]]) -> set[Point]:
    """Vertices where borders meet: the same point seen with different neighbours.

    A vertex inside a border shared by A and B has the same two neighbours in both rings; at a
    point where three units meet (or a border meets the country's edge) the neighbours differ.
    """
    neighbours: dict[Point, frozenset[Point]] = {}
    junctions: set[Point] = set()
    for ring in rings:
        n = len(ring)
        for i, point in enumerate(ring):
            pair = frozenset((ring[i - 1], ring[(i + 1) % n]))
            if neighbours.setdefault(point, pair) != pair:
                junctions.add(point)
    return junctions


def split_arcs(ring: Sequence[Point], junctions: set[Point]) -> list[list[Point]]:
    """Cut a ring into arcs running from junction to junction (both ends included).

    A ring without junctions (an island, or a town inside one rural gmina) becomes one closed
    arc starting at its smallest vertex, so both rings that share it start at the same point.
    """
    n = len(ring)
    cuts = [i for i, point in enumerate(ring) if point in junctions]
    if not cuts:
        start = ring.index(min(ring))
        return [[ring[(start + k) % n] for k in range(n + 1)]]
    ends = cuts[1:] + [cuts[0] + n]
    return [[ring[k % n] for k in range(a, b + 1)] for a, b in zip(cuts, ends, strict=True)]


def canonical(arc: list[Point]) -> list[Point]:
    """The arc in the direction both neighbours agree on, so each arc is simplified once."""
    first, last = (arc[0], arc[-1]) if arc[0] != arc[-1] else (arc[1], arc[-2])
    return arc if first <= last else arc[::-1]


def douglas_peucker(points: Sequence[XY], tolerance: float) -> list[int]:
    """Indices of the points kept by Douglas-Peucker; the two ends are always kept.

    Iterative, because closed arcs can be a thousand points long. For a closed arc (both ends
    equal) the distance to the degenerate chord is the distance to that end point.
    """
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, best_distance = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dx * (ay - py) - dy * (ax - px)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > best_distance:
                best, best_distance = i, distance
        if best >= 0:
            keep.add(best)
            stack.extend(((first, best), (best, last)))
    return sorted(keep)


def kept_vertices(
    rings: Sequence[Sequence[Point]], plane: dict[Point, XY], tolerance: float
) -> set[Point]:
    """The set of source vertices to keep in every layer: junctions plus each arc's DP points."""
    junctions = find_junctions(rings)
    keep = set(junctions)
    done: set[tuple[Point, ...]] = set()
    for ring in rings:
        for arc in split_arcs(ring, junctions):
            arc = canonical(arc)
            key = tuple(arc)
            if key in done:
                continue
            done.add(key)
            kept = douglas_peucker([plane[p] for p in arc], tolerance)
            keep.update(arc[i] for i in kept)
    return keep


def snap_ring(ring: Sequence[Point], keep: set[Point], grid: dict[Point, Grid]) -> list[Grid]:
    """The ring's kept vertices on the integer grid; empty if it collapses to a line or dot."""
    points: list[Grid] = []
    for point in ring:
        if point in keep:
            snapped = grid[point]
            if not points or points[-1] != snapped:
                points.append(snapped)
    while len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3 or not _twice_area(points):
        return []
    return points


def _twice_area(points: Sequence[Grid]) -> int:
    return sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )


def path_data(rings: Sequence[Sequence[Grid]]) -> str:
    """SVG path data: one absolute `M` per ring, then relative `l` steps, closed with `z`.

    Relative steps are one or two digits long, which makes the file about half as large as
    absolute coordinates; a minus sign separates numbers by itself (valid SVG path grammar).
    """
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.extend((nx - x, ny - y))
            x, y = nx, ny
        numbers = " ".join(map(str, steps)).replace(" -", "-")
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{numbers}z")
    return "".join(parts)


def parse_path(d: str) -> list[list[Grid]]:
    """The rings of path data written by `path_data` (its inverse; used by checks and tests)."""
    rings = []
    for chunk in d.split("z")[:-1]:
        head, steps = chunk[1:].split("l")
        x, y = map(int, head.split())
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        ring = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def bbox(rings: Sequence[Sequence[Grid]]) -> list[int]:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return [min(xs), min(ys), max(xs), max(ys)]


def fit_to_grid(points: Iterable[Point], width: int) -> tuple[dict[Point, XY], int]:
    """Project every point and scale it into a `width`-wide viewBox; returns (plane, height)."""
    projected = {p: albers(*p) for p in points}
    xs = [x for x, _ in projected.values()]
    ys = [y for _, y in projected.values()]
    scale = (width - 2 * MARGIN) / (max(xs) - min(xs))
    left, top = min(xs), max(ys)
    plane = {p: (MARGIN + (x - left) * scale, MARGIN + (top - y) * scale)
             for p, (x, y) in projected.items()}
    height = math.ceil(2 * MARGIN + (max(ys) - min(ys)) * scale)
    return plane, height


def build(src: Path, width: int = WIDTH, tolerance: float = TOLERANCE) -> dict[str, dict]:
    """Read the four source layers and return the four output documents by layer name."""
    layers = {name: load_layer(src / file, digits) for name, (file, digits) in LAYERS.items()}
    gmina_rings = [ring for rings in layers["gminy"].values() for ring in rings]
    plane, height = fit_to_grid({p for ring in gmina_rings for p in ring}, width)
    grid = {p: (math.floor(x + 0.5), math.floor(y + 0.5)) for p, (x, y) in plane.items()}
    keep = kept_vertices(gmina_rings, plane, tolerance)
    # A unit may not vanish: if every ring of a gmina collapses, keep that gmina's vertices in
    # full (in the shared set, so its neighbours stay in step) and snap again.
    for rings in layers["gminy"].values():
        if not any(snap_ring(ring, keep, grid) for ring in rings):
            keep.update(max(rings, key=len))
    documents = {}
    for name, features in layers.items():
        out, vertices = {}, 0
        for code in sorted(features):
            snapped = [r for r in (snap_ring(ring, keep, grid) for ring in features[code]) if r]
            if not snapped:
                raise ValueError(f"{name} {code}: every ring collapsed at tolerance {tolerance}")
            out[code] = {"d": path_data(snapped), "bbox": bbox(snapped)}
            vertices += sum(map(len, snapped))
        meta = {
            "viewBox": [0, 0, width, height],
            "projection": "Albers equal-area conic, sphere, parallels 50/54 N, centre 19 E 52 N",
            "tolerance": tolerance,
            "source": "PRG (GUGiK) via jusuff/PolandGeoJson, boundaries of 2019-01-01",
            "attribution": ATTRIBUTION,
            "count": len(out),
            "vertices": vertices,
        }
        documents[name] = {"meta": meta, "features": out}
    return documents


def dump(document: dict) -> str:
    """Compact JSON with one feature per line, so a rebuild shows up as a readable diff."""
    lines = [f'"{code}":{json.dumps(value, separators=(",", ":"))}'
             for code, value in document["features"].items()]
    meta = json.dumps(document["meta"], ensure_ascii=False, separators=(",", ":"))
    return '{"meta":' + meta + ',\n"features":{\n' + ",\n".join(lines) + "\n}}\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="folder with the poland.*.json GeoJSON files")
    parser.add_argument("out", type=Path, help="output folder, normally portal/public/data")
    parser.add_argument("--width", type=int, default=WIDTH, help="viewBox width in units")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="in viewBox units")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, document in build(args.src, args.width, args.tolerance).items():
        path = args.out / f"{name}.json"
        path.write_text(dump(document), encoding="utf-8")
        meta = document["meta"]
        print(f"{path}: {meta['count']} features, {meta['vertices']:,} vertices, "
              f"{path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
