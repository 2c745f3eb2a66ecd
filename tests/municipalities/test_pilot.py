"""The pilot area shipped with the package: powiat poznański and the city of Poznań, 2020."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.models import Gmina, Population, Powiat
from portal.municipalities.services import (
    PILOT_POPULATION,
    PILOT_TERC,
    load_pilot_registry,
    population_for,
)

PILOT_DATA = resources.files("portal.municipalities") / "data"


def test_pilot_registry_holds_the_17_gminy_of_powiat_poznanski_with_2020_population():
    terc, population = load_pilot_registry()

    powiat = session.scalar(select(Powiat).where(Powiat.code == "3021"))
    assert len(powiat.gminy) == 17
    assert not powiat.city_with_powiat_rights
    kinds = sorted(gmina.kind for gmina in powiat.gminy)
    # 2 urban, 7 rural, 8 urban-rural (DOMAIN.md §2.2's table; its summary line says 6/9, wrongly)
    assert kinds == [1] * 2 + [2] * 7 + [3] * 8
    assert sum(population_for(gmina, 2020).total for gmina in powiat.gminy) == 406_590
    tarnowo = session.scalar(select(Gmina).where(Gmina.teryt6 == "302117"))
    assert (tarnowo.name, tarnowo.teryt7) == ("Tarnowo Podgórne", "3021172")
    assert population.notes == []


def test_pilot_registry_is_exactly_the_17_gminy_of_powiat_poznanski():
    load_pilot_registry()

    assert session.scalar(select(func.count()).select_from(Gmina)) == 17
    assert session.scalar(select(Gmina).where(Gmina.teryt6 == "306401")) is None  # Poznań city


def test_loading_the_pilot_registry_twice_adds_nothing_twice(row_counts):
    load_pilot_registry()
    before = row_counts()

    terc, population = load_pilot_registry()

    assert row_counts() == before
    assert terc.gminy_added == terc.powiats_added == terc.voivodeships_added == []
    assert terc.renamed == terc.kind_changed == []
    assert (population.added, population.replaced) == (0, 17)
    assert session.scalar(select(func.sum(Population.total))) == 406_590


def test_pilot_files_are_verbatim_lines_of_the_gus_originals(full_terc, full_population):
    for name, original in ((PILOT_TERC, full_terc), (PILOT_POPULATION, full_population)):
        original_lines = set(original.split(b"\r\n"))
        pilot = (PILOT_DATA / name).read_bytes()
        assert b"\r\n" in pilot
        assert set(pilot.split(b"\r\n")) <= original_lines, name
