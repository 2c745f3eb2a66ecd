"""Reading scoring results: what the public pages, scorecards and admin pages show.

Every function runs a fixed number of queries, whatever the number of gminy.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import numpy as np
import yaml
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina, Powiat
from portal.scoring.methodology import Methodology, parse_methodology
from portal.scoring.models import IndicatorResult, RankingEntry, RunStatus, ScoringRun
from portal.scoring.yes_no import YesNo, yes_no_indicators

STAT_FIELDS = ("raw", "transformed", "normalised", "contribution", "points_lost")


def published_run(edition: Edition) -> ScoringRun | None:
    """The edition's published run (at most one; withdrawn runs are not shown)."""
    return session.scalar(select(ScoringRun).where(ScoringRun.edition_id == edition.id,
                                                   ScoringRun.status == RunStatus.PUBLISHED))


def runs(edition: Edition) -> list[ScoringRun]:
    """Every run of the edition, newest first."""
    return list(session.scalars(select(ScoringRun).where(ScoringRun.edition_id == edition.id)
                                .order_by(ScoringRun.number.desc())))


def _with_places():
    return joinedload(RankingEntry.gmina).joinedload(Gmina.powiat).joinedload(Powiat.voivodeship)


def entries(run: ScoringRun, *, category: str | None = None) -> list[RankingEntry]:
    """The run's entries with gmina, powiat and voivodeship loaded (one query).

    Ranked entries come first by national rank (or category rank with `category`), then the
    not ranked ones by name. Ties keep alphabetical order: display only, never a rank.
    """
    rank = RankingEntry.rank_national if category is None else RankingEntry.rank_category
    query = (select(RankingEntry).join(RankingEntry.gmina).where(RankingEntry.run_id == run.id)
             .options(_with_places())
             .order_by(RankingEntry.ranked.desc(), rank, Gmina.name, Gmina.teryt6))
    if category is not None:
        query = query.where(RankingEntry.category == str(category))
    return list(session.scalars(query).unique())


def entry_for(run: ScoringRun, gmina: Gmina) -> RankingEntry | None:
    """One gmina's entry with its indicator results (two queries)."""
    return session.scalar(
        select(RankingEntry)
        .where(RankingEntry.run_id == run.id, RankingEntry.gmina_id == gmina.id)
        .options(_with_places(), selectinload(RankingEntry.indicators)))


def category_stats(run: ScoringRun, field: str = "raw"
                   ) -> dict[str, dict[str, tuple[float, float, float]]]:
    """{category: {indicator: (median, p25, p75)}} over ranked entries, for "gminy like yours".

    `field` is the IndicatorResult column summarised (raw values by default: the readable ones).
    """
    if field not in STAT_FIELDS:
        raise ValueError(f"unknown field {field!r}")
    column = getattr(IndicatorResult, field)
    rows = session.execute(
        select(RankingEntry.category, IndicatorResult.indicator, column)
        .join(IndicatorResult, IndicatorResult.entry_id == RankingEntry.id)
        .where(RankingEntry.run_id == run.id, RankingEntry.ranked.is_(True), column.is_not(None)))
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for category, indicator, value in rows:
        values[(category, indicator)].append(value)
    stats: dict[str, dict[str, tuple[float, float, float]]] = defaultdict(dict)
    for (category, indicator), vals in sorted(values.items()):
        arr = np.asarray(vals, np.float64)
        arr = arr[np.isfinite(arr)]
        if arr.size:
            p25, med, p75 = np.percentile(arr, [25, 50, 75])
            stats[category][indicator] = (float(med), float(p25), float(p75))
    return dict(stats)


def yes_shares(run: ScoringRun, category: str) -> dict[str, float]:
    """{yes/no indicator: share of "yes"} over the category's ranked entries (one query).

    A median of yes/no answers says little ("tak" for 51% and for 100%), so pages compare a
    yes/no indicator with how many gminy of the same type answered "yes".
    """
    codes = yes_no_of(run)
    if not codes:
        return {}
    rows = session.execute(
        select(IndicatorResult.indicator, IndicatorResult.raw)
        .join(RankingEntry, RankingEntry.id == IndicatorResult.entry_id)
        .where(RankingEntry.run_id == run.id, RankingEntry.category == str(category),
               RankingEntry.ranked.is_(True), IndicatorResult.indicator.in_(codes),
               IndicatorResult.raw.is_not(None)))
    values: dict[str, list[float]] = defaultdict(list)
    for indicator, raw in rows:
        values[indicator].append(raw)
    shares = {}
    for indicator, vals in values.items():
        arr = np.asarray(vals, np.float64)
        arr = arr[np.isfinite(arr)]
        share = codes[indicator].share_yes(float(arr.mean())) if arr.size else None
        if share is not None:
            shares[indicator] = share
    return shares


def previous_published_entry(gmina: Gmina, edition: Edition) -> RankingEntry | None:
    """The gmina's entry in the published run of the latest earlier edition that has one."""
    return session.scalar(
        select(RankingEntry)
        .join(ScoringRun, ScoringRun.id == RankingEntry.run_id)
        .join(Edition, Edition.id == ScoringRun.edition_id)
        .where(RankingEntry.gmina_id == gmina.id, Edition.year < edition.year,
               ScoringRun.status == RunStatus.PUBLISHED)
        .order_by(Edition.year.desc())
        .options(joinedload(RankingEntry.run))
        .limit(1))


def methodology_of(run: ScoringRun) -> Methodology:
    """The methodology exactly as the run used it (parsed from the text stored on the run)."""
    return _parse_stored(run.methodology_text)


@lru_cache(maxsize=8)
def _parse_stored(text: str) -> Methodology:
    data = yaml.safe_load(text)
    return parse_methodology(data, _declared_sources(data))


def _declared_sources(data: dict) -> set[str]:
    """Every name the file reads: it was validated against the real sources when run."""
    from portal.scoring.formula import names, parse  # the whitelisted expression parser

    found: set[str] = set(data.get("eligibility", {}).get("required_sources") or ())
    found |= set(data.get("uncertainty", {}).get("count_noise") or ())
    ids = {i.get("id") for i in data.get("indicators", ())}
    for ind in data.get("indicators", ()):
        if ind.get("source"):
            found.add(ind["source"])
        if ind.get("formula"):
            found |= set(names(parse(ind["formula"]))) - ids
        if (ind.get("per") or {}).get("denominator"):
            found.add(ind["per"]["denominator"])
        for t in ind.get("transforms") or ():
            if isinstance(t, dict):
                found |= {t[k] for k in ("exposure", "trials") if t.get(k)}
    return found


def pillars(run: ScoringRun) -> list[tuple[str, str]]:
    """(id, Polish name) of the index's direct groups, in file order: the pillars."""
    m = methodology_of(run)
    return [(g.id, g.name) for g in m.groups if (g.parent or m.index.id) == m.index.id]


def indicator_names(run: ScoringRun) -> dict[str, str]:
    """Indicator id -> Polish name, in file order."""
    return {i.id: i.name or i.id for i in methodology_of(run).indicators}


def yes_no_of(run: ScoringRun) -> dict[str, YesNo]:
    """The run's yes/no indicators, shown as "tak"/"nie" rather than their codes."""
    return yes_no_indicators(methodology_of(run))
