"""Reading numbers the way Polish officials type them, and writing them back for display."""

import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MAX_INPUT_LENGTH = 40
MAX_INTEGER_DIGITS = 18

# Thousands groups are separated by exactly one space-like character; the decimal separator
# is one comma or one dot. Anything else (two separators, stray letters) is refused rather
# than guessed, because a misread budget figure is worse than asking the user again.
_SPACES = f" {NBSP}{NARROW_NBSP}"
_NUMBER = re.compile(
    rf"""
    (?P<sign>-)?
    (?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)
    (?:[.,](?P<frac>\d+))?
    """,
    re.VERBOSE | re.ASCII,
)
# In English a comma groups thousands (the way the English pages show numbers) and only a dot
# is a decimal point, so "1,250" is one thousand two hundred and fifty, never 1.25.
_ENGLISH_NUMBER = re.compile(
    rf"""
    (?P<sign>-)?
    (?P<int>\d{{1,3}}(?:[,{_SPACES}]\d{{3}})+|\d+)
    (?:\.(?P<frac>\d+))?
    """,
    re.VERBOSE | re.ASCII,
)
# Word and some phones turn a typed hyphen into a real minus sign.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})

_SEPARATORS = {"pl": (NBSP, ","), "en": (",", ".")}
# Python formats `1,234.5`; these tables turn that into each language's separators.
_FROM_ENGLISH = {language: str.maketrans({",": group, ".": point})
                 for language, (group, point) in _SEPARATORS.items()}


class NumberFormatError(ValueError):
    """The text is not a number in any format we accept."""


def parse_number(text: str, locale: str | None = "pl") -> Decimal:
    """Return the exact Decimal for `1 234 567,89`, `1234567.89` and the like.

    With an English locale, `1,234,567.89` is read too (commas group thousands there).
    Raises NumberFormatError for anything ambiguous or malformed (`12,34,5`, `1.234,5`).
    """
    cleaned = text.strip().translate(_MINUS_SIGNS)
    if not cleaned or len(cleaned) > MAX_INPUT_LENGTH:
        raise NumberFormatError(text)
    pattern = _ENGLISH_NUMBER if _language(locale) == "en" else _NUMBER
    match = pattern.fullmatch(cleaned)
    if match is None:
        raise NumberFormatError(text)
    digits = re.sub(f"[,{_SPACES}]", "", match["int"])
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberFormatError(text)
    literal = digits + (f".{match['frac']}" if match["frac"] else "")
    value = Decimal(literal)
    return -value if match["sign"] else value


def quantize(value: Decimal, places: int) -> Decimal:
    """Round half up (the rounding Polish accounting uses) to `places` decimal places."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(
    value: Decimal | int, locale: str | None = "pl", places: int | None = None
) -> str:
    """Format for display: `1 234 567,89` (NBSP groups) in Polish, `1,234,567.89` in English."""
    number = Decimal(value)
    if places is not None:
        number = quantize(number, places)
    if number == 0:
        number = abs(number)  # never show "-0,00"
    english = format(number, ",f")
    return english.translate(_FROM_ENGLISH.get(_language(locale), _FROM_ENGLISH["pl"]))


def _language(locale: str | None) -> str:
    return (locale or "pl").split("_")[0].split("-")[0].lower()
