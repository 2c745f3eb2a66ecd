"""Approved snapshots: the immutable, numbered values that scoring and exports read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager

from portal.db import column_rows, session, utcnow
from portal.editions.models import Edition
from portal.municipalities.models import Gmina
from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.evaluation import Evaluation
from portal.review.models import SubmissionSnapshot
from portal.submissions.models import Answer, Submission
from portal.submissions.workflow import State


def take_snapshot(submission: Submission, questionnaire: Questionnaire, evaluation: Evaluation,
                  answers: dict[str, Answer], *, actor) -> SubmissionSnapshot:
    """Freeze the relevant answers (stored JSON form) and their evidence as snapshot n+1."""
    last = session.scalar(select(func.max(SubmissionSnapshot.number))
                          .where(SubmissionSnapshot.submission_id == submission.id)) or 0
    relevant = [key for key in questionnaire.items_by_key
                if evaluation.relevant.get(key, True) and key in answers]
    version = submission.edition.questionnaire_version
    snapshot = SubmissionSnapshot(
        submission_id=submission.id,
        number=last + 1,
        values={key: answers[key].value for key in relevant if answers[key].value is not None},
        evidence={key: answers[key].evidence for key in relevant if answers[key].evidence},
        questionnaire_version=version.version,
        questionnaire_sha256=version.sha256,
        approved_by_id=actor.id if actor is not None else None,
        approved_at=utcnow(),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def snapshot_history(submission: Submission) -> list[SubmissionSnapshot]:
    return list(session.scalars(
        select(SubmissionSnapshot).where(SubmissionSnapshot.submission_id == submission.id)
        .order_by(SubmissionSnapshot.number)
    ))


def latest_snapshot(gmina_id: int, *, before_year: int) -> SubmissionSnapshot | None:
    """The newest snapshot of the gmina's latest edition before `before_year` that has one.

    Used for last year's values (prefill, year-on-year change): a reopened submission's last
    snapshot is still the last verified data.
    """
    return session.scalar(_latest_snapshot_query(), {"gmina_id": gmina_id, "year": before_year})


@dataclass(frozen=True)
class PreviousValues:
    """What the review page compares with: the values of latest_snapshot, its number and the
    year of its edition."""

    year: int
    number: int
    values: dict


def previous_values(gmina_id: int, *, before_year: int) -> PreviousValues | None:
    """latest_snapshot's values, number and edition year, read as one row (no ORM objects:
    the review page reads it on every view)."""
    rows = column_rows(_previous_values_query(), {"gmina_id": gmina_id, "year": before_year})
    return PreviousValues(rows[0].year, rows[0].number, rows[0].values) if rows else None


def _newest_before(query: Select) -> Select:
    """`query` over snapshots cut to the newest of the gmina's latest edition before `year`."""
    return (query.join(SubmissionSnapshot.submission)
            .join(Submission.edition)
            .where(Submission.gmina_id == bindparam("gmina_id"), Edition.year < bindparam("year"))
            .order_by(Edition.year.desc(), SubmissionSnapshot.number.desc())
            .limit(1))


# Both built once (on first use, when every model is imported): SQLAlchemy then reuses their
# cache keys, which cost more than running these one-row queries.
@cache
def _previous_values_query() -> Select:
    return _newest_before(select(Edition.year, SubmissionSnapshot.number,
                                 SubmissionSnapshot.values))


@cache
def _latest_snapshot_query() -> Select:
    return _newest_before(select(SubmissionSnapshot).options(
        contains_eager(SubmissionSnapshot.submission).contains_eager(Submission.edition)))


def _current_snapshots(edition: Edition):
    newest = (
        select(SubmissionSnapshot.submission_id,
               func.max(SubmissionSnapshot.number).label("number"))
        .group_by(SubmissionSnapshot.submission_id)
        .subquery()
    )
    return (
        select(SubmissionSnapshot)
        .join(newest, (newest.c.submission_id == SubmissionSnapshot.submission_id)
              & (newest.c.number == SubmissionSnapshot.number))
        .join(SubmissionSnapshot.submission)
        .where(Submission.edition_id == edition.id, Submission.status == State.APPROVED)
        .options(contains_eager(SubmissionSnapshot.submission))
    )


def approved_snapshot(edition: Edition, gmina: Gmina) -> SubmissionSnapshot | None:
    """The gmina's current approved values for the edition: its latest snapshot, while approved.

    A submission reopened by an admin has no current snapshot until it is approved again.
    """
    return session.scalar(_current_snapshots(edition).where(Submission.gmina_id == gmina.id))


def approved_snapshots(edition: Edition) -> dict[int, SubmissionSnapshot]:
    """Gmina id -> current approved snapshot, for every approved submission of the edition.

    One query whatever the number of gminy; what scoring and exports should read.
    """
    rows = session.scalars(_current_snapshots(edition)).all()
    return {snapshot.submission.gmina_id: snapshot for snapshot in rows}
