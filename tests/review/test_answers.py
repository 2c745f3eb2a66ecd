"""Verifying answers one by one or in bulk, and opening queries, without overwriting anyone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.review import services
from portal.review.models import AnswerReview, ReviewQuery
from portal.review.page import build_review
from portal.submissions.models import Answer
from tests.review.conftest import (
    as_user,
    fresh,
    item_page_html,
    page_url,
    post_query,
    post_verify,
    review_version,
)
from tests.review.helpers import submit_for_tests
from tests.sample_2018 import COMPLETE_2018, store_answers


def _review(submission, key):
    return session.scalar(select(AnswerReview).where(AnswerReview.submission_id == submission.id,
                                                     AnswerReview.item_key == key))


def test_assigned_reviewer_verifies_an_answer(client, assigned, reviewer):
    as_user(client, reviewer)
    response = post_verify(client, assigned, "budget_754_total")

    assert "Odpowiedź zweryfikowana." in response.get_data(as_text=True)
    review = _review(assigned, "budget_754_total")
    assert review.status == "verified" and review.verified_by_id == reviewer.id
    data = build_review(assigned, with_flags=False)
    assert data.row("budget_754_total").status == "verified"


def test_a_second_reviewer_acting_on_the_same_answer_is_refused_and_nothing_is_overwritten(
        client, app, assigned, reviewer, admin):
    as_user(client, reviewer)
    reviewer_version = review_version(item_page_html(client, assigned, "budget_754_total"),
                                      "budget_754_total")
    other = app.test_client()
    as_user(other, admin)
    admin_version = review_version(item_page_html(other, assigned, "budget_754_total"),
                                   "budget_754_total")

    post_verify(client, assigned, "budget_754_total", version=reviewer_version)
    response = post_query(other, assigned, "budget_754_total", "Proszę o Rb-28S",
                          version=admin_version)

    assert "Ktoś inny właśnie zmienił ocenę pola" in response.get_data(as_text=True)
    review = _review(assigned, "budget_754_total")
    assert review.status == "verified" and review.verified_by_id == reviewer.id
    assert session.scalar(select(func.count(ReviewQuery.id))) == 0


def test_two_verifications_posted_with_the_same_version_write_once(client, assigned, reviewer):
    as_user(client, reviewer)
    post_verify(client, assigned, "budget_754_total", version=0)
    second = post_verify(client, assigned, "budget_754_total", version=0)
    assert "Ktoś inny właśnie zmienił ocenę pola" in second.get_data(as_text=True)
    assert _review(assigned, "budget_754_total").version == 1


def test_compare_and_set_refuses_a_stale_version_in_the_service(assigned, reviewer):
    services.verify(assigned, "budget_754_total", expected_version=0, actor=reviewer)
    services.open_query(assigned, "budget_754_total", "Dlaczego?", expected_version=1,
                        actor=reviewer)
    with pytest.raises(services.StaleAnswerReview):
        services.open_query(assigned, "guard_fte", "x", expected_version=5, actor=reviewer)
    assert _review(assigned, "budget_754_total").version == 2


def test_query_needs_a_comment(client, assigned, reviewer):
    as_user(client, reviewer)
    response = post_query(client, assigned, "budget_754_total", "   ")
    assert "Wpisz treść pytania" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(ReviewQuery.id))) == 0


def test_query_clears_the_verification_and_blocks_verifying_until_closed(
        client, assigned, reviewer):
    as_user(client, reviewer)
    post_verify(client, assigned, "guard_fte")
    post_query(client, assigned, "guard_fte", "Czy to etaty czy osoby?")
    assert build_review(assigned, with_flags=False).row("guard_fte").status == "queried"

    refused = post_verify(client, assigned, "guard_fte",
                          version=_review(assigned, "guard_fte").version)
    assert "ma otwarte pytanie" in refused.get_data(as_text=True)

    query = session.scalar(select(ReviewQuery))
    client.post(f"/review/queries/{query.id}/close", data={"comment": "Wyjaśnione telefonicznie"})
    post_verify(client, assigned, "guard_fte")
    assert build_review(assigned, with_flags=False).row("guard_fte").status == "verified"
    assert len(session.get(ReviewQuery, query.id).messages) == 2


def test_query_on_an_item_that_is_not_relevant_is_refused(client, edition, official, reviewer):
    from portal.submissions.services import open_submission

    submission = open_submission(edition, official.gmina, actor=official)
    store_answers(submission, dict(COMPLETE_2018, guard_exists="no"), user=official)
    submit_for_tests(submission)
    submission.reviewer_id = reviewer.id
    session.flush()
    as_user(client, reviewer)

    response = post_query(client, submission, "guard_form", "Jaka forma?", version=0)

    assert "nie dotyczy tej gminy" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(ReviewQuery.id))) == 0
    html = item_page_html(client, submission, "guard_form")
    assert 'id="item-guard_exists"' in html and 'id="item-guard_form"' not in html


def test_answers_cannot_be_verified_before_submission_or_after_return(
        client, assigned, reviewer):
    assigned.status = "returned"
    assigned.returned_at = assigned.submitted_at
    session.flush()
    as_user(client, reviewer)
    response = post_verify(client, assigned, "budget_754_total", version=0)
    assert "tylko w ankiecie przesłanej do weryfikacji" in response.get_data(as_text=True)
    assert _review(assigned, "budget_754_total") is None


# --- bulk -------------------------------------------------------------------------------------
@pytest.fixture
def flagged(edition, official, reviewer):
    """A submitted questionnaire with one answer outside its soft bounds."""
    from portal.submissions.services import open_submission

    submission = open_submission(edition, official.gmina, actor=official)
    store_answers(submission, dict(COMPLETE_2018, safety_debates_count=25), user=official)
    submit_for_tests(submission)
    submission.reviewer_id = reviewer.id
    session.flush()
    return submission


def _preview_items(html: str) -> list[str]:
    return re.findall(r'name="item" value="([^"]+)"', html)


def test_bulk_verify_shows_what_it_will_change_then_verifies_exactly_that(
        client, flagged, reviewer):
    as_user(client, reviewer)
    post_query(client, flagged, "police_extra_patrol_hours", "Skąd 1200 godzin?")
    post_verify(client, flagged, "police_units_present")
    url = f"{page_url(flagged)}/sections/police_cooperation/verify-all"

    preview = client.get(url).get_data(as_text=True)
    items = _preview_items(preview)
    keys = {value.split(":")[0] for value in items}

    assert "Potwierdź weryfikację" in preview
    assert "safety_debates_count" not in keys  # flagged: left for a person to look at
    assert "police_extra_patrol_hours" not in keys  # queried
    assert "police_units_present" not in keys  # already verified
    assert "police_funding_agreement" in keys
    assert _review(flagged, "police_funding_agreement") is None  # the preview changed nothing

    client.post(url, data={"lock_version": fresh(flagged).lock_version, "item": items})

    data = build_review(flagged)
    assert all(data.row(key).status == "verified" for key in keys)
    assert data.row("safety_debates_count").status == "pending"
    assert data.row("safety_debates_count").flags


def test_bulk_verify_is_refused_whole_when_the_list_changed_since_the_preview(
        client, flagged, reviewer):
    as_user(client, reviewer)
    url = f"{page_url(flagged)}/sections/police_cooperation/verify-all"
    items = _preview_items(client.get(url).get_data(as_text=True))
    post_query(client, flagged, "police_funding_agreement", "Proszę o kopię porozumienia.")

    response = client.post(url, data={"lock_version": fresh(flagged).lock_version,
                                      "item": items}, follow_redirects=True)

    assert "zmieniła się od podglądu" in response.get_data(as_text=True)
    verified = session.scalar(select(func.count(AnswerReview.id))
                              .where(AnswerReview.status == "verified"))
    assert verified == 0


def test_flags_never_change_a_status_by_themselves(client, flagged, reviewer):
    as_user(client, reviewer)
    html = item_page_html(client, flagged, "safety_debates_count")
    assert "poza zakresem typowym" in html
    assert fresh(flagged).status == "submitted"
    assert session.scalar(select(func.count(AnswerReview.id))) == 0
    answer = session.scalar(select(Answer).where(Answer.item_key == "safety_debates_count"))
    assert answer.value == 25
