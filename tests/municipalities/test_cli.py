"""`flask registry import-teryt` and `flask registry import-population`."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel
from sqlalchemy import func, select

from portal.db import session
from portal.municipalities.cli import registry_cli
from portal.municipalities.models import Gmina, Population

POPULATION = '"Kod";"Nazwa";"ogółem";\r\n3021042;"Czerwonak (2)";27780;\r\n'


@pytest.fixture
def runner():
    app = Flask(__name__)
    Babel(app)  # messages are translated inside the app context the command runs in
    app.cli.add_command(registry_cli)
    return app.test_cli_runner()


def count(model) -> int:
    session.remove()  # a fresh session sees only what was committed
    return session.scalar(select(func.count()).select_from(model))


def test_import_teryt_commits_and_prints_the_report(runner, tmp_path, terc_bytes):
    path = tmp_path / "TERC.csv"
    path.write_bytes(terc_bytes())

    result = runner.invoke(args=["registry", "import-teryt", str(path)])

    assert result.exit_code == 0, result.output
    assert "dodano gmin: 2" in result.output
    assert count(Gmina) == 2


def test_import_teryt_reports_a_type_change(runner, tmp_path, terc_bytes, small_terc):
    path = tmp_path / "TERC.csv"
    path.write_bytes(terc_bytes(small_terc))
    runner.invoke(args=["registry", "import-teryt", str(path)])
    small_terc[5] = "30;21;04;3;Czerwonak;gmina miejsko-wiejska;2020-01-01"
    path.write_bytes(terc_bytes(small_terc))

    result = runner.invoke(args=["registry", "import-teryt", str(path)])

    assert "zmiana rodzaju 302104: gmina wiejska -> gmina miejsko-wiejska (nowy kod 3021043)" in (
        result.output
    )


def test_import_teryt_prints_every_error_with_file_line_and_column_and_exits_1(
    runner, tmp_path, terc_bytes
):
    path = tmp_path / "TERC.csv"
    path.write_bytes(
        terc_bytes(
            [
                "30;;;;W;województwo;2020-01-01",
                "30;21;04;2;Czerwonak;gmina wiejska;2020-01-01",
                "30;21;05;7;Dopiewo;gmina wiejska;2020-01-01",
            ]
        )
    )

    result = runner.invoke(args=["registry", "import-teryt", str(path)])

    assert result.exit_code == 1
    assert f"{path}:3: POW: Brak wiersza powiatu 3021 w pliku." in result.output
    assert f"{path}:4: RODZ: Nieznany rodzaj jednostki „7”" in result.output
    assert count(Gmina) == 0


def test_import_population_commits_with_the_given_year(runner, tmp_path, terc_bytes):
    terc, population = tmp_path / "TERC.csv", tmp_path / "LUDN.csv"
    terc.write_bytes(terc_bytes())
    population.write_text(POPULATION, encoding="utf-8", newline="")
    runner.invoke(args=["registry", "import-teryt", str(terc)])

    args = ["registry", "import-population", str(population), "--year", "2020"]
    result = runner.invoke(args=args)

    assert result.exit_code == 0, result.output
    assert "ludność razem: 27780" in result.output
    assert session.scalar(select(Population.year)) == 2020


def test_import_population_requires_a_year(runner, tmp_path):
    path = tmp_path / "LUDN.csv"
    path.write_text(POPULATION, encoding="utf-8")

    result = runner.invoke(args=["registry", "import-population", str(path)])

    assert result.exit_code == 2
    assert "--year" in result.output


def test_import_population_of_an_unknown_gmina_fails_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "LUDN.csv"
    path.write_text(POPULATION, encoding="utf-8", newline="")

    result = runner.invoke(args=["registry", "import-population", str(path), "--year", "2020"])

    assert result.exit_code == 1
    assert f"{path}:2: Kod: Gminy 3021042 (Czerwonak) nie ma w rejestrze TERYT" in result.output
    assert count(Population) == 0
