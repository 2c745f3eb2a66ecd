"""Fixtures for the review workflow: a submitted Kórnik questionnaire, reviewers, an admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from portal.db import session
from portal.review import notify
from portal.submissions.models import Answer, Submission
from portal.submissions.services import definition_of, open_submission
from tests import factories
from tests.review.helpers import submit_for_tests
from tests.sample_2018 import store_answers


@pytest.fixture
def edition():
    return factories.open_edition_2018()


@pytest.fixture
def official():
    return factories.official(factories.pilot_gmina("302109"), name="Katarzyna Kórnicka")


@pytest.fixture
def reviewer():
    return factories.reviewer(name="Roman Recenzent")


@pytest.fixture
def other_reviewer():
    return factories.reviewer(name="Olga Oceniająca")


@pytest.fixture
def admin():
    return factories.admin(name="Anna Administratorka")


@pytest.fixture
def submitted(edition, official):
    """Kórnik's complete questionnaire, submitted and not yet assigned."""
    submission = open_submission(edition, official.gmina, actor=official)
    # Values prefilled from an approved earlier edition are replaced by this year's answers.
    session.execute(delete(Answer).where(Answer.submission_id == submission.id))
    store_answers(submission, user=official)
    submit_for_tests(submission)
    return submission


@pytest.fixture
def assigned(submitted, reviewer):
    submitted.reviewer_id = reviewer.id
    session.flush()
    return submitted


@pytest.fixture
def sent(monkeypatch):
    """Every notification queued (the real queue_notification still runs)."""
    calls: list[dict] = []
    real = notify.queue_notification

    def spy(kind, *, submission, recipients, context):
        calls.append({"kind": kind, "submission": submission,
                      "recipients": [u.email for u in recipients], "context": context})
        real(kind, submission=submission, recipients=recipients, context=context)

    monkeypatch.setattr(notify, "queue_notification", spy)
    return calls


def as_user(client, user):
    client.post("/logout")
    factories.login(client, user)
    return client


def fresh(submission: Submission) -> Submission:
    session.expire_all()
    return session.get(Submission, submission.id)


def lock_version(html: str) -> int:
    return int(re.search(r'name="lock_version" value="(\d+)"', html).group(1))


def review_version(html: str, item_key: str) -> int:
    block = html[html.index(f'id="item-{item_key}"'):]
    return int(re.search(r'name="version" value="(\d+)"', block).group(1))


def page_url(submission) -> str:
    """The submission's review summary; its answers are on the section pages."""
    return f"/review/submissions/{submission.id}"


def page_html(client, submission) -> str:
    return client.get(page_url(submission)).get_data(as_text=True)


def section_url(submission, item_key: str) -> str:
    """The review page of the section that holds `item_key`."""
    section = definition_of(submission).section_of[item_key]
    return f"{page_url(submission)}/sections/{section.key}"


def item_page_html(client, submission, item_key: str) -> str:
    """The review page of the section that holds `item_key`."""
    return client.get(section_url(submission, item_key)).get_data(as_text=True)


def post_verify(client, submission, key: str, version: int | None = None):
    if version is None:
        version = review_version(item_page_html(client, submission, key), key)
    return client.post(f"{page_url(submission)}/answers/{key}/verify",
                       data={"version": version}, follow_redirects=True)


def post_query(client, submission, key: str, comment: str, version: int | None = None):
    if version is None:
        version = review_version(item_page_html(client, submission, key), key)
    return client.post(f"{page_url(submission)}/answers/{key}/queries",
                       data={"version": version, "comment": comment}, follow_redirects=True)


def post_decision(client, submission, action: str, lock: int | None = None, **data):
    if lock is None:
        lock = fresh(submission).lock_version
    return client.post(f"{page_url(submission)}/{action}", data={"lock_version": lock, **data},
                       follow_redirects=True)


def many_submissions(edition, n: int, *, voivodeship_code: str = "98", answers=None,
                     status: str = "submitted") -> list[Submission]:
    """`n` made-up gminy (kinds 1..3 in turn) with a submitted questionnaire and population."""
    created = []
    for gmina in factories.made_up_gminy(n, voivodeship_code=voivodeship_code,
                                         names=f"Gmina testowa {n}-{{i:02d}}"):
        submission = Submission(edition_id=edition.id, gmina_id=gmina.id, status="draft")
        session.add(submission)
        session.flush()
        if answers is not None:
            store_answers(submission, answers)
        if status != "draft":
            submit_for_tests(submission)
            submission.status = status
            if status == "returned":
                submission.returned_at = submission.submitted_at
            if status == "approved":
                submission.approved_at = submission.submitted_at
        created.append(submission)
    session.flush()
    return created
