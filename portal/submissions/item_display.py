"""The fixed parts of a section page's items, worked out once per questionnaire, section, locale.

Labels, help, units, choice lists and the fixed attributes of every input depend only on the
(immutable) questionnaire, the section and the locale, so a process computes them once and each
request adds the values, errors and locks. `item_html` writes the inputs from these parts
instead of calling WTForms widgets, which built every attribute of every input and radio option
anew on each request (half the page's time); WTForms still parses and validates what is posted.
Texts are escaped here, once (Markup), not on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.questionnaires.choice_types import MAX_RADIO_CHOICES
from portal.questionnaires.definition import Item, Questionnaire, Section
from portal.questionnaires.types import ITEM_TYPES
from portal.submissions.uploads import DEFAULT_EXTENSIONS

WIDGETS = {
    "yes_no": "radio", "single_choice": "radio", "multiple_choice": "checkboxes",
    "year_table": "year_table", "repeat": "repeat", "file": "file", "calculated": "calculated",
    "long_text": "textarea",
}
NUMERIC = {"integer", "decimal", "money", "percent"}
EVIDENCE_SUFFIX = "__evidence"

_CACHE: WeakKeyDictionary[Questionnaire, dict[tuple[str, str], tuple[ItemDisplay, ...]]] = (
    WeakKeyDictionary()
)


@dataclass(frozen=True)
class Option:
    """One radio button, checkbox, select option or year cell: its value, text and attributes."""

    value: str
    label: Markup
    id: str
    attrs: Markup  # type, id, name, value (and for cells the fixed input attributes)


@dataclass(frozen=True)
class ItemDisplay:
    """What draws an item the same way for every submission."""

    key: str
    widget: str
    label: Markup
    label_html: Markup  # the label with the "required" marker, for <label> and <legend>
    help: Markup
    unit: Markup
    input_attrs: Markup  # id, name and fixed attributes of the item's own input
    options: tuple[Option, ...] = ()  # choices, or the year table's cells
    evidence_label: Markup = Markup("")
    file_rules: Markup = Markup("")  # which files a file item takes
    # item_html keeps here the finished HTML of the item's plain states (see _plain_item).
    plain: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


def item_displays(questionnaire: Questionnaire, section: Section,
                  locale: str) -> tuple[ItemDisplay, ...]:
    """The section's ItemDisplays in item order; computed once per process."""
    sections = _CACHE.setdefault(questionnaire, {})
    key = (section.key, locale)
    if key not in sections:
        sections[key] = tuple(_display(item, locale) for item in section.items)
    return sections[key]


def attributes(**attrs: object) -> Markup:
    """` name="value"` pairs, escaped; True gives a bare attribute, None and False none at all."""
    return Markup("").join(
        Markup(" ") + name.replace("_", "-") if value is True
        else Markup(' {}="{}"').format(name.replace("_", "-"), value)
        for name, value in attrs.items() if value is not None and value is not False
    )


def _display(item: Item, locale: str) -> ItemDisplay:
    widget = WIDGETS.get(item.type, "input")
    if item.type == "single_choice" and len(item.choices) > MAX_RADIO_CHOICES:
        widget = "select"
    label = escape(item.label.get(locale))
    label_html = label
    if item.required:
        label_html += Markup(' <span class="badge-required" aria-hidden="true">*</span>'
                             '<span class="visually-hidden">({})</span>').format(_("wymagane"))
    return ItemDisplay(
        key=item.key, widget=widget, label=label, label_html=label_html,
        help=escape(item.help.get(locale)) if item.help else Markup(""),
        unit=escape(item.unit.get(locale)) if item.unit else Markup(""),
        input_attrs=_input_attrs(item, widget, locale),
        options=_options(item, widget, locale),
        evidence_label=escape(_("Dokument potwierdzający (wymagany)")
                              if item.evidence == "required"
                              else _("Dokument potwierdzający (opcjonalnie)")),
        file_rules=escape(_file_rules(item)) if widget == "file" else Markup(""),
    )


def _render_kw(item: Item, locale: str) -> dict:
    # The type's own field says what its input takes (maxlength, type=date, accept...).
    field = ITEM_TYPES[item.type].build_field(item, locale)
    return dict(field.kwargs.get("render_kw") or {}) if field is not None else {}


def _input_attrs(item: Item, widget: str, locale: str) -> Markup:
    if widget not in ("input", "textarea", "file", "select"):
        return Markup("")
    attrs: dict[str, object] = {"id": item.key, "name": item.key}
    if widget == "input":
        attrs["type"] = "text"
    attrs |= _render_kw(item, locale)
    if item.type in NUMERIC:
        attrs["class"] = "num"
        attrs["inputmode"] = "numeric" if item.type == "integer" else "decimal"
    attrs["aria_required"] = "true" if item.required else None
    return attributes(**attrs)


def _options(item: Item, widget: str, locale: str) -> tuple[Option, ...]:
    if widget == "year_table":
        return tuple(_cell(item, year, locale) for year in item.years)
    if widget not in ("radio", "checkboxes", "select"):
        return ()
    field = ITEM_TYPES[item.type].build_field(item, locale)
    kind = "checkbox" if widget == "checkboxes" else "radio"
    options = []
    for index, choice in enumerate(field.kwargs["choices"]):
        option_id = f"{item.key}-{index}"
        attrs = (attributes(value=choice.value) if widget == "select"
                 else attributes(id=option_id, name=item.key, type=kind, value=choice.value))
        options.append(Option(choice.value, escape(choice.label), option_id, attrs))
    return tuple(options)


def _cell(item: Item, year: int, locale: str) -> Option:
    name = f"{item.key}-y{year}"
    cell_kw = ITEM_TYPES[item.value_type].build_field(item, locale).kwargs.get("render_kw") or {}
    attrs = {"id": name, "name": name, "type": "text", **cell_kw, "class": "num",
             "inputmode": "decimal", "aria_required": "true" if item.required else None}
    return Option(f"y{year}", escape(str(year)), name, attributes(**attrs))


def _file_rules(item: Item) -> str:
    extensions = ", ".join(item.extensions or DEFAULT_EXTENSIONS)
    return _("Dozwolone pliki: %(ext)s; najwyżej %(mb)s MB.", ext=extensions,
             mb=item.max_size_mb or 20)
