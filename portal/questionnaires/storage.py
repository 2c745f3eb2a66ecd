"""Converting a submission's answers between stored JSON and canonical values, item by item."""

from collections.abc import Mapping
from typing import Any

from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.itemtype import Json
from portal.questionnaires.types import item_type


def answers_to_json(questionnaire: Questionnaire, values: Mapping[str, Any]) -> dict[str, Json]:
    """JSON-storable answers (money as "1234.50", dates as "YYYY-MM-DD", never a float).

    Empty answers and calculated items are left out: neither is stored.
    """
    stored: dict[str, Json] = {}
    for key, value in values.items():
        item = questionnaire.item(key)
        kind = item_type(item)
        if kind.has_input and not kind.is_empty(value):
            stored[key] = kind.to_json(value, item)
    return stored


def answers_from_json(
    questionnaire: Questionnaire, stored: Mapping[str, Json]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, problems): canonical values for `evaluate`, and any stored data that no
    longer reads (unknown key, malformed value), keyed by item key, for logging."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, data in stored.items():
        item = questionnaire.items_by_key.get(key)
        if item is None or not item_type(item).has_input:
            problems[key] = "not an input item of this questionnaire version"
            continue
        try:
            values[key] = item_type(item).from_json(data, item)
        except ValueError as error:
            problems[key] = str(error)
    return values, problems
