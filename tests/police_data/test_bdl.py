"""The GUS BDL P2290 export, read as published: powiat-level figures, never gmina rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.gus_files import ImportFailed
from portal.municipalities.services import get_gmina_by_teryt
from portal.police_data.figures import area_figures, powiat_figures_for_gminy
from portal.police_data.models import AreaCrimeStat, AreaLevel, CrimeStat
from portal.police_data.services import import_file, preview_import
from tests.police_data.conftest import xlsx_bytes

OPIS = [["Grupa:", "PRZESTĘPSTWA STWIERDZONE PRZEZ POLICJĘ W ZAKOŃCZONYCH POSTĘPOWANIACH"]]


def small_bdl(*units: list) -> bytes:
    """A two-year XTAB export with one count and one rate measure."""
    tablica = [
        ["Kod", "Nazwa", "przeciwko mieniu", None,
         "wskaźnik wykrywalności sprawców przestępstw stwierdzonych przez Policję - ogółem",
         None],
        [None, None, "2023", "2024", "2023", "2024"],
        [None, None, "[-]", "[-]", "[%]", "[%]"],
        *units,
    ]
    return xlsx_bytes({"OPIS": OPIS, "TABLICA": tablica})


def test_the_real_bdl_file_imports_as_powiat_level_figures(full_registry, bdl_bytes):
    preview = preview_import(bdl_bytes, "BDL_P2290.xlsx")
    assert preview.ok, preview.errors[:5]
    assert (preview.kind, preview.rows_read, preview.units_matched) == ("bdl", 397, 397)

    batch = import_file(bdl_bytes, "BDL_P2290.xlsx").batch

    assert batch.rows_count == 397 * 12 * 9
    poznanski = area_figures(2024)["3021000"]
    assert poznanski["ogolem"].detection_rate == Decimal("55.8")
    assert poznanski["ogolem"].per_1000 == Decimal("13.06")
    assert poznanski["kryminalne"].confirmed == 3922
    assert poznanski["mienie"].confirmed == 3249
    assert area_figures(2023)["3021000"]["ogolem"].detection_rate == Decimal("58.5")
    assert area_figures(2024, AreaLevel.COUNTRY)["0000000"]["ogolem"].detection_rate == (
        Decimal("69.8"))
    # A powiat's rate may exceed 100 % (detections after reopening older cases).
    assert session.scalar(select(func.max(AreaCrimeStat.detection_rate))) > 100
    assert session.scalar(select(func.count()).select_from(CrimeStat)) == 0


def test_powiat_figures_reach_each_gmina_marked_as_powiat_level(full_registry, bdl_bytes):
    import_file(bdl_bytes, "BDL_P2290.xlsx")
    kornik = get_gmina_by_teryt("302109")

    figures = powiat_figures_for_gminy(2024, categories=["ogolem"])

    figure = figures[kornik.id]["ogolem"]
    assert (figure.level, figure.unit_code, figure.detection_rate) == (
        "powiat", "3021000", Decimal("55.8"))
    assert len(figures) == 2477


def test_bdl_units_missing_from_the_registry_are_refused(pilot, police_counts):
    data = small_bdl(["3021000", "Powiat poznański", 3795, 3249, 58.5, 55.8],
                     ["0201000", "Powiat bolesławiecki", 900, 800, 60.1, 61.0])
    before = police_counts()

    with pytest.raises(ImportFailed) as failed:
        import_file(data, "bdl.xlsx")

    (error,) = failed.value.errors
    assert (error.line, error.column) == (5, "A") and "0201000" in error.message
    assert police_counts() == before


def test_a_small_bdl_export_imports_with_dashes_as_missing(pilot):
    data = small_bdl(["3000000", "WIELKOPOLSKIE", 30000, 29000, 70.0, 71.0],
                     ["3021000", "Powiat poznański", 3795, "-", 58.5, 55.8])

    batch = import_file(data, "bdl.xlsx").batch

    assert batch.rows_count == 2 * 2 * 2 - 1  # units x years x categories, minus the "-"
    figures = area_figures(2024)
    assert "mienie" not in figures["3021000"]
    assert figures["3021000"]["ogolem"].detection_rate == Decimal("55.8")
    assert figures["3000000"]["mienie"].level == "wojewodztwo"


@pytest.mark.parametrize(
    ("unit", "column", "fragment"),
    [
        (["3021000", "Powiat poznański", "dużo", 3249, 58.5, 55.8], "C", "liczbą całkowitą"),
        (["3021000", "Powiat poznański", -5, 3249, 58.5, 55.8], "C", "ujemna"),
        (["3021000", "Powiat poznański", 3795, 3249, "x", 55.8], "E", "nie jest liczbą"),
        (["3021011", "Luboń", 1, 1, 1, 1], "A", "nie jest kodem powiatu"),
    ],
)
def test_bad_bdl_cells_are_named_by_row_and_column_letter(pilot, unit, column, fragment):
    preview = preview_import(small_bdl(unit), "bdl.xlsx")

    (error,) = preview.errors
    assert (error.line, error.column) == (4, column)
    assert fragment in error.message


def test_a_workbook_without_the_bdl_description_is_refused(pilot):
    data = xlsx_bytes({"OPIS": [["Grupa:", "LUDNOŚĆ"]], "TABLICA": [["Kod", "Nazwa"]]})
    (error,) = preview_import(data, "bdl.xlsx").errors
    assert "P2290" in error.message


def test_a_bdl_csv_is_refused_with_a_hint_to_use_the_published_xlsx(pilot):
    (error,) = preview_import(b"Kod;Nazwa;x\r\n3021000;P;1\r\n", "bdl.csv").errors
    assert "XLSX" in error.message
