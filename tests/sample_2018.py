"""A complete, valid set of answers to the 2018 questionnaire (stored JSON form), for tests."""

from __future__ import annotations

from portal.db import session
from portal.review.demo_answers import COMPLETE_2018, DEMO_FILE
from portal.submissions.models import Answer, Submission

__all__ = ["COMPLETE_2018", "F", "store_answers"]

# The complete answer set ships with the package (the demo uses it too); tests reuse it.
F = DEMO_FILE


def store_answers(submission: Submission, answers: dict | None = None, *, user=None) -> None:
    """Write answers straight to the database, as if the official had saved every section."""
    for key, value in (COMPLETE_2018 if answers is None else answers).items():
        session.add(
            Answer(
                submission_id=submission.id,
                item_key=key,
                value=value,
                updated_by_id=user.id if user else None,
            )
        )
    session.flush()
