"""Transforms and normalisations, unit by unit."""

import numpy as np

from portal.scoring import transforms
from portal.scoring.methodology import Normalisation


def test_shrinkage_pulls_small_gminas_rate_toward_the_mean_more_than_a_large_ones():
    population = np.array([1_000.0, 200_000, 50_000, 80_000, 20_000, 120_000])
    rate = np.array([0.060, 0.060, 0.020, 0.025, 0.015, 0.018])  # same raw rate, small and large
    crimes = np.round(population * rate)
    mask = np.ones(6, bool)
    smoothed, weight = transforms.eb_rate(crimes, population, 1000, mask)
    mean = crimes.sum() / population.sum() * 1000
    raw = crimes / population * 1000
    assert abs(smoothed[0] - mean) < abs(raw[0] - mean)
    assert abs(smoothed[0] - raw[0]) > abs(smoothed[1] - raw[1])
    assert weight[0] < weight[1] <= 1


def test_proportion_shrinkage_pulls_a_small_denominator_harder():
    trials = np.array([10.0, 5000, 800, 1200, 300, 2500])
    successes = np.round(trials * np.array([0.95, 0.95, 0.6, 0.7, 0.65, 0.72]))
    smoothed, weight = transforms.eb_proportion(successes, trials, np.ones(6, bool))
    raw = successes / trials
    assert abs(smoothed[0] - raw[0]) > abs(smoothed[1] - raw[1])
    assert weight[0] < weight[1]


def test_category_prior_shrinks_towards_the_category_mean():
    population = np.full(8, 2_000.0)
    crimes = np.array([10, 12, 8, 10, 100, 110, 90, 100.0])
    groups = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    smoothed, _ = transforms.eb_rate(crimes, population, 1000, np.ones(8, bool), groups,
                                     "category")
    assert smoothed[:4].max() < 10 < 40 < smoothed[4:].min()


def test_skewness_and_kurtosis_follow_the_type_2_definitions():
    x = np.array([1.0, 2, 3, 4, 100])
    n, d = x.size, x - x.mean()
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    g1, g2 = m3 / m2 ** 1.5, m4 / m2 ** 2 - 3
    skew, kurt = transforms.skew_kurt(x)
    assert np.isclose(skew, g1 * np.sqrt(n * (n - 1)) / (n - 2))
    assert np.isclose(kurt, ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def test_winsorisation_treats_an_indicator_only_above_both_thresholds():
    rng = np.random.default_rng(0)
    normal = rng.normal(50, 10, 500)
    outliers = np.concatenate([normal, [400.0, 450, 500]])
    symmetric_heavy = np.concatenate([normal, [-300.0, 400]])  # kurtosis high, skew small
    mask_o, mask_s = np.ones(outliers.size, bool), np.ones(symmetric_heavy.size, bool)
    assert abs(transforms.skew_kurt(symmetric_heavy)[0]) < 2
    assert transforms.skew_kurt(symmetric_heavy)[1] > 3.5
    _, flagged = transforms.winsorise(normal, np.ones(500, bool))
    assert not flagged.any()
    _, flagged = transforms.winsorise(symmetric_heavy, mask_s)
    assert not flagged.any()
    out, flagged = transforms.winsorise(outliers, mask_o)
    assert 1 <= flagged.sum() <= 5
    assert out.max() < 400
    assert (out[:500] == normal).all()


def test_winsorisation_stops_after_the_maximum_number_of_points():
    x = np.concatenate([np.ones(100), np.arange(10, 20) * 100.0])
    _, flagged = transforms.winsorise(x, np.ones(x.size, bool), max_points=2)
    assert flagged.sum() == 2


def test_zscore_uses_the_sample_standard_deviation():
    x = np.array([1.0, 2, 3, 4])
    z = transforms.zscore(x, np.ones(4, bool))
    assert np.allclose(z, (x - 2.5) / np.std(x, ddof=1))
    y = transforms.normalise(x, Normalisation("zscore", center=50, spread=10), 1, 100,
                             np.ones(4, bool))
    assert np.allclose(y, 50 + 10 * (x - 2.5) / np.std(x, ddof=1))


def test_goalposts_clip_and_negative_direction_flips():
    x = np.array([0.0, 5, 20, 35, 50])
    norm = Normalisation("goalposts", lo=5, hi=35)
    up = transforms.normalise(x, norm, 1, 100, np.ones(5, bool))
    down = transforms.normalise(x, norm, -1, 100, np.ones(5, bool))
    assert up.tolist() == [0, 0, 50, 100, 100]
    assert down.tolist() == [100, 100, 50, 0, 0]


def test_minmax_statistics_come_from_the_masked_units_only():
    x = np.array([0.0, 10, 20, 1000])
    y = transforms.normalise(x, Normalisation("minmax"), 1, 100, np.array([1, 1, 1, 0], bool))
    assert y.tolist() == [0, 50, 100, 100]


def test_categorical_map_scores_codes_and_unknown_codes_are_missing():
    y = transforms.categorical(np.array([0.0, 1, 2, np.nan]), ((0.0, 0.0), (1.0, 100.0)))
    assert y[:2].tolist() == [0, 100]
    assert np.isnan(y[2:]).all()


def test_log_of_non_positive_values_is_missing():
    assert np.isnan(transforms.log(np.array([0.0, -1]))).all()
    assert np.isclose(transforms.log1p(np.array([0.0]))[0], 0)
