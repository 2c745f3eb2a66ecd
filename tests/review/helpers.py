"""Shortcuts for tests elsewhere that need a submission in a review state."""

from __future__ import annotations

from portal.db import session, utcnow
from portal.review.models import AnswerReview, SubmissionSnapshot
from portal.review.page import build_review
from portal.review.snapshots import take_snapshot
from portal.submissions.models import Submission
from portal.submissions.workflow import State


def submit_for_tests(submission: Submission, *, declarant: str = "Jan Testowy") -> None:
    """Mark a submission (whose answers are stored) as submitted, without the official's form."""
    now = utcnow()
    submission.status = State.SUBMITTED
    submission.submitted_at = now
    submission.in_review_since = now
    submission.declarant_name = declarant
    submission.declarant_position = "Sekretarz gminy"
    session.flush()


def verify_all_for_tests(submission: Submission, actor) -> None:
    data = build_review(submission, with_flags=False)
    for row in data.rows:
        if row.review is None:
            session.add(AnswerReview(
                submission_id=submission.id, item_key=row.item.key, status="verified",
                verified_revision=row.answer.revision if row.answer else 0,
                verified_by_id=actor.id if actor else None, verified_at=utcnow()))
    session.flush()


def approve_for_tests(submission: Submission, actor=None) -> SubmissionSnapshot:
    """Submit (if needed), verify everything and approve, taking the next snapshot.

    Bypasses the notification and the reviewer checks: for tests that only need approved data.
    """
    if submission.status == State.DRAFT:
        submit_for_tests(submission)
    verify_all_for_tests(submission, actor)
    data = build_review(submission, with_flags=False)
    submission.status = State.APPROVED
    submission.approved_at = utcnow()
    session.flush()
    return take_snapshot(submission, data.questionnaire, data.evaluation, data.answers,
                         actor=actor)
