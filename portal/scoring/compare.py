"""Comparing two runs: who moved most, and the indicators whose contributions changed most."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.db import session
from portal.scoring.models import IndicatorResult, RankingEntry, ScoringRun


@dataclass(frozen=True)
class Move:
    gmina_name: str
    teryt6: str
    category: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None
    reasons: tuple[tuple[str, float], ...]  # (indicator, change of contribution), largest first

    @property
    def change(self) -> int | None:
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b  # positive: moved up


def _entries(run: ScoringRun) -> dict[int, RankingEntry]:
    rows = session.scalars(select(RankingEntry).where(RankingEntry.run_id == run.id)
                           .options(joinedload(RankingEntry.gmina)))
    return {e.gmina_id: e for e in rows}


def _contributions(run: ScoringRun, gmina_ids: list[int]) -> dict[int, dict[str, float]]:
    rows = session.execute(
        select(RankingEntry.gmina_id, IndicatorResult.indicator, IndicatorResult.contribution)
        .join(IndicatorResult, IndicatorResult.entry_id == RankingEntry.id)
        .where(RankingEntry.run_id == run.id, RankingEntry.gmina_id.in_(gmina_ids)))
    out: dict[int, dict[str, float]] = {}
    for gmina_id, indicator, value in rows:
        out.setdefault(gmina_id, {})[indicator] = value or 0.0
    return out


def _float(value) -> float | None:
    return None if value is None else float(value)


def compare(a: ScoringRun, b: ScoringRun, *, limit: int = 25, reasons: int = 3) -> list[Move]:
    """The `limit` largest category-rank changes from run a to run b (fixed query count)."""
    ea, eb = _entries(a), _entries(b)
    both = [g for g in ea if g in eb]

    def shift(g: int) -> int:
        ra, rb = ea[g].rank_category, eb[g].rank_category
        if ra is None or rb is None:
            return 10**6 if (ra is None) != (rb is None) else 0
        return abs(ra - rb)

    moved = sorted((g for g in both if shift(g)), key=lambda g: (-shift(g), ea[g].gmina.name))
    moved = moved[:limit]
    ca, cb = _contributions(a, moved), _contributions(b, moved)
    result = []
    for g in moved:
        before, after = ca.get(g, {}), cb.get(g, {})
        deltas = sorted(((k, after.get(k, 0.0) - before.get(k, 0.0))
                         for k in set(before) | set(after)), key=lambda kv: -abs(kv[1]))
        entry = eb[g]
        result.append(Move(entry.gmina.name, entry.gmina.teryt6, entry.category,
                           ea[g].rank_category, entry.rank_category, _float(ea[g].score),
                           _float(entry.score),
                           tuple((k, round(d, 4)) for k, d in deltas[:reasons] if d)))
    return result
