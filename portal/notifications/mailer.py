"""SMTP delivery with the standard library: settings, building a safe message, sending a batch."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

SMTP_TIMEOUT_SECONDS = 15
MAX_SUBJECT = 255


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    starttls: bool
    ssl: bool
    sender: str

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        return cls(
            host=config.get("SMTP_HOST") or None,
            port=int(config.get("SMTP_PORT") or 25),
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS")),
            ssl=bool(config.get("SMTP_SSL")),
            sender=config["MAIL_FROM"],
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Envelope:
    """What one outbox row needs to become an e-mail."""

    message_id: int
    recipient: str
    subject: str
    body: str
    html_body: str | None


def one_line(value: str, limit: int | None = None) -> str:
    """A header value on one line: CR, LF and runs of whitespace become single spaces."""
    cleaned = " ".join(str(value).split())
    return cleaned[:limit] if limit else cleaned


def build_email(envelope: Envelope, sender: str) -> EmailMessage:
    """The e-mail for one envelope; raises ValueError for an address that cannot be used."""
    address = one_line(envelope.recipient)
    try:
        to = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError) as error:  # IndexError: "" in Python 3.11
        raise ValueError(f"invalid recipient address: {address!r}") from error
    if not to.username or not to.domain:
        raise ValueError(f"invalid recipient address: {address!r}")
    message = EmailMessage()
    message["From"] = one_line(sender)
    message["To"] = to
    message["Subject"] = one_line(envelope.subject, MAX_SUBJECT)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    # RFC 3834: tells vacation responders not to answer a notification.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(envelope.body)
    if envelope.html_body:
        message.add_alternative(envelope.html_body, subtype="html")
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                              timeout=SMTP_TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def send_batch(settings: SmtpSettings, envelopes: list[Envelope]) -> dict[int, str | None]:
    """Send over one connection; returns each message id with None (sent) or the error text.

    Never raises for SMTP or network trouble: one refused recipient fails only its message,
    an unreachable server fails them all.
    """
    outcome: dict[int, str | None] = {}
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        return {envelope.message_id: _describe(error) for envelope in envelopes}
    try:
        for envelope in envelopes:
            try:
                smtp.send_message(build_email(envelope, settings.sender))
            except (OSError, ValueError, smtplib.SMTPException) as error:
                outcome[envelope.message_id] = _describe(error)
            else:
                outcome[envelope.message_id] = None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return outcome


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]
