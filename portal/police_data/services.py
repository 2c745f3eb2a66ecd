"""Importing Police files: preview (dry run), then all-or-nothing import with history.

A file is validated completely before anything is written. The rows it brings supersede the
current rows with the same keys (marked, never deleted); existing keys are loaded once into dicts
and rows are written in bulk (`batch_writes`), so an import costs a handful of statements, not one
per row. Services flush; the caller commits.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session
from portal.municipalities.gus_files import ImportFailed, ImportIssue, Problems
from portal.municipalities.models import Gmina, GminaYear, Powiat, Voivodeship
from portal.police_data.batch_writes import write_batch_rows
from portal.police_data.models import (
    AreaCrimeStat,
    AreaLevel,
    CrimeStat,
    ImportKind,
    PoliceImportBatch,
    ThreatMapStat,
)
from portal.police_data.readers import ParsedFile, detect_kind, read_file
from portal.police_data.spreadsheets import open_file

MAX_CHANGES_SHOWN = 200
VALUE_COLUMNS = {
    ImportKind.CRIME: ("source", "confirmed", "detected", "reopened", "detection_rate"),
    ImportKind.THREATS: ("source", "reported", "confirmed", "not_confirmed", "eliminated"),
    ImportKind.BDL: ("confirmed", "detection_rate", "per_1000"),
}
MODELS: dict[ImportKind, type] = {
    ImportKind.CRIME: CrimeStat,
    ImportKind.THREATS: ThreatMapStat,
    ImportKind.BDL: AreaCrimeStat,
}


@dataclass(frozen=True)
class Change:
    """One value that the import would change in the current data."""

    key: str
    column: str
    old: Any
    new: Any


@dataclass
class ImportPreview:
    """What a file holds and what importing it would change; `errors` empty means importable."""

    kind: ImportKind | None
    file_name: str
    sha256: str
    size_bytes: int
    rows_read: int = 0
    rows_valid: int = 0
    units_matched: int = 0
    unknown_codes: int = 0
    duplicates: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    notes: list[ImportIssue] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    # Current keys of the same periods that the file does not have (they stay current).
    missing: int = 0
    changes: list[Change] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    same_file_batch_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed)


@dataclass(frozen=True)
class ImportResult:
    batch: PoliceImportBatch
    preview: ImportPreview


@dataclass(slots=True)
class _Record:
    """A validated row ready for insertion, with its key and the unit's label for people."""

    key: tuple
    unit: str
    values: dict[str, Any]

    def label(self) -> str:
        period = self.values.get("year") or (
            f"{self.values['period_start']}–{self.values['period_end']}")
        return f"{self.unit}, {period}, {self.values['category']}"


@dataclass
class _Prepared:
    preview: ImportPreview
    records: list[_Record] = field(default_factory=list)
    superseded_ids: list[int] = field(default_factory=list)


# -- public API ---------------------------------------------------------------------------------


def preview_import(data: bytes, file_name: str, kind: ImportKind | None = None) -> ImportPreview:
    """Validate a file and compare it with the current data; writes nothing (the dry run)."""
    with _collector_paused():
        return _prepare(data, file_name, kind).preview


def import_file(data: bytes, file_name: str, kind: ImportKind | None = None, *, actor=None,
                is_demo: bool = False) -> ImportResult:
    """Import a whole file as one batch, or raise `ImportFailed` (or `DomainError`) and write
    nothing. The batch's rows supersede the current rows with the same keys."""
    with _collector_paused():
        prepared = _prepare(data, file_name, kind)
        return _import(prepared, file_name, actor=actor, is_demo=is_demo)


def _import(prepared: _Prepared, file_name: str, *, actor, is_demo: bool) -> ImportResult:
    preview = prepared.preview
    if preview.errors:
        raise ImportFailed(preview.errors)
    if not preview.changes_anything:
        raise DomainError(_("Plik nie zmienia danych: wszystkie %(n)d wiersze są takie same jak "
                            "bieżące. Nie utworzono partii.", n=preview.unchanged))
    batch = PoliceImportBatch(
        kind=preview.kind.value, file_name=file_name[:255], sha256=preview.sha256,
        size_bytes=preview.size_bytes, imported_by_id=actor.id if actor is not None else None,
        is_demo=is_demo, period_start=preview.period_start, period_end=preview.period_end,
        rows_count=len(prepared.records), units_count=preview.units_matched,
        added_count=preview.added, changed_count=preview.changed,
        unchanged_count=preview.unchanged, notes_count=len(preview.notes),
    )
    session.add(batch)
    session.flush()
    # Core statements on the table, not the ORM's bulk paths (twice as slow here).
    write_batch_rows(MODELS[preview.kind].__table__, batch.id, prepared.superseded_ids,
                     [record.values for record in prepared.records])
    audit.record("police_data.imported", "police_import_batch", batch.id, actor=actor,
                 kind=batch.kind, file_name=batch.file_name, sha256=batch.sha256,
                 rows=batch.rows_count, superseded=len(prepared.superseded_ids),
                 is_demo=is_demo)
    session.flush()
    return ImportResult(batch, preview)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a file is read, compared and written.

    A national file allocates a few hundred thousand acyclic objects (cells, rows, records);
    each allocation burst triggers collections that rescan the whole growing heap, which
    measured at a third of the import time. Reference counting still frees everything. The
    switch is process-wide: another thread's cycles wait about a second, and concurrent imports
    can only end up with the collector on again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- preparing ----------------------------------------------------------------------------------


def _prepare(data: bytes, file_name: str, kind: ImportKind | None) -> _Prepared:
    preview = ImportPreview(kind=kind, file_name=file_name, size_bytes=len(data),
                            sha256=hashlib.sha256(data).hexdigest())
    prepared = _Prepared(preview)
    preview.same_file_batch_ids = list(session.scalars(
        select(PoliceImportBatch.id).where(PoliceImportBatch.sha256 == preview.sha256)
        .order_by(PoliceImportBatch.id)))
    try:
        raw = open_file(data, file_name)
        preview.kind = kind or detect_kind(raw)
        parsed = read_file(raw, preview.kind)
    except ImportFailed as failed:
        preview.errors = sorted(failed.errors)
        return prepared
    preview.rows_read, preview.duplicates = parsed.rows_read, parsed.duplicates
    errors, notes = Problems(parsed.errors), Problems(parsed.notes)
    matcher = _gmina_records if preview.kind != ImportKind.BDL else _area_records
    prepared.records = matcher(parsed, errors, notes, preview)
    preview.errors, preview.notes = sorted(errors), sorted(notes)
    preview.rows_valid = len(prepared.records)
    if prepared.records:
        _compare(prepared)
    return prepared


def _gmina_records(parsed: ParsedFile, errors: Problems, notes: Problems,
                   preview: ImportPreview) -> list[_Record]:
    """Match rows to registry gminy on TERYT6; a differing 7th digit is only a note."""
    gminy, of_year = _registry({row.period_end.year for row in parsed.rows})
    columns = VALUE_COLUMNS[parsed.kind]
    values_of = attrgetter(*columns)
    names = (*columns, "gmina_id", "period_start", "period_end", "category")
    records: list[_Record] = []
    matched: set[int] = set()
    for row in parsed.rows:
        gmina = gminy.get(row.teryt7[:6])
        if gmina is None:
            preview.unknown_codes += 1
            errors.add(row.line, "teryt", _(
                "Nieznany kod TERYT %(code)s: takiej gminy nie ma w rejestrze.", code=row.teryt7))
            continue
        gmina_id, teryt7, name, unit = gmina
        registered = of_year.get((gmina_id, row.period_end.year), teryt7)
        if registered != row.teryt7:
            notes.add(row.line, "teryt", _(
                "Kod %(code)s różni się od kodu %(registered)s (%(name)s) w rejestrze TERYT; "
                "dopasowano po pierwszych sześciu cyfrach.",
                code=row.teryt7, registered=registered, name=name))
        matched.add(gmina_id)
        key = (gmina_id, row.period_start, row.period_end, row.category)
        values = dict(zip(names, (*values_of(row), *key), strict=True))
        records.append(_Record(key, unit, values))
    preview.units_matched = len(matched)
    if records:
        preview.period_start = min(r.values["period_start"] for r in records)
        preview.period_end = max(r.values["period_end"] for r in records)
    return records


def _registry(years: set[int]) -> tuple[dict[str, tuple], dict[tuple[int, int], str]]:
    """TERYT6 -> (id, TERYT7, name, label) of every gmina, and its TERYT7 in each of `years`.

    Plain tuples and strings built once per gmina: the matching loop runs once per row (~40k).
    """
    gminy = {teryt6: (id_, teryt7, name, f"{teryt7} {name}") for id_, teryt6, teryt7, name
             in session.execute(select(Gmina.id, Gmina.teryt6, Gmina.teryt7, Gmina.name))}
    of_year = {(gmina_id, year): teryt7 for gmina_id, year, teryt7 in session.execute(
        select(GminaYear.gmina_id, GminaYear.year, GminaYear.teryt7)
        .where(GminaYear.year.in_(years)))}
    return gminy, of_year


def _area_records(parsed: ParsedFile, errors: Problems, notes: Problems,
                  preview: ImportPreview) -> list[_Record]:
    """Match BDL units to registry powiats and voivodeships on their codes."""
    powiats = {code: id_ for code, id_ in session.execute(select(Powiat.code, Powiat.id))}
    voivodeships = set(session.scalars(select(Voivodeship.code)))
    records: list[_Record] = []
    matched: set[str] = set()
    reported: set[str] = set()
    for row in parsed.rows:
        powiat_id = powiats.get(row.unit_code[:4]) if row.level == AreaLevel.POWIAT else None
        known = (row.level == AreaLevel.COUNTRY
                 or (row.level == AreaLevel.VOIVODESHIP and row.unit_code[:2] in voivodeships)
                 or powiat_id is not None)
        if not known:
            if row.unit_code not in reported:
                reported.add(row.unit_code)
                preview.unknown_codes += 1
                errors.add(row.line, "A", _(
                    "Nieznany kod %(code)s: tej jednostki nie ma w rejestrze TERYT; zaimportuj "
                    "najpierw pełny rejestr TERC.", code=row.unit_code))
            continue
        matched.add(row.unit_code)
        values = {"level": row.level.value, "unit_code": row.unit_code, "powiat_id": powiat_id,
                  "year": row.year, "category": row.category, "confirmed": row.confirmed,
                  "detection_rate": row.detection_rate, "per_1000": row.per_1000}
        records.append(_Record((row.unit_code, row.year, row.category), row.unit_code, values))
    preview.units_matched = len(matched)
    if records:
        preview.period_start = date(min(r.values["year"] for r in records), 1, 1)
        preview.period_end = date(max(r.values["year"] for r in records), 12, 31)
    return records


# -- comparing with the current data ------------------------------------------------------------


def _current_rows(kind: ImportKind, records: list[_Record]) -> dict[tuple, tuple[int, tuple]]:
    """key -> (row id, values) of the current rows of the periods the file covers; one query."""
    # Table columns, not ORM attributes: a Core result skips the ORM's per-row loading (~40k).
    table, columns = MODELS[kind].__table__, VALUE_COLUMNS[kind]
    if kind == ImportKind.BDL:
        key_columns = (table.c.unit_code, table.c.year, table.c.category)
        scope = table.c.year.in_({r.values["year"] for r in records})
    else:
        key_columns = (table.c.gmina_id, table.c.period_start, table.c.period_end,
                       table.c.category)
        scope = table.c.period_start.in_({r.values["period_start"] for r in records})
    query = select(table.c.id, *key_columns, *(table.c[name] for name in columns)).where(
        table.c.superseded_by_id.is_(None), scope)
    width = len(key_columns)
    return {tuple(row[1:1 + width]): (row[0], tuple(row[1 + width:]))
            for row in session.connection().execute(query)}


def _compare(prepared: _Prepared) -> None:
    preview = prepared.preview
    columns = VALUE_COLUMNS[preview.kind]
    values_of = itemgetter(*columns)  # a tuple: every kind has several value columns
    current = _current_rows(preview.kind, prepared.records)
    in_file = set()
    for record in prepared.records:
        in_file.add(record.key)
        existing = current.get(record.key)
        if existing is None:
            preview.added += 1
            continue
        prepared.superseded_ids.append(existing[0])
        new = values_of(record.values)
        if new == existing[1]:
            preview.unchanged += 1
            continue
        preview.changed += 1
        for name, old_value, new_value in zip(columns, existing[1], new, strict=True):
            if old_value != new_value and len(preview.changes) < MAX_CHANGES_SHOWN:
                preview.changes.append(Change(record.label(), name, old_value, new_value))
    periods = {_period_of(key, preview.kind) for key in in_file}
    preview.missing = sum(1 for key in current
                          if key not in in_file and _period_of(key, preview.kind) in periods)


def _period_of(key: tuple, kind: ImportKind) -> tuple:
    return (key[1],) if kind == ImportKind.BDL else (key[1], key[2])


# -- batches ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchListing:
    """A batch with how many of its rows are still current."""

    batch: PoliceImportBatch
    current_rows: int

    @property
    def status(self) -> str:
        if self.current_rows == self.batch.rows_count:
            return "current"
        return "superseded" if self.current_rows == 0 else "partial"


def list_batches(page: int = 1, per_page: int = 50) -> tuple[list[BatchListing], int]:
    """One page of batches, newest first, and the total number of batches."""
    total = session.scalar(select(func.count()).select_from(PoliceImportBatch)) or 0
    batches = session.scalars(
        select(PoliceImportBatch).options(selectinload(PoliceImportBatch.imported_by))
        .order_by(PoliceImportBatch.id.desc())
        .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
    counts = current_row_counts([batch.id for batch in batches])
    return [BatchListing(batch, counts.get(batch.id, 0)) for batch in batches], total


def current_row_counts(batch_ids: list[int]) -> dict[int, int]:
    """batch id -> number of its rows that are still current, in one statement."""
    if not batch_ids:
        return {}
    selects = [
        select(model.batch_id, func.count().label("n"))
        .where(model.batch_id.in_(batch_ids), model.superseded_by_id.is_(None))
        .group_by(model.batch_id)
        for model in MODELS.values()
    ]
    return {batch_id: n for batch_id, n in session.execute(union_all(*selects))}
