"""Importing the GUS TERC register: counts, re-imports, and rejected files."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.models import Gmina, GminaKind, GminaYear, Powiat
from portal.municipalities.services import ImportFailed, KindChanged, Renamed, import_terc


def test_full_register_imports_16_voivodeships_380_powiats_and_2477_gminy(full_terc):
    started = time.perf_counter()
    report = import_terc(full_terc)
    elapsed = time.perf_counter() - started

    assert report.year == 2020
    assert (len(report.voivodeships_added), len(report.powiats_added)) == (16, 380)
    assert len(report.gminy_added) == 2477
    assert report.parts_skipped == 642 + 642 + 18 + 19
    kinds = dict(session.execute(select(Gmina.kind, func.count()).group_by(Gmina.kind)).all())
    assert kinds == {1: 302, 2: 1533, 3: 642}
    assert session.scalar(select(func.count()).where(GminaYear.year == 2020)) == 2477
    assert elapsed < 5


def test_full_register_marks_the_66_cities_with_powiat_rights(full_terc):
    import_terc(full_terc)

    cities = session.scalars(select(Powiat.code).where(Powiat.city_with_powiat_rights)).all()
    assert len(cities) == 66
    assert {"1465", "3064"} <= set(cities)  # Warszawa ("miasto stołeczne, na prawach ..."), Poznań
    assert "3021" not in cities


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("crlf", [True, False])
def test_register_is_read_with_or_without_bom_and_with_crlf_or_lf(terc_bytes, bom, crlf):
    report = import_terc(terc_bytes(bom=bom, crlf=crlf))

    assert report.gminy_added == ["302103", "302104"]
    assert report.parts_skipped == 2
    buk = session.scalar(select(Gmina).where(Gmina.teryt6 == "302103"))
    assert (buk.name, buk.teryt7, buk.kind_label) == ("Buk", "3021033", "gmina miejsko-wiejska")
    assert buk.voivodeship.name == "WIELKOPOLSKIE"
    assert buk.voivodeship.display_name == "wielkopolskie"


def test_reimporting_the_same_register_adds_and_changes_nothing(terc_bytes, row_counts):
    import_terc(terc_bytes())
    before = row_counts()

    report = import_terc(terc_bytes())

    assert row_counts() == before
    assert report.gminy_added == report.renamed == report.kind_changed == report.missing == []
    assert report.voivodeships_added == report.powiats_added == report.units_renamed == []


def test_reimporting_a_newer_register_reports_a_rural_gmina_that_became_urban_rural(
    terc_bytes, small_terc
):
    import_terc(terc_bytes(small_terc))
    newer = [line.replace("2020-01-01", "2021-01-01") for line in small_terc]
    newer[1] = "30;21;;;poznański wschodni;powiat;2021-01-01"
    newer[5] = "30;21;04;3;Czerwonak Nowy;gmina miejsko-wiejska;2021-01-01"

    report = import_terc(terc_bytes(newer))

    assert report.year == 2021
    assert report.kind_changed == [KindChanged("302104", 2, 3, "3021043")]
    assert report.renamed == [Renamed("302104", "Czerwonak", "Czerwonak Nowy")]
    assert report.units_renamed == [Renamed("3021", "poznański", "poznański wschodni")]
    gmina = session.scalar(select(Gmina).where(Gmina.teryt6 == "302104"))
    assert (gmina.teryt7, gmina.kind) == ("3021043", GminaKind.URBAN_RURAL)
    assert gmina.name == "Czerwonak Nowy"
    assert sorted((y.year, y.teryt7, y.name) for y in gmina.years) == [
        (2020, "3021042", "Czerwonak"),
        (2021, "3021043", "Czerwonak Nowy"),
    ]


def test_gmina_missing_from_a_newer_register_is_reported_and_kept(terc_bytes, small_terc):
    import_terc(terc_bytes(small_terc))
    newer = [line.replace("2020-01-01", "2021-01-01") for line in small_terc[:5]]

    report = import_terc(terc_bytes(newer))

    assert report.missing == ["302104"]
    assert session.scalar(select(Gmina).where(Gmina.teryt6 == "302104")) is not None


def test_importing_an_older_register_stores_its_year_but_keeps_current_names_and_kinds(
    terc_bytes, small_terc
):
    import_terc(terc_bytes(small_terc))
    older = [line.replace("2020-01-01", "2019-01-01") for line in small_terc]
    older[5] = "30;21;04;3;Czerwonak Stary;gmina miejsko-wiejska;2019-01-01"

    report = import_terc(terc_bytes(older))

    assert not report.current_updated
    assert report.renamed == report.kind_changed == []
    gmina = session.scalar(select(Gmina).where(Gmina.teryt6 == "302104"))
    assert (gmina.name, gmina.teryt7) == ("Czerwonak", "3021042")
    assert sorted((y.year, y.teryt7) for y in gmina.years) == [(2019, "3021043"), (2020, "3021042")]


# Each bad file: (data lines, expected (line, column), a fragment of the Polish message).
# Line 1 is the header, so the n-th data line is line n + 1.
MALFORMED = {
    "non_numeric_powiat": (
        ["30;;;;W;województwo;2020-01-01", "30;2x;;;p;powiat;2020-01-01"],
        (3, "POW"),
        "2-cyfrowej",
    ),
    "duplicate_gmina": (
        [
            "30;;;;W;województwo;2020-01-01",
            "30;21;;;p;powiat;2020-01-01",
            "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01",
            "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01",
        ],
        (5, "GMI"),
        "powtarza się (pierwszy raz w wierszu 4)",
    ),
    "same_gmina_with_two_kinds": (
        [
            "30;;;;W;województwo;2020-01-01",
            "30;21;;;p;powiat;2020-01-01",
            "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01",
            "30;21;04;3;Czerwonak;gmina miejsko-wiejska;2020-01-01",
        ],
        (5, "RODZ"),
        "302104 powtarza się",
    ),
    "gmina_without_its_powiat_row": (
        ["30;;;;W;województwo;2020-01-01", "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01"],
        (3, "POW"),
        "Brak wiersza powiatu 3021",
    ),
    "powiat_without_its_voivodeship_row": (
        ["30;21;;;p;powiat;2020-01-01"],
        (2, "WOJ"),
        "Brak wiersza województwa 30",
    ),
    "unknown_rodz": (
        [
            "30;;;;W;województwo;2020-01-01",
            "30;21;;;p;powiat;2020-01-01",
            "30;21;04;6;Czerwonak;gmina;2020-01-01",
        ],
        (4, "RODZ"),
        "Nieznany rodzaj jednostki „6”",
    ),
    "too_few_fields": (
        ["30;;;;W;województwo;2020-01-01", "30;21;;;p;powiat"],
        (3, ""),
        "Wiersz ma 6 pól, a nagłówek 7",
    ),
    "bad_state_date": (
        ["30;;;;W;województwo;01.01.2020"],
        (2, "STAN_NA"),
        "Nieprawidłowa data „01.01.2020”",
    ),
    "empty_name": (
        ["30;;;;;województwo;2020-01-01"],
        (2, "NAZWA"),
        "Brak nazwy",
    ),
    "header_only": ([], (1, ""), "nie zawiera żadnych wierszy danych"),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_register_is_rejected_naming_line_and_column_and_writes_nothing(
    terc_bytes, small_terc, row_counts, case
):
    import_terc(terc_bytes(small_terc))
    before = row_counts()
    lines, (line, column), fragment = case

    with pytest.raises(ImportFailed) as failed:
        import_terc(terc_bytes(lines, bom=True))

    assert (failed.value.errors[0].line, failed.value.errors[0].column) == (line, column)
    assert fragment in failed.value.errors[0].message
    assert row_counts() == before


def test_register_in_windows_1250_is_rejected_naming_the_first_bad_line(
    terc_bytes, small_terc, row_counts
):
    with pytest.raises(ImportFailed) as failed:
        import_terc(terc_bytes(small_terc, encoding="cp1250"))

    [error] = failed.value.errors
    assert (error.line, error.column) == (2, "NAZWA_DOD")  # "województwo"
    assert "UTF-8" in error.message and "Windows-1250" in error.message
    assert set(row_counts().values()) == {0}


def test_register_missing_a_column_is_rejected_naming_the_column(row_counts):
    data = b"WOJ;POW;GMI;RODZ;NAZWA;STAN_NA\r\n30;;;;W;2020-01-01\r\n"

    with pytest.raises(ImportFailed) as failed:
        import_terc(data)

    assert [(e.line, e.column) for e in failed.value.errors] == [(1, "NAZWA_DOD")]
    assert set(row_counts().values()) == {0}


def test_register_saved_with_commas_is_rejected_with_a_hint_about_semicolons():
    data = "WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA\r\n30,,,,W,województwo,2020-01-01\r\n"

    with pytest.raises(ImportFailed) as failed:
        import_terc(data.encode())

    assert "średnikami" in failed.value.errors[0].message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["empty", "bom", "blank"])
def test_empty_register_file_is_rejected(data):
    with pytest.raises(ImportFailed) as failed:
        import_terc(data)

    assert failed.value.errors[0][:2] == (1, "")
    assert "pusty" in failed.value.errors[0].message


def test_every_problem_of_a_bad_register_is_reported_at_once(terc_bytes):
    lines = [
        "30;;;;W;województwo;2020-01-01",
        "3x;21;;;p;powiat;2020-01-01",
        "30;21;04;7;C;gmina;2020-01-01",
        "30;21;05;2;D;gmina wiejska;2020",
    ]

    with pytest.raises(ImportFailed) as failed:
        import_terc(terc_bytes(lines))

    assert [(e.line, e.column) for e in failed.value.errors] == [
        (3, "WOJ"),
        (4, "RODZ"),
        (5, "POW"),
        (5, "STAN_NA"),
    ]
