"""Filling in a section: drafts, Polish numbers, validation next to fields, nothing half saved."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal.db import session
from portal.submissions.models import Answer, AnswerChange
from tests.sample_2018 import store_answers
from tests.submissions.conftest import form_fields, revisions_token, section_url


def _answers(submission) -> dict:
    rows = session.scalars(select(Answer).where(Answer.submission_id == submission.id))
    return {a.item_key: a.value for a in rows}


def _post(client, submission, key, data):
    url = section_url(submission, key)
    token = revisions_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"_revisions": token, **data})


def test_section_page_renders_every_item_with_labels_help_and_units(logged_in, submission):
    html = logged_in.get(section_url(submission, "budget")).get_data(as_text=True)
    assert "Wydatki ogółem budżetu gminy w 2018 r." in html
    assert 'id="item-budget_754_total"' in html
    assert "zł" in html
    assert 'name="budget_754_by_year-y2016"' in html


def test_section_navigation_links_every_section_and_marks_the_one_shown(logged_in, submission):
    html = logged_in.get(section_url(submission, "cctv")).get_data(as_text=True)
    nav = re.search(r'<ul class="section-nav">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)

    assert len(links) == 8
    assert links[0] == (section_url(submission, "identification"), "", "1. Dane kontaktowe")
    assert [(href, title) for href, current, title in links if current] == [
        (section_url(submission, "cctv"), "4. Monitoring wizyjny")]
    logged_in.post("/language/en", data={"next": "/"})
    english = logged_in.get(section_url(submission, "budget")).get_data(as_text=True)
    assert 'aria-current="page">2. Municipal public-safety expenditure</a>' in english
    assert "2. Wydatki gminy" not in english


def test_saved_draft_is_there_after_leaving_the_page(logged_in, submission):
    response = _post(logged_in, submission, "budget", {"budget_total_expenditure": "1 234 567,89",
                                                       "budget_754_total": "250000.5"})
    assert response.status_code == 302

    assert _answers(submission) == {"budget_total_expenditure": "1234567.89",
                                    "budget_754_total": "250000.50"}
    html = logged_in.get(section_url(submission, "budget")).get_data(as_text=True)
    assert 'value="1\xa0234\xa0567,89"' in html  # shown back the Polish way


def test_text_in_a_number_field_is_refused_next_to_the_field_and_nothing_is_saved(
        logged_in, submission):
    response = _post(logged_in, submission, "budget", {"budget_total_expenditure": "dużo",
                                                       "budget_754_total": "1000"})
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'href="#item-budget_total_expenditure"' in html  # the summary links to the field
    assert 'id="errors-budget_total_expenditure"' in html
    assert 'value="dużo"' in html  # what they typed is kept
    assert _answers(submission) == {}


def test_negative_amount_is_refused(logged_in, submission):
    response = _post(logged_in, submission, "budget", {"budget_754_total": "-5"})
    assert response.status_code == 422
    assert _answers(submission) == {}


def test_megabyte_pasted_into_a_short_text_is_refused(logged_in, submission):
    response = _post(logged_in, submission, "identification",
                     {"respondent_name": "x" * 1_000_000})
    assert response.status_code == 422
    assert _answers(submission) == {}


def test_html_typed_into_an_answer_is_shown_escaped(logged_in, submission):
    _post(logged_in, submission, "identification",
          {"respondent_name": "<script>alert(1)</script>"})
    html = logged_in.get(section_url(submission, "identification")).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_item_key_in_a_post_is_refused_and_nothing_saved(logged_in, submission):
    response = _post(logged_in, submission, "budget", {"budget_754_total": "10",
                                                       "is_admin": "1"})
    assert response.status_code == 400
    assert "is_admin" in response.get_data(as_text=True)
    assert _answers(submission) == {}


def test_tampered_revisions_field_is_refused(logged_in, submission):
    response = logged_in.post(section_url(submission, "budget"),
                              data={"_revisions": "forged", "budget_754_total": "10"})
    assert response.status_code == 400
    assert _answers(submission) == {}


def test_items_of_a_no_answer_are_hidden_and_not_counted(logged_in, submission):
    _post(logged_in, submission, "cctv", {"has_cctv": "no"})
    html = logged_in.get(section_url(submission, "cctv")).get_data(as_text=True)
    assert 'id="item-cctv_retention_days" data-item="cctv_retention_days" hidden' in html

    dashboard = logged_in.get("/ankieta").get_data(as_text=True)
    cctv_row = re.search(r'sections/cctv">.*?</tr>', dashboard, re.S).group(0)
    assert '<td class="num">1 / 1</td>' in cctv_row  # only "has CCTV?" is required now


def test_cross_field_rule_is_shown_after_saving_with_the_definition_message(
        logged_in, submission):
    _post(logged_in, submission, "cctv", {"has_cctv": "yes", "cctv_events_detected": "10",
                                          "cctv_events_passed_to_police": "20"})
    html = logged_in.get(section_url(submission, "cctv")).get_data(as_text=True)
    assert 'id="errors-cctv_events_passed_to_police"' in html


def test_every_change_goes_to_the_append_only_history(logged_in, submission, kornik_official):
    _post(logged_in, submission, "budget", {"budget_754_total": "100"})
    _post(logged_in, submission, "budget", {"budget_754_total": "200"})

    changes = session.scalars(select(AnswerChange).where(
        AnswerChange.item_key == "budget_754_total").order_by(AnswerChange.id)).all()
    assert [(c.old_value, c.new_value, c.actor_id) for c in changes] == [
        (None, "100.00", kornik_official.id), ("100.00", "200.00", kornik_official.id)]


def test_repeating_rows_are_saved_and_a_new_blank_row_is_offered(logged_in, submission):
    response = _post(logged_in, submission, "public_buildings", {
        "building_investments-0-object": "SP 1", "building_investments-0-scope": "alarm",
        "building_investments-0-amount": "12 000,50"})
    assert response.status_code == 302
    assert _answers(submission)["building_investments"] == [
        {"object": "SP 1", "scope": "alarm", "amount": "12000.50"}]
    html = logged_in.get(section_url(submission, "public_buildings")).get_data(as_text=True)
    assert 'name="building_investments-1-object"' in html
    # A screen reader names each cell by its column and its own row.
    assert re.search(r'aria-label="Zakres prac, wiersz 1"[^>]*name="building_investments-0-scope"',
                     html)
    assert re.search(r'aria-label="Kwota wydatków w 2018 r., wiersz 2"[^>]*'
                     r'name="building_investments-1-amount"', html)


def test_section_page_and_its_unchanged_save_need_as_many_queries_for_30_items_as_for_5(
        logged_in, submission, kornik_official, query_counter):
    store_answers(submission, user=kornik_official)
    gets, saves = {}, {}
    for key in ("identification", "cctv"):  # 5 and 30 items
        url = section_url(submission, key)
        fields = form_fields(logged_in.get(url).get_data(as_text=True))
        query_counter["n"] = 0
        assert logged_in.get(url).status_code == 200
        gets[key] = query_counter["n"]
        query_counter["n"] = 0
        response = logged_in.post(url, data=MultiDict([*fields, ("_action", "save")]))
        assert response.status_code == 302
        saves[key] = query_counter["n"]

    assert gets["cctv"] == gets["identification"] <= 10
    assert saves["cctv"] == saves["identification"] <= 10
    assert session.scalar(select(func.count()).select_from(AnswerChange)) == 0  # nothing written
