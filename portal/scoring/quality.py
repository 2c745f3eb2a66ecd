"""The quality summary of a run (pure): distributions, COINr skew/kurtosis flags, correlations."""

from __future__ import annotations

from typing import Any

import numpy as np

from portal.scoring.engine import Result
from portal.scoring.methodology import Methodology

SKEW_FLAG = 2.0  # COINr check_SkewKurt: flagged when |skew| >= 2 AND excess kurtosis >= 3.5
KURT_FLAG = 3.5
CORRELATION_FLAG = 0.9  # COINr get_corr_flags: double counting above 0.9


def skewness(x: np.ndarray) -> float:
    """Sample skewness, type 2 (Excel / e1071), as COINr uses."""
    n = x.size
    if n < 3 or np.std(x) == 0:
        return 0.0
    m2 = np.mean((x - x.mean()) ** 2)
    g1 = np.mean((x - x.mean()) ** 3) / m2 ** 1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def excess_kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis, type 2 (Excel / e1071)."""
    n = x.size
    if n < 4 or np.std(x) == 0:
        return 0.0
    m2 = np.mean((x - x.mean()) ** 2)
    g2 = np.mean((x - x.mean()) ** 4) / m2 ** 2 - 3
    return float(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def _num(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)


def indicator_stats(m: Methodology, result: Result) -> list[dict[str, Any]]:
    """Per indicator over eligible units: min/median/max of raw values, missing share, flags."""
    eligible = result.ranked
    rows = []
    for ind in m.indicators:
        r = result.indicators[ind.id]
        raw = np.asarray(r.raw)[eligible]
        known = raw[np.isfinite(raw)]
        skew, kurt = skewness(known), excess_kurtosis(known)
        rows.append({
            "id": ind.id, "name": ind.name or ind.id,
            "min": _num(known.min()) if known.size else None,
            "median": _num(np.median(known)) if known.size else None,
            "max": _num(known.max()) if known.size else None,
            "missing_share": _num(1 - known.size / raw.size) if raw.size else None,
            "imputed_share": _num(np.asarray(r.imputed)[eligible].mean()) if raw.size else None,
            "skew": round(skew, 3), "kurtosis": round(kurt, 3),
            "skew_kurt_flag": bool(abs(skew) >= SKEW_FLAG and kurt >= KURT_FLAG),
            "distinct": int(np.unique(known).size),
        })
    return rows


def correlations(m: Methodology, result: Result, threshold: float = CORRELATION_FLAG
                 ) -> list[dict[str, Any]]:
    """Pairs of indicators whose normalised values correlate above the threshold (|r|)."""
    eligible = result.ranked
    ids = [i.id for i in m.indicators]
    if eligible.sum() < 3:
        return []
    matrix = np.column_stack([np.nan_to_num(np.asarray(result.indicators[i].normalised)[eligible])
                              for i in ids])
    spread = matrix.std(axis=0) > 0
    pairs = []
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(matrix[:, spread], rowvar=False) if spread.sum() > 1 else None
    if corr is None:
        return pairs
    kept = [i for i, ok in zip(ids, spread, strict=True) if ok]
    for a in range(len(kept)):
        for b in range(a + 1, len(kept)):
            if abs(corr[a, b]) > threshold:
                pairs.append({"a": kept[a], "b": kept[b], "r": round(float(corr[a, b]), 3)})
    return pairs


def summary(m: Methodology, result: Result, *, units: int, approved: int,
            powiat_level: int, demo: int) -> dict[str, Any]:
    """Everything the run page shows about data quality, as JSON-ready values."""
    ranked = int(result.ranked.sum())
    unc = result.uncertainty
    per_category: dict[str, int] = {}
    if result.categories:
        for cat, ok in zip(result.categories, result.ranked, strict=True):
            if ok:
                per_category[str(cat)] = per_category.get(str(cat), 0) + 1
    shift = None
    if unc is not None and ranked:
        shift = _num(np.nanmean(np.asarray(unc.mean_abs_shift)[result.ranked]))
    return {
        "coverage": {"gminy": units, "approved": approved, "ranked": ranked,
                     "ranked_by_category": dict(sorted(per_category.items())),
                     "powiat_level": powiat_level, "demo": demo},
        "indicators": indicator_stats(m, result),
        "correlations": correlations(m, result),
        "mean_abs_rank_shift": shift,
    }
