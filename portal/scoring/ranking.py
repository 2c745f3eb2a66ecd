"""Competition ranking ("1-2-2-4") on the rounded, published score, within groups, vectorised."""

from __future__ import annotations

import numpy as np


def rounded(scores: np.ndarray, decimals: int) -> np.ndarray:
    """The published score: round half away from zero at `decimals`, as printed tables do."""
    factor = 10.0 ** decimals
    return np.sign(scores) * np.floor(np.abs(scores) * factor + 0.5 + 1e-9) / factor


def _keys(scores: np.ndarray, decimals: int, groups: np.ndarray, ranked: np.ndarray):
    """Integer sort keys: group-major, better score first; unranked units sort after all."""
    s = np.nan_to_num(scores)
    q = (np.sign(s) * np.floor(np.abs(s) * 10.0 ** decimals + 0.5 + 1e-9)).astype(np.int64)
    ok = ranked & np.isfinite(scores)
    if ok.any():
        qmax, qmin = q[ok].max(), q[ok].min()
    else:
        qmax = qmin = 0
    span = int(qmax - qmin) + 1
    g = np.where(ok, groups, groups.max(initial=0) + 1)
    key = g * span + np.where(ok, qmax - q, 0)
    return key, ok, span, int(groups.max(initial=0)) + 2


def competition_ranks(scores: np.ndarray, decimals: int, groups: np.ndarray | None = None,
                      ranked: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (0 = not ranked) and the ex aequo flag, for scores of shape (units,) or (draws, units).

    rank_i = 1 + number of units in the same group whose rounded score is strictly higher.
    """
    scores = np.asarray(scores, np.float64)
    two_d = scores.ndim == 2
    s2 = scores if two_d else scores[None, :]
    d, n = s2.shape
    groups = np.zeros(n, np.int64) if groups is None else np.maximum(groups, 0).astype(np.int64)
    ranked = np.ones(n, bool) if ranked is None else ranked
    key, ok, span, n_groups = _keys(s2, decimals, np.broadcast_to(groups, s2.shape),
                                    np.broadcast_to(ranked, s2.shape))
    row_span = span * n_groups
    flat = (key + np.arange(d, dtype=np.int64)[:, None] * row_span).ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    pos = np.arange(ordered.size)
    new_key = np.ones(ordered.size, bool)
    new_key[1:] = ordered[1:] != ordered[:-1]
    band = ordered // span  # row and group of each sorted key
    new_group = np.ones(ordered.size, bool)
    new_group[1:] = band[1:] != band[:-1]
    first = np.maximum.accumulate(np.where(new_key, pos, 0))
    start = np.maximum.accumulate(np.where(new_group, pos, 0))
    run = np.cumsum(new_key) - 1
    ranks = np.empty(ordered.size, np.int32)
    ranks[order] = first - start + 1
    ties = np.empty(ordered.size, bool)
    ties[order] = np.bincount(run)[run] > 1
    ranks, ties = ranks.reshape(d, n), ties.reshape(d, n) & ok
    ranks[~ok] = 0
    return (ranks, ties) if two_d else (ranks[0], ties[0])
