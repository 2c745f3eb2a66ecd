"""Verification of submissions: per-answer reviews, query threads and approved snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import Base, utcnow
from portal.submissions.models import Submission


class AnswerReview(Base):
    """A reviewer's verification of one item. `version` grows with every change (compare-and-set).

    A verification holds for the answer revision it was made on: when the gmina changes the
    answer, the item is unverified again without anyone touching this row.
    """

    __tablename__ = "answer_reviews"
    __table_args__ = (
        UniqueConstraint("submission_id", "item_key"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status IN ('pending', 'verified')", name="status_known"),
        CheckConstraint(
            "status = 'pending' OR (verified_revision IS NOT NULL AND verified_at IS NOT NULL)",
            name="verified_has_revision",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Answer.revision that was verified (0: the item had no stored answer).
    verified_revision: Mapped[int | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    verified_by: Mapped[User | None] = relationship()


class ReviewQuery(Base):
    """A reviewer's question about one item: a thread of messages, open until closed.

    `sent_at` is set when the submission is returned: only sent queries are shown to the gmina.
    """

    __tablename__ = "review_queries"
    __table_args__ = (
        Index("ix_review_queries_submission_status", "submission_id", "status"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    submission: Mapped[Submission] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    messages: Mapped[list[QueryMessage]] = relationship(
        back_populates="query", order_by="QueryMessage.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class QueryMessage(Base):
    """One message of a query thread (append-only). The body is plain text, escaped on output."""

    __tablename__ = "query_messages"
    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("review_queries.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    query: Mapped[ReviewQuery] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class SubmissionSnapshot(Base):
    """The values of an approved submission, frozen: numbered 1..n per submission, never changed.

    `values` holds the relevant answers in their stored JSON form, `evidence` the metadata of
    the documents attached to them. Scoring and exports read these, never live answers.
    """

    __tablename__ = "submission_snapshots"
    __table_args__ = (
        UniqueConstraint("submission_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    number: Mapped[int]
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    questionnaire_sha256: Mapped[str] = mapped_column(String(64))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    submission: Mapped[Submission] = relationship()
    approved_by: Mapped[User | None] = relationship()
