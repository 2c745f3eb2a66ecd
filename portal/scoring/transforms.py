"""Vectorised indicator transforms and normalisations: every function works on all units at once.

`mask` marks the units whose values set data-driven statistics (priors, min/max, mean/sd,
winsorisation bounds): the eligible units. `groups` holds an integer category code per unit
(-1 for none) for category priors.
"""

from __future__ import annotations

import numpy as np

from portal.scoring.methodology import Normalisation


def per_unit(x: np.ndarray, denominator: np.ndarray, per: float) -> np.ndarray:
    """x per `per` units of the denominator (per capita, per 10,000 ...); NaN if it is not > 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, x / denominator * per, np.nan)


def log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)


def log1p(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > -1, np.log1p(np.where(x > -1, x, 0.0)), np.nan)


def cap(x: np.ndarray, lo: float | None, hi: float | None) -> np.ndarray:
    return np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi)


def _prior_slices(mask: np.ndarray, groups: np.ndarray | None, prior: str):
    """Yield (units the prior applies to, units the prior is estimated from)."""
    if prior != "category" or groups is None:
        yield np.ones(mask.shape, bool), mask
        return
    covered = np.zeros(mask.shape, bool)
    for code in np.unique(groups[groups >= 0]):
        members = groups == code
        covered |= members
        yield members, mask & members
    if not covered.all():
        yield ~covered, mask


def eb_rate(events: np.ndarray, exposure: np.ndarray, per: float, mask: np.ndarray,
            groups: np.ndarray | None = None, prior: str = "national"
            ) -> tuple[np.ndarray, np.ndarray]:
    """Global empirical-Bayes (Poisson-gamma, Marshall 1991) smoothed rate per `per`.

    Returns (smoothed rate, shrinkage weight w in [0, 1]: the share of the unit's own rate).
    """
    valid = np.isfinite(events) & (exposure > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(valid, events / np.where(valid, exposure, 1.0), np.nan)
    smoothed = np.full(events.shape, np.nan)
    weight = np.full(events.shape, np.nan)
    for target, source in _prior_slices(mask, groups, prior):
        use = source & valid
        if not use.any():
            use = mask & valid
        c, p = events[use], exposure[use]
        b = c.sum() / p.sum() if p.sum() > 0 else 0.0
        s2 = (p * (rate[use] - b) ** 2).sum() / p.sum() if p.sum() > 0 else 0.0
        phi = max(0.0, s2 - b / p.mean()) if use.any() else 0.0
        t = target & valid
        denom = phi + b / exposure[t]
        w = np.where(denom > 0, phi / np.where(denom > 0, denom, 1.0), 1.0)
        weight[t] = w
        smoothed[t] = (w * rate[t] + (1 - w) * b) * per
    return smoothed, weight


def eb_proportion(successes: np.ndarray, trials: np.ndarray, mask: np.ndarray,
                  groups: np.ndarray | None = None, prior: str = "national"
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Beta-binomial (method of moments) shrinkage of k/n; returns (share, weight n/(n+m))."""
    valid = np.isfinite(successes) & np.isfinite(trials) & (trials >= 0)
    smoothed = np.full(successes.shape, np.nan)
    weight = np.full(successes.shape, np.nan)
    for target, source in _prior_slices(mask, groups, prior):
        use = source & valid & (trials > 0)
        if not use.any():
            use = mask & valid & (trials > 0)
        k, n = successes[use], trials[use]
        pbar = k.sum() / n.sum() if n.sum() > 0 else 0.0
        s2 = (n * (k / n - pbar) ** 2).sum() / n.sum() if n.sum() > 0 else 0.0
        tau2 = max(1e-12, s2 - pbar * (1 - pbar) / n.mean()) if use.any() else 1e-12
        m = max(0.0, pbar * (1 - pbar) / tau2 - 1)
        t = target & valid
        denom = trials[t] + m
        safe = np.where(denom > 0, denom, 1.0)
        weight[t] = np.where(denom > 0, trials[t] / safe, 0.0)
        smoothed[t] = np.where(denom > 0, (successes[t] + m * pbar) / safe, pbar)
    return smoothed, weight


def raw_rate(numerator: np.ndarray, denominator: np.ndarray, per: float = 1.0) -> np.ndarray:
    """The unsmoothed rate or share (shrinkage switched off)."""
    return per_unit(numerator, denominator, per)


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis, type 2 (Excel / e1071 / COINr) over finite values."""
    x = x[np.isfinite(x)]
    n = x.size
    if n < 4:
        return 0.0, 0.0
    d = x - x.mean()
    m2 = (d ** 2).mean()
    if m2 == 0:
        return 0.0, 0.0
    g1 = (d ** 3).mean() / m2 ** 1.5
    g2 = (d ** 4).mean() / m2 ** 2 - 3
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(skew), float(kurt)


def winsorise(x: np.ndarray, mask: np.ndarray, skew: float = 2.0, kurt: float = 3.5,
              max_points: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """COINr-style winsorisation; returns (values, treated flag).

    While |skew| >= `skew` and kurtosis >= `kurt` and fewer than `max_points` points were
    treated, the most extreme value(s) on the side of the skew are replaced by the next value.
    The result is a clip at the final bounds, applied to every unit.
    """
    vals = x[mask & np.isfinite(x)].copy()
    treated = 0
    while vals.size >= 4 and treated < max_points:
        s, k = skew_kurt(vals)
        if abs(s) < skew or k < kurt:
            break
        extreme = vals.max() if s >= 0 else vals.min()
        at = vals == extreme
        rest = vals[~at]
        if rest.size == 0:
            break
        vals[at] = rest.max() if s >= 0 else rest.min()
        treated += int(at.sum())
    if not treated or vals.size == 0:
        return x, np.zeros(x.shape, bool)
    out = np.clip(x, vals.min(), vals.max())
    return out, np.isfinite(x) & (out != x)


def normalise(x: np.ndarray, norm: Normalisation, direction: int, scale: float,
              mask: np.ndarray, method: str | None = None) -> np.ndarray:
    """Map to [0, scale]; `method` overrides the declared type (uncertainty analysis)."""
    kind = norm.type if method in (None, "nominal") or norm.type == "categorical" else method
    if kind == "goalposts" and norm.lo is None:
        kind = norm.type
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "categorical":
            return categorical(x, norm.mapping)
        if kind == "goalposts":
            share = (x - norm.lo) / (norm.hi - norm.lo)
            return scale * np.clip(share if direction > 0 else 1 - share, 0, 1)
        ref = x[mask & np.isfinite(x)]
        if kind == "minmax":
            if ref.size == 0:
                return np.full(x.shape, np.nan)
            lo, hi = ref.min(), ref.max()
            if hi == lo:
                return np.where(np.isfinite(x), scale / 2, np.nan)
            share = (x - lo) / (hi - lo)
            return scale * np.clip(share if direction > 0 else 1 - share, 0, 1)
        # z-score with the sample standard deviation (ddof=1), rescaled and clipped
        if ref.size < 2 or ref.std(ddof=1) == 0:
            return np.where(np.isfinite(x), scale / 2, np.nan)
        z = (x - ref.mean()) / ref.std(ddof=1) * direction
        center = scale / 2 if norm.center is None else norm.center
        spread = scale / 10 if norm.spread is None else norm.spread
        return np.clip(center + spread * z, 0, scale)


def zscore(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Plain z-scores with the sample standard deviation (ddof=1)."""
    ref = x[mask & np.isfinite(x)]
    return (x - ref.mean()) / ref.std(ddof=1)


def categorical(x: np.ndarray, mapping: tuple[tuple[float, float], ...]) -> np.ndarray:
    out = np.full(x.shape, np.nan)
    for code, score in mapping:
        out[x == code] = score
    return out
