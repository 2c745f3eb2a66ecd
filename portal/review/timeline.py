"""A submission's full history: saves, submissions, queries, replies, returns, approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.core.audit import AuditEvent
from portal.db import session
from portal.questionnaires.definition import Questionnaire
from portal.review.page import display
from portal.submissions.models import AnswerChange, Submission

KINDS = {
    "save": _l("Zapisy odpowiedzi"),
    "submission": _l("Przesłania"),
    "assignment": _l("Przypisania"),
    "verification": _l("Weryfikacje"),
    "query": _l("Pytania"),
    "reply": _l("Odpowiedzi"),
    "return": _l("Zwroty"),
    "approval": _l("Zatwierdzenia"),
    "reopening": _l("Ponowne otwarcia"),
}

_ACTION_KINDS = {
    "review.assigned": "assignment", "review.verified": "verification",
    "review.bulk_verified": "verification", "review.query_opened": "query",
    "review.query_closed": "query", "review.query_replied": "reply",
    "review.snapshot_taken": "approval",
}
_TRANSITION_KINDS = {"submitted": "submission", "returned": "return", "approved": "approval"}


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    actor: str
    text: str
    comment: str | None = None
    item_label: str | None = None


def timeline(submission: Submission, questionnaire: Questionnaire,
             kind: str | None = None) -> list[Entry]:
    """Every recorded event of the submission, newest first; `kind` keeps only one kind."""
    entries: list[Entry] = []
    if kind in (None, "save"):
        entries += _saves(submission, questionnaire)
    if kind != "save":
        entries += [e for e in _events(submission, questionnaire) if kind in (None, e.kind)]
    return sorted(entries, key=lambda e: _aware(e.at), reverse=True)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _label(questionnaire: Questionnaire, key: str | None) -> str | None:
    if key is None:
        return None
    item = questionnaire.items_by_key.get(key)
    return item.label.get() if item else key


def _saves(submission: Submission, questionnaire: Questionnaire) -> list[Entry]:
    changes = session.scalars(select(AnswerChange)
                              .where(AnswerChange.submission_id == submission.id)
                              .options(joinedload(AnswerChange.actor))).all()
    entries = []
    for change in changes:
        item = questionnaire.items_by_key.get(change.item_key)
        if item is None:
            continue
        if change.kind == "evidence":
            text = _("Dokument potwierdzający zmieniony")
        elif change.kind == "prefill":
            text = _("Wartość przeniesiona z poprzedniej edycji: %(new)s",
                     new=display(item, change.new_value))
        elif change.kind == "confirm":
            text = _("Potwierdzono wartość z poprzedniej edycji")
        else:
            text = _("%(old)s → %(new)s", old=display(item, change.old_value),
                     new=display(item, change.new_value))
        entries.append(Entry(change.at, "save", change.actor.name if change.actor else "—",
                             text, item_label=item.label.get()))
    return entries


def _events(submission: Submission, questionnaire: Questionnaire) -> list[Entry]:
    rows = session.execute(
        select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == "submission", AuditEvent.object_id == submission.id)
    ).all()
    entries = []
    for event, actor in rows:
        details = event.details or {}
        if event.action == "submission.transition":
            kind, text = _transition_text(details)
        elif event.action in _ACTION_KINDS:
            kind, text = _ACTION_KINDS[event.action], _action_text(event.action, details)
        else:
            continue
        entries.append(Entry(event.at, kind, actor or "—", text, details.get("comment"),
                             _label(questionnaire, details.get("item_key"))))
    return entries


def _transition_text(details: dict) -> tuple[str, str]:
    source, target = details.get("from_state"), details.get("to_state")
    if target == "submitted" and source == "approved":
        return "reopening", _("Ponownie otwarto zatwierdzoną ankietę")
    if target == "submitted" and source == "returned":
        return "submission", _("Gmina ponownie przesłała ankietę po zwrocie")
    texts = {"submitted": _("Gmina przesłała ankietę"),
             "returned": _("Zwrócono ankietę do gminy"),
             "approved": _("Zatwierdzono ankietę")}
    return _TRANSITION_KINDS.get(target, "submission"), texts.get(target, str(target))


def _action_text(action: str, details: dict) -> str:
    if action == "review.assigned":
        return _("Przypisano recenzenta: %(name)s", name=details.get("reviewer", "?"))
    if action == "review.verified":
        return _("Zweryfikowano odpowiedź")
    if action == "review.bulk_verified":
        return _("Zweryfikowano zbiorczo odpowiedzi bez uwag: %(n)d",
                 n=len(details.get("item_keys", [])))
    if action == "review.query_opened":
        return _("Zadano pytanie")
    if action == "review.query_closed":
        return _("Zamknięto pytanie")
    if action == "review.query_replied":
        return _("Odpowiedź gminy") if details.get("by_gmina") else _("Odpowiedź recenzenta")
    return _("Utworzono migawkę zatwierdzonych danych nr %(n)s", n=details.get("number"))
