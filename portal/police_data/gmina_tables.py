"""What the two per-gmina files (crime statistics and KMZB) share: a table of one row per gmina,
period and category under a header of named columns.

Checks the header and the columns every row has, drops repeated keys, and leaves the counts to
the reader of each kind. A broken header raises `ImportFailed` at once; row problems are
collected so that the file reports them all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from portal.municipalities.gus_files import ImportFailed, Problems
from portal.police_data.cells import header_name, is_blank, iso_date, teryt7, text
from portal.police_data.models import ImportKind
from portal.police_data.parsed_file import ParsedFile
from portal.police_data.spreadsheets import RawFile, Value, fail

SHARED_COLUMNS = {"source", "period_start", "period_end", "teryt"}

# Checks one row: (errors, notes, line, {column: cell}) -> a row with `teryt7`, `period_start`,
# `period_end` and `category`, or None if the row has errors.
RowCheck = Callable[[Problems, Problems, int, dict[str, Value]], Any]


def read_gmina_table(raw: RawFile, kind: ImportKind, required: tuple[str, ...],
                     optional: tuple[str, ...], check_row: RowCheck) -> ParsedFile:
    """Validate a file of one row per gmina, period and category, each row by `check_row`."""
    parsed = ParsedFile(kind)
    seen: dict[tuple, int] = {}
    rows = table_rows(raw, required, optional)
    parsed.rows_read = len(rows)
    for line, row in rows:
        checked = check_row(parsed.errors, parsed.notes, line, row)
        if checked is None:
            continue
        key = (checked.teryt7[:6], checked.period_start, checked.period_end, checked.category)
        if not _check_duplicate(parsed, seen, key, line, "teryt"):
            parsed.rows.append(checked)
    return parsed


def shared_fields(errors: Problems, line: int, row: dict[str, Value], category_column: str,
                  categories: frozenset[str]) -> tuple[str | None, tuple[date, date] | None,
                                                       str | None, str | None]:
    """The TERYT code, period, category and source of a row; None for each that is wrong."""
    return (teryt7(errors, line, "teryt", row["teryt"]), _period(errors, line, row),
            _category(errors, line, category_column, row[category_column], categories),
            _source(errors, line, row["source"]))


# -- header and rows ----------------------------------------------------------------------------


def table_rows(raw: RawFile, required: tuple[str, ...],
               optional: tuple[str, ...]) -> list[tuple[int, dict[str, Value]]]:
    """(line, {column: cell}) for each data row, after checking the header's columns."""
    grid = raw.first
    if not grid.rows:
        raise fail(_("Plik nie zawiera nagłówka ani danych."))
    header_line, header_cells = grid.rows[0]
    header = [header_name(cell) for cell in header_cells]
    _check_header(header, header_line, required, optional)
    problems = Problems()
    rows = []
    width, is_csv = len(header), raw.format == "csv"
    for line, cells in grid.rows[1:]:
        if len(cells) != width:  # rare: the usual row skips every check below
            # A CSV row must match the header; a sheet row may only lack or add blank cells.
            if is_csv or any(is_blank(c) is False for c in cells[width:]):
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


# -- the shared columns -------------------------------------------------------------------------


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
