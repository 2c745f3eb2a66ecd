import hashlib
import textwrap
from datetime import date
from decimal import Decimal

import pytest

from portal.questionnaires.loader import (
    QuestionnaireInvalid,
    load_questionnaire,
    load_questionnaire_file,
)

from .conftest import questionnaire_text

GOOD = questionnaire_text(
    """
    - key: has_cctv
      type: yes_no
      label: {pl: "Czy gmina prowadzi monitoring?", en: "Does the gmina run CCTV?"}
      required: true
    - key: cctv_cost
      type: money
      label: Koszt monitoringu
      relevant: "${has_cctv} = 'yes'"
      constraint: ". <= ${budget_total}"
      constraint_message: {pl: "Koszt nie może przekroczyć budżetu."}
      soft_max: 1000000.50
    - key: budget_total
      type: money
      label: Budżet
    - key: share
      type: calculated
      value_type: percent
      label: Udział
      calculation: "round(${cctv_cost} div ${budget_total} * 100, 1)"
    """
)


def errors_of(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(QuestionnaireInvalid) as raised:
        load_questionnaire(textwrap.dedent(text), "test.yaml")
    return [(e.line, e.key, e.message) for e in raised.value.errors]


def has_error(errors, line, key, fragment) -> bool:
    return any(e[0] == line and e[1] == key and fragment in e[2] for e in errors)


def test_valid_file_loads_with_items_in_order_and_defaults():
    loaded = load_questionnaire(GOOD, "test.yaml")
    questionnaire = loaded.questionnaire
    assert questionnaire.version == "2018" and questionnaire.reference_year == 2018
    assert list(questionnaire.items_by_key) == ["has_cctv", "cctv_cost", "budget_total", "share"]
    cost = questionnaire.item("cctv_cost")
    assert cost.min == Decimal(0)  # money defaults to min 0
    assert cost.soft_max == Decimal("1000000.50")  # exact, not a float
    assert cost.constraint_message.get("en") == "Koszt nie może przekroczyć budżetu."
    assert questionnaire.item("has_cctv").label.get("en") == "Does the gmina run CCTV?"
    assert questionnaire.item("share").places == 1


def test_sha256_is_over_the_exact_utf8_bytes():
    loaded = load_questionnaire(GOOD, "test.yaml")
    assert loaded.sha256 == hashlib.sha256(GOOD.encode("utf-8")).hexdigest()
    assert loaded.text == GOOD


def test_item_lookup_of_unknown_key_raises_key_error():
    questionnaire = load_questionnaire(GOOD).questionnaire
    with pytest.raises(KeyError):
        questionnaire.item("nope")


def test_calculations_are_ordered_after_their_inputs():
    order = load_questionnaire(GOOD).questionnaire.evaluation_order
    assert order.index("share") > order.index("budget_total")
    assert order.index("cctv_cost") > order.index("has_cctv")


def test_every_problem_is_reported_with_line_and_key_not_just_the_first():
    errors = errors_of(
        """\
        version: "2018"
        reference_year: 2018
        title: Ankieta
        sections:
          - key: main
            title: Sekcja
            items:
              - key: count
                type: integer
                label: Liczba
                min: 10
                max: 5
              - key: Bad-Key
                type: integer
                label: Zły klucz
              - key: kind
                type: single_choice
                label: Rodzaj
              - key: mystery
                type: slider
                label: Suwak
              - key: shown
                type: integer
                label: Pokazany
                relevant: "${missing} > 0"
                colour: red
        """
    )
    assert has_error(errors, 8, "count", "min is greater than max")
    assert has_error(errors, 13, "main.items[2]", "must match [a-z][a-z0-9_]*")
    assert has_error(errors, 16, "kind", "missing required key 'choices'")
    assert has_error(errors, 20, "mystery", "unknown type 'slider'")
    assert has_error(errors, 25, "shown", "unknown item ${missing}")
    assert has_error(errors, 26, "shown", "key 'colour' is not allowed")
    assert len(errors) == 6


def test_problem_report_reads_as_path_line_key_message():
    with pytest.raises(QuestionnaireInvalid) as raised:
        load_questionnaire(questionnaire_text("- {key: a, type: integer}"), "q.yaml")
    assert "q.yaml:8: [a] missing required key 'label'" in str(raised.value)


def test_duplicate_item_section_and_yaml_keys_are_reported():
    errors = errors_of(
        """\
        version: "2018"
        reference_year: 2018
        title: Ankieta
        sections:
          - key: main
            title: Sekcja
            items:
              - {key: a, type: integer, label: A}
              - key: a
                type: integer
                label: A again
                label: A twice
          - key: main
            title: Druga
            items:
              - {key: b, type: integer, label: B}
        """
    )
    assert has_error(errors, 9, "a", "duplicate item key (first used on line 8)")
    assert has_error(errors, 12, None, "duplicate key 'label'")
    assert has_error(errors, 13, "main", "duplicate section key")


def test_top_level_problems_are_all_reported():
    errors = errors_of(
        """\
        version: 2018
        reference_year: 1850
        title: {pl: Ankieta, de: Fragebogen}
        extra: true
        sections: []
        """
    )
    assert has_error(errors, 1, None, 'quote it: version: "2018"')
    assert has_error(errors, 2, None, "reference_year must be a year")
    assert has_error(errors, 3, None, "unknown language")
    assert has_error(errors, 4, None, "unknown key 'extra'")
    assert has_error(errors, 5, None, "sections must be a non-empty list")


def test_yaml_syntax_error_is_reported_with_its_line():
    errors = errors_of('version: "2018"\nreference_year: 2018\ntitle: [unclosed\n')
    assert len(errors) == 1 and errors[0][2].startswith("YAML error")
    assert errors[0][0] is not None


def test_yes_and_no_stay_text_so_choice_values_are_not_booleans(make_questionnaire):
    questionnaire = make_questionnaire(
        """
        - key: answer
          type: single_choice
          label: Odpowiedź
          choices:
            - {value: yes, label: Tak}
            - {value: no, label: Nie}
            - {value: 3, label: Trzy}
        """
    )
    assert [c.value for c in questionnaire.item("answer").choices] == ["yes", "no", "3"]


def test_required_yes_is_refused_because_only_true_and_false_are_booleans():
    errors = errors_of(questionnaire_text("- {key: a, type: integer, label: A, required: yes}"))
    assert has_error(errors, 8, "a", "required: must be true or false")


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("{key: a, type: single_choice, label: A, choices: [{value: x, label: X}, "
         "{value: x, label: Y}]}", "duplicate choice value 'x'"),
        ("{key: a, type: year_table, label: A, years: 0}", "years: must be between 1 and 10"),
        ("{key: a, type: year_table, label: A, value_type: short_text}", "value_type must be"),
        ("{key: a, type: calculated, label: A}", "missing required key 'calculation'"),
        ("{key: a, type: repeat, label: A}", "missing required key 'columns'"),
        ("{key: a, type: repeat, label: A, columns: [{key: f, type: file, label: F}]}",
         "type file cannot be a column"),
        ("{key: a, type: repeat, label: A, columns: [{key: c, type: integer, label: C, "
         "relevant: '1 = 1'}]}", "'relevant' is not allowed for a column"),
        ("{key: a, type: integer, label: A, constraint: '. > 0'}", "needs a constraint_message"),
        ("{key: a, type: integer, label: A, relevant: '${a} > 0'}", "refers to the item itself"),
        ("{key: a, type: integer, label: A, constraint: '${a} > 0', constraint_message: M}",
         "use '.' for the item's own value"),
        ("{key: a, type: integer, label: A, relevant: '. > 0'}", "relevant cannot use '.'"),
        ("{key: a, type: integer, label: A, relevant: '1 +'}", "relevant: unexpected end"),
        ("{key: a, type: short_text, label: A, max: 501}", "may not exceed 500"),
        ("{key: a, type: short_text, label: A, pattern: '(unclosed'}", "not a valid regular"),
        ("{key: a, type: date, label: A, min: 2018-12-31, max: 2018-01-01}", "min is greater"),
        ("{key: a, type: multiple_choice, label: A, max_selected: 3, choices: "
         "[{value: x, label: X}]}", "max_selected is greater than the number of choices"),
        ("{key: a, type: file, label: A, extensions: ['p d f']}", "invalid extension"),
        ("{key: a, type: integer, label: A, evidence: maybe}", "evidence: must be one of"),
        ("{key: a, type: integer, label: {en: Only English}}", "a Polish text (pl) is required"),
        ("{key: a, type: decimal, label: A, places: 9}", "places: must be at most 6"),
        ("{key: a, type: integer, label: A, min: .inf}", "min: must be a number"),
    ],
)
def test_type_specific_definition_problems_are_reported(item, fragment):
    errors = errors_of(questionnaire_text(f"- {item}"))
    assert any(key == "a" or (key or "").startswith("a.") for _, key, _ in errors), errors
    assert any(fragment in message for _, _, message in errors), errors


def test_cycle_among_calculations_and_relevance_is_reported():
    errors = errors_of(
        questionnaire_text(
            """
            - {key: a, type: calculated, label: A, calculation: "${b} + 1"}
            - {key: b, type: integer, label: B, relevant: "${a} > 1"}
            """
        )
    )
    assert has_error(errors, 8, "a", "dependency cycle: a -> b -> a")


def test_choice_values_and_repeat_columns_named_in_expressions_must_exist():
    errors = errors_of(
        questionnaire_text(
            """
            - {key: has, type: yes_no, label: H}
            - key: kinds
              type: multiple_choice
              label: K
              choices: [{value: street, label: Ulica}]
            - key: rows
              type: repeat
              label: R
              columns: [{key: amount, type: money, label: Kwota}]
            - key: t
              type: calculated
              label: T
              relevant: "${has} = 'tak' and selected(${kinds}, 'park')"
              calculation: "sum(${rows}, 'amuont')"
            """
        )
    )
    messages = [message for _, _, message in errors]
    assert any("has has no choice 'tak'" in m for m in messages)
    assert any("kinds has no choice 'park'" in m for m in messages)
    assert any("rows has no column 'amuont'" in m for m in messages)


def test_year_table_years_follow_the_reference_year(make_questionnaire):
    questionnaire = make_questionnaire("- {key: t, type: year_table, label: T, value_type: money}")
    item = questionnaire.item("t")
    assert item.years == (2016, 2017, 2018)
    assert item.min == Decimal(0) and item.places == 2


def test_date_bounds_are_dates(make_questionnaire):
    questionnaire = make_questionnaire("- {key: d, type: date, label: D, min: '2018-01-01'}")
    assert questionnaire.item("d").min == date(2018, 1, 1)


def test_file_version_must_match_its_folder(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    path = folder / "questionnaire.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(QuestionnaireInvalid, match="must equal the folder name '2019'"):
        load_questionnaire_file(path)


def test_file_loads_from_its_version_folder(tmp_path):
    folder = tmp_path / "2018"
    folder.mkdir()
    (folder / "questionnaire.yaml").write_bytes(GOOD.encode("utf-8"))
    loaded = load_questionnaire_file(folder / "questionnaire.yaml")
    assert loaded.sha256 == hashlib.sha256(GOOD.encode("utf-8")).hexdigest()


def test_file_that_is_not_utf8_is_refused(tmp_path):
    folder = tmp_path / "2018"
    folder.mkdir()
    (folder / "questionnaire.yaml").write_bytes(GOOD.encode("cp1250"))
    with pytest.raises(QuestionnaireInvalid, match="not UTF-8"):
        load_questionnaire_file(folder / "questionnaire.yaml")


def test_python_specific_yaml_tags_are_refused():
    errors = errors_of('version: !!python/object/apply:os.system ["echo hacked"]\n')
    assert errors[0][2].startswith("YAML error")
