"""Append-only audit trail of state changes: who did what to which object, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, session, utcnow


class AuditEvent(Base):
    """One recorded action. Rows are only ever inserted, never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(action: str, obj_type: str, obj_id: int | None, *, actor=None, **details: Any) -> None:
    """Add an audit event to the current unit of work (the caller commits)."""
    session.add(
        AuditEvent(
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            actor_id=actor.id if actor is not None else None,
            details=details,
        )
    )
