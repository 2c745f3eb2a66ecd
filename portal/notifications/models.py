"""The outbox: every e-mail notification the portal decided to send, and what became of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # committed, not yet handed to SMTP
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # SMTP refused or unreachable; an admin may retry
    LOGGED = "logged"  # no SMTP configured: written to the log and shown in the outbox only


STATUS_LABELS = {
    OutboxStatus.QUEUED: _l("w kolejce"),
    OutboxStatus.SENT: _l("wysłana"),
    OutboxStatus.FAILED: _l("błąd wysyłki"),
    OutboxStatus.LOGGED: _l("tylko w dzienniku"),
}


class OutboxMessage(Base):
    """One e-mail to one recipient, rendered when queued so that a retry sends the same text."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed', 'logged')", name="status_known"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_date"),
        CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_has_error"),
        Index("ix_outbox_messages_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))
    # Kept if the account is removed: the outbox is a record of what was sent to whom.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[OutboxStatus(self.status)])

    @property
    def can_retry(self) -> bool:
        return self.status == OutboxStatus.FAILED

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
