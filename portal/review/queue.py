"""The review queue of an edition: filters, sorting, pagination and the counts at the top.

A fixed number of queries whatever the number of submissions (one per block of the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina, Powiat, Voivodeship
from portal.review.models import ReviewQuery
from portal.submissions.models import Submission
from portal.submissions.workflow import State

PER_PAGE = 50
SORTS = ("gmina", "powiat", "voivodeship", "kind", "status", "submitted", "waiting", "reviewer",
         "queries")
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


def _open_queries():
    """Open queries of the row's submission: an index lookup per row the database returns,
    instead of aggregating every open query of the edition before the page is cut."""
    return (select(func.count(ReviewQuery.id))
            .where(ReviewQuery.submission_id == Submission.id, ReviewQuery.status == "open")
            .correlate(Submission).scalar_subquery())


@dataclass(frozen=True)
class _Statements:
    """The queue's fixed statements, built once (on first use, when every model is imported):
    SQLAlchemy then reuses their cache keys instead of computing them at each view."""

    reviewer: Any  # the alias of the reviewer's user row, shared by sorting and the rows
    details: Select  # what a row shows, for rows picked by id (only they are joined, counted)
    oldest: Select
    counts: Select
    voivodeships: Select


@cache
def _statements() -> _Statements:
    reviewer = aliased(User)
    details = (
        select(Submission.id, Gmina.name, Gmina.teryt7, Gmina.kind, Powiat.name,
               Voivodeship.name, Submission.status, Submission.submitted_at,
               Submission.in_review_since, reviewer.name, _open_queries())
        .join(Gmina, Gmina.id == Submission.gmina_id)
        .join(Powiat, Powiat.id == Gmina.powiat_id)
        .join(Voivodeship, Voivodeship.id == Powiat.voivodeship_id)
        .outerjoin(reviewer, reviewer.id == Submission.reviewer_id)
    )
    waiting = (Submission.in_review_since.asc(), Submission.id)
    oldest = _picked(details, select(Submission.id)
                     .where(Submission.edition_id == bindparam("edition_id"),
                            Submission.status == State.SUBMITTED)
                     .order_by(*waiting).limit(5), waiting)
    # Per status and reviewer in one grouping; the (few) reviewers' names joined after.
    grouped = (select(Submission.status, Submission.reviewer_id,
                      func.count(Submission.id).label("n"))
               .where(Submission.edition_id == bindparam("edition_id"))
               .group_by(Submission.status, Submission.reviewer_id).subquery())
    counts = (select(grouped.c.status, User.id, User.name, grouped.c.n)
              .outerjoin(User, User.id == grouped.c.reviewer_id).order_by(User.name, User.id))
    return _Statements(reviewer, details, oldest, counts,
                       select(Voivodeship).order_by(Voivodeship.name))


def _picked(details: Select, ids: Select, order) -> Select:
    """The rows of `ids` (sorted and limited), joined and put back in `order`."""
    # Not correlated: inside the rows' query, the same tables stand for other rows.
    return details.where(Submission.id.in_(ids.correlate(None).scalar_subquery())).order_by(*order)


def _sorted_ids(conditions: list, filters: QueueFilters, reviewer) -> tuple[Select, list]:
    """The filtered submissions' ids in the page's order, joining only what the order needs,
    and that order (to sort the page's rows again once joined)."""
    query = select(Submission.id).join(Gmina, Gmina.id == Submission.gmina_id).where(*conditions)
    sort = filters.sort if filters.sort in SORTS else "waiting"
    if sort in ("powiat", "voivodeship"):
        query = query.join(Powiat, Powiat.id == Gmina.powiat_id)
    if sort == "voivodeship":
        query = query.join(Voivodeship, Voivodeship.id == Powiat.voivodeship_id)
    if sort == "reviewer":
        query = query.outerjoin(reviewer, reviewer.id == Submission.reviewer_id)
    columns = {"gmina": Gmina.name, "powiat": Powiat.name, "voivodeship": Voivodeship.name,
               "kind": Gmina.kind, "status": Submission.status,
               "submitted": Submission.submitted_at, "waiting": Submission.in_review_since,
               "reviewer": reviewer.name, "queries": _open_queries()}
    column = columns[sort].desc() if filters.descending else columns[sort].asc()
    order = [column.nulls_last(), Gmina.name, Submission.id]
    return query.order_by(*order), order


def _conditions(edition: Edition, filters: QueueFilters, user) -> list:
    """The filters as conditions on submissions alone, so counting needs no joins."""
    conditions = [Submission.edition_id == edition.id,
                  Submission.status == filters.status if filters.status
                  else Submission.status != State.DRAFT]
    if filters.voivodeship:
        conditions.append(Submission.gmina_id.in_(
            select(Gmina.id).join(Powiat, Powiat.id == Gmina.powiat_id)
            .join(Voivodeship, Voivodeship.id == Powiat.voivodeship_id)
            .where(Voivodeship.code == filters.voivodeship)))
    if filters.kind:
        conditions.append(Submission.gmina_id.in_(select(Gmina.id)
                                                  .where(Gmina.kind == filters.kind)))
    if filters.mine:
        conditions.append(Submission.reviewer_id == user.id)
    if filters.unassigned:
        conditions.append(Submission.reviewer_id.is_(None))
    return conditions


def review_queue(edition: Edition, filters: QueueFilters, *, user,
                 per_page: int | None = None) -> QueuePage:
    """One page of the edition's queue, with counts per status and reviewer and the oldest."""
    per_page = per_page or PER_PAGE
    conditions = _conditions(edition, filters, user)
    total = session.scalar(select(func.count(Submission.id)).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    statements = _statements()
    ids, order = _sorted_ids(conditions, filters, statements.reviewer)
    rows = session.execute(_picked(statements.details,
                                   ids.limit(per_page).offset((page - 1) * per_page), order))
    oldest = session.execute(statements.oldest, {"edition_id": edition.id})
    status_counts, reviewer_loads, unassigned_waiting = _edition_counts(statements, edition)
    return QueuePage(
        rows=[QueueRow(*row) for row in rows], total=total, page=page, pages=pages,
        status_counts=status_counts, reviewer_loads=reviewer_loads,
        unassigned_waiting=unassigned_waiting, oldest=[QueueRow(*row) for row in oldest],
        voivodeships=[(v.code, v.display_name)
                      for v in session.scalars(statements.voivodeships)],
    )


def _edition_counts(statements: _Statements,
                    edition: Edition) -> tuple[dict[str, int], list[ReviewerLoad], int]:
    """Submissions per status, per reviewer and status, and those waiting without a reviewer."""
    statuses: dict[str, int] = {}
    loads: dict[tuple[int, str], dict[str, int]] = {}
    unassigned = 0
    for status, user_id, name, n in session.execute(statements.counts,
                                                    {"edition_id": edition.id}):
        statuses[status] = statuses.get(status, 0) + n
        if user_id is not None:
            loads.setdefault((user_id, name), {})[status] = n
        elif status == State.SUBMITTED:
            unassigned = n
    return ({state.value: statuses.get(state.value, 0) for state in STATUSES},
            [ReviewerLoad(key[1], c.get("submitted", 0), c.get("returned", 0),
                          c.get("approved", 0)) for key, c in loads.items()],
            unassigned)
