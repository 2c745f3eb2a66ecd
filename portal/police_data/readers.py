"""Validating the rows of Police import files: crime statistics and KMZB per gmina, GUS BDL.

Pure functions over the cells `spreadsheets.open_file` returns: no database. Row problems are
collected with their line and column (the caller adds unknown TERYT codes and refuses the whole
file if there is any error); a broken structure (header, sheets) raises `ImportFailed` at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from flask_babel import gettext as _

from portal.municipalities.gus_files import ImportFailed, ImportIssue, Problems
from portal.police_data.categories import CRIME_CODES, THREAT_CODES
from portal.police_data.models import ImportKind
from portal.police_data.spreadsheets import RawFile, Value, fail

CRIME_REQUIRED = ("source", "period_start", "period_end", "teryt", "category",
                  "przestepstwa_stwierdzone")
CRIME_OPTIONAL = ("przestepstwa_wykryte", "stwierdzone_w_podjetych", "wskaznik_wykrywalnosci_pct")
THREAT_REQUIRED = ("source", "period_start", "period_end", "teryt", "category_code", "reported",
                   "confirmed")
THREAT_OPTIONAL = ("category_name", "not_confirmed", "eliminated")
COLUMNS = {
    ImportKind.CRIME: (CRIME_REQUIRED, CRIME_OPTIONAL),
    ImportKind.THREATS: (THREAT_REQUIRED, THREAT_OPTIONAL),
}
_SHARED_COLUMNS = {"source", "period_start", "period_end", "teryt"}
# A detection rate given in the file may differ from detected/base by rounding only.
RATE_TOLERANCE = Decimal("0.5")
_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)
_GMINA_KINDS = "123"


# Named tuples rather than frozen dataclasses: as immutable, and several times cheaper to build
# for the ~40k rows of a national file.
class CrimeRow(NamedTuple):
    line: int
    teryt7: str
    period_start: date
    period_end: date
    category: str
    source: str
    confirmed: int
    detected: int | None
    reopened: int | None
    detection_rate: Decimal | None


class ThreatRow(NamedTuple):
    line: int
    teryt7: str
    period_start: date
    period_end: date
    category: str
    source: str
    reported: int
    confirmed: int
    not_confirmed: int | None
    eliminated: int | None


@dataclass
class ParsedFile:
    """Validated rows of one file, with what was wrong (errors) or worth knowing (notes)."""

    kind: ImportKind
    rows: list = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    errors: Problems = field(default_factory=Problems)
    notes: Problems = field(default_factory=Problems)


def detect_kind(raw: RawFile) -> ImportKind:
    """The kind of data a file holds, from its sheets and header; fail if it is none we know."""
    if "TABLICA" in raw.sheets:
        return ImportKind.BDL
    header = {_name(cell) for cell in (raw.first.rows[0][1] if raw.first.rows else [])}
    crime = len(header & set(CRIME_REQUIRED + CRIME_OPTIONAL) - _SHARED_COLUMNS)
    threats = len(header & set(THREAT_REQUIRED + THREAT_OPTIONAL) - _SHARED_COLUMNS)
    if crime != threats:
        return ImportKind.CRIME if crime > threats else ImportKind.THREATS
    if {"kod", "nazwa"} <= header:
        raise fail(_("Eksport GUS BDL przyjmujemy jako plik XLSX z arkuszami OPIS i TABLICA, "
                     "tak jak publikuje go GUS."))
    raise fail(_("Nie rozpoznano rodzaju pliku. Oczekiwane kolumny statystyki przestępstw: "
                 "%(crime)s; KMZB: %(kmzb)s; albo eksport GUS BDL P2290 (XLSX).",
                 crime=", ".join(CRIME_REQUIRED), kmzb=", ".join(THREAT_REQUIRED)))


def _name(cell: Value) -> str:
    return str(cell).strip().lower().removeprefix("\ufeff") if cell is not None else ""


# -- header and rows ----------------------------------------------------------------------------


def table_rows(raw: RawFile, kind: ImportKind) -> list[tuple[int, dict[str, Value]]]:
    """(line, {column: cell}) for each data row, after checking the header of `kind`."""
    grid = raw.first
    if not grid.rows:
        raise fail(_("Plik nie zawiera nagłówka ani danych."))
    header_line, header_cells = grid.rows[0]
    header = [_name(cell) for cell in header_cells]
    _check_header(header, header_line, *COLUMNS[kind])
    problems = Problems()
    rows = []
    width, is_csv = len(header), raw.format == "csv"
    for line, cells in grid.rows[1:]:
        if len(cells) != width:  # rare: the usual row skips every check below
            # A CSV row must match the header; a sheet row may only lack or add blank cells.
            if is_csv or any(_blank(c) is False for c in cells[width:]):
                problems.add(line, "", _("Wiersz ma %(found)d pól, a nagłówek %(expected)d.",
                                         found=len(cells), expected=width))
                continue
            cells = list(cells) + [None] * (width - len(cells))
        rows.append((line, dict(zip(header, cells, strict=False))))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise fail(_("Plik nie zawiera żadnych wierszy danych."))
    return rows


def _blank(cell: Value) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check_header(header: list[str], line: int, required: tuple[str, ...],
                  optional: tuple[str, ...]) -> None:
    problems = Problems()
    if len(header) == 1 and len(required) > 1:
        raise fail(_("Nagłówek nie jest rozdzielony średnikami ani przecinkami; oczekiwane "
                     "kolumny: %(columns)s.", columns=";".join(required)), line=line)
    for name in required:
        if name not in header:
            problems.add(line, name, _("Brak kolumny %(column)s w nagłówku.", column=name))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(line, name, _("Kolumna %(column)s powtarza się.", column=name))
        elif name not in required and name not in optional:
            problems.add(line, name, _("Nieznana kolumna „%(column)s”; dozwolone: %(allowed)s.",
                                       column=name, allowed=", ".join(required + optional)))
        seen.add(name)
    if problems:
        raise ImportFailed(problems)


# -- cells --------------------------------------------------------------------------------------


def text(cell: Value) -> str:
    if type(cell) is str:  # the common case first: every CSV cell
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def count(problems: Problems, line: int, column: str, cell: Value, *,
          required: bool = True) -> int | None:
    """A non-negative whole number, or None (after reporting why, unless blank and optional)."""
    if type(cell) is str and cell.isdigit() and cell.isascii():  # a plain CSV number: no checks
        return int(cell)
    if _blank(cell):
        if required:
            problems.add(line, column, _("Brak wartości."))
        return None
    value: int | None = None
    if isinstance(cell, bool):
        value = None
    elif isinstance(cell, int):
        value = cell
    elif isinstance(cell, float) and cell.is_integer():
        value = int(cell)
    elif isinstance(cell, str):
        raw = cell.strip()
        digits = raw[1:] if raw.startswith("-") else raw
        if digits.isascii() and digits.isdigit():
            value = int(raw)
    if value is None:
        problems.add(line, column, _("„%(value)s” nie jest liczbą całkowitą.", value=text(cell)))
    elif value < 0:
        problems.add(line, column, _("Liczba nie może być ujemna (%(value)d).", value=value))
        return None
    return value


def decimal(problems: Problems, line: int, column: str, cell: Value, *, places: Decimal,
            maximum: Decimal | None = None) -> Decimal | None:
    """An optional non-negative decimal (dot or Polish comma), rounded to `places`."""
    if _blank(cell):
        return None
    try:
        if isinstance(cell, bool) or not isinstance(cell, int | float | str):
            raise InvalidOperation
        value = Decimal(str(cell).strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.add(line, column, _("„%(value)s” nie jest liczbą.", value=text(cell)))
        return None
    if value < 0 or (maximum is not None and value > maximum):
        message = _("Wartość %(value)s jest poza zakresem 0–%(max)s.", value=text(cell),
                    max=maximum) if maximum is not None else _(
            "Liczba nie może być ujemna (%(value)s).", value=text(cell))
        problems.add(line, column, message)
        return None
    return value.quantize(places, rounding=ROUND_HALF_UP)


def iso_date(problems: Problems, line: int, column: str, cell: Value) -> date | None:
    if isinstance(cell, date):  # an XLSX date cell (datetime is a date too)
        return cell if type(cell) is date else cell.date()
    value = text(cell)
    parsed = _parse_date(value)
    if parsed is None:
        problems.add(line, column, _("Nieprawidłowa data „%(value)s” (oczekiwano RRRR-MM-DD).",
                                     value=value))
    return parsed


@lru_cache(maxsize=256)  # a file repeats the same few period dates on every row
def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def teryt7(problems: Problems, line: int, column: str, cell: Value) -> str | None:
    """A 7-digit gmina code (RODZ 1, 2 or 3); 6-digit codes are refused as ambiguous."""
    value = text(cell)
    if not (len(value) == 7 and value.isascii() and value.isdigit()):
        problems.add(line, column, _(
            "Nieprawidłowy kod TERYT „%(value)s”: oczekiwano 7 cyfr kodu gminy (np. 3021011). "
            "Arkusz mógł usunąć zero wiodące; zapisz kolumnę jako tekst.", value=value))
        return None
    if value[6] not in _GMINA_KINDS:
        problems.add(line, column, _(
            "Kod %(value)s nie jest kodem gminy (rodzaj %(kind)s); podaj kod całej gminy "
            "(ostatnia cyfra 1, 2 lub 3).", value=value, kind=value[6]))
        return None
    return value


def _period(problems: Problems, line: int, row: dict[str, Value]) -> tuple[date, date] | None:
    start = iso_date(problems, line, "period_start", row["period_start"])
    end = iso_date(problems, line, "period_end", row["period_end"])
    if start is None or end is None:
        return None
    if start > end:
        problems.add(line, "period_end", _("Koniec okresu %(end)s jest przed jego początkiem.",
                                           end=end.isoformat()))
        return None
    return start, end


def _source(problems: Problems, line: int, cell: Value) -> str | None:
    value = text(cell)
    if not value or len(value) > 100:
        problems.add(line, "source", _("Podaj źródło danych (do 100 znaków)."))
        return None
    return value


def _category(problems: Problems, line: int, column: str, cell: Value,
              allowed: frozenset[str]) -> str | None:
    value = text(cell)
    if value not in allowed:
        problems.add(line, column, _("Nieznana kategoria „%(value)s”; dozwolone: %(allowed)s.",
                                     value=value, allowed=", ".join(sorted(allowed))))
        return None
    return value


def _check_duplicate(parsed: ParsedFile, seen: dict[tuple, int], key: tuple, line: int,
                     column: str) -> bool:
    first = seen.setdefault(key, line)
    if first != line:
        parsed.duplicates += 1
        parsed.errors.add(line, column, _(
            "Ta sama gmina, okres i kategoria co w wierszu %(first)d (kod %(code)s).",
            first=first, code=key[0]))
        return True
    return False


# -- crime statistics ---------------------------------------------------------------------------


def read_crime(raw: RawFile) -> ParsedFile:
    """Validate a crime statistics file: one row per gmina, period and category."""
    parsed = ParsedFile(ImportKind.CRIME)
    seen: dict[tuple, int] = {}
    rows = table_rows(raw, ImportKind.CRIME)
    parsed.rows_read = len(rows)
    for line, row in rows:
        crime = _crime_row(parsed.errors, parsed.notes, line, row)
        if crime is None:
            continue
        key = (crime.teryt7[:6], crime.period_start, crime.period_end, crime.category)
        if not _check_duplicate(parsed, seen, key, line, "teryt"):
            parsed.rows.append(crime)
    return parsed


def _crime_row(errors: Problems, notes: Problems, line: int,
               row: dict[str, Value]) -> CrimeRow | None:
    before = len(errors)
    code = teryt7(errors, line, "teryt", row["teryt"])
    period = _period(errors, line, row)
    category = _category(errors, line, "category", row["category"], CRIME_CODES)
    source = _source(errors, line, row["source"])
    confirmed = count(errors, line, "przestepstwa_stwierdzone", row["przestepstwa_stwierdzone"])
    detected = count(errors, line, "przestepstwa_wykryte", row.get("przestepstwa_wykryte"),
                     required=False)
    reopened = count(errors, line, "stwierdzone_w_podjetych", row.get("stwierdzone_w_podjetych"),
                     required=False)
    rate = decimal(errors, line, "wskaznik_wykrywalnosci_pct",
                   row.get("wskaznik_wykrywalnosci_pct"), places=_ONE_DECIMAL, maximum=_HUNDRED)
    if confirmed is not None and detected is not None:
        base = confirmed + (reopened or 0)
        if detected > base:
            errors.add(line, "przestepstwa_wykryte", _(
                "Przestępstw wykrytych (%(detected)d) jest więcej niż stwierdzonych "
                "(%(base)d).", detected=detected, base=base))
        elif base:
            computed = (_HUNDRED * detected / base).quantize(_ONE_DECIMAL, ROUND_HALF_UP)
            if rate is None:
                rate = computed
            elif abs(rate - computed) > RATE_TOLERANCE:
                notes.add(line, "wskaznik_wykrywalnosci_pct", _(
                    "Wskaźnik %(rate)s%% różni się od obliczonego z liczb (%(computed)s%%); "
                    "zapisano wartość z pliku.", rate=rate, computed=computed))
    if len(errors) > before:
        return None
    return CrimeRow(line, code, period[0], period[1], category, source, confirmed, detected,
                    reopened, rate)


# -- KMZB ---------------------------------------------------------------------------------------


def read_threats(raw: RawFile) -> ParsedFile:
    """Validate an aggregated KMZB file: one row per gmina, period and threat category."""
    parsed = ParsedFile(ImportKind.THREATS)
    seen: dict[tuple, int] = {}
    rows = table_rows(raw, ImportKind.THREATS)
    parsed.rows_read = len(rows)
    for line, row in rows:
        threat = _threat_row(parsed.errors, line, row)
        if threat is None:
            continue
        key = (threat.teryt7[:6], threat.period_start, threat.period_end, threat.category)
        if not _check_duplicate(parsed, seen, key, line, "teryt"):
            parsed.rows.append(threat)
    return parsed


def _threat_row(errors: Problems, line: int, row: dict[str, Value]) -> ThreatRow | None:
    before = len(errors)
    code = teryt7(errors, line, "teryt", row["teryt"])
    period = _period(errors, line, row)
    category = _category(errors, line, "category_code", row["category_code"], THREAT_CODES)
    source = _source(errors, line, row["source"])
    reported = count(errors, line, "reported", row["reported"])
    confirmed = count(errors, line, "confirmed", row["confirmed"])
    not_confirmed = count(errors, line, "not_confirmed", row.get("not_confirmed"),
                          required=False)
    eliminated = count(errors, line, "eliminated", row.get("eliminated"), required=False)
    if reported is not None and confirmed is not None:
        if confirmed > reported:
            errors.add(line, "confirmed", _(
                "Potwierdzonych (%(confirmed)d) jest więcej niż zgłoszonych (%(reported)d).",
                confirmed=confirmed, reported=reported))
        elif not_confirmed is not None and confirmed + not_confirmed > reported:
            errors.add(line, "not_confirmed", _(
                "Potwierdzone i niepotwierdzone razem (%(sum)d) przekraczają liczbę zgłoszeń "
                "(%(reported)d).", sum=confirmed + not_confirmed, reported=reported))
        if eliminated is not None and eliminated > confirmed:
            errors.add(line, "eliminated", _(
                "Wyeliminowanych (%(eliminated)d) jest więcej niż potwierdzonych "
                "(%(confirmed)d).", eliminated=eliminated, confirmed=confirmed))
    if len(errors) > before:
        return None
    return ThreatRow(line, code, period[0], period[1], category, source, reported, confirmed,
                     not_confirmed, eliminated)


def read_file(raw: RawFile, kind: ImportKind) -> ParsedFile:
    """Validate `raw` as `kind` (see `detect_kind`)."""
    if kind == ImportKind.BDL:
        from portal.police_data.bdl import read_bdl  # imports openpyxl: only for BDL files

        return read_bdl(raw)
    return read_crime(raw) if kind == ImportKind.CRIME else read_threats(raw)


__all__ = ["ImportFailed", "ImportIssue", "detect_kind", "read_file"]
