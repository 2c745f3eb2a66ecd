"""Demo review queue for `make run`: a few pilot gminy submitted, one returned, one approved.

Goes through the same services as the pages. Idempotent: a gmina that already has a
submission for the edition is left alone, so a second run adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina
from portal.review import services
from portal.review.demo_answers import answers_for
from portal.review.page import build_review
from portal.submissions import services as submissions
from portal.submissions.models import Answer, Submission

# (position among the pilot gminy by TERYT, what happens to its questionnaire)
PLAN = [(1, "submitted"), (2, "assigned"), (3, "returned"), (4, "approved"), (5, "flagged"),
        (6, "submitted"), (7, "assigned")]


def load_review_demo(edition: Edition, gminy: list[Gmina], reviewer: User) -> int:
    """Create the demo submissions that are missing; returns how many were created."""
    created = 0
    for position, fate in PLAN:
        if position >= len(gminy):
            continue
        gmina = gminy[position]
        if submissions.find_submission(edition, gmina) is not None:
            continue
        official = session.scalar(select(User).where(User.gmina_id == gmina.id,
                                                     User.role == Role.OFFICIAL)
                                  .order_by(User.id))
        if official is None:
            continue
        _play(edition, gmina, official, reviewer, fate)
        created += 1
    return created


def _play(edition: Edition, gmina: Gmina, official: User, reviewer: User, fate: str) -> None:
    submission = submissions.open_submission(edition, gmina, actor=official)
    answers = answers_for(gmina.teryt6, gmina.name, "demo.gminabezpieczna.pl")
    if fate == "flagged":
        answers["safety_debates_count"] = 25  # above the soft maximum: a flag for the reviewer
    submit_as(official, submission, answers)
    if fate in ("submitted", "flagged"):
        return
    services.assign(submission, reviewer, actor=reviewer)
    if fate == "returned":
        services.open_query(submission, "budget_754_total",
                            "Kwota działu 754 różni się od sprawozdania Rb-28S. Proszę sprawdzić "
                            "i poprawić albo wyjaśnić różnicę.", expected_version=0, actor=reviewer)
        services.return_to_gmina(submission, expected_lock=submission.lock_version,
                                 actor=reviewer, comment="Jedno pytanie do działu 754.")
    elif fate == "approved":
        for row in build_review(submission, with_flags=False).rows:
            services.verify(submission, row.item.key, expected_version=0, actor=reviewer)
        services.approve(submission, expected_lock=submission.lock_version, actor=reviewer,
                         comment="Dane zgodne ze sprawozdaniami.")


def submit_as(official: User, submission: Submission, answers: dict) -> None:
    """Store `answers` (stored JSON form) as the official's and submit, as the demo's gminy do."""
    for key, value in answers.items():
        session.add(Answer(submission_id=submission.id, item_key=key, value=value,
                           updated_by_id=official.id))
    session.flush()
    submissions.submit(submission, declarant_name=official.name,
                       declarant_position="Sekretarz gminy", declaration_accepted=True,
                       actor=official)
