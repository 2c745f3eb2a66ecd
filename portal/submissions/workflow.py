"""The submission state machine: every allowed transition in one table."""

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
    State.APPROVED: {State.DRAFT},  # an admin reopens, with a reason
}

# States in which the gmina's officials may change answers.
EDITABLE = {State.DRAFT, State.RETURNED}


class InvalidTransition(DomainError):
    pass


def transition(submission, to: State, *, actor, comment: str | None = None) -> None:
    """Move `submission` to state `to`, or raise InvalidTransition; records an audit event."""
    current = State(submission.status)
    if to not in ALLOWED[current]:
        raise InvalidTransition(
            _("Nie można zmienić statusu z „%(a)s” na „%(b)s”.",
              a=STATE_LABELS[current], b=STATE_LABELS[to])
        )
    submission.status = to
    if to == State.SUBMITTED:
        submission.submitted_at = utcnow()
        submission.submitted_by_id = actor.id if actor is not None else None
    audit.record("submission.transition", "submission", submission.id, actor=actor,
                 from_state=current.value, to_state=to.value, comment=comment)
