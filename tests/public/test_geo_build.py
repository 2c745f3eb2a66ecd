"""The geometry build: shared borders simplified once, holes kept, output reproducible."""

import json

import pytest

from portal.public import geo_build
from portal.public.maps import DATA_DIR
from tests.conftest import SHARED_DATA

# Three gminy in WGS84: A (west square with a hole), T (the town filling the hole), B (east
# square). The A-B border has a real bump and two wiggles far below the tolerance (~0.1 unit).
BORDER = [
    (19, 51), (19.0001, 51.1), (19, 51.2), (19.2, 51.5), (19, 51.8), (19.0001, 51.9), (19, 52)
]
A_OUTER = [*BORDER, (18, 52), (18, 51)]
HOLE = [(18.4, 51.4), (18.6, 51.4), (18.6, 51.6), (18.4, 51.6)]
B_OUTER = [*BORDER[::-1], (20, 51), (20, 52)]
ISLAND = [(19.5, 51.1), (19.5001, 51.1), (19.5001, 51.1001)]  # smaller than a viewBox unit
OUTLINE = [(18, 51), (19, 51), (20, 51), (20, 52), (19, 52), (18, 52)]


def closed(ring):
    return [list(p) for p in ring + ring[:1]]


def feature(terc, *polygons):
    return {
        "type": "Feature",
        "properties": {"terc": terc, "name": terc},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[closed(ring) for ring in polygon] for polygon in polygons],
        },
    }


@pytest.fixture
def source(tmp_path):
    layers = {
        "municipalities": [
            feature("0201012", [A_OUTER, HOLE]),
            feature("0201021", [HOLE[::-1]]),
            feature("0201032", [B_OUTER], [ISLAND]),
        ],
        "counties": [feature("0201", [OUTLINE])],
        "voivodeships": [feature("02", [OUTLINE])],
        "country": [feature("00", [OUTLINE])],
    }
    for name, features in layers.items():
        collection = {"type": "FeatureCollection", "features": features}
        (tmp_path / f"poland.{name}.json").write_text(json.dumps(collection))
    return tmp_path


def rings(document, code):
    return geo_build.parse_path(document["features"][code]["d"])


def test_path_data_is_relative_and_round_trips():
    squares = [[(10, 10), (14, 10), (14, 7), (10, 7)], [(11, 9), (12, 9), (12, 8)]]
    d = geo_build.path_data(squares)
    assert d == "M10 10l4 0 0-3-4 0zM11 9l1 0 0-1z"
    assert geo_build.parse_path(d) == squares


def test_neighbours_keep_the_same_simplified_border(source):
    gminy = geo_build.build(source)["gminy"]
    a, b = set(rings(gminy, "020101")[0]), set(rings(gminy, "020103")[0])
    assert len(a & b) == 5  # the border lost both wiggles, on both sides
    assert len(a) == len(b) == 7


def test_town_fills_the_hole_of_its_rural_gmina_exactly(source):
    gminy = geo_build.build(source)["gminy"]
    rural, town = rings(gminy, "020101"), rings(gminy, "020102")
    assert len(rural) == 2 and len(town) == 1
    assert set(rural[1]) == set(town[0])


def test_rings_that_collapse_are_dropped_but_a_gmina_never_vanishes(source):
    gminy = geo_build.build(source)["gminy"]
    assert len(rings(gminy, "020103")) == 1  # the tiny island is gone
    coarse = geo_build.build(source, tolerance=500)["gminy"]
    assert len(rings(coarse, "020102")[0]) == 4  # the town kept all its corners ...
    assert set(rings(coarse, "020101")[1]) == set(rings(coarse, "020102")[0])  # ... and hole


def test_outer_layers_reuse_the_gmina_vertices(source):
    documents = geo_build.build(source)
    gmina_points = {p for code in documents["gminy"]["features"]
                    for ring in rings(documents["gminy"], code) for p in ring}
    for layer in ("powiaty", "voivodeships", "country"):
        (code,) = documents[layer]["features"]
        assert set(rings(documents[layer], code)[0]) <= gmina_points
    assert documents["gminy"]["meta"]["viewBox"][2] == geo_build.WIDTH


def test_command_writes_the_four_files(source, tmp_path, capsys):
    out = tmp_path / "out"
    geo_build.main([str(source), str(out)])
    assert sorted(p.name for p in out.iterdir()) == [
        "country.json", "gminy.json", "powiaty.json", "voivodeships.json"
    ]
    assert json.loads((out / "gminy.json").read_text())["meta"]["attribution"] == (
        "granice: PRG, GUGiK"
    )
    assert "gminy.json: 3 features" in capsys.readouterr().out


@pytest.mark.skipif(not (SHARED_DATA / "geo").is_dir(), reason="shared boundaries not present")
def test_shipped_files_are_what_the_build_makes_from_the_shared_boundaries():
    for name, document in geo_build.build(SHARED_DATA / "geo").items():
        assert (DATA_DIR / f"{name}.json").read_text(encoding="utf-8") == geo_build.dump(document)
