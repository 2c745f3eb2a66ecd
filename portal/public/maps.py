"""Choropleth maps of gminy, drawn server-side as inline SVG from `portal/public/data/`.

The geometry is built once by `python -m portal.public.geo_build` and shipped with the package;
the app never reads the shared GeoJSON files. Every gmina is a link (keyboard focusable) with
an accessible name, so the map works as a way in to the scorecards; the page's table remains
the accessible alternative for reading the values.
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from markupsafe import Markup, escape

from portal.public.svg import check_dom_id, coord, format_number, outline_for

DATA_DIR = Path(__file__).resolve().parent / "data"
ATTRIBUTION = "granice: PRG, GUGiK"
MAX_CLASSES = 7

# viridis (perceptually even, readable with the common colour-vision deficiencies and in
# greyscale), ordered light to dark so that a higher score reads as "more".
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#21918c",),
    2: ("#fde725", "#3b528b"),
    3: ("#fde725", "#21918c", "#440154"),
    4: ("#fde725", "#35b779", "#31688e", "#440154"),
    5: ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"),
    6: ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"),
    7: ("#fde725", "#90d743", "#35b779", "#21918c", "#31688e", "#443983", "#440154"),
}
NO_DATA_FILL, NO_DATA_HATCH = "#d9d9d9", "#6f6f6f"

Box = tuple[float, float, float, float]  # x, y, width, height (a viewBox)


@dataclass(frozen=True)
class Layer:
    """One geometry file: the national viewBox and {code: (path data, [x0, y0, x1, y1])}."""

    view_box: Box
    features: Mapping[str, tuple[str, tuple[int, int, int, int]]]


@functools.cache
def load_layer(name: Literal["gminy", "powiaty", "voivodeships", "country"]) -> Layer:
    """Read a geometry file once per process (the files are immutable package data)."""
    document = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    features = {code: (f["d"], tuple(f["bbox"])) for code, f in document["features"].items()}
    return Layer(tuple(document["meta"]["viewBox"]), features)


def voivodeship_codes() -> list[str]:
    """The two-digit codes accepted as `scope`."""
    return sorted(load_layer("voivodeships").features)


def class_edges(
    values: Sequence[float], classes: int = 5, method: Literal["quantile", "equal"] = "quantile"
) -> list[float]:
    """Ascending class edges [min, t1, ..., max] over `values`; fewer classes if values tie.

    Quantiles are the default: a ranking is read by position, and with quantile classes each
    colour holds about the same number of gminy even when the scores bunch together. Inner
    thresholds use linear interpolation between order statistics (numpy's default method).
    """
    if not 1 <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be 1 to {MAX_CLASSES}")
    if not values:
        return []
    ordered = sorted(values)
    low, high = ordered[0], ordered[-1]
    if method == "equal":
        inner = [low + (high - low) * k / classes for k in range(1, classes)]
    else:
        inner = [_quantile(ordered, k / classes) for k in range(1, classes)]
    # A threshold at the minimum would leave its class empty; equal thresholds merge classes.
    return [low, *sorted({t for t in inner if t > low}), high]


def _quantile(ordered: Sequence[float], q: float) -> float:
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def classify(value: float, edges: Sequence[float]) -> int:
    """Class index of `value`: a value equal to a threshold belongs to the higher class.

    Values outside the edges fall into the end classes (fixed edges may not cover all data).
    """
    return bisect_right(edges, value, 1, len(edges) - 1) - 1


def render_choropleth(
    values: Mapping[str, float | None],
    *,
    label_for: Callable[[str], str],
    title: str,
    legend_title: str,
    scope: str | None = None,
    link_for: Callable[[str], str | None] | None = None,
    classes: int = 5,
    method: Literal["quantile", "equal"] = "quantile",
    edges: Sequence[float] | None = None,
    decimals: int = 1,
    locale: str = "pl",
    dom_id: str = "mapa",
    described_by: str | None = None,
    no_data: str = "brak danych",
) -> Markup:
    """An inline SVG map of the gminy of Poland (or of one voivodeship) coloured by value.

    `values` maps TERYT codes (the first six digits are used) to a score; a missing key, None
    or NaN is drawn hatched as `no_data`. `label_for(teryt6)` gives each gmina's accessible name
    and hover text (e.g. "Kórnik: 63,2 pkt, miejsce 12"); for gminy without data the map adds
    ": brak danych" itself. `link_for(teryt6)` gives the scorecard URL (None: not a link).
    `scope` is a two-digit voivodeship code: only its gminy are drawn, on a fitted viewBox.
    Classes are computed over the drawn values (`class_edges`) unless `edges` fixes them, e.g.
    `[0, 20, 40, 60, 80, 100]` to keep colours comparable between maps. `dom_id` must be unique
    on the page; `described_by` can name the id of the table that carries the same data.
    """
    dom_id = check_dom_id(dom_id)
    if described_by is not None:
        check_dom_id(described_by)
    gminy = load_layer("gminy")
    codes = [code for code in gminy.features if scope is None or code[:2] == scope]
    map_box = _map_box(scope)
    in_scope = set(codes)
    scores = {code: score for code, score in _clean(values).items() if code in in_scope}
    if edges is None:
        edges = class_edges(list(scores.values()), classes, method)
    elif len(edges) - 1 not in PALETTES or list(edges) != sorted(edges):
        raise ValueError(f"edges must be 2 to {MAX_CLASSES + 1} ascending numbers")
    palette = PALETTES.get(len(edges) - 1, ())
    missing = len(scores) < len(codes)
    legend, legend_height = _legend(
        map_box, edges, palette, missing, dom_id=dom_id, title=legend_title,
        decimals=decimals, locale=locale, no_data=no_data,
    )
    x, y, width, height = map_box
    view_box = " ".join(coord(v) for v in (x, y, width, height + legend_height))
    described = f' aria-describedby="{described_by}"' if described_by else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" id="{dom_id}"'
        f' class="choropleth" role="group" aria-labelledby="{dom_id}-t"{described}>',
        f'<title id="{dom_id}-t">{escape(title)}</title>',
        _style(dom_id, palette),
        _hatch(dom_id, width),
        '<g class="g" fill-rule="evenodd">',
    ]
    for code in codes:
        score = scores.get(code)
        if score is None:
            css, label = "nd", f"{label_for(code)}: {no_data}"
        else:
            css, label = f"q{classify(score, edges)}", label_for(code)
        href = link_for(code) if link_for else None
        parts.append(_gmina(gminy.features[code][0], css, label, href))
    parts.append("</g>")
    parts.extend(_borders(scope))
    parts.extend(legend)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _clean(values: Mapping[str, float | None]) -> dict[str, float]:
    """Scores keyed by six TERYT digits (codes of 2019 and 2020 differ only in the 7th)."""
    cleaned = {}
    for code, value in values.items():
        if value is not None and not math.isnan(value):
            cleaned[str(code)[:6]] = float(value)
    return cleaned


def _map_box(scope: str | None) -> Box:
    """The national viewBox, or the voivodeship's bounding box with a little room around it."""
    if scope is None:
        return load_layer("gminy").view_box
    features = load_layer("voivodeships").features
    if scope not in features:
        raise ValueError(f"unknown voivodeship code: {scope!r}")
    x0, y0, x1, y1 = features[scope][1]
    pad = max(x1 - x0, y1 - y0) * 0.02
    return (x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)


def _gmina(d: str, css: str, label: str, href: str | None) -> str:
    path = f'<path class="{css}" d="{d}"><title>{escape(label)}</title></path>'
    if not href:
        return path
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{path}</a>'


def _borders(scope: str | None) -> list[str]:
    """Voivodeship borders on top (and powiat borders on a voivodeship map), not clickable."""
    voivodeships = load_layer("voivodeships").features
    if scope is None:
        return [f'<path class="b" d="{"".join(d for d, _ in voivodeships.values())}"/>']
    powiaty = load_layer("powiaty").features
    inner = "".join(d for code, (d, _) in powiaty.items() if code[:2] == scope)
    return [f'<path class="bp" d="{inner}"/>', f'<path class="b" d="{voivodeships[scope][0]}"/>']


def _style(dom_id: str, palette: Sequence[str]) -> str:
    """CSS scoped to this map: fills per class and a focus outline that contrasts with each.

    The outline is black or white depending on the fill, because no single colour stands out
    from both ends of viridis. Neighbours drawn later cover the outer half of the stroke, so
    it is thick; non-scaling strokes keep widths in screen pixels at any map size.
    """
    s = f"#{dom_id}"
    rules = [
        f"{s} .g path{{stroke:#fff;stroke-width:.3px;stroke-linejoin:round;"
        "vector-effect:non-scaling-stroke}",
        f"{s} .nd{{fill:url(#{dom_id}-nd)}}",
        f"{s} a{{outline:none}}",
        f"{s} a:focus path,{s} a:hover path{{stroke:#000;stroke-width:4px}}",
        f"{s} .b,{s} .bp{{fill:none;stroke:#1d1d1d;stroke-width:1px;stroke-linejoin:round;"
        "vector-effect:non-scaling-stroke;pointer-events:none}",
        f"{s} .bp{{stroke:#595959;stroke-width:.6px}}",
        f"{s} text{{font-family:system-ui,sans-serif;fill:#0b0c0c}}",
    ]
    for index, colour in enumerate(palette):
        rules.append(f"{s} .q{index}{{fill:{colour}}}")
        if outline_for(colour) != "#000000":
            rules.append(f"{s} a:focus path.q{index},{s} a:hover path.q{index}{{stroke:#fff}}")
    return "<style>" + "\n".join(rules) + "</style>"


def _hatch(dom_id: str, width: float) -> str:
    """Grey diagonal hatching for "no data", sized to the viewBox so it looks the same in
    national and voivodeship maps."""
    size = coord(width / 160)
    return (
        f'<defs><pattern id="{dom_id}-nd" patternUnits="userSpaceOnUse" width="{size}"'
        f' height="{size}"><rect width="{size}" height="{size}" fill="{NO_DATA_FILL}"/>'
        f'<path d="M0 {size}L{size} 0" stroke="{NO_DATA_HATCH}"'
        f' stroke-width="{coord(width / 800)}"/>'
        "</pattern></defs>"
    )


def _legend(
    box: Box, edges: Sequence[float], palette: Sequence[str], missing: bool, *, dom_id: str,
    title: str, decimals: int, locale: str, no_data: str,
) -> tuple[list[str], float]:
    """The legend below the map in three columns, with the boundary attribution; returns its
    markup and height. Sizes follow the viewBox width so text reads the same at any scope."""
    x, y, width, height = box
    unit = width / 50  # font size: 16 px when the map is drawn 800 px wide
    items = [(f"q{i}", "–".join(format_number(v, decimals, locale) for v in edges[i : i + 2]))
             for i in range(len(palette))]
    if missing:
        items.append(("nd", no_data))
    rows = math.ceil(len(items) / 3)
    top = y + height + unit * 0.5
    column = (width - 2 * unit) / 3
    parts = [f'<g class="lg" font-size="{coord(unit)}">',
             f'<text x="{coord(x + unit)}" y="{coord(top + unit)}" font-weight="bold">'
             f"{escape(title)}</text>"]
    for index, (css, text) in enumerate(items):
        left = x + unit + (index % 3) * column
        row_top = top + unit * 1.6 + (index // 3) * unit * 1.6
        fill = f"url(#{dom_id}-nd)" if css == "nd" else palette[int(css[1:])]
        parts.append(
            f'<rect x="{coord(left)}" y="{coord(row_top)}" width="{coord(unit)}"'
            f' height="{coord(unit)}" fill="{fill}" stroke="#505a5f"'
            f' stroke-width="{coord(unit / 20)}"/>'
            f'<text x="{coord(left + unit * 1.4)}" y="{coord(row_top + unit * 0.85)}">'
            f"{escape(text)}</text>"
        )
    legend_height = unit * (0.5 + 1.6 + rows * 1.6 + 1.2)
    parts.append(
        f'<text x="{coord(x + width - unit)}" y="{coord(y + height + legend_height - unit * 0.4)}"'
        f' font-size="{coord(unit * 0.7)}" text-anchor="end">{ATTRIBUTION}</text></g>'
    )
    return parts, legend_height
