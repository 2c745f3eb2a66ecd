"""Yearly editions of the programme and their questionnaire and deadlines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.questionnaires.models import QuestionnaireVersion

# Deadlines are days in Poland: an edition closing on 30 April accepts changes until 23:59:59
# Polish time that day, whatever the server's zone.
POLAND = ZoneInfo("Europe/Warsaw")


class EditionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Edition(Base):
    __tablename__ = "editions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status_known"),
        CheckConstraint("opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on",
                        name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    status: Mapped[str] = mapped_column(String(16), default=EditionStatus.DRAFT)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()

    @property
    def deadline(self) -> datetime | None:
        """The last moment officials may change answers, as an aware datetime."""
        if self.closes_on is None:
            return None
        end_of_day = datetime.combine(self.closes_on + timedelta(days=1), time(0), POLAND)
        return end_of_day - timedelta(microseconds=1)

    def accepts_answers(self, now: datetime) -> bool:
        return accepts_answers(self.status, self.opens_on, self.closes_on, now)


def accepts_answers(status: str, opens_on: date | None, closes_on: date | None,
                    now: datetime) -> bool:
    """Officials may edit while the edition is open and between its dates (Polish days)."""
    if status != EditionStatus.OPEN:
        return False
    local_today = now.astimezone(POLAND).date()
    if opens_on is not None and local_today < opens_on:
        return False
    return closes_on is None or local_today <= closes_on
