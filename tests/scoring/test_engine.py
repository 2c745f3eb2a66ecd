"""The engine end to end on synthetic gminy: explanation, missing data, determinism, intervals."""

import numpy as np
import pytest

from portal.scoring.engine import score
from portal.scoring.table import Table, canonical_input_hash


def test_contributions_add_up_to_the_score(spec, build, table):
    result = score(build(spec), table, draws=0)
    total = sum(r.contribution for r in result.indicators.values())
    assert np.allclose(total, result.score, atol=1e-9)
    lost = sum(r.points_lost for r in result.indicators.values())
    assert np.allclose(lost, 100 - result.score, atol=1e-9)


def test_geometric_contributions_also_add_up_to_the_score(spec, build, table):
    spec["index"]["aggregation"] = "geometric"
    spec["groups"][1]["aggregation"] = "geometric"
    result = score(build(spec), table, draws=0)
    total = sum(r.contribution for r in result.indicators.values())
    assert np.allclose(total, result.score, atol=1e-9)
    assert (np.stack([r.contribution for r in result.indicators.values()]) >= 0).all()


def test_every_group_and_the_index_get_a_score(spec, build, table):
    result = score(build(spec), table, draws=0)
    assert set(result.nodes) == {"police", "local", "total"}
    expected = (2 * result.nodes["police"] + result.nodes["local"]) / 3
    assert np.allclose(result.nodes["total"], expected)


def test_missing_questionnaire_answer_scores_zero_and_police_gap_is_imputed(spec, build,
                                                                         make_table):
    base = make_table()
    cameras = np.array(base.columns["cameras"])
    crimes = np.array(base.columns["crimes"])
    cameras[0] = np.nan
    crimes[1] = np.nan
    table = make_table(cameras=cameras, crimes=crimes)
    result = score(build(spec), table, draws=0)
    cam, crime = result.indicators["cameras_10k"], result.indicators["crime_rate"]
    assert cam.normalised[0] == 0 and cam.missing[0] and not cam.imputed[0]
    assert crime.imputed[1] and not crime.imputed[0]
    same_category = np.array([c == table.categories[1] for c in table.categories])
    same_category[1] = False
    assert crime.normalised[1] == np.median(crime.normalised[same_category])


def test_unverified_values_count_as_missing(spec, build, make_table):
    base = make_table()
    flags = np.zeros(len(base), bool)
    flags[3] = True
    table = Table.build(base.unit_ids, base.columns, base.categories, {"guard": flags})
    result = score(build(spec), table, draws=0)
    guard = result.indicators["guard"]
    assert guard.unverified[3] and guard.missing[3] and guard.normalised[3] == 0


def test_unit_with_too_much_missing_data_is_not_ranked_with_a_reason(spec, build, make_table):
    spec["eligibility"] = {"max_missing_share": 0.2, "required_sources": ["population"]}
    base = make_table()
    cols = {k: np.array(v) for k, v in base.columns.items()}
    cols["crimes"][0] = np.nan  # 4/9 of the weight
    cols["population"][1] = np.nan
    result = score(build(spec), make_table(**cols), draws=0)
    assert not result.ranked[0] and "44% of the weight missing" in result.not_ranked_reason[0]
    assert result.not_ranked_reason[1] == "insufficient data: population missing"
    assert result.rank_national[0] == result.rank_category[0] == 0
    assert (result.rank_national > 0).sum() == len(base) - 2
    assert result.rank_national.max() <= len(base) - 2


def test_shrinkage_weight_is_reported_for_rates(spec, build, table):
    result = score(build(spec), table, draws=0)
    w = result.indicators["crime_rate"].shrinkage_weight
    small, large = np.argmin(table.columns["population"]), np.argmax(table.columns["population"])
    assert 0 <= w[small] < w[large] <= 1
    assert np.isnan(result.indicators["guard"].shrinkage_weight).all()


def test_same_inputs_and_seed_give_identical_results(spec, build, table):
    m = build(spec)
    first, second = score(m, table, draws=40, seed=7), score(m, table, draws=40, seed=7)
    assert first.input_sha256 == second.input_sha256
    assert np.array_equal(first.score, second.score)
    assert np.array_equal(first.uncertainty.rank_q95, second.uncertainty.rank_q95)
    assert np.array_equal(first.uncertainty.median_rank, second.uncertainty.median_rank)


def test_results_do_not_depend_on_the_chunk_size(spec, build, table):
    a = score(build(spec), table, draws=30, seed=3)
    spec["uncertainty"]["chunk"] = 7
    b = score(build(spec), table, draws=30, seed=3)
    assert np.array_equal(a.uncertainty.rank_q05, b.uncertainty.rank_q05)


def test_seed_defaults_to_one_derived_from_the_input_hash(spec, build, table):
    result = score(build(spec), table, draws=5)
    assert result.seed == int(result.input_sha256[:16], 16)


def test_a_changed_input_changes_the_result_and_the_hash(spec, build, make_table):
    m = build(spec)
    before = score(m, make_table(), draws=0)
    cams = np.array(make_table().columns["cameras"])
    cams[5] += 40
    after = score(m, make_table(cameras=cams), draws=0)
    assert before.input_sha256 != after.input_sha256
    assert before.score[5] != after.score[5]


def test_input_hash_ignores_row_order_and_sees_the_methodology(make_table):
    t = make_table(n=10)
    order = list(reversed(range(10)))
    shuffled = Table.build([t.unit_ids[i] for i in order],
                           {k: np.asarray(v)[order] for k, v in t.columns.items()},
                           [t.categories[i] for i in order])
    assert canonical_input_hash(t, "m1") == canonical_input_hash(shuffled, "m1")
    assert canonical_input_hash(t, "m1") != canonical_input_hash(t, "m2")


def test_rank_interval_brackets_the_median_rank(spec, build, table):
    result = score(build(spec), table, draws=60, seed=11)
    u = result.uncertainty
    assert u.draws == 60
    assert (u.rank_q05 <= u.median_rank).all() and (u.median_rank <= u.rank_q95).all()
    assert (u.rank_q95 - u.rank_q05 > 0).any()
    assert np.nanmax(u.rank_q95) <= 20  # 60 units in 3 categories of 20


def test_no_uncertainty_settings_give_point_intervals(spec, build, table):
    del spec["uncertainty"]
    result = score(build(spec), table, draws=10, seed=1)
    u = result.uncertainty
    assert np.array_equal(u.rank_q05, result.rank_category.astype(float))
    assert np.array_equal(u.rank_q95, u.rank_q05)


def test_formula_and_per_capita_indicators(spec, build, table):
    result = score(build(spec), table, draws=0)
    cams = result.indicators["cameras_10k"].raw
    expected = np.asarray(table.columns["cameras"]) / table.columns["population"] * 10000
    assert np.allclose(cams, expected)
    spend = result.indicators["spend_pc"]
    assert np.allclose(spend.transformed,
                       np.log1p(np.asarray(table.columns["spend"]) / table.columns["population"]))


def test_explain_returns_plain_values(spec, build, table):
    rec = score(build(spec), table, draws=5, seed=1).explain(table.unit_ids[0])
    assert rec["category"] == "urban" and len(rec["indicators"]) == 5
    assert isinstance(rec["indicators"][0]["contribution"], float)
    assert rec["rank_interval"][0] <= rec["median_rank"] <= rec["rank_interval"][1]


def test_results_are_read_only(spec, build, table):
    result = score(build(spec), table, draws=0)
    with pytest.raises(ValueError):
        result.score[0] = 1.0
