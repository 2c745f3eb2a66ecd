"""The SMTP layer on its own: settings from PORTAL_* variables, safe headers, login."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from portal.config import load_config
from portal.notifications import mailer
from tests.notifications.conftest import Inbox, free_port

pytestmark = pytest.mark.no_db


def _envelope(**overrides) -> mailer.Envelope:
    fields = {"message_id": 1, "recipient": "wojt@kornik.pl", "subject": "Ankieta",
              "body": "Dzień dobry, źdźbło.", "html_body": "<p>Dzień dobry</p>"}
    fields.update(overrides)
    return mailer.Envelope(**fields)


def test_without_smtp_variables_mail_is_only_logged(monkeypatch, tmp_path):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "SSL"):
        monkeypatch.delenv(f"PORTAL_SMTP_{name}", raising=False)
    monkeypatch.delenv("PORTAL_MAIL_FROM", raising=False)
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x")

    config = load_config(tmp_path)
    settings = mailer.SmtpSettings.from_config(config)

    assert not settings.configured and settings.port == 25
    assert settings.sender == "Gmina Bezpieczna <no-reply@gminabezpieczna.pl>"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"


def test_smtp_variables_are_read_with_the_submission_port_for_starttls(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x")
    monkeypatch.setenv("PORTAL_SMTP_HOST", "smtp.example.pl")
    monkeypatch.setenv("PORTAL_SMTP_STARTTLS", "1")
    monkeypatch.setenv("PORTAL_SMTP_USER", "portal")
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", "tajne")
    monkeypatch.setenv("PORTAL_MAIL_FROM", "Portal <portal@example.pl>")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://gminabezpieczna.pl")

    config = load_config(tmp_path)
    settings = mailer.SmtpSettings.from_config(config)

    assert settings == mailer.SmtpSettings(host="smtp.example.pl", port=587, user="portal",
                                           password="tajne", starttls=True, ssl=False,
                                           sender="Portal <portal@example.pl>")
    assert config["BASE_URL"] == "https://gminabezpieczna.pl"
    monkeypatch.setenv("PORTAL_SMTP_PORT", "2525")
    assert load_config(tmp_path)["SMTP_PORT"] == 2525


def test_line_breaks_in_the_subject_cannot_add_headers():
    email = mailer.build_email(_envelope(subject="Ankieta\r\nBcc: ofiara@example.pl\n"),
                               "Gmina Bezpieczna <no-reply@gminabezpieczna.pl>")

    assert email["Subject"] == "Ankieta Bcc: ofiara@example.pl"
    assert email["Bcc"] is None
    assert b"\nBcc:" not in email.as_bytes()


@pytest.mark.parametrize("recipient", ["wojt@kornik.pl\r\nBcc: ofiara@example.pl",
                                       "wojt@kornik.pl, ofiara@example.pl", "bez-malpy", ""])
def test_a_recipient_that_is_not_one_address_is_refused(recipient):
    with pytest.raises(ValueError, match="recipient"):
        mailer.build_email(_envelope(recipient=recipient), "no-reply@gminabezpieczna.pl")


def test_message_has_plain_text_and_an_html_alternative_in_utf8():
    email = mailer.build_email(_envelope(), "Gmina Bezpieczna <no-reply@gminabezpieczna.pl>")

    assert email.get_content_type() == "multipart/alternative"
    assert email.get_body(("plain",)).get_content().strip() == "Dzień dobry, źdźbło."
    assert email.get_body(("html",)).get_content().strip() == "<p>Dzień dobry</p>"
    assert email["Message-ID"].endswith("@gminabezpieczna.pl>")


def test_smtp_login_with_the_configured_user():
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"tajne"
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        settings = mailer.SmtpSettings(host="127.0.0.1", port=controller.port, user="portal",
                                       password="tajne", starttls=False, ssl=False,
                                       sender="no-reply@gminabezpieczna.pl")
        assert mailer.send_batch(settings, [_envelope()]) == {1: None}
    finally:
        controller.stop()

    assert len(inbox.received) == 1
