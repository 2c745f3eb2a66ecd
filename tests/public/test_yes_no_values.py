"""The public scorecard and feedback report read yes/no indicators as "tak"/"nie"."""

from __future__ import annotations

import re

import pytest

from tests.public import builders as b

STAFFED = "Obserwacja obrazu przez całą dobę"
CAMERAS = "Kamery przestrzeni publicznej na 10 tys. mieszkańców"


def cells(page: str, name: str) -> list[str]:
    """The text of every cell of the table row that names `name`."""
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?" + re.escape(name) + r".*?</tr>", page, re.S)
    assert row, name
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(0), re.S)]


@pytest.fixture
def published():
    run = b.run(b.edition(2018))
    county = b.powiat("0201", "bolesławiecki")
    yes = b.entry(run, b.gmina("020102", "Gromadka", kind=2, county=county))
    no = b.entry(run, b.gmina("020103", "Nowogrodziec", kind=2, county=county),
                 rank_national=2, rank_category=2, score=40.0)
    other = b.entry(run, b.gmina("020104", "Osiecznica", kind=2, county=county),
                    rank_national=3, rank_category=3, score=30.0)
    for entry, answer, cameras in ((yes, 1.0, 12.0), (no, 0.0, 4.0), (other, 1.0, 8.0)):
        b.indicator(entry, "obserwacja_calodobowa", raw=answer, normalised=answer * 100)
        b.indicator(entry, "kamery_na_10_tys", raw=cameras, normalised=cameras * 5)
    return run


def test_scorecard_shows_tak_and_nie_and_the_share_of_yes(client, published):
    page = client.get("/ranking/2018/gmina/020102").get_data(as_text=True)
    assert cells(page, STAFFED)[2:4] == ["tak", "„tak” w 67% gmin"]
    assert cells(page, CAMERAS)[2:4] == ["12,0", "8,0 (6,0–10,0)"]  # numbers stay numbers
    page = client.get("/ranking/2018/gmina/020103").get_data(as_text=True)
    assert cells(page, STAFFED)[2] == "nie"
    assert "1,000" not in cells(page, STAFFED) and "0,000" not in cells(page, STAFFED)


def test_scorecard_in_english_says_yes_and_no(client, published):
    client.post("/language/en", data={"next": "/"})
    page = client.get("/ranking/2018/gmina/020102").get_data(as_text=True)
    assert cells(page, STAFFED)[2:4] == ["yes", "“yes” in 67% of municipalities"]
    assert cells(page, CAMERAS)[2] == "12.0"
    page = client.get("/ranking/2018/gmina/020103").get_data(as_text=True)
    assert cells(page, STAFFED)[2] == "no"


def test_feedback_report_shows_tak_and_nie(client, published):
    page = client.get("/ranking/2018/gmina/020103/informacja-zwrotna").get_data(as_text=True)
    assert cells(page, STAFFED)[1:3] == ["nie", "„tak” w 67% gmin"]
    assert cells(page, CAMERAS)[1] == "4,0"
