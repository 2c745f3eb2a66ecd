"""Importing the GUS registers into the database, and looking gminy and population up.

Importers validate the whole file first (`portal.municipalities.gus_files`), then load the existing
rows into dicts and write in bulk; they flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.gus_files import (
    ImportFailed,
    ImportIssue,
    PopulationRow,
    TercRegister,
    UnitRow,
    read_population,
    read_terc,
)
from portal.municipalities.models import Gmina, GminaYear, Population, Powiat, Voivodeship

PILOT_TERC = "TERC_pilot_2020-01-01.csv"
PILOT_POPULATION = "LUDN_2137_pilot_2020.csv"
PILOT_YEAR = 2020


class Renamed(NamedTuple):
    code: str
    old_name: str
    new_name: str


class KindChanged(NamedTuple):
    teryt6: str
    old_kind: int
    new_kind: int
    new_teryt7: str


@dataclass
class TercImportReport:
    """What a TERC import changed. Lists hold codes: 2-digit, 4-digit, TERYT6."""

    year: int
    voivodeships_added: list[str] = field(default_factory=list)
    powiats_added: list[str] = field(default_factory=list)
    gminy_added: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    kind_changed: list[KindChanged] = field(default_factory=list)
    # Voivodeships and powiats renamed (e.g. 0206 jeleniogórski -> karkonoski in 2021).
    units_renamed: list[Renamed] = field(default_factory=list)
    # Gminy in the database but not in this file: reported, never deleted.
    missing: list[str] = field(default_factory=list)
    parts_skipped: int = 0
    # False when a register older than one already imported was loaded: only its year was stored.
    current_updated: bool = True


@dataclass
class PopulationImportReport:
    """What a population import read and stored."""

    year: int
    rows_read: int = 0
    gminy_matched: int = 0
    added: int = 0
    replaced: int = 0
    parts_skipped: int = 0
    total_population: int = 0
    notes: list[ImportIssue] = field(default_factory=list)
    # Gminy of the registry that the file has no row for (e.g. the pilot file).
    gminy_without_population: list[str] = field(default_factory=list)


# -- TERC ---------------------------------------------------------------------------------------


def import_terc(data: bytes) -> TercImportReport:
    """Create or update voivodeships, powiats and gminy from a TERC file; raise `ImportFailed`.

    The gmina attributes of the register's year (from STAN_NA) are stored in `GminaYear`; the
    current name and kind follow the newest register imported so far.
    """
    register = read_terc(data)
    latest_year = session.scalar(select(func.max(GminaYear.year)))
    report = TercImportReport(
        year=register.year,
        parts_skipped=register.parts_skipped,
        current_updated=latest_year is None or register.year >= latest_year,
    )
    voivodeships = _sync_voivodeships(register.voivodeships, report)
    powiats = _sync_powiats(register.powiats, voivodeships, report)
    _sync_gminy(register, powiats, report)
    session.flush()
    return report


def _sync_voivodeships(rows: list[UnitRow], report: TercImportReport) -> dict[str, Voivodeship]:
    existing = {unit.code: unit for unit in session.scalars(select(Voivodeship))}
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            existing[row.code] = Voivodeship(code=row.code, name=row.name)
            session.add(existing[row.code])
            report.voivodeships_added.append(row.code)
        elif report.current_updated and unit.name != row.name:
            report.units_renamed.append(Renamed(row.code, unit.name, row.name))
            unit.name = row.name
    return existing


def _sync_powiats(
    rows: list[UnitRow], voivodeships: dict[str, Voivodeship], report: TercImportReport
) -> dict[str, Powiat]:
    existing = {unit.code: unit for unit in session.scalars(select(Powiat))}
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            unit = Powiat(code=row.code, voivodeship=voivodeships[row.code[:2]])
            existing[row.code] = unit
            session.add(unit)
            report.powiats_added.append(row.code)
        elif not report.current_updated:
            continue
        elif unit.name != row.name:
            report.units_renamed.append(Renamed(row.code, unit.name, row.name))
        unit.name = row.name
        unit.city_with_powiat_rights = row.city_with_powiat_rights
    return existing


def _sync_gminy(
    register: TercRegister, powiats: dict[str, Powiat], report: TercImportReport
) -> None:
    existing = {gmina.teryt6: gmina for gmina in session.scalars(select(Gmina))}
    of_year = {
        row.gmina_id: row
        for row in session.scalars(select(GminaYear).where(GminaYear.year == register.year))
    }
    for row in register.gminy:
        gmina = existing.get(row.teryt6)
        if gmina is None:
            gmina = Gmina(teryt6=row.teryt6, powiat=powiats[row.teryt7[:4]])
            _set_current(gmina, row.teryt7, row.name)
            session.add(gmina)
            report.gminy_added.append(row.teryt6)
        elif report.current_updated:
            if gmina.name != row.name:
                report.renamed.append(Renamed(row.teryt6, gmina.name, row.name))
            if gmina.kind != row.kind:
                change = KindChanged(row.teryt6, gmina.kind, row.kind, row.teryt7)
                report.kind_changed.append(change)
            _set_current(gmina, row.teryt7, row.name)
        year_row = of_year.get(gmina.id) if gmina.id is not None else None
        if year_row is None:
            year_row = GminaYear(gmina=gmina, year=register.year)
            session.add(year_row)
        year_row.teryt7, year_row.kind, year_row.name = row.teryt7, row.kind, row.name
    in_file = {row.teryt6 for row in register.gminy}
    report.missing = sorted(code for code in existing if code not in in_file)


def _set_current(gmina: Gmina, teryt7: str, name: str) -> None:
    gmina.teryt7, gmina.kind, gmina.name = teryt7, int(teryt7[6]), name


# -- population ---------------------------------------------------------------------------------


def import_population(data: bytes, year: int) -> PopulationImportReport:
    """Store each gmina's population for `year` from a BDL LUDN 2137 file; raise `ImportFailed`.

    Rows are matched on TERYT6; a 7th digit that disagrees with the register of that year is
    accepted with a note. A gmina's existing figure for the year is replaced; others are kept.
    """
    if not 1999 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    table = read_population(data)
    report = PopulationImportReport(year=year, parts_skipped=table.parts_skipped)
    report.rows_read = len(table.rows) + table.parts_skipped
    gminy = {gmina.teryt6: gmina for gmina in session.scalars(select(Gmina))}
    matched = _match_gminy(table.rows, gminy, year, report)
    _store_population(matched, year, report)
    in_file = {gmina.teryt6 for gmina, _total in matched}
    report.gminy_without_population = sorted(code for code in gminy if code not in in_file)
    session.flush()
    return report


def _match_gminy(
    rows: list[PopulationRow], gminy: dict[str, Gmina], year: int, report: PopulationImportReport
) -> list[tuple[Gmina, int]]:
    """Pair rows with registry gminy on TERYT6; a gmina missing from the registry is an error."""
    codes_of_year = {
        row.gmina_id: row.teryt7
        for row in session.scalars(select(GminaYear).where(GminaYear.year == year))
    }
    errors: list[ImportIssue] = []
    matched: list[tuple[Gmina, int]] = []
    for row in rows:
        gmina = gminy.get(row.teryt7[:6])
        if gmina is None:
            message = _(
                "Gminy %(code)s (%(name)s) nie ma w rejestrze TERYT; zaimportuj najpierw rejestr.",
                code=row.teryt7,
                name=row.name,
            )
            errors.append(ImportIssue(row.line, "Kod", message))
            continue
        registered = codes_of_year.get(gmina.id, gmina.teryt7)
        if registered != row.teryt7:
            message = _(
                "Kod %(code)s różni się od kodu %(registered)s w rejestrze TERYT; "
                "dopasowano po pierwszych sześciu cyfrach.",
                code=row.teryt7,
                registered=registered,
            )
            report.notes.append(ImportIssue(row.line, "Kod", message))
        matched.append((gmina, row.total))
    if errors:
        raise ImportFailed(errors)
    return matched


def _store_population(
    matched: list[tuple[Gmina, int]], year: int, report: PopulationImportReport
) -> None:
    existing = {
        row.gmina_id: row
        for row in session.scalars(select(Population).where(Population.year == year))
    }
    for gmina, total in matched:
        row = existing.get(gmina.id)
        if row is None:
            session.add(Population(gmina_id=gmina.id, year=year, total=total))
            report.added += 1
        else:
            row.total = total  # a changed figure also gets a new imported_at (the model)
            report.replaced += 1
        report.total_population += total
    report.gminy_matched = len(matched)


# -- pilot --------------------------------------------------------------------------------------


def load_pilot_registry() -> tuple[TercImportReport, PopulationImportReport]:
    """Import the pilot area (powiat poznański and the city of Poznań, 2020) shipped as GUS files.

    Goes through the same importers as real files, so running it twice adds nothing twice.
    """
    data = resources.files("portal.municipalities") / "data"
    terc = import_terc((data / PILOT_TERC).read_bytes())
    population = import_population((data / PILOT_POPULATION).read_bytes(), year=PILOT_YEAR)
    return terc, population


# -- lookups ------------------------------------------------------------------------------------


def get_gmina_by_teryt(code: str) -> Gmina | None:
    """The gmina with this TERYT6, or TERYT7 of any year (matched on its first six digits)."""
    code = code.strip()
    if len(code) not in (6, 7) or not (code.isascii() and code.isdigit()):
        raise ValueError(f"not a 6- or 7-digit TERYT code: {code!r}")
    return session.scalar(select(Gmina).where(Gmina.teryt6 == code[:6]))


def population_for(gmina: Gmina, year: int) -> Population | None:
    """Population of `year`, or of the nearest earlier year on record; None if there is none.

    Returns the row, not the number, so callers can see (and show) which year was used.
    """
    return session.scalar(
        select(Population)
        .where(Population.gmina_id == gmina.id, Population.year <= year)
        .order_by(Population.year.desc())
        .limit(1)
    )


__all__ = [
    "ImportFailed",
    "ImportIssue",
    "KindChanged",
    "PopulationImportReport",
    "Renamed",
    "TercImportReport",
    "get_gmina_by_teryt",
    "import_population",
    "import_terc",
    "load_pilot_registry",
    "population_for",
]
