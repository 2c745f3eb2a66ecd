"""The submission state table: each (from, to) pair is allowed for some role or refused."""

from __future__ import annotations

from itertools import product
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.db import session
from portal.submissions.workflow import (
    ALLOWED,
    PERFORMED_BY,
    REASON_REQUIRED,
    InvalidTransition,
    StaleDecision,
    State,
    transition,
)


def _submission(status: State):
    return SimpleNamespace(id=None, status=status.value, lock_version=3, submitted_at=None,
                           submitted_by_id=None, in_review_since=None, returned_at=None,
                           approved_at=None)


def _actor(role: str):
    return SimpleNamespace(id=None, role=role)


@pytest.mark.parametrize(("source", "target"), list(product(State, State)))
def test_every_state_pair_is_allowed_or_refused_by_the_one_table(source, target):
    submission = _submission(source)
    if target in ALLOWED[source]:
        role = sorted(PERFORMED_BY[(source, target)])[0]
        transition(submission, target, actor=_actor(role), comment="powód")
        assert submission.status == target
    else:
        with pytest.raises(InvalidTransition, match="Nie można zmienić statusu"):
            transition(submission, target, actor=_actor("admin"), comment="powód")
        assert submission.status == source


def test_every_allowed_transition_says_who_may_make_it():
    allowed = {(source, target) for source, targets in ALLOWED.items() for target in targets}
    assert allowed == set(PERFORMED_BY)


@pytest.mark.parametrize(("source", "target"), sorted(PERFORMED_BY))
def test_a_role_outside_the_table_is_refused(source, target):
    outsiders = {"official", "reviewer", "admin"} - PERFORMED_BY[(source, target)]
    for role in outsiders:
        submission = _submission(source)
        with pytest.raises(InvalidTransition, match="rola"):
            transition(submission, target, actor=_actor(role), comment="powód")
        assert submission.status == source


def test_reopening_needs_a_reason():
    assert (State.APPROVED, State.SUBMITTED) in REASON_REQUIRED
    submission = _submission(State.APPROVED)
    with pytest.raises(InvalidTransition, match="powód"):
        transition(submission, State.SUBMITTED, actor=_actor("admin"), comment="  ")
    assert submission.status == State.APPROVED


def test_a_decision_made_on_a_stale_page_is_refused():
    submission = _submission(State.SUBMITTED)
    with pytest.raises(StaleDecision):
        transition(submission, State.APPROVED, actor=_actor("reviewer"), expected_version=2)
    assert submission.status == State.SUBMITTED


def test_each_transition_is_audited_with_actor_and_reason(submitted, admin):
    transition(submitted, State.APPROVED, actor=admin, comment="wszystko się zgadza")
    session.flush()
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_id == submitted.id,
                                                     AuditEvent.action == "submission.transition")
                            ).all()[-1]
    assert event.actor_id == admin.id and event.at is not None
    assert event.details == {"from_state": "submitted", "to_state": "approved",
                             "comment": "wszystko się zgadza"}
    assert submitted.approved_at is not None
