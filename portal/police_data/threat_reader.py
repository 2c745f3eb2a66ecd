"""Reading a KMZB file (Krajowa Mapa Zagrożeń Bezpieczeństwa), aggregated per gmina: one row per
gmina, period and threat category, with the reports by outcome."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _

from portal.municipalities.gus_files import Problems
from portal.police_data.categories import THREAT_CODES
from portal.police_data.cells import count
from portal.police_data.gmina_tables import read_gmina_table, shared_fields
from portal.police_data.models import ImportKind
from portal.police_data.parsed_file import ParsedFile
from portal.police_data.spreadsheets import RawFile, Value

THREAT_REQUIRED = ("source", "period_start", "period_end", "teryt", "category_code", "reported",
                   "confirmed")
THREAT_OPTIONAL = ("category_name", "not_confirmed", "eliminated")


# A named tuple for the same reason as `CrimeRow`: cheap to build for every row of a large file.
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


def read_threats(raw: RawFile) -> ParsedFile:
    """Validate an aggregated KMZB file: one row per gmina, period and threat category."""
    return read_gmina_table(raw, ImportKind.THREATS, THREAT_REQUIRED, THREAT_OPTIONAL,
                            _threat_row)


def _threat_row(errors: Problems, notes: Problems, line: int,
                row: dict[str, Value]) -> ThreatRow | None:
    # `notes` is there only to fit `RowCheck`: no KMZB check is a mere note.
    before = len(errors)
    code, period, category, source = shared_fields(errors, line, row, "category_code",
                                                   THREAT_CODES)
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
