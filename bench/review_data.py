"""Scratch data for the review pages: the national register and a full edition's queue.

The whole TERC register and its population come from the GUS files in /work/shared (the bench
is a developer tool; the product ships only the pilot area). Every gmina of the register then
gets a submitted questionnaire with complete answers, inserted in bulk through SQLAlchemy Core
(the services would take minutes for 2,477 submissions), with a realistic mix of review state:
some assigned, some with open queries, and one with last year's approved snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from portal.auth.services import create_user
from portal.db import session, utcnow
from portal.editions.models import Edition, EditionStatus
from portal.municipalities.models import Gmina
from portal.municipalities.services import import_population, import_terc
from portal.review.demo_answers import answers_for
from portal.review.models import AnswerReview, QueryMessage, ReviewQuery, SubmissionSnapshot
from portal.submissions.models import Answer, Submission
from portal.submissions.workflow import State

GUS = Path("/work/shared/data/gus")
TERC_FILE = GUS / "TERC_Urzedowy_2020-01-01.csv"
POPULATION_FILE = GUS / "BDL_LUDN_2137_gminy_by_age_2020.csv"
POPULATION_YEAR = 2020
REVIEWER = "recenzent@bench.gminabezpieczna.pl"
DOMAIN = "bench.gminabezpieczna.pl"
QUEUE_SIZE = 2477  # submitted (or later) questionnaires: one per gmina of the 2020 register
SMALL_QUEUE = 40
ASSIGNED_EVERY = 3  # every third submission has a reviewer
QUERY_EVERY = 7  # every seventh an open query
BATCH = 200  # submissions per bulk insert of their answers


@dataclass(frozen=True)
class ReviewFixture:
    reviewer: str
    full_submission_id: int  # complete answers, assigned, queries, last year's snapshot
    small_submission_id: int  # one section answered, assigned, one query


def require_gus_files() -> None:
    missing = [str(path) for path in (TERC_FILE, POPULATION_FILE) if not path.is_file()]
    if missing:
        raise SystemExit("the review benchmark needs the GUS register and population files, "
                         f"missing: {', '.join(missing)}")


def import_registry() -> None:
    """The full TERC register and its population (the demo loaded only the pilot area)."""
    require_gus_files()
    import_terc(TERC_FILE.read_bytes())
    import_population(POPULATION_FILE.read_bytes(), year=POPULATION_YEAR)
    session.flush()


def prepare_review(edition: Edition, official_gmina_id: int, questionnaire) -> ReviewFixture:
    """The bench reviewer, the two reviewed submissions, and the queue up to SMALL_QUEUE."""
    reviewer = create_user(email=REVIEWER, name="Recenzent Benchmarku", role="reviewer",
                           password="Demo-haslo-2018!")
    session.flush()
    first = questionnaire.sections[0]
    small_keys = {item.key for item in first.items}
    full_gmina, small_gmina = _free_gminy(edition, 2, exclude=official_gmina_id)
    full_id = _insert_submissions(edition, [full_gmina], reviewer.id, assigned=True)[0]
    small_id = _insert_submissions(edition, [small_gmina], reviewer.id, assigned=True,
                                   only=small_keys)[0]
    for submission_id, key in ((full_id, "budget_754_total"), (small_id, next(iter(small_keys)))):
        _open_query(submission_id, key, reviewer.id)
    _verify_some(full_id, reviewer.id)
    _last_year_snapshot(edition, full_gmina, reviewer.id)
    fill_queue(edition, SMALL_QUEUE, reviewer.id, exclude=official_gmina_id)
    return ReviewFixture(REVIEWER, full_id, small_id)


def fill_queue(edition: Edition, size: int, reviewer_id: int, *, exclude: int) -> int:
    """Submit complete questionnaires for free gminy until the queue holds `size`; how many."""
    have = session.scalar(select(func.count(Submission.id)).where(
        Submission.edition_id == edition.id, Submission.status != State.DRAFT)) or 0
    gminy = _free_gminy(edition, max(0, size - have), exclude=exclude)
    for start in range(0, len(gminy), BATCH):
        ids = _insert_submissions(edition, gminy[start:start + BATCH], reviewer_id)
        for submission_id in ids[::QUERY_EVERY]:
            _open_query(submission_id, "guard_fte", reviewer_id)
    session.flush()
    return len(gminy)


def _free_gminy(edition: Edition, count: int, *, exclude: int) -> list[Gmina]:
    taken = select(Submission.gmina_id).where(Submission.edition_id == edition.id)
    return list(session.scalars(
        select(Gmina).where(Gmina.id.not_in(taken), Gmina.id != exclude)
        .order_by(Gmina.teryt6).limit(count)))


def _insert_submissions(edition: Edition, gminy: list[Gmina], reviewer_id: int, *,
                        assigned: bool = False, only: set[str] | None = None) -> list[int]:
    now = utcnow()
    rows = []
    for n, gmina in enumerate(gminy):
        since = now - timedelta(days=(gmina.id * 7) % 40, minutes=n)
        has_reviewer = assigned or gmina.id % ASSIGNED_EVERY == 0
        rows.append({"edition_id": edition.id, "gmina_id": gmina.id, "status": State.SUBMITTED,
                     "submitted_at": since, "declarant_name": "Sekretarz gminy",
                     "declarant_position": "Sekretarz", "created_at": since - timedelta(days=3),
                     "in_review_since": since, "lock_version": 2,
                     "reviewer_id": reviewer_id if has_reviewer else None,
                     "assigned_at": since if has_reviewer else None})
    session.execute(insert(Submission), rows)
    ids = dict(session.execute(select(Submission.gmina_id, Submission.id).where(
        Submission.edition_id == edition.id,
        Submission.gmina_id.in_([g.id for g in gminy]))).all())
    answers = []
    for gmina in gminy:
        for key, value in answers_for(gmina.teryt6, gmina.name, DOMAIN).items():
            if only is None or key in only:
                answers.append({"submission_id": ids[gmina.id], "item_key": key, "value": value,
                                "revision": 1, "updated_at": now})
    session.execute(insert(Answer), answers)
    return [ids[g.id] for g in gminy]


def _open_query(submission_id: int, item_key: str, reviewer_id: int) -> None:
    query = ReviewQuery(submission_id=submission_id, item_key=item_key, status="open",
                        opened_by_id=reviewer_id)
    session.add(query)
    session.flush()
    session.add(QueryMessage(query_id=query.id, author_id=reviewer_id,
                             body="Proszę sprawdzić tę wartość ze sprawozdaniem."))


def _verify_some(submission_id: int, reviewer_id: int) -> None:
    """Every other answer verified: the page shows both states."""
    keys = sorted(session.scalars(select(Answer.item_key).where(
        Answer.submission_id == submission_id)))
    session.execute(insert(AnswerReview), [
        {"submission_id": submission_id, "item_key": key, "status": "verified",
         "verified_revision": 1, "verified_by_id": reviewer_id, "verified_at": utcnow(),
         "version": 1} for key in keys[::2]])


def _last_year_snapshot(edition: Edition, gmina: Gmina, reviewer_id: int) -> None:
    """A closed 2017 edition where the gmina's questionnaire was approved: last year's values."""
    previous = Edition(year=edition.year - 1, status=EditionStatus.CLOSED,
                       questionnaire_version_id=edition.questionnaire_version_id)
    session.add(previous)
    session.flush()
    at = utcnow() - timedelta(days=300)
    submission = Submission(edition_id=previous.id, gmina_id=gmina.id, status=State.APPROVED,
                            submitted_at=at, approved_at=at, in_review_since=at)
    session.add(submission)
    session.flush()
    version = edition.questionnaire_version
    # Different figures from this year's (another TERYT seeds the variation): changes to show.
    values = answers_for(str(int(gmina.teryt6) + 1).zfill(6), gmina.name, DOMAIN)
    session.add(SubmissionSnapshot(submission_id=submission.id, number=1, values=values,
                                   evidence={}, questionnaire_version=version.version,
                                   questionnaire_sha256=version.sha256,
                                   approved_by_id=reviewer_id, approved_at=at))
