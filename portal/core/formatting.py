"""Template filters that show numbers, money and dates the Polish way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_date, format_datetime, format_decimal


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


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "dd.MM.yyyy HH:mm")


def local_date(value: date | None) -> str:
    if value is None:
        return "—"
    return format_date(value, "dd.MM.yyyy")
