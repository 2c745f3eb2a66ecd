"""Loading what a run scores: approved snapshots, current Police figures and population.

Set-based: a fixed number of queries whatever the number of gminy. The result is the engine's
plain frozen `Table` plus what the service needs to explain it (powiat-level and demo flags).

Source names the methodology may use:
- questionnaire items of a numeric type (integer, decimal, money, percent) by their key;
- choice items (yes_no, single_choice, multiple_choice) by their key, coded by the
  methodology's `codes:` (a multiple choice is the sum of its selected values' codes);
- year_table cells as `<key>__<year>`, e.g. `budget_754_by_year__2016`;
- the Police and GUS fields in POLICE_SOURCES.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import numpy as np
from sqlalchemy import select

from portal.db import session
from portal.editions.models import Edition
from portal.municipalities.models import Gmina, Population, Powiat
from portal.police_data.figures import (
    crime_figures,
    powiat_figures_for_gminy,
    threat_figures,
    year_period,
)
from portal.questionnaires.definition import NUMERIC_TYPES, Item, Questionnaire
from portal.review.snapshots import approved_snapshots
from portal.scoring.methodology import Methodology
from portal.scoring.table import Table

CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")
YEAR_SEPARATOR = "__"
TOTAL = "ogolem"
SEVEN = "siodemka_razem"
# name -> what it is (shown on the methodology page); all figures are for the edition's year.
POLICE_SOURCES: dict[str, str] = {
    "population": "ludność gminy 31 XII roku edycji (GUS; najbliższy wcześniejszy rok)",
    "crimes_total": "przestępstwa stwierdzone ogółem (Policja)",
    "detected_total": "przestępstwa wykryte ogółem (Policja)",
    "detection_base": "podstawa wskaźnika wykrywalności ogółem: stwierdzone + podjęte (Policja)",
    "crimes_seven": "przestępstwa stwierdzone w siedmiu wybranych kategoriach (Policja)",
    "detected_seven": "przestępstwa wykryte w siedmiu wybranych kategoriach (Policja)",
    "kmzb_reported": "zgłoszenia na Krajowej Mapie Zagrożeń Bezpieczeństwa (Policja)",
    "kmzb_confirmed": "zagrożenia potwierdzone na KMZB (Policja)",
    "kmzb_eliminated": "zagrożenia potwierdzone i wyeliminowane na KMZB (Policja)",
}
# Sources that may be estimated from the powiat's GUS BDL rate (see `powiat_fallback`).
FALLBACK_CAPABLE = ("crimes_total", "detected_total", "detection_base")
CATEGORY_FIELDS = ("gmina_kind", "gmina_class")  # 1/2/3, or 1/2/3/mnpp
CITY_WITH_POWIAT_RIGHTS = "mnpp"


def questionnaire_sources(questionnaire: Questionnaire) -> dict[str, Item]:
    """Source name -> questionnaire item, for every item a methodology may read."""
    sources: dict[str, Item] = {}
    for key, item in questionnaire.items_by_key.items():
        if item.type in NUMERIC_TYPES or item.type in CHOICE_TYPES:
            sources[key] = item
        elif item.type == "year_table":
            for year in item.years:
                sources[f"{key}{YEAR_SEPARATOR}{year}"] = item
    return sources


def known_sources(questionnaire: Questionnaire) -> set[str]:
    return set(questionnaire_sources(questionnaire)) | set(POLICE_SOURCES)


def used_sources(m: Methodology) -> set[str]:
    """Every source column the methodology reads (indicator ids excluded)."""
    ids = {i.id for i in m.indicators}
    used = {name for i in m.indicators for name in i.reads} - ids
    return used | set(m.required_sources) | set(m.uncertainty.count_noise)


def code_errors(m: Methodology, questionnaire: Questionnaire) -> list[str]:
    """Choice items read without a complete `codes:` mapping, and codes for non-choice items."""
    items = questionnaire_sources(questionnaire)
    errors = []
    for name in sorted(used_sources(m)):
        item = items.get(name)
        if item is None or item.type not in CHOICE_TYPES:
            continue
        values = {"yes", "no"} if item.type == "yes_no" else {c.value for c in item.choices}
        missing = values - set(m.codes.get(name, {}))
        if missing:
            errors.append(f"codes.{name}: no code for {', '.join(sorted(missing))}")
    for name, mapping in m.codes.items():
        item = items.get(name)
        if item is None or item.type not in CHOICE_TYPES:
            errors.append(f"codes.{name}: not a choice item of the questionnaire")
            continue
        values = {"yes", "no"} if item.type == "yes_no" else {c.value for c in item.choices}
        for extra in sorted(set(mapping) - values):
            errors.append(f"codes.{name}.{extra}: not an answer of {name}")
    if m.category_field not in CATEGORY_FIELDS:
        errors.append(f"categories.field: expected one of {', '.join(CATEGORY_FIELDS)}")
    for name in m.powiat_fallback:
        if name not in FALLBACK_CAPABLE:
            errors.append(f"powiat_fallback: {name} has no powiat-level estimate")
    return errors


@dataclass(frozen=True)
class GminaRow:
    id: int
    teryt6: str
    kind: int
    category: str


@dataclass(frozen=True)
class Inputs:
    """All gminy of the registry; the table holds the approved ones only (same order)."""

    gminy: tuple[GminaRow, ...]
    table: Table
    table_gmina_ids: tuple[int, ...]
    population: Mapping[int, tuple[int, int]]  # gmina id -> (population, year of the figure)
    powiat_level: Mapping[str, np.ndarray]  # source -> per table row: estimated from powiat
    demo: np.ndarray  # per table row: a Police figure it reads is demo data
    snapshot_ids: Mapping[int, int]


def load_gminy(category_field: str | None) -> list[GminaRow]:
    rows = session.execute(select(Gmina.id, Gmina.teryt6, Gmina.kind,
                                  Powiat.city_with_powiat_rights)
                           .join(Powiat, Powiat.id == Gmina.powiat_id).order_by(Gmina.teryt6))
    return [GminaRow(r.id, r.teryt6, r.kind,
                     CITY_WITH_POWIAT_RIGHTS if category_field == "gmina_class"
                     and r.city_with_powiat_rights and r.kind == 1 else str(r.kind))
            for r in rows]


def load_population(year: int) -> dict[int, tuple[int, int]]:
    """Gmina id -> (population, year): `year`, else the nearest earlier year, else the nearest
    later one (a registry imported later than the edition); the year is shown with the entry."""
    best: dict[int, tuple[int, int]] = {}
    rows = session.execute(select(Population.gmina_id, Population.year, Population.total))
    for gmina_id, y, total in rows:
        current = best.get(gmina_id)
        if current is None or _closer(y, current[1], year):
            best[gmina_id] = (total, y)
    return best


def _closer(candidate: int, current: int, year: int) -> bool:
    if (candidate <= year) != (current <= year):
        return candidate <= year
    return candidate > current if candidate <= year else candidate < current


def answer_number(item: Item, value: Any, codes: Mapping[str, float] | None,
                  year: str | None = None) -> float:
    """A stored JSON answer as a float (NaN when empty or uncoded)."""
    if value is None:
        return float("nan")
    if year is not None:
        value = value.get(year) if isinstance(value, dict) else None
        return float("nan") if value is None else float(Decimal(str(value)))
    if item.type in CHOICE_TYPES:
        if codes is None:
            return float("nan")
        if isinstance(value, list):
            return float(sum(codes.get(str(v), 0.0) for v in value))
        return float(codes.get(str(value), float("nan")))
    return float(Decimal(str(value)))


def _questionnaire_columns(m: Methodology, questionnaire: Questionnaire, names: list[str],
                           values: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    items = questionnaire_sources(questionnaire)
    columns = {}
    for name in names:
        item = items[name]
        key, _, year = name.partition(YEAR_SEPARATOR)
        codes = m.codes.get(name)
        columns[name] = np.array([answer_number(item, v.get(key), codes, year or None)
                                  for v in values], np.float64)
    return columns


def _police_columns(m: Methodology, year: int, gmina_ids: list[int], names: set[str],
                    population: np.ndarray) -> tuple[dict[str, np.ndarray],
                                                     dict[str, np.ndarray], np.ndarray]:
    start, end = year_period(year)
    crimes = crime_figures(start, end, (TOTAL, SEVEN))
    threats = threat_figures(start, end)
    n = len(gmina_ids)
    cols = {name: np.full(n, np.nan) for name in names if name in POLICE_SOURCES}
    demo = np.zeros(n, bool)
    for i, gid in enumerate(gmina_ids):
        figures = crimes.get(gid, {})
        for cat, prefix in ((TOTAL, "total"), (SEVEN, "seven")):
            f = figures.get(cat)
            if f is None:
                continue
            demo[i] |= f.is_demo
            for name, value in ((f"crimes_{prefix}", f.confirmed),
                                (f"detected_{prefix}", f.detected),
                                ("detection_base" if prefix == "total" else "", f.base)):
                if name in cols and value is not None:
                    cols[name][i] = value
        kmzb = threats.get(gid)
        if kmzb:
            demo[i] |= any(t.is_demo for t in kmzb.values())
            for name, attr in (("kmzb_reported", "reported"), ("kmzb_confirmed", "confirmed"),
                               ("kmzb_eliminated", "eliminated")):
                if name in cols:
                    vals = [getattr(t, attr) for t in kmzb.values()]
                    cols[name][i] = float(sum(v for v in vals if v is not None))
    flags = {name: np.zeros(n, bool) for name in m.powiat_fallback}
    if m.powiat_fallback:
        demo |= _powiat_fallback(year, gmina_ids, cols, flags, population)
    return cols, flags, demo


def _powiat_fallback(year: int, gmina_ids: list[int], cols: dict[str, np.ndarray],
                     flags: dict[str, np.ndarray], population: np.ndarray) -> np.ndarray:
    """Estimate missing gmina figures from the powiat's BDL rate; returns demo flags."""
    area = powiat_figures_for_gminy(year, (TOTAL,))
    demo = np.zeros(len(gmina_ids), bool)
    for i, gid in enumerate(gmina_ids):
        f = area.get(gid, {}).get(TOTAL)
        if f is None or f.per_1000 is None or not np.isfinite(population[i]):
            continue
        crimes = round(float(f.per_1000) * population[i] / 1000)
        rate = None if f.detection_rate is None else float(f.detection_rate) / 100
        estimates = {"crimes_total": crimes, "detection_base": crimes,
                     "detected_total": None if rate is None else round(crimes * rate)}
        for name in flags:
            if name in cols and np.isnan(cols[name][i]) and estimates.get(name) is not None:
                cols[name][i] = estimates[name]
                flags[name][i] = True
                demo[i] |= f.is_demo
    return demo


def load_inputs(edition: Edition, m: Methodology, questionnaire: Questionnaire) -> Inputs:
    """Build the table of approved gminy (fixed number of queries)."""
    gminy = load_gminy(m.category_field)
    snapshots = approved_snapshots(edition)
    population = load_population(edition.year)
    rows = [g for g in gminy if g.id in snapshots]
    ids = [g.id for g in rows]
    names = sorted(used_sources(m))
    pop = np.array([population[g][0] if g in population else np.nan for g in ids], np.float64)
    q_names = [n for n in names if n not in POLICE_SOURCES]
    columns = _questionnaire_columns(m, questionnaire, q_names,
                                     [snapshots[g].values for g in ids])
    police, flags, demo = _police_columns(m, edition.year, ids, set(names), pop)
    columns.update(police)
    if "population" in columns:
        columns["population"] = pop
    table = Table.build([g.teryt6 for g in rows], columns, [g.category for g in rows])
    return Inputs(tuple(gminy), table, tuple(ids), MappingProxyType(population),
                  MappingProxyType(flags), demo,
                  MappingProxyType({g: s.id for g, s in snapshots.items()}))
