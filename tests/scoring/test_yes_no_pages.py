"""Staff pages show yes/no indicators as "tak"/"nie" (English "yes"/"no"), not as 1,00/0,00."""

from __future__ import annotations

import re

import pytest

from portal.scoring import results, services
from tests import factories
from tests.scoring import service_helpers as h

STAFFED = "Obserwacja obrazu przez całą dobę"  # yes/no: answers(i) says "yes" for odd i
SMS = "System powiadamiania SMS mieszkańców"


def cells(page: str, name: str) -> list[str]:
    """The text of every cell of the table row that names `name`."""
    row = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(name) + r".*?</tr>", page, re.S)
    assert row, name
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(0), re.S)]


@pytest.fixture
def run(edition):
    gminy = h.gminy(6, edition=edition)
    return services.start_run(edition, actor=None, draws=0), gminy


def test_draft_card_shows_the_answer_and_how_many_gminy_said_yes(client, run):
    scoring_run, gminy = run
    factories.login(client, factories.admin())
    yes_gmina, no_gmina = gminy[1], gminy[4]  # both kind 2: one category
    page = client.get(f"/wyniki/projekt/{scoring_run.id}/{yes_gmina.teryt6}").get_data(True)
    assert cells(page, STAFFED)[1:3] == ["tak", "„tak” w 50% gmin"]
    page = client.get(f"/wyniki/projekt/{scoring_run.id}/{no_gmina.teryt6}").get_data(True)
    assert cells(page, STAFFED)[1] == "nie"
    # a numeric indicator keeps its number
    assert re.fullmatch(r"\d+,\d\d", cells(page, "Kamery przestrzeni publicznej")[1])


def test_draft_card_in_english_says_yes_and_no(client, run):
    scoring_run, gminy = run
    factories.login(client, factories.admin())
    client.post("/language/en", data={"next": "/"})
    page = client.get(f"/wyniki/projekt/{scoring_run.id}/{gminy[1].teryt6}").get_data(True)
    assert cells(page, STAFFED)[1:3] == ["yes", "“yes” in 50% of municipalities"]
    page = client.get(f"/wyniki/projekt/{scoring_run.id}/{gminy[4].teryt6}").get_data(True)
    assert cells(page, STAFFED)[1] == "no"


def test_run_page_quality_table_reads_answers(client, run):
    scoring_run, _gminy = run
    factories.login(client, factories.reviewer())
    page = client.get(f"/admin/scoring/runs/{scoring_run.id}").get_data(True)
    minimum, median, maximum = cells(page, STAFFED)[1:4]
    assert (minimum, maximum) == ("nie", "tak")
    assert median in ("tak", "nie", "0,50")  # a median between the answers stays a number
    assert cells(page, SMS)[1] in ("tak", "nie")
    assert cells(page, SMS)[3] in ("tak", "nie")


def test_yes_shares_count_ranked_entries_of_one_category(run):
    scoring_run, gminy = run
    category = results.entry_for(scoring_run, gminy[1]).category
    assert results.yes_shares(scoring_run, category)["obserwacja_calodobowa"] == 0.5
