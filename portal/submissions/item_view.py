"""One item of a section page as the page draws it: fixed parts, value, errors and locks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from portal.questionnaires.definition import Item
from portal.submissions.item_display import ItemDisplay, Option
from portal.submissions.saving import Conflict


@dataclass
class ItemView:
    """What item_html needs to draw one item: its fixed parts and this request's state."""

    item: Item
    display: ItemDisplay
    field: Any
    relevant: bool
    errors: list[str] = field(default_factory=list)
    prefilled: bool = False
    conflict: Conflict | None = None
    conflict_display: str = ""
    calculated_display: str = ""
    file_meta: dict | None = None
    evidence_meta: dict | None = None
    # Why this item cannot be changed (the whole page, or: not queried after a return).
    read_only_reason: str | None = None
    queries: list = field(default_factory=list)  # review queries sent to the gmina

    @property
    def widget(self) -> str:
        return self.display.widget

    @property
    def has_open_query(self) -> bool:
        return any(query.is_open for query in self.queries)

    @property
    def described_by(self) -> str:
        described = [f"help-{self.item.key}"] if self.item.help else []
        if self.errors:
            described.append(f"errors-{self.item.key}")
        return " ".join(described)

    @property
    def state_attrs(self) -> Markup:
        """The input attributes that change per request: description, invalid, disabled."""
        described = self.described_by
        return Markup("".join((
            f' aria-describedby="{escape(described)}"' if described else "",
            ' aria-invalid="true"' if self.errors else "",
            " disabled" if self.read_only_reason else "",
        )))

    @property
    def text_value(self) -> str:
        """The input's value: the stored value as shown, or what was posted."""
        return _text(self.field.data)

    def cell_value(self, cell: Option) -> str:
        return _text(self.field[cell.value].data)

    @property
    def options(self) -> list[tuple[Option, bool]]:
        """The choices with whether each is chosen (WTForms' own rule for its choice fields)."""
        data = self.field.data
        if self.widget == "checkboxes":
            return [(option, option.value in (data or ())) for option in self.display.options]
        return [(option, (option.value or None) == data) for option in self.display.options]


def _text(data: object) -> str:
    return "" if data is None else str(data)


class ShownValue:
    """A stored value as a form field holds it, for a page drawn without a WTForms form.

    A GET only shows values; building the section's WTForms form for that cost as much as
    evaluating the section. `data` follows WTForms' own processing of initial data, so the
    page is the same either way: choices coerced to strings (None when empty), year tables
    indexed by cell name (`view.field["y2018"].data`).
    """

    __slots__ = ("data",)

    def __init__(self, data: object) -> None:
        self.data = data

    def __getitem__(self, name: str) -> ShownValue:
        return ShownValue(self.data.get(name) if isinstance(self.data, dict) else None)


def shown_value(widget: str, data: object) -> ShownValue:
    """What a widget of this kind holds for the stored `data` (see ShownValue)."""
    if widget in ("radio", "select"):
        return ShownValue(None if data is None or data == "" else str(data))
    if widget == "checkboxes":
        return ShownValue([str(value) for value in data] if data is not None else None)
    return ShownValue(data)
