"""Registry of Polish administrative units (TERYT): voivodeships, powiats, gminy and population."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from flask_babel import lazy_gettext
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.db import Base, utcnow

# Codes are validated digit by digit by the importers; the database re-checks what both SQLite and
# PostgreSQL can express the same way (length, and the 7th digit agreeing with the kind).
_YEAR_RANGE = "year BETWEEN 1999 AND 2100"  # TERYT in its current form starts with the 1999 reform


class GminaKind(IntEnum):
    """Type of a gmina; the value is the RODZ digit, i.e. the 7th digit of its TERYT code."""

    URBAN = 1
    RURAL = 2
    URBAN_RURAL = 3

    @property
    def label(self) -> str:
        """Polish name of the type, as GUS writes it."""
        return str(KIND_LABELS[self])


KIND_LABELS = {
    GminaKind.URBAN: lazy_gettext("gmina miejska"),
    GminaKind.RURAL: lazy_gettext("gmina wiejska"),
    GminaKind.URBAN_RURAL: lazy_gettext("gmina miejsko-wiejska"),
}


class Voivodeship(Base):
    """Województwo, identified by its 2-digit TERYT code."""

    __tablename__ = "voivodeships"
    __table_args__ = (CheckConstraint("length(code) = 2", name="code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    # As GUS publishes it, i.e. upper case ("WIELKOPOLSKIE").
    name: Mapped[str] = mapped_column(String(100))

    powiats: Mapped[list[Powiat]] = relationship(
        back_populates="voivodeship", order_by="Powiat.code"
    )

    @property
    def display_name(self) -> str:
        """The name as written in running text: "wielkopolskie"."""
        return self.name.lower()

    def __repr__(self) -> str:
        return f"<Voivodeship {self.code} {self.name}>"


class Powiat(Base):
    """Powiat (county), identified by its 4-digit TERYT code (WOJ+POW)."""

    __tablename__ = "powiats"
    __table_args__ = (CheckConstraint("length(code) = 4", name="code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    voivodeship_id: Mapped[int] = mapped_column(ForeignKey("voivodeships.id"), index=True)
    # Miasto na prawach powiatu: ranked in its own category later.
    city_with_powiat_rights: Mapped[bool] = mapped_column(Boolean, default=False)

    voivodeship: Mapped[Voivodeship] = relationship(back_populates="powiats")
    gminy: Mapped[list[Gmina]] = relationship(back_populates="powiat", order_by="Gmina.teryt6")

    def __repr__(self) -> str:
        return f"<Powiat {self.code} {self.name}>"


class Gmina(Base):
    """A gmina, identified across years by TERYT6; name, kind and TERYT7 are the current ones."""

    __tablename__ = "gminy"
    __table_args__ = (
        CheckConstraint("length(teryt6) = 6", name="teryt6_length"),
        CheckConstraint("kind IN (1, 2, 3)", name="kind_valid"),
        CheckConstraint("teryt7 = teryt6 || CAST(kind AS VARCHAR(1))", name="teryt7_matches_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teryt6: Mapped[str] = mapped_column(String(6), unique=True)
    teryt7: Mapped[str] = mapped_column(String(7))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[int] = mapped_column(SmallInteger)
    powiat_id: Mapped[int] = mapped_column(ForeignKey("powiats.id"), index=True)

    powiat: Mapped[Powiat] = relationship(back_populates="gminy")
    years: Mapped[list[GminaYear]] = relationship(
        back_populates="gmina", order_by="GminaYear.year", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        """ "gmina miejska", "gmina wiejska" or "gmina miejsko-wiejska"."""
        return GminaKind(self.kind).label

    @property
    def voivodeship(self) -> Voivodeship:
        return self.powiat.voivodeship

    def __repr__(self) -> str:
        return f"<Gmina {self.teryt7} {self.name}>"


class GminaYear(Base):
    """What the TERC register of a given year says about a gmina (codes change over time)."""

    __tablename__ = "gmina_years"
    __table_args__ = (
        UniqueConstraint("gmina_id", "year"),
        CheckConstraint("kind IN (1, 2, 3)", name="kind_valid"),
        CheckConstraint("length(teryt7) = 7", name="teryt7_length"),
        CheckConstraint("substr(teryt7, 7, 1) = CAST(kind AS VARCHAR(1))", name="teryt7_kind"),
        CheckConstraint(_YEAR_RANGE, name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    teryt7: Mapped[str] = mapped_column(String(7))
    kind: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))

    gmina: Mapped[Gmina] = relationship(back_populates="years")

    @property
    def kind_label(self) -> str:
        return GminaKind(self.kind).label

    def __repr__(self) -> str:
        return f"<GminaYear {self.year} {self.teryt7} {self.name}>"


class Population(Base):
    """Population of a gmina on 31 December of a year (GUS BDL, table LUDN 2137)."""

    __tablename__ = "populations"
    __table_args__ = (
        UniqueConstraint("gmina_id", "year"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint(_YEAR_RANGE, name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gmina_id: Mapped[int] = mapped_column(ForeignKey("gminy.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    total: Mapped[int] = mapped_column(Integer)
    # When this figure was stored: set again whenever it changes (below). Indexed, because the
    # review page's peer bands notice new and corrected figures by the latest of these
    # (portal/review/peers.py). Rows are only ever added or corrected, never deleted.
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                  index=True)

    gmina: Mapped[Gmina] = relationship()

    @validates("total")
    def _figure_changed(self, _key: str, total: int) -> int:
        if self.total is not None and total != self.total:
            self.imported_at = utcnow()
        return total

    def __repr__(self) -> str:
        return f"<Population {self.year} gmina={self.gmina_id} {self.total}>"
