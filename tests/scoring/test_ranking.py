"""Competition ranking on the rounded, published score."""

import numpy as np

from portal.scoring.ranking import competition_ranks, rounded


def test_equal_rounded_scores_share_a_rank_and_the_next_rank_is_skipped():
    scores = np.array([91.0, 80.004, 79.996, 70.0])  # 80.00 and 80.00 once rounded
    ranks, ex_aequo = competition_ranks(scores, 2)
    assert ranks.tolist() == [1, 2, 2, 4]
    assert ex_aequo.tolist() == [False, True, True, False]


def test_scores_that_differ_after_rounding_are_not_tied():
    ranks, ex_aequo = competition_ranks(np.array([80.006, 80.004]), 2)
    assert ranks.tolist() == [1, 2]
    assert not ex_aequo.any()


def test_ranks_are_computed_within_each_category():
    scores = np.array([50.0, 60, 70, 40, 40])
    groups = np.array([0, 1, 0, 1, 1])
    ranks, ex_aequo = competition_ranks(scores, 2, groups)
    assert ranks.tolist() == [2, 1, 1, 2, 2]
    assert ex_aequo.tolist() == [False, False, False, True, True]


def test_units_not_ranked_take_no_rank_and_do_not_push_others_down():
    scores = np.array([90.0, 95, np.nan, 80])
    ranks, _ = competition_ranks(scores, 2, ranked=np.array([True, False, True, True]))
    assert ranks.tolist() == [1, 0, 0, 2]


def test_each_draw_is_ranked_separately():
    draws = np.array([[1.0, 2, 3], [3.0, 3, 1]])
    ranks, _ = competition_ranks(draws, 0)
    assert ranks.tolist() == [[3, 2, 1], [1, 1, 3]]


def test_published_score_rounds_half_up():
    assert rounded(np.array([0.4775, 12.345, 0.0]), 2).tolist() == [0.48, 12.35, 0.0]
