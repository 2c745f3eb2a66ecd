"""The review queue of an edition: filters, sorting, pagination and the counts at the top.

A fixed number of queries whatever the number of submissions (one per block of the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina, Powiat, Voivodeship
from portal.review.models import ReviewQuery
from portal.submissions.models import Submission
from portal.submissions.workflow import State

PER_PAGE = 50
STATUSES = [State.SUBMITTED, State.RETURNED, State.APPROVED, State.DRAFT]


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None  # None: everything but drafts
    voivodeship: str | None = None  # TERYT code
    kind: int | None = None
    mine: bool = False
    unassigned: bool = False
    sort: str = "waiting"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class QueueRow:
    submission_id: int
    gmina: str
    teryt7: str
    kind: int
    powiat: str
    voivodeship: str
    status: str
    submitted_at: datetime | None
    in_review_since: datetime | None
    reviewer: str | None
    open_queries: int

    def days_waiting(self, now: datetime) -> int | None:
        """Days the submission has waited for the reviewer (only while submitted)."""
        if self.status != State.SUBMITTED or self.in_review_since is None:
            return None
        since = self.in_review_since
        if since.tzinfo is None:  # SQLite returns naive UTC
            since = since.replace(tzinfo=now.tzinfo)
        return max(0, (now - since).days)


@dataclass(frozen=True)
class ReviewerLoad:
    name: str
    submitted: int
    returned: int
    approved: int


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    status_counts: dict[str, int]
    reviewer_loads: list[ReviewerLoad]
    unassigned_waiting: int
    oldest: list[QueueRow]
    voivodeships: list[tuple[str, str]]


def _open_counts():
    return (select(ReviewQuery.submission_id, func.count(ReviewQuery.id).label("n"))
            .where(ReviewQuery.status == "open").group_by(ReviewQuery.submission_id).subquery())


def _rows_query(edition: Edition) -> tuple[Select, dict]:
    reviewer = aliased(User)
    counts = _open_counts()
    open_queries = func.coalesce(counts.c.n, 0)
    query = (
        select(Submission.id, Gmina.name, Gmina.teryt7, Gmina.kind, Powiat.name,
               Voivodeship.name, Submission.status, Submission.submitted_at,
               Submission.in_review_since, reviewer.name, open_queries)
        .join(Gmina, Gmina.id == Submission.gmina_id)
        .join(Powiat, Powiat.id == Gmina.powiat_id)
        .join(Voivodeship, Voivodeship.id == Powiat.voivodeship_id)
        .outerjoin(reviewer, reviewer.id == Submission.reviewer_id)
        .outerjoin(counts, counts.c.submission_id == Submission.id)
        .where(Submission.edition_id == edition.id)
    )
    sorts = {"gmina": Gmina.name, "powiat": Powiat.name, "voivodeship": Voivodeship.name,
             "kind": Gmina.kind, "status": Submission.status,
             "submitted": Submission.submitted_at, "waiting": Submission.in_review_since,
             "reviewer": reviewer.name, "queries": open_queries}
    return query, sorts


def _filtered(query: Select, filters: QueueFilters, user) -> Select:
    if filters.status:
        query = query.where(Submission.status == filters.status)
    else:
        query = query.where(Submission.status != State.DRAFT)
    if filters.voivodeship:
        query = query.where(Voivodeship.code == filters.voivodeship)
    if filters.kind:
        query = query.where(Gmina.kind == filters.kind)
    if filters.mine:
        query = query.where(Submission.reviewer_id == user.id)
    if filters.unassigned:
        query = query.where(Submission.reviewer_id.is_(None))
    return query


def review_queue(edition: Edition, filters: QueueFilters, *, user,
                 per_page: int | None = None) -> QueuePage:
    """One page of the edition's queue, with counts per status and reviewer and the oldest."""
    per_page = per_page or PER_PAGE
    base, sorts = _rows_query(edition)
    query = _filtered(base, filters, user)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    column = sorts.get(filters.sort, sorts["waiting"])
    order = column.desc() if filters.descending else column.asc()
    rows = session.execute(query.order_by(order.nulls_last(), Gmina.name, Submission.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    oldest = session.execute(
        base.where(Submission.status == State.SUBMITTED)
        .order_by(Submission.in_review_since.asc(), Submission.id).limit(5)).all()
    return QueuePage(
        rows=[QueueRow(*row) for row in rows], total=total, page=page, pages=pages,
        status_counts=_status_counts(edition), reviewer_loads=_reviewer_loads(edition),
        unassigned_waiting=_unassigned_waiting(edition), oldest=[QueueRow(*r) for r in oldest],
        voivodeships=[(v.code, v.display_name) for v in
                      session.scalars(select(Voivodeship).order_by(Voivodeship.name))],
    )


def _status_counts(edition: Edition) -> dict[str, int]:
    counts = dict(session.execute(
        select(Submission.status, func.count(Submission.id))
        .where(Submission.edition_id == edition.id).group_by(Submission.status)).all())
    return {state.value: counts.get(state.value, 0) for state in STATUSES}


def _reviewer_loads(edition: Edition) -> list[ReviewerLoad]:
    loads: dict[tuple[int, str], dict[str, int]] = {}
    for user_id, name, status, n in session.execute(
            select(User.id, User.name, Submission.status, func.count(Submission.id))
            .join(User, User.id == Submission.reviewer_id)
            .where(Submission.edition_id == edition.id)
            .group_by(User.id, User.name, Submission.status).order_by(User.name, User.id)):
        loads.setdefault((user_id, name), {})[status] = n
    return [ReviewerLoad(key[1], c.get("submitted", 0), c.get("returned", 0), c.get("approved", 0))
            for key, c in loads.items()]


def _unassigned_waiting(edition: Edition) -> int:
    return session.scalar(
        select(func.count(Submission.id)).where(Submission.edition_id == edition.id,
                                                Submission.status == State.SUBMITTED,
                                                Submission.reviewer_id.is_(None))) or 0
