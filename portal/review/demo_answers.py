"""Demo answers for `make run`: one complete 2018 questionnaire, varied per gmina.

The values are stored JSON (as answers keep them). `answers_for()` scales the amounts and counts
by a factor derived from the gmina's TERYT code, so every pilot gmina looks different yet the
questionnaire's cross-field rules (parts never above totals) still hold.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

DEMO_FILE = {
    "name": "x.pdf",
    "sha256": "0" * 64,
    "size": 10,
    "stored_as": "00/" + "0" * 64,
    "content_type": "application/pdf",
}
COMPLETE_2018 = {
    "respondent_name": "Anna Kowalska",
    "respondent_position": "inspektor ds. zarządzania kryzysowego",
    "respondent_email": "a.kowalska@mosina.pl",
    "respondent_phone": "61 810 95 00",
    "head_declaration_file": DEMO_FILE,
    "budget_total_expenditure": "150000000.00",
    "budget_754_total": "2100000.00",
    "budget_75412_osp": "800000.00",
    "budget_75414_civil_defence": "5000.00",
    "budget_75416_municipal_guard": "900000.00",
    "budget_75421_crisis_management": "30000.00",
    "budget_75495_other": "150000.00",
    "budget_police_fund_current_2300": "60000.00",
    "budget_police_overtime_awards": "40000.00",
    "budget_police_fund_capital_6170": "100000.00",
    "budget_fire_service_support": "20000.00",
    "budget_cctv_current": "120000.00",
    "budget_cctv_capital": "300000.00",
    "budget_building_safety_capital": "250000.00",
    "budget_road_safety_capital": "400000.00",
    "budget_external_funds": "200000.00",
    "budget_754_by_year": {"2016": "1800000.00", "2017": "1950000.00", "2018": "2100000.00"},
    "budget_police_fund_by_year": {"2016": "50000.00", "2017": "80000.00", "2018": "160000.00"},
    "budget_rb28s_file": DEMO_FILE,
    "guard_exists": "yes",
    "guard_form": "own_unit",
    "guard_fte": "12.50",
    "guard_interventions_count": 4200,
    "guard_joint_patrols_count": 150,
    "has_cctv": "yes",
    "cctv_legal_basis": ["municipal_act_art_9a", "guard_act_art_11"],
    "cctv_regulation_adopted": "yes",
    "cctv_regulation_date": "2018-06-12",
    "cctv_regulation_file": DEMO_FILE,
    "cctv_signage": "all",
    "cctv_observers": ["municipal_guard"],
    "cctv_retention_days": 30,
    "cctv_staffed_24_7": "no",
    "cctv_observation_hours_week": 112,
    "cctv_operators_per_shift": "1.0",
    "cctv_cameras_public": 42,
    "cctv_cameras_buildings": 60,
    "cctv_cameras_added": 8,
    "cctv_police_live_link": "some",
    "cctv_events_detected": 900,
    "cctv_events_passed_to_police": 300,
    "cctv_recordings_released": 85,
    "cctv_availability_pct": "94.5",
    "cctv_effectiveness_evaluation": "no",
    "cctv_location_analysis": "with_police_opinion",
    "cctv_development_plan": "no",
    "cctv_dpo_appointed": "yes",
    "cctv_information_clause": "yes",
    "cctv_dpia": "no",
    "cctv_access_log": "yes",
    "cctv_privacy_masking": "masked",
    "cctv_operators_trained": 4,
    "cctv_heritage_permits": "not_applicable",
    "police_units_present": ["station"],
    "police_funding_agreement": "yes",
    "police_community_officers_count": 8,
    "police_extra_patrol_hours": 1200,
    "police_annual_report_presented": "yes",
    "police_annual_report_date": "2018-04-26",
    "safety_debates_count": 2,
    "kmzb_use": ["promoted", "police_feedback"],
    "police_buildings_cofinanced_amount": "0.00",
    "osp_units_count": 7,
    "osp_ksrg_units_count": 3,
    "osp_firefighters_active": 180,
    "osp_vehicles_purchased": 1,
    "crisis_plan_update_date": "2017-11-20",
    "crisis_team_meetings_count": 2,
    "crisis_reserve_planned": "350000.00",
    "warning_sirens_count": 12,
    "sms_alert_system": "yes",
    "shelters_places": 0,
    "buildings_public_total": 38,
    "buildings_fire_inspection": 38,
    "buildings_intrusion_alarm": 30,
    "buildings_cctv": 25,
    "buildings_access_control": 6,
    "buildings_evacuation_drills_count": 14,
    "aed_public_count": 5,
    "building_investments": [
        {
            "object": "SP nr 1, ul. Szkolna 1",
            "scope": "system sygnalizacji pożarowej",
            "amount": "180000.00",
        },
        {"object": "Urząd Miejski", "scope": "kontrola dostępu", "amount": "70000.00"},
    ],
    "safety_programme_adopted": "yes",
    "safety_programme_resolution": "Uchwała nr XLII/300/2017 z 30.11.2017, lata 2018–2021",
    "alcohol_drug_programme_spending": "420000.00",
    "domestic_violence_programme": "yes",
    "prevention_actions_count": 60,
    "street_lighting_points_added": 140,
    "pedestrian_crossings_improved": 6,
    "national_programmes": ["razem_bezpieczniej", "other"],
    "national_programmes_other": "Odblaskowa gmina",
    "best_initiative_description": (
        "Program „Bezpieczny senior” wspólnie z KP Mosina: 24 spotkania, 600 uczestników."
    ),
    "best_initiative_file": DEMO_FILE,
}

# Counts that grow with the size of a gmina; scaled like money (rounded down, so parts stay
# below their totals).
SCALED_COUNTS = (
    "guard_interventions_count", "guard_joint_patrols_count", "cctv_cameras_public",
    "cctv_cameras_buildings", "cctv_cameras_added", "cctv_events_detected",
    "cctv_events_passed_to_police", "cctv_recordings_released", "police_extra_patrol_hours",
    "prevention_actions_count", "street_lighting_points_added", "osp_firefighters_active",
    "buildings_public_total", "buildings_fire_inspection", "buildings_intrusion_alarm",
    "buildings_cctv", "buildings_access_control",
)


def factor_for(teryt6: str) -> Decimal:
    """A stable factor between 0.60 and 1.59 for a gmina."""
    digest = hashlib.sha256(teryt6.encode()).digest()
    return Decimal(60 + digest[0] % 100) / 100


def _money(value: str, factor: Decimal) -> str:
    return str((Decimal(value) * factor).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def answers_for(teryt6: str, name: str, domain: str) -> dict[str, Any]:
    """The demo answer set for one gmina (stored JSON form)."""
    factor = factor_for(teryt6)
    answers: dict[str, Any] = dict(COMPLETE_2018)
    for key, value in COMPLETE_2018.items():
        if key.startswith("budget_") and isinstance(value, str) and not key.endswith("_file"):
            answers[key] = _money(value, factor)
        elif key.endswith("_by_year"):
            answers[key] = {year: _money(v, factor) for year, v in value.items()}
        elif key in SCALED_COUNTS:
            answers[key] = int(value * factor)
    answers["budget_total_expenditure"] = COMPLETE_2018["budget_total_expenditure"]
    answers["alcohol_drug_programme_spending"] = _money(
        COMPLETE_2018["alcohol_drug_programme_spending"], factor)
    answers["respondent_email"] = f"bezpieczenstwo@{domain}"
    answers["best_initiative_description"] = (
        f"Program „Bezpieczny senior” w gminie {name}: spotkania z dzielnicowymi.")
    return answers
