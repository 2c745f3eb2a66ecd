"""Helpers shared by the SVG maps and charts: number formatting, element ids, colour contrast."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal

_DOM_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def format_number(value: float | int, decimals: int, locale: str) -> str:
    """A number the local way ("1 234,5" in Polish), rounded half-even like the portal's filter."""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(Decimal(str(value)), format=pattern, locale=locale)


def check_dom_id(dom_id: str) -> str:
    """Refuse ids that could break out of the attribute or the scoped CSS selectors."""
    if not _DOM_ID.match(dom_id):
        raise ValueError(f"not a usable element id: {dom_id!r}")
    return dom_id


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def outline_for(fill: str) -> str:
    """Black or white, whichever stands out more against `fill` (for focus outlines)."""
    return max(("#000000", "#ffffff"), key=lambda stroke: contrast_ratio(stroke, fill))


def coord(value: float) -> str:
    """A coordinate with at most one decimal and no trailing ".0": deterministic and short."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
