"""Checking single cells of an import file: header names, text, counts, decimals, dates, TERYT.

Shared by every reader. A checker returns the value, or None after adding to `problems` why the
cell is wrong (with its line and column; a blank optional cell is simply None), so that a file
reports all its bad cells at once instead of stopping at the first.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from flask_babel import gettext as _

from portal.municipalities.gus_files import Problems
from portal.police_data.spreadsheets import Value

_GMINA_KINDS = "123"


def header_name(cell: Value) -> str:
    """A header cell as a column name: trimmed, lower case, without the BOM of a CSV."""
    return str(cell).strip().lower().removeprefix("\ufeff") if cell is not None else ""


def is_blank(cell: Value) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text(cell: Value) -> str:
    if type(cell) is str:  # the common case first: every CSV cell
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def count(problems: Problems, line: int, column: str, cell: Value, *,
          required: bool = True) -> int | None:
    """A non-negative whole number, or None (after reporting why, unless blank and optional)."""
    if type(cell) is str and cell.isdigit() and cell.isascii():  # a plain CSV number: no checks
        return int(cell)
    if is_blank(cell):
        if required:
            problems.add(line, column, _("Brak wartości."))
        return None
    value: int | None = None
    if isinstance(cell, bool):
        value = None
    elif isinstance(cell, int):
        value = cell
    elif isinstance(cell, float) and cell.is_integer():
        value = int(cell)
    elif isinstance(cell, str):
        raw = cell.strip()
        digits = raw[1:] if raw.startswith("-") else raw
        if digits.isascii() and digits.isdigit():
            value = int(raw)
    if value is None:
        problems.add(line, column, _("„%(value)s” nie jest liczbą całkowitą.", value=text(cell)))
    elif value < 0:
        problems.add(line, column, _("Liczba nie może być ujemna (%(value)d).", value=value))
        return None
    return value


def decimal(problems: Problems, line: int, column: str, cell: Value, *, places: Decimal,
            maximum: Decimal | None = None) -> Decimal | None:
    """An optional non-negative decimal (dot or Polish comma), rounded to `places`."""
    if is_blank(cell):
        return None
    try:
        if isinstance(cell, bool) or not isinstance(cell, int | float | str):
            raise InvalidOperation
        value = Decimal(str(cell).strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.add(line, column, _("„%(value)s” nie jest liczbą.", value=text(cell)))
        return None
    if value < 0 or (maximum is not None and value > maximum):
        message = _("Wartość %(value)s jest poza zakresem 0–%(max)s.", value=text(cell),
                    max=maximum) if maximum is not None else _(
            "Liczba nie może być ujemna (%(value)s).", value=text(cell))
        problems.add(line, column, message)
        return None
    return value.quantize(places, rounding=ROUND_HALF_UP)


def iso_date(problems: Problems, line: int, column: str, cell: Value) -> date | None:
    if isinstance(cell, date):  # an XLSX date cell (datetime is a date too)
        return cell if type(cell) is date else cell.date()
    value = text(cell)
    parsed = _parse_date(value)
    if parsed is None:
        problems.add(line, column, _("Nieprawidłowa data „%(value)s” (oczekiwano RRRR-MM-DD).",
                                     value=value))
    return parsed


@lru_cache(maxsize=256)  # a file repeats the same few period dates on every row
def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def teryt7(problems: Problems, line: int, column: str, cell: Value) -> str | None:
    """A 7-digit gmina code (RODZ 1, 2 or 3); 6-digit codes are refused as ambiguous."""
    value = text(cell)
    if not (len(value) == 7 and value.isascii() and value.isdigit()):
        problems.add(line, column, _(
            "Nieprawidłowy kod TERYT „%(value)s”: oczekiwano 7 cyfr kodu gminy (np. 3021011). "
            "Arkusz mógł usunąć zero wiodące; zapisz kolumnę jako tekst.", value=value))
        return None
    if value[6] not in _GMINA_KINDS:
        problems.add(line, column, _(
            "Kod %(value)s nie jest kodem gminy (rodzaj %(kind)s); podaj kod całej gminy "
            "(ostatnia cyfra 1, 2 lub 3).", value=value, kind=value[6]))
        return None
    return value
