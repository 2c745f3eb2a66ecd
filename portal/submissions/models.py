"""A gmina's submission for an edition, its answers and the append-only history of changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import Base, utcnow
from portal.editions.models import Edition

if TYPE_CHECKING:
    from portal.municipalities.models import Gmina


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("edition_id", "gmina_id"),
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'approved')", name="status_known"
        ),
        CheckConstraint(
            "status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_date"
        ),
        CheckConstraint(
            "status <> 'returned' OR returned_at IS NOT NULL", name="returned_has_date"
        ),
        CheckConstraint(
            "status <> 'approved' OR approved_at IS NOT NULL", name="approved_has_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declarant_name: Mapped[str | None] = mapped_column(String(200))
    declarant_position: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Review (portal/review): the assigned reviewer and when the last transitions happened.
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    in_review_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by every status change, so a decision made on a stale page is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship()
    gmina: Mapped[Gmina] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    __mapper_args__ = {"version_id_col": lock_version}


class Answer(Base):
    """The current value of one item. `revision` grows with every change (optimistic locking)."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("submission_id", "item_key"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any | None] = mapped_column(JSON)
    # A document supporting the answer (file metadata, see submissions/uploads.py).
    evidence: Mapped[dict | None] = mapped_column(JSON)
    # Carried over from the previous edition's approved answers and not yet confirmed.
    prefilled: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    updated_by: Mapped[User | None] = relationship()


class AnswerChange(Base):
    """Append-only log of every change of an answer: who, when, item, old and new value."""

    __tablename__ = "answer_changes"
    __table_args__ = (Index("ix_answer_changes_submission_item", "submission_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(16), default="edit")  # edit | prefill | confirm
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[User | None] = relationship()
