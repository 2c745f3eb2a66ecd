"""Importing population per gmina from the GUS BDL LUDN 2137 export."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.models import Population
from portal.municipalities.services import ImportFailed, import_population, import_terc

BUK = '3021033;"Buk (3)";12673;754;'
BUK_TOWN = '3021034;"Buk - miasto (4)";5948;304;'
BUK_VILLAGES = '3021035;"Buk - obszar wiejski (5)";6725;450;'
CZERWONAK = '3021042;"Czerwonak (2)";27780;1320;'


@pytest.fixture
def small_registry(terc_bytes):
    import_terc(terc_bytes())


def totals() -> dict[tuple[str, int], int]:
    return {(p.gmina.teryt6, p.year): p.total for p in session.scalars(select(Population))}


def test_full_population_file_totals_38_265_013_over_the_2477_gminy(full_terc, full_population):
    import_terc(full_terc)
    started = time.perf_counter()
    report = import_population(full_population, year=2020)
    elapsed = time.perf_counter() - started

    assert report.total_population == 38_265_013
    assert report.gminy_matched == 2477
    assert report.rows_read == 3779
    assert report.parts_skipped == 642 + 642 + 18
    assert report.notes == [] and report.gminy_without_population == []
    assert session.scalar(select(func.sum(Population.total))) == 38_265_013
    assert elapsed < 5


def test_population_is_stored_per_gmina_and_parts_of_gminy_are_skipped(
    small_registry, population_bytes
):
    report = import_population(population_bytes([BUK, BUK_TOWN, BUK_VILLAGES, CZERWONAK]), 2020)

    assert (report.rows_read, report.gminy_matched, report.parts_skipped) == (4, 2, 2)
    assert report.total_population == 12673 + 27780
    assert totals() == {("302103", 2020): 12673, ("302104", 2020): 27780}


def test_reimporting_population_for_a_year_replaces_it_and_keeps_other_years(
    small_registry, population_bytes
):
    import_population(population_bytes([BUK, CZERWONAK]), 2019)
    import_population(population_bytes([BUK, CZERWONAK]), 2020)

    report = import_population(population_bytes([BUK.replace("12673", "13000")]), 2020)

    assert (report.added, report.replaced) == (0, 1)
    assert report.gminy_without_population == ["302104"]
    assert totals() == {
        ("302103", 2019): 12673,
        ("302104", 2019): 27780,
        ("302103", 2020): 13000,
        ("302104", 2020): 27780,
    }


def test_a_corrected_figure_gets_a_new_import_time_and_an_unchanged_one_keeps_its_own(
    small_registry, population_bytes
):
    # The review page's peer bands notice corrections by the latest import time.
    import_population(population_bytes([BUK, CZERWONAK]), 2020)
    before = dict(session.execute(select(Population.gmina_id, Population.imported_at)).all())

    import_population(population_bytes([BUK.replace("12673", "13000"), CZERWONAK]), 2020)

    after = dict(session.execute(select(Population.gmina_id, Population.imported_at)).all())
    changed = [gmina_id for gmina_id in after if after[gmina_id] != before[gmina_id]]
    [buk] = changed
    assert session.scalar(select(Population.total).where(Population.gmina_id == buk)) == 13000
    assert after[buk] > before[buk]


def test_code_with_a_different_seventh_digit_is_matched_on_six_digits_with_a_note(
    small_registry, population_bytes
):
    # BDL still carrying the rural code of a gmina that the register already lists as urban-rural.
    report = import_population(population_bytes([BUK.replace("3021033", "3021032")]), 2020)

    [note] = report.notes
    assert (note.line, note.column) == (2, "Kod")
    assert "3021032" in note.message and "3021033" in note.message
    assert totals() == {("302103", 2020): 12673}


# Each bad file: (data lines, expected (line, column), a fragment of the Polish message).
MALFORMED = {
    "negative": ([BUK, CZERWONAK.replace("27780", "-5")], (3, "ogółem"), "ujemna"),
    "not_a_number": ([BUK.replace("12673", "12 673,0")], (2, "ogółem"), "nie jest liczbą"),
    "no_data_dash": ([BUK, CZERWONAK.replace("27780", "-")], (3, "ogółem"), "nie jest liczbą"),
    "duplicate": ([BUK, CZERWONAK, BUK], (4, "Kod"), "pierwszy raz w wierszu 2"),
    "non_numeric_code": ([BUK.replace("3021033", "30210X3")], (2, "Kod"), "7-cyfrowej"),
    "powiat_level_code": ([BUK.replace("3021033", "3021000")], (2, "Kod"), "nie jest kodem gminy"),
    "gmina_not_in_register": (
        [BUK, '3021172;"Tarnowo Podgórne (2)";28908;2053;'],
        (3, "Kod"),
        "nie ma w rejestrze TERYT",
    ),
    "too_many_fields": ([BUK + "1;"], (2, ""), "Wiersz ma 6 pól, a nagłówek 5"),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_population_file_is_rejected_naming_line_and_column_and_writes_nothing(
    small_registry, population_bytes, row_counts, case
):
    import_population(population_bytes([CZERWONAK.replace("27780", "1")]), 2020)
    before = row_counts()
    lines, (line, column), fragment = case

    with pytest.raises(ImportFailed) as failed:
        import_population(population_bytes(lines), 2020)

    assert (failed.value.errors[0].line, failed.value.errors[0].column) == (line, column)
    assert fragment in failed.value.errors[0].message
    assert row_counts() == before
    assert totals() == {("302104", 2020): 1}


def test_population_file_without_the_total_column_is_rejected(small_registry, row_counts):
    data = b'"Kod";"Nazwa";"0-4";\r\n3021033;"Buk (3)";754;\r\n'

    with pytest.raises(ImportFailed) as failed:
        import_population(data, 2020)

    assert [(e.line, e.column) for e in failed.value.errors] == [(1, "ogółem")]
    assert row_counts()["populations"] == 0


def test_population_file_in_windows_1250_is_rejected(small_registry, population_bytes):
    with pytest.raises(ImportFailed) as failed:
        import_population(population_bytes([BUK], encoding="cp1250"), 2020)

    [error] = failed.value.errors
    assert (error.line, error.column) == (1, "ogółem")
    assert "Windows-1250" in error.message


def test_population_file_with_bom_and_lf_is_read(small_registry, population_bytes):
    report = import_population(population_bytes([BUK], bom=True, crlf=False), 2020)

    assert report.total_population == 12673
