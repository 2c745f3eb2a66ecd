"""`flask portal police ...`: import Police files (with a dry run), list batches, templates."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from portal.core.errors import DomainError
from portal.db import session
from portal.municipalities.gus_files import ImportFailed, ImportIssue
from portal.police_data.file_templates import template_csv, template_xlsx
from portal.police_data.models import ImportKind
from portal.police_data.services import ImportPreview, import_file, list_batches, preview_import

police_cli = AppGroup(
    "police", help="Dane Policji: statystyka przestępstw, KMZB i GUS BDL P2290 (import, partie)."
)

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_KIND = click.Choice([kind.value for kind in ImportKind])
_CHANGES_PRINTED = 20
STATUS_LABELS = {"current": "bieżąca", "partial": "częściowo zastąpiona",
                 "superseded": "zastąpiona"}


@police_cli.command("import")
@click.argument("file", type=_FILE)
@click.option("--kind", type=_KIND, default=None,
              help="Rodzaj pliku (domyślnie rozpoznawany z nagłówka): crime, kmzb, bdl.")
@click.option("--dry-run", is_flag=True, help="Tylko sprawdź plik i pokaż zmiany; nic nie zapisuj.")
def import_command(file: Path, kind: str | None, dry_run: bool) -> None:
    """Import a Police crime statistics, KMZB or GUS BDL P2290 file (all or nothing)."""
    data = file.read_bytes()
    chosen = ImportKind(kind) if kind else None
    if dry_run:
        preview = preview_import(data, file.name, chosen)
        _print_preview(file, preview)
        if preview.errors:
            _fail(file, preview.errors)
        click.echo("Próba (--dry-run): nic nie zapisano.")
        return
    try:
        result = import_file(data, file.name, chosen)
    except ImportFailed as exc:
        _print_preview(file, preview_import(data, file.name, chosen))
        _fail(file, exc.errors)
    except DomainError as exc:
        session.rollback()
        click.echo(f"Nic nie zapisano: {exc}", err=True)
        raise SystemExit(1) from exc
    session.commit()
    _print_preview(file, result.preview)
    batch = result.batch
    click.echo(f"Zaimportowano partię {batch.id}: {batch.rows_count} rekordów.")


@police_cli.command("batches")
@click.option("--page", type=click.IntRange(1), default=1)
def batches_command(page: int) -> None:
    """List import batches, newest first."""
    listings, total = list_batches(page, per_page=50)
    click.echo(f"Partie: {total}")
    for item in listings:
        batch = item.batch
        demo = " [dane demonstracyjne]" if batch.is_demo else ""
        click.echo(
            f"{batch.id}\t{batch.kind}\t{batch.period_start}..{batch.period_end}\t"
            f"{batch.imported_at:%Y-%m-%d %H:%M}\t{batch.rows_count} wierszy\t"
            f"{STATUS_LABELS[item.status]} ({item.current_rows} bieżących)\t"
            f"{batch.file_name}\t{batch.sha256[:12]}{demo}"
        )


@police_cli.command("template")
@click.argument("kind", type=click.Choice([ImportKind.CRIME.value, ImportKind.THREATS.value]))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template_command(kind: str, fmt: str, output: Path) -> None:
    """Write an import template with one example row."""
    build = template_csv if fmt == "csv" else template_xlsx
    output.write_bytes(build(ImportKind(kind)))
    click.echo(f"Zapisano wzór {output}.")


def _fail(file: Path, errors: list[ImportIssue]) -> NoReturn:
    session.rollback()
    for issue in errors:
        click.echo(format_issue(file, issue), err=True)
    click.echo(f"Nic nie zapisano: {len(errors)} błąd(ów) w pliku {file}.", err=True)
    raise SystemExit(1)


def format_issue(file: Path, issue: ImportIssue) -> str:
    column = f" {issue.column}:" if issue.column else ""
    return f"{file}:{issue.line}:{column} {issue.message}"


def _print_preview(file: Path, preview: ImportPreview) -> None:
    kind = preview.kind.label if preview.kind else "nierozpoznany"
    click.echo(f"Plik {file.name} (SHA-256 {preview.sha256}), rodzaj: {kind}")
    if preview.same_file_batch_ids:
        ids = ", ".join(str(i) for i in preview.same_file_batch_ids)
        click.echo(f"  Uwaga: ten sam plik zaimportowano już jako partię {ids}.")
    click.echo(f"  wierszy w pliku: {preview.rows_read}, rekordów: {preview.rows_valid}, "
               f"jednostek dopasowanych: {preview.units_matched}, "
               f"nieznanych kodów: {preview.unknown_codes}, duplikatów: {preview.duplicates}")
    if preview.period_start:
        click.echo(f"  okres: {preview.period_start} .. {preview.period_end}")
    if preview.ok:
        click.echo(f"  względem bieżących danych: nowych {preview.added}, zmienionych "
                   f"{preview.changed}, bez zmian {preview.unchanged}; w bazie, a nie w pliku: "
                   f"{preview.missing}")
        for change in preview.changes[:_CHANGES_PRINTED]:
            click.echo(f"    {change.key}: {change.column} {change.old} -> {change.new}")
    for note in preview.notes:
        click.echo("  uwaga: " + format_issue(file, note))
