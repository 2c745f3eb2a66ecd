"""Checks that need the whole questionnaire: references between items and dependency cycles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from portal.questionnaires.definition import Item
from portal.questionnaires.dependencies import find_cycles
from portal.questionnaires.expression_runtime import Compare, Current, Literal, Ref
from portal.questionnaires.expressions import Expression

EXPRESSION_FIELDS = ("relevant", "constraint", "calculation")
CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")  # the first two compare with =
_YES_NO = ("yes", "no")


def reference_errors(items: Mapping[str, Item]) -> Iterator[tuple[Item, str, str]]:
    """(item, field name, message) for unknown or self references and misused functions."""
    for item in items.values():
        for name in EXPRESSION_FIELDS:
            expression: Expression | None = getattr(item, name)
            if expression is None:
                continue
            for key in sorted(expression.references):
                message = _reference_error(item, name, key, items)
                if message:
                    yield item, name, message
            for message in _call_errors(expression, item, items):
                yield item, name, f"{name}: {message}"


def _reference_error(item: Item, field: str, key: str, items: Mapping[str, Item]) -> str | None:
    if key == item.key:
        if field == "constraint":
            return "constraint: use '.' for the item's own value, not ${" + key + "}"
        return f"{field} refers to the item itself"
    if key not in items:
        return f"{field} refers to unknown item ${{{key}}}"
    return None


def _call_errors(expression: Expression, owner: Item, items: Mapping[str, Item]) -> Iterator[str]:
    """The mistakes a typo makes silently: a choice value or column that does not exist."""
    for call in expression.calls("selected"):
        target, value = call.args
        item = owner if isinstance(target, Current) else _referenced(target, items)
        if item is None or not isinstance(value, Literal):
            continue
        if item.type not in CHOICE_TYPES:
            yield f"selected() needs a choice item, {item.key} is {item.type}"
        elif str(value.value) not in (_YES_NO if item.type == "yes_no" else item.choice_labels):
            yield f"{item.key} has no choice {value.value!r}"
    for node in expression.walk():
        if isinstance(node, Compare) and node.operator in ("=", "!="):
            yield from _compared_choice_errors(node, owner, items)
    for call in expression.calls("sum"):
        item = _referenced(call.args[0], items)
        if item is None or len(call.args) < 2 or not isinstance(call.args[1], Literal):
            continue
        column = str(call.args[1].value)
        if item.type != "repeat":
            yield f"sum() with a column name needs a repeat item, {item.key} is {item.type}"
        elif column not in {c.key for c in item.columns}:
            yield f"{item.key} has no column {column!r}"


def _compared_choice_errors(node: Compare, owner: Item, items: Mapping[str, Item]) -> Iterator[str]:
    """`${has_cctv} = 'tak'` is always false when the stored values are 'yes'/'no'."""
    for target, other in ((node.left, node.right), (node.right, node.left)):
        item = owner if isinstance(target, Current) else _referenced(target, items)
        if item is None or item.type not in CHOICE_TYPES[:2] or not isinstance(other, Literal):
            continue
        if str(other.value) not in (_YES_NO if item.type == "yes_no" else item.choice_labels):
            yield f"{item.key} has no choice {other.value!r}"


def _referenced(node: object, items: Mapping[str, Item]) -> Item | None:
    return items.get(node.key) if isinstance(node, Ref) else None


def cycle_errors(items: Mapping[str, Item]) -> Iterator[tuple[Item, str, str]]:
    """Relevance/calculations that depend on each other in a loop cannot be evaluated."""
    for cycle in find_cycles(items):
        if len(set(cycle)) > 1:  # a self reference is reported by reference_errors
            first = items[cycle[0]]
            field = "calculation" if first.calculation is not None else "relevant"
            yield first, field, "dependency cycle: " + " -> ".join(cycle)
