"""Advice rules: the shipped rules, when they fire, and how a bad rule is reported."""

import copy

import pytest
import yaml

from portal.public.advice import AdviceInvalid, advice_errors, advice_for, parse_advice
from portal.questionnaires.loader import load_questionnaire_file
from portal.scoring.methodology import MethodologyInvalid, parse_methodology
from tests.public.builders import METHODOLOGY_TEXT, ROOT
from tests.sample_2018 import COMPLETE_2018


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire_file(ROOT / "questionnaires/2018/questionnaire.yaml").questionnaire


@pytest.fixture(scope="module")
def methodology_data():
    return yaml.safe_load(METHODOLOGY_TEXT)


@pytest.fixture(scope="module")
def rules(questionnaire, methodology_data):
    pillars = {g["id"] for g in methodology_data["groups"]}
    return parse_advice(methodology_data["advice"], questionnaire, pillars)


def fired(rules, questionnaire, **changes):
    values = copy.deepcopy(COMPLETE_2018)
    values.update(changes)
    return [advice.id for advice in advice_for(rules, questionnaire, values)]


def rule(**overrides):
    data = {"id": "r", "when": "${has_cctv} = 'yes'", "severity": "info",
            "title": {"pl": "Tytuł", "en": "Title"}, "text": "Treść", "source": "NIK P/13/154"}
    data.update(overrides)
    return data


def test_every_shipped_methodology_has_valid_advice_with_sources(questionnaire):
    for path in sorted((ROOT / "questionnaires").glob("*/methodology.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        pillars = {g["id"] for g in data["groups"]}
        shipped = parse_advice(data.get("advice"), questionnaire, pillars)
        assert len(shipped) >= 12, path
        assert all(r.source and r.title.en and r.text.en for r in shipped)


def test_the_2018_methodology_with_advice_still_loads_for_scoring(methodology_data):
    from portal.scoring.inputs import known_sources

    questionnaire = load_questionnaire_file(
        ROOT / "questionnaires/2018/questionnaire.yaml").questionnaire
    methodology = parse_methodology(methodology_data, known_sources(questionnaire))
    assert methodology.version == "2018.1"


def test_sample_answers_get_only_the_advice_they_deserve(rules, questionnaire):
    # The sample gmina has no effectiveness evaluation, no DPIA, no plan, 42 cameras/operator.
    assert fired(rules, questionnaire) == [
        "cctv_no_effectiveness_evaluation", "cctv_no_dpia", "cctv_operator_overload",
        "cctv_no_development_plan"]


@pytest.mark.parametrize("signage, expected", [
    ("none", {"cctv_no_signage"}), ("partly", {"cctv_partial_signage"}), ("all", set())])
def test_signage_rules_fire_on_missing_or_partial_signs(rules, questionnaire, signage, expected):
    got = set(fired(rules, questionnaire, cctv_signage=signage))
    assert got & {"cctv_no_signage", "cctv_partial_signage"} == expected


def test_observation_by_a_private_firm_is_serious_and_shown_first(rules, questionnaire):
    got = advice_for(rules, questionnaire,
                     dict(COMPLETE_2018, cctv_observers=["commercial_company"],
                          cctv_retention_days=30))
    assert got[0].id == "cctv_commercial_observers"
    assert got[0].severity == "serious"
    assert "P/13/154" in got[0].source
    severities = [a.severity for a in got]
    assert severities == sorted(severities, key=["serious", "warning", "info"].index)


@pytest.mark.parametrize("days, fires", [(90, False), (91, True), (30, False)])
def test_retention_longer_than_three_months_is_flagged(rules, questionnaire, days, fires):
    got = fired(rules, questionnaire, cctv_retention_days=days)
    assert ("cctv_retention_too_long" in got) is fires


@pytest.mark.parametrize("updated, fires", [("2016-12-31", True), ("2017-01-01", False)])
def test_crisis_plan_older_than_two_years_is_flagged(rules, questionnaire, updated, fires):
    got = fired(rules, questionnaire, crisis_plan_update_date=updated)
    assert ("crisis_plan_outdated" in got) is fires


def test_location_analysis_rules_follow_the_answer(rules, questionnaire):
    assert "cctv_no_location_analysis" in fired(rules, questionnaire,
                                                cctv_location_analysis="none")
    assert "cctv_location_without_police" in fired(rules, questionnaire,
                                                   cctv_location_analysis="documented")
    got = fired(rules, questionnaire, cctv_location_analysis="with_police_opinion")
    assert not {"cctv_no_location_analysis", "cctv_location_without_police"} & set(got)


def test_calculated_items_can_be_used_in_rules(rules, questionnaire):
    assert "cctv_operator_overload" not in fired(rules, questionnaire,
                                                 cctv_operators_per_shift="2.0")


def test_answers_hidden_by_relevance_give_no_advice(rules, questionnaire):
    # A gmina without CCTV may have stale CCTV answers stored: they are not relevant.
    got = fired(rules, questionnaire, has_cctv="no", cctv_signage="none",
                cctv_observers=["commercial_company"])
    assert not [advice for advice in got if advice.startswith("cctv_")]


def test_unanswered_items_give_no_advice(rules, questionnaire):
    values = {"has_cctv": "yes"}
    assert advice_for(rules, questionnaire, values) == []


def test_a_rule_failing_at_run_time_is_skipped(questionnaire):
    broken = parse_advice([rule(when="${respondent_name} + 1 > 0")], questionnaire)
    assert advice_for(broken, questionnaire, COMPLETE_2018) == []


def test_validation_reports_every_problem_with_its_path(questionnaire):
    data = [
        rule(id="a", when="${no_such_item} = 'yes'"),
        rule(id="b", when="${has_cctv} = 'tak'"),
        rule(id="c", when="${has_cctv} = "),
        rule(id="d", severity="fatal"),
        rule(id="e", source=""),
        rule(id="f", colour="red"),
        rule(id="g", pillar="nieznany"),
        rule(id="h", when="selected(${cctv_observers}, 'firma')"),
        rule(id="a"),
        rule(id="Bad Id"),
    ]
    errors = advice_errors(data, questionnaire, {"monitoring"})
    assert "advice[0].when: unknown item ${no_such_item}" in errors
    assert "advice[1].when: has_cctv has no choice 'tak'" in errors
    assert any(e.startswith("advice[2].when: unexpected end of expression") for e in errors)
    assert any(e.startswith("advice[3].severity: unknown value 'fatal'") for e in errors)
    assert any(e.startswith("advice[4].source:") for e in errors)
    assert "advice[5].colour: unknown key" in errors
    assert "advice[6].pillar: unknown pillar 'nieznany'" in errors
    assert "advice[7].when: cctv_observers has no choice 'firma'" in errors
    assert "advice[8].id: duplicate id 'a'" in errors
    assert any(e.startswith("advice[9].id:") for e in errors)
    with pytest.raises(AdviceInvalid) as raised:
        parse_advice(data, questionnaire)
    assert len(raised.value.errors) == 9  # without pillars to check, "nieznany" passes


def test_missing_keys_and_a_non_list_are_reported(questionnaire):
    assert advice_errors({"id": "x"}, questionnaire) == ["advice: must be a list of rules"]
    errors = advice_errors([{"id": "x"}], questionnaire)
    assert "advice[0].when: is required" in errors
    assert "advice[0].source: is required" in errors
    assert advice_errors(None, questionnaire) == []


def test_the_methodology_validator_reports_bad_advice(methodology_data):
    data = copy.deepcopy(methodology_data)
    data["advice"] = [rule(when="${has_cctv} =")]
    with pytest.raises(MethodologyInvalid) as raised:
        parse_methodology(data, _declared(data))
    assert any(e.startswith("advice[0].when:") for e in raised.value.errors)


def _declared(data):
    from portal.scoring.results import _declared_sources

    return _declared_sources(data)
