"""The administrators' outbox page: who may see it, what it shows, and retrying a failed e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.db import session, utcnow
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.services import queue_notification
from tests import factories
from tests.notifications.conftest import outbox


def _logged_message(app, submission, recipient, comment="<script>alert(1)</script>"):
    with app.test_request_context():
        queue_notification("submission_returned", submission=submission, recipients=[recipient],
                           context={"comment": comment})
        session.commit()
    return outbox()[-1]


def _row(n: int, status: str = OutboxStatus.LOGGED, **fields) -> OutboxMessage:
    values = {"kind": "submission_approved", "recipient": f"r{n}@example.pl",
              "subject": f"Temat {n}", "body": "Treść", "status": status,
              "created_at": utcnow() - timedelta(minutes=1000 - n)}
    values.update(fields)
    message = OutboxMessage(**values)
    session.add(message)
    return message


def test_without_smtp_the_message_is_logged_and_shown_to_an_admin(
        app, client, configure_mail, submission, kornik_official):
    message = _logged_message(app, submission, kornik_official)
    factories.login(client, factories.admin())

    page = client.get("/admin/outbox").get_data(as_text=True)

    assert message.status == OutboxStatus.LOGGED
    assert kornik_official.email in page
    assert "Ankieta gminy Kórnik (edycja 2018) została zwrócona do poprawy" in page
    assert "tylko w dzienniku" in page and "submission_returned" in page
    detail = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "<script>alert(1)" not in detail
    assert "Wyślij ponownie" not in detail  # only failed messages can be retried


@pytest.mark.parametrize("role", ["official", "reviewer"])
def test_only_admins_open_the_outbox(client, role):
    message = _row(1)
    session.flush()
    user = factories.official() if role == "official" else factories.reviewer()
    factories.login(client, user)

    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 403
    assert "/admin/outbox" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/admin/outbox")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_sees_the_outbox_link(client):
    factories.login(client, factories.admin())
    assert 'href="/admin/outbox"' in client.get("/").get_data(as_text=True)


def test_outbox_is_newest_first_fifty_per_page_and_filters_by_status(client):
    for n in range(1, 52):
        _row(n)
    _row(99, OutboxStatus.FAILED, error="SMTPRecipientsRefused: 550")
    session.flush()
    factories.login(client, factories.admin())

    first = client.get("/admin/outbox").get_data(as_text=True)
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    failed = client.get("/admin/outbox?status=failed").get_data(as_text=True)

    assert first.count("<tr>") - 1 == 50 and second.count("<tr>") - 1 == 2
    assert first.index("Temat 99") < first.index("Temat 51") < first.index("Temat 3<")
    assert "Temat 1<" in second and "Temat 2<" in second
    assert "Strona 1 z 2" in first
    assert failed.count("<tr>") - 1 == 1 and "SMTPRecipientsRefused: 550" in failed
    assert client.get("/admin/outbox?page=3").status_code == 404


def test_retry_needs_a_csrf_token(csrf_client):
    message = _row(1, OutboxStatus.FAILED, error="ConnectionRefusedError")
    admin = factories.admin()
    login_page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    csrf_client.post("/login", data={"email": admin.email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    page = csrf_client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Wyślij ponownie" in page

    assert csrf_client.post(f"/admin/outbox/{message.id}/retry").status_code == 400
    assert message.status == OutboxStatus.FAILED


def test_failed_message_is_sent_by_retry_once_the_server_is_up(
        client, flow_app, configure_mail, smtp_server, submission, kornik_official):
    configure_mail(smtp_server.port)  # the server is down
    flow_app.test_client().post(f"/_test/submissions/{submission.id}/return",
                                data={"comment": "Uzupełnij B2"})
    [message] = outbox()
    assert message.status == OutboxStatus.FAILED
    factories.login(client, factories.admin())
    assert "Wyślij ponownie" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)

    smtp_server.start()
    response = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)

    assert response.status_code == 200
    assert "Wiadomość została wysłana." in response.get_data(as_text=True)
    [(rcpt_tos, email)] = smtp_server.inbox.received
    assert rcpt_tos == [kornik_official.email]
    assert "Uzupełnij B2" in email.get_body(("plain",)).get_content()
    session.refresh(message)
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert message.error is None and message.sent_at is not None


def test_retry_of_a_message_that_did_not_fail_is_refused(client, configure_mail, smtp_server):
    message = _row(1, OutboxStatus.SENT, sent_at=utcnow())
    session.flush()
    factories.login(client, factories.admin())

    response = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)

    assert "Ponowić można tylko wiadomość" in response.get_data(as_text=True)
    assert smtp_server.inbox.received == []
