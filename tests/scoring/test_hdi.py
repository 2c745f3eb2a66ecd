"""UNDP's Human Development Index rebuilt from its raw data matches the published values."""

from pathlib import Path

import numpy as np
import pytest

from portal.scoring.engine import score
from portal.scoring.methodology import load_methodology
from portal.scoring.ranking import competition_ranks
from portal.scoring.table import read_csv_table

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def hdi():
    table = read_csv_table(DATA / "hdi_2021.csv", id_column="iso3")
    methodology = load_methodology(DATA / "hdi_methodology.yaml", table.columns.keys())
    return table, score(methodology, table, draws=0)


def test_hdi_matches_the_published_values_to_three_decimals(hdi):
    table, result = hdi
    published = np.asarray(table.columns["hdi_2021"])
    assert len(table) >= 20
    assert np.abs(result.published_score - published).max() <= 0.001 + 1e-9
    assert (np.abs(result.published_score - published) < 1e-9).mean() >= 0.9


def test_hdi_ranks_follow_the_published_ranking(hdi):
    table, result = hdi
    expected, _ = competition_ranks(np.asarray(table.columns["hdi_2021"]), 3)
    assert result.rank_national.tolist() == expected.tolist()
    world = np.asarray(table.columns["hdi_rank_2021"])
    ours = result.rank_national
    # the published world ranks order the same countries the same way, ties included
    assert np.array_equal(np.sign(ours[:, None] - ours[None, :]),
                          np.sign(world[:, None] - world[None, :]))


def test_hdi_dimension_indices_follow_the_technical_notes(hdi):
    table, result = hdi
    i = table.unit_ids.index("AUS")
    assert result.nodes["health"][i] == pytest.approx((84.5265 - 20) / 65)
    assert result.nodes["education"][i] == pytest.approx((1 + 12.72681999 / 15) / 2)  # eys capped
    assert result.nodes["income"][i] == pytest.approx(
        (np.log(49238.43335) - np.log(100)) / (np.log(75000) - np.log(100)))


def test_hdi_geometric_contributions_add_up(hdi):
    _, result = hdi
    total = sum(r.contribution for r in result.indicators.values())
    assert np.allclose(total, result.score, atol=1e-12)
