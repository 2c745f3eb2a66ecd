import json
from datetime import date
from decimal import Decimal

import pytest

from portal.questionnaires.itemtype import InvalidAnswer
from portal.questionnaires.types import ITEM_TYPES, item_type

ITEMS = """
- {key: count, type: integer, label: Liczba, min: 0, max: 1000, soft_max: 100}
- {key: ratio, type: decimal, label: Wskaźnik, places: 2}
- {key: cost, type: money, label: Koszt, max: 1000000}
- {key: loss, type: money, label: Saldo, min: -1000}
- {key: share, type: percent, label: Udział}
- {key: has, type: yes_no, label: Czy}
- key: kind
  type: single_choice
  label: Rodzaj
  choices: [{value: street, label: {pl: Ulica, en: Street}}, {value: park, label: Park}]
- key: kinds
  type: multiple_choice
  label: Rodzaje
  max_selected: 2
  choices:
    - {value: a, label: A}
    - {value: b, label: B}
    - {value: c, label: C}
- {key: name, type: short_text, label: Nazwa, max: 20, pattern: '[A-Z].*'}
- {key: notes, type: long_text, label: Uwagi}
- {key: day, type: date, label: Dzień, min: 2018-01-01, max: 2018-12-31}
- {key: scan, type: file, label: Skan, extensions: [pdf], max_size_mb: 1}
- {key: spend, type: year_table, label: Wydatki, value_type: money, max: 1000}
- key: rows
  type: repeat
  label: Obiekty
  max_rows: 2
  columns:
    - {key: object, type: short_text, label: Obiekt, required: true}
    - {key: amount, type: money, label: Kwota}
- key: total
  type: calculated
  label: Suma
  value_type: money
  calculation: "sum(${rows}, 'amount')"
"""

SHA = "a" * 64


@pytest.fixture
def items(make_questionnaire):
    return make_questionnaire(ITEMS).items_by_key


def parse(items, key, raw):
    item = items[key]
    return item_type(item).parse(raw, item)


def check(items, key, value):
    item = items[key]
    return item_type(item).check(value, item)


def test_registry_has_one_type_per_documented_name():
    assert set(ITEM_TYPES) == {
        "integer", "decimal", "money", "percent", "yes_no", "single_choice", "multiple_choice",
        "short_text", "long_text", "date", "file", "year_table", "repeat", "calculated",
    }


@pytest.mark.parametrize(
    ("key", "raw", "value", "stored"),
    [
        ("count", "1 250", 1250, 1250),
        ("count", "0", 0, 0),
        ("ratio", "12,5", Decimal("12.50"), "12.50"),
        ("cost", "1 234 567,89 zł", Decimal("1234567.89"), "1234567.89"),
        ("cost", "5", Decimal("5.00"), "5.00"),
        ("share", "12,5%", Decimal("12.5"), "12.5"),
        ("has", "no", "no", "no"),
        ("kind", "park", "park", "park"),
        ("kinds", ["c", "a"], ["a", "c"], ["a", "c"]),
        ("name", "  Gmina  Nowa ", "Gmina Nowa", "Gmina Nowa"),
        ("notes", "linia 1\r\nlinia 2", "linia 1\nlinia 2", "linia 1\nlinia 2"),
        ("day", "2018-05-01", date(2018, 5, 1), "2018-05-01"),
        ("day", "01.05.2018", date(2018, 5, 1), "2018-05-01"),
        (
            "scan",
            {"name": "a.pdf", "sha256": SHA, "size": 10, "stored_as": "x/y"},
            {"name": "a.pdf", "sha256": SHA, "size": 10, "stored_as": "x/y"},
            {"name": "a.pdf", "sha256": SHA, "size": 10, "stored_as": "x/y"},
        ),
        (
            "spend",
            {"y2016": "1,5", "y2017": "", "y2018": "3"},
            {"2016": Decimal("1.50"), "2017": None, "2018": Decimal("3.00")},
            {"2016": "1.50", "2017": None, "2018": "3.00"},
        ),
        (
            "rows",
            [{"object": "Szkoła", "amount": "1 000"}, {"object": "", "amount": ""}],
            [{"object": "Szkoła", "amount": Decimal("1000.00")}],
            [{"object": "Szkoła", "amount": "1000.00"}],
        ),
    ],
)
def test_form_input_parses_to_canonical_value_and_survives_a_json_round_trip(
    items, key, raw, value, stored
):
    item = items[key]
    kind = item_type(item)
    parsed = kind.parse(raw, item)
    assert parsed == value
    data = kind.to_json(parsed, item)
    assert data == stored
    assert json.loads(json.dumps(data)) == data  # plain JSON, no Decimal or float
    assert kind.from_json(json.loads(json.dumps(data)), item) == value


@pytest.mark.parametrize(
    "key", ["count", "ratio", "cost", "share", "has", "kind", "kinds", "name", "notes", "day",
            "scan", "spend", "rows"],
)
def test_blank_input_is_empty_not_zero(items, key):
    item = items[key]
    kind = item_type(item)
    blank = {"kinds": [], "spend": {"y2016": "", "y2017": " "}, "rows": [{"object": ""}],
             "scan": None}.get(key, "   ")
    assert kind.parse(blank, item) is None
    assert kind.is_empty(None)


def test_zero_and_no_are_answers_not_empty(items):
    assert not item_type(items["count"]).is_empty(parse(items, "count", "0"))
    assert not item_type(items["has"]).is_empty(parse(items, "has", "no"))


def test_money_is_never_stored_as_a_float(items):
    item = items["cost"]
    stored = item_type(item).to_json(Decimal("0.1") + Decimal("0.2"), item)
    assert stored == "0.30" and isinstance(stored, str)
    with pytest.raises(ValueError):
        item_type(item).from_json(0.3, item)


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("count", "12,5", "Wpisz liczbę całkowitą, np. 1 250."),
        ("count", "dwanaście", "Wpisz liczbę całkowitą, np. 1 250."),
        ("ratio", "1,234", "Dopuszczalna liczba miejsc po przecinku: 2."),
        ("cost", "1.234,56", "Wpisz kwotę w złotych, np. 1 234 567,89."),
        ("cost", "1,005", "Kwota może mieć najwyżej 2 miejsca po przecinku (grosze)."),
        ("share", "abc", "Wpisz wartość procentową, np. 12,5."),
        ("has", "maybe", "Wybierz „Tak” albo „Nie”."),
        ("kind", "forest", "Wybierz jedną z podanych odpowiedzi."),
        ("kinds", ["a", "zzz"], "Wybierz odpowiedzi spośród podanych."),
        ("name", "A" * 21, "Tekst jest za długi: 21 zn., dopuszczalne 20 zn."),
        ("name", "Ab\x00c", "Tekst zawiera niedozwolone znaki sterujące."),
        ("day", "31/12/2018", "Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31."),
        ("day", "2018-02-30", "Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31."),
        ("day", "1899-12-31", "Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31."),
        ("day", 20181231, "Wpisz datę w formacie RRRR-MM-DD, np. 2018-12-31."),
        ("name", 12, "Wpisz tekst."),
        ("scan", {"name": "a.pdf"}, "Nieprawidłowe dane pliku."),
        ("spend", {"y2017": "x"}, "Rok 2017: Wpisz kwotę w złotych, np. 1 234 567,89."),
        ("rows", [{"object": "A", "amount": "x"}],
         "Wiersz 1, „Kwota”: Wpisz kwotę w złotych, np. 1 234 567,89."),
    ],
)
def test_bad_input_is_refused_with_a_polish_message(items, key, raw, message):
    with pytest.raises(InvalidAnswer) as raised:
        parse(items, key, raw)
    assert message in raised.value.messages


def test_a_pasted_megabyte_is_refused_not_stored(items):
    with pytest.raises(InvalidAnswer, match="Tekst jest za długi: 1048576 zn., dopuszczalne 10000"):
        parse(items, "notes", "x" * 1024 * 1024)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("count", 1001, "Wartość nie może być większa niż 1\u00a0000."),
        ("count", -1, "Wartość nie może być mniejsza niż 0."),
        ("cost", Decimal("-0.01"), "Kwota nie może być ujemna."),
        ("loss", Decimal("-1000.01"), "Wartość nie może być mniejsza niż -1\u00a0000."),
        ("share", Decimal("100.1"), "Wartość nie może być większa niż 100."),
        ("kinds", ["a", "b", "c"], "Maksymalna liczba zaznaczonych odpowiedzi: 2."),
        ("name", "lowercase", "Tekst ma niepoprawny format."),
        ("day", date(2019, 1, 1), "Data nie może być późniejsza niż 31.12.2018."),
        ("scan", {"name": "a.exe", "sha256": SHA, "size": 1, "stored_as": "s"},
         "Niedozwolony typ pliku. Dozwolone: pdf."),
        ("scan", {"name": "a.pdf", "sha256": SHA, "size": 2 * 1024 * 1024, "stored_as": "s"},
         "Plik jest za duży (2,0 MB), dopuszczalne 1 MB."),
        ("spend", {"2016": Decimal(2000), "2017": None, "2018": None},
         "Rok 2016: Wartość nie może być większa niż 1\u00a0000."),
        ("rows", [{"object": "A", "amount": None}] * 3, "Maksymalna liczba wierszy: 2."),
    ],
)
def test_check_names_the_broken_limit(items, key, value, message):
    assert message in check(items, key, value)


def test_values_within_limits_pass_the_check(items):
    assert check(items, "count", 1000) == []
    assert check(items, "cost", Decimal(0)) == []
    assert check(items, "name", "Gmina") == []
    assert check(items, "loss", Decimal(-1000)) == []


def test_soft_bounds_are_warnings_not_errors(items):
    item = items["count"]
    assert item_type(item).check(500, item) == []
    assert item_type(item).warnings(500, item) == ["Wartość nietypowo wysoka (powyżej 100)."]


def test_gaps_in_a_partly_filled_table_are_reported_separately(items):
    rows = items["rows"]
    value = [{"object": None, "amount": Decimal(1)}]
    assert item_type(rows).check(value, rows) == []
    assert item_type(rows).incomplete(value, rows) == [
        "Wiersz 1, „Obiekt”: To pole jest wymagane."
    ]


@pytest.mark.parametrize(
    ("key", "value", "polish", "english"),
    [
        ("count", 1250, "1\u00a0250", "1,250"),
        ("cost", Decimal("1234567.8"), "1\u00a0234\u00a0567,80", "1,234,567.80"),
        ("has", "yes", "Tak", "Yes"),
        ("kind", "street", "Ulica", "Street"),
        ("kinds", ["a", "b"], "A; B", "A; B"),
        ("day", date(2018, 12, 31), "31.12.2018", "2018-12-31"),
        ("spend", {"2016": Decimal(1), "2017": None}, "2016: 1,00; 2017: —", "2016: 1.00; 2017: —"),
        ("total", Decimal("10.5"), "10,50", "10.50"),
        ("count", None, "", ""),
    ],
)
def test_values_are_formatted_for_each_language(items, key, value, polish, english):
    item = items[key]
    assert item_type(item).format(value, item, "pl") == polish
    assert item_type(item).format(value, item, "en") == english


def test_calculated_value_is_rounded_half_up_to_its_type(items):
    item = items["total"]
    assert item_type(item).parse(Decimal("2.345"), item) == Decimal("2.35")
    assert item_type(item).to_json(Decimal("2.35"), item) == "2.35"
    assert item_type(item).build_field(item, "pl") is None


@pytest.mark.parametrize("stored", ["0", "1250", "1250.5", "1250.50", "007.10", "0.125",
                                    "-3.50", "1e5", "1,5", "12.", "1234567890123456789", ""])
@pytest.mark.parametrize("key", ["count", "ratio", "cost", "loss", "share"])
def test_reading_a_stored_number_gives_what_parsing_it_gives(make_questionnaire, stored, key):
    item = make_questionnaire(ITEMS).item(key)
    kind = item_type(item)

    def outcome(read):
        try:
            value = read(stored, item)
        except InvalidAnswer as error:
            return type(error)
        return value, str(value), type(value)

    assert outcome(kind.from_json) == outcome(kind.parse)
