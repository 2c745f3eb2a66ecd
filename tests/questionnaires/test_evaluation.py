from decimal import Decimal
from pathlib import Path

import pytest

from portal.questionnaires.evaluation import evaluate
from portal.questionnaires.loader import load_questionnaire_file

ITEMS = """
- {key: has_cctv, type: yes_no, label: Monitoring, required: true}
- key: cameras
  type: integer
  label: Kamery
  required: true
  relevant: "${has_cctv} = 'yes'"
  max: 1000
  soft_max: 100
- key: cctv_cost
  type: money
  label: Koszt
  relevant: "${has_cctv} = 'yes'"
  constraint: ". <= ${budget}"
  constraint_message: {pl: "Koszt nie może przekroczyć budżetu.", en: "Cost exceeds budget."}
- {key: budget, type: money, label: Budżet, required: true}
- key: share
  type: calculated
  value_type: percent
  label: Udział
  calculation: "round(${cctv_cost} div ${budget} * 100, 1)"
- key: big_share_reason
  type: long_text
  label: Uzasadnienie
  required: true
  relevant: "${share} > 50"
"""


@pytest.fixture
def questionnaire(make_questionnaire):
    return make_questionnaire(ITEMS)


def test_empty_submission_reports_only_relevant_required_items(questionnaire):
    result = evaluate(questionnaire, {})
    assert result.errors == {
        "has_cctv": ["To pole jest wymagane."],
        "budget": ["To pole jest wymagane."],
    }
    assert result.relevant["cameras"] is False
    assert not result.is_complete


def test_hidden_item_is_not_required_and_its_answer_is_ignored(questionnaire):
    answers = {"has_cctv": "no", "budget": Decimal(100), "cctv_cost": Decimal(500), "cameras": 5}
    result = evaluate(questionnaire, answers)
    assert result.is_complete
    assert "cctv_cost" not in result.values and "cameras" not in result.values
    assert "share" not in result.values  # computed from the hidden cost, so empty


def test_relevant_item_becomes_required_when_shown(questionnaire):
    result = evaluate(questionnaire, {"has_cctv": "yes", "budget": Decimal(100)})
    assert result.errors == {"cameras": ["To pole jest wymagane."]}


def test_constraint_failure_uses_the_items_message_in_the_requested_language(questionnaire):
    answers = {"has_cctv": "yes", "cameras": 3, "cctv_cost": Decimal(150), "budget": Decimal(100)}
    assert evaluate(questionnaire, answers).errors["cctv_cost"] == [
        "Koszt nie może przekroczyć budżetu."
    ]
    english = evaluate(questionnaire, answers, locale="en")
    assert english.errors["cctv_cost"] == ["Cost exceeds budget."]


def test_constraint_waits_while_the_other_item_is_empty(questionnaire):
    result = evaluate(questionnaire, {"has_cctv": "yes", "cameras": 3, "cctv_cost": Decimal(150)})
    assert "cctv_cost" not in result.errors
    assert result.errors == {"budget": ["To pole jest wymagane."]}


def test_calculated_value_feeds_the_relevance_of_later_items(questionnaire):
    answers = {"has_cctv": "yes", "cameras": 3, "cctv_cost": Decimal(60), "budget": Decimal(100)}
    result = evaluate(questionnaire, answers)
    assert result.values["share"] == Decimal("60.0")
    assert result.relevant["big_share_reason"] is True
    assert result.errors == {"big_share_reason": ["To pole jest wymagane."]}


def test_calculation_with_division_by_zero_is_empty(questionnaire):
    answers = {"has_cctv": "yes", "cameras": 1, "cctv_cost": Decimal(0), "budget": Decimal(0)}
    result = evaluate(questionnaire, answers)
    assert "share" not in result.values and result.is_complete


def test_hard_bounds_are_errors_and_soft_bounds_warnings(questionnaire):
    answers = {"has_cctv": "yes", "cameras": 2000, "budget": Decimal(1)}
    assert evaluate(questionnaire, answers).errors["cameras"] == [
        "Wartość nie może być większa niż 1\u00a0000."
    ]
    answers["cameras"] = 500
    result = evaluate(questionnaire, answers)
    assert "cameras" not in result.errors
    assert result.warnings["cameras"] == ["Wartość nietypowo wysoka (powyżej 100)."]


def test_without_judging_the_same_relevance_values_and_advice_but_no_errors(questionnaire):
    # What the reviewer's page asks for: answers and advice, never errors.
    answers = {"has_cctv": "yes", "cameras": 2000, "budget": Decimal(1)}
    judged, shown = evaluate(questionnaire, answers), evaluate(questionnaire, answers, judge=False)
    assert judged.errors and shown.errors == {}
    assert (shown.relevant, shown.values, shown.warnings) == (
        judged.relevant, judged.values, judged.warnings)
    assert shown.warnings["cameras"] == ["Wartość nietypowo wysoka (powyżej 100)."]


def test_section_progress_counts_relevant_required_items(questionnaire):
    result = evaluate(questionnaire, {"has_cctv": "yes", "cameras": 4})
    progress = result.sections["main"]
    counts = (progress.required, progress.answered, progress.errors, progress.percent)
    assert counts == (3, 2, 1, 66)


def test_required_evidence_is_checked_only_when_attachments_are_given(make_questionnaire):
    questionnaire = make_questionnaire(
        "- {key: plan, type: yes_no, label: Plan, evidence: required}"
    )
    assert evaluate(questionnaire, {"plan": "yes"}).is_complete
    assert evaluate(questionnaire, {"plan": "yes"}, evidence=set()).errors == {
        "plan": ["Dołącz dokument potwierdzający odpowiedź."]
    }
    assert evaluate(questionnaire, {"plan": "yes"}, evidence={"plan"}).is_complete


def test_required_year_table_needs_every_year(make_questionnaire):
    questionnaire = make_questionnaire("- {key: t, type: year_table, label: T, required: true}")
    result = evaluate(questionnaire, {"t": {"2016": 1, "2017": None, "2018": 3}})
    assert result.errors == {"t": ["Uzupełnij wartości dla wszystkich lat."]}


def test_a_type_error_in_an_expression_does_not_break_evaluation(make_questionnaire):
    questionnaire = make_questionnaire(
        """
        - {key: name, type: short_text, label: N}
        - {key: x, type: integer, label: X, relevant: "${name} + 1 > 0", required: true}
        """
    )
    result = evaluate(questionnaire, {"name": "abc"})
    assert result.relevant["x"] is False


def test_items_sharing_a_relevance_follow_the_item_it_names_wherever_it_is(make_questionnaire):
    # One text, one value per evaluation: the earlier item names an item defined after it,
    # so both must wait for that item's answer, and each evaluation reads its own answers.
    questionnaire = make_questionnaire(
        """
        - {key: early, type: integer, label: E, relevant: "${gate} = 'yes'", required: true}
        - {key: gate, type: yes_no, label: G}
        - {key: late, type: integer, label: L, relevant: "${gate} = 'yes'", required: true}
        - {key: total, type: calculated, value_type: integer, label: T,
           calculation: "${early} + ${late}"}
        - {key: why, type: short_text, label: W, relevant: "${total} > 10", required: true}
        - {key: why_more, type: short_text, label: M, relevant: "${total} > 10"}
        """
    )
    shown = evaluate(questionnaire, {"gate": "yes", "early": 6, "late": 5})
    assert (shown.relevant["early"], shown.relevant["late"]) == (True, True)
    assert shown.values["total"] == 11
    assert (shown.relevant["why"], shown.relevant["why_more"]) == (True, True)
    assert shown.errors == {"why": ["To pole jest wymagane."]}
    hidden = evaluate(questionnaire, {"gate": "no", "early": 6, "late": 5})
    assert not any(hidden.relevant[key] for key in ("early", "late", "why", "why_more"))
    assert hidden.is_complete


REAL_FILE = Path(__file__).resolve().parents[2] / "questionnaires" / "2018" / "questionnaire.yaml"


@pytest.mark.skipif(not REAL_FILE.exists(), reason="the 2018 questionnaire is not written yet")
def _answer_sets_2018(questionnaire):
    """Complete answers, then variants that hide items and break constraints."""
    from portal.questionnaires.storage import answers_from_json
    from portal.review.demo_answers import COMPLETE_2018

    complete, problems = answers_from_json(questionnaire, COMPLETE_2018)
    assert not problems
    every_no = {key: ("no" if questionnaire.item(key).type == "yes_no" else value)
                for key, value in complete.items()}
    # Every other number ten thousand times larger: parts above their totals, shares > 100%.
    inflated = {key: (value * 10000 if index % 2 and isinstance(value, (int, Decimal)) else value)
                for index, (key, value) in enumerate(complete.items())}
    half_empty = {key: value for index, (key, value) in enumerate(complete.items()) if index % 3}
    return {"complete": complete, "every no": every_no, "inflated": inflated,
            "half empty": half_empty}


def test_a_section_evaluated_alone_reads_as_in_the_whole_questionnaire():
    """A section page evaluates only what decides its section; it must show the same."""
    questionnaire = load_questionnaire_file(REAL_FILE).questionnaire
    sets = _answer_sets_2018(questionnaire)
    complete = evaluate(questionnaire, sets["complete"], evidence=set())
    for name, answers in sets.items():
        whole = evaluate(questionnaire, answers, evidence=set())
        # Each variant hides items or breaks rules, so the comparison below covers both.
        if name != "complete":
            assert (whole.relevant, whole.errors) != (complete.relevant, complete.errors), name
        for section in questionnaire.sections:
            alone = evaluate(questionnaire, answers, evidence=set(), section=section)
            for item in section.items:
                where = f"{name}: {section.key}.{item.key}"
                assert alone.relevant[item.key] == whole.relevant[item.key], where
                assert alone.values.get(item.key) == whole.values.get(item.key), where
                assert alone.errors.get(item.key) == whole.errors.get(item.key), where
                assert alone.warnings.get(item.key) == whole.warnings.get(item.key), where
            assert alone.sections == {section.key: whole.sections[section.key]}, name


def test_keys_deciding_a_section_follow_constraints_and_their_relevance(make_questionnaire):
    questionnaire = make_questionnaire(ITEMS)
    only = questionnaire.sections[0]
    assert set(questionnaire.keys_deciding(only)) == set(questionnaire.items_by_key)
    # In the 2018 file the Police section's rules read an item of another section.
    real = load_questionnaire_file(REAL_FILE).questionnaire
    police = real.section("police_cooperation")
    outside = set(real.keys_deciding(police)) - {item.key for item in police.items}
    assert outside
    order = real.evaluation_order
    keys = real.keys_deciding(police)
    assert list(keys) == sorted(keys, key=order.index)


def test_answers_round_trip_through_stored_json(questionnaire):
    import json

    from portal.questionnaires.storage import answers_from_json, answers_to_json

    values = {"has_cctv": "yes", "cameras": 3, "cctv_cost": Decimal("12.5"), "budget": None}
    stored = json.loads(json.dumps(answers_to_json(questionnaire, values)))
    assert stored == {"has_cctv": "yes", "cameras": 3, "cctv_cost": "12.50"}
    read, problems = answers_from_json(questionnaire, {**stored, "gone": 1, "budget": 0.5})
    assert read == {"has_cctv": "yes", "cameras": 3, "cctv_cost": Decimal("12.50")}
    assert set(problems) == {"gone", "budget"}
