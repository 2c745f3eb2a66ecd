"""Plausibility flags are pure functions: advice computed from values, never stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.review import flags


@pytest.mark.parametrize(("old", "new", "flagged"), [
    ("100.00", "150.00", False),
    ("100.00", "151.00", True),
    ("100.00", "49.00", True),
    (10, 10, False),
    ("0.00", "5.00", True),
    ("0.00", "0.00", False),
    (None, "5.00", False),
    ("yes", "no", False),
])
def test_change_of_more_than_half_from_last_year(old, new, flagged):
    assert (flags.change_flag(old, new) is not None) is flagged


def test_chapters_summing_above_division_754_flag_the_total():
    values = {"budget_754_total": "1000.00", "budget_75412_osp": "600.00",
              "budget_75416_municipal_guard": "500.00", "budget_total_expenditure": "900.00"}
    found = flags.parts_flags(values, {"budget_754_total": "Dział 754"})
    assert [f.kind for f in found["budget_754_total"]] == ["parts", "parts"]  # sum, and > total
    assert any("Suma części" in f.message for f in found["budget_754_total"])
    assert "budget_75412_osp" not in found


def test_one_part_above_its_total_flags_the_part():
    found = flags.parts_flags({"buildings_public_total": 10, "buildings_cctv": 12})
    assert list(found) == ["buildings_cctv"]


def test_percentile_interpolates_between_ranks():
    values = [Decimal(v) for v in range(1, 101)]
    assert flags.percentile(values, Decimal(1)) == Decimal("1.99")
    assert flags.percentile(values, Decimal(99)) == Decimal("99.01")
    assert flags.percentile([Decimal(7)], Decimal(50)) == Decimal(7)


def test_percentile_bands_need_enough_peers():
    per_capita = {(1, "x"): [Decimal(v) for v in range(flags.MIN_PEERS - 1)],
                  (2, "x"): [Decimal(v) for v in range(flags.MIN_PEERS)]}
    assert list(flags.bands(per_capita)) == [(2, "x")]


def test_value_per_resident_outside_the_band_is_flagged():
    band = flags.Band(low=Decimal("1"), high=Decimal("10"), peers=20)
    assert flags.percentile_flag("50000", 1000, band).kind == "percentile"
    assert flags.percentile_flag("5000", 1000, band) is None
    assert flags.percentile_flag("500", 1000, band) is not None
    assert flags.percentile_flag("5000", None, band) is None
    assert flags.percentile_flag("5000", 1000, None) is None


def test_missing_required_evidence_is_flagged():
    assert flags.evidence_flag(True, False).kind == "evidence"
    assert flags.evidence_flag(True, True) is None
    assert flags.evidence_flag(False, False) is None
