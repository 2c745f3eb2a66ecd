"""Fixtures for e-mail notifications: a real SMTP server on localhost and a view that notifies."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Blueprint, request
from sqlalchemy import select

from portal import create_app
from portal.core import audit
from portal.db import session
from portal.notifications.models import OutboxMessage
from portal.notifications.services import officials_of, queue_notification
from portal.submissions.models import Submission
from portal.submissions.services import open_submission
from tests import factories

BASE_URL = "https://portal.example.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """aiosmtpd handler keeping what arrived: (envelope recipients, parsed message)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, smtp_session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server on 127.0.0.1 (not started for tests that need it down first)."""
    server = SmtpServer(port=smtp_port, inbox=Inbox())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def flow_app(app):
    """A second app with one test view that changes something, notifies and commits."""
    flow = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URL", "PORTAL_SESSION_BOUND_EXTERNALLY",
        "UPLOAD_FOLDER")})
    flow.config["WTF_CSRF_ENABLED"] = False  # the test view posts without a form
    flow.register_blueprint(_flow_blueprint())
    return flow


def _flow_blueprint() -> Blueprint:
    bp = Blueprint("notification_flow", __name__)

    @bp.post("/_test/submissions/<int:submission_id>/return")
    def return_submission(submission_id: int):
        submission = session.get(Submission, submission_id)
        audit.record("test.returned", "submission", submission.id)
        queue_notification("submission_returned", submission=submission,
                           recipients=officials_of(submission.gmina_id),
                           context={"comment": request.form.get("comment")})
        if request.form.get("refuse"):
            session.rollback()  # as a view does when a service raises DomainError
            return "refused", 409
        session.commit()
        return "returned", 200

    return bp


@pytest.fixture
def configure_mail(monkeypatch, app, flow_app):
    """Point both apps at an SMTP port (None: no SMTP, messages are only logged)."""

    def configure(port: int | None) -> None:
        for target in (app, flow_app):
            monkeypatch.setitem(target.config, "SMTP_HOST", "127.0.0.1" if port else None)
            monkeypatch.setitem(target.config, "SMTP_PORT", port or 25)
            monkeypatch.setitem(target.config, "SMTP_USER", None)
            monkeypatch.setitem(target.config, "SMTP_STARTTLS", False)
            monkeypatch.setitem(target.config, "SMTP_SSL", False)
            monkeypatch.setitem(target.config, "BASE_URL", BASE_URL)

    configure(None)
    return configure


@pytest.fixture
def kornik_official():
    return factories.official(factories.pilot_gmina("302109"), name="Katarzyna Kórnicka")


@pytest.fixture
def submission(kornik_official):
    edition = factories.open_edition_2018()
    return open_submission(edition, kornik_official.gmina, actor=kornik_official)


def outbox() -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
