"""Compound question types: year_table, repeat, and calculated (no input, computed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from wtforms import Field, FieldList, Form, FormField

from portal.questionnaires.definition import Bound, Item, LocalizedText
from portal.questionnaires.itemtype import InvalidAnswer, ItemType, Json, current_locale
from portal.questionnaires.numbers import quantize
from portal.questionnaires.numeric_types import NUMBER_TYPES, NumberType

DEFAULT_YEARS = 3
MAX_YEARS = 10
MAX_ROWS_LIMIT = 500


def _cell_type(item: Item) -> NumberType:
    return NUMBER_TYPES[item.value_type or "integer"]


class YearTableType(ItemType):
    """One number per year Y-n+1..Y; the item's own min/max/places apply to every cell."""

    name = "year_table"
    extra_keys = frozenset({"years", "value_type", "min", "max", "soft_min", "soft_max", "places"})
    simple = False

    def parse(self, raw: object, item: Item) -> dict[str, Any] | None:
        if raw is None or raw == {}:
            return None
        if not isinstance(raw, Mapping):
            raise InvalidAnswer(_("Nieprawidłowe dane tabeli."))
        cells = {str(key).removeprefix("y"): value for key, value in raw.items()}
        values, errors = {}, []
        for year in item.years:
            try:
                values[str(year)] = _cell_type(item).parse(cells.get(str(year)), item)
            except InvalidAnswer as error:
                errors.append(_("Rok %(year)s: %(message)s", year=year, message=error))
        if errors:
            raise InvalidAnswer(*errors)
        return None if self.is_empty(values) else values

    def is_empty(self, value: object) -> bool:
        return not value or all(cell is None for cell in value.values())  # type: ignore[union-attr]

    def to_json(self, value: Mapping[str, Any] | None, item: Item) -> Json:
        if value is None:
            return None
        return {year: _cell_type(item).to_json(cell, item) for year, cell in value.items()}

    def check(self, value: Mapping[str, Any], item: Item) -> list[str]:
        errors = [
            _("Rok %(year)s: %(message)s", year=year, message=message)
            for year, cell in value.items()
            if cell is not None
            for message in _cell_type(item).check(cell, item)
        ]
        return errors

    def incomplete(self, value: Mapping[str, Any], item: Item) -> list[str]:
        if item.required and any(cell is None for cell in value.values()):
            return [_("Uzupełnij wartości dla wszystkich lat.")]
        return []

    def warnings(self, value: Mapping[str, Any], item: Item) -> list[str]:
        return [
            _("Rok %(year)s: %(message)s", year=year, message=message)
            for year, cell in value.items()
            if cell is not None
            for message in _cell_type(item).warnings(cell, item)
        ]

    def format(self, value: Mapping[str, Any] | None, item: Item, locale: str | None = "pl") -> str:
        if not value:
            return ""
        cell_type = _cell_type(item)
        return "; ".join(
            f"{year}: {cell_type.format(cell, item, locale) or '—'}" for year, cell in value.items()
        )

    def expression_value(self, value: Mapping[str, Any] | None, item: Item) -> object:
        if self.is_empty(value):
            return None
        return {year: None if cell is None else Decimal(cell) for year, cell in value.items()}  # type: ignore[union-attr]

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        cell_type = _cell_type(item)
        fields = {
            f"y{year}": cell_type.build_field(
                dataclasses.replace(item, label=LocalizedText(str(year)), help=None), locale
            )
            for year in item.years
        }
        subform = type(f"YearTable_{item.key}", (Form,), fields)
        description = item.help.get(locale) if item.help else ""
        return FormField(subform, item.label.get(locale), description=description)

    def form_data(self, value: Mapping[str, Any] | None, item: Item, locale: str | None) -> object:
        cell_type = _cell_type(item)
        cells = value or {}
        return {
            f"y{year}": cell_type.form_data(cells.get(str(year)), item, locale)
            for year in item.years
        }

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        value_type = item_fields.get("value_type") or "integer"
        if value_type not in NUMBER_TYPES:
            return {"value_type": value_type}  # reported by definition_errors
        return {"value_type": value_type, **NUMBER_TYPES[value_type].defaults(item_fields)}

    def definition_errors(self, item: Item) -> list[str]:
        if item.value_type not in NUMBER_TYPES:
            return [f"value_type must be one of: {', '.join(NUMBER_TYPES)}"]
        return []


class RepeatType(ItemType):
    """A table with any number of rows; each column is an item of a simple type."""

    name = "repeat"
    extra_keys = frozenset({"columns", "min_rows", "max_rows"})
    required_keys = frozenset({"columns"})
    simple = False

    def __init__(self, column_types: Mapping[str, ItemType]) -> None:
        self.column_types = column_types

    def parse(self, raw: object, item: Item) -> list[dict[str, Any]] | None:
        if raw is None or raw == []:
            return None
        if not isinstance(raw, list | tuple) or not all(isinstance(r, Mapping) for r in raw):
            raise InvalidAnswer(_("Nieprawidłowe dane tabeli."))
        rows, errors = [], []
        for number, raw_row in enumerate(raw, start=1):
            row = self._parse_row(number, raw_row, item, errors)
            if any(cell is not None for cell in row.values()):
                rows.append(row)  # blank rows (the spare one in the form) are dropped
        if len(rows) > item.max_rows:
            errors.append(_("Maksymalna liczba wierszy: %(max)s.", max=item.max_rows))
        if errors:
            raise InvalidAnswer(*errors)
        return rows or None

    def _parse_row(
        self, number: int, raw_row: Mapping[str, Any], item: Item, errors: list[str]
    ) -> dict[str, Any]:
        row = {}
        for column in item.columns:
            try:
                row[column.key] = self.column_types[column.type].parse(
                    raw_row.get(column.key), column
                )
            except InvalidAnswer as error:
                row[column.key] = None
                errors.append(_row_message(number, column, str(error)))
        return row

    def check(self, value: list[dict[str, Any]], item: Item) -> list[str]:
        errors = []
        if len(value) > item.max_rows:
            errors.append(_("Maksymalna liczba wierszy: %(max)s.", max=item.max_rows))
        for number, row in enumerate(value, start=1):
            for column in item.columns:
                cell, column_type = row.get(column.key), self.column_types[column.type]
                if not column_type.is_empty(cell):
                    messages = column_type.check(cell, column)
                    errors.extend(_row_message(number, column, m) for m in messages)
        return errors

    def incomplete(self, value: list[dict[str, Any]], item: Item) -> list[str]:
        required = _("To pole jest wymagane.")
        too_few = len(value) < item.min_rows
        return [_("Minimalna liczba wierszy: %(min)s.", min=item.min_rows)] * too_few + [
            _row_message(number, column, required)
            for number, row in enumerate(value, start=1)
            for column in item.columns
            if column.required and self.column_types[column.type].is_empty(row.get(column.key))
        ]

    def to_json(self, value: list[dict[str, Any]] | None, item: Item) -> Json:
        if value is None:
            return None
        return [self._map_row(row, item, lambda t, v, c: t.to_json(v, c)) for row in value]

    def _map_row(self, row: Mapping[str, Any], item: Item, convert: Any) -> dict[str, Any]:
        return {
            column.key: convert(self.column_types[column.type], row.get(column.key), column)
            for column in item.columns
        }

    def format(
        self, value: list[dict[str, Any]] | None, item: Item, locale: str | None = "pl"
    ) -> str:
        if not value:
            return ""
        return "; ".join(
            ", ".join(
                self.column_types[c.type].format(row.get(c.key), c, locale) for c in item.columns
            )
            for row in value
        )

    def expression_value(self, value: list[dict[str, Any]] | None, item: Item) -> object:
        if not value:
            return None
        return tuple(
            self._map_row(row, item, lambda t, v, c: t.expression_value(v, c)) for row in value
        )

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        fields = {
            column.key: self.column_types[column.type].build_field(column, locale)
            for column in item.columns
        }
        row_form = type(f"Row_{item.key}", (Form,), fields)
        # One blank row after the stored ones, so a row can be added without JavaScript.
        entries = min(max(rows + 1, item.min_rows, 1), item.max_rows)
        return FieldList(
            FormField(row_form),
            item.label.get(locale),
            min_entries=entries,
            max_entries=item.max_rows,
        )

    def form_data(
        self, value: list[dict[str, Any]] | None, item: Item, locale: str | None
    ) -> object:
        return [
            self._map_row(row, item, lambda t, v, c: t.form_data(v, c, locale))
            for row in value or []
        ]

    def definition_errors(self, item: Item) -> list[str]:
        errors = []
        if not item.columns:
            errors.append("repeat needs at least one column")
        keys = [column.key for column in item.columns]
        errors += [f"duplicate column key {k!r}" for k in sorted(set(keys)) if keys.count(k) > 1]
        if not 0 <= item.min_rows <= item.max_rows <= MAX_ROWS_LIMIT:
            errors.append(f"need 0 <= min_rows <= max_rows <= {MAX_ROWS_LIMIT}")
        return errors


def _row_message(number: int, column: Item, message: str) -> str:
    return _(
        "Wiersz %(row)s, „%(column)s”: %(message)s",
        row=number,
        column=column.label.get(current_locale()),
        message=message,
    )


class CalculatedType(ItemType):
    """Computed from `calculation`; never typed in and never stored."""

    name = "calculated"
    extra_keys = frozenset(
        {"calculation", "value_type", "places", "min", "max", "soft_min", "soft_max"}
    )
    required_keys = frozenset({"calculation"})
    simple = False
    has_input = False

    def parse(self, raw: object, item: Item) -> Decimal | int | None:
        """An expression result to a value of `value_type`, rounded half up to its places."""
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, Decimal | int):
            raise InvalidAnswer(_("Nie można obliczyć wartości."))
        cell_type = _cell_type(item)
        places = 0 if cell_type.name == "integer" else (item.places or 0)
        return cell_type.canonical(quantize(Decimal(raw), places), places)

    def to_json(self, value: Any, item: Item) -> Json:
        return _cell_type(item).to_json(value, item)

    def check(self, value: Any, item: Item) -> list[str]:
        return _cell_type(item).check(value, item)

    def warnings(self, value: Any, item: Item) -> list[str]:
        return _cell_type(item).warnings(value, item)

    def format(self, value: Any, item: Item, locale: str | None = "pl") -> str:
        return _cell_type(item).format(value, item, locale)

    def expression_value(self, value: Any, item: Item) -> object:
        return None if value is None else Decimal(value)

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field | None:
        return None

    def form_data(self, value: Any, item: Item, locale: str | None) -> object:
        return None

    def parse_bound(self, raw: object) -> Bound:
        return NUMBER_TYPES["decimal"].parse_bound(raw)

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        value_type = item_fields.get("value_type") or "decimal"
        if value_type not in NUMBER_TYPES:
            return {"value_type": value_type}  # reported by definition_errors
        return {"value_type": value_type, "places": NUMBER_TYPES[value_type].default_places}

    def definition_errors(self, item: Item) -> list[str]:
        if item.value_type not in NUMBER_TYPES:
            return [f"value_type must be one of: {', '.join(NUMBER_TYPES)}"]
        return []
