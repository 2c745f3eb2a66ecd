"""Small server-side SVG charts for the scorecards: score bars and a rank interval.

Each chart is one `<svg role="img">` named by its `<title>` and described by a `<desc>` that
repeats every number as a sentence, so a screen reader gets what the picture shows; the numbers
are also printed visibly next to the shapes, so nobody has to judge a bar's length.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from portal.public.svg import check_dom_id, coord, format_number

WIDTH = 640
FONT = 16
BAR, TRACK, INK, AXIS = "#3b528b", "#e3e3e3", "#0b0c0c", "#505a5f"  # bar on white: 7.8:1


def bar_chart(
    rows: Sequence[tuple[str, float | None, float]],
    *,
    title: str,
    dom_id: str = "wykres",
    unit: str = "",
    decimals: int = 1,
    locale: str = "pl",
    no_data: str = "brak danych",
) -> Markup:
    """Horizontal bars, one per `(label, value, max_value)`, with "value / max unit" printed.

    The label sits on its own line above the bar so long section names keep the full width.
    A None value draws no bar and prints `no_data`; values above the maximum fill the track.
    """
    dom_id = check_dom_id(dom_id)
    row_height = FONT * 3.2
    track = WIDTH - FONT * 9  # leaves room for the printed value to the right of the track
    height = len(rows) * row_height
    shapes, sentences = [], []
    for index, (label, value, max_value) in enumerate(rows):
        if max_value <= 0:
            raise ValueError(f"max_value must be positive for {label!r}")
        top = index * row_height
        text = _value_text(value, max_value, unit, decimals, locale, no_data)
        sentences.append(f"{label}: {text}")
        shapes.append(
            f'<text x="0" y="{coord(top + FONT)}">{escape(label)}</text>'
            f'<rect x="0" y="{coord(top + FONT * 1.4)}" width="{track}" height="{FONT}"'
            f' fill="{TRACK}"/>'
        )
        if value is not None:
            filled = max(0.0, min(1.0, value / max_value)) * track
            shapes.append(
                f'<rect x="0" y="{coord(top + FONT * 1.4)}" width="{coord(filled)}" height="{FONT}"'
                f' fill="{BAR}"/>'
            )
        shapes.append(
            f'<text x="{WIDTH}" y="{coord(top + FONT * 2.3)}" text-anchor="end">'
            f"{escape(text)}</text>"
        )
    return _svg(dom_id, title, "; ".join(sentences), WIDTH, height, shapes)


def dot_range(
    rank: int,
    low: int,
    high: int,
    total: int,
    *,
    title: str,
    dom_id: str = "przedzial",
    description: str | None = None,
    locale: str = "pl",
) -> Markup:
    """A rank as a dot on a 1..total axis (best on the left) inside its uncertainty interval.

    `low` and `high` are the 5th and 95th percentile ranks from the scoring run. The default
    description is Polish; pass `description` for other languages.
    """
    dom_id = check_dom_id(dom_id)
    if not 1 <= low <= rank <= high <= total:
        raise ValueError(f"need 1 <= low <= rank <= high <= total: {low}, {rank}, {high}, {total}")
    numbers = {k: format_number(v, 0, locale) for k, v in
               {"rank": rank, "low": low, "high": high, "total": total}.items()}
    if description is None:
        description = (f"Miejsce {numbers['rank']} z {numbers['total']}; "
                       f"przedział od {numbers['low']} do {numbers['high']}")
    left, right = FONT * 3.5, WIDTH - FONT * 3.5  # room for the end labels, up to 5 digits

    def x(position: int) -> float:
        if total == 1:
            return (left + right) / 2
        return left + (position - 1) / (total - 1) * (right - left)

    axis_y, height = FONT * 2.4, FONT * 4.4
    middle = min(max((x(low) + x(high)) / 2, left), right)
    shapes = [
        f'<line x1="{coord(left)}" y1="{coord(axis_y)}" x2="{coord(right)}" y2="{coord(axis_y)}"'
        f' stroke="{AXIS}" stroke-width="2"/>',
        f'<text x="{coord(left - 8)}" y="{coord(axis_y + FONT * 0.35)}" text-anchor="end">1</text>',
        f'<text x="{coord(right + 8)}" y="{coord(axis_y + FONT * 0.35)}">{numbers["total"]}</text>',
        # at least 4 units wide, so a very tight interval is still visible around the dot
        f'<rect x="{coord(min(x(low), x(rank) - 2))}" y="{coord(axis_y - 6)}"'
        f' width="{coord(max(x(high) - x(low), 4))}" height="12" rx="6" fill="{BAR}"/>',
        f'<circle cx="{coord(x(rank))}" cy="{coord(axis_y)}" r="8" fill="{INK}" stroke="#ffffff"'
        ' stroke-width="2"/>',
        f'<text x="{coord(x(rank))}" y="{coord(axis_y - FONT)}" text-anchor="middle"'
        f' font-weight="bold">{numbers["rank"]}</text>',
        f'<text x="{coord(middle)}" y="{coord(axis_y + FONT * 1.7)}" text-anchor="middle">'
        f'{numbers["low"]}–{numbers["high"]}</text>',
    ]
    return _svg(dom_id, title, description, WIDTH, height, shapes)


def _value_text(
    value: float | None, max_value: float, unit: str, decimals: int, locale: str, no_data: str
) -> str:
    if value is None:
        return no_data
    text = " / ".join(format_number(v, decimals, locale) for v in (value, max_value))
    return f"{text} {unit}" if unit else text


def _svg(
    dom_id: str, title: str, desc: str, width: float, height: float, shapes: list[str]
) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {coord(width)} {coord(height)}"'
        f' id="{dom_id}" class="chart" role="img" aria-labelledby="{dom_id}-t {dom_id}-d"'
        f' font-family="system-ui,sans-serif" font-size="{FONT}" fill="{INK}">'
        f'<title id="{dom_id}-t">{escape(title)}</title><desc id="{dom_id}-d">{escape(desc)}</desc>'
        + "".join(shapes)
        + "</svg>"
    )
