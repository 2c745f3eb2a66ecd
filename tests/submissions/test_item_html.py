"""A section page shows stored values exactly as the WTForms form that reads the save would.

GET pages draw their inputs from `item_display` and `ShownValue` without a form object; these
tests hold every kind of widget against WTForms' own idea of what is chosen or filled in.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from markupsafe import escape

from portal.questionnaires.forms import build_section_form
from portal.questionnaires.loader import load_questionnaire
from portal.questionnaires.types import ITEM_TYPES
from portal.submissions.item_display import item_displays
from portal.submissions.item_html import _item, render_items
from portal.submissions.item_view import ItemView, shown_value
from tests.questionnaires.conftest import questionnaire_text

ITEMS = """
- {key: name, type: short_text, label: Nazwa}
- {key: note, type: long_text, label: Uwagi}
- {key: staffed, type: yes_no, label: Całodobowo}
- key: many
  type: single_choice
  label: Wybór z listy
  choices: [{value: c1, label: "1"}, {value: c2, label: "2"}, {value: c3, label: "3"},
            {value: c4, label: "4"}, {value: c5, label: "5"}, {value: c6, label: "6"},
            {value: c7, label: "7"}, {value: c8, label: "8"}, {value: c9, label: "9"}]
- key: kinds
  type: multiple_choice
  label: Rodzaje
  choices: [{value: a, label: A}, {value: b, label: "B & <b>"}, {value: c, label: C}]
- {key: spending, type: year_table, label: Wydatki, value_type: money, years: 2}
- {key: cameras, type: integer, label: Kamery}
"""

STORED = {"name": 'Straż "Miejska" <b>', "note": "wiersz 1\nwiersz 2", "staffed": "no",
          "many": "c3", "kinds": ["b", "c"], "spending": {"2017": "1200.50", "2018": "0.00"},
          "cameras": 1234}


@pytest.fixture
def questionnaire():
    return load_questionnaire(questionnaire_text(ITEMS), "test.yaml").questionnaire


def _page_html(questionnaire, stored: dict, hidden: frozenset = frozenset()) -> str:
    return str(render_items(_page(questionnaire, stored, hidden)))


def _page(questionnaire, stored: dict, hidden: frozenset = frozenset()) -> SimpleNamespace:
    section = questionnaire.sections[0]
    items = questionnaire.items_by_key
    values = {key: ITEM_TYPES[items[key].type].from_json(value, items[key])
              for key, value in stored.items()}
    views = []
    for item, display in zip(section.items, item_displays(questionnaire, section, "pl"),
                             strict=True):
        kind = ITEM_TYPES[item.type]
        data = kind.form_data(values[item.key], item, "pl") if item.key in values else None
        views.append(ItemView(item=item, display=display, relevant=item.key not in hidden,
                              field=shown_value(display.widget, data)))
    return SimpleNamespace(queries={}, items=views, questionnaire=questionnaire, locale="pl",
                           submission=SimpleNamespace(id=1, status="draft"), user=None,
                           read_only_reason=None)


def _wtforms_form(questionnaire, stored: dict):
    section = questionnaire.sections[0]
    data = {}
    for item in section.items:
        if item.key in stored:
            kind = ITEM_TYPES[item.type]
            data[item.key] = kind.form_data(kind.from_json(stored[item.key], item), item, "pl")
    return build_section_form(section, questionnaire, "pl")(formdata=None, data=data,
                                                               meta={"csrf": False})


@pytest.mark.parametrize("stored", [STORED, {}], ids=["answered", "empty"])
def test_every_widget_shows_what_wtforms_would(app, questionnaire, stored):
    with app.test_request_context("/"):
        html = _page_html(questionnaire, stored)
        form = _wtforms_form(questionnaire, stored)

        for key in ("staffed", "kinds"):  # radio buttons and checkboxes
            expected = {value for value, _label, checked, _attrs in form[key].iter_choices()
                        if checked}
            shown = set(re.findall(rf'name="{key}" type="\w+" value="(\w+)" checked', html))
            assert shown == expected, key
        expected = [value for value, _label, selected, _attrs in form["many"].iter_choices()
                    if selected]
        assert re.findall(r'<option value="(\w*)" selected>', html) == expected
        for key in ("name", "cameras"):
            shown = re.search(rf'name="{key}"[^>]*value="([^"]*)"', html).group(1)
            assert shown == escape(form[key]._value()), key
        note = re.search(r'<textarea id="note"[^>]*>\n(.*?)</textarea>', html, re.S).group(1)
        assert note == (form["note"]._value() or "")
        for year in ("2017", "2018"):
            shown = re.search(rf'name="spending-y{year}"[^>]*value="([^"]*)"', html).group(1)
            assert shown == (form["spending"][f"y{year}"].data or ""), year


def test_stored_text_and_choice_labels_are_escaped(app, questionnaire):
    with app.test_request_context("/"):
        html = _page_html(questionnaire, STORED)
    assert "<b>" not in html
    assert 'value="Straż &#34;Miejska&#34; &lt;b&gt;"' in html
    assert "B &amp; &lt;b&gt;" in html
    assert 'value="1\N{NO-BREAK SPACE}234"' in html  # a Polish number, as typed back in


def test_items_kept_from_an_earlier_page_are_drawn_as_the_full_code_draws_them(app,
                                                                              questionnaire):
    # Plain items are kept per display and state; a page after other pages must still show
    # its own values and visibility, escaped.
    states = [
        (STORED, frozenset()),
        ({}, frozenset()),
        ({"name": "a < b & c", "staffed": "yes", "many": "c9", "cameras": 7}, frozenset()),
        (STORED, frozenset({"name", "staffed", "many"})),
        ({"name": "\N{NO-BREAK SPACE}", "note": "", "staffed": "no"}, frozenset({"note"})),
        (STORED, frozenset()),
    ]
    with app.test_request_context("/"):
        for stored, hidden in states:
            page = _page(questionnaire, stored, hidden)
            in_full = "\n".join(_item(view, page, None) for view in page.items)
            assert str(render_items(page)) == in_full, (stored, hidden)
