"""Last year's approved answers are offered as prefilled values until confirmed or changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import session
from portal.editions.services import close_edition, create_edition, open_edition
from portal.submissions.models import Answer, Submission
from portal.submissions.services import open_submission
from tests import factories
from tests.review.helpers import approve_for_tests
from tests.sample_2018 import COMPLETE_2018, store_answers
from tests.submissions.conftest import revisions_token, section_url


@pytest.fixture
def previous_approved(kornik_official):
    """The 2017 edition of the gmina, approved, with a complete answer set."""
    today = date.today()
    previous = create_edition(year=2017, questionnaire="2018")
    open_edition(previous, opens_on=today - timedelta(days=400),
                 closes_on=today - timedelta(days=300))
    old = open_submission(previous, kornik_official.gmina, actor=kornik_official)
    store_answers(old, user=kornik_official)
    approve_for_tests(old)
    close_edition(previous)
    session.flush()
    return old


def test_previous_approved_answers_are_prefilled_and_marked(
        previous_approved, edition, kornik_official, client):
    factories.login(client, kornik_official)
    client.get("/ankieta")
    submission = session.scalar(select(Submission).where(Submission.edition_id == edition.id))

    prefilled = session.scalars(select(Answer).where(Answer.submission_id == submission.id,
                                                     Answer.prefilled)).all()
    assert {a.item_key for a in prefilled} >= {"budget_754_total", "has_cctv"}
    assert "budget_rb28s_file" not in {a.item_key for a in prefilled}  # files are not carried
    html = client.get(section_url(submission, "budget")).get_data(as_text=True)
    assert "z poprzedniej edycji" in html


def test_unconfirmed_prefilled_values_block_submission_until_confirmed(
        previous_approved, edition, kornik_official, client):
    factories.login(client, kornik_official)
    client.get("/ankieta")
    submission = session.scalar(select(Submission).where(Submission.edition_id == edition.id))
    review = client.get(f"/submissions/{submission.id}/review").get_data(as_text=True)
    assert "czeka na potwierdzenie" in review

    client.post(f"/submissions/{submission.id}/sections/budget/confirm")
    changed = client.post(section_url(submission, "cctv"), data={
        "_revisions": revisions_token(client.get(section_url(submission, "cctv"))
                                      .get_data(as_text=True)),
        "cctv_retention_days": "14"})
    assert changed.status_code == 302

    rows = {a.item_key: a for a in session.scalars(
        select(Answer).where(Answer.submission_id == submission.id))}
    assert not rows["budget_754_total"].prefilled
    assert not rows["cctv_retention_days"].prefilled and rows["cctv_retention_days"].value == 14
    assert rows["has_cctv"].prefilled
    assert COMPLETE_2018["has_cctv"] == rows["has_cctv"].value
