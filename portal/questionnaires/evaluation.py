"""Evaluating one submission's answers: relevance, calculated values, errors and progress."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from portal.questionnaires.definition import Item, Questionnaire, Section
from portal.questionnaires.expression_runtime import truthy
from portal.questionnaires.expressions import Expression, ExpressionError
from portal.questionnaires.itemtype import InvalidAnswer
from portal.questionnaires.types import item_type

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SectionProgress:
    key: str
    required: int  # relevant required items
    answered: int  # of those, answered
    errors: int  # relevant items with at least one error
    percent: int  # answered / required, rounded down; 100 when nothing is required


@dataclass(frozen=True)
class Evaluation:
    """What a submission looks like under the questionnaire's rules. Computed, never stored."""

    values: dict[str, Any]  # relevant answers plus calculated values; hidden items absent
    relevant: dict[str, bool]
    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]  # soft bounds: advice for reviewers, never blocking
    sections: dict[str, SectionProgress] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.errors


def evaluate(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    *,
    locale: str | None = "pl",
    evidence: Collection[str] | None = None,
    section: Section | None = None,
    judge: bool = True,
) -> Evaluation:
    """Evaluate `answers` (canonical values by item key, as `from_json` returns them).

    Items are visited in dependency order, so relevance and calculations see final values;
    an answer to a hidden item is ignored (empty for every expression). `evidence` holds the
    keys that have a file attached; when None, evidence is not checked. `locale` picks the
    language of constraint messages; built-in messages follow the request's locale.

    With `section`, only what decides that section is evaluated (its items and the items
    their expressions use, see Questionnaire.keys_deciding) and only its items are checked:
    the result then speaks for that section alone, which is all a section page shows.

    With `judge=False`, answers are not checked (no errors, sections count no errors): only
    relevance, values and soft-bound warnings, for pages that show answers and advice but
    never errors (the reviewer's page; checking is half of the work).
    """
    state = _State(answers)
    if section is None:
        visited = questionnaire.evaluation_order
        checked: Collection[str] = visited
        shown = questionnaire.sections
    else:
        visited = questionnaire.keys_deciding(section)
        checked = {item.key for item in section.items}
        shown = (section,)
    items = questionnaire.items_by_key
    for key in visited:
        state.visit(items[key])
    for key in visited:
        if key in checked and state.relevant[key]:
            if judge:
                state.check(items[key], locale, evidence)
            else:
                state.warn(items[key])
    sections = {s.key: _progress(s, state) for s in shown}
    return Evaluation(state.values, state.relevant, state.errors, state.warnings, sections)


class _State:
    """Values as expressions see them, filled in item by item."""

    def __init__(self, answers: Mapping[str, object]) -> None:
        self.answers = answers
        self.env: dict[str, object] = {}
        self.values: dict[str, Any] = {}
        self.relevant: dict[str, bool] = {}
        self.errors: dict[str, list[str]] = {}
        self.warnings: dict[str, list[str]] = {}
        # Expression text -> its value in this evaluation (see _value_of).
        self.known: dict[str, object] = {}

    def visit(self, item: Item) -> None:
        relevant = item.relevant is None or truthy(self._value_of(item, item.relevant))
        self.relevant[item.key] = relevant
        kind = item_type(item)
        value = None
        if relevant and item.calculation is not None:
            value = self._calculate(item)
        elif relevant:
            value = self.answers.get(item.key)
        if kind.is_empty(value):
            self.env[item.key] = None
            return
        self.values[item.key] = value
        self.env[item.key] = kind.expression_value(value, item)

    def _calculate(self, item: Item) -> object:
        result = self._value_of(item, item.calculation)  # type: ignore[arg-type]
        try:
            return item_type(item).parse(result, item)
        except InvalidAnswer:
            log.warning("calculation of %s gave a non-number: %r", item.key, result)
            return None

    def _value_of(self, item: Item, expression: Expression) -> object:
        """A relevance or calculation (neither may use `.`), worked out once per text.

        Items are visited after every item they refer to, and a visited item's value never
        changes, so one text has one value throughout an evaluation. Most items of a section
        share their relevance (`${has_cctv} = 'yes'` for 20 of the 30 CCTV items).
        """
        if expression.text in self.known:
            return self.known[expression.text]
        value = self.known[expression.text] = self._run(item, expression.evaluate)
        return value

    def _run(self, item: Item, function: Any, *args: object) -> Any:
        try:
            return function(self.env, *args)
        except ExpressionError as error:
            # The loader cannot type-check expressions; a mistyped one must not break the page.
            log.warning("expression of %s failed: %s", item.key, error)
            return None

    def check(self, item: Item, locale: str | None, evidence: Collection[str] | None) -> None:
        kind = item_type(item)
        value = self.values.get(item.key)
        if value is None:
            if item.required and kind.has_input:
                self.errors[item.key] = [_("To pole jest wymagane.")]
            return
        errors = kind.check(value, item) + kind.incomplete(value, item)
        if item.constraint is not None and item.constraint_message is not None:
            decided = self._run(item, item.constraint.decide, self.env[item.key])
            if decided is False:
                errors.append(item.constraint_message.get(locale))
        if item.evidence == "required" and evidence is not None and item.key not in evidence:
            errors.append(_("Dołącz dokument potwierdzający odpowiedź."))
        if errors:
            self.errors[item.key] = errors
        self.warn(item)

    def warn(self, item: Item) -> None:
        """Soft bounds of an answered item: advice for reviewers, never blocking."""
        value = self.values.get(item.key)
        if value is None:
            return
        warnings = item_type(item).warnings(value, item)
        if warnings:
            self.warnings[item.key] = warnings


def _progress(section: Section, state: _State) -> SectionProgress:
    required = [i for i in section.items if i.required and state.relevant[i.key]]
    answered = sum(1 for item in required if item.key in state.values)
    errors = sum(1 for item in section.items if item.key in state.errors)
    percent = 100 if not required else answered * 100 // len(required)
    return SectionProgress(section.key, len(required), answered, errors, percent)
