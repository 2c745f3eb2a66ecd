"""Automatic plausibility checks of answers: advice for the reviewer, never a status change.

Pure functions over plain values (Decimal numbers, dicts), so they are tested without the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

# A review page makes dozens of flags: the request's catalogue is looked up once.
from portal.core.i18n import text_gettext as _

# A change from last year larger than this share of last year's value is flagged.
CHANGE_LIMIT = Decimal("0.5")
# Percentiles are only meaningful with enough gminy of the same type.
MIN_PEERS = 10
LOW_PERCENTILE, HIGH_PERCENTILE = Decimal(1), Decimal(99)

# Totals and the items that are parts of them. With `summed`, the parts together must not
# exceed the total (chapters of division 754); otherwise each part alone must not.
PARTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "budget_754_total": (("budget_75412_osp", "budget_75414_civil_defence",
                          "budget_75416_municipal_guard", "budget_75421_crisis_management",
                          "budget_75495_other", "budget_police_fund_current_2300",
                          "budget_police_fund_capital_6170", "budget_fire_service_support"),
                         True),
    "budget_total_expenditure": (("budget_754_total", "budget_cctv_current",
                                  "budget_cctv_capital", "budget_building_safety_capital",
                                  "budget_road_safety_capital",
                                  "alcohol_drug_programme_spending"), False),
    "budget_police_fund_current_2300": (("budget_police_overtime_awards",), False),
    "buildings_public_total": (("buildings_fire_inspection", "buildings_intrusion_alarm",
                                "buildings_cctv", "buildings_access_control"), False),
    "osp_units_count": (("osp_ksrg_units_count",), False),
    "cctv_events_detected": (("cctv_events_passed_to_police",), False),
}

# Counts that are compared per resident besides every money item.
PER_CAPITA_COUNTS = frozenset({
    "guard_fte", "guard_interventions_count", "cctv_cameras_public", "cctv_cameras_buildings",
    "police_community_officers_count", "osp_firefighters_active", "aed_public_count",
})


@dataclass(frozen=True)
class Flag:
    kind: str  # soft_bounds | percentile | change | parts | evidence
    message: str


KIND_LABELS = {
    "soft_bounds": _l("poza zakresem typowym"),
    "percentile": _l("nietypowo na mieszkańca"),
    "change": _l("duża zmiana r/r"),
    "parts": _l("część większa niż całość"),
    "evidence": _l("brak dokumentu"),
}


def as_number(value: object) -> Decimal | None:
    """A stored or canonical number as Decimal; None for anything else (text, lists, bools)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def change_ratio(old: Decimal, new: Decimal) -> Decimal | None:
    """(new - old) / |old|; None when last year was 0 (any change from nothing is infinite)."""
    if old == 0:
        return None
    return (new - old) / abs(old)


def change_flag(old: object, new: object) -> Flag | None:
    old_n, new_n = as_number(old), as_number(new)
    if old_n is None or new_n is None or old_n == new_n:
        return None
    ratio = change_ratio(old_n, new_n)
    if ratio is None:
        return Flag("change", _("W poprzedniej edycji 0, teraz %(new)s.", new=_fmt(new_n)))
    if abs(ratio) <= CHANGE_LIMIT:
        return None
    return Flag("change", _("Zmiana o %(pct)s%% względem poprzedniej edycji (limit ±50%%).",
                            pct=_fmt((ratio * 100).quantize(Decimal(1)), signed=True)))


def parts_flags(values: Mapping[str, object],
                labels: Mapping[str, str] | None = None) -> dict[str, list[Flag]]:
    """Parts above their total: on each part alone, or on the total for summed parts."""
    labels = labels or {}
    found: dict[str, list[Flag]] = {}
    for total_key, (parts, summed) in PARTS.items():
        total = as_number(values.get(total_key))
        if total is None:
            continue
        numbers = {key: as_number(values.get(key)) for key in parts}
        present = {key: n for key, n in numbers.items() if n is not None}
        for key, number in present.items():
            if number > total:
                found.setdefault(key, []).append(Flag("parts", _(
                    "Wartość %(part)s jest większa niż całość, której jest częścią "
                    "(„%(total)s”: %(value)s).", part=_fmt(number),
                    total=labels.get(total_key, total_key), value=_fmt(total))))
        if summed and sum(present.values(), Decimal(0)) > total:
            found.setdefault(total_key, []).append(Flag("parts", _(
                "Suma części (%(sum)s) przekracza ogółem (%(total)s).",
                sum=_fmt(sum(present.values(), Decimal(0))), total=_fmt(total))))
    return found


def percentile(sorted_values: list[Decimal], q: Decimal) -> Decimal:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


@dataclass(frozen=True)
class Band:
    """The 1st and 99th percentile of per-capita values of one item among gminy of one type."""

    low: Decimal
    high: Decimal
    peers: int


def bands(per_capita: Mapping[tuple[int, str], Iterable[Decimal]]) -> dict[tuple[int, str], Band]:
    """(gmina kind, item key) -> Band, for groups with at least MIN_PEERS values."""
    result = {}
    for group, values in per_capita.items():
        ordered = sorted(values)
        if len(ordered) >= MIN_PEERS:
            result[group] = Band(percentile(ordered, LOW_PERCENTILE),
                                 percentile(ordered, HIGH_PERCENTILE), len(ordered))
    return result


def percentile_flag(value: object, population: int | None, band: Band | None) -> Flag | None:
    number = as_number(value)
    if number is None or not population or band is None:
        return None
    per_capita = number / population
    if band.low <= per_capita <= band.high:
        return None
    which = _("poniżej 1. percentyla") if per_capita < band.low else _("powyżej 99. percentyla")
    return Flag("percentile", _(
        "Na mieszkańca %(value)s – %(which)s gmin tego typu w edycji (%(low)s–%(high)s, "
        "%(n)d gmin).", value=_fmt(per_capita, places=4), which=which,
        low=_fmt(band.low, places=4), high=_fmt(band.high, places=4), n=band.peers))


def soft_bound_flags(warnings: Iterable[str]) -> list[Flag]:
    return [Flag("soft_bounds", str(message)) for message in warnings]


def evidence_flag(required: bool, has_evidence: bool) -> Flag | None:
    if required and not has_evidence:
        return Flag("evidence", _("Brak wymaganego dokumentu potwierdzającego."))
    return None


def _fmt(number: Decimal, *, places: int | None = None, signed: bool = False) -> str:
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = f"{number:,f}".replace(",", "\u00a0").replace(".", ",")
    return f"+{text}" if signed and number > 0 else text
