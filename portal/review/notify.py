"""Who hears about review decisions: the e-mails queued in the same unit of work.

Messages are queued with portal.notifications, which sends them only after the commit.
"""

from __future__ import annotations

from portal.notifications.services import officials_of, queue_notification
from portal.review.models import QueryMessage, ReviewQuery
from portal.submissions.models import Submission


def _review_path(submission: Submission) -> str:
    return f"/review/submissions/{submission.id}"


def notify_returned(submission: Submission, queries: list[ReviewQuery], labels: dict[str, str],
                    *, actor, comment: str | None) -> None:
    """To the gmina's officials: what the reviewer asks about, item by item."""
    queue_notification(
        "submission_returned", submission=submission, recipients=officials_of(submission.gmina_id),
        context={"comment": comment or "", "actor": actor,
                 "queries": [{"label": labels.get(q.item_key, q.item_key),
                              "text": q.messages[-1].body if q.messages else ""}
                             for q in queries],
                 "path": "/ankieta"},
    )


def notify_approved(submission: Submission, *, actor, comment: str | None) -> None:
    queue_notification("submission_approved", submission=submission,
                       recipients=officials_of(submission.gmina_id),
                       context={"comment": comment or "", "actor": actor, "path": "/ankieta"})


def notify_resubmitted(submission: Submission, *, actor) -> None:
    """To the assigned reviewer (nobody to tell while the submission is unassigned)."""
    if submission.reviewer is None:
        return
    queue_notification("submission_resubmitted", submission=submission,
                       recipients=[submission.reviewer],
                       context={"actor": actor, "path": _review_path(submission)})


def notify_query_replied(query: ReviewQuery, message: QueryMessage, label: str,
                         section_key: str, *, actor) -> None:
    """To the assigned reviewer: a link to the answer on its section's review page."""
    submission = query.submission
    if submission.reviewer is None:
        return
    queue_notification("query_replied", submission=submission, recipients=[submission.reviewer],
                       context={"item_label": label, "reply": message.body, "actor": actor,
                                "path": f"{_review_path(submission)}/sections/{section_key}"
                                        f"#item-{query.item_key}"})
