"""Notifications are sent through a real SMTP server, and only after the change is committed."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.db import session
from portal.notifications.models import OutboxStatus
from portal.notifications.services import queue_notification
from tests import factories
from tests.notifications.conftest import BASE_URL, outbox

SCRIPT = '<script>alert("x")</script> & popraw B2'


def _queue_returned(submission, recipients, comment=SCRIPT, **context):
    queue_notification("submission_returned", submission=submission, recipients=recipients,
                       context={"comment": comment, **context})


def test_returned_notification_arrives_after_the_commit_in_polish(
        app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()
    reviewer = factories.reviewer(name="Rafał Recenzent")

    with app.test_request_context():
        _queue_returned(submission, [kornik_official], actor=reviewer,
                        queries=[{"label": "B2 Wydatki działu 754",
                                  "text": "Proszę o <b>Rb-28S</b>"}])
        assert smtp_server.inbox.received == []  # nothing leaves before the commit
        assert outbox()[0].status == OutboxStatus.QUEUED
        session.commit()

    [(rcpt_tos, email)] = smtp_server.inbox.received
    assert rcpt_tos == [kornik_official.email]
    assert email["To"] == kornik_official.email
    assert email["From"] == "Gmina Bezpieczna <no-reply@gminabezpieczna.pl>"
    assert email["Subject"] == "Ankieta gminy Kórnik (edycja 2018) została zwrócona do poprawy"
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_body(("plain",)).get_content()
    assert "ankieta gminy Kórnik w edycji 2018" in text
    assert "została zwrócona do poprawy" in text
    assert "Weryfikator: Rafał Recenzent" in text
    assert SCRIPT in text  # plain text shows the comment exactly as written
    assert "- B2 Wydatki działu 754: Proszę o <b>Rb-28S</b>" in text
    assert f"{BASE_URL}/submissions/{submission.id}/review" in text
    html = email.get_body(("html",)).get_content()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; popraw B2" in html
    assert "<script" not in html and "<b>Rb-28S" not in html
    assert f'href="{BASE_URL}/submissions/{submission.id}/review"' in html

    [message] = outbox()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None and message.attempts == 1 and message.error is None
    session.expire_all()  # the outcome is in the database, not only on the object
    assert outbox()[0].status == OutboxStatus.SENT


def test_view_that_commits_sends_to_every_active_official_of_the_gmina(
        flow_app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()
    colleague = factories.official(kornik_official.gmina)
    factories.official(factories.pilot_gmina("302101"))  # another gmina's official

    response = flow_app.test_client().post(f"/_test/submissions/{submission.id}/return",
                                           data={"comment": "Uzupełnij sekcję B"})

    assert response.status_code == 200
    recipients = sorted(rcpt for rcpts, _ in smtp_server.inbox.received for rcpt in rcpts)
    assert recipients == sorted([kornik_official.email, colleague.email])
    assert all("Uzupełnij sekcję B" in m.get_body(("plain",)).get_content()
               for m in smtp_server.inbox.messages)


def test_delivery_needs_no_loaded_objects_after_the_commit(
        app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()

    with app.test_request_context():
        _queue_returned(submission, [kornik_official])
        session.expire_all()  # after_commit may not load attributes; delivery reads rows itself
        session.commit()

    assert len(smtp_server.inbox.received) == 1
    assert outbox()[0].status == OutboxStatus.SENT


def test_rolled_back_change_sends_nothing_and_leaves_no_outbox_row(
        app, flow_app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()
    session.commit()  # the submission exists before the request that is rolled back

    response = flow_app.test_client().post(f"/_test/submissions/{submission.id}/return",
                                           data={"comment": "x", "refuse": "1"})
    assert response.status_code == 409
    with app.test_request_context():
        _queue_returned(submission, [kornik_official])
        session.rollback()
        factories.reviewer()
        session.commit()  # a later, unrelated commit must not send the rolled-back message

    assert smtp_server.inbox.received == []
    assert outbox() == []
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "test.returned")) is None


def test_savepoint_rolled_back_drops_only_its_own_messages(
        app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()
    other = factories.official(kornik_official.gmina)

    with app.test_request_context():
        _queue_returned(submission, [kornik_official], comment="pierwsza")
        savepoint = session.begin_nested()
        _queue_returned(submission, [other], comment="druga")
        savepoint.rollback()
        session.commit()

    assert [rcpts for rcpts, _ in smtp_server.inbox.received] == [[kornik_official.email]]


def test_released_savepoint_waits_for_the_outer_commit(
        app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()

    with app.test_request_context():
        with session.begin_nested():
            _queue_returned(submission, [kornik_official])
        assert smtp_server.inbox.received == []
        session.commit()

    assert len(smtp_server.inbox.received) == 1


def test_without_smtp_the_message_is_logged_with_ids_not_its_body(
        app, configure_mail, submission, kornik_official, caplog, monkeypatch):
    configure_mail(None)
    logger = logging.getLogger("portal.notifications.services")
    # alembic's fileConfig() in the engine fixture disables loggers that existed before it.
    monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.INFO, logger=logger.name)

    with app.test_request_context():
        _queue_returned(submission, [kornik_official], comment="tajna uwaga")
        session.commit()

    [message] = outbox()
    assert message.status == OutboxStatus.LOGGED and message.sent_at is None
    assert f"E-mail {message.id} (submission_returned, submission {submission.id})" in caplog.text
    assert "tajna uwaga" not in caplog.text and kornik_official.email not in caplog.text


def test_unreachable_smtp_marks_the_message_failed_without_breaking_the_request(
        flow_app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)  # nothing listens on the port yet

    response = flow_app.test_client().post(f"/_test/submissions/{submission.id}/return",
                                           data={"comment": "x"})

    assert response.status_code == 200
    [message] = outbox()
    assert message.status == OutboxStatus.FAILED
    assert "ConnectionRefusedError" in message.error and message.attempts == 1
    # The change itself was committed.
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "test.returned"))


def test_refused_recipient_fails_only_its_own_message(
        app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)
    smtp_server.start()
    broken = factories.official(kornik_official.gmina)
    broken.email = "bez-malpy\r\nBcc: ofiara@example.pl"

    with app.test_request_context():
        _queue_returned(submission, [broken, kornik_official])
        session.commit()

    statuses = {m.recipient: m.status for m in outbox()}
    assert statuses == {"bez-malpy Bcc: ofiara@example.pl": OutboxStatus.FAILED,
                        kornik_official.email: OutboxStatus.SENT}
    assert [rcpts for rcpts, _ in smtp_server.inbox.received] == [[kornik_official.email]]


def test_inactive_and_repeated_recipients_get_no_message(
        app, configure_mail, submission, kornik_official):
    inactive = factories.official(kornik_official.gmina)
    inactive.active = False

    with app.test_request_context():
        _queue_returned(submission, [kornik_official, inactive, kornik_official])

    assert [m.recipient for m in outbox()] == [kornik_official.email]


@pytest.mark.parametrize(("kind", "context", "subject", "phrases"), [
    ("submission_returned", {"comment": "Popraw B2"},
     "Ankieta gminy Kórnik (edycja 2018) została zwrócona do poprawy",
     ["zwrócona do poprawy", "Uwagi weryfikatora:", "Popraw B2"]),
    ("submission_approved", {"comment": "Wzorowo"},
     "Ankieta gminy Kórnik (edycja 2018) została zatwierdzona",
     ["zatwierdzona", "Wzorowo"]),
    ("submission_approved", {},
     "Ankieta gminy Kórnik (edycja 2018) została zatwierdzona",
     ["zatwierdzona. Dziękujemy!"]),
    ("submission_resubmitted", {"comment": "Poprawiono B2"},
     "Gmina Kórnik ponownie przesłała ankietę (edycja 2018)",
     ["ponownie przesłała ankietę", "Uwagi gminy:", "Poprawiono B2"]),
    ("query_replied", {"item_label": "B2 Wydatki działu 754", "reply": "Dołączono Rb-28S"},
     "Gmina Kórnik odpowiedziała na pytanie (edycja 2018)",
     ["pozycji „B2 Wydatki działu 754”", "Odpowiedź:\nDołączono Rb-28S"]),
])
def test_every_kind_renders_a_polish_subject_and_body_with_the_link(
        app, configure_mail, submission, kind, context, subject, phrases):
    reviewer = factories.reviewer()
    with app.test_request_context():
        queue_notification(kind, submission=submission, recipients=[reviewer], context=context)

    [message] = outbox()
    assert message.subject == subject
    assert message.kind == kind and message.submission_id == submission.id
    for phrase in phrases:
        assert phrase in message.body
    assert f"{BASE_URL}/submissions/{submission.id}/review" in message.body
    assert "Uwagi" not in message.body or context.get("comment")
    assert message.html_body.startswith("<!doctype html>")


def test_caller_may_link_to_another_portal_page_but_not_elsewhere(
        app, configure_mail, submission):
    reviewer = factories.reviewer()
    with app.test_request_context():
        queue_notification("query_replied", submission=submission, recipients=[reviewer],
                           context={"item_label": "B2", "reply": "ok",
                                    "path": f"/review/submissions/{submission.id}"})
        with pytest.raises(ValueError, match="path"):
            queue_notification("query_replied", submission=submission, recipients=[reviewer],
                               context={"item_label": "B2", "reply": "ok",
                                        "path": "https://evil.example/"})

    assert f"{BASE_URL}/review/submissions/{submission.id}\n" in outbox()[0].body


def test_unknown_kind_or_missing_context_is_a_programming_error(app, submission):
    reviewer = factories.reviewer()
    with app.test_request_context():
        with pytest.raises(ValueError, match="unknown"):
            queue_notification("submission_lost", submission=submission, recipients=[reviewer],
                               context={})
        with pytest.raises(ValueError, match="reply"):
            queue_notification("query_replied", submission=submission, recipients=[reviewer],
                               context={"item_label": "B2"})
    assert outbox() == []
