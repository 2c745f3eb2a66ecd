"""User accounts: officials of a gmina, program reviewers and administrators."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow

if TYPE_CHECKING:
    from portal.municipalities.models import Gmina


class Role(StrEnum):
    OFFICIAL = "official"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Account(UserMixin):
    """What an account's role and status allow: shared by the ORM `User` and the
    `SignedInUser` every request reads (auth/signed_in.py), which both have `role` and `active`."""

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)


class User(Account, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('official', 'reviewer', 'admin')", name="role_known"),
        # An official always belongs to a gmina; staff never do.
        CheckConstraint(
            "(role = 'official') = (gmina_id IS NOT NULL)", name="official_has_gmina"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    gmina_id: Mapped[int | None] = mapped_column(ForeignKey("gminy.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The interface language the person last chose ("pl", "en"); None: the portal's default.
    # Their e-mails are written in it, and logging in on another device restores it.
    locale: Mapped[str | None] = mapped_column(String(8))

    gmina: Mapped[Gmina | None] = relationship()
