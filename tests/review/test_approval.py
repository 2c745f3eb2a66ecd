"""Approval locks the submission into a numbered snapshot; only admins reopen, with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import session
from portal.editions.services import close_edition, create_edition, open_edition
from portal.review import services
from portal.review.models import AnswerReview, ReviewQuery, SubmissionSnapshot
from portal.review.snapshots import approved_snapshot, approved_snapshots, snapshot_history
from portal.submissions.models import Answer
from portal.submissions.services import open_submission
from tests import factories
from tests.review.conftest import (
    as_user,
    fresh,
    lock_version,
    page_html,
    post_decision,
    post_query,
    post_verify,
)
from tests.review.helpers import approve_for_tests, verify_all_for_tests
from tests.sample_2018 import store_answers
from tests.submissions.conftest import revisions_token, section_url


@pytest.fixture
def all_verified(assigned, reviewer):
    verify_all_for_tests(assigned, reviewer)
    return assigned


def test_approval_needs_every_relevant_answer_verified(client, assigned, reviewer, sent):
    as_user(client, reviewer)
    post_verify(client, assigned, "budget_754_total")
    response = post_decision(client, assigned, "approve")
    assert "niezweryfikowane odpowiedzi" in response.get_data(as_text=True)
    assert fresh(assigned).status == "submitted"
    assert session.scalar(select(SubmissionSnapshot)) is None


def test_approval_needs_no_open_query(client, all_verified, reviewer):
    as_user(client, reviewer)
    version = session.scalar(select(AnswerReview.version)
                             .where(AnswerReview.item_key == "guard_fte"))
    post_query(client, all_verified, "guard_fte", "Sprawdźmy etaty.", version=version)
    response = post_decision(client, all_verified, "approve")
    assert "otwarte pytania (1)" in response.get_data(as_text=True)
    assert fresh(all_verified).status == "submitted"


def test_approval_locks_the_values_into_snapshot_one(client, all_verified, reviewer, official,
                                                     edition, sent):
    as_user(client, reviewer)
    response = post_decision(client, all_verified, "approve", comment="Dane zgodne.")

    assert "Ankieta zatwierdzona" in response.get_data(as_text=True)
    submission = fresh(all_verified)
    assert submission.status == "approved" and submission.approved_at is not None
    snapshot = approved_snapshot(edition, submission.gmina)
    assert snapshot.number == 1 and snapshot.approved_by_id == reviewer.id
    assert snapshot.values["budget_754_total"] == "2100000.00"
    assert snapshot.values["cctv_legal_basis"] == ["municipal_act_art_9a", "guard_act_art_11"]
    assert snapshot.questionnaire_version == "2018" and len(snapshot.questionnaire_sha256) == 64
    assert approved_snapshots(edition) == {submission.gmina_id: snapshot}
    assert [(c["kind"], c["recipients"]) for c in sent] == [("submission_approved",
                                                             [official.email])]


def test_approved_submission_cannot_be_changed_by_anyone(client, all_verified, reviewer,
                                                         official):
    as_user(client, reviewer)
    post_decision(client, all_verified, "approve")
    response = post_verify(client, all_verified, "guard_fte", version=1)
    assert "tylko w ankiecie przesłanej do weryfikacji" in response.get_data(as_text=True)

    as_user(client, official)
    page = client.get(section_url(all_verified, "budget")).get_data(as_text=True)
    save = client.post(section_url(all_verified, "budget"),
                       data={"_revisions": revisions_token(page), "budget_754_total": "1"})
    assert save.status_code == 403
    assert session.scalar(select(Answer.value).where(Answer.item_key == "budget_754_total",
                                                     Answer.submission_id == all_verified.id)
                          ) == "2100000.00"


def test_only_an_admin_reopens_and_only_with_a_reason(client, all_verified, reviewer, admin,
                                                      edition):
    as_user(client, reviewer)
    post_decision(client, all_verified, "approve")
    assert client.post(f"/review/submissions/{all_verified.id}/reopen",
                       data={"lock_version": fresh(all_verified).lock_version,
                             "reason": "bo tak"}).status_code == 403

    as_user(client, admin)
    refused = post_decision(client, all_verified, "reopen", reason="   ")
    assert "Podaj powód" in refused.get_data(as_text=True)
    assert fresh(all_verified).status == "approved"

    post_decision(client, all_verified, "reopen", reason="Gmina zgłosiła błąd w dziale 754.")
    submission = fresh(all_verified)
    assert submission.status == "submitted"
    assert approved_snapshot(edition, submission.gmina) is None  # not approved any more
    assert [s.number for s in snapshot_history(submission)] == [1]  # history stays
    timeline = client.get(f"/review/submissions/{submission.id}/timeline?kind=reopening")
    assert "Gmina zgłosiła błąd w dziale 754." in timeline.get_data(as_text=True)


def test_a_later_approval_makes_snapshot_two_and_keeps_snapshot_one(client, all_verified,
                                                                    reviewer, admin, edition):
    as_user(client, reviewer)
    post_decision(client, all_verified, "approve")
    as_user(client, admin)
    post_decision(client, all_verified, "reopen", reason="Korekta Rb-28S.")
    post_decision(client, all_verified, "approve")

    submission = fresh(all_verified)
    assert [s.number for s in snapshot_history(submission)] == [1, 2]
    assert approved_snapshot(edition, submission.gmina).number == 2
    assert "nr 2" in page_html(client, submission)


def test_a_decision_on_a_stale_page_is_refused(client, app, all_verified, reviewer, admin):
    as_user(client, reviewer)
    post_query(client, all_verified, "guard_fte", "Sprawdźmy etaty.",
               version=session.scalar(select(AnswerReview.version)
                                      .where(AnswerReview.item_key == "guard_fte")))
    stale = lock_version(page_html(client, all_verified))
    other = app.test_client()
    as_user(other, admin)
    post_decision(other, all_verified, "return")  # the admin returns it meanwhile

    services_before = fresh(all_verified).lock_version
    response = post_decision(client, all_verified, "return", lock=stale)

    assert "zmieniła się, odkąd otwarto tę stronę" in response.get_data(as_text=True)
    assert fresh(all_verified).lock_version == services_before
    assert fresh(all_verified).status == "returned"


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_transition_posted_by_hand_in_the_wrong_state_is_refused(client, edition, official,
                                                                  admin, action):
    draft = open_submission(edition, official.gmina, actor=official)
    store_answers(draft, user=official)
    as_user(client, admin)
    response = post_decision(client, draft, action)
    assert "Nie można zmienić statusu z „W przygotowaniu”" in response.get_data(as_text=True)
    assert fresh(draft).status == "draft"


def test_reopen_of_a_submission_that_is_not_approved_is_refused(client, assigned, admin):
    as_user(client, admin)
    response = post_decision(client, assigned, "reopen", reason="pomyłka")
    assert "Nie można zmienić statusu z „Przesłana”" in response.get_data(as_text=True)
    assert fresh(assigned).status == "submitted"


def test_admin_may_decide_without_being_assigned(client, submitted, admin):
    verify_all_for_tests(submitted, admin)
    as_user(client, admin)
    post_decision(client, submitted, "approve")
    assert fresh(submitted).status == "approved"


def test_a_service_refuses_approval_with_an_open_query_even_if_the_page_allowed_it(
        all_verified, reviewer):
    services.open_query(all_verified, "guard_fte", "?", expected_version=1, actor=reviewer)
    with pytest.raises(services.ReviewRefused):
        services.approve(all_verified, expected_lock=all_verified.lock_version, actor=reviewer)
    assert session.scalar(select(ReviewQuery)).status == "open"


# --- last year's values come from the snapshot ------------------------------------------------
def test_prefill_and_previous_values_read_the_snapshot_not_live_answers(client, official,
                                                                        reviewer):
    today = date.today()
    previous = create_edition(year=2017, questionnaire="2018")
    open_edition(previous, opens_on=today - timedelta(days=400),
                 closes_on=today - timedelta(days=300))
    old = open_submission(previous, official.gmina, actor=official)
    store_answers(old, user=official)
    approve_for_tests(old, reviewer)
    # A later change of the live row (say, by a data fix) must not leak into last year's data.
    live = session.scalar(select(Answer).where(Answer.submission_id == old.id,
                                               Answer.item_key == "budget_754_total"))
    live.value = "1.00"
    close_edition(previous)
    edition = factories.open_edition_2018()

    current = open_submission(edition, official.gmina, actor=official)

    prefilled = session.scalar(select(Answer).where(Answer.submission_id == current.id,
                                                    Answer.item_key == "budget_754_total"))
    assert prefilled.prefilled and prefilled.value == "2100000.00"
