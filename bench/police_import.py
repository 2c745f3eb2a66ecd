"""Benchmark: importing Police crime statistics for all 2,477 gminy x 16 categories (~40k rows).

Usage: .venv/bin/python bench/police_import.py [--url postgresql+psycopg://.../police_bench]
Loads the full GUS TERC register into a scratch database (SQLite in a temporary folder by
default), generates one year of figures for every gmina, and times against a floor measured in
the same run: the same rows inserted with plain SQLAlchemy Core `insert()` executemany. On
PostgreSQL the portal writes with COPY, so it may beat that floor (a ratio under 1).
Target: the whole import (parsing, validation, comparison, writing) within 5 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

from scratch import migrate, reset_postgres
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
TERC = ROOT.parent / "shared/data/gus/TERC_Urzedowy_2020-01-01.csv"
TARGET_SECONDS = 5.0
YEAR = 2024
CATEGORIES = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="scratch database URL (its name must contain 'bench' "
                                      "or 'scratch'; it is emptied)")
    args = parser.parse_args()
    if not TERC.exists():
        sys.exit(f"TERC file not found: {TERC}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'police_bench.db'}"
        if args.url:
            reset_postgres(url)
        migrate(url)
        run(url, Path(folder))


def run(url: str, folder: Path) -> None:
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URL": url, "SECRET_KEY": "bench",
                      "UPLOAD_FOLDER": str(folder)})
    with app.app_context():
        from portal.db import session
        from portal.municipalities.models import Gmina
        from portal.municipalities.services import import_terc

        import_terc(TERC.read_bytes())
        session.commit()
        gminy = session.execute(select(Gmina.id, Gmina.teryt7).order_by(Gmina.teryt6)).all()
        data, rows = generate(gminy, seed=1)
        print(f"database: {make_url(url).get_backend_name()}; {len(gminy)} gminy, "
              f"{len(rows)} rows, file {len(data) / 2**20:.1f} MB")
        floor = measure_floor(rows)
        first = measure_import(data, "policja_2024.csv")
        changed, _rows = generate(gminy, seed=2)
        second = measure_import(changed, "policja_2024_korekta.csv")
    print(f"floor (Core insert executemany):     {floor:6.2f} s")
    print(f"portal import, empty table:          {first:6.2f} s  ({first / floor:.1f}x floor)")
    print(f"portal import, superseding all rows: {second:6.2f} s  ({second / floor:.1f}x floor)")
    verdict = "OK" if max(first, second) <= TARGET_SECONDS else "TOO SLOW"
    print(f"target {TARGET_SECONDS:.0f} s: {verdict}")


def generate(gminy, seed: int) -> tuple[bytes, list[dict]]:
    """A crime statistics CSV for every gmina and the same rows as dicts for the floor."""
    from portal.police_data.categories import CRIME_CATEGORIES
    from portal.police_data.file_templates import template_columns
    from portal.police_data.models import ImportKind

    rng = random.Random(seed)
    codes = [category.code for category in CRIME_CATEGORIES[:CATEGORIES]]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(template_columns(ImportKind.CRIME))
    rows = []
    for gmina_id, teryt7 in gminy:
        for code in codes:
            confirmed = rng.randint(0, 2000)
            detected = rng.randint(0, confirmed)
            writer.writerow(["KGP", f"{YEAR}-01-01", f"{YEAR}-12-31", teryt7, code, confirmed,
                             detected, "", ""])
            rows.append({"gmina_id": gmina_id, "category": code, "confirmed": confirmed,
                         "detected": detected})
    return out.getvalue().encode("utf-8"), rows


def measure_floor(rows: list[dict]) -> float:
    """Plain Core executemany of the same rows into the same table, then rolled back."""
    from datetime import date

    from portal.db import session
    from portal.police_data.models import CrimeStat, PoliceImportBatch

    connection = session.connection()
    batch_id = connection.execute(insert(PoliceImportBatch.__table__).values(
        kind="crime", file_name="floor", sha256="0" * 64, size_bytes=0, is_demo=False,
        period_start=date(YEAR, 1, 1), period_end=date(YEAR, 12, 31), rows_count=len(rows),
        units_count=0, added_count=0, changed_count=0, unchanged_count=0, notes_count=0,
        imported_at=time_now()).returning(PoliceImportBatch.id)).scalar_one()
    values = [{**row, "batch_id": batch_id, "period_start": date(YEAR, 1, 1),
               "period_end": date(YEAR, 12, 31), "source": "KGP", "reopened": None,
               "detection_rate": None, "superseded_by_id": None} for row in rows]
    started = time.perf_counter()
    connection.execute(insert(CrimeStat.__table__), values)
    elapsed = time.perf_counter() - started
    session.rollback()
    return elapsed


def measure_import(data: bytes, name: str) -> float:
    from portal.db import session
    from portal.police_data.services import import_file

    started = time.perf_counter()
    result = import_file(data, name)
    session.commit()
    elapsed = time.perf_counter() - started
    batch = result.batch
    print(f"  batch {batch.id}: {batch.rows_count} rows, added {batch.added_count}, "
          f"changed {batch.changed_count}, unchanged {batch.unchanged_count}")
    return elapsed


def time_now():
    from portal.db import utcnow

    return utcnow()


if __name__ == "__main__":
    main()
