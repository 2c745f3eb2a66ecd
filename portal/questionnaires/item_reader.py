"""Turning one YAML item mapping into an Item, collecting every problem on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from portal.questionnaires.definition import Choice, Item, LocalizedText
from portal.questionnaires.expressions import ExpressionError, parse_expression
from portal.questionnaires.table_types import DEFAULT_YEARS, MAX_YEARS
from portal.questionnaires.types import ITEM_TYPES, ItemType
from portal.questionnaires.yaml_source import YamlMap

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
MAX_KEY_LENGTH = 64
MAX_PLACES = 6
COMMON_KEYS = frozenset(
    {
        "key",
        "type",
        "label",
        "help",
        "unit",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
        "evidence",
    }
)
# Columns are filled per row; row-level relevance and rules are not part of the format.
NOT_IN_COLUMNS = frozenset({"relevant", "constraint", "constraint_message", "evidence"})
EVIDENCE = ("none", "optional", "required")


class Invalid(ValueError):
    """One problem with one definition value; the caller adds line and key."""


@dataclass
class Problems:
    """Collected (line, key, message) triples; the loader turns them into DefinitionErrors."""

    entries: list[tuple[int | None, str | None, str]] = field(default_factory=list)

    def add(self, line: int | None, key: str | None, message: str) -> None:
        self.entries.append((line, key, message))


def read_text(raw: object) -> LocalizedText:
    """`"tekst"` or `{pl: "tekst", en: "text"}`."""
    if isinstance(raw, str) and raw.strip():
        return LocalizedText(raw)
    if isinstance(raw, dict):
        unknown = set(raw) - {"pl", "en"}
        if unknown:
            raise Invalid(f"unknown language(s) {sorted(map(str, unknown))}, use pl and en")
        pl, en = raw.get("pl"), raw.get("en")
        if not isinstance(pl, str) or not pl.strip():
            raise Invalid("a Polish text (pl) is required")
        if en is not None and (not isinstance(en, str) or not en.strip()):
            raise Invalid("en must be a non-empty text")
        return LocalizedText(pl, en)
    raise Invalid("must be a text or a {pl: ..., en: ...} mapping")


def read_key(raw: object) -> str:
    if not isinstance(raw, str) or not KEY_PATTERN.fullmatch(raw):
        raise Invalid(f"key {raw!r} must match [a-z][a-z0-9_]*")
    if len(raw) > MAX_KEY_LENGTH:
        raise Invalid(f"key is longer than {MAX_KEY_LENGTH} characters")
    return raw


def _bool(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise Invalid("must be true or false")
    return raw


def _count(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise Invalid("must be a whole number >= 0")
    return raw


def _places(raw: object) -> int:
    places = _count(raw)
    if places > MAX_PLACES:
        raise Invalid(f"must be at most {MAX_PLACES}")
    return places


def _expression(raw: object) -> Any:
    if not isinstance(raw, str):
        raise Invalid("must be an expression in quotes")
    try:
        return parse_expression(raw)
    except ExpressionError as error:
        raise Invalid(f"{error}: {raw}") from None


def _evidence(raw: object) -> str:
    if raw not in EVIDENCE:
        raise Invalid(f"must be one of: {', '.join(EVIDENCE)}")
    return raw  # type: ignore[return-value]


def _string(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        raise Invalid("must be a non-empty text")
    return raw


def _choices(raw: object) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        raise Invalid("must be a list of {value: ..., label: ...}")
    choices = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) != {"value", "label"}:
            raise Invalid(f"choice {number} must have exactly value and label")
        value = entry["value"]
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            raise Invalid(f"choice {number}: value must be a text or a whole number")
        try:
            choices.append(Choice(str(value), read_text(entry["label"])))
        except Invalid as error:
            raise Invalid(f"choice {number}: label {error}") from None
    return tuple(choices)


def _extensions(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(e, str) for e in raw):
        raise Invalid("must be a list of file extensions, e.g. [pdf, jpg]")
    return tuple(extension.lower().lstrip(".") for extension in raw)


def _positive_number(raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal) or not raw > 0:
        raise Invalid("must be a number greater than 0")
    return Decimal(raw)


def _value_type(raw: object) -> str:
    return _string(raw)  # the type's definition_errors checks the allowed names


READERS: dict[str, Callable[[object], object]] = {
    "label": read_text,
    "help": read_text,
    "unit": read_text,
    "constraint_message": read_text,
    "required": _bool,
    "relevant": _expression,
    "constraint": _expression,
    "calculation": _expression,
    "evidence": _evidence,
    "choices": _choices,
    "min_selected": _count,
    "max_selected": _count,
    "min_rows": _count,
    "max_rows": _count,
    "places": _places,
    "pattern": _string,
    "value_type": _value_type,
    "extensions": _extensions,
    "max_size_mb": _positive_number,
}
BOUND_KEYS = ("min", "max", "soft_min", "soft_max")


@dataclass
class ItemReader:
    """Reads items of one questionnaire; `reference_year` fixes the years of year tables."""

    problems: Problems
    reference_year: int
    top_level_keys: list[tuple[str, int]] = field(default_factory=list)

    def read(self, raw: object, line: int, label: str, parent: str | None = None) -> Item | None:
        """An Item, or None when the item is too broken to build (problems are recorded)."""
        if not isinstance(raw, YamlMap):
            self.problems.add(line, label, "an item must be a mapping with key, type and label")
            return None
        key = self._key(raw, label)
        shown = f"{parent}.{key}" if parent else key
        if parent is None and key != label:
            self.top_level_keys.append((key, raw.line))
        item_type = self._type(raw, shown, parent)
        if item_type is None:
            return None
        self._check_keys(raw, shown, item_type, parent)
        fields: dict[str, Any] = {"key": key, "type": item_type.name, "line": raw.line}
        fields["lines"] = {str(name): line for name, line in raw.key_lines.items()}
        for name in sorted(set(raw) & (COMMON_KEYS | item_type.extra_keys) - {"key", "type"}):
            self._read_field(raw, name, shown, fields)
        fields.setdefault("label", LocalizedText(key))  # missing label already reported
        if "years" in item_type.extra_keys and "years" not in fields:
            fields["years"] = self._years(DEFAULT_YEARS)
        for name, value in item_type.defaults(fields).items():
            fields.setdefault(name, value)
        self._read_bounds(raw, shown, item_type, fields)
        item = Item(**fields)
        for message in item_type.definition_errors(item) + _rule_errors(item):
            self.problems.add(raw.line, shown, message)
        return item

    def _key(self, raw: YamlMap, label: str) -> str:
        try:
            return read_key(raw.get("key"))
        except Invalid as error:
            self.problems.add(raw.line_of("key"), label, str(error))
            return label

    def _type(self, raw: YamlMap, shown: str, parent: str | None) -> ItemType | None:
        name = raw.get("type")
        item_type = ITEM_TYPES.get(name) if isinstance(name, str) else None
        if item_type is None:
            known = ", ".join(ITEM_TYPES)
            self.problems.add(
                raw.line_of("type"), shown, f"unknown type {name!r}; use one of: {known}"
            )
        elif parent is not None and not item_type.simple:
            self.problems.add(raw.line_of("type"), shown, f"type {name} cannot be a column")
            return None
        return item_type

    def _check_keys(
        self, raw: YamlMap, shown: str, item_type: ItemType, parent: str | None
    ) -> None:
        allowed = COMMON_KEYS | item_type.extra_keys
        if parent is not None:
            allowed -= NOT_IN_COLUMNS
        for name in raw:
            if name not in allowed:
                where = (
                    "a column" if parent and name in NOT_IN_COLUMNS else f"type {item_type.name}"
                )
                self.problems.add(
                    raw.line_of(name), shown, f"key {name!r} is not allowed for {where}"
                )
        for name in sorted({"label"} | item_type.required_keys):
            if name not in raw:
                self.problems.add(raw.line, shown, f"missing required key {name!r}")

    def _read_field(self, raw: YamlMap, name: str, shown: str, fields: dict[str, Any]) -> None:
        try:
            if name in READERS:
                fields[name] = READERS[name](raw[name])
            elif name == "years":
                fields["years"] = self._years(raw[name])
            elif name == "columns":
                fields["columns"] = self._columns(raw[name], raw.line_of(name), shown)
        except Invalid as error:
            self.problems.add(raw.line_of(name), shown, f"{name}: {error}")

    def _years(self, raw: object) -> tuple[int, ...]:
        count = _count(raw)
        if not 1 <= count <= MAX_YEARS:
            raise Invalid(f"must be between 1 and {MAX_YEARS}")
        return tuple(range(self.reference_year - count + 1, self.reference_year + 1))

    def _columns(self, raw: object, line: int, shown: str) -> tuple[Item, ...]:
        if not isinstance(raw, list) or not raw:
            raise Invalid("must be a non-empty list of items")
        columns = (
            self.read(entry, line, f"{shown}[{number}]", parent=shown)
            for number, entry in enumerate(raw, start=1)
        )
        return tuple(column for column in columns if column is not None)

    def _read_bounds(
        self, raw: YamlMap, shown: str, item_type: ItemType, fields: dict[str, Any]
    ) -> None:
        value_type = fields.get("value_type")
        bound_type = ITEM_TYPES.get(value_type, item_type) if value_type else item_type
        for name in BOUND_KEYS:
            if name in raw and name in item_type.extra_keys:
                try:
                    fields[name] = bound_type.parse_bound(raw[name])
                except ValueError as error:
                    self.problems.add(raw.line_of(name), shown, f"{name}: {error}")


def _rule_errors(item: Item) -> list[str]:
    errors = []
    for low, high in (("min", "max"), ("soft_min", "soft_max")):
        if _greater(getattr(item, low), getattr(item, high)):
            errors.append(f"{low} is greater than {high}")
    if item.constraint is not None and item.constraint_message is None:
        errors.append("a constraint needs a constraint_message telling the user what is wrong")
    if item.constraint_message is not None and item.constraint is None:
        errors.append("constraint_message without a constraint")
    for name in ("relevant", "calculation"):
        if getattr(item, name) is not None and getattr(item, name).uses_current:
            errors.append(f"{name} cannot use '.', the item's own value")
    return errors


def _greater(low: object, high: object) -> bool:
    comparable = (isinstance(low, date) and isinstance(high, date)) or (
        isinstance(low, int | Decimal) and isinstance(high, int | Decimal)
    )
    return comparable and low > high  # type: ignore[operator]
