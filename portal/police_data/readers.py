"""Validating Police import files: which kind a file is, and the reader of each kind.

The readers are pure functions over the cells `spreadsheets.open_file` returns: no database. Row
problems are collected with their line and column (the caller adds unknown TERYT codes and
refuses the whole file if there is any error); a broken structure (header, sheets) raises
`ImportFailed` at once. One module per kind: `crime_reader`, `threat_reader` (KMZB), `bdl`.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal.municipalities.gus_files import ImportFailed, ImportIssue
from portal.police_data.cells import header_name
from portal.police_data.crime_reader import CRIME_OPTIONAL, CRIME_REQUIRED, read_crime
from portal.police_data.gmina_tables import SHARED_COLUMNS
from portal.police_data.models import ImportKind
from portal.police_data.parsed_file import ParsedFile
from portal.police_data.spreadsheets import RawFile, fail
from portal.police_data.threat_reader import THREAT_OPTIONAL, THREAT_REQUIRED, read_threats

# (required, optional) columns of the files with a header row; BDL has its own layout.
COLUMNS = {
    ImportKind.CRIME: (CRIME_REQUIRED, CRIME_OPTIONAL),
    ImportKind.THREATS: (THREAT_REQUIRED, THREAT_OPTIONAL),
}


def detect_kind(raw: RawFile) -> ImportKind:
    """The kind of data a file holds, from its sheets and header; fail if it is none we know."""
    if "TABLICA" in raw.sheets:
        return ImportKind.BDL
    header = {header_name(cell) for cell in (raw.first.rows[0][1] if raw.first.rows else [])}
    crime = len(header & set(CRIME_REQUIRED + CRIME_OPTIONAL) - SHARED_COLUMNS)
    threats = len(header & set(THREAT_REQUIRED + THREAT_OPTIONAL) - SHARED_COLUMNS)
    if crime != threats:
        return ImportKind.CRIME if crime > threats else ImportKind.THREATS
    if {"kod", "nazwa"} <= header:
        raise fail(_("Eksport GUS BDL przyjmujemy jako plik XLSX z arkuszami OPIS i TABLICA, "
                     "tak jak publikuje go GUS."))
    raise fail(_("Nie rozpoznano rodzaju pliku. Oczekiwane kolumny statystyki przestępstw: "
                 "%(crime)s; KMZB: %(kmzb)s; albo eksport GUS BDL P2290 (XLSX).",
                 crime=", ".join(CRIME_REQUIRED), kmzb=", ".join(THREAT_REQUIRED)))


def read_file(raw: RawFile, kind: ImportKind) -> ParsedFile:
    """Validate `raw` as `kind` (see `detect_kind`)."""
    if kind == ImportKind.BDL:
        from portal.police_data.bdl import read_bdl  # imports openpyxl: only for BDL files

        return read_bdl(raw)
    return read_crime(raw) if kind == ImportKind.CRIME else read_threats(raw)


__all__ = ["COLUMNS", "ImportFailed", "ImportIssue", "ParsedFile", "detect_kind", "read_file"]
