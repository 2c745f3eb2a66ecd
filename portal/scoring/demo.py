"""Demo ranking for `make run`: the pilot gminy approved with varied answers, one run published.

Goes through the real services (submit, verify, approve, score, publish). Idempotent: gminy that
already have a submission are left to the review demo, and an edition with a published run gets
no new one. A second run, a draft open for objections, shows the right of reply.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina
from portal.review import services as review
from portal.review.demo import submit_as
from portal.review.demo_answers import answers_for
from portal.review.page import build_review
from portal.scoring import results, services
from portal.scoring.models import RunStatus, ScoringRun
from portal.submissions import services as submissions

# Choice answers varied per gmina (every option keeps the questionnaire's rules satisfied).
VARIED = {
    "cctv_staffed_24_7": ("yes", "no"),
    "cctv_police_live_link": ("none", "some", "all"),
    "cctv_signage": ("all", "partly", "none"),
    "cctv_dpia": ("yes", "no"),
    "cctv_location_analysis": ("with_police_opinion", "documented", "none"),
    "sms_alert_system": ("yes", "no"),
    "police_funding_agreement": ("yes", "no"),
}
DEMO_DRAWS = 200
# Left unapproved: their officials demonstrate filling in the questionnaire (and the browser
# tests and benchmarks log in as them), so they show up as "not ranked".
KEEP_FOR_THE_OFFICIALS_JOURNEY = {"302109", "302110"}  # Kórnik, Mosina


def varied_answers(gmina: Gmina, domain: str) -> dict:
    answers = answers_for(gmina.teryt6, gmina.name, domain)
    digest = hashlib.sha256(f"scoring-demo-{gmina.teryt6}".encode()).digest()
    for n, (key, options) in enumerate(VARIED.items()):
        answers[key] = options[digest[n] % len(options)]
    answers["cctv_cameras_public"] = 5 + digest[10] % 60
    answers["guard_joint_patrols_count"] = digest[11] % 300
    return answers


def approve_pilot(edition: Edition, gminy: list[Gmina], reviewer: User, domain: str) -> int:
    """Submit, verify and approve every gmina that has no submission yet; returns how many."""
    done = 0
    for gmina in gminy:
        if gmina.teryt6 in KEEP_FOR_THE_OFFICIALS_JOURNEY:
            continue
        if submissions.find_submission(edition, gmina) is not None:
            continue
        official = session.scalar(select(User).where(User.gmina_id == gmina.id,
                                                     User.role == Role.OFFICIAL).order_by(User.id))
        if official is None:
            continue
        submission = submissions.open_submission(edition, gmina, actor=official)
        submit_as(official, submission, varied_answers(gmina, domain))
        review.assign(submission, reviewer, actor=reviewer)
        _verify_everything(submission, reviewer)
        review.approve(submission, expected_lock=submission.lock_version, actor=reviewer,
                       comment="Dane zgodne ze sprawozdaniami (demo).")
        done += 1
    return done


def _verify_everything(submission, reviewer: User) -> None:
    """Section by section as the "verify all unflagged" button does, then the flagged rest."""
    data = build_review(submission)
    for section in data.questionnaire.sections:
        expected = dict(review.bulk_candidates(data, section.key))
        if expected:
            review.bulk_verify(submission, section.key, expected,
                               expected_lock=submission.lock_version, actor=reviewer)
    for row in build_review(submission, with_flags=False).rows:
        if row.status != "verified":
            review.verify(submission, row.item.key, expected_version=row.review_version,
                          actor=reviewer)


def load_scoring_demo(edition: Edition, gminy: list[Gmina], reviewer: User, admin: User,
                      domain: str, today: date) -> ScoringRun | None:
    """Approve the pilot, publish a run and open a draft for objections, unless done before."""
    if results.published_run(edition) is not None:
        return None
    approve_pilot(edition, gminy, reviewer, domain)
    run = services.start_run(edition, actor=admin, draws=DEMO_DRAWS,
                             notes="Ranking demonstracyjny.")
    services.publish(run, actor=admin, today=today)
    has_draft = session.scalar(select(ScoringRun.id).where(
        ScoringRun.edition_id == edition.id, ScoringRun.status == RunStatus.DRAFT))
    if has_draft is None:
        draft = services.start_run(edition, actor=admin, draws=DEMO_DRAWS,
                                   notes="Projekt do konsultacji z gminami (demo).")
        services.set_reply_deadline(draft, today + timedelta(days=14), actor=admin)
    return run
