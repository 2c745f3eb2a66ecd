"""Yes/no indicators are recognised from the methodology so pages can say "tak"/"nie"."""

from __future__ import annotations

import math

import pytest

from portal.scoring import services
from portal.scoring.yes_no import YesNo, yes_no_indicators


def test_a_plain_yes_no_source_is_a_yes_no_indicator(spec, build):
    spec["codes"] = {"guard": {"yes": 1, "no": 0}}
    assert yes_no_indicators(build(spec)) == {"guard": YesNo(yes=1.0, no=0.0)}


def test_rates_formulas_and_other_choices_stay_numbers(spec, build):
    # cameras_10k reads "cameras" per resident: a rate, even if the answer were yes/no
    spec["codes"] = {"guard": {"all": 2, "some": 1, "none": 0}, "cameras": {"yes": 1, "no": 0}}
    assert yes_no_indicators(build(spec)) == {}


@pytest.mark.parametrize("value, answer", [(1.0, True), (0.0, False), (0.5, None),
                                           (None, None), (math.nan, None)])
def test_answer_reads_only_the_two_codes(value, answer):
    assert YesNo(yes=1.0, no=0.0).answer(value) is answer


def test_share_of_yes_follows_the_codes():
    assert YesNo(yes=1.0, no=0.0).share_yes(0.25) == 0.25
    assert YesNo(yes=2.0, no=0.0).share_yes(1.0) == 0.5
    assert YesNo(yes=1.0, no=0.0).share_yes(None) is None


def test_the_2018_methodology_has_five_yes_no_indicators(edition):
    methodology, _text, _questionnaire = services.load_methodology_for(edition)
    assert set(yes_no_indicators(methodology)) == {
        "obserwacja_calodobowa", "porozumienie_finansowe", "sprawozdanie_komendanta",
        "system_sms", "program_bezpieczenstwa"}
