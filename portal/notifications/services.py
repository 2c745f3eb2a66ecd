"""Queueing e-mail notifications in the caller's transaction and delivering them after its commit.

`queue_notification()` renders the message and adds an `OutboxMessage` row to the current unit
of work. `send_after_commit()`, called once by create_app(), hooks the session's `after_commit`
event: only when the caller's commit has succeeded are the queued messages handed to SMTP (or
to the log when no SMTP server is configured). A rollback sends nothing.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

from portal.auth.models import Role, User
from portal.db import session, utcnow
from portal.municipalities.models import Gmina
from portal.notifications import mailer
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.submissions.models import Submission

log = logging.getLogger(__name__)
_BLANK_LINES = re.compile(r"\n{3,}")

# Session.info key: outbox rows added in the current transaction, delivered after its commit.
_PENDING_KEY = "portal.notifications.pending"
# A request delivers at most this many e-mails after its commit. A published ranking queues
# one per official of every gmina (thousands): sending them all would hold the request, and a
# gunicorn worker, for minutes. The rest stay queued for `flask portal outbox send` (cron).
IN_REQUEST_LIMIT = 100
_BATCH = 200  # e-mails per round of `deliver_queued`: one query and one SMTP connection each


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its subject line and the context keys its templates need."""

    subject: Any  # a lazy string with %(gmina)s and %(year)s
    required: tuple[str, ...] = field(default=())


KINDS: dict[str, Kind] = {
    "submission_returned": Kind(_l("Ankieta gminy %(gmina)s (edycja %(year)s) "
                                   "została zwrócona do poprawy")),
    "submission_approved": Kind(_l("Ankieta gminy %(gmina)s (edycja %(year)s) "
                                   "została zatwierdzona")),
    "submission_resubmitted": Kind(_l("Gmina %(gmina)s ponownie przesłała ankietę "
                                      "(edycja %(year)s)")),
    "query_replied": Kind(_l("Gmina %(gmina)s odpowiedziała na pytanie (edycja %(year)s)"),
                          required=("item_label", "reply")),
    "objection_filed": Kind(_l("Gmina %(gmina)s zgłosiła zastrzeżenie do projektu wyników "
                               "(edycja %(year)s)"), required=("run_number", "comment")),
    "objection_resolved": Kind(_l("Rozpatrzono zastrzeżenie gminy %(gmina)s do projektu "
                                  "wyników (edycja %(year)s)"),
                               required=("run_number", "accepted", "resolution")),
    "ranking_published": Kind(_l("Opublikowano ranking edycji %(year)s programu "
                                 "„Gmina Bezpieczna”")),
}


@dataclass(frozen=True)
class Target:
    """Who hears about one gmina, and the portal path their message links to."""

    gmina: Gmina
    recipients: Sequence[User]
    path: str
    submission_id: int | None = None


def queue_notification(kind: str, *, submission: Submission, recipients: Sequence[User],
                       context: dict[str, Any]) -> None:
    """Render a `kind` notification about `submission` for each recipient and queue it.

    Adds one `OutboxMessage` per active recipient to the current session and flushes; the
    caller commits, and the messages go out only after that commit (none after a rollback).

    `context` keys the templates use:
      - ``comment``: the reviewer's comment (returned, approved) or the official's note
        (resubmitted), optional;
      - ``queries``: the reviewer's queries, items with ``label`` and ``text``, optional;
      - ``item_label`` and ``reply``: the item and the official's reply (query_replied, required);
      - ``actor``: the user who acted, optional (their name is shown);
      - ``path``: the portal path to link to, default the submission's page.
    Values are shown as text: HTML in a comment is escaped in the HTML version.
    """
    target = Target(gmina=submission.gmina, recipients=recipients,
                    path=context.get("path") or _default_path(submission),
                    submission_id=submission.id)
    queue_for_gminy(kind, [target], year=submission.edition.year,
                    context={**context, "submission": submission})


def queue_for_gminy(kind: str, targets: Iterable[Target], *, year: int,
                    context: dict[str, Any]) -> int:
    """Queue a `kind` notification about each target gmina for its recipients; the count.

    The same unit-of-work rules as queue_notification(). Built for many gminy at once (a
    published ranking): each (gmina, language) is rendered once and the rows are inserted with
    one flush, so the cost does not grow with queries per gmina. `context` is shared by all
    targets; the templates also get ``gmina``, ``year`` and ``url``.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind: {kind!r}")
    missing = [key for key in spec.required if context.get(key) in (None, "")]
    if missing:
        raise ValueError(f"{kind} notification needs context: {', '.join(missing)}")
    rows: list[dict[str, Any]] = []
    for target in targets:
        by_locale: dict[str, list[User]] = {}
        for user in _unique_active(target.recipients):
            by_locale.setdefault(locale_for(user), []).append(user)
        url = link_to(target.path)
        for locale, users in by_locale.items():
            with force_locale(locale):
                rendered = _render(kind, spec, gmina=target.gmina, year=year, url=url,
                                   context=context)
            rows.extend({
                "kind": kind, "recipient": mailer.one_line(user.email), "recipient_id": user.id,
                "submission_id": target.submission_id, "status": OutboxStatus.QUEUED.value,
                "attempts": 0, "error": None, "sent_at": None, "created_at": utcnow(), **rendered,
            } for user in users)
    if rows:
        session.flush()  # pending ORM changes first, as an ORM flush would order them
        # A bulk INSERT ... RETURNING: a multi-row statement on both SQLite and PostgreSQL
        # (ORM objects would be inserted one at a time on SQLite). Only the ids are kept.
        ids = session.scalars(insert(OutboxMessage).returning(OutboxMessage.id), rows).all()
        session.info.setdefault(_PENDING_KEY, []).extend(ids)
    return len(rows)


def officials_of(gmina_id: int) -> list[User]:
    """The active officials of a gmina: the recipients of "returned" and "approved"."""
    return list(session.scalars(
        select(User).where(User.gmina_id == gmina_id, User.role == Role.OFFICIAL,
                           User.active.is_(True)).order_by(User.id)
    ))


def active_admins() -> list[User]:
    """The active administrators: the recipients of notices that need an admin's decision."""
    return list(session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    ))


def locale_for(user: User) -> str:
    """The language of a recipient's e-mails: the one they last chose in the portal."""
    if user.locale in current_app.config["PORTAL_LOCALES"]:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def link_to(path: str) -> str:
    """An absolute link into the portal for e-mails, built on PORTAL_BASE_URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a link in an e-mail must be a path on the portal: {path!r}")
    return current_app.config["BASE_URL"].rstrip("/") + path


def portal_path(endpoint: str, **values: Any) -> str:
    """A portal path from the URL map, not url_for(): queueing may happen outside a request."""
    return current_app.url_map.bind("").build(endpoint, values)


def _default_path(submission: Submission) -> str:
    return portal_path("submissions.review", submission_id=submission.id)


def _unique_active(users: Iterable[User]) -> list[User]:
    seen: set[str] = set()
    result = []
    for user in users:
        key = user.email.strip().lower()
        if user.active and key not in seen:
            seen.add(key)
            result.append(user)
    return result


def _render(kind: str, spec: Kind, *, gmina: Gmina, year: int, url: str,
            context: dict[str, Any]) -> dict[str, str]:
    """Subject and bodies in the current locale; the same for every recipient of a gmina."""
    subject = mailer.one_line(str(spec.subject) % {"gmina": gmina.name, "year": year},
                              mailer.MAX_SUBJECT)
    values = {**context, "gmina": gmina, "year": year, "url": url, "subject": subject}
    # .txt templates are not autoescaped, .html ones are (Flask decides by the extension).
    body = render_template(f"emails/{kind}.txt", **values)
    return {
        "subject": subject,
        # Optional blocks that render nothing leave runs of blank lines behind.
        "body": _BLANK_LINES.sub("\n\n", body),
        "html_body": render_template(f"emails/{kind}.html", **values),
    }


def retry(message: OutboxMessage) -> None:
    """Queue a failed message again; it is sent after the caller commits."""
    if not message.can_retry:
        raise ValueError(f"outbox message {message.id} is {message.status}, not failed")
    message.status = OutboxStatus.QUEUED
    session.info.setdefault(_PENDING_KEY, []).append(message)
    session.flush()


def outbox_page(*, status: str | None, page: int, per_page: int
                ) -> tuple[list[OutboxMessage], int]:
    """One page of the outbox, newest first, and the number of matching messages."""
    query = select(OutboxMessage)
    count = select(func.count(OutboxMessage.id))
    if status:
        query = query.where(OutboxMessage.status == status)
        count = count.where(OutboxMessage.status == status)
    query = (query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    return list(session.scalars(query)), session.scalar(count) or 0


# --- delivery after commit -------------------------------------------------------------------

def send_after_commit(target: scoped_session | Session) -> None:
    """Register the commit and rollback hooks on the portal session (once; idempotent)."""
    for name, handler in (("after_commit", _after_commit),
                          ("after_transaction_end", _after_transaction_end)):
        if not event.contains(target, name, handler):
            event.listen(target, name, handler)


def _after_transaction_end(sess: Session, transaction) -> None:
    # The outermost transaction ended without delivering (rollback, close): forget its messages.
    # A rolled-back savepoint expunges only its own new rows; those are skipped at commit time.
    if transaction.parent is None:
        sess.info.pop(_PENDING_KEY, None)


def _after_commit(sess: Session) -> None:
    # after_commit also fires when a savepoint (begin_nested) is released: wait for the outermost.
    if sess.in_nested_transaction():
        return
    pending = sess.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    # No ORM attribute access here: the session may not emit SQL after its commit.
    # Pending items are ids of bulk-inserted rows or OutboxMessage objects (a retry). An id
    # whose row a savepoint rolled back is harmless: deliver() sends only rows that exist.
    objects = [item for item in pending if not isinstance(item, int)]
    ids = sorted({item for item in pending if isinstance(item, int)}
                 | {state.identity[0] for state in map(inspect, objects) if state.persistent})
    if not ids:
        return
    if len(ids) > IN_REQUEST_LIMIT:
        log.info("E-mails %s..%s (%d) stay queued for `flask portal outbox send`",
                 ids[IN_REQUEST_LIMIT], ids[-1], len(ids) - IN_REQUEST_LIMIT)
        ids = ids[:IN_REQUEST_LIMIT]
    if not has_app_context():
        log.warning("E-mails %s stay queued: committed outside the application", ids)
        return
    try:
        outcomes = deliver(sess.get_bind(OutboxMessage), ids,
                           mailer.SmtpSettings.from_config(current_app.config))
    except Exception:  # the change is committed; a mail problem must not fail the request
        log.exception("Delivering e-mails %s failed", ids)
        return
    for message in objects:
        values = outcomes.get(inspect(message).identity[0]) if inspect(message).persistent else None
        for key, value in (values or {}).items():
            set_committed_value(message, key, value)


def deliver_queued(*, limit: int | None = None) -> Counter[str]:
    """Send (or log) every still-queued e-mail, oldest first, in batches; counts by outcome.

    For what a request left queued (IN_REQUEST_LIMIT) and for mail queued outside a request.
    """
    outcomes: Counter[str] = Counter()
    settings = mailer.SmtpSettings.from_config(current_app.config)
    bind = session.get_bind(OutboxMessage)
    last_id = 0
    while limit is None or sum(outcomes.values()) < limit:
        batch = min(_BATCH, limit - sum(outcomes.values())) if limit is not None else _BATCH
        ids = list(session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.QUEUED,
                                           OutboxMessage.id > last_id)
            .order_by(OutboxMessage.id).limit(batch)))
        if not ids:
            break
        last_id = ids[-1]
        outcomes.update(values["status"] for values in deliver(bind, ids, settings).values())
    return outcomes



def deliver(bind: Engine | Connection, ids: Sequence[int], settings: mailer.SmtpSettings
            ) -> dict[int, dict[str, Any]]:
    """Send the still-queued messages among `ids` (or log them without SMTP); record outcomes.

    Works on `bind` directly, outside any ORM session, because it runs after the caller's
    commit. Returns the new column values per message id.
    """
    columns = (OutboxMessage.id, OutboxMessage.kind, OutboxMessage.recipient,
               OutboxMessage.subject, OutboxMessage.body, OutboxMessage.html_body,
               OutboxMessage.submission_id, OutboxMessage.attempts)
    with _connection(bind) as connection:
        rows = connection.execute(select(*columns).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.QUEUED
        ).order_by(OutboxMessage.id)).all()
    if not rows:
        return {}
    if settings.configured:
        errors = mailer.send_batch(settings, [
            mailer.Envelope(message_id=row.id, recipient=row.recipient, subject=row.subject,
                            body=row.body, html_body=row.html_body) for row in rows
        ])
    outcomes: dict[int, dict[str, Any]] = {}
    for row in rows:
        values: dict[str, Any] = {"attempts": row.attempts + 1, "error": None}
        if not settings.configured:
            values["status"] = OutboxStatus.LOGGED.value
            log.info("E-mail %s (%s, submission %s) logged, not sent: no SMTP server configured",
                     row.id, row.kind, row.submission_id)
        elif (error := errors.get(row.id, "not attempted")) is None:
            values.update(status=OutboxStatus.SENT.value, sent_at=utcnow())
            log.info("E-mail %s (%s, submission %s) sent", row.id, row.kind, row.submission_id)
        else:
            values.update(status=OutboxStatus.FAILED.value, error=error)
            log.warning("E-mail %s (%s, submission %s) failed: %s", row.id, row.kind,
                        row.submission_id, error)
        outcomes[row.id] = values
    # One executemany for the whole batch (a published ranking queues thousands of rows).
    columns_set = ("status", "attempts", "error", "sent_at")
    with _connection(bind) as connection:
        connection.execute(
            update(OutboxMessage).where(OutboxMessage.id == bindparam("message_id"))
            .values({name: bindparam(name) for name in columns_set}),
            [{"message_id": message_id, "sent_at": None, **values}
             for message_id, values in outcomes.items()],
        )
    return outcomes


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection in a transaction of its own, or the test's connection in its outer one."""
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            yield connection
    elif bind.in_transaction():
        yield bind
    else:
        with bind.begin():
            yield bind
