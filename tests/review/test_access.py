"""Who may see and do what: officials only their own gmina, decisions only by the assignee."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.review.models import AnswerReview, ReviewQuery
from portal.submissions.models import Answer
from portal.submissions.services import open_submission
from tests import factories
from tests.review.conftest import as_user, fresh, page_url, post_decision, post_query, post_verify
from tests.submissions.conftest import revisions_token, section_url

STAFF_PAGES = ["", "/timeline", "/sections/budget/verify-all"]


@pytest.mark.parametrize("suffix", STAFF_PAGES)
def test_official_cannot_open_the_review_pages_even_of_their_own_gmina(
        client, submitted, official, suffix):
    as_user(client, official)
    assert client.get(page_url(submitted) + suffix).status_code == 404


@pytest.mark.parametrize("suffix", STAFF_PAGES)
def test_official_of_another_gmina_gets_404(client, submitted, suffix):
    stranger = factories.official(factories.pilot_gmina("302101"))
    as_user(client, stranger)
    assert client.get(page_url(submitted) + suffix).status_code == 404


def test_unknown_submission_is_404_for_staff(client, reviewer):
    as_user(client, reviewer)
    assert client.get("/review/submissions/999999").status_code == 404


def test_queue_is_for_staff_only(client, official, reviewer):
    assert client.get("/review/").status_code == 302  # anonymous: to the login page
    as_user(client, official)
    assert client.get("/review/").status_code == 403
    as_user(client, reviewer)
    assert client.get("/review/").status_code == 200


@pytest.mark.parametrize("action", ["verify", "query", "return", "approve"])
def test_reviewer_not_assigned_cannot_decide(client, assigned, other_reviewer, action):
    as_user(client, other_reviewer)
    html = client.get(page_url(assigned)).get_data(as_text=True)
    assert "Zweryfikuj</button>" not in html  # no decision buttons for them
    if action == "verify":
        response = post_verify(client, assigned, "budget_754_total", version=0)
    elif action == "query":
        response = post_query(client, assigned, "budget_754_total", "Proszę o wyjaśnienie",
                              version=0)
    else:
        response = post_decision(client, assigned, action if action == "approve" else "return")
    assert "decyzje podejmuje przypisany recenzent" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(AnswerReview.id))) == 0
    assert session.scalar(select(func.count(ReviewQuery.id))) == 0
    assert fresh(assigned).status == "submitted"


@pytest.mark.parametrize("path", ["/answers/budget_754_total/verify",
                                  "/answers/budget_754_total/queries", "/return", "/approve",
                                  "/reopen", "/assign"])
def test_official_cannot_post_review_actions(client, submitted, official, path):
    as_user(client, official)
    response = client.post(page_url(submitted) + path,
                           data={"version": 0, "lock_version": submitted.lock_version,
                                 "comment": "x", "reason": "x"})
    assert response.status_code == 403
    assert fresh(submitted).status == "submitted"


def test_reviewer_cannot_change_answers(client, assigned, reviewer):
    as_user(client, reviewer)
    page = client.get(section_url(assigned, "budget")).get_data(as_text=True)
    response = client.post(section_url(assigned, "budget"),
                           data={"_revisions": revisions_token(page), "budget_754_total": "1"})
    assert response.status_code == 403
    answer = session.scalar(select(Answer).where(Answer.submission_id == assigned.id,
                                                 Answer.item_key == "budget_754_total"))
    assert answer.value == "2100000.00"


def test_reviewer_takes_an_unassigned_submission_but_not_someone_elses(
        client, submitted, reviewer, other_reviewer):
    as_user(client, reviewer)
    client.post(page_url(submitted) + "/assign")
    assert fresh(submitted).reviewer_id == reviewer.id

    as_user(client, other_reviewer)
    response = client.post(page_url(submitted) + "/assign", follow_redirects=True)
    assert "zmianę przypisania może zrobić administrator" in response.get_data(as_text=True)
    assert fresh(submitted).reviewer_id == reviewer.id


def test_admin_assigns_any_reviewer(client, assigned, admin, other_reviewer):
    as_user(client, admin)
    client.post(page_url(assigned) + "/assign", data={"reviewer_id": other_reviewer.id})
    assert fresh(assigned).reviewer_id == other_reviewer.id


def test_draft_cannot_be_assigned(client, edition, official, reviewer):
    draft = open_submission(edition, official.gmina, actor=official)
    as_user(client, reviewer)
    response = client.post(page_url(draft) + "/assign", follow_redirects=True)
    assert "nie została jeszcze przesłana" in response.get_data(as_text=True)
    assert fresh(draft).reviewer_id is None


def test_official_cannot_read_or_answer_a_query_not_yet_sent(client, assigned, reviewer,
                                                             official):
    as_user(client, reviewer)
    post_query(client, assigned, "budget_754_total", "Skąd ta kwota?")
    query = session.scalar(select(ReviewQuery))
    as_user(client, official)
    assert "Skąd ta kwota?" not in client.get(section_url(assigned, "budget")).get_data(
        as_text=True)
    assert client.post(f"/review/queries/{query.id}/replies",
                       data={"body": "odpowiedź"}).status_code == 404


def test_every_review_post_needs_a_csrf_token(csrf_client, assigned, reviewer):
    factories.login(csrf_client, reviewer)  # login itself is refused without a token
    response = csrf_client.post(page_url(assigned) + "/answers/budget_754_total/verify",
                                data={"version": 0})
    assert response.status_code in (302, 400)
    assert session.scalar(select(func.count(AnswerReview.id))) == 0
