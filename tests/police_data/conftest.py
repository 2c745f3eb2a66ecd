"""Fixtures for Police data: file builders (CSV, XLSX) and row counts; the database is shared."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.police_data.models import AreaCrimeStat, CrimeStat, PoliceImportBatch, ThreatMapStat
from tests.factories import pilot_gmina

SHARED_GUS = Path(__file__).parents[2].parent / "shared/data/gus"
BDL_FILE = SHARED_GUS / "BDL_P2290_przestepstwa_powiaty_2013-2024.xlsx"
FULL_TERC = SHARED_GUS / "TERC_Urzedowy_2020-01-01.csv"

CRIME_HEADER = ["source", "period_start", "period_end", "teryt", "category",
                "przestepstwa_stwierdzone", "przestepstwa_wykryte", "stwierdzone_w_podjetych",
                "wskaznik_wykrywalnosci_pct"]
THREAT_HEADER = ["source", "period_start", "period_end", "teryt", "category_code",
                 "category_name", "reported", "confirmed", "not_confirmed", "eliminated"]


def crime_line(teryt: str = "3021011", category: str = "kradziez_rzeczy", confirmed="100",
               detected="40", reopened="", rate="", year: int = 2018,
               source: str = "KMP_Poznan") -> list[str]:
    return [source, f"{year}-01-01", f"{year}-12-31", teryt, category, str(confirmed),
            str(detected), str(reopened), str(rate)]


def threat_line(teryt: str = "3021011", category: str = "nieprawidlowe_parkowanie",
                reported="50", confirmed="30", not_confirmed="18", eliminated="20",
                year: int = 2018) -> list[str]:
    return ["KMZB_KWP_Poznan", f"{year}-01-01", f"{year}-12-31", teryt, category, "",
            str(reported), str(confirmed), str(not_confirmed), str(eliminated)]


def csv_bytes(header: list[str], lines: list[list[str]], *, delimiter: str = ";",
              bom: bool = False, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in [header, *lines]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def pilot():
    """The pilot registry (powiat poznański and Poznań, TERC 2020)."""
    return pilot_gmina()


@pytest.fixture
def crime_csv() -> Callable[..., bytes]:
    """`crime_csv(lines=None, **variants)` -> bytes of a crime statistics CSV."""

    def build(lines: list[list[str]] | None = None, **variants) -> bytes:
        return csv_bytes(CRIME_HEADER, [crime_line()] if lines is None else lines, **variants)

    return build


@pytest.fixture
def threat_csv() -> Callable[..., bytes]:
    def build(lines: list[list[str]] | None = None, **variants) -> bytes:
        return csv_bytes(THREAT_HEADER, [threat_line()] if lines is None else lines, **variants)

    return build


@pytest.fixture
def police_counts() -> Callable[[], dict[str, int]]:
    """`police_counts()` -> rows per Police table, to show that a failed import wrote nothing."""

    def count() -> dict[str, int]:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (PoliceImportBatch, CrimeStat, ThreatMapStat, AreaCrimeStat)
        }

    return count


@pytest.fixture
def bdl_bytes() -> bytes:
    if not BDL_FILE.exists():
        pytest.skip(f"GUS BDL P2290 file not available at {BDL_FILE}")
    return BDL_FILE.read_bytes()


@pytest.fixture
def full_registry():
    """The whole TERC 2020 register (380 powiats), imported inside the test's transaction."""
    if not FULL_TERC.exists():
        pytest.skip(f"GUS TERC file not available at {FULL_TERC}")
    from portal.municipalities.services import import_terc

    import_terc(FULL_TERC.read_bytes())
