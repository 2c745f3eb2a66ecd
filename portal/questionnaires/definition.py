"""The questionnaire definition as frozen dataclasses, built by loader.py from a YAML file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from portal.questionnaires.dependencies import evaluation_order
from portal.questionnaires.expressions import Expression

Bound = Decimal | int | date  # numbers, text lengths, dates

# Types whose value is a number, usable as year_table cells and calculated results.
NUMERIC_TYPES = ("integer", "decimal", "money", "percent")


@dataclass(frozen=True)
class LocalizedText:
    """A text in Polish (always present) and optionally English."""

    pl: str
    en: str | None = None

    def get(self, locale: str | None = "pl") -> str:
        if locale and str(locale).lower().startswith("en") and self.en:
            return self.en
        return self.pl

    def __str__(self) -> str:
        return self.pl


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalizedText


@dataclass(frozen=True, eq=False)
class Item:
    """One question. Which optional fields apply depends on `type` (see the README table)."""

    key: str
    type: str
    label: LocalizedText
    help: LocalizedText | None = None
    unit: LocalizedText | None = None
    required: bool = False
    min: Bound | None = None
    max: Bound | None = None
    soft_min: Bound | None = None
    soft_max: Bound | None = None
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: LocalizedText | None = None
    evidence: str = "none"  # none | optional | required
    choices: tuple[Choice, ...] = ()
    min_selected: int | None = None
    max_selected: int | None = None
    places: int | None = None
    pattern: str | None = None
    columns: tuple[Item, ...] = ()
    min_rows: int = 0
    max_rows: int = 50
    years: tuple[int, ...] = ()  # the actual years of a year_table, oldest first
    value_type: str | None = None
    calculation: Expression | None = None
    extensions: tuple[str, ...] = ()
    max_size_mb: Decimal | None = None
    line: int | None = None  # where the item starts in the YAML file
    lines: Mapping[str, int] = field(default_factory=dict, repr=False)  # line of each YAML key

    @cached_property
    def choice_labels(self) -> dict[str, LocalizedText]:
        return {choice.value: choice.label for choice in self.choices}

    @cached_property
    def dependencies(self) -> frozenset[str]:
        """Items whose values decide this item's relevance or calculated value."""
        keys: set[str] = set()
        for expression in (self.relevant, self.calculation):
            if expression is not None:
                keys |= expression.references
        return frozenset(keys)

    def column(self, key: str) -> Item:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True, eq=False)
class Section:
    key: str
    title: LocalizedText
    items: tuple[Item, ...]
    description: LocalizedText | None = None
    line: int | None = None


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """A whole questionnaire version; compared and cached by identity, since it is immutable."""

    version: str
    reference_year: int
    title: LocalizedText
    sections: tuple[Section, ...]

    @cached_property
    def items_by_key(self) -> dict[str, Item]:
        return {item.key: item for section in self.sections for item in section.items}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {item.key: section for section in self.sections for item in section.items}

    def item(self, key: str) -> Item:
        """The item with this key; raises KeyError for an unknown key."""
        return self.items_by_key[key]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    @cached_property
    def evaluation_order(self) -> tuple[str, ...]:
        """Item keys so that every item comes after the items its relevance/calculation uses."""
        return evaluation_order(self.items_by_key)

    def keys_deciding(self, section: Section) -> tuple[str, ...]:
        """The keys (in evaluation order) whose values decide one section's relevance,
        calculated values and constraints: the section's items, the items their expressions
        refer to, and so on. A section page evaluates only these, not the whole questionnaire.
        """
        closures = self._closures
        if section.key not in closures:
            closures[section.key] = self._closure(section)
        return closures[section.key]

    @cached_property
    def _closures(self) -> dict[str, tuple[str, ...]]:
        return {}

    def _closure(self, section: Section) -> tuple[str, ...]:
        needed: set[str] = set()
        pending = [item.key for item in section.items]
        for item in section.items:
            if item.constraint is not None:
                pending.extend(item.constraint.references)
        while pending:
            key = pending.pop()
            if key in needed or key not in self.items_by_key:
                continue
            needed.add(key)
            pending.extend(self.items_by_key[key].dependencies)
        return tuple(key for key in self.evaluation_order if key in needed)
