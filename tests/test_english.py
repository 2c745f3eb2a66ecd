"""The interface speaks English on request; Polish stays the default."""

from __future__ import annotations

from tests import factories
from tests.submissions.conftest import revisions_token


def test_polish_is_the_default_language(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="pl"' in html and "Logowanie" in html


def test_visitor_switches_to_english_and_back(client):
    client.post("/language/en", data={"next": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english and "Sign in" in english

    client.post("/language/pl", data={"next": "/login"})
    assert "Logowanie" in client.get("/login").get_data(as_text=True)


def test_english_official_sees_and_resaves_numbers_in_english_format(client):
    factories.open_edition_2018()
    official = factories.official()
    factories.login(client, official)
    client.post("/language/en", data={"next": "/ankieta"})
    dashboard = client.get("/ankieta").get_data(as_text=True)
    assert "Questionnaire sections" in dashboard
    submission_id = dashboard.split("/submissions/")[1].split("/")[0]
    url = f"/submissions/{submission_id}/sections/budget"

    saved = client.post(
        url,
        data={
            "_revisions": revisions_token(client.get(url).get_data(as_text=True)),
            "budget_754_total": "1,234,567.89",
        },
    )
    page = client.get(url).get_data(as_text=True)
    resaved = client.post(
        url, data={"_revisions": revisions_token(page), "budget_754_total": "1,234,567.89"}
    )

    assert saved.status_code == 302 and resaved.status_code == 302
    assert 'value="1,234,567.89"' in page


def test_every_interface_string_has_an_english_translation(tmp_path):
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    from tests.conftest import ROOT

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "portal/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        english = {message.id: message.string for message in read_po(handle) if message.id}

    assert len(wanted) > 500  # the extraction really read the templates and the code
    missing = sorted(str(msgid) for msgid in wanted if not english.get(msgid))
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
