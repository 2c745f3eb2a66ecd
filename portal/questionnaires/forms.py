"""WTForms classes built from a questionnaire section, and reading answers back from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from flask_wtf import FlaskForm

from portal.questionnaires.definition import Questionnaire, Section
from portal.questionnaires.itemtype import InvalidAnswer
from portal.questionnaires.types import item_type

# Form classes are pure functions of their key, so they are built once. Keyed by the
# questionnaire object (immutable, compared by identity) so a reloaded file never gets
# stale classes; the inner dict is capped because row counts vary per submission.
_CACHE: WeakKeyDictionary[Questionnaire, dict[tuple[Any, ...], type[FlaskForm]]] = (
    WeakKeyDictionary()
)
_CACHE_LIMIT = 512


def build_section_form(
    section: Section,
    questionnaire: Questionnaire,
    locale: str | None,
    rows: Mapping[str, int] | None = None,
) -> type[FlaskForm]:
    """A FlaskForm class with one field per input item of `section` (field name = item key).

    `rows` gives the number of stored rows of each repeat item; its form shows one blank
    row more. Calculated items get no field (templates show their value read-only).
    """
    row_counts = tuple(
        (item.key, (rows or {}).get(item.key, 0)) for item in section.items if item.columns
    )
    key = (section.key, str(locale or "pl"), row_counts)
    classes = _CACHE.setdefault(questionnaire, {})
    if key not in classes:
        if len(classes) >= _CACHE_LIMIT:
            classes.clear()
        classes[key] = _build(section, locale, dict(row_counts))
    return classes[key]


def _build(section: Section, locale: str | None, rows: Mapping[str, int]) -> type[FlaskForm]:
    fields = {}
    for item in section.items:
        field = item_type(item).build_field(item, locale, rows=rows.get(item.key, 0))
        if field is not None:
            fields[item.key] = field
    return type(f"SectionForm_{section.key}", (FlaskForm,), fields)


def section_form_data(section: Section, values: Mapping[str, object], locale: str | None) -> dict:
    """Initial data for the form class: `form_class(data=section_form_data(...))`."""
    data = {}
    for item in section.items:
        kind = item_type(item)
        if kind.has_input:
            data[item.key] = kind.form_data(values.get(item.key), item, locale)
    return data


def read_section_form(
    form: FlaskForm, section: Section
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(values, errors) from a submitted section form.

    `values` holds the canonical value (None when left empty) of every item whose input
    parsed and passed the type's own checks; `errors` holds Polish messages for the others,
    to show next to each field. Cross-field rules and `required` are left to evaluation, so a
    half-filled draft can be saved. File items are skipped: the view stores the upload and
    gets its metadata from the upload storage.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in section.items:
        kind = item_type(item)
        if not kind.read_from_form or item.key not in form:
            continue
        try:
            value = kind.parse(form[item.key].data, item)
        except InvalidAnswer as error:
            errors[item.key] = error.messages
            continue
        problems = [] if kind.is_empty(value) else kind.check(value, item)
        if problems:
            errors[item.key] = problems
        else:
            values[item.key] = value
    return values, errors
