"""The shipped map geometry and the choropleth: coverage, holes, escaping, scope, legend, size."""

import csv
import re
import xml.etree.ElementTree as ET

import pytest

from portal.public.geo_build import parse_path
from portal.public.maps import (
    PALETTES,
    class_edges,
    classify,
    load_layer,
    render_choropleth,
    voivodeship_codes,
)
from portal.public.svg import contrast_ratio, outline_for
from tests.conftest import SHARED_DATA

SVG = "{http://www.w3.org/2000/svg}"
# The subset of SVG path grammar geo_build writes: absolute M, relative l steps, z.
PATH_DATA = re.compile(r"(?:M\d+ \d+l-?\d+(?:[ -]?\d+)*z)+\Z")
CHANGED_7TH_DIGIT = {"100406", "101804", "142004", "260903"}  # 1004062 -> 1004063 etc.


def render(values, **options):
    options.setdefault("label_for", lambda code: f"Gmina {code}")
    options.setdefault("link_for", lambda code: f"/ranking/gminy/{code}")
    options.setdefault("title", "Wyniki gmin")
    options.setdefault("legend_title", "Wynik (pkt)")
    return str(render_choropleth(values, **options))


def gmina_links(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).find(f"{SVG}g[@class='g']"))


@pytest.fixture(scope="module")
def scores():
    codes = sorted(load_layer("gminy").features)
    return {code: (index * 37) % 1000 / 10 for index, code in enumerate(codes)}


def test_geometry_covers_all_2477_gminy_by_six_digit_code():
    features = load_layer("gminy").features
    assert len(features) == 2477
    assert all(re.fullmatch(r"\d{6}", code) for code in features)
    assert CHANGED_7TH_DIGIT <= features.keys()


@pytest.mark.skipif(not (SHARED_DATA / "gus").is_dir(), reason="shared GUS data not present")
def test_geometry_joins_the_2020_teryt_register_on_six_digits():
    with open(SHARED_DATA / "gus/TERC_Urzedowy_2020-01-01.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    register = {r["WOJ"] + r["POW"] + r["GMI"] for r in rows if r["RODZ"] in {"1", "2", "3"}}
    assert register == load_layer("gminy").features.keys()


def test_other_layers_are_complete_and_share_the_national_view_box():
    assert len(load_layer("powiaty").features) == 380
    assert voivodeship_codes() == [f"{n:02d}" for n in range(2, 33, 2)]
    assert list(load_layer("country").features) == ["00"]
    boxes = {load_layer(name).view_box for name in ("gminy", "powiaty", "voivodeships")}
    assert len(boxes) == 1


@pytest.mark.parametrize("layer", ["gminy", "powiaty", "voivodeships", "country"])
def test_every_path_is_valid_svg_path_data(layer):
    for code, (d, bbox) in load_layer(layer).features.items():
        assert PATH_DATA.match(d), code
        points = [p for ring in parse_path(d) for p in ring]
        assert bbox == (
            min(x for x, _ in points), min(y for _, y in points),
            max(x for x, _ in points), max(y for _, y in points),
        ), code


def test_rural_gmina_keeps_the_hole_of_its_town_with_the_same_vertices():
    features = load_layer("gminy").features
    rural = parse_path(features["280202"][0])  # gmina wiejska Braniewo around the town 280201
    town = parse_path(features["280201"][0])
    assert len(rural) >= 2
    assert set(town[0]) in [set(ring) for ring in rural[1:]]


def test_holes_are_drawn_even_odd(scores):
    svg = render(scores)
    group = ET.fromstring(svg).find(f"{SVG}g[@class='g']")
    assert group.get("fill-rule") == "evenodd"  # inherited by every gmina path
    braniewo = [a for a in group if a.get("href").endswith("/280202")][0]
    assert braniewo.find(f"{SVG}path").get("d").count("M") >= 2


def test_every_gmina_is_a_focusable_link_with_an_accessible_name(scores):
    svg = render(scores, label_for=lambda code: f"Gmina {code}: wynik")
    root = ET.fromstring(svg)
    assert root.get("role") == "group"
    assert root.find(f"{SVG}title").get("id") == root.get("aria-labelledby")
    links = gmina_links(svg)
    assert len(links) == 2477
    for link in links[:50]:
        code = link.get("href").rsplit("/", 1)[1]
        assert link.get("aria-label") == f"Gmina {code}: wynik"
        assert link.find(f"{SVG}path/{SVG}title").text == f"Gmina {code}: wynik"


def test_labels_and_titles_are_escaped(scores):
    svg = render(
        scores,
        label_for=lambda code: '<script>alert("x")</script>',
        link_for=lambda code: '/g?a=1&b="2"',
        title="<b>Mapa</b>",
        legend_title="</svg><script>",
    )
    assert "<script>" not in svg and "<b>" not in svg and "</svg><" not in svg
    assert "&lt;script&gt;" in svg and "&amp;b=&#34;2&#34;" in svg
    ET.fromstring(svg)


def test_gminy_without_a_value_are_hatched_and_say_no_data(scores):
    values = dict(scores, **{"302101": None, "302102": float("nan")})
    del values["302103"]
    svg = render(values)
    links = gmina_links(svg)
    missing = {a.get("href")[-6:]: a for a in links if "brak danych" in a.get("aria-label")}
    assert missing.keys() == {"302101", "302102", "302103"}
    assert all(a.find(f"{SVG}path").get("class") == "nd" for a in missing.values())
    assert missing["302101"].get("aria-label") == "Gmina 302101: brak danych"
    assert ">brak danych</text>" in svg  # and the legend explains the hatching


def test_legend_leaves_out_no_data_when_every_gmina_has_a_value(scores):
    assert "brak danych" not in render(scores)


def test_a_map_without_any_values_is_all_no_data():
    links = gmina_links(render({}))
    assert {a[0].get("class") for a in links} == {"nd"}


def test_unlinked_gminy_are_drawn_but_not_focusable(scores):
    svg = render(scores, link_for=lambda code: None if code.startswith("02") else f"/g/{code}")
    elements = gmina_links(svg)
    assert len(elements) == 2477
    assert sum(e.tag == f"{SVG}a" for e in elements) == 2477 - 169  # dolnośląskie: 169 gminy


def test_seven_digit_codes_join_on_the_first_six():
    svg = render({"1004063": 50.0, "2609033": 60.0})
    coloured = [a.get("href")[-6:] for a in gmina_links(svg) if a[0].get("class") != "nd"]
    assert coloured == ["100406", "260903"]


def test_scope_draws_only_wielkopolskie_on_its_own_view_box(scores):
    national = ET.fromstring(render(scores))
    wlkp = render(scores, scope="30", dom_id="mapa-30")
    root = ET.fromstring(wlkp)
    codes = [a.get("href")[-6:] for a in gmina_links(wlkp)]
    assert len(codes) == 226 and all(code.startswith("30") for code in codes)
    assert root.get("viewBox") != national.get("viewBox")
    x, y, width, _ = map(float, root.get("viewBox").split())
    x0, y0, x1, y1 = load_layer("voivodeships").features["30"][1]
    assert x < x0 and y < y0 and x + width > x1 and width < 1000
    assert root.get("id") == "mapa-30" and "#mapa-30 .q0" in wlkp


def test_unknown_scope_and_unsafe_ids_are_refused(scores):
    with pytest.raises(ValueError):
        render(scores, scope="99")
    with pytest.raises(ValueError):
        render(scores, dom_id='x"><script>')


def test_legend_formats_numbers_the_polish_way(scores):
    svg = render(scores, edges=[0, 12.5, 25, 50, 75, 100])
    assert ">0,0–12,5</text>" in svg and ">75,0–100,0</text>" in svg
    english = render(scores, edges=[0, 12.5, 25, 50, 75, 100], locale="en", decimals=2)
    assert ">12.50–25.00</text>" in english
    assert "granice: PRG, GUGiK" in svg


def test_quantile_classes_hold_equal_shares_and_ties_merge_classes():
    values = list(range(1, 101))
    edges = class_edges(values, 5)
    assert edges == pytest.approx([1, 20.8, 40.6, 60.4, 80.2, 100])
    counts = [sum(classify(v, edges) == k for v in values) for k in range(5)]
    assert counts == [20, 20, 20, 20, 20]
    tied = class_edges([5] * 8 + [9] * 2, 5)
    assert len(tied) == 3 and (classify(5, tied), classify(9, tied)) == (0, 1)
    assert class_edges([7, 7, 7], 5) == [7, 7]
    assert class_edges([], 5) == []
    assert class_edges([0, 10], 5, method="equal") == [0, 2, 4, 6, 8, 10]


def test_values_on_a_break_go_up_and_values_outside_fixed_edges_go_to_the_ends():
    edges = [0, 20, 40, 60]
    assert [classify(v, edges) for v in (-5, 0, 19.9, 20, 40, 60, 99)] == [0, 0, 0, 1, 2, 2, 2]


def test_fixed_edges_must_ascend_and_fit_the_palette(scores):
    with pytest.raises(ValueError):
        render(scores, edges=[0, 50, 40, 100])
    with pytest.raises(ValueError):
        render(scores, edges=list(range(10)))
    with pytest.raises(ValueError):
        render(scores, edges=[])


def test_focus_outline_contrasts_with_every_fill():
    for palette in PALETTES.values():
        for colour in palette:
            assert contrast_ratio(outline_for(colour), colour) >= 3, colour


def test_output_is_deterministic(scores):
    assert render(scores) == render(dict(reversed(list(scores.items()))))


def test_national_map_stays_under_one_megabyte(scores):
    svg = render(
        scores,
        label_for=lambda code: f"Gmina Przykładowa-Długa {code}: 63,2 pkt, miejsce 1 234 z 2 477",
        link_for=lambda code: f"/ranking/2024/gminy/{code}",
    )
    assert len(svg.encode()) < 1_000_000
