"""Synthetic Police and KMZB figures ("dane demonstracyjne") for the 17 pilot gminy.

Deterministic (one seed) and idempotent: the generated files are byte-identical on every run and
a file whose SHA-256 is already a batch is not imported again. They go through the real importer,
and their batches are flagged `is_demo` so every page and figure can say they are not real.
Magnitudes follow powiat poznański in GUS BDL (about 13 crimes per 1,000 inhabitants a year,
detection about 60 %, under 40 % for thefts and burglaries).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random

from sqlalchemy import select

from portal.db import session
from portal.municipalities.models import Gmina, Population, Powiat
from portal.police_data.file_templates import template_columns
from portal.police_data.models import ImportKind, PoliceImportBatch
from portal.police_data.services import import_file

DEMO_SEED = 3021
DEMO_YEARS = (2016, 2017, 2018)
PILOT_POWIAT = "3021"
DEMO_SOURCE = "DEMO (dane demonstracyjne)"
FALLBACK_POPULATION = 20_000

# category: (share of all crimes, typical detection rate in %); kradziez_samochodu is a part of
# kradziez_rzeczy, so the seven's total leaves it out.
CRIME_PROFILE = {
    "ogolem": (1.0, 60), "kryminalne": (0.66, 50), "gospodarcze": (0.12, 70),
    "drogowe": (0.10, 98), "zycie_zdrowie": (0.022, 90), "mienie": (0.55, 40),
    "wolnosc_obyczajnosc": (0.05, 86), "rodzina_opieka": (0.06, 98),
    "bezp_powszechne": (0.11, 98), "kradziez_rzeczy": (0.19, 30),
    "kradziez_samochodu": (0.015, 20), "kradziez_z_wlamaniem": (0.08, 35), "rozboj": (0.01, 70),
    "uszkodzenie_mienia": (0.06, 35), "bojka_pobicie": (0.008, 75),
    "uszczerbek_na_zdrowiu": (0.012, 80),
}
SEVEN = ("kradziez_rzeczy", "kradziez_z_wlamaniem", "rozboj", "uszkodzenie_mienia",
         "bojka_pobicie", "uszczerbek_na_zdrowiu")
# The most frequent KMZB categories and their share of a gmina's reports.
THREAT_PROFILE = {
    "nieprawidlowe_parkowanie": 0.28, "przekraczanie_predkosci": 0.20,
    "alkohol_w_miejscach_niedozwolonych": 0.12, "infrastruktura_drogowa": 0.08,
    "organizacja_ruchu": 0.07, "dzikie_wysypiska": 0.06, "wandalizm": 0.05,
    "grupowanie_maloletnich": 0.04, "bezpanskie_psy": 0.03, "srodki_odurzajace": 0.03,
    "nielegalne_rajdy": 0.02, "niszczenie_zieleni": 0.02,
}


def load_demo_police_data() -> list[PoliceImportBatch]:
    """Import the demo crime and KMZB files unless they are already there; return new batches."""
    gminy = session.scalars(
        select(Gmina).join(Powiat).where(Powiat.code == PILOT_POWIAT).order_by(Gmina.teryt6)
    ).all()
    if not gminy:
        return []
    populations = _populations()
    files = (
        (ImportKind.CRIME, "dane_demonstracyjne_policja_2016-2018.csv",
         demo_crime_csv(gminy, populations)),
        (ImportKind.THREATS, "dane_demonstracyjne_kmzb_2016-2018.csv",
         demo_threats_csv(gminy, populations)),
    )
    batches = []
    for kind, name, data in files:
        digest = hashlib.sha256(data).hexdigest()
        if session.scalar(select(PoliceImportBatch.id).where(PoliceImportBatch.sha256 == digest)):
            continue
        batches.append(import_file(data, name, kind, is_demo=True).batch)
    return batches


def _populations() -> dict[int, int]:
    """gmina id -> population of the latest year on record."""
    rows = session.execute(select(Population.gmina_id, Population.total)
                           .order_by(Population.year))
    return {gmina_id: total for gmina_id, total in rows}


def demo_crime_csv(gminy: list[Gmina], populations: dict[int, int]) -> bytes:
    """A crime statistics file for `gminy` and DEMO_YEARS, the same bytes for the same input."""
    rng = random.Random(DEMO_SEED)
    rows = []
    for gmina in gminy:
        per_1000 = rng.uniform(9.0, 17.5)
        population = populations.get(gmina.id, FALLBACK_POPULATION)
        for year in DEMO_YEARS:
            total = population * per_1000 * rng.uniform(0.92, 1.08) / 1000
            figures = _crime_year(rng, total)
            for category, (confirmed, detected) in figures.items():
                rows.append({"source": DEMO_SOURCE, "period_start": f"{year}-01-01",
                             "period_end": f"{year}-12-31", "teryt": gmina.teryt7,
                             "category": category, "przestepstwa_stwierdzone": confirmed,
                             "przestepstwa_wykryte": detected})
    return _csv(ImportKind.CRIME, rows)


def _crime_year(rng: random.Random, total: float) -> dict[str, tuple[int, int]]:
    figures: dict[str, tuple[int, int]] = {}
    for category, (share, rate) in CRIME_PROFILE.items():
        confirmed = round(total * share * (1 if category == "ogolem" else rng.uniform(0.8, 1.2)))
        if category == "kradziez_samochodu":
            confirmed = min(confirmed, figures["kradziez_rzeczy"][0])
        detection = min(100.0, max(0.0, rate + rng.uniform(-8, 8)))
        figures[category] = (confirmed, round(confirmed * detection / 100))
    figures["siodemka_razem"] = (sum(figures[c][0] for c in SEVEN),
                                 sum(figures[c][1] for c in SEVEN))
    return figures


def demo_threats_csv(gminy: list[Gmina], populations: dict[int, int]) -> bytes:
    """An aggregated KMZB file for `gminy` and DEMO_YEARS."""
    rng = random.Random(DEMO_SEED + 1)
    rows = []
    for gmina in gminy:
        per_1000 = rng.uniform(3.0, 9.0)
        population = populations.get(gmina.id, FALLBACK_POPULATION)
        for year in DEMO_YEARS:
            total = population * per_1000 / 1000
            for category, share in THREAT_PROFILE.items():
                reported = round(total * share * rng.uniform(0.6, 1.4))
                if reported == 0:
                    continue
                confirmed = round(reported * rng.uniform(0.40, 0.65))
                pending = rng.randint(0, min(2, reported - confirmed))
                rows.append({"source": DEMO_SOURCE, "period_start": f"{year}-01-01",
                             "period_end": f"{year}-12-31", "teryt": gmina.teryt7,
                             "category_code": category, "category_name": "",
                             "reported": reported, "confirmed": confirmed,
                             "not_confirmed": reported - confirmed - pending,
                             "eliminated": round(confirmed * rng.uniform(0.35, 0.75))})
    return _csv(ImportKind.THREATS, rows)


def _csv(kind: ImportKind, rows: list[dict]) -> bytes:
    columns = template_columns(kind)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
