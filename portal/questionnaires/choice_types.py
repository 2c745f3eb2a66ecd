"""Choice question types: yes_no, single_choice and multiple_choice."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectChoice, SelectField, SelectMultipleField, widgets

from portal.questionnaires.definition import Item
from portal.questionnaires.itemtype import InvalidAnswer, ItemType, Json

# Above this many choices a dropdown reads better than a column of radio buttons.
MAX_RADIO_CHOICES = 8

_YES_NO_LABELS = {"pl": ("Tak", "Nie"), "en": ("Yes", "No")}


def _optional_str(value: object) -> str | None:
    # WTForms coerces a missing selection with str(), which would turn None into "None".
    return None if value is None or value == "" else str(value)


def _language(locale: str | None) -> str:
    return "en" if locale and str(locale).lower().startswith("en") else "pl"


def _choices(item: Item, locale: str | None) -> list[SelectChoice]:
    return [SelectChoice(choice.value, choice.label.get(locale)) for choice in item.choices]


def _description(item: Item, locale: str | None) -> str:
    return item.help.get(locale) if item.help else ""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; our own parse validates, so WTForms' choice check is off."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class YesNoType(ItemType):
    name = "yes_no"

    def parse(self, raw: object, item: Item) -> str | None:
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw is None or raw == "":
            return None
        if raw in ("yes", "no"):
            return raw  # type: ignore[return-value]
        raise InvalidAnswer(_("Wybierz „Tak” albo „Nie”."))

    def format(self, value: str | None, item: Item, locale: str | None = "pl") -> str:
        if value is None:
            return ""
        yes, no = _YES_NO_LABELS[_language(locale)]
        return yes if value == "yes" else no

    def form_data(self, value: str | None, item: Item, locale: str | None) -> object:
        return value

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        yes, no = _YES_NO_LABELS[_language(locale)]
        return RadioField(
            item.label.get(locale),
            description=_description(item, locale),
            choices=[SelectChoice("yes", yes), SelectChoice("no", no)],
            coerce=_optional_str,
            validate_choice=False,
        )


class SingleChoiceType(ItemType):
    name = "single_choice"
    extra_keys = frozenset({"choices"})
    required_keys = frozenset({"choices"})
    min_choices = 2

    def parse(self, raw: object, item: Item) -> str | None:
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw is None or raw == "":
            return None
        value = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
        if value not in item.choice_labels:
            raise InvalidAnswer(_("Wybierz jedną z podanych odpowiedzi."))
        return value  # type: ignore[return-value]

    def format(self, value: str | None, item: Item, locale: str | None = "pl") -> str:
        if value is None:
            return ""
        label = item.choice_labels.get(value)
        return label.get(locale) if label else value

    def form_data(self, value: object, item: Item, locale: str | None) -> object:
        return value

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        choices = _choices(item, locale)
        field_class: type[SelectField] = RadioField
        if len(choices) > MAX_RADIO_CHOICES:
            field_class, choices = SelectField, [SelectChoice("", "—"), *choices]
        return field_class(
            item.label.get(locale),
            description=_description(item, locale),
            choices=choices,
            coerce=_optional_str,
            validate_choice=False,
        )

    def definition_errors(self, item: Item) -> list[str]:
        values = [choice.value for choice in item.choices]
        errors = [
            f"duplicate choice value {v!r}" for v in sorted(set(values)) if values.count(v) > 1
        ]
        if 0 < len(values) < self.min_choices:  # no choices at all: reported as missing
            errors.append(f"needs at least {self.min_choices} choices")
        return errors


class MultipleChoiceType(SingleChoiceType):
    name = "multiple_choice"
    extra_keys = frozenset({"choices", "min_selected", "max_selected"})
    min_choices = 1

    def parse(self, raw: object, item: Item) -> list[str] | None:
        if raw is None or raw == "" or raw == []:
            return None
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, list | tuple) or not set(chosen) <= set(item.choice_labels):
            raise InvalidAnswer(_("Wybierz odpowiedzi spośród podanych."))
        # Definition order, so equal answers are stored identically whatever the click order.
        return [choice.value for choice in item.choices if choice.value in chosen]

    def to_json(self, value: list[str] | None, item: Item) -> Json:
        return None if value is None else list(value)

    def check(self, value: list[str], item: Item) -> list[str]:
        if item.min_selected is not None and len(value) < item.min_selected:
            count = item.min_selected
            return [_("Minimalna liczba zaznaczonych odpowiedzi: %(count)s.", count=count)]
        if item.max_selected is not None and len(value) > item.max_selected:
            count = item.max_selected
            return [_("Maksymalna liczba zaznaczonych odpowiedzi: %(count)s.", count=count)]
        return []

    def format(self, value: list[str] | None, item: Item, locale: str | None = "pl") -> str:
        if not value:
            return ""
        return "; ".join(SingleChoiceType.format(self, v, item, locale) for v in value)

    def expression_value(self, value: list[str] | None, item: Item) -> object:
        return tuple(value) if value else None

    def form_data(self, value: list[str] | None, item: Item, locale: str | None) -> object:
        return list(value or [])

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        return MultiCheckboxField(
            item.label.get(locale),
            description=_description(item, locale),
            choices=_choices(item, locale),
            coerce=str,
            validate_choice=False,
        )

    def definition_errors(self, item: Item) -> list[str]:
        errors = super().definition_errors(item)
        low, high = item.min_selected, item.max_selected
        if low is not None and high is not None and low > high:
            errors.append("min_selected is greater than max_selected")
        if high is not None and high > len(item.choices):
            errors.append("max_selected is greater than the number of choices")
        return errors
