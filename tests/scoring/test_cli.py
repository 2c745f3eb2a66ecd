"""`methodology try` on a CSV, through Flask's CLI runner with a bare app."""

import csv
from pathlib import Path

import pytest
from flask import Flask

from portal.scoring.cli import methodology_cli

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner():
    app = Flask(__name__)
    app.cli.add_command(methodology_cli)
    return app.test_cli_runner()


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_try_writes_scores_group_scores_and_ranks(runner, tmp_path):
    out = tmp_path / "result.csv"
    result = runner.invoke(args=["methodology", "try", str(DATA / "hdi_methodology.yaml"),
                                 "--data", str(DATA / "hdi_2021.csv"), "-o", str(out),
                                 "--draws", "0", "--id-column", "iso3"])
    assert result.exit_code == 0, result.output
    assert "27 units, 27 ranked" in result.output
    rows = {r["unit_id"]: r for r in read(out)}
    assert rows["AUS"]["published_score"] == "0.951" and rows["AUS"]["rank_national"] == "1"
    assert {"score_hdi", "score_health", "score_education", "score_income"} <= rows["AUS"].keys()
    assert "median_rank" not in rows["AUS"]


def test_try_with_draws_adds_rank_intervals_reproducibly(runner, tmp_path):
    args = ["methodology", "try", str(DATA / "hdi_methodology.yaml"), "--data",
            str(DATA / "hdi_2021.csv"), "--draws", "50", "--seed", "5", "--id-column", "iso3"]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert runner.invoke(args=args + ["-o", str(first)]).exit_code == 0
    assert runner.invoke(args=args + ["-o", str(second)]).exit_code == 0
    assert first.read_text() == second.read_text()
    row = read(first)[0]
    assert float(row["rank_q05"]) <= float(row["median_rank"]) <= float(row["rank_q95"])


def test_try_ranks_within_the_declared_category_column(runner, tmp_path):
    data = tmp_path / "gminy.csv"
    data.write_text("teryt;typ;kamery;ludnosc\n0201011;urban;10;20000\n0201022;rural;1;4000\n"
                    "0201032;rural;3;4000\n0201043;urban;30;20000\n", encoding="utf-8")
    spec = tmp_path / "m.yaml"
    spec.write_text(
        "methodology: t\nversion: '1'\nindex: {id: total}\ncategories: {field: typ}\n"
        "indicators:\n  - {id: cams, group: total, source: kamery,\n"
        "     per: {denominator: ludnosc, scale: 10000},\n"
        "     normalisation: {type: goalposts, lo: 0, hi: 20}}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["methodology", "try", str(spec), "--data", str(data),
                                 "-o", str(out), "--draws", "0"])
    assert result.exit_code == 0, result.output
    ranks = {r["unit_id"]: (r["category"], r["rank_category"], r["rank_national"])
             for r in read(out)}
    assert ranks["0201032"] == ("rural", "1", "2")
    assert ranks["0201011"] == ("urban", "2", "3")


def test_try_reports_every_methodology_error(runner, tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("index: {id: total}\nindicators:\n  - {id: a, group: total, source: nope, "
                    "weight: 0, normalisation: {type: minmax}}\n", encoding="utf-8")
    result = runner.invoke(args=["methodology", "try", str(spec), "--data",
                                 str(DATA / "hdi_2021.csv"), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "indicators[0].source: unknown source 'nope'" in result.output
    assert "indicators[0].weight: must be > 0" in result.output
