"""The submission state machine: every allowed transition, and who may make it, in one table."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.errors import DomainError
from portal.db import utcnow


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


STATE_LABELS = {
    State.DRAFT: _l("W przygotowaniu"),
    State.SUBMITTED: _l("Przesłana"),
    State.RETURNED: _l("Zwrócona do poprawy"),
    State.APPROVED: _l("Zatwierdzona"),
}

ALLOWED: dict[State, set[State]] = {
    State.DRAFT: {State.SUBMITTED},
    State.SUBMITTED: {State.RETURNED, State.APPROVED},
    State.RETURNED: {State.SUBMITTED},
    # An admin reopens an approved submission for review again, with a reason; its snapshot
    # stays in the history and a later approval makes the next one.
    State.APPROVED: {State.SUBMITTED},
}

# Who may make each allowed transition (roles of portal.auth.models.Role).
PERFORMED_BY: dict[tuple[State, State], frozenset[str]] = {
    (State.DRAFT, State.SUBMITTED): frozenset({"official"}),
    (State.RETURNED, State.SUBMITTED): frozenset({"official"}),
    (State.SUBMITTED, State.RETURNED): frozenset({"reviewer", "admin"}),
    (State.SUBMITTED, State.APPROVED): frozenset({"reviewer", "admin"}),
    (State.APPROVED, State.SUBMITTED): frozenset({"admin"}),
}

# Transitions that must say why.
REASON_REQUIRED = {(State.APPROVED, State.SUBMITTED)}

# States in which the gmina's officials may change answers (when returned: only queried items).
EDITABLE = {State.DRAFT, State.RETURNED}


class InvalidTransition(DomainError):
    pass


class StaleDecision(DomainError):
    pass


def check_transition(submission, to: State, *, actor, comment: str | None = None) -> State:
    """The current state if `actor` may move `submission` to `to`; raises InvalidTransition."""
    current = State(submission.status)
    if to not in ALLOWED[current]:
        raise InvalidTransition(
            _("Nie można zmienić statusu z „%(a)s” na „%(b)s”.",
              a=STATE_LABELS[current], b=STATE_LABELS[to])
        )
    if actor is not None and actor.role not in PERFORMED_BY[(current, to)]:
        raise InvalidTransition(
            _("Twoja rola nie pozwala zmienić statusu z „%(a)s” na „%(b)s”.",
              a=STATE_LABELS[current], b=STATE_LABELS[to])
        )
    if (current, to) in REASON_REQUIRED and not (comment or "").strip():
        raise InvalidTransition(_("Podaj powód zmiany statusu."))
    return current


def transition(submission, to: State, *, actor, comment: str | None = None,
               expected_version: int | None = None) -> None:
    """Move `submission` to state `to`, or raise InvalidTransition; records an audit event.

    `expected_version` is the `lock_version` the deciding page was rendered with: a decision
    made on a stale page raises StaleDecision and changes nothing.
    """
    if expected_version is not None and expected_version != submission.lock_version:
        raise StaleDecision(_("Ankieta zmieniła się, odkąd otwarto tę stronę (ktoś inny podjął "
                              "decyzję lub zmienił przypisanie). Odśwież stronę; nic nie "
                              "zmieniono."))
    current = check_transition(submission, to, actor=actor, comment=comment)
    now = utcnow()
    submission.status = to
    if to == State.SUBMITTED:
        submission.in_review_since = now
        if current != State.APPROVED:  # a reopening is not a new declaration
            submission.submitted_at = now
            submission.submitted_by_id = actor.id if actor is not None else None
    elif to == State.RETURNED:
        submission.returned_at = now
    elif to == State.APPROVED:
        submission.approved_at = now
    audit.record("submission.transition", "submission", submission.id, actor=actor,
                 from_state=current.value, to_state=to.value, comment=comment)
