"""Readers for the GUS files exactly as published: TERC register and BDL LUDN 2137 population.

Pure functions over bytes: no database. Every problem found is collected with its line and column
and raised together as `ImportFailed`, so an import either validates completely or writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _

from portal.municipalities.models import GminaKind

TERC_COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
POPULATION_COLUMNS = ("Kod", "Nazwa", "ogółem")

GMINA_KINDS = {kind.value for kind in GminaKind}
# Urban and rural parts of an urban-rural gmina (4, 5), Warsaw districts (8), city delegations (9).
PART_KINDS = {4, 5, 8, 9}
_BDL_KIND_SUFFIX = re.compile(r"\s*\(\d\)\s*$")


class ImportIssue(NamedTuple):
    """One problem (or note) in an input file; `line` is the physical line, 1 = header."""

    line: int
    column: str
    message: str


class ImportFailed(Exception):
    """The file was rejected; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[ImportIssue]) -> None:
        super().__init__(f"{len(errors)} error(s), first: {errors[0] if errors else None}")
        self.errors = errors


class Problems(list[ImportIssue]):
    """The problems found so far in one file."""

    def add(self, line: int, column: str, message: str) -> None:
        self.append(ImportIssue(line, column, message))


@dataclass(frozen=True)
class UnitRow:
    """A voivodeship (2-digit code) or powiat (4-digit code) row of the TERC register."""

    line: int
    code: str
    name: str
    city_with_powiat_rights: bool = False


@dataclass(frozen=True)
class GminaRow:
    """A gmina (RODZ 1, 2, 3) row of the TERC register."""

    line: int
    teryt7: str
    name: str

    @property
    def teryt6(self) -> str:
        return self.teryt7[:6]

    @property
    def kind(self) -> int:
        return int(self.teryt7[6])


@dataclass
class TercRegister:
    """The validated content of a TERC file; `year` comes from STAN_NA."""

    state_on: date
    voivodeships: list[UnitRow] = field(default_factory=list)
    powiats: list[UnitRow] = field(default_factory=list)
    gminy: list[GminaRow] = field(default_factory=list)
    parts_skipped: int = 0

    @property
    def year(self) -> int:
        return self.state_on.year


@dataclass(frozen=True)
class PopulationRow:
    """A gmina row of a BDL population file."""

    line: int
    teryt7: str
    name: str
    total: int


@dataclass
class PopulationTable:
    """The validated gmina rows of a BDL file; the parts of gminy are only counted."""

    rows: list[PopulationRow] = field(default_factory=list)
    parts_skipped: int = 0


# -- reading CSV --------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode GUS bytes as UTF-8 (with or without BOM), or fail naming the first bad line.

    We refuse to guess Windows-1250 rather than decode it: such a file has been re-saved by a
    spreadsheet, which may also have dropped the leading zeros of codes ("02" -> "2"), and nearly
    any bytes decode "successfully" as cp1250, so a wrong guess would silently corrupt names.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column, cp1250 = undecodable_at(data, exc, ";")
        if cp1250:
            message = _(
                "Plik nie jest zapisany w UTF-8 (prawdopodobnie Windows-1250). Użyj oryginalnego "
                "pliku GUS albo zapisz go ponownie jako UTF-8."
            )
        else:
            message = _("Plik nie jest zapisany w UTF-8. Użyj oryginalnego pliku GUS.")
        raise ImportFailed([ImportIssue(line, column, message)]) from exc


def undecodable_at(data: bytes, exc: UnicodeDecodeError, delimiter: str) -> tuple[int, str, bool]:
    """Where a file stopped decoding as UTF-8: (line, column name, looks like Windows-1250)."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    header = data.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    try:
        header_text = header.decode("utf-8")
    except UnicodeDecodeError:
        header_text = header.decode("cp1250", "replace")
    names = [name.strip().strip('"') for name in header_text.split(delimiter)]
    index = data.count(delimiter.encode(), line_start, exc.start)
    column = names[index] if index < len(names) else ""
    return line, column, _decodes_as_cp1250(data)


def _decodes_as_cp1250(data: bytes) -> bool:
    try:
        data.decode("cp1250")
    except UnicodeDecodeError:
        return False
    return True


def read_rows(data: bytes, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Return (line, {column: value}) for each non-blank data row of a `;`-separated GUS file.

    Structural problems (encoding, empty file, missing columns, wrong field count) raise
    `ImportFailed` at once: nothing after them can be trusted.
    """
    text = decode(data)
    if not text.strip():
        raise ImportFailed([ImportIssue(1, "", _("Plik jest pusty."))])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [name.strip() for name in next(reader)]
    _check_header(header, required)
    problems = Problems()
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # GUS files end with an empty line
        if len(values) != len(header):
            message = _(
                "Wiersz ma %(found)d pól, a nagłówek %(expected)d.",
                found=len(values),
                expected=len(header),
            )
            problems.add(reader.line_num, "", message)
            continue
        rows.append((reader.line_num, dict(zip(header, (v.strip() for v in values), strict=True))))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([ImportIssue(1, "", _("Plik nie zawiera żadnych wierszy danych."))])
    return rows


def _check_header(header: list[str], required: tuple[str, ...]) -> None:
    missing = [name for name in required if name not in header]
    if not missing:
        return
    if len(header) == 1:
        # A spreadsheet re-save often switches to commas; say so instead of listing every column.
        message = _(
            "Nagłówek nie jest rozdzielony średnikami; oczekiwane kolumny: %(columns)s.",
            columns=";".join(required),
        )
        raise ImportFailed([ImportIssue(1, "", message)])
    raise ImportFailed(
        [
            ImportIssue(1, name, _("Brak kolumny %(column)s w nagłówku.", column=name))
            for name in missing
        ]
    )


def _digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


def _check_code(problems: Problems, line: int, column: str, value: str, length: int) -> None:
    if not _digits(value, length):
        message = _(
            "Nieprawidłowy kod „%(value)s”: oczekiwano liczby %(length)d-cyfrowej.",
            value=value,
            length=length,
        )
        problems.add(line, column, message)


def _duplicate(problems: Problems, seen: dict[str, int], key: str, line: int, column: str) -> bool:
    """Record `key` as seen on `line`; report and return True if it was seen before."""
    first = seen.setdefault(key, line)
    if first != line:
        message = _(
            "Kod %(code)s powtarza się (pierwszy raz w wierszu %(first)d).", code=key, first=first
        )
        problems.add(line, column, message)
    return first != line


# -- TERC register ------------------------------------------------------------------------------


def read_terc(data: bytes) -> TercRegister:
    """Parse and validate a TERC file (GUS "urzędowy" CSV); gminy are RODZ 1-3, parts skipped."""
    rows = read_rows(data, TERC_COLUMNS)
    problems = Problems()
    register = TercRegister(state_on=_state_on(rows, problems))
    seen: dict[str, int] = {}
    seen_gminy: dict[str, int] = {}
    for line, row in rows:
        code = _terc_code(line, row, problems)
        if code is None or _duplicate(problems, seen, code, line, _last_column(code)):
            continue
        if not row["NAZWA"]:
            problems.add(line, "NAZWA", _("Brak nazwy jednostki."))
        elif len(code) == 2:
            register.voivodeships.append(UnitRow(line, code, row["NAZWA"]))
        elif len(code) == 4:
            rights = "na prawach powiatu" in row["NAZWA_DOD"].lower()
            register.powiats.append(UnitRow(line, code, row["NAZWA"], rights))
        elif int(code[6]) in PART_KINDS:
            register.parts_skipped += 1
        elif not _duplicate(problems, seen_gminy, code[:6], line, "RODZ"):
            register.gminy.append(GminaRow(line, code, row["NAZWA"]))
    _check_parents(register, problems)
    if problems:
        raise ImportFailed(sorted(problems))
    return register


def _last_column(code: str) -> str:
    return {2: "WOJ", 4: "POW", 7: "GMI"}[len(code)]


def _state_on(rows: list[tuple[int, dict[str, str]]], problems: Problems) -> date:
    """The register's state date; every row must carry the same one."""
    state_on: date | None = None
    for line, row in rows:
        value = row["STAN_NA"]
        try:
            parsed = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            message = _("Nieprawidłowa data „%(value)s” (oczekiwano RRRR-MM-DD).", value=value)
            problems.add(line, "STAN_NA", message)
        elif state_on is None:
            state_on = parsed
        elif parsed != state_on:
            message = _(
                "Data %(value)s różni się od daty stanu pliku %(state_on)s.",
                value=value,
                state_on=state_on.isoformat(),
            )
            problems.add(line, "STAN_NA", message)
    return state_on or date.min


def _terc_code(line: int, row: dict[str, str], problems: Problems) -> str | None:
    """WOJ+POW+GMI+RODZ of a well-formed row (2, 4 or 7 digits), or None after reporting why."""
    woj, pow_, gmi, rodz = row["WOJ"], row["POW"], row["GMI"], row["RODZ"]
    before = len(problems)
    _check_code(problems, line, "WOJ", woj, 2)
    if pow_:
        _check_code(problems, line, "POW", pow_, 2)
    if gmi:
        if not pow_:
            problems.add(line, "POW", _("Wiersz gminy nie ma kodu powiatu."))
        _check_code(problems, line, "GMI", gmi, 2)
        if not (_digits(rodz, 1) and int(rodz) in GMINA_KINDS | PART_KINDS):
            message = _(
                "Nieznany rodzaj jednostki „%(value)s” (dozwolone: 1, 2, 3, 4, 5, 8, 9).",
                value=rodz,
            )
            problems.add(line, "RODZ", message)
    elif rodz:
        problems.add(line, "GMI", _("Podano rodzaj (RODZ) bez kodu gminy."))
    if len(problems) > before:
        return None
    return woj + pow_ + gmi + rodz


def _check_parents(register: TercRegister, problems: Problems) -> None:
    voivodeships = {unit.code for unit in register.voivodeships}
    powiats = {unit.code for unit in register.powiats}
    for powiat in register.powiats:
        if powiat.code[:2] not in voivodeships:
            message = _("Brak wiersza województwa %(code)s w pliku.", code=powiat.code[:2])
            problems.add(powiat.line, "WOJ", message)
    for gmina in register.gminy:
        if gmina.teryt7[:4] not in powiats:
            message = _("Brak wiersza powiatu %(code)s w pliku.", code=gmina.teryt7[:4])
            problems.add(gmina.line, "POW", message)


# -- BDL population -----------------------------------------------------------------------------


def read_population(data: bytes) -> PopulationTable:
    """Parse and validate a BDL LUDN 2137 export (column "ogółem"); parts of gminy are skipped."""
    rows = read_rows(data, POPULATION_COLUMNS)
    problems = Problems()
    table = PopulationTable()
    seen: dict[str, int] = {}
    for line, row in rows:
        code = row["Kod"]
        if not _digits(code, 7):
            _check_code(problems, line, "Kod", code, 7)
            continue
        kind = int(code[6])
        if kind in PART_KINDS:
            table.parts_skipped += 1
            continue
        if kind not in GMINA_KINDS:
            message = _(
                "Kod %(code)s nie jest kodem gminy (rodzaj %(kind)d).", code=code, kind=kind
            )
            problems.add(line, "Kod", message)
            continue
        total = _population(problems, line, row["ogółem"])
        if not _duplicate(problems, seen, code[:6], line, "Kod") and total is not None:
            name = _BDL_KIND_SUFFIX.sub("", row["Nazwa"])
            table.rows.append(PopulationRow(line, code, name, total))
    if problems:
        raise ImportFailed(sorted(problems))
    return table


def _population(problems: Problems, line: int, value: str) -> int | None:
    if value.isascii() and value.isdigit():
        return int(value)
    if value.startswith("-") and value[1:].isascii() and value[1:].isdigit():
        message = _("Liczba ludności nie może być ujemna (%(value)s).", value=value)
    else:
        message = _("Liczba ludności „%(value)s” nie jest liczbą całkowitą.", value=value)
    problems.add(line, "ogółem", message)
    return None
