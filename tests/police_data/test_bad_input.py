"""Every kind of bad file is refused whole, with a Polish message naming its row and column."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.municipalities.gus_files import ImportFailed
from portal.police_data import spreadsheets
from portal.police_data.services import import_file, preview_import
from tests.police_data.conftest import (
    CRIME_HEADER,
    THREAT_HEADER,
    crime_line,
    csv_bytes,
    threat_line,
    xlsx_bytes,
)


def refused(data: bytes, police_counts, name: str = "policja.csv", kind=None) -> list:
    """Import `data`, expect it refused, check that nothing was written; return the errors."""
    before = police_counts()
    with pytest.raises(ImportFailed) as failed:
        import_file(data, name, kind)
    assert police_counts() == before
    return failed.value.errors


def only(errors: list) -> tuple[int, str, str]:
    assert len(errors) == 1, errors
    return errors[0]


def test_a_windows_1250_csv_is_refused_naming_the_encoding_line_and_column(pilot, police_counts):
    data = csv_bytes(CRIME_HEADER, [crime_line(source="KMP_Poznań")], encoding="cp1250")

    line, column, message = only(refused(data, police_counts))

    assert (line, column) == (2, "source")
    assert "UTF-8" in message and "Windows-1250" in message


def test_a_csv_with_bom_and_commas_is_read(pilot, crime_csv):
    preview = preview_import(crime_csv(bom=True, delimiter=","), "policja.csv")

    assert preview.ok, preview.errors
    assert (preview.rows_read, preview.units_matched, preview.added) == (1, 1, 1)


def test_a_missing_column_is_named(pilot, police_counts):
    header = [name for name in CRIME_HEADER if name != "przestepstwa_stwierdzone"]
    data = csv_bytes(header, [crime_line()[:5] + crime_line()[6:]])

    line, column, message = only(refused(data, police_counts))

    assert (line, column) == (1, "przestepstwa_stwierdzone")
    assert "Brak kolumny" in message


def test_an_extra_column_is_named(pilot, police_counts):
    data = csv_bytes([*CRIME_HEADER, "uwagi"], [[*crime_line(), "x"]])

    line, column, message = only(refused(data, police_counts))

    assert (line, column) == (1, "uwagi")
    assert "Nieznana kolumna" in message


def test_a_row_with_more_fields_than_the_header_is_refused(pilot, police_counts):
    data = csv_bytes(CRIME_HEADER, [crime_line(), [*crime_line(teryt="3021021"), "x"]])

    line, _column, message = only(refused(data, police_counts))

    assert line == 3 and "pól" in message


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        (crime_line(confirmed="sto"), "przestepstwa_stwierdzone", "nie jest liczbą całkowitą"),
        (crime_line(confirmed="12.5"), "przestepstwa_stwierdzone", "nie jest liczbą całkowitą"),
        (crime_line(detected="-3"), "przestepstwa_wykryte", "nie może być ujemna"),
        (crime_line(confirmed="10", detected="11"), "przestepstwa_wykryte",
         "więcej niż stwierdzonych"),
        (crime_line(rate="101"), "wskaznik_wykrywalnosci_pct", "poza zakresem"),
        (crime_line(category="kradziez"), "category", "Nieznana kategoria"),
        (crime_line(teryt="302101"), "teryt", "7 cyfr"),
        (crime_line(teryt="3021014"), "teryt", "nie jest kodem gminy"),
        (crime_line(year=20180), "period_start", "RRRR-MM-DD"),
        (crime_line(source=""), "source", "źródło"),
    ],
)
def test_a_bad_crime_value_is_refused_with_row_and_column(pilot, police_counts, line, column,
                                                          fragment):
    data = csv_bytes(CRIME_HEADER, [crime_line(teryt="3021021"), line])

    errors = refused(data, police_counts)

    assert {error.line for error in errors} == {3}
    (message,) = [error.message for error in errors if error.column == column]
    assert fragment in message


def test_detected_may_include_reopened_cases(pilot, crime_csv):
    preview = preview_import(crime_csv([crime_line(confirmed="10", detected="11",
                                                   reopened="2")]), "policja.csv")
    assert preview.ok, preview.errors


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        (threat_line(reported="5", confirmed="6", not_confirmed=""), "confirmed",
         "więcej niż zgłoszonych"),
        (threat_line(reported="10", confirmed="6", not_confirmed="5", eliminated="3"),
         "not_confirmed",
         "przekraczają"),
        (threat_line(confirmed="6", eliminated="7", not_confirmed="0"), "eliminated",
         "więcej niż potwierdzonych"),
        (threat_line(reported="-1"), "reported", "ujemna"),
        (threat_line(category="parkowanie"), "category_code", "Nieznana kategoria"),
    ],
)
def test_a_bad_threat_map_value_is_refused(pilot, police_counts, line, column, fragment):
    errors = refused(csv_bytes(THREAT_HEADER, [line]), police_counts)

    assert (errors[0].line, errors[0].column) == (2, column)
    assert fragment in errors[0].message


def test_duplicate_keys_are_refused_naming_the_first_row(pilot, police_counts):
    # The same gmina under two 7th digits is still the same gmina.
    data = csv_bytes(CRIME_HEADER, [crime_line(teryt="3021093"), crime_line(teryt="3021092")])

    preview = preview_import(data, "policja.csv")
    line, column, message = only(refused(data, police_counts))

    assert preview.duplicates == 1
    assert (line, column) == (3, "teryt") and "wierszu 2" in message


def test_an_unknown_teryt_code_is_refused(pilot, police_counts):
    data = csv_bytes(CRIME_HEADER, [crime_line(), crime_line(teryt="0201011")])

    preview = preview_import(data, "policja.csv")
    line, column, message = only(refused(data, police_counts))

    assert preview.unknown_codes == 1
    assert (line, column) == (3, "teryt") and "0201011" in message


def test_a_code_from_another_year_matches_on_six_digits_with_a_note(pilot, crime_csv):
    # Kórnik is 3021093 (urban-rural) in 2020; a file may still carry an older 7th digit.
    preview = preview_import(crime_csv([crime_line(teryt="3021092")]), "policja.csv")

    assert preview.ok and preview.units_matched == 1
    (note,) = preview.notes
    assert (note.line, note.column) == (2, "teryt")
    assert "3021093" in note.message and "sześciu" in note.message


def test_an_xlsx_that_is_not_a_zip_is_refused(pilot, police_counts, crime_csv):
    _line, _column, message = only(refused(crime_csv(), police_counts, name="policja.xlsx"))
    assert "nie jest archiwum ZIP" in message


def test_a_zip_that_is_not_a_workbook_is_refused(pilot, police_counts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    _line, _column, message = only(refused(out.getvalue(), police_counts, name="p.xlsx"))

    assert "xl/workbook.xml" in message


def test_a_binary_csv_is_refused(pilot, police_counts):
    _line, _column, message = only(refused(b"\x00\x01binary\x00" * 50, police_counts))
    assert "binarne" in message


def test_a_workbook_renamed_to_csv_is_refused(pilot, police_counts):
    data = xlsx_bytes({"dane": [CRIME_HEADER, crime_line()]})
    _line, _column, message = only(refused(data, police_counts, name="policja.csv"))
    assert ".xlsx" in message


def test_an_unsupported_extension_is_refused(pilot, police_counts, crime_csv):
    _line, _column, message = only(refused(crime_csv(), police_counts, name="policja.pdf"))
    assert ".csv" in message


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(pilot, police_counts, monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 2**20))
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 2 * 2**20)

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    data = out.getvalue()
    assert len(data) < 20_000  # a few kilobytes that would unpack to megabytes

    _line, _column, message = only(refused(data, police_counts, name="bomba.xlsx"))

    assert "po rozpakowaniu" in message


def test_too_many_rows_are_refused(pilot, police_counts, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    lines = [crime_line(category=c) for c in ("ogolem", "mienie", "rozboj", "kryminalne")]

    _line, _column, message = only(refused(csv_bytes(CRIME_HEADER, lines), police_counts))

    assert "więcej niż 3 wierszy" in message


def test_too_many_rows_in_a_workbook_are_refused(pilot, police_counts, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    lines = [crime_line(category=c) for c in ("ogolem", "mienie", "rozboj", "kryminalne")]

    errors = refused(xlsx_bytes({"dane": [CRIME_HEADER, *lines]}), police_counts, name="p.xlsx")

    assert "więcej niż 3 wierszy" in only(errors)[2]


def test_an_oversized_file_is_refused(pilot, police_counts, monkeypatch, crime_csv):
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 100)
    _line, _column, message = only(refused(crime_csv(), police_counts))
    assert "MB" in message


def test_an_empty_file_and_a_header_only_file_are_refused(pilot, police_counts):
    assert "pusty" in only(refused(b"\r\n", police_counts))[2]
    assert "wierszy danych" in only(refused(csv_bytes(CRIME_HEADER, []), police_counts))[2]


def test_an_unrecognised_header_says_what_is_expected(pilot, police_counts):
    _line, _column, message = only(refused(b"a;b;c\r\n1;2;3\r\n", police_counts))
    assert "przestepstwa_stwierdzone" in message


def test_a_workbook_with_text_codes_and_numbers_imports(pilot):
    rows = [CRIME_HEADER, ["KMP", "2018-01-01", "2018-12-31", "3021011", "rozboj", 7, 5, None,
                           None]]
    preview = preview_import(xlsx_bytes({"dane": rows}), "policja.xlsx")
    assert preview.ok, preview.errors
    assert preview.added == 1


def test_a_workbook_code_that_lost_its_leading_zero_is_refused(pilot, police_counts):
    rows = [CRIME_HEADER, ["KMP", "2018-01-01", "2018-12-31", 201011, "rozboj", 7, 5, None, None]]
    errors = refused(xlsx_bytes({"dane": rows}), police_counts, name="p.xlsx")
    assert (errors[0].line, errors[0].column) == (2, "teryt")
    assert "zero wiodące" in errors[0].message
