"""Questionnaire versions kept in the database: an immutable snapshot of the definition file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class QuestionnaireVersion(Base):
    """The exact text of a questionnaire file that an edition uses, with its SHA-256."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: pages need only `sha256` to find the parsed definition in the process cache;
    # the 80 kB text is read only when a process parses the version for the first time.
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    source_name: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
