from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField

from portal.questionnaires.forms import build_section_form, read_section_form, section_form_data

ITEMS = """
- {key: cost, type: money, label: {pl: Koszt, en: Cost}, help: Kwota brutto}
- {key: has, type: yes_no, label: Czy}
- key: kind
  type: single_choice
  label: Rodzaj
  choices: [{value: a, label: A}, {value: b, label: B}]
- key: many
  type: single_choice
  label: Dużo
  choices: [{value: c1, label: "1"}, {value: c2, label: "2"}, {value: c3, label: "3"},
            {value: c4, label: "4"}, {value: c5, label: "5"}, {value: c6, label: "6"},
            {value: c7, label: "7"}, {value: c8, label: "8"}, {value: c9, label: "9"}]
- key: kinds
  type: multiple_choice
  label: Rodzaje
  choices: [{value: a, label: A}, {value: b, label: B}]
- {key: name, type: short_text, label: Nazwa, max: 10}
- {key: notes, type: long_text, label: Uwagi}
- {key: day, type: date, label: Dzień}
- {key: scan, type: file, label: Skan}
- {key: spend, type: year_table, label: Wydatki, value_type: money}
- key: rows
  type: repeat
  label: Obiekty
  columns:
    - {key: object, type: short_text, label: Obiekt}
    - {key: amount, type: money, label: Kwota}
- {key: total, type: calculated, label: Suma, calculation: "sum(${rows}, 'amount')"}
"""


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY="test", BABEL_DEFAULT_LOCALE="pl")
    Babel(app)
    return app


@pytest.fixture
def questionnaire(make_questionnaire):
    return make_questionnaire(ITEMS)


@pytest.fixture
def section(questionnaire):
    return questionnaire.sections[0]


def test_each_type_builds_its_own_field(app, questionnaire, section):
    with app.test_request_context():
        form = build_section_form(section, questionnaire, "pl")()
    expected = {
        "cost": StringField, "has": RadioField, "kind": RadioField, "many": SelectField,
        "name": StringField, "notes": TextAreaField, "day": StringField, "scan": FileField,
        "spend": FormField, "rows": FieldList,
    }
    for key, field_class in expected.items():
        assert isinstance(form[key], field_class), key
    assert "total" not in form  # calculated: shown read-only, never an input
    assert form["cost"].render_kw["inputmode"] == "decimal"
    assert form["name"].render_kw["maxlength"] == 10
    assert form["day"].render_kw["type"] == "date"
    assert form["cost"].description == "Kwota brutto"
    assert [f.name for f in form["spend"]] == ["spend-y2016", "spend-y2017", "spend-y2018"]


def test_labels_follow_the_locale_with_polish_fallback(app, questionnaire, section):
    with app.test_request_context():
        english = build_section_form(section, questionnaire, "en")()
        assert english["cost"].label.text == "Cost"
        assert english["name"].label.text == "Nazwa"
        choices = [(c.value, c.label) for c in english["has"].choices]
        assert choices == [("yes", "Yes"), ("no", "No")]


def test_repeat_shows_stored_rows_plus_one_blank_row(app, questionnaire, section):
    with app.test_request_context():
        form = build_section_form(section, questionnaire, "pl", rows={"rows": 2})()
        assert len(form["rows"]) == 3


def test_form_classes_are_cached_per_locale_and_row_count(questionnaire, section):
    first = build_section_form(section, questionnaire, "pl")
    assert build_section_form(section, questionnaire, "pl") is first
    assert build_section_form(section, questionnaire, "en") is not first
    assert build_section_form(section, questionnaire, "pl", rows={"rows": 1}) is not first


def test_submitted_polish_input_is_read_into_canonical_values(app, questionnaire, section):
    data = {
        "cost": "1 234,50", "has": "yes", "kind": "b", "kinds": ["b", "a"], "name": " Gmina ",
        "notes": "", "day": "2018-12-31", "spend-y2016": "1\u00a0000", "spend-y2018": "2,5",
        "rows-0-object": "Szkoła", "rows-0-amount": "100", "rows-1-object": "",
    }
    with app.test_request_context(method="POST", data=data):
        form = build_section_form(section, questionnaire, "pl")()
        values, errors = read_section_form(form, section)
    assert errors == {}
    assert values["cost"] == Decimal("1234.50")
    assert values["has"] == "yes" and values["kind"] == "b" and values["kinds"] == ["a", "b"]
    assert values["name"] == "Gmina" and values["notes"] is None
    assert values["spend"] == {"2016": Decimal("1000.00"), "2017": None, "2018": Decimal("2.50")}
    assert values["rows"] == [{"object": "Szkoła", "amount": Decimal("100.00")}]
    assert values["many"] is None  # left empty: stored as cleared
    assert "scan" not in values and "total" not in values


def test_bad_input_gives_polish_messages_per_field_and_no_value(app, questionnaire, section):
    data = {"cost": "-5", "name": "x" * 11, "day": "jutro", "has": "nie wiem"}
    with app.test_request_context(method="POST", data=data):
        form = build_section_form(section, questionnaire, "pl")()
        values, errors = read_section_form(form, section)
    assert errors == {
        "cost": ["Kwota nie może być ujemna."],
        "name": ["Tekst jest za długi: 11 zn., dopuszczalne 10 zn."],
        "day": ["Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31."],
        "has": ["Wybierz „Tak” albo „Nie”."],
    }
    assert not set(errors) & set(values)


def test_stored_values_fill_the_form_in_polish_format(app, questionnaire, section):
    stored = {
        "cost": Decimal("1234567.5"), "has": "no", "kinds": ["a"],
        "spend": {"2016": Decimal(1), "2017": None, "2018": None},
        "rows": [{"object": "Remiza", "amount": Decimal(10)}],
    }
    with app.test_request_context():
        form_class = build_section_form(section, questionnaire, "pl", rows={"rows": 1})
        form = form_class(data=section_form_data(section, stored, "pl"))
    assert form["cost"].data == "1\u00a0234\u00a0567,50"
    assert form["has"].data == "no" and form["kinds"].data == ["a"]
    assert form["spend"]["y2016"].data == "1,00"
    assert form["rows"][0]["object"].data == "Remiza" and len(form["rows"]) == 2


def test_form_round_trip_keeps_the_value(app, questionnaire, section):
    stored = {"cost": Decimal("98765.43")}
    with app.test_request_context():
        text = section_form_data(section, stored, "pl")["cost"]
    with app.test_request_context(method="POST", data={"cost": text}):
        form = build_section_form(section, questionnaire, "pl")()
        values, _ = read_section_form(form, section)
    assert values["cost"] == Decimal("98765.43")
