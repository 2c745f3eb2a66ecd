"""Database reads the public pages need beyond portal/scoring/results.py; each is one query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina, Powiat
from portal.scoring.models import IndicatorResult, RankingEntry, ScoringRun

Quartiles = tuple[float, float, float]  # median, p25, p75


@dataclass(frozen=True)
class IndicatorStats:
    """How the ranked gminy of one category did on one indicator."""

    raw: Quartiles | None
    normalised: Quartiles | None
    raw_mean: float | None = None  # for yes/no indicators: gives the share of "yes"


@dataclass(frozen=True)
class RankCounts:
    """Ranked units per group and how many share an entry's ranks (for "5–7 ex aequo")."""

    national: int
    category: int
    tied_national: int
    tied_category: int


def edition_for_year(year: int) -> Edition | None:
    return session.scalar(
        select(Edition).where(Edition.year == year)
        .options(joinedload(Edition.questionnaire_version)))


def gmina_by_teryt6(teryt6: str) -> Gmina | None:
    return session.scalar(
        select(Gmina).where(Gmina.teryt6 == teryt6)
        .options(joinedload(Gmina.powiat).joinedload(Powiat.voivodeship)))


def rank_counts(run: ScoringRun, entry: RankingEntry) -> RankCounts:
    """Ranked units nationally and in the entry's category, and the sizes of its ties."""
    ranked = RankingEntry.ranked.is_(True)
    in_category = RankingEntry.category == entry.category

    def total(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            func.count(),
            total(in_category),
            total(RankingEntry.rank_national == entry.rank_national),
            total(in_category & (RankingEntry.rank_category == entry.rank_category)),
        ).where(RankingEntry.run_id == run.id, ranked)
    ).one()
    return RankCounts(*(int(value) for value in row))


def category_indicator_stats(run: ScoringRun, category: str) -> dict[str, IndicatorStats]:
    """{indicator: IndicatorStats} over the ranked entries of one category.

    Like results.category_stats, but for one category and both the raw and the normalised
    value in a single query: a scorecard needs both and never the other categories.
    """
    rows = session.execute(
        select(IndicatorResult.indicator, IndicatorResult.raw, IndicatorResult.normalised)
        .join(RankingEntry, RankingEntry.id == IndicatorResult.entry_id)
        .where(RankingEntry.run_id == run.id, RankingEntry.category == category,
               RankingEntry.ranked.is_(True)))
    raw: dict[str, list[float]] = defaultdict(list)
    normalised: dict[str, list[float]] = defaultdict(list)
    for indicator, raw_value, normalised_value in rows:
        raw[indicator].append(np.nan if raw_value is None else raw_value)
        normalised[indicator].append(np.nan if normalised_value is None else normalised_value)
    return {key: IndicatorStats(_quartiles(raw[key]), _quartiles(normalised[key]),
                                _mean(raw[key]))
            for key in raw}


def _mean(values: list[float]) -> float | None:
    array = np.asarray(values, np.float64)
    array = array[np.isfinite(array)]
    return float(array.mean()) if array.size else None


def _quartiles(values: list[float]) -> Quartiles | None:
    array = np.asarray(values, np.float64)
    array = array[np.isfinite(array)]
    if not array.size:
        return None
    p25, median, p75 = np.percentile(array, [25, 50, 75])
    return float(median), float(p25), float(p75)
