"""Reading the current Police figures for all gminy at once (for scoring and reports).

Every function runs one query for the whole country and returns plain frozen values keyed by
gmina id; each value says whether it is demo data and at which level it was measured, so a
powiat-level BDL figure can never pass for a gmina's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.db import session
from portal.municipalities.models import Gmina
from portal.police_data.models import (
    AreaCrimeStat,
    AreaLevel,
    CrimeStat,
    PoliceImportBatch,
    ThreatMapStat,
)

GMINA_LEVEL = "gmina"
_AREA_COLUMNS = (AreaCrimeStat.category, AreaCrimeStat.level, AreaCrimeStat.unit_code,
                 AreaCrimeStat.year, AreaCrimeStat.confirmed, AreaCrimeStat.detection_rate,
                 AreaCrimeStat.per_1000, AreaCrimeStat.batch_id)


@dataclass(frozen=True)
class CrimeFigure:
    """Crimes of one category in one gmina over a period (gmina level, from the Police)."""

    category: str
    confirmed: int
    detected: int | None
    # Denominator of the detection rate: confirmed + confirmed in reopened proceedings.
    base: int
    detection_rate: Decimal | None
    source: str
    batch_id: int
    is_demo: bool
    level: str = GMINA_LEVEL


@dataclass(frozen=True)
class ThreatFigure:
    """KMZB reports of one category in one gmina over a period."""

    category: str
    reported: int
    confirmed: int
    not_confirmed: int | None
    eliminated: int | None
    source: str
    batch_id: int
    is_demo: bool
    level: str = GMINA_LEVEL


@dataclass(frozen=True)
class AreaFigure:
    """A GUS BDL figure of a powiat, voivodeship or Poland; `level` says which."""

    category: str
    level: str
    unit_code: str
    year: int
    confirmed: int | None
    detection_rate: Decimal | None
    per_1000: Decimal | None
    batch_id: int
    is_demo: bool


def year_period(year: int) -> tuple[date, date]:
    """The calendar year as (period_start, period_end), the usual reporting period."""
    return date(year, 1, 1), date(year, 12, 31)


def crime_figures(period_start: date, period_end: date,
                  categories: Iterable[str] | None = None) -> dict[int, dict[str, CrimeFigure]]:
    """Current gmina-level crime figures of one period: {gmina id: {category: figure}}."""
    query = (
        select(CrimeStat.gmina_id, CrimeStat.category, CrimeStat.confirmed, CrimeStat.detected,
               CrimeStat.reopened, CrimeStat.detection_rate, CrimeStat.source,
               CrimeStat.batch_id, PoliceImportBatch.is_demo)
        .join(PoliceImportBatch, CrimeStat.batch_id == PoliceImportBatch.id)
        .where(CrimeStat.superseded_by_id.is_(None), CrimeStat.period_start == period_start,
               CrimeStat.period_end == period_end)
    )
    if categories is not None:
        query = query.where(CrimeStat.category.in_(list(categories)))
    figures: dict[int, dict[str, CrimeFigure]] = {}
    # Plain columns, not entities: tens of thousands of rows need no identity map.
    for row in session.execute(query):
        figures.setdefault(row.gmina_id, {})[row.category] = CrimeFigure(
            row.category, row.confirmed, row.detected, row.confirmed + (row.reopened or 0),
            row.detection_rate, row.source, row.batch_id, row.is_demo)
    return figures


def threat_figures(period_start: date, period_end: date,
                   categories: Iterable[str] | None = None) -> dict[int, dict[str, ThreatFigure]]:
    """Current KMZB figures of one period: {gmina id: {category: figure}}."""
    query = (
        select(ThreatMapStat.gmina_id, ThreatMapStat.category, ThreatMapStat.reported,
               ThreatMapStat.confirmed, ThreatMapStat.not_confirmed, ThreatMapStat.eliminated,
               ThreatMapStat.source, ThreatMapStat.batch_id, PoliceImportBatch.is_demo)
        .join(PoliceImportBatch, ThreatMapStat.batch_id == PoliceImportBatch.id)
        .where(ThreatMapStat.superseded_by_id.is_(None),
               ThreatMapStat.period_start == period_start, ThreatMapStat.period_end == period_end)
    )
    if categories is not None:
        query = query.where(ThreatMapStat.category.in_(list(categories)))
    figures: dict[int, dict[str, ThreatFigure]] = {}
    for row in session.execute(query):
        figures.setdefault(row.gmina_id, {})[row.category] = ThreatFigure(
            row.category, row.reported, row.confirmed, row.not_confirmed, row.eliminated,
            row.source, row.batch_id, row.is_demo)
    return figures


def powiat_figures_for_gminy(year: int, categories: Iterable[str] | None = None
                             ) -> dict[int, dict[str, AreaFigure]]:
    """The BDL figures of each gmina's powiat for `year`: {gmina id: {category: figure}}.

    Every figure has level "powiat": it describes the powiat, not the gmina.
    """
    query = (
        select(Gmina.id.label("gmina_id"), *_AREA_COLUMNS, PoliceImportBatch.is_demo)
        .join(AreaCrimeStat, AreaCrimeStat.powiat_id == Gmina.powiat_id)
        .join(PoliceImportBatch, AreaCrimeStat.batch_id == PoliceImportBatch.id)
        .where(AreaCrimeStat.superseded_by_id.is_(None), AreaCrimeStat.year == year,
               AreaCrimeStat.level == AreaLevel.POWIAT.value)
    )
    if categories is not None:
        query = query.where(AreaCrimeStat.category.in_(list(categories)))
    figures: dict[int, dict[str, AreaFigure]] = {}
    for row in session.execute(query):
        figures.setdefault(row.gmina_id, {})[row.category] = _area_figure(row)
    return figures


def area_figures(year: int, level: AreaLevel | None = None,
                 categories: Iterable[str] | None = None) -> dict[str, dict[str, AreaFigure]]:
    """Current BDL figures of `year` by unit code (7 digits, as BDL writes it)."""
    query = (
        select(*_AREA_COLUMNS, PoliceImportBatch.is_demo)
        .join(PoliceImportBatch, AreaCrimeStat.batch_id == PoliceImportBatch.id)
        .where(AreaCrimeStat.superseded_by_id.is_(None), AreaCrimeStat.year == year)
    )
    if level is not None:
        query = query.where(AreaCrimeStat.level == level.value)
    if categories is not None:
        query = query.where(AreaCrimeStat.category.in_(list(categories)))
    figures: dict[str, dict[str, AreaFigure]] = {}
    for row in session.execute(query):
        figures.setdefault(row.unit_code, {})[row.category] = _area_figure(row)
    return figures


def _area_figure(row) -> AreaFigure:
    return AreaFigure(row.category, row.level, row.unit_code, row.year, row.confirmed,
                      row.detection_rate, row.per_1000, row.batch_id, row.is_demo)
