"""Benchmark: a national scoring run (2,477 gminy, the 2018 methodology, 1,000 draws).

Usage: .venv/bin/python bench/scoring_national.py [--url postgresql+psycopg://.../scoring_bench]
       [--draws 1000]
Imports the full TERC register and population from /work/shared/data/gus into a scratch
database (SQLite in a temporary folder by default), synthesises an approved snapshot and Police
rows for every gmina (bulk inserts), then times the scoring service (load, compute, store)
against a floor measured in the same run: the same computation in plain numpy (goalposts,
weighted means, weight-noise draws, per-category ranks) and the same rows inserted with plain
SQLAlchemy Core executemany. Target: load + compute + store within 5 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from scratch import migrate, reset_postgres
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
GUS = ROOT.parent / "shared/data/gus"
TERC = GUS / "TERC_Urzedowy_2020-01-01.csv"
POPULATION = GUS / "BDL_LUDN_2137_gminy_by_age_2020.csv"
TARGET_SECONDS = 5.0
YEAR = 2018


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="scratch database URL (its name must contain 'bench' "
                                      "or 'scratch'; it is emptied)")
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    for path in (TERC, POPULATION):
        if not path.exists():
            sys.exit(f"GUS file not found: {path}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'scoring_bench.db'}"
        if args.url:
            reset_postgres(url)
        migrate(url)
        run(url, Path(folder), args.draws)


def run(url: str, folder: Path, draws: int) -> None:
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URL": url, "SECRET_KEY": "bench",
                      "UPLOAD_FOLDER": str(folder)})
    with app.app_context():
        from portal.db import session
        from portal.editions.services import create_edition
        from portal.municipalities.services import import_population, import_terc

        t = time.perf_counter()
        import_terc(TERC.read_bytes())
        import_population(POPULATION.read_bytes(), year=2020)
        edition = create_edition(year=YEAR, questionnaire=str(YEAR))
        session.commit()
        n = synthesise(edition)
        session.commit()
        print(f"database: {make_url(url).get_backend_name()}; {n} gminy with approved "
              f"snapshots and Police rows (setup {time.perf_counter() - t:.1f} s)")
        portal = measure_portal(edition, draws)
        floor = measure_floor(edition, draws)
    total = sum(portal.values())
    floor_total = sum(floor.values())
    print(f"{'':28}{'load':>8}{'compute':>9}{'store':>8}{'total':>8}")
    print(f"{'portal (service)':28}{portal['load']:8.2f}{portal['compute']:9.2f}"
          f"{portal['store']:8.2f}{total:8.2f} s")
    print(f"{'floor (numpy + Core)':28}{floor['load']:8.2f}{floor['compute']:9.2f}"
          f"{floor['store']:8.2f}{floor_total:8.2f} s")
    print(f"ratio {total / floor_total:.1f}x floor; target {TARGET_SECONDS:.0f} s: "
          f"{'OK' if total <= TARGET_SECONDS else 'TOO SLOW'}")


def synthesise(edition) -> int:
    """Approved snapshots (varied answers) and one year of Police figures, bulk inserted."""
    from portal.db import session
    from portal.municipalities.models import Gmina
    from portal.police_data.models import CrimeStat, PoliceImportBatch, ThreatMapStat
    from portal.review.demo_answers import COMPLETE_2018
    from portal.review.models import SubmissionSnapshot
    from portal.submissions.models import Submission

    rng = random.Random(2018)
    now = datetime.now(UTC)
    gminy = session.execute(select(Gmina.id).order_by(Gmina.teryt6)).scalars().all()
    session.execute(insert(Submission), [
        {"edition_id": edition.id, "gmina_id": g, "status": "approved", "submitted_at": now,
         "approved_at": now, "in_review_since": now} for g in gminy])
    ids = dict(session.execute(select(Submission.gmina_id, Submission.id)
                               .where(Submission.edition_id == edition.id)).tuples().all())
    version = edition.questionnaire_version
    snapshots = []
    for g in gminy:
        values = dict(COMPLETE_2018)
        values["cctv_cameras_public"] = rng.randint(0, 120)
        values["cctv_staffed_24_7"] = rng.choice(("yes", "no"))
        values["cctv_police_live_link"] = rng.choice(("none", "some", "all"))
        values["budget_754_total"] = f"{rng.randint(50_000, 5_000_000)}.00"
        values["guard_fte"] = f"{rng.uniform(0, 30):.2f}"
        values["safety_debates_count"] = rng.randint(0, 6)
        values["sms_alert_system"] = rng.choice(("yes", "no"))
        snapshots.append({"submission_id": ids[g], "number": 1, "values": values,
                          "evidence": {}, "questionnaire_version": version.version,
                          "questionnaire_sha256": version.sha256, "approved_at": now})
    session.execute(insert(SubmissionSnapshot), snapshots)
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    batches = {}
    for kind in ("crime", "kmzb"):
        batches[kind] = session.execute(insert(PoliceImportBatch).values(
            kind=kind, file_name=f"{kind}.csv", sha256="0" * 64, size_bytes=0, is_demo=False,
            period_start=start, period_end=end, rows_count=len(gminy), units_count=len(gminy),
            added_count=len(gminy), changed_count=0, unchanged_count=0, notes_count=0,
            imported_at=now).returning(PoliceImportBatch.id)).scalar_one()
    crimes, threats = [], []
    for g in gminy:
        confirmed = rng.randint(20, 3000)
        crimes.append({"batch_id": batches["crime"], "gmina_id": g, "period_start": start,
                       "period_end": end, "category": "ogolem", "source": "bench",
                       "confirmed": confirmed, "detected": rng.randint(0, confirmed),
                       "reopened": 0})
        ok = rng.randint(5, 400)
        threats.append({"batch_id": batches["kmzb"], "gmina_id": g, "period_start": start,
                        "period_end": end, "category": "wandalizm", "source": "bench",
                        "reported": ok * 2, "confirmed": ok, "eliminated": rng.randint(0, ok)})
    session.execute(insert(CrimeStat), crimes)
    session.execute(insert(ThreatMapStat), threats)
    return len(gminy)


def measure_portal(edition, draws: int) -> dict[str, float]:
    from portal.db import session
    from portal.scoring.services import start_run

    run = start_run(edition, actor=None, draws=draws)
    session.commit()
    print(f"portal run: {run.ranked_count} of {run.units_count} ranked, "
          f"{len(run.quality['indicators'])} indicators, {run.draws} draws, "
          f"input {run.input_sha256[:12]}")
    return dict(run.timings)


def measure_floor(edition, draws: int) -> dict[str, float]:
    """Plain numpy over a plain SELECT, and plain Core executemany of the same rows."""
    from portal.db import session
    from portal.scoring.models import IndicatorResult, RankingEntry, ScoringRun

    run = session.scalars(select(ScoringRun).order_by(ScoringRun.id.desc())).first()
    n_ind = len(run.quality["indicators"])
    t0 = time.perf_counter()
    rows = session.execute(text(
        "SELECT s.gmina_id, n.\"values\" FROM submission_snapshots n "
        "JOIN submissions s ON s.id = n.submission_id")).all()
    x = np.array([[float(v.get("cctv_cameras_public", 0) if isinstance(v, dict) else 0)] * n_ind
                  for _, v in rows], np.float64)
    t1 = time.perf_counter()
    rng = np.random.default_rng(0)
    x = x * rng.uniform(0.5, 1.5, x.shape)
    lo, hi = x.min(axis=0), x.max(axis=0)
    y = 100 * np.clip((x - lo) / np.where(hi > lo, hi - lo, 1), 0, 1)
    w = np.ones(n_ind) / n_ind
    nominal = y @ w
    cats = np.arange(len(rows)) % 3
    ranks = np.zeros((draws, len(rows)), np.int32)
    for d in range(draws):
        wd = w * rng.uniform(0.75, 1.25, n_ind)
        s = y @ (wd / wd.sum())
        for c in range(3):
            idx = np.flatnonzero(cats == c)
            order = np.argsort(-s[idx], kind="stable")
            ranks[d, idx[order]] = np.arange(1, idx.size + 1)
    np.percentile(ranks, [5, 50, 95], axis=0)
    t2 = time.perf_counter()
    connection = session.connection()
    entries = [{"run_id": run.id, "gmina_id": g, "category": "1", "ranked": True,
                "not_ranked_reason": None, "score": float(nominal[i]),
                "published_score": round(float(nominal[i]), 2), "rank_category": 1,
                "rank_national": 1, "ex_aequo_category": False, "ex_aequo_national": False,
                "group_scores": {}, "group_ranks": {}, "flags": {}}
               for i, (g, _) in enumerate(rows)]
    session.execute(text("DELETE FROM ranking_entries WHERE run_id = :r"), {"r": run.id})
    connection.execute(insert(RankingEntry.__table__), entries)
    ids = connection.execute(select(RankingEntry.id).where(RankingEntry.run_id == run.id)
                             ).scalars().all()
    results = [{"entry_id": e, "indicator": f"i{k}", "raw": 1.0, "transformed": 1.0,
                "normalised": 50.0, "effective_weight": 0.04, "contribution": 2.0,
                "points_lost": 2.0, "missing": False, "imputed": False, "powiat_level": False,
                "shrinkage_weight": None, "unverified": False, "winsorised": False}
               for e in ids for k in range(n_ind)]
    connection.execute(insert(IndicatorResult.__table__), results)
    t3 = time.perf_counter()
    session.rollback()
    return {"load": t1 - t0, "compute": t2 - t1, "store": t3 - t2}


if __name__ == "__main__":
    main()
