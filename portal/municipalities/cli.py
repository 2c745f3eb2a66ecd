"""`flask registry ...`: import the GUS TERC register and BDL population files."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from portal.db import session
from portal.municipalities.models import GminaKind
from portal.municipalities.services import (
    ImportFailed,
    ImportIssue,
    PopulationImportReport,
    TercImportReport,
    import_population,
    import_terc,
)

registry_cli = AppGroup(
    "registry", help="Rejestr gmin: import rejestru TERYT (TERC) i ludności (GUS BDL)."
)

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@registry_cli.command("import-teryt")
@click.argument("file", type=_FILE)
def import_teryt_command(file: Path) -> None:
    """Import a GUS TERC register (TERC_Urzedowy_YYYY-MM-DD.csv)."""
    try:
        report = import_terc(file.read_bytes())
    except ImportFailed as exc:
        _fail(file, exc)
    session.commit()
    _print_terc_report(report)


@registry_cli.command("import-population")
@click.argument("file", type=_FILE)
@click.option("--year", required=True, type=click.IntRange(1999, 2100), help="Rok danych.")
def import_population_command(file: Path, year: int) -> None:
    """Import population per gmina from a GUS BDL LUDN 2137 CSV export."""
    try:
        report = import_population(file.read_bytes(), year)
    except ImportFailed as exc:
        _fail(file, exc)
    session.commit()
    _print_population_report(file, report)


def _fail(file: Path, exc: ImportFailed) -> NoReturn:
    session.rollback()
    for issue in exc.errors:
        click.echo(_format_issue(file, issue), err=True)
    click.echo(f"Nic nie zapisano: {len(exc.errors)} błąd(ów) w pliku {file}.", err=True)
    raise SystemExit(1)


def _format_issue(file: Path, issue: ImportIssue) -> str:
    column = f" {issue.column}:" if issue.column else ""
    return f"{file}:{issue.line}:{column} {issue.message}"


def _print_terc_report(report: TercImportReport) -> None:
    click.echo(f"Rejestr TERC, rok {report.year}:")
    click.echo(f"  dodano województw: {len(report.voivodeships_added)}")
    click.echo(f"  dodano powiatów: {len(report.powiats_added)}")
    click.echo(f"  dodano gmin: {len(report.gminy_added)}")
    click.echo(f"  pominięto części gmin (RODZ 4, 5, 8, 9): {report.parts_skipped}")
    for code, old, new in report.units_renamed + report.renamed:
        click.echo(f"  zmiana nazwy {code}: {old} -> {new}")
    for teryt6, old, new, teryt7 in report.kind_changed:
        click.echo(
            f"  zmiana rodzaju {teryt6}: {GminaKind(old).label} -> {GminaKind(new).label}"
            f" (nowy kod {teryt7})"
        )
    if report.missing:
        click.echo(f"  gminy w bazie, których nie ma w pliku (nie usunięto): {len(report.missing)}")
        click.echo("    " + ", ".join(report.missing))
    if not report.current_updated:
        click.echo(
            "  Uwaga: plik jest starszy niż już zaimportowany rejestr; zapisano tylko dane "
            f"roku {report.year}, bieżące nazwy i rodzaje bez zmian."
        )


def _print_population_report(file: Path, report: PopulationImportReport) -> None:
    for note in report.notes:
        click.echo(_format_issue(file, note))
    click.echo(f"Ludność, rok {report.year}:")
    click.echo(
        f"  wierszy: {report.rows_read}, w tym części gmin pominiętych: {report.parts_skipped}"
    )
    click.echo(
        f"  gmin: {report.gminy_matched} (nowych {report.added}, zastąpionych {report.replaced})"
    )
    click.echo(f"  ludność razem: {report.total_population}")
    if report.gminy_without_population:
        click.echo(f"  gminy rejestru bez wiersza w pliku: {len(report.gminy_without_population)}")
