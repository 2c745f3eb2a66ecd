"""Monte Carlo uncertainty analysis (JRC/COINr style): rank intervals over randomised choices.

Each draw d uses its own generator seeded with (seed, d), so results do not depend on the chunk
size. Draws are processed in chunks; only the int32 rank matrix (draws x units) is kept.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from portal.scoring import engine, transforms
from portal.scoring.engine import Prepared, UncertaintyResult
from portal.scoring.methodology import Indicator
from portal.scoring.ranking import competition_ranks

QUANTILE_BLOCK = 8192


def _affected(prep: Prepared, noisy: set[str]) -> set[str]:
    """Indicators whose raw value reads a resampled count column, directly or via formulas."""
    hit: set[str] = set()
    changed = True
    while changed:
        changed = False
        for ind in prep.m.indicators:
            if ind.id not in hit and ind.reads & (noisy | hit):
                hit.add(ind.id)
                changed = True
    return hit


def _needed(prep: Prepared, affected: set[str]) -> list[Indicator]:
    """The affected indicators and the indicators their formulas read, dependencies first."""
    ids = {i.id for i in prep.m.indicators}
    need = set(affected)
    for ind in reversed(engine._order(prep.m)):
        if ind.id in need:
            need |= ind.reads & ids
    return [ind for ind in engine._order(prep.m) if ind.id in need]


def _one(prep: Prepared, ind: Indicator, raw: np.ndarray, columns, shrink: bool, method: str):
    x, _, _ = engine.transform(prep, ind, raw, columns, shrink)
    y = transforms.normalise(x, ind.normalisation, ind.direction, prep.m.scale, prep.eligible,
                             method)
    y, avail, _ = engine.apply_missing(prep, ind, y)
    return y, avail


class _Sampler:
    """Builds the indicator values of one draw, caching what does not depend on random counts."""

    def __init__(self, prep: Prepared):
        self.prep = prep
        self.noisy = set(prep.m.uncertainty.count_noise)
        self.affected = _affected(prep, self.noisy)
        self.order = _needed(prep, self.affected)
        self.cache: dict[tuple[str, bool], tuple[dict, dict]] = {}

    def values(self, method: str, shrink: bool, rng: np.random.Generator):
        key = (method, shrink)
        if key not in self.cache:
            per = engine.nominal_indicators(self.prep, self.prep.table.columns, shrink, method)
            self.cache[key] = ({k: v[2] for k, v in per.items()},
                               {k: v[3] for k, v in per.items()})
        values, avail = self.cache[key]
        if not self.affected:
            return values, avail
        columns = dict(self.prep.table.columns)
        for name in sorted(self.noisy):
            col = columns[name]
            ok = np.isfinite(col)
            resampled = np.full(col.shape, np.nan)
            resampled[ok] = rng.poisson(np.maximum(col[ok], 0))
            columns[name] = resampled
        m = self.prep.m
        raw = engine.raw_values(m, columns,
                                self.prep.unverified if m.unverified == "missing" else {},
                                self.order)
        values, avail = dict(values), dict(avail)
        for ind in m.indicators:
            if ind.id in self.affected:
                values[ind.id], avail[ind.id] = _one(self.prep, ind, raw[ind.id], columns,
                                                     shrink, method)
        return values, avail


def _draw_scores(prep: Prepared, sampler: _Sampler, seed: int, d: int) -> np.ndarray:
    m, u = prep.m, prep.m.uncertainty
    rng = np.random.default_rng([seed, d])
    method = u.normalisations[rng.integers(len(u.normalisations))]
    how = u.aggregations[rng.integers(len(u.aggregations))]
    shrink = u.shrinkage[rng.integers(len(u.shrinkage))]
    names = [g.id for g in m.groups] + [i.id for i in m.indicators]
    base = [g.weight for g in m.groups] + [i.weight for i in m.indicators]
    factors = rng.uniform(1 - u.weight_noise, 1 + u.weight_noise, len(names))
    weights = dict(zip(names, np.array(base) * factors, strict=True))
    values, avail = sampler.values(method, shrink, rng)
    scores, _ = engine.aggregate(m, values, avail, weights, how)
    return scores[m.index.id]


def _quantiles(ranks: np.ndarray, nominal: np.ndarray):
    """Median, 5th and 95th percentiles (linear interpolation) and mean |shift|, column blocks."""
    draws, n = ranks.shape
    out = np.full((4, n), np.nan)
    for lo in range(0, n, QUANTILE_BLOCK):
        block = np.sort(ranks[:, lo:lo + QUANTILE_BLOCK], axis=0)
        for row, q in enumerate((0.5, 0.05, 0.95)):
            pos = q * (draws - 1)
            a, b = int(np.floor(pos)), int(np.ceil(pos))
            out[row, lo:lo + QUANTILE_BLOCK] = block[a] + (block[b] - block[a]) * (pos - a)
        shift = np.abs(ranks[:, lo:lo + QUANTILE_BLOCK] - nominal[lo:lo + QUANTILE_BLOCK])
        out[3, lo:lo + QUANTILE_BLOCK] = shift.mean(axis=0)
    return out


def simulate(prep: Prepared, nominal_rank: np.ndarray, draws: int, seed: int,
             progress: Callable[[int], None] | None = None) -> UncertaintyResult:
    """Recompute the ranking `draws` times with sampled weights, methods and counts."""
    m = prep.m
    within = m.rank_within_category and bool((prep.codes >= 0).any())
    groups = prep.codes if within else None
    rankable = prep.eligible & (prep.codes >= 0) if within else prep.eligible
    sampler = _Sampler(prep)
    ranks = np.zeros((draws, len(prep.table)), np.int32)
    chunk = max(1, m.uncertainty.chunk)
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        block = np.stack([_draw_scores(prep, sampler, seed, d) for d in range(start, stop)])
        ranks[start:stop], _ = competition_ranks(block, m.decimals, groups, rankable)
        if progress is not None:
            progress(stop - start)
    q = _quantiles(ranks, nominal_rank.astype(np.int32))
    q[:, nominal_rank == 0] = np.nan
    for arr in q:
        arr.flags.writeable = False
    return UncertaintyResult(draws=draws, seed=seed, median_rank=q[0], rank_q05=q[1],
                             rank_q95=q[2], mean_abs_shift=q[3])
