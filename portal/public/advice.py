"""Advice for gminy: rules in methodology.yaml (`advice:`) that turn verified answers into advice.

Each rule names its legal or audit source. A rule's `when` is written in the questionnaire
expression language (questionnaires/README.md) over item keys, so it reads like the questions it
is about: `${cctv_signage} = 'none'`. See questionnaires/METHODOLOGY_FORMAT.md, section "Advice".
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.questionnaires.definition import Item, LocalizedText, Questionnaire
from portal.questionnaires.evaluation import evaluate
from portal.questionnaires.expression_runtime import Compare, Literal, Ref, truthy
from portal.questionnaires.expressions import Expression, ExpressionError, parse_expression
from portal.questionnaires.item_reader import Invalid, read_key, read_text
from portal.questionnaires.storage import answers_from_json
from portal.questionnaires.types import item_type

log = logging.getLogger(__name__)

SEVERITIES = ("serious", "warning", "info")  # most important first: the order advice is shown
RULE_KEYS = frozenset({"id", "when", "severity", "title", "text", "source", "pillar"})
REQUIRED_KEYS = ("id", "when", "severity", "title", "text", "source")
_CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")


class AdviceInvalid(ValueError):
    """The `advice` section breaks the format; `errors` lists every problem as "path: message"."""

    def __init__(self, errors: list[str]):
        super().__init__("invalid advice rules:\n" + "\n".join(f"  {e}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class AdviceRule:
    id: str
    when: Expression
    severity: str  # serious | warning | info
    title: LocalizedText
    text: LocalizedText
    source: str  # the legal provision or audit, e.g. "art. 9a ust. 3 ustawy o samorządzie gminnym"
    pillar: str | None = None


# What a gmina receives is the rule itself; the alias keeps call sites readable.
Advice = AdviceRule


def advice_errors(
    data: Any,
    known: Questionnaire | Collection[str] | None,
    pillars: Collection[str] | None = None,
) -> list[str]:
    """Every problem in an `advice` list, as "advice[i].field: message"; [] when it is fine.

    `known` is the questionnaire (item keys and their choices are checked), the names that may
    be referenced, or None to check only the form (the methodology validator, which does not
    see every item type). `pillars`, when given, are the group ids a `pillar` may name.
    """
    errors: list[str] = []
    _read_rules(data, known, pillars, errors)
    return errors


def parse_advice(
    data: Any, known: Questionnaire | Collection[str] | None,
    pillars: Collection[str] | None = None,
) -> tuple[AdviceRule, ...]:
    """The rules of an `advice` list (None: no rules); raises AdviceInvalid listing every error."""
    errors: list[str] = []
    rules = _read_rules(data, known, pillars, errors)
    if errors:
        raise AdviceInvalid(errors)
    return rules


def _read_rules(data: Any, known: Questionnaire | Collection[str] | None,
                pillars: Collection[str] | None, errors: list[str]) -> tuple[AdviceRule, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        errors.append("advice: must be a list of rules")
        return ()
    items = known.items_by_key if isinstance(known, Questionnaire) else None
    names = None if known is None else frozenset(items if items is not None else known)
    rules, seen = [], set()
    for index, raw in enumerate(data):
        path = f"advice[{index}]"
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(rule_id, str) and rule_id in seen:
            errors.append(f"{path}.id: duplicate id {rule_id!r}")
        seen.add(rule_id)
        rule = _read_rule(raw, path, names, items, pillars, errors)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _read_rule(raw: Any, path: str, names: frozenset[str] | None, items: Mapping[str, Item] | None,
               pillars: Collection[str] | None, errors: list[str]) -> AdviceRule | None:
    if not isinstance(raw, Mapping):
        errors.append(f"{path}: must be a mapping")
        return None
    before = len(errors)
    errors.extend(f"{path}.{key}: unknown key" for key in raw if key not in RULE_KEYS)
    errors.extend(f"{path}.{key}: is required" for key in REQUIRED_KEYS if key not in raw)
    fields: dict[str, Any] = {}
    for key, reader in (("id", read_key), ("title", read_text), ("text", read_text)):
        if key in raw:
            try:
                fields[key] = reader(raw[key])
            except Invalid as error:
                errors.append(f"{path}.{key}: {error}")
    if "severity" in raw and raw["severity"] not in SEVERITIES:
        errors.append(f"{path}.severity: unknown value {raw['severity']!r}; expected one of "
                      + ", ".join(SEVERITIES))
    source = raw.get("source")
    if "source" in raw and (not isinstance(source, str) or not source.strip()):
        errors.append(f"{path}.source: must be a non-empty text (the legal or audit reference)")
    pillar = raw.get("pillar")
    if pillar is not None and (not isinstance(pillar, str)
                               or (pillars is not None and pillar not in pillars)):
        errors.append(f"{path}.pillar: unknown pillar {pillar!r}")
    if "when" in raw:
        fields["when"] = _read_when(raw["when"], f"{path}.when", names, items, errors)
    if len(errors) > before:
        return None
    return AdviceRule(fields["id"], fields["when"], raw["severity"], fields["title"],
                      fields["text"], source.strip(), pillar)


def _read_when(raw: Any, path: str, names: frozenset[str] | None, items: Mapping[str, Item] | None,
               errors: list[str]) -> Expression | None:
    if not isinstance(raw, str):
        errors.append(f"{path}: must be an expression (text)")
        return None
    try:
        expression = parse_expression(raw)
    except ExpressionError as error:
        errors.append(f"{path}: {error}")
        return None
    if expression.uses_current:
        errors.append(f"{path}: '.' has no meaning in a rule, refer to items as ${{key}}")
    if names is not None:
        errors.extend(f"{path}: unknown item ${{{key}}}"
                      for key in sorted(expression.references - names))
    if items is not None:
        errors.extend(f"{path}: {message}" for message in _choice_errors(expression, items))
    return expression


def _choice_errors(expression: Expression, items: Mapping[str, Item]) -> Iterable[str]:
    """A choice value that does not exist makes a rule silently never fire: refuse it."""
    pairs = [(call.args[0], call.args[1]) for call in expression.calls("selected")
             if len(call.args) == 2]
    pairs += [pair for node in expression.walk()
              if isinstance(node, Compare) and node.operator in ("=", "!=")
              for pair in ((node.left, node.right), (node.right, node.left))]
    for target, value in pairs:
        if not isinstance(target, Ref) or not isinstance(value, Literal):
            continue
        item = items.get(target.key)
        if item is None or item.type not in _CHOICE_TYPES:
            continue
        allowed = ("yes", "no") if item.type == "yes_no" else tuple(item.choice_labels)
        if str(value.value) not in allowed:
            yield f"{item.key} has no choice {value.value!r}"


def advice_for(
    rules: Iterable[AdviceRule],
    questionnaire: Questionnaire,
    snapshot_values: Mapping[str, Any],
) -> list[Advice]:
    """The rules that apply to one gmina's approved answers, most serious first.

    `snapshot_values` are stored JSON values by item key (an approved snapshot's `values`).
    They go through the item types' `from_json` and the questionnaire's own evaluation, so
    rules see exactly what the forms and reviewers saw, calculated items included, and hidden
    items as empty. A comparison with an empty value is false: no answer, no advice.
    """
    environment = expression_values(questionnaire, snapshot_values)
    applying = [rule for rule in rules if _applies(rule, environment)]
    return sorted(applying, key=lambda rule: SEVERITIES.index(rule.severity))


def expression_values(questionnaire: Questionnaire,
                      snapshot_values: Mapping[str, Any]) -> dict[str, object]:
    """Item key -> value as expressions see it, for relevant answers and calculated items."""
    canonical, problems = answers_from_json(questionnaire, snapshot_values)
    for key, problem in problems.items():  # items of another version, unreadable data
        log.warning("snapshot value of %s not used: %s", key, problem)
    evaluation = evaluate(questionnaire, canonical)
    return {key: item_type(questionnaire.item(key)).expression_value(value, questionnaire.item(key))
            for key, value in evaluation.values.items()}


def _applies(rule: AdviceRule, environment: Mapping[str, object]) -> bool:
    try:
        return truthy(rule.when.evaluate(environment))
    except ExpressionError as error:
        log.warning("advice rule %s failed: %s", rule.id, error)
        return False


__all__ = ["Advice", "AdviceInvalid", "AdviceRule", "SEVERITIES", "advice_errors", "advice_for",
           "expression_values", "parse_advice"]
