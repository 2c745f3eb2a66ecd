"""Number question types: integer, decimal, money and percent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

from flask_babel import gettext as _
from wtforms import Field, StringField

from portal.questionnaires.definition import Bound, Item
from portal.questionnaires.itemtype import InvalidAnswer, ItemType, Json, current_locale
from portal.questionnaires.numbers import (
    MAX_INPUT_LENGTH,
    MAX_INTEGER_DIGITS,
    NumberFormatError,
    format_number,
    parse_number,
    quantize,
)

_BOUND_KEYS = frozenset({"min", "max", "soft_min", "soft_max"})
# How to_json writes a non-negative number; read back without the locale-aware parser.
_STORED = re.compile(r"(\d+)(?:\.\d+)?", re.ASCII)


class NumberType(ItemType):
    """Shared behaviour; subclasses say how many places and what to tell a user who mistyped."""

    extra_keys = _BOUND_KEYS | {"places"}
    default_places: ClassVar[int] = 2
    # Units people like to type after the number; stripped before parsing.
    suffixes: ClassVar[re.Pattern[str] | None] = None

    def invalid_message(self) -> str:
        return _("Wpisz liczbę, np. 1 250,5.")

    def places_message(self, places: int) -> str:
        return _("Dopuszczalna liczba miejsc po przecinku: %(places)s.", places=places)

    def parse(self, raw: object, item: Item) -> Decimal | int | None:
        number = self._read(raw)
        if number is None:
            return None
        places = self._places(item)
        if _fraction_digits(number) > places:
            raise InvalidAnswer(self.places_message(places))
        return self.canonical(number, places)

    def from_json(self, data: Json, item: Item) -> Decimal | int | None:
        # Pages read ~100 stored numbers per request; parse() would look up the locale for each.
        if isinstance(data, str) and len(data) <= MAX_INPUT_LENGTH:
            match = _STORED.fullmatch(data)
            if match is not None and len(match[1].lstrip("0")) <= MAX_INTEGER_DIGITS:
                number, places = Decimal(data), self._places(item)
                if _fraction_digits(number) <= places:
                    return self.canonical(number, places)
        return self.parse(data, item)

    def _read(self, raw: object) -> Decimal | None:
        if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
            if not Decimal(raw).is_finite():
                raise InvalidAnswer(self.invalid_message())
            return Decimal(raw)
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise InvalidAnswer(self.invalid_message())  # floats included: never store one
        text = self.suffixes.sub("", raw) if self.suffixes else raw
        if not text.strip():
            return None
        try:
            return parse_number(text, current_locale())
        except NumberFormatError:
            raise InvalidAnswer(self.invalid_message()) from None

    def _places(self, item: Item) -> int:
        return self.default_places if item.places is None else item.places

    def canonical(self, number: Decimal, places: int) -> Decimal | int:
        return quantize(number, places)

    def to_json(self, value: Decimal | int | None, item: Item) -> Json:
        if value is None:
            return None
        return format(quantize(Decimal(value), self._places(item)), "f")

    def check(self, value: Decimal | int, item: Item) -> list[str]:
        low, high = _number(item.min), _number(item.max)
        if low is not None and value < low:
            return [self.below_min_message(item, format_number(low, current_locale()))]
        if high is not None and value > high:
            shown = format_number(high, current_locale())
            return [_("Wartość nie może być większa niż %(max)s.", max=shown)]
        return []

    def below_min_message(self, item: Item, shown: str) -> str:
        return _("Wartość nie może być mniejsza niż %(min)s.", min=shown)

    def warnings(self, value: Decimal | int, item: Item) -> list[str]:
        low, high = _number(item.soft_min), _number(item.soft_max)
        if low is not None and value < low:
            shown = format_number(low, current_locale())
            return [_("Wartość nietypowo niska (poniżej %(soft_min)s).", soft_min=shown)]
        if high is not None and value > high:
            shown = format_number(high, current_locale())
            return [_("Wartość nietypowo wysoka (powyżej %(soft_max)s).", soft_max=shown)]
        return []

    def format(self, value: Decimal | int | None, item: Item, locale: str | None = "pl") -> str:
        if value is None:
            return ""
        return format_number(value, locale, self._places(item))

    def expression_value(self, value: Decimal | int | None, item: Item) -> object:
        return None if value is None else Decimal(value)

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        return StringField(
            item.label.get(locale),
            description=item.help.get(locale) if item.help else "",
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )

    def parse_bound(self, raw: object) -> Bound:
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
            raise ValueError("must be a number")
        try:
            number = Decimal(raw) if not isinstance(raw, str) else parse_number(raw)
        except NumberFormatError:
            raise ValueError("must be a number") from None
        if not number.is_finite():
            raise ValueError("must be a finite number")
        return number

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {"places": self.default_places}


def _fraction_digits(number: Decimal) -> int:
    # Trailing zeros do not count: "12,50" is fine where one place is allowed.
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _number(bound: Bound | None) -> Decimal | None:
    return bound if isinstance(bound, Decimal) or bound is None else Decimal(bound)  # type: ignore[arg-type]


class IntegerType(NumberType):
    name = "integer"
    extra_keys = _BOUND_KEYS
    default_places = 0

    def invalid_message(self) -> str:
        return _("Wpisz liczbę całkowitą, np. 1 250.")

    def places_message(self, places: int) -> str:
        return self.invalid_message()

    def canonical(self, number: Decimal, places: int) -> Decimal | int:
        return int(number)

    def to_json(self, value: Decimal | int | None, item: Item) -> Json:
        return None if value is None else int(value)

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {}

    def _places(self, item: Item) -> int:
        return 0


class DecimalType(NumberType):
    name = "decimal"


class MoneyType(NumberType):
    name = "money"
    extra_keys = _BOUND_KEYS
    suffixes = re.compile(r"\s*(zł|zl|pln)\s*$", re.IGNORECASE)

    def invalid_message(self) -> str:
        return _("Wpisz kwotę w złotych, np. 1 234 567,89.")

    def places_message(self, places: int) -> str:
        return _("Kwota może mieć najwyżej 2 miejsca po przecinku (grosze).")

    def below_min_message(self, item: Item, shown: str) -> str:
        if item.min == 0:
            return _("Kwota nie może być ujemna.")
        return super().below_min_message(item, shown)

    def _places(self, item: Item) -> int:
        return 2

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {"min": Decimal(0), "places": 2}


class PercentType(NumberType):
    name = "percent"
    default_places = 1
    suffixes = re.compile(r"\s*%\s*$")

    def invalid_message(self) -> str:
        return _("Wpisz wartość procentową, np. 12,5.")

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {"min": Decimal(0), "max": Decimal(100), "places": self.default_places}


NUMBER_TYPES: dict[str, NumberType] = {
    cls.name: cls() for cls in (IntegerType, DecimalType, MoneyType, PercentType)
}
