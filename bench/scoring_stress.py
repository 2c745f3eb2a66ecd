"""Stress benchmark of portal.scoring against a plain-numpy floor measured in the same run.

Usage: .venv/bin/python bench/scoring_stress.py [--draws 1000] [--big 100000]
Each case runs in its own subprocess so that the peak RSS (getrusage) belongs to that case only.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from portal.scoring.engine import score
from portal.scoring.methodology import parse_methodology
from portal.scoring.table import Table, read_csv_table

GROUPS = ("police", "threats", "cctv", "spending", "organisation")


def methodology(draws: int) -> dict:
    """25 indicators in 5 groups using every transform and normalisation kind."""
    inds = [
        {"id": "crime_rate", "group": "police", "source": "crimes", "direction": -1,
         "transforms": [{"type": "eb_rate", "exposure": "population", "per": 1000,
                         "prior": "category"}],
         "normalisation": {"type": "goalposts", "lo": 5, "hi": 35}, "weight": 2,
         "missing": "category_median"},
        {"id": "detection", "group": "police", "source": "detected",
         "transforms": [{"type": "eb_proportion", "trials": "ascertained"}],
         "normalisation": {"type": "goalposts", "lo": 0.45, "hi": 0.9},
         "missing": "category_median"},
        {"id": "kmzb_eliminated", "group": "threats", "source": "eliminated",
         "transforms": [{"type": "eb_proportion", "trials": "confirmed"}],
         "normalisation": {"type": "goalposts", "lo": 0.2, "hi": 0.9}, "missing": "median"},
        {"id": "threats_rate", "group": "threats", "source": "confirmed", "direction": -1,
         "transforms": [{"type": "eb_rate", "exposure": "population", "per": 1000}],
         "normalisation": {"type": "zscore"}, "weight": 0.5, "missing": "median"},
        {"id": "cameras_10k", "group": "cctv", "source": "cameras",
         "per": {"denominator": "population", "scale": 10000},
         "transforms": [{"type": "winsorise"}], "normalisation": {"type": "minmax"}, "weight": 2},
        {"id": "spend_pc", "group": "spending", "formula": "spend / population",
         "transforms": ["log1p", "cap"], "normalisation": {"type": "goalposts", "lo": 0,
                                                           "hi": "log1p(500)"}},
    ]
    for k in range(19):
        group = GROUPS[k % 5]
        norm = ({"type": "categorical", "map": {0: 0, 1: 50, 2: 100}} if k % 3 == 0
                else {"type": "goalposts", "lo": 0, "hi": 10})
        inds.append({"id": f"q{k:02d}", "group": group, "source": f"q{k:02d}",
                     "normalisation": norm, "weight": 1 + k % 2})
    return {
        "methodology": "stress", "version": "1",
        "index": {"id": "total"},
        "groups": [{"id": g, "weight": w} for g, w in zip(GROUPS, (3, 1, 2, 1.5, 2.5),
                                                           strict=True)],
        "indicators": inds,
        "categories": {"field": "type"},
        "eligibility": {"max_missing_share": 0.4},
        "ranking": {"decimals": 2},
        "uncertainty": {"draws": draws, "chunk": 64, "weights": {"noise": 0.25},
                        "normalisation": ["nominal", "minmax", "zscore"],
                        "aggregation": ["arithmetic", "geometric"],
                        "shrinkage": [True, False], "count_noise": ["crimes"]},
    }


def synthetic(n: int, seed: int = 0) -> Table:
    rng = np.random.default_rng(seed)
    pop = np.exp(rng.normal(9, 1, n)).round() + 500
    cols = {"population": pop,
            "crimes": rng.poisson(pop * rng.uniform(0.01, 0.04, n)).astype(float),
            "ascertained": rng.poisson(pop * 0.02).astype(float),
            "confirmed": rng.poisson(pop * 0.005).astype(float),
            "cameras": rng.poisson(pop / 2000 * rng.lognormal(0, 1, n)).astype(float),
            "spend": pop * rng.lognormal(3, 1, n)}
    cols["detected"] = np.floor(cols["ascertained"] * rng.uniform(0.4, 0.9, n))
    cols["eliminated"] = np.floor(cols["confirmed"] * rng.uniform(0.2, 0.9, n))
    for k in range(19):
        col = rng.integers(0, 3, n).astype(float) if k % 3 == 0 else rng.uniform(0, 12, n)
        col[rng.random(n) < 0.03] = np.nan
        cols[f"q{k:02d}"] = col
    cats = np.array(["urban", "rural", "urban_rural"])[rng.integers(0, 3, n)]
    return Table.build([f"{i:07d}" for i in range(n)], cols, list(cats))


def write_csv(table: Table, path: Path) -> None:
    names = sorted(table.columns)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_id", "type", *names])
        cols = [table.columns[c] for c in names]
        for i, unit in enumerate(table.unit_ids):
            w.writerow([unit, table.categories[i], *(repr(float(c[i])) for c in cols)])


def floor(table: Table, draws: int) -> tuple[float, float]:
    """Plain numpy: a weighted mean of pre-normalised columns and argsort ranks, same sizes."""
    y = np.column_stack([np.nan_to_num(table.columns[c]) for c in sorted(table.columns)])
    w = np.ones(y.shape[1])
    t0 = time.perf_counter()
    s = y @ w / w.sum()
    rank = np.empty(s.size, np.int64)
    rank[np.argsort(-s, kind="stable")] = np.arange(1, s.size + 1)
    nominal = time.perf_counter() - t0
    if not draws:
        return nominal, 0.0
    rng = np.random.default_rng(0)
    ranks = np.empty((draws, s.size), np.int32)
    t0 = time.perf_counter()
    for start in range(0, draws, 64):
        ww = w[:, None] * rng.uniform(0.75, 1.25, (w.size, min(64, draws - start)))
        block = (y @ ww / ww.sum(axis=0)).T
        order = np.argsort(-block, axis=1, kind="stable")
        np.put_along_axis(ranks[start:start + block.shape[0]], order,
                          np.arange(1, s.size + 1, dtype=np.int32)[None, :], axis=1)
    np.percentile(ranks[:, :1000], [5, 50, 95], axis=0)
    return nominal, time.perf_counter() - t0


def run_case(n: int, draws: int, with_io: bool) -> dict:
    table = synthetic(n)
    m = parse_methodology(methodology(draws), list(table.columns))
    out = {"units": n, "indicators": len(m.indicators), "draws": draws}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        if with_io:
            write_csv(table, path)
            t0 = time.perf_counter()
            table = read_csv_table(path, "unit_id", "type")
            out["load_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        nominal = score(m, table, draws=0)
        out["nominal_s"] = time.perf_counter() - t0
        if draws:
            t0 = time.perf_counter()
            result = score(m, table, draws=draws)
            out["with_draws_s"] = time.perf_counter() - t0
            out["mc_s"] = out["with_draws_s"] - out["nominal_s"]
        else:
            result = nominal
        if with_io:
            t0 = time.perf_counter()
            from portal.scoring.cli import result_rows

            header, rows = result_rows(result, [g.id for g in m.nodes_bottom_up()])
            with open(Path(tmp) / "out.csv", "w", newline="") as fh:
                csv.writer(fh).writerows([header, *rows])
            out["store_s"] = time.perf_counter() - t0
    out["floor_nominal_s"], out["floor_mc_s"] = floor(table, draws)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        n, draws, io = args.case.split(":")
        print(json.dumps(run_case(int(n), int(draws), io == "io")))
        return
    cases = [("a) 2,477 gminy, with CSV load/store", f"2477:{args.draws}:io"),
             (f"b) {args.big:,} units, nominal", f"{args.big}:0:no"),
             (f"b) {args.big:,} units, {args.draws} draws", f"{args.big}:{args.draws}:no")]
    print(f"{'case':44} {'load':>6} {'nominal':>8} {'MC':>8} {'store':>6} "
          f"{'floor nom':>9} {'floor MC':>9} {'peak MB':>8}")
    for label, case in cases:
        proc = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True,
                              text=True)
        if proc.returncode:
            sys.exit(proc.stderr)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        cell = {k: f"{r[k]:.2f}" if k in r else "-" for k in ("load_s", "nominal_s", "mc_s",
                                                               "store_s")}
        print(f"{label:44} {cell['load_s']:>6} {cell['nominal_s']:>8} {cell['mc_s']:>8} "
              f"{cell['store_s']:>6} {r['floor_nominal_s']:>9.3f} {r['floor_mc_s']:>9.2f} "
              f"{r['peak_rss_mb']:>8.0f}")


if __name__ == "__main__":
    main()
