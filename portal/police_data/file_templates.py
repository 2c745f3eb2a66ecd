"""Downloadable templates of the import files (CSV and XLSX), each with one example row."""

from __future__ import annotations

import csv
import io

from portal.police_data.models import ImportKind
from portal.police_data.readers import COLUMNS

EXAMPLES = {
    ImportKind.CRIME: {
        "source": "KMP_Poznan", "period_start": "2024-01-01", "period_end": "2024-12-31",
        "teryt": "3021011", "category": "kradziez_z_wlamaniem", "przestepstwa_stwierdzone": 42,
        "przestepstwa_wykryte": 17, "stwierdzone_w_podjetych": 1,
        "wskaznik_wykrywalnosci_pct": 39.5,
    },
    ImportKind.THREATS: {
        "source": "KMZB_KWP_Poznan", "period_start": "2024-01-01", "period_end": "2024-12-31",
        "teryt": "3021011", "category_code": "nieprawidlowe_parkowanie",
        "category_name": "nieprawidłowe parkowanie", "reported": 120, "confirmed": 64,
        "not_confirmed": 50, "eliminated": 41,
    },
}
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_columns(kind: ImportKind) -> tuple[str, ...]:
    required, optional = COLUMNS[kind]
    return required + optional


def template_name(kind: ImportKind, extension: str) -> str:
    return {ImportKind.CRIME: "policja_przestepstwa_wzor",
            ImportKind.THREATS: "kmzb_wzor"}[kind] + "." + extension


def template_csv(kind: ImportKind) -> bytes:
    """`;`-separated UTF-8 with a BOM, so that Excel opens Polish letters correctly."""
    columns = template_columns(kind)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([EXAMPLES[kind][name] for name in columns])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def template_xlsx(kind: ImportKind) -> bytes:
    """One sheet; codes and dates are text cells so that Excel keeps leading zeros as typed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    columns = template_columns(kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("dane")
    sheet.append(columns)
    row = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=EXAMPLES[kind][name])
        if isinstance(cell.value, str):
            cell.number_format = "@"
        row.append(cell)
    sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
