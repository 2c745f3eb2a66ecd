"""Scorecard charts: numbers printed and described, Polish formatting, escaping, geometry."""

import xml.etree.ElementTree as ET

import pytest

from portal.public.charts import bar_chart, dot_range

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [
    ("Profilaktyka", 12.5, 20),
    ("Monitoring wizyjny", None, 10),
    ("Bezpieczeństwo w ruchu drogowym", 30, 25),
]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_an_image_named_and_described_by_its_numbers():
    root = parse(bar_chart(ROWS, title="Punkty w grupach", unit="pkt", dom_id="grupy"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "grupy-t grupy-d"
    assert root.find(f"{SVG}title").text == "Punkty w grupach"
    assert root.find(f"{SVG}desc").text == (
        "Profilaktyka: 12,5 / 20,0 pkt; Monitoring wizyjny: brak danych; "
        "Bezpieczeństwo w ruchu drogowym: 30,0 / 25,0 pkt"
    )


def test_bar_chart_prints_labels_and_values_next_to_the_bars():
    root = parse(bar_chart(ROWS, title="t"))
    assert texts(root) == [
        "Profilaktyka", "12,5 / 20,0",
        "Monitoring wizyjny", "brak danych",
        "Bezpieczeństwo w ruchu drogowym", "30,0 / 25,0",
    ]


def test_bars_are_proportional_missing_values_have_none_and_overflow_fills_the_track():
    rects = parse(bar_chart(ROWS, title="t")).findall(f"{SVG}rect")
    track = float(rects[0].get("width"))
    widths = [float(r.get("width")) for r in rects]
    # track + bar, track only, track + bar (clamped to the track)
    assert widths == [track, pytest.approx(track * 12.5 / 20, abs=0.1), track, track, track]


def test_bar_chart_escapes_labels_and_title():
    markup = str(bar_chart([("<script>x</script>", 1, 2)], title="a & <b>"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "a &amp; &lt;b&gt;" in markup
    parse(markup)


def test_bar_chart_refuses_a_zero_maximum_and_unsafe_ids():
    with pytest.raises(ValueError):
        bar_chart([("x", 1, 0)], title="t")
    with pytest.raises(ValueError):
        bar_chart(ROWS, title="t", dom_id='a" onload="x')


def test_bar_chart_formats_for_other_locales():
    root = parse(bar_chart([("Prevention", 1234.5, 2000)], title="t", locale="en"))
    assert "1,234.5 / 2,000.0" in texts(root)


def test_dot_range_shows_rank_interval_and_axis_in_text():
    root = parse(dot_range(12, 8, 17, 2477, title="Miejsce w rankingu"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}desc").text == "Miejsce 12 z 2\xa0477; przedział od 8 do 17"
    assert texts(root) == ["1", "2\xa0477", "12", "8–17"]


def test_dot_sits_inside_its_interval_on_an_axis_with_the_best_rank_on_the_left():
    root = parse(dot_range(100, 50, 400, 2477, title="t"))
    line, interval, dot = (root.find(f"{SVG}{tag}") for tag in ("line", "rect", "circle"))
    left, right = float(line.get("x1")), float(line.get("x2"))
    start = float(interval.get("x"))
    end = start + float(interval.get("width"))
    assert left < start < float(dot.get("cx")) < end < right
    assert (float(dot.get("cx")) - left) / (right - left) == pytest.approx(99 / 2476, abs=1e-3)


def test_a_zero_width_interval_stays_visible_and_a_single_gmina_is_centred():
    root = parse(dot_range(1, 1, 1, 1, title="t", description="Rank 1 of 1"))
    assert float(root.find(f"{SVG}rect").get("width")) >= 4
    assert root.find(f"{SVG}desc").text == "Rank 1 of 1"
    line = root.find(f"{SVG}line")
    middle = (float(line.get("x1")) + float(line.get("x2"))) / 2
    assert float(root.find(f"{SVG}circle").get("cx")) == pytest.approx(middle, abs=0.1)


@pytest.mark.parametrize("rank, low, high, total", [(5, 6, 9, 10), (5, 1, 4, 10), (5, 1, 11, 10),
                                                    (0, 0, 3, 10)])
def test_dot_range_refuses_an_inconsistent_interval(rank, low, high, total):
    with pytest.raises(ValueError):
        dot_range(rank, low, high, total, title="t")
