"""Fixtures for the pure scoring tests: small gmina tables and methodologies, no app."""

import copy

import numpy as np
import pytest

from portal.scoring.methodology import parse_methodology
from portal.scoring.table import Table
from tests import factories

SOURCES = ("crimes", "population", "detected", "ascertained", "cameras", "spend", "guard")

BASE = {
    "methodology": "test-gminy",
    "version": "1",
    "index": {"id": "total", "aggregation": "arithmetic"},
    "groups": [
        {"id": "police", "weight": 2},
        {"id": "local", "weight": 1},
    ],
    "indicators": [
        {"id": "crime_rate", "group": "police", "source": "crimes", "direction": -1,
         "transforms": [{"type": "eb_rate", "exposure": "population", "per": 1000}],
         "normalisation": {"type": "goalposts", "lo": 5, "hi": 35}, "weight": 2,
         "missing": "category_median"},
        {"id": "detection", "group": "police", "source": "detected",
         "transforms": [{"type": "eb_proportion", "trials": "ascertained"}],
         "normalisation": {"type": "goalposts", "lo": 0.45, "hi": 0.9}, "weight": 1,
         "missing": "category_median"},
        {"id": "cameras_10k", "group": "local", "source": "cameras",
         "per": {"denominator": "population", "scale": 10000},
         "normalisation": {"type": "goalposts", "lo": 0, "hi": 30}, "weight": 2},
        {"id": "spend_pc", "group": "local", "formula": "spend / population",
         "transforms": ["log1p"], "normalisation": {"type": "minmax"}, "weight": 1},
        {"id": "guard", "group": "local", "source": "guard",
         "normalisation": {"type": "categorical", "map": {0: 0, 1: 100}}, "weight": 1},
    ],
    "missing": {"default": "zero"},
    "categories": {"field": "type"},
    "ranking": {"decimals": 2},
    "uncertainty": {"draws": 50, "chunk": 16, "weights": {"noise": 0.25},
                    "normalisation": ["nominal", "minmax", "zscore"],
                    "aggregation": ["arithmetic", "geometric"], "shrinkage": [True, False],
                    "count_noise": ["crimes"]},
}


@pytest.fixture
def spec():
    """A deep copy of the base methodology mapping, free to modify."""
    return copy.deepcopy(BASE)


@pytest.fixture
def build():
    def _build(data):
        return parse_methodology(data, SOURCES)
    return _build


def gmina_table(n=60, seed=1, **overrides) -> Table:
    rng = np.random.default_rng(seed)
    population = rng.integers(1500, 200_000, n).astype(float)
    cols = {
        "population": population,
        "crimes": rng.poisson(population * rng.uniform(0.01, 0.04, n)).astype(float),
        "ascertained": rng.poisson(population * 0.02).astype(float),
        "cameras": rng.poisson(population / 2000).astype(float),
        "spend": population * rng.uniform(5, 80, n),
        "guard": rng.integers(0, 2, n).astype(float),
    }
    cols["detected"] = np.floor(cols["ascertained"] * rng.uniform(0.4, 0.9, n))
    cols.update(overrides)
    cats = [("urban", "rural", "urban_rural")[i % 3] for i in range(n)]
    return Table.build([f"{i:07d}" for i in range(n)], cols, cats)


@pytest.fixture
def table():
    return gmina_table()


@pytest.fixture
def make_table():
    """gmina_table(n, seed, **column overrides) as a fixture."""
    return gmina_table


# The database-backed scoring tests (services, objections, pages) share these.
@pytest.fixture
def edition():
    return factories.open_edition_2018()


@pytest.fixture
def app_ctx(app):
    """For tests that call the services directly: objections and publication queue e-mails,
    rendered from templates. Not for tests that also use `client`: its requests would share
    this context's `g` (the logged-in user, the language)."""
    with app.app_context():
        yield


@pytest.fixture
def admin():
    return factories.admin()
