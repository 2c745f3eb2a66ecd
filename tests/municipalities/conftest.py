"""Fixtures for the municipality registry: GUS file builders; the database is the shared one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.models import Gmina, GminaYear, Population, Powiat, Voivodeship

SHARED_GUS = Path(__file__).parents[2].parent / "shared/data/gus"
FULL_TERC = SHARED_GUS / "TERC_Urzedowy_2020-01-01.csv"
FULL_POPULATION = SHARED_GUS / "BDL_LUDN_2137_gminy_by_age_2020.csv"

REGISTRY_MODELS = (Voivodeship, Powiat, Gmina, GminaYear, Population)
TERC_HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"
POPULATION_HEADER = '"Kod";"Nazwa";"ogółem";"0-4";'

# A small register in GUS form: one voivodeship, one powiat, a rural and an urban-rural gmina.
SMALL_TERC = [
    "30;;;;WIELKOPOLSKIE;województwo;2020-01-01",
    "30;21;;;poznański;powiat;2020-01-01",
    "30;21;03;3;Buk;gmina miejsko-wiejska;2020-01-01",
    "30;21;03;4;Buk;miasto;2020-01-01",
    "30;21;03;5;Buk;obszar wiejski;2020-01-01",
    "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01",
]


def gus_bytes(
    header: str, lines: list[str], *, bom: bool = False, crlf: bool = True, encoding="utf-8"
) -> bytes:
    """Build a file the way GUS writes it (CRLF, a trailing empty line); variants by keyword."""
    newline = "\r\n" if crlf else "\n"
    text = newline.join([header, *lines]) + newline + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@pytest.fixture
def terc_bytes() -> Callable[..., bytes]:
    """`terc_bytes(lines=SMALL_TERC, **variants)` -> bytes of a TERC file."""

    def build(lines: list[str] | None = None, **variants) -> bytes:
        return gus_bytes(TERC_HEADER, SMALL_TERC if lines is None else lines, **variants)

    return build


@pytest.fixture
def population_bytes() -> Callable[..., bytes]:
    """`population_bytes(lines, **variants)` -> bytes of a BDL LUDN 2137 file."""

    def build(lines: list[str], **variants) -> bytes:
        return gus_bytes(POPULATION_HEADER, lines, **variants)

    return build


@pytest.fixture
def small_terc() -> list[str]:
    """Data lines of a small valid register, to modify in a test."""
    return list(SMALL_TERC)


@pytest.fixture
def row_counts() -> Callable[[], dict[str, int]]:
    """`row_counts()` -> rows per registry table, to assert that a failed import wrote nothing."""

    def count() -> dict[str, int]:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in REGISTRY_MODELS
        }

    return count


@pytest.fixture
def full_terc() -> bytes:
    if not FULL_TERC.exists():
        pytest.skip(f"GUS TERC file not available at {FULL_TERC}")
    return FULL_TERC.read_bytes()


@pytest.fixture
def full_population() -> bytes:
    if not FULL_POPULATION.exists():
        pytest.skip(f"GUS BDL population file not available at {FULL_POPULATION}")
    return FULL_POPULATION.read_bytes()
