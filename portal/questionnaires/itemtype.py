"""The contract every question type implements, and helpers the type classes share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask_babel import get_locale
from wtforms import Field

from portal.questionnaires.definition import Bound, Item

Json = None | bool | int | str | list[Any] | dict[str, Any]


class InvalidAnswer(ValueError):
    """Form input that cannot become a value; `messages` are ready to show to the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


class ItemType:
    """One question type: reading form input, storing, validating, displaying, building fields.

    Values handed around are canonical Python values (int, Decimal, str, date, list, dict);
    `to_json` / `from_json` convert them to what the database stores (never a float).
    """

    name: ClassVar[str]
    # Definition keys this type accepts beyond the common ones (key, type, label, ...).
    extra_keys: ClassVar[frozenset[str]] = frozenset()
    required_keys: ClassVar[frozenset[str]] = frozenset()
    # False for types that may not be a column of a repeat.
    simple: ClassVar[bool] = True
    # False for `calculated`: no input, never stored.
    has_input: ClassVar[bool] = True
    # False for `file`: the view stores the upload and parses the storage's metadata itself.
    read_from_form: ClassVar[bool] = True

    def parse(self, raw: object, item: Item) -> Any:
        """Form data to a canonical value, None when left empty. Raises InvalidAnswer."""
        raise NotImplementedError

    def to_json(self, value: Any, item: Item) -> Json:
        return value

    def from_json(self, data: Json, item: Item) -> Any:
        """Stored JSON back to the canonical value. Raises ValueError for data we never store."""
        return self.parse(data, item)

    def is_empty(self, value: object) -> bool:
        """Not answered; unlike `not value`, 0 and "no" are answers."""
        return value is None or value == "" or value == [] or value == {}

    def check(self, value: Any, item: Item) -> list[str]:
        """Messages for a non-empty value breaking the item's hard limits (bounds, lengths...)."""
        return []

    def incomplete(self, value: Any, item: Item) -> list[str]:
        """Gaps in a partly filled value (a year left out, a required column of a row).

        Unlike `check`, these do not stop a draft from being saved; evaluation reports them.
        """
        return []

    def warnings(self, value: Any, item: Item) -> list[str]:
        """Advice for reviewers, e.g. a value outside the soft bounds."""
        return []

    def format(self, value: Any, item: Item, locale: str | None = "pl") -> str:
        """The value as shown on pages and in exports."""
        return "" if self.is_empty(value) else str(value)

    def expression_value(self, value: Any, item: Item) -> object:
        """The value as expressions see it (see expression_runtime.normalise)."""
        return None if self.is_empty(value) else value

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field | None:
        """An unbound WTForms field for this item (None: nothing to fill in)."""
        raise NotImplementedError

    def form_data(self, value: Any, item: Item, locale: str | None) -> object:
        """The stored value as the field's initial data."""
        return None if self.is_empty(value) else self.format(value, item, locale)

    def parse_bound(self, raw: object) -> Bound:
        """A `min`/`max`/`soft_*` value from the YAML. Raises ValueError."""
        raise ValueError(f"type {self.name} has no bounds")

    def definition_errors(self, item: Item) -> list[str]:
        """Type-specific problems in the definition (the loader adds line and key)."""
        return []

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        """Item fields to fill in when the YAML leaves them out."""
        return {}


def current_locale() -> str:
    """The request's locale for formatting numbers inside messages; Polish outside requests."""
    locale = get_locale()
    return str(locale) if locale is not None else "pl"


def as_text(raw: object, message: Callable[[], str]) -> str | None:
    """Form data as stripped text, None for blank; InvalidAnswer(message()) if not text at all.

    The message is asked for only then: translating it costs more than reading the text.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidAnswer(message())
    return raw.strip() or None
