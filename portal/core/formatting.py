"""Template filters that show numbers, money and dates the Polish way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_decimal, to_user_timezone


def number(value, places: int | None = None) -> str:
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if places is not None:
        return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")
    return format_decimal(value)


def money(value) -> str:
    if value is None or value == "":
        return "—"
    return format_decimal(Decimal(str(value)), format="#,##0.00") + " zł"


# Dates in the user's timezone (Europe/Warsaw) with strftime: Babel's pattern formatter gives
# the same digits for ~20 µs a call, and the review pages show dozens of dates.
def local_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return to_user_timezone(value).strftime("%d.%m.%Y %H:%M")


def local_date(value: date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return value.strftime("%d.%m.%Y")
