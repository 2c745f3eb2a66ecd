"""The review page lists what is missing; submitting needs everything valid and the declaration."""

from __future__ import annotations

from datetime import date, timedelta

from portal.db import session
from portal.submissions.models import Submission
from tests.sample_2018 import COMPLETE_2018, store_answers
from tests.submissions.conftest import revisions_token, section_url

DECLARATION = {"name": "Katarzyna Kórnicka", "position": "Sekretarz gminy", "accept": "y"}


def test_review_page_lists_missing_required_items_each_linking_to_its_field(
        logged_in, submission):
    html = logged_in.get(f"/submissions/{submission.id}/review").get_data(as_text=True)

    assert f"/submissions/{submission.id}/sections/budget#item-budget_754_total" in html
    assert "To pole jest wymagane." in html
    assert "disabled" in html  # the submit button waits until everything is valid


def test_submitting_an_incomplete_questionnaire_is_refused(logged_in, submission):
    response = logged_in.post(f"/submissions/{submission.id}/review", data=DECLARATION)

    assert response.status_code == 422
    assert session.get(Submission, submission.id).status == "draft"


def test_complete_questionnaire_is_submitted_with_the_declaration_and_becomes_read_only(
        logged_in, submission, kornik_official):
    store_answers(submission, user=kornik_official)

    response = logged_in.post(f"/submissions/{submission.id}/review", data=DECLARATION)

    assert response.status_code == 302
    session.refresh(submission)
    assert submission.status == "submitted" and submission.submitted_at is not None
    assert submission.declarant_position == "Sekretarz gminy"
    dashboard = logged_in.get("/ankieta").get_data(as_text=True)
    assert "Przesłana" in dashboard
    page = logged_in.get(section_url(submission, "budget")).get_data(as_text=True)
    assert "nie można jej już zmieniać" in page
    token = revisions_token(page)
    save = logged_in.post(section_url(submission, "budget"),
                          data={"_revisions": token, "budget_754_total": "1"})
    assert save.status_code == 403
    assert submission.status == "submitted"


def test_declaration_must_be_confirmed(logged_in, submission, kornik_official):
    store_answers(submission, user=kornik_official)

    response = logged_in.post(f"/submissions/{submission.id}/review",
                              data={**DECLARATION, "accept": ""})

    assert response.status_code == 422
    assert session.get(Submission, submission.id).status == "draft"


def test_failing_cross_field_rule_blocks_submission(logged_in, submission, kornik_official):
    answers = dict(COMPLETE_2018, cctv_events_passed_to_police=5000)
    store_answers(submission, answers, user=kornik_official)

    html = logged_in.get(f"/submissions/{submission.id}/review").get_data(as_text=True)
    response = logged_in.post(f"/submissions/{submission.id}/review", data=DECLARATION)

    assert "item-cctv_events_passed_to_police" in html
    assert response.status_code == 422


def test_nothing_can_be_changed_after_the_closing_date(client, kornik_official):
    from tests import factories

    today = date.today()
    factories.open_edition_2018(opens_on=today - timedelta(days=30),
                                closes_on=today - timedelta(days=1))
    factories.login(client, kornik_official)
    dashboard = client.get("/ankieta").get_data(as_text=True)
    assert "nie przyjmuje już zmian" in dashboard

    submission = session.query(Submission).one()
    page = client.get(section_url(submission, "budget")).get_data(as_text=True)
    response = client.post(section_url(submission, "budget"),
                           data={"_revisions": revisions_token(page), "budget_754_total": "5"})
    assert response.status_code == 403
