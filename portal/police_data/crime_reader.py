"""Reading a Police crime statistics file: one row per gmina, period and crime category."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from flask_babel import gettext as _

from portal.municipalities.gus_files import Problems
from portal.police_data.categories import CRIME_CODES
from portal.police_data.cells import count, decimal
from portal.police_data.gmina_tables import read_gmina_table, shared_fields
from portal.police_data.models import ImportKind
from portal.police_data.parsed_file import ParsedFile
from portal.police_data.spreadsheets import RawFile, Value

CRIME_REQUIRED = ("source", "period_start", "period_end", "teryt", "category",
                  "przestepstwa_stwierdzone")
CRIME_OPTIONAL = ("przestepstwa_wykryte", "stwierdzone_w_podjetych", "wskaznik_wykrywalnosci_pct")
# A detection rate given in the file may differ from detected/base by rounding only.
RATE_TOLERANCE = Decimal("0.5")
_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)


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


def read_crime(raw: RawFile) -> ParsedFile:
    """Validate a crime statistics file: one row per gmina, period and category."""
    return read_gmina_table(raw, ImportKind.CRIME, CRIME_REQUIRED, CRIME_OPTIONAL, _crime_row)


def _crime_row(errors: Problems, notes: Problems, line: int,
               row: dict[str, Value]) -> CrimeRow | None:
    before = len(errors)
    code, period, category, source = shared_fields(errors, line, row, "category", CRIME_CODES)
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
