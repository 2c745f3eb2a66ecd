"""score(methodology, table) -> Result: the pure, vectorised scoring engine (no Flask, no DB)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from portal.scoring import formula, transforms
from portal.scoring.methodology import Indicator, Methodology
from portal.scoring.ranking import competition_ranks, rounded
from portal.scoring.table import Table, canonical_input_hash


def _ro(arr: np.ndarray) -> np.ndarray:
    arr = np.asarray(arr)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class IndicatorResult:
    """Per-unit arrays explaining one indicator."""

    id: str
    raw: np.ndarray  # after formula and per-capita, before transforms
    transformed: np.ndarray
    normalised: np.ndarray  # 0..scale, after the missing-value policy
    effective_weight: np.ndarray  # product of availability-renormalised weights on the path
    contribution: np.ndarray  # sums to the score over indicators (see METHODOLOGY_FORMAT.md)
    points_lost: np.ndarray  # effective_weight * (scale - normalised)
    missing: np.ndarray
    imputed: np.ndarray
    unverified: np.ndarray
    shrinkage_weight: np.ndarray  # NaN unless an eb_* transform applies
    winsorised: np.ndarray


@dataclass(frozen=True)
class UncertaintyResult:
    draws: int
    seed: int
    median_rank: np.ndarray  # of the category rank when ranking within categories
    rank_q05: np.ndarray
    rank_q95: np.ndarray
    mean_abs_shift: np.ndarray  # mean |simulated rank - nominal rank|


@dataclass(frozen=True)
class Result:
    unit_ids: tuple[str, ...]
    categories: tuple[str | None, ...] | None
    score: np.ndarray
    published_score: np.ndarray  # rounded to the declared decimals; ranks use this
    nodes: Mapping[str, np.ndarray]  # score of every group and the index
    ranked: np.ndarray
    not_ranked_reason: tuple[str | None, ...]
    rank_category: np.ndarray  # 0 when not ranked
    rank_national: np.ndarray
    ex_aequo_category: np.ndarray
    ex_aequo_national: np.ndarray
    indicators: Mapping[str, IndicatorResult]
    uncertainty: UncertaintyResult | None
    input_sha256: str
    methodology_sha256: str
    seed: int

    def explain(self, unit_id: str) -> dict:
        """The explanation record of one unit as plain Python values."""
        i = self.unit_ids.index(unit_id)
        rec = {
            "unit_id": unit_id,
            "category": self.categories[i] if self.categories else None,
            "score": float(self.score[i]),
            "published_score": float(self.published_score[i]),
            "rank_category": int(self.rank_category[i]),
            "rank_national": int(self.rank_national[i]),
            "ex_aequo": bool(self.ex_aequo_category[i] or self.ex_aequo_national[i]),
            "not_ranked_reason": self.not_ranked_reason[i],
            "nodes": {k: float(v[i]) for k, v in self.nodes.items()},
            "indicators": [
                {f: (getattr(r, f)[i].item()) for f in (
                    "raw", "transformed", "normalised", "effective_weight", "contribution",
                    "points_lost", "missing", "imputed", "unverified", "shrinkage_weight",
                    "winsorised")} | {"id": r.id}
                for r in self.indicators.values()],
        }
        if self.uncertainty:
            u = self.uncertainty
            rec["median_rank"] = float(u.median_rank[i])
            rec["rank_interval"] = [float(u.rank_q05[i]), float(u.rank_q95[i])]
        return rec


@dataclass(frozen=True)
class Prepared:
    """Inputs resolved once per run, shared by the nominal pass and the uncertainty draws."""

    m: Methodology
    table: Table
    codes: np.ndarray  # category code per unit, -1 without
    eligible: np.ndarray
    reasons: tuple[str | None, ...]
    nominal_weights: Mapping[str, float]
    unverified: Mapping[str, np.ndarray]  # per indicator: reads an unverified value


def _order(m: Methodology) -> list[Indicator]:
    """Indicators in an order where formula dependencies come first."""
    by_id = {i.id: i for i in m.indicators}
    done: list[Indicator] = []
    seen: set[str] = set()

    def visit(ind: Indicator) -> None:
        if ind.id in seen:
            return
        seen.add(ind.id)
        for dep in sorted(ind.reads & by_id.keys()):
            visit(by_id[dep])
        done.append(ind)

    for ind in m.indicators:
        visit(ind)
    return done


def raw_values(m: Methodology, columns: Mapping[str, np.ndarray],
               hidden: Mapping[str, np.ndarray], order: list[Indicator] | None = None
               ) -> dict[str, np.ndarray]:
    """Raw indicator values: the source or formula, then per denominator; hidden values -> NaN.

    `order` limits the work to these indicators (dependencies first), e.g. in the draws.
    """
    env: dict[str, np.ndarray] = dict(columns)
    out: dict[str, np.ndarray] = {}
    n = len(next(iter(columns.values()))) if columns else 0
    for ind in _order(m) if order is None else order:
        if ind.source:
            x = np.array(columns[ind.source], np.float64)
        else:
            x = np.broadcast_to(formula.evaluate(formula.parse(ind.formula), env), (n,)).copy()
        if ind.denominator:
            x = transforms.per_unit(x, columns[ind.denominator], ind.per)
        if ind.id in hidden:
            x[hidden[ind.id]] = np.nan
        out[ind.id] = x
        env[ind.id] = x
    return out


def nominal_weights(m: Methodology) -> dict[str, float]:
    """Effective weight of every node with nominal weights and complete data."""
    eff = {m.index.id: 1.0}
    weight = {g.id: g.weight for g in m.groups} | {i.id: i.weight for i in m.indicators}
    for node in reversed(m.nodes_bottom_up()):
        kids = m.children(node.id)
        total = sum(weight[k] for _, k in kids)
        for _, k in kids:
            eff[k] = eff[node.id] * weight[k] / total
    return eff


def prepare(m: Methodology, table: Table) -> Prepared:
    """Resolve unverified values and eligibility ("not ranked" with a reason)."""
    codes, _ = table.category_codes()
    hidden: dict[str, np.ndarray] = {}
    n = len(table)
    for ind in m.indicators:
        flag = np.zeros(n, bool)
        for name in ind.reads:
            if name in table.unverified:
                flag |= table.unverified[name]
        if flag.any():
            hidden[ind.id] = flag
    raw = raw_values(m, table.columns, hidden if m.unverified == "missing" else {})
    weights = nominal_weights(m)
    missing_share = sum(weights[i.id] * np.isnan(raw[i.id]) for i in m.indicators)
    reasons: list[str | None] = [None] * n
    eligible = np.ones(n, bool)
    for name in m.required_sources:
        gone = np.isnan(table.columns[name])
        if m.unverified == "missing" and name in table.unverified:
            gone |= table.unverified[name]
        for i in np.flatnonzero(gone & eligible):
            reasons[i] = f"insufficient data: {name} missing"
        eligible &= ~gone
    too_much = (missing_share > m.max_missing_share + 1e-12) & eligible
    for i in np.flatnonzero(too_much):
        reasons[i] = (f"insufficient data: {missing_share[i]:.0%} of the weight missing "
                      f"(at most {m.max_missing_share:.0%})")
    eligible &= ~too_much
    return Prepared(m, table, codes, eligible, tuple(reasons), MappingProxyType(weights),
                    MappingProxyType(hidden))


def transform(prep: Prepared, ind: Indicator, raw: np.ndarray, columns: Mapping[str, np.ndarray],
              shrink: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the declared transforms; returns (values, shrinkage weight, winsorised flag)."""
    x = raw
    weight = np.full(x.shape, np.nan)
    wins = np.zeros(x.shape, bool)
    norm = ind.normalisation
    for t in ind.transforms:
        if t.type == "log":
            x = transforms.log(x)
        elif t.type == "log1p":
            x = transforms.log1p(x)
        elif t.type == "cap":
            x = transforms.cap(x, norm.lo if t.lo is None else t.lo,
                               norm.hi if t.hi is None else t.hi)
        elif t.type == "eb_rate":
            if shrink:
                x, weight = transforms.eb_rate(x, columns[t.exposure], t.per, prep.eligible,
                                               prep.codes, t.prior)
            else:
                x = transforms.raw_rate(x, columns[t.exposure], t.per)
        elif t.type == "eb_proportion":
            if shrink:
                x, weight = transforms.eb_proportion(x, columns[t.trials], prep.eligible,
                                                     prep.codes, t.prior)
            else:
                x = transforms.raw_rate(x, columns[t.trials])
        elif t.type == "winsorise":
            x, wins = transforms.winsorise(x, prep.eligible, t.skew, t.kurt, t.max_points)
    return x, weight, wins


def apply_missing(prep: Prepared, ind: Indicator, y: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The missing-value policy on normalised values: (values, available, imputed)."""
    gone = np.isnan(y)
    if not gone.any():
        return y, np.ones(y.shape, bool), np.zeros(y.shape, bool)
    y = y.copy()
    policy = ind.missing
    if policy == "exclude":
        y[gone] = 0.0
        return y, ~gone, np.zeros(y.shape, bool)
    if policy == "zero":
        y[gone] = 0.0
        return y, np.ones(y.shape, bool), np.zeros(y.shape, bool)
    known = prep.eligible & ~gone
    national = float(np.median(y[known])) if known.any() else 0.0
    y[gone] = national
    if policy == "category_median":
        for code in np.unique(prep.codes[gone & (prep.codes >= 0)]):
            members = prep.codes == code
            if (known & members).any():
                y[gone & members] = np.median(y[known & members])
    return y, np.ones(y.shape, bool), gone


def aggregate(m: Methodology, values: Mapping[str, np.ndarray], avail: Mapping[str, np.ndarray],
              weights: Mapping[str, float] | None = None, aggregation: str | None = None
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Scores and availability of every group and the index, bottom-up."""
    scores, ok = dict(values), dict(avail)
    weight = weights or ({g.id: g.weight for g in m.groups}
                         | {i.id: i.weight for i in m.indicators})
    for node in m.nodes_bottom_up():
        kids = [k for _, k in m.children(node.id)]
        w = np.array([weight[k] for k in kids])
        c = np.nan_to_num(np.column_stack([scores[k] for k in kids]), copy=False)
        a = np.column_stack([ok[k] for k in kids]).astype(np.float64)
        # Matrix-vector products rather than (n, k).sum(axis=1): several times faster for the
        # thousands of Monte Carlo draws; the same inputs still give the same bits.
        total = a @ w
        safe = np.where(total > 0, total, 1.0)
        how = node.aggregation if aggregation in (None, "nominal") else aggregation
        if how == "geometric":
            s = np.exp((a * np.log(np.maximum(c, m.geometric_floor))) @ w / safe)
        else:
            s = (a * c) @ w / safe
        available = (total > 0) & (total / w.sum() >= node.min_available_share - 1e-12)
        scores[node.id] = np.where(available, s, np.nan)
        ok[node.id] = available
    return scores, ok


def _shares(m: Methodology, how: str, c: np.ndarray, v: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Each child's share of the node score (rows sum to 1), arithmetic or log-share geometric."""
    safe = np.where(s > 0, s, 1.0)[:, None]
    if how == "arithmetic":
        share = v * c / safe
    else:
        f = m.geometric_floor
        logs = v * np.log(np.maximum(c, f) / f)
        total = logs.sum(axis=1, keepdims=True)
        part = np.where(total > 0, logs / np.where(total > 0, total, 1.0), v)
        share = (v * f + (safe - f) * part) / safe
    return np.where((s > 0)[:, None], share, v)


def explain_tree(m: Methodology, scores: Mapping[str, np.ndarray],
                 ok: Mapping[str, np.ndarray]
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Top-down effective weights and additive contributions of every node."""
    root = m.index.id
    n = scores[root].shape[0]
    eff = {root: np.ones(n)}
    allot = {root: np.nan_to_num(scores[root])}
    weight = {g.id: g.weight for g in m.groups} | {i.id: i.weight for i in m.indicators}
    for node in reversed(m.nodes_bottom_up()):
        kids = [k for _, k in m.children(node.id)]
        wa = np.column_stack([ok[k] for k in kids]) * np.array([weight[k] for k in kids])
        total = wa.sum(axis=1, keepdims=True)
        v = wa / np.where(total > 0, total, 1.0)
        c = np.column_stack([np.nan_to_num(scores[k]) for k in kids])
        share = _shares(m, node.aggregation, c, v, np.nan_to_num(scores[node.id]))
        for j, k in enumerate(kids):
            eff[k] = eff[node.id] * v[:, j]
            allot[k] = allot[node.id] * share[:, j]
    return eff, allot


def nominal_indicators(prep: Prepared, columns: Mapping[str, np.ndarray], shrink: bool = True,
                       method: str | None = None) -> dict[str, tuple]:
    """Per indicator: (raw, transformed, normalised, available, imputed, shrinkage, winsorised)."""
    m = prep.m
    raw = raw_values(m, columns, prep.unverified if m.unverified == "missing" else {})
    out = {}
    for ind in m.indicators:
        x, sw, wins = transform(prep, ind, raw[ind.id], columns, shrink)
        y = transforms.normalise(x, ind.normalisation, ind.direction, m.scale, prep.eligible,
                                 method)
        y, avail, imputed = apply_missing(prep, ind, y)
        out[ind.id] = (raw[ind.id], x, y, avail, imputed, sw, wins)
    return out


def score(m: Methodology, table: Table, draws: int | None = None, seed: int | None = None,
          progress: Callable[[int], None] | None = None) -> Result:
    """Score, explain and rank every unit; with draws > 0 add Monte Carlo rank intervals.

    `progress(n)` is called after each chunk of n draws (for a progress bar).
    """
    from portal.scoring.uncertainty import simulate  # uncertainty builds on this module

    prep = prepare(m, table)
    per_ind = nominal_indicators(prep, table.columns)
    values = {k: v[2] for k, v in per_ind.items()}
    avail = {k: v[3] for k, v in per_ind.items()}
    scores, ok = aggregate(m, values, avail)
    eff, allot = explain_tree(m, scores, ok)
    total = scores[m.index.id]
    ranked = prep.eligible & np.isfinite(total)
    reasons = tuple(r if r or ranked[i] else "score unavailable: too few groups with data"
                    for i, r in enumerate(prep.reasons))
    in_cat = ranked & (prep.codes >= 0) if m.rank_within_category else np.zeros_like(ranked)
    rank_cat, tie_cat = competition_ranks(total, m.decimals, prep.codes, in_cat)
    rank_nat, tie_nat = competition_ranks(total, m.decimals, None, ranked)
    input_sha = canonical_input_hash(table, m.sha256)
    seed = seed if seed is not None else m.uncertainty.seed
    seed = int(input_sha[:16], 16) if seed is None else int(seed)
    draws = m.uncertainty.draws if draws is None else draws
    nominal_rank = rank_cat if in_cat.any() else rank_nat
    unc = simulate(prep, nominal_rank, draws, seed, progress) if draws > 0 else None
    indicators = {}
    for ind in m.indicators:
        raw, x, y, a, imp, sw, wins = per_ind[ind.id]
        e = np.where(np.isfinite(total), eff[ind.id], np.nan)
        indicators[ind.id] = IndicatorResult(
            id=ind.id, raw=_ro(raw), transformed=_ro(x), normalised=_ro(np.where(a, y, np.nan)),
            effective_weight=_ro(e),
            contribution=_ro(np.where(np.isfinite(total), allot[ind.id], np.nan)),
            points_lost=_ro(e * (m.scale - np.where(a, y, m.scale))),
            missing=_ro(np.isnan(x)), imputed=_ro(imp),
            unverified=_ro(prep.unverified.get(ind.id, np.zeros(len(table), bool))),
            shrinkage_weight=_ro(sw), winsorised=_ro(wins))
    return Result(
        unit_ids=table.unit_ids, categories=table.categories, score=_ro(total),
        published_score=_ro(rounded(total, m.decimals)),
        nodes=MappingProxyType({g.id: _ro(scores[g.id]) for g in m.nodes_bottom_up()}),
        ranked=_ro(ranked), not_ranked_reason=reasons,
        rank_category=_ro(rank_cat), rank_national=_ro(rank_nat),
        ex_aequo_category=_ro(tie_cat), ex_aequo_national=_ro(tie_nat),
        indicators=MappingProxyType(indicators), uncertainty=unc,
        input_sha256=input_sha, methodology_sha256=m.sha256, seed=seed)
