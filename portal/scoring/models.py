"""Scoring runs, their ranking entries and explanations, and objections (right of reply).

A run is append-only once published: a correction is a new run published in its place, and the
old one becomes "withdrawn" but stays, so every ranking ever shown can be reproduced.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import Base, utcnow
from portal.editions.models import Edition
from portal.municipalities.models import Gmina


class RunStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ObjectionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ScoringRun(Base):
    """One execution of the methodology over an edition's approved answers and Police data."""

    __tablename__ = "scoring_runs"
    __table_args__ = (
        UniqueConstraint("edition_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="status_known"),
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_has_date"),
        CheckConstraint("status <> 'withdrawn' OR withdrawn_at IS NOT NULL",
                        name="withdrawn_has_date"),
        CheckConstraint("draws >= 0", name="draws_not_negative"),
        CheckConstraint("length(methodology_sha256) = 64 AND length(input_sha256) = 64",
                        name="hashes_length"),
        # At most one published ranking per edition; withdrawn runs stay for the record.
        Index("uq_scoring_runs_published", "edition_id", unique=True,
              sqlite_where=text("status = 'published'"),
              postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1..n per edition
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.DRAFT)
    methodology_version: Mapped[str] = mapped_column(String(32))
    methodology_sha256: Mapped[str] = mapped_column(String(64))
    # The exact file text, so the run can be re-read and explained without the repository.
    methodology_text: Mapped[str] = mapped_column(Text)
    input_sha256: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(100))
    # Decimal digits: the derived seed is a 64-bit unsigned number, beyond BIGINT and SQLite.
    seed: Mapped[str] = mapped_column(String(20))
    draws: Mapped[int] = mapped_column(Integer, default=0)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # load/compute/store s
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    units_count: Mapped[int] = mapped_column(Integer, default=0)
    ranked_count: Mapped[int] = mapped_column(Integer, default=0)
    uses_demo_data: Mapped[bool] = mapped_column(Boolean, default=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The run published in place of this one (set when this one is withdrawn).
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_runs.id"))
    reply_deadline: Mapped[date | None] = mapped_column(Date)  # right of reply open until
    notes: Mapped[str | None] = mapped_column(Text)

    edition: Mapped[Edition] = relationship()
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    superseded_by: Mapped[ScoringRun | None] = relationship(remote_side=[id])

    @property
    def is_draft(self) -> bool:
        return self.status == RunStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED

    @property
    def seed_value(self) -> int:
        return int(self.seed)

    def __repr__(self) -> str:
        return f"<ScoringRun {self.id} edition={self.edition_id} #{self.number} {self.status}>"


class RankingEntry(Base):
    """The result of one gmina in one run: score, ranks, rank interval, pillar scores, flags."""

    __tablename__ = "ranking_entries"
    __table_args__ = (
        UniqueConstraint("run_id", "gmina_id"),
        Index("ix_ranking_entries_run_category_rank", "run_id", "category", "rank_category"),
        CheckConstraint("ranked = (not_ranked_reason IS NULL)", name="reason_iff_not_ranked"),
        CheckConstraint("NOT ranked OR (rank_national >= 1 AND score IS NOT NULL)",
                        name="ranked_has_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))  # "1", "2", "3" (gmina kind) or "mnpp"
    ranked: Mapped[bool] = mapped_column(Boolean)
    not_ranked_reason: Mapped[str | None] = mapped_column(Text)  # Polish, shown to the public
    score: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    published_score: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))  # ranks use this
    rank_category: Mapped[int | None] = mapped_column(Integer)
    rank_national: Mapped[int | None] = mapped_column(Integer)
    ex_aequo_category: Mapped[bool] = mapped_column(Boolean, default=False)
    ex_aequo_national: Mapped[bool] = mapped_column(Boolean, default=False)
    # Monte Carlo rank statistics (of the category rank); interpolated, hence fractional.
    median_rank: Mapped[float | None] = mapped_column(Float)
    rank_p05: Mapped[float | None] = mapped_column(Float)
    rank_p95: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)  # the denominator used
    group_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {pillar: score}
    group_ranks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # in the category
    # {"imputed": [...], "powiat_level": [...], "unverified": [...], "demo": bool}
    flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    run: Mapped[ScoringRun] = relationship()
    gmina: Mapped[Gmina] = relationship()
    indicators: Mapped[list[IndicatorResult]] = relationship(
        back_populates="entry", order_by="IndicatorResult.id", passive_deletes=True,
        lazy="raise_on_sql")

    @property
    def rank_interval(self) -> tuple[float, float] | None:
        if self.rank_p05 is None or self.rank_p95 is None:
            return None
        return self.rank_p05, self.rank_p95

    @property
    def ex_aequo(self) -> bool:
        return self.ex_aequo_category or self.ex_aequo_national


class IndicatorResult(Base):
    """How one indicator made up one entry's score.

    Float, not Numeric: these are the engine's float64 values explained back, not amounts of
    money; a double keeps them bit-for-bit (so reruns compare exactly) and bulk inserts cheap.
    """

    __tablename__ = "indicator_results"
    __table_args__ = (UniqueConstraint("entry_id", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ranking_entries.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(64))
    raw: Mapped[float | None] = mapped_column(Float)
    transformed: Mapped[float | None] = mapped_column(Float)
    normalised: Mapped[float | None] = mapped_column(Float)
    effective_weight: Mapped[float | None] = mapped_column(Float)
    contribution: Mapped[float | None] = mapped_column(Float)
    points_lost: Mapped[float | None] = mapped_column(Float)
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    imputed: Mapped[bool] = mapped_column(Boolean, default=False)
    powiat_level: Mapped[bool] = mapped_column(Boolean, default=False)
    shrinkage_weight: Mapped[float | None] = mapped_column(Float)
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    winsorised: Mapped[bool] = mapped_column(Boolean, default=False)

    entry: Mapped[RankingEntry] = relationship(back_populates="indicators")


class Objection(Base):
    """A gmina's objection to its draft result, resolved by an admin before publication."""

    __tablename__ = "objections"
    __table_args__ = (
        Index("ix_objections_run_status", "run_id", "status"),
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
        CheckConstraint("length(comment) > 0", name="comment_not_empty"),
        CheckConstraint(
            "status = 'open' OR (resolution IS NOT NULL AND length(resolution) > 0 "
            "AND resolved_at IS NOT NULL)", name="resolved_has_resolution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id"))
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    indicator: Mapped[str | None] = mapped_column(String(64))  # what it is about, if one
    comment: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # store_upload
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=ObjectionStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    run: Mapped[ScoringRun] = relationship()
    gmina: Mapped[Gmina] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatus.OPEN
