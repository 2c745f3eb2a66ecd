"""`flask portal police import|batches|template`."""

from __future__ import annotations

from portal.police_data.services import list_batches
from tests.police_data.conftest import CRIME_HEADER, crime_line, csv_bytes


def test_dry_run_prints_the_preview_and_writes_nothing(runner, tmp_path, pilot, crime_csv,
                                                       police_counts):
    path = tmp_path / "policja.csv"
    path.write_bytes(crime_csv())
    before = police_counts()

    result = runner.invoke(args=["portal", "police", "import", str(path), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "nowych 1" in result.output and "nic nie zapisano" in result.output
    assert police_counts() == before


def test_import_commits_a_batch_and_lists_it(runner, tmp_path, pilot, crime_csv):
    path = tmp_path / "policja.csv"
    path.write_bytes(crime_csv())

    result = runner.invoke(args=["portal", "police", "import", str(path), "--kind", "crime"])

    assert result.exit_code == 0, result.output
    assert "Zaimportowano partię" in result.output
    assert list_batches()[1] == 1
    listed = runner.invoke(args=["portal", "police", "batches"])
    assert "policja.csv" in listed.output and "bieżąca" in listed.output


def test_errors_are_printed_with_file_line_and_column_and_exit_1(runner, tmp_path, pilot,
                                                                 police_counts):
    path = tmp_path / "policja.csv"
    path.write_bytes(csv_bytes(CRIME_HEADER, [crime_line(confirmed="-1")]))
    before = police_counts()

    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=["portal", "police", "import", str(path), *extra])
        assert result.exit_code == 1
        assert f"{path}:2: przestepstwa_stwierdzone: Liczba nie może być ujemna" in result.output
        assert "Nic nie zapisano" in result.output
    assert police_counts() == before


def test_re_importing_the_same_file_is_refused(runner, tmp_path, pilot, crime_csv):
    path = tmp_path / "policja.csv"
    path.write_bytes(crime_csv())
    runner.invoke(args=["portal", "police", "import", str(path)])

    result = runner.invoke(args=["portal", "police", "import", str(path)])

    assert result.exit_code == 1 and "nie zmienia danych" in result.output


def test_template_is_written(runner, tmp_path):
    out = tmp_path / "wzor.xlsx"
    result = runner.invoke(args=["portal", "police", "template", "kmzb", "--format", "xlsx",
                                 "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")
