"""Looking gminy and population up, and the invariants the database itself enforces."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal.db import session
from portal.municipalities.models import Gmina, GminaKind, Population
from portal.municipalities.services import (
    get_gmina_by_teryt,
    import_population,
    import_terc,
    population_for,
)


@pytest.fixture
def registry(terc_bytes, population_bytes):
    import_terc(terc_bytes())
    import_population(population_bytes(['3021042;"Czerwonak (2)";27000;1;']), 2018)
    import_population(population_bytes(['3021042;"Czerwonak (2)";27780;1;']), 2020)


@pytest.mark.parametrize("code", ["302104", "3021042", "3021043", " 3021042 "])
def test_gmina_is_found_by_six_digits_or_by_seven_of_any_year(registry, code):
    assert get_gmina_by_teryt(code).name == "Czerwonak"


def test_unknown_gmina_code_finds_nothing(registry):
    assert get_gmina_by_teryt("302199") is None


@pytest.mark.parametrize("code", ["30210", "30210421", "30210x", ""])
def test_malformed_teryt_code_is_a_value_error(registry, code):
    with pytest.raises(ValueError):
        get_gmina_by_teryt(code)


@pytest.mark.parametrize(
    ("year", "expected"), [(2020, (2020, 27780)), (2019, (2018, 27000)), (2025, (2020, 27780))]
)
def test_population_falls_back_to_the_nearest_earlier_year(registry, year, expected):
    row = population_for(get_gmina_by_teryt("302104"), year)

    assert (row.year, row.total) == expected


def test_population_before_any_recorded_year_is_none(registry):
    assert population_for(get_gmina_by_teryt("302104"), 2017) is None


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (GminaKind.URBAN, "gmina miejska"),
        (GminaKind.RURAL, "gmina wiejska"),
        (GminaKind.URBAN_RURAL, "gmina miejsko-wiejska"),
    ],
)
def test_kind_label_is_the_polish_gus_name(kind, label):
    assert Gmina(kind=kind).kind_label == label


def test_database_rejects_a_gmina_kind_outside_1_to_3(registry):
    gmina = get_gmina_by_teryt("302104")
    gmina.kind, gmina.teryt7 = 4, "3021044"

    with pytest.raises(IntegrityError, match="ck_gminy_kind_valid"):
        session.flush()


def test_database_rejects_a_teryt7_that_disagrees_with_the_kind(registry):
    get_gmina_by_teryt("302104").kind = GminaKind.URBAN_RURAL

    with pytest.raises(IntegrityError, match="ck_gminy_teryt7_matches_kind"):
        session.flush()


def test_database_rejects_a_negative_population(registry):
    session.add(Population(gmina=get_gmina_by_teryt("302103"), year=2020, total=-1))

    with pytest.raises(IntegrityError, match="ck_populations_total_not_negative"):
        session.flush()
