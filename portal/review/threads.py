"""Reading query threads: which items the gmina is asked about (used by the official's pages)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from portal.db import session
from portal.review.models import QueryMessage, ReviewQuery


def queries_of(submission_id: int, *, sent_only: bool = False,
               open_only: bool = False) -> list[ReviewQuery]:
    """Queries of a submission with their messages and authors, oldest first (one query)."""
    return list(session.scalars(_queries_statement(sent_only, open_only),
                                {"submission_id": submission_id}).unique())


@cache
def _queries_statement(sent_only: bool, open_only: bool) -> Select:
    # One statement per filter, built once (on first use, when every model is imported):
    # SQLAlchemy then reuses its cache key instead of computing it at each page view. The
    # messages are joined, not loaded by a second statement: a submission has a few threads
    # of a few messages, and every page that shows them saves a round trip.
    statement = (
        select(ReviewQuery).where(ReviewQuery.submission_id == bindparam("submission_id"))
        .options(joinedload(ReviewQuery.messages).joinedload(QueryMessage.author))
        .order_by(ReviewQuery.id)
    )
    if sent_only:
        statement = statement.where(ReviewQuery.sent_at.is_not(None))
    if open_only:
        statement = statement.where(ReviewQuery.status == "open")
    return statement


def queried_keys(submission_id: int) -> frozenset[str]:
    """Items with an open query sent to the gmina: the only ones it may change when returned."""
    return frozenset(session.scalars(
        select(ReviewQuery.item_key).where(ReviewQuery.submission_id == submission_id,
                                           ReviewQuery.status == "open",
                                           ReviewQuery.sent_at.is_not(None))
    ))
