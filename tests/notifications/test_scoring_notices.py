"""Objections and publication reach the right people through a real SMTP server, after commit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import session
from portal.municipalities.models import Gmina
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.scoring import notify, objections, services
from portal.scoring.models import RankingEntry
from tests import factories
from tests.notifications.conftest import BASE_URL, outbox
from tests.scoring import service_helpers as h

TODAY = date(2019, 6, 1)
SCRIPT = '<script>alert("x")</script> & dane z protokołu'


@pytest.fixture
def edition():
    return factories.open_edition_2018()


@pytest.fixture
def gminy(edition):
    """Three approved made-up gminy: ours (two officials), a neighbour (one), a third (none)."""
    ours, neighbour, third = h.gminy(3, edition=edition)
    return ours, neighbour, third


@pytest.fixture
def officials(gminy):
    ours, neighbour, _ = gminy
    inactive = factories.official(ours)
    inactive.active = False
    session.flush()
    return {
        "ours": [factories.official(ours), factories.official(ours)],
        "neighbour": [factories.official(neighbour)],
        "inactive": inactive,
    }


@pytest.fixture
def draft(app, edition, gminy, officials):
    admin = factories.admin(name="Anna Administratorka")
    with app.app_context():
        run = services.start_run(edition, actor=admin, draws=0)
        services.set_reply_deadline(run, TODAY + timedelta(days=7), actor=admin)
    return run, admin


def _received(smtp_server) -> list[str]:
    return sorted(rcpt for rcpts, _ in smtp_server.inbox.received for rcpt in rcpts)


def _kinds(kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_filed_objection_tells_the_admins_and_its_resolution_tells_only_the_gminas_officials(
        app, configure_mail, smtp_server, draft, gminy, officials):
    configure_mail(smtp_server.port)
    smtp_server.start()
    run, admin = draft
    ours = gminy[0]

    with app.test_request_context():
        objection = objections.add_objection(run, ours, actor=officials["ours"][0], today=TODAY,
                                             comment="Liczba kamer <b>zaniżona</b>.")
        session.commit()
    [(rcpts, filed)] = smtp_server.inbox.received
    assert rcpts == [admin.email]
    assert filed["Subject"] == (f"Gmina {ours.name} zgłosiła zastrzeżenie do projektu wyników "
                                "(edycja 2018)")
    assert f"{BASE_URL}/admin/scoring/runs/{run.id}" in filed.get_body(("plain",)).get_content()
    smtp_server.inbox.received.clear()

    with app.test_request_context():
        objections.resolve(objection, accept=False, resolution=SCRIPT, actor=admin)
        assert smtp_server.inbox.received == []  # nothing leaves before the commit
        session.commit()

    assert _received(smtp_server) == sorted(u.email for u in officials["ours"])
    card = f"{BASE_URL}/wyniki/projekt/{run.id}/{ours.teryt6}"
    for email in smtp_server.inbox.messages:
        assert email["Subject"] == (f"Rozpatrzono zastrzeżenie gminy {ours.name} do projektu "
                                    "wyników (edycja 2018)")
        text = email.get_body(("plain",)).get_content()
        assert f"(przebieg nr {run.number}) zostało odrzucone" in text
        assert SCRIPT in text and "Liczba kamer <b>zaniżona</b>." in text
        assert card in text
        html = email.get_body(("html",)).get_content()
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; dane z protokołu" in html
        assert "&lt;b&gt;zaniżona&lt;/b&gt;" in html
        assert "<script" not in html and "<b>zaniżona" not in html
        assert f'href="{card}"' in html
    assert {m.status for m in _kinds("objection_resolved")} == {OutboxStatus.SENT}


def test_accepted_objection_says_so(app, configure_mail, smtp_server, draft, gminy, officials):
    configure_mail(smtp_server.port)
    run, admin = draft
    with app.test_request_context():
        objection = objections.add_objection(run, gminy[0], actor=officials["ours"][0],
                                             today=TODAY, comment="Błędna liczba strażników.")
        session.commit()
        smtp_server.start()
        objections.resolve(objection, accept=True, resolution="Sprawdzimy ponownie.",
                           actor=admin)
        session.commit()

    text = smtp_server.inbox.messages[0].get_body(("plain",)).get_content()
    assert "zostało uwzględnione" in text and "Sprawdzimy ponownie." in text


def test_rolled_back_resolution_sends_nothing(app, configure_mail, smtp_server, draft, gminy,
                                              officials):
    configure_mail(smtp_server.port)
    run, admin = draft
    with app.test_request_context():
        objection = objections.add_objection(run, gminy[0], actor=officials["ours"][0],
                                             today=TODAY, comment="Za mało kamer.")
        session.commit()
        smtp_server.start()
        objections.resolve(objection, accept=False, resolution="Nie.", actor=admin)
        session.rollback()  # as the view does when something fails after the service
        factories.reviewer()
        session.commit()  # a later, unrelated commit must not send the rolled-back message

    assert smtp_server.inbox.received == []
    assert _kinds("objection_resolved") == []


def test_publication_tells_every_official_of_every_gmina_in_the_run(
        app, configure_mail, smtp_server, draft, gminy, officials):
    configure_mail(smtp_server.port)
    smtp_server.start()
    run, admin = draft
    late = factories.made_up_gminy(1, voivodeship_code="96")[0]  # not in the run
    factories.official(late)

    with app.test_request_context():
        services.set_reply_deadline(run, None, actor=admin)
        services.publish(run, actor=admin, today=TODAY)
        assert smtp_server.inbox.received == []
        session.commit()

    expected = {u.email: g for g, users in ((gminy[0], officials["ours"]),
                                            (gminy[1], officials["neighbour"])) for u in users}
    assert _received(smtp_server) == sorted(expected)  # not the inactive one, not `late`'s
    for rcpts, email in smtp_server.inbox.received:
        gmina = expected[rcpts[0]]
        assert email["Subject"] == "Opublikowano ranking edycji 2018 programu „Gmina Bezpieczna”"
        text = email.get_body(("plain",)).get_content()
        assert f"Wynik gminy {gmina.name} w publicznym rankingu:" in text
        assert f"{BASE_URL}/ranking/2018/gmina/{gmina.teryt6}" in text
        assert "korekta" not in text
    assert client_can_open(app, gminy[0])


def client_can_open(app, gmina) -> bool:
    """The link in the e-mail is the public scorecard that now exists."""
    return app.test_client().get(f"/ranking/2018/gmina/{gmina.teryt6}").status_code == 200


def test_publication_is_in_english_when_that_is_the_portal_language(
        app, monkeypatch, configure_mail, draft, gminy, officials):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    run, admin = draft
    with app.test_request_context():
        services.set_reply_deadline(run, None, actor=admin)
        services.publish(run, actor=admin, today=TODAY)
    message = _kinds("ranking_published")[0]
    assert message.subject == ("The ranking of the 2018 edition of the “Gmina Bezpieczna” "
                               "programme has been published")
    assert f"The result of {gminy[0].name} in the public ranking:" in message.body


def test_each_official_reads_the_publication_in_the_language_they_chose(
        app, client, configure_mail, draft, gminy, officials):
    reads_english, reads_polish = officials["ours"]
    factories.login(client, reads_english)
    client.post("/language/en", data={"next": "/"})  # the switch in the page header
    run, admin = draft
    with app.test_request_context():
        services.set_reply_deadline(run, None, actor=admin)
        services.publish(run, actor=admin, today=TODAY)
    by_recipient = {m.recipient_id: m for m in _kinds("ranking_published")}
    assert by_recipient[reads_english.id].subject.startswith("The ranking of the 2018 edition")
    assert by_recipient[reads_polish.id].subject.startswith("Opublikowano ranking")
    assert by_recipient[officials["neighbour"][0].id].subject.startswith("Opublikowano ranking")


def test_publication_queues_in_a_constant_number_of_queries(app, query_counter, draft,
                                                            officials):
    """One recipients query and one bulk insert, however many gminy and officials."""
    run, _ = draft
    with app.test_request_context():
        before = query_counter["n"]
        few = notify.notify_published(run)
        few_queries = query_counter["n"] - before
        for gmina in _run_gminy(run)[1:]:  # every other gmina of the run gets two officials
            factories.official(gmina)
            factories.official(gmina)
        session.flush()
        before = query_counter["n"]
        many = notify.notify_published(run)
        many_queries = query_counter["n"] - before

    assert few == 3 and many >= few + 2 * (len(_run_gminy(run)) - 1)
    assert many_queries == few_queries == 2  # the recipients, the bulk insert


def _run_gminy(run) -> list:
    return list(session.scalars(select(Gmina).join(RankingEntry).where(
        RankingEntry.run_id == run.id).order_by(Gmina.teryt6)))


def test_outbox_rows_of_a_published_run_need_no_submission(app, configure_mail, draft):
    run, admin = draft
    with app.test_request_context():
        services.set_reply_deadline(run, None, actor=admin)
        services.publish(run, actor=admin, today=TODAY)
        session.commit()
    assert outbox() and all(m.submission_id is None and m.status == OutboxStatus.LOGGED
                            for m in outbox())


def test_a_large_publication_sends_part_in_the_request_and_the_rest_from_the_command(
        app, monkeypatch, configure_mail, smtp_server, draft, gminy, officials):
    """Thousands of officials must not hold the publishing request: the rest waits in the
    outbox until `flask portal outbox send` (cron) delivers it."""
    from portal.notifications import services as notifications

    monkeypatch.setattr(notifications, "IN_REQUEST_LIMIT", 2)
    configure_mail(smtp_server.port)
    smtp_server.start()
    run, admin = draft
    with app.test_request_context():
        services.set_reply_deadline(run, None, actor=admin)
        services.publish(run, actor=admin, today=TODAY)
        session.commit()
    assert len(smtp_server.inbox.received) == 2
    waiting = _kinds("ranking_published")
    assert sorted(m.status for m in waiting) == [OutboxStatus.QUEUED, OutboxStatus.SENT,
                                                 OutboxStatus.SENT]

    result = app.test_cli_runner().invoke(args=["portal", "outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent: 1"
    assert _received(smtp_server) == sorted(u.email for u in officials["ours"]
                                            + officials["neighbour"])
    again = app.test_cli_runner().invoke(args=["portal", "outbox", "send"])
    assert again.output.strip() == "No e-mail waiting."
