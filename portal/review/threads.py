"""Reading query threads: which items the gmina is asked about (used by the official's pages)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.db import session
from portal.review.models import QueryMessage, ReviewQuery


def queries_of(submission_id: int, *, sent_only: bool = False,
               open_only: bool = False) -> list[ReviewQuery]:
    """Queries of a submission with their messages and authors, oldest first (three queries)."""
    statement = (
        select(ReviewQuery).where(ReviewQuery.submission_id == submission_id)
        .options(selectinload(ReviewQuery.messages).selectinload(QueryMessage.author))
        .order_by(ReviewQuery.id)
    )
    if sent_only:
        statement = statement.where(ReviewQuery.sent_at.is_not(None))
    if open_only:
        statement = statement.where(ReviewQuery.status == "open")
    return list(session.scalars(statement))


def queried_keys(submission_id: int) -> frozenset[str]:
    """Items with an open query sent to the gmina: the only ones it may change when returned."""
    return frozenset(session.scalars(
        select(ReviewQuery.item_key).where(ReviewQuery.submission_id == submission_id,
                                           ReviewQuery.status == "open",
                                           ReviewQuery.sent_at.is_not(None))
    ))
