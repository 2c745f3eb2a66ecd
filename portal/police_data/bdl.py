"""Reading the GUS BDL export of subgroup P2290 (crimes per powiat) exactly as GUS publishes it.

The XTAB layout of sheet TABLICA: row 1 names a measure once over its block of year columns
(merged cells), row 2 has the years, row 3 the units ("[%]" for rates); data from row 4, one unit
per row with its 7-digit BDL code (`0000000` Poland, `WW00000` voivodeship, `WWPP000` powiat).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from portal.municipalities.gus_files import ImportFailed, Problems
from portal.police_data.cells import count, decimal, text
from portal.police_data.models import AreaLevel, ImportKind
from portal.police_data.parsed_file import ParsedFile
from portal.police_data.spreadsheets import Grid, RawFile, fail

SOURCE = "GUS BDL P2290"
OPIS_MARKER = "przestępstwa stwierdzone przez policję"
COUNT, RATE, PER_1000 = "confirmed", "detection_rate", "per_1000"
FIRST_DATA_LINE = 4
_ONE_DECIMAL, _TWO_DECIMALS = Decimal("0.1"), Decimal("0.01")
# Keywords of the BDL group names, in the order they must be tried ("drogowe" is a part of
# "przeciwko bezpieczeństwu powszechnemu i bezpieczeństwu w komunikacji").
_CATEGORY_KEYWORDS = (
    ("drogowe", "drogowe"),
    ("ogółem", "ogolem"),
    ("kryminalnym", "kryminalne"),
    ("gospodarczym", "gospodarcze"),
    ("życiu i zdrowiu", "zycie_zdrowie"),
    ("mieniu", "mienie"),
    ("wolności", "wolnosc_obyczajnosc"),
    ("rodzinie i opiece", "rodzina_opieka"),
    ("bezpieczeństwu powszechnemu", "bezp_powszechne"),
)


@dataclass(frozen=True, slots=True)
class AreaRow:
    line: int
    unit_code: str
    level: AreaLevel
    year: int
    category: str
    confirmed: int | None
    detection_rate: Decimal | None
    per_1000: Decimal | None


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    measure: str
    category: str
    year: int


def read_bdl(raw: RawFile) -> ParsedFile:
    """Validate a P2290 XTAB export into one row per unit, year and category."""
    if raw.format != "xlsx" or "TABLICA" not in raw.sheets or "OPIS" not in raw.sheets:
        raise fail(_("Eksport GUS BDL musi być skoroszytem XLSX z arkuszami OPIS i TABLICA."))
    _check_opis(raw.sheets["OPIS"])
    grid = raw.sheets["TABLICA"]
    columns = _columns(grid)
    parsed = ParsedFile(ImportKind.BDL)
    seen: dict[str, int] = {}
    for line, cells in grid.rows:
        if line < FIRST_DATA_LINE:
            continue
        parsed.rows_read += 1
        code = _unit_code(parsed.errors, line, cells)
        if code is None:
            continue
        first = seen.setdefault(code, line)
        if first != line:
            parsed.duplicates += 1
            parsed.errors.add(line, "A", _("Kod %(code)s powtarza się (pierwszy raz w wierszu "
                                           "%(first)d).", code=code, first=first))
            continue
        parsed.rows.extend(_unit_rows(parsed.errors, line, code, cells, columns))
    return parsed


def _check_opis(grid: Grid) -> None:
    content = " ".join(text(cell).lower() for _line, cells in grid.rows for cell in cells)
    if OPIS_MARKER not in content:
        raise fail(_("Arkusz OPIS nie opisuje podgrupy BDL P2290 „Przestępstwa stwierdzone przez "
                     "Policję”; to nie jest oczekiwany eksport."), column="OPIS")


def _columns(grid: Grid) -> list[_Column]:
    """Map each data column to (measure, category, year) from the three header rows."""
    headers = {line: cells for line, cells in grid.rows if line < FIRST_DATA_LINE}
    names, years = headers.get(1, []), headers.get(2, [])
    if [text(cell) for cell in names[:2]] != ["Kod", "Nazwa"] or len(names) < 3:
        raise fail(_("Arkusz TABLICA nie ma układu XTAB z BDL (kolumny Kod, Nazwa, a nad "
                     "latami nazwy cech)."), column="A")
    problems = Problems()
    columns: list[_Column] = []
    seen: set[tuple[str, str, int]] = set()
    group = ""
    for index in range(2, len(years)):
        letter = get_column_letter(index + 1)
        if index < len(names) and text(names[index]):
            group = text(names[index])
        measure_category = _measure(group)
        year = text(years[index])
        if measure_category is None:
            problems.add(1, letter, _("Nieznana cecha „%(name)s”.", name=group))
        elif not (year.isdigit() and 1999 <= int(year) <= 2100):
            problems.add(2, letter, _("Nieprawidłowy rok „%(value)s”.", value=year))
        elif (*measure_category, int(year)) in seen:
            problems.add(2, letter, _("Cecha „%(name)s” ma rok %(year)s dwa razy.",
                                      name=group, year=year))
        else:
            seen.add((*measure_category, int(year)))
            columns.append(_Column(index, *measure_category, int(year)))
    if problems:
        raise ImportFailed(problems)
    if not columns:
        raise fail(_("Arkusz TABLICA nie zawiera kolumn z latami."), line=2)
    return columns


def _measure(name: str) -> tuple[str, str] | None:
    """(measure, category) of a BDL group name, or None if we do not know it."""
    lowered = name.lower()
    if lowered.startswith("wskaźnik wykrywalności"):
        measure, lowered = RATE, lowered.rsplit(" - ", 1)[-1]
    elif lowered.endswith("na 1000 mieszkańców"):
        measure = PER_1000
    else:
        measure = COUNT
    for keyword, category in _CATEGORY_KEYWORDS:
        if keyword in lowered:
            if category == "ogolem" and measure == COUNT:
                return None  # BDL publishes no count "ogółem" in this subgroup
            return measure, category
    return None


def _unit_code(problems: Problems, line: int, cells: list) -> str | None:
    code = text(cells[0]) if cells else ""
    if not (len(code) == 7 and code.isascii() and code.isdigit()):
        problems.add(line, "A", _("Nieprawidłowy kod jednostki BDL „%(value)s” (oczekiwano "
                                  "7 cyfr).", value=code))
        return None
    if _level(code) is None:
        problems.add(line, "A", _("Kod %(code)s nie jest kodem powiatu (WWPP000), województwa "
                                  "(WW00000) ani Polski (0000000).", code=code))
        return None
    return code


def _level(code: str) -> AreaLevel | None:
    if code == "0000000":
        return AreaLevel.COUNTRY
    if code[2:] == "00000":
        return AreaLevel.VOIVODESHIP
    if code[4:] == "000" and code[2:4] != "00":
        return AreaLevel.POWIAT
    return None


def _unit_rows(problems: Problems, line: int, code: str, cells: list,
               columns: list[_Column]) -> list[AreaRow]:
    """One row per (year, category) of a unit; a '-' (no information) cell stays empty."""
    values: dict[tuple[int, str], dict[str, object]] = {}
    for column in columns:
        cell = cells[column.index] if column.index < len(cells) else None
        if isinstance(cell, str) and cell.strip() == "-":
            cell = None
        letter = get_column_letter(column.index + 1)
        if column.measure == COUNT:
            value = count(problems, line, letter, cell, required=False)
        elif column.measure == RATE:
            # Not capped at 100: crimes detected after reopening older cases can push a
            # powiat's rate above it (BDL publishes e.g. 105.6).
            value = decimal(problems, line, letter, cell, places=_ONE_DECIMAL)
        else:
            value = decimal(problems, line, letter, cell, places=_TWO_DECIMALS)
        if value is not None:
            values.setdefault((column.year, column.category), {})[column.measure] = value
    level = _level(code)
    return [
        AreaRow(line, code, level, year, category, measures.get(COUNT),
                measures.get(RATE), measures.get(PER_1000))
        for (year, category), measures in sorted(values.items())
    ]
