"""Demo Police data: deterministic, idempotent, plausible and labelled as demo."""

from __future__ import annotations

from sqlalchemy import select

from portal.db import session
from portal.municipalities.models import Gmina, Powiat
from portal.police_data.demo import (
    DEMO_YEARS,
    demo_crime_csv,
    demo_threats_csv,
    load_demo_police_data,
)
from portal.police_data.figures import crime_figures, threat_figures, year_period
from portal.police_data.models import PoliceImportBatch


def test_demo_data_loads_once_for_the_17_pilot_gminy(pilot):
    first = load_demo_police_data()
    again = load_demo_police_data()

    assert [batch.kind for batch in first] == ["crime", "kmzb"] and again == []
    batches = session.scalars(select(PoliceImportBatch)).all()
    assert len(batches) == 2 and all(batch.is_demo for batch in batches)
    figures = crime_figures(*year_period(DEMO_YEARS[-1]))
    assert len(figures) == 17
    assert all(f.is_demo for per_gmina in figures.values() for f in per_gmina.values())
    assert len(threat_figures(*year_period(DEMO_YEARS[-1]))) == 17


def test_demo_files_are_the_same_bytes_every_time(pilot):
    gminy = session.scalars(select(Gmina).join(Powiat).where(Powiat.code == "3021")).all()
    assert demo_crime_csv(gminy, {}) == demo_crime_csv(gminy, {})
    assert demo_threats_csv(gminy, {}) == demo_threats_csv(gminy, {})


def test_demo_magnitudes_are_plausible_for_powiat_poznanski(pilot):
    load_demo_police_data()
    figures = crime_figures(*year_period(2018))

    total = sum(per_gmina["ogolem"].confirmed for per_gmina in figures.values())
    detected = sum(per_gmina["ogolem"].detected for per_gmina in figures.values())
    # BDL: powiat poznański ~13 crimes per 1,000 of ~400,000 residents, detection ~60 %.
    assert 3_500 < total < 7_500
    assert 0.5 < detected / total < 0.7
    for per_gmina in figures.values():
        assert per_gmina["kradziez_samochodu"].confirmed <= per_gmina["kradziez_rzeczy"].confirmed
        seven = per_gmina["siodemka_razem"].confirmed
        assert seven < per_gmina["ogolem"].confirmed
