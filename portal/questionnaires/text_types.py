"""Text and date question types: short_text, long_text and date."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import ClassVar

from flask_babel import gettext as _
from wtforms import Field, StringField, TextAreaField

from portal.questionnaires.definition import Bound, Item
from portal.questionnaires.itemtype import InvalidAnswer, ItemType, Json, as_text, current_locale

# NUL cannot be stored in PostgreSQL text; other control characters are pasting accidents.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
MIN_YEAR, MAX_YEAR = 1900, 2100


def _enter_text() -> str:
    return _("Wpisz tekst.")


class TextType(ItemType):
    extra_keys = frozenset({"min", "max"})
    length_cap: ClassVar[int]
    multiline: ClassVar[bool]

    def parse(self, raw: object, item: Item) -> str | None:
        text = as_text(raw, _enter_text)
        if text is None:
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not self.multiline:
            text = " ".join(text.split())
        if _CONTROL.search(text):
            raise InvalidAnswer(_("Tekst zawiera niedozwolone znaki sterujące."))
        limit = self.max_length(item)
        if len(text) > limit:
            # Refused rather than cut: the user must see that their text did not fit.
            message = _(
                "Tekst jest za długi: %(length)s zn., dopuszczalne %(max)s zn.",
                length=len(text),
                max=limit,
            )
            raise InvalidAnswer(message)
        return text

    def max_length(self, item: Item) -> int:
        return min(int(item.max), self.length_cap) if item.max is not None else self.length_cap

    def check(self, value: str, item: Item) -> list[str]:
        if len(value) > self.max_length(item):
            limit = self.max_length(item)
            return [
                _(
                    "Tekst jest za długi: %(length)s zn., dopuszczalne %(max)s zn.",
                    length=len(value),
                    max=limit,
                )
            ]
        if item.min is not None and len(value) < int(item.min):  # type: ignore[arg-type]
            return [_("Tekst jest za krótki: wymagane co najmniej %(min)s zn.", min=item.min)]
        if item.pattern and not re.fullmatch(item.pattern, value):
            return [_("Tekst ma niepoprawny format.")]
        return []

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        field_class = TextAreaField if self.multiline else StringField
        return field_class(
            item.label.get(locale),
            description=item.help.get(locale) if item.help else "",
            render_kw={"maxlength": self.max_length(item)},
        )

    def form_data(self, value: str | None, item: Item, locale: str | None) -> object:
        return value

    def parse_bound(self, raw: object) -> Bound:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError("must be a whole number of characters")
        return raw

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {"max": self.length_cap}

    def definition_errors(self, item: Item) -> list[str]:
        if item.max is not None and int(item.max) > self.length_cap:  # type: ignore[arg-type]
            return [f"max may not exceed {self.length_cap} characters for {self.name}"]
        return []


class ShortTextType(TextType):
    name = "short_text"
    extra_keys = frozenset({"min", "max", "pattern"})
    length_cap = 500
    multiline = False

    def definition_errors(self, item: Item) -> list[str]:
        errors = super().definition_errors(item)
        if item.pattern is not None:
            try:
                re.compile(item.pattern)
            except re.error as error:
                errors.append(f"pattern is not a valid regular expression: {error}")
        return errors


class LongTextType(TextType):
    name = "long_text"
    length_cap = 10_000
    multiline = True


class DateType(ItemType):
    name = "date"
    extra_keys = frozenset({"min", "max"})

    def parse(self, raw: object, item: Item) -> date | None:
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw
        text = as_text(raw, self.invalid_message)
        return None if text is None else self._read(text)

    def _read(self, text: str) -> date:
        if len(text) == 10 and text[4] == text[7] == "-":
            # Stored answers are YYYY-MM-DD: read them without strptime (~10 µs a call).
            try:
                parsed = date.fromisoformat(text)
            except ValueError:
                pass
            else:
                if MIN_YEAR <= parsed.year <= MAX_YEAR:
                    return parsed
        for pattern in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if MIN_YEAR <= parsed.year <= MAX_YEAR:
                return parsed
        raise InvalidAnswer(self.invalid_message())

    def invalid_message(self) -> str:
        return _("Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31.")

    def to_json(self, value: date | None, item: Item) -> Json:
        return None if value is None else value.isoformat()

    def check(self, value: date, item: Item) -> list[str]:
        if isinstance(item.min, date) and value < item.min:
            return [
                _(
                    "Data nie może być wcześniejsza niż %(min)s.",
                    min=self.format(item.min, item, current_locale()),
                )
            ]
        if isinstance(item.max, date) and value > item.max:
            return [
                _(
                    "Data nie może być późniejsza niż %(max)s.",
                    max=self.format(item.max, item, current_locale()),
                )
            ]
        return []

    def format(self, value: date | None, item: Item, locale: str | None = "pl") -> str:
        if value is None:
            return ""
        english = locale and str(locale).lower().startswith("en")
        return value.isoformat() if english else value.strftime("%d.%m.%Y")

    def expression_value(self, value: date | None, item: Item) -> object:
        return None if value is None else value.isoformat()

    def form_data(self, value: date | None, item: Item, locale: str | None) -> object:
        return None if value is None else value.isoformat()  # what <input type=date> expects

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        return StringField(
            item.label.get(locale),
            description=item.help.get(locale) if item.help else "",
            render_kw={"type": "date"},
        )

    def parse_bound(self, raw: object) -> Bound:
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw
        if isinstance(raw, str):
            return date.fromisoformat(raw)
        raise ValueError("must be a date YYYY-MM-DD")
