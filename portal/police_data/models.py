"""Imported Police figures: batches (one per file) and the rows each batch brought.

History is kept: a newer batch never updates or deletes older rows, it marks the rows it replaces
with `superseded_by_id`. "Current" figures are the rows with `superseded_by_id IS NULL`; a partial
unique index guarantees at most one current row per key.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.municipalities.models import Gmina, Powiat

_CURRENT = text("superseded_by_id IS NULL")


class ImportKind(StrEnum):
    CRIME = "crime"  # Police crime statistics per gmina
    THREATS = "kmzb"  # Krajowa Mapa Zagrożeń Bezpieczeństwa, aggregated per gmina
    BDL = "bdl"  # GUS BDL P2290, per powiat (also voivodeship and Poland)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    ImportKind.CRIME: _l("statystyka przestępstw Policji (gminy)"),
    ImportKind.THREATS: _l("Krajowa Mapa Zagrożeń Bezpieczeństwa (gminy)"),
    ImportKind.BDL: _l("GUS BDL P2290: przestępstwa wg powiatów"),
}


class AreaLevel(StrEnum):
    """Territorial level of a BDL row: never a gmina (BDL has no gmina level)."""

    COUNTRY = "kraj"
    VOIVODESHIP = "wojewodztwo"
    POWIAT = "powiat"


class PoliceImportBatch(Base):
    """One imported file: who loaded it, when, its checksum and what it changed."""

    __tablename__ = "police_import_batches"
    __table_args__ = (
        CheckConstraint("kind IN ('crime', 'kmzb', 'bdl')", name="kind_known"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        CheckConstraint(
            "rows_count >= 0 AND added_count >= 0 AND changed_count >= 0 "
            "AND unchanged_count >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    rows_count: Mapped[int] = mapped_column(Integer)
    units_count: Mapped[int] = mapped_column(Integer)  # gminy, or BDL units
    added_count: Mapped[int] = mapped_column(Integer)  # keys without a current row before
    changed_count: Mapped[int] = mapped_column(Integer)  # keys whose current values changed
    unchanged_count: Mapped[int] = mapped_column(Integer)
    notes_count: Mapped[int] = mapped_column(Integer, default=0)

    imported_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ImportKind(self.kind).label

    def __repr__(self) -> str:
        return f"<PoliceImportBatch {self.id} {self.kind} {self.file_name}>"


class CrimeStat(Base):
    """Crimes of one category in one gmina over one period, as the Police reported them."""

    __tablename__ = "police_crime_stats"
    __table_args__ = (
        CheckConstraint("confirmed >= 0", name="confirmed_not_negative"),
        CheckConstraint("detected IS NULL OR detected >= 0", name="detected_not_negative"),
        CheckConstraint("reopened IS NULL OR reopened >= 0", name="reopened_not_negative"),
        CheckConstraint(
            "detected IS NULL OR detected <= confirmed + COALESCE(reopened, 0)",
            name="detected_within_base",
        ),
        CheckConstraint(
            "detection_rate IS NULL OR detection_rate BETWEEN 0 AND 100", name="rate_percent"
        ),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        Index(
            "uq_police_crime_stats_current",
            "period_start", "period_end", "category", "gmina_id",
            unique=True, sqlite_where=_CURRENT, postgresql_where=_CURRENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("police_import_batches.id"), index=True)
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(100))
    confirmed: Mapped[int] = mapped_column(Integer)  # przestępstwa stwierdzone
    detected: Mapped[int | None] = mapped_column(Integer)  # wykryte, incl. after reopening
    # Stwierdzone w podjętych z umorzenia: added to the detection rate's denominator.
    reopened: Mapped[int | None] = mapped_column(Integer)
    detection_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("police_import_batches.id"), index=True
    )

    batch: Mapped[PoliceImportBatch] = relationship(foreign_keys=[batch_id])
    gmina: Mapped[Gmina] = relationship()


class ThreatMapStat(Base):
    """KMZB reports of one category in one gmina over one period, by outcome."""

    __tablename__ = "threat_map_stats"
    __table_args__ = (
        CheckConstraint("reported >= 0 AND confirmed >= 0", name="counts_not_negative"),
        CheckConstraint(
            "(not_confirmed IS NULL OR not_confirmed >= 0) "
            "AND (eliminated IS NULL OR eliminated >= 0)",
            name="outcomes_not_negative",
        ),
        CheckConstraint(
            "confirmed + COALESCE(not_confirmed, 0) <= reported", name="outcomes_within_reported"
        ),
        CheckConstraint("eliminated IS NULL OR eliminated <= confirmed",
                        name="eliminated_within_confirmed"),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        Index(
            "uq_threat_map_stats_current",
            "period_start", "period_end", "category", "gmina_id",
            unique=True, sqlite_where=_CURRENT, postgresql_where=_CURRENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("police_import_batches.id"), index=True)
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(100))
    reported: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
    not_confirmed: Mapped[int | None] = mapped_column(Integer)
    eliminated: Mapped[int | None] = mapped_column(Integer)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("police_import_batches.id"), index=True
    )

    batch: Mapped[PoliceImportBatch] = relationship(foreign_keys=[batch_id])
    gmina: Mapped[Gmina] = relationship()


class AreaCrimeStat(Base):
    """A GUS BDL figure for a powiat, voivodeship or Poland; never copied into gmina rows.

    A powiat row applies to every gmina of the powiat only as a powiat-level figure: readers get
    it with its `level`, so nothing can pass it off as the gmina's own.
    """

    __tablename__ = "police_area_stats"
    __table_args__ = (
        CheckConstraint("level IN ('kraj', 'wojewodztwo', 'powiat')", name="level_known"),
        CheckConstraint("(level = 'powiat') = (powiat_id IS NOT NULL)", name="powiat_level"),
        CheckConstraint("length(unit_code) = 7", name="unit_code_length"),
        CheckConstraint("confirmed IS NULL OR confirmed >= 0", name="confirmed_not_negative"),
        CheckConstraint("detection_rate IS NULL OR detection_rate >= 0", name="rate_not_negative"),
        CheckConstraint("per_1000 IS NULL OR per_1000 >= 0", name="per_1000_not_negative"),
        CheckConstraint("year BETWEEN 1999 AND 2100", name="year_range"),
        Index(
            "uq_police_area_stats_current",
            "year", "category", "unit_code",
            unique=True, sqlite_where=_CURRENT, postgresql_where=_CURRENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("police_import_batches.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(7))  # as BDL writes it: WWPP000, WW00000
    powiat_id: Mapped[int | None] = mapped_column(ForeignKey("powiats.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    category: Mapped[str] = mapped_column(String(32))
    confirmed: Mapped[int | None] = mapped_column(Integer)
    detection_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    per_1000: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("police_import_batches.id"), index=True
    )

    batch: Mapped[PoliceImportBatch] = relationship(foreign_keys=[batch_id])
    powiat: Mapped[Powiat | None] = relationship()
