"""Saving a section's answers: only what this user changed, never over a colleague's change.

A form carries, per item, the revision and a fingerprint of the value it showed (`form_base`,
signed into the page by section_page). A save writes the items whose posted value differs
from what was shown; if such an item changed meanwhile, nothing is written and StaleSection
names the items and who changed them. Every write goes into the append-only answer history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.db import session, utcnow
from portal.questionnaires.definition import Questionnaire, Section
from portal.questionnaires.types import ITEM_TYPES
from portal.submissions.models import Answer, AnswerChange, Submission
from portal.submissions.services import (
    EditingClosed,
    StoredAnswer,
    answer_rows,
    answers_by_key,
    can_edit,
    definition_of,
    editing_refusal,
    refuse_unqueried,
)


@dataclass(frozen=True)
class Conflict:
    """An item changed by someone else after the form was opened."""

    item_key: str
    changed_by: str
    changed_at: datetime
    current_value: Any


class StaleSection(DomainError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(_("Ktoś zmienił część odpowiedzi w tej sekcji, gdy ją wypełniano."))


# One encoder for every fingerprint: json.dumps() with options builds a new encoder per call,
# and a section page fingerprints each of its answers.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(value: Any) -> str:
    return hashlib.sha256(_CANONICAL_JSON.encode(value).encode()).hexdigest()[:16]


# Every section page fingerprints each of its answers, and most are short scalars seen again and
# again ("yes", an amount, a count): those are remembered. typed=True keeps True and 1 apart
# (equal in Python, not in JSON).
_NON_TEXT_SCALARS = frozenset((type(None), int, float, bool))
_MEMO_MAX_CHARS = 200
_scalar_digest = lru_cache(maxsize=8192, typed=True)(_digest)


def value_fingerprint(value: Any) -> str:
    """A short digest of a stored JSON value, to tell later whether a form changed it."""
    kind = type(value)
    if kind in _NON_TEXT_SCALARS or (kind is str and len(value) <= _MEMO_MAX_CHARS):
        return _scalar_digest(value)
    return _digest(value)


def form_base(answers: dict[str, Answer], keys: list[str]) -> dict[str, list]:
    """What a form is rendered from: per item, the answer's revision and value fingerprint."""
    base = {}
    for key in keys:
        answer = answers.get(key)
        base[key] = [answer.revision if answer else 0,
                     value_fingerprint(answer.value if answer else None)]
    return base


def save_section(submission: Submission, section: Section, values: dict[str, Any],
                 base: dict[str, list], *, actor, now: datetime | None = None,
                 answers: dict[str, Answer | StoredAnswer] | None = None) -> int:
    """Store the section's values as the draft; returns how many answers changed.

    `base` is `form_base()` as the form was rendered. A field the user left as it was is not
    written (a colleague's newer value stays). If the user changed an item that someone else
    also changed since, nothing is saved and StaleSection names the items (the page then signs
    the current revisions, so saving again after seeing them is deliberate). `answers` is
    `answer_rows()` (or `answers_by_key()`) when the caller has read them in this transaction.
    """
    now = now or utcnow()
    if not can_edit(submission, actor, now):
        raise EditingClosed(editing_refusal(submission, now) or _("Brak uprawnień do edycji."))
    questionnaire = definition_of(submission)
    if answers is None:
        answers = answer_rows(submission)
    changes = _planned_changes(questionnaire, section, values, answers, base)
    refuse_unqueried(submission, questionnaire, list(changes))
    conflicts = _conflicts(submission, changes, answers, base)
    if conflicts:
        raise StaleSection(conflicts)
    stored = _answers_to_change(submission, list(changes))
    for key, new_json in changes.items():
        _write_answer(submission, key, new_json, stored.get(key), actor=actor)
    session.flush()
    return len(changes)


def _answers_to_change(submission: Submission, keys: list[str]) -> dict[str, Answer]:
    if not keys:
        return {}
    return {answer.item_key: answer for answer in session.scalars(
        select(Answer).where(Answer.submission_id == submission.id, Answer.item_key.in_(keys)))}


def _planned_changes(questionnaire: Questionnaire, section: Section, values: dict[str, Any],
                     answers: dict[str, Answer | StoredAnswer],
                     base: dict[str, list]) -> dict[str, Any]:
    """Item key -> new JSON value, for the items this user changed to a new value."""
    changes: dict[str, Any] = {}
    for item in section.items:
        if item.type == "calculated" or item.key not in values:
            continue
        kind = ITEM_TYPES[item.type]
        value = values[item.key]
        new_json = None if kind.is_empty(value) else kind.to_json(value, item)
        if item.key in base and value_fingerprint(new_json) == base[item.key][1]:
            continue  # left as rendered: not this user's change
        current = answers.get(item.key)
        old_json = current.value if current is not None else None
        if new_json != old_json or (current is not None and current.prefilled and new_json is None):
            changes[item.key] = new_json
    return changes


def _conflicts(submission: Submission, changes: dict[str, Any],
               answers: dict[str, Answer | StoredAnswer], base: dict[str, list]) -> list[Conflict]:
    stale = [key for key in changes
             if base.get(key, [0])[0] != (answers[key].revision if key in answers else 0)]
    if not stale:
        return []
    # Only conflicts say who changed an answer and when: read in one query, when needed.
    changed = {row.item_key: row for row in session.execute(
        select(Answer.item_key, Answer.updated_at, User.name)
        .outerjoin(User, User.id == Answer.updated_by_id)
        .where(Answer.submission_id == submission.id, Answer.item_key.in_(stale)))}
    conflicts = []
    for key in stale:
        current, row = answers.get(key), changed.get(key)
        conflicts.append(Conflict(key, (row.name if row else None) or _("system"),
                                  row.updated_at if row else utcnow(),
                                  current.value if current else None))
    return conflicts


def _write_answer(submission: Submission, key: str, new_json: Any, current: Answer | None,
                  *, actor, kind: str = "edit") -> None:
    old_json = current.value if current is not None else None
    if current is None:
        session.add(Answer(submission_id=submission.id, item_key=key, value=new_json,
                           updated_by_id=actor.id, updated_at=utcnow()))
    else:
        current.value = new_json
        current.prefilled = False
        current.revision += 1
        current.updated_by_id = actor.id
        current.updated_at = utcnow()
    session.add(AnswerChange(submission_id=submission.id, item_key=key, old_value=old_json,
                             new_value=new_json, kind=kind, actor_id=actor.id))


def attach_evidence(submission: Submission, item_key: str, meta: dict | None, *, actor,
                    now: datetime | None = None) -> None:
    """Attach (or with None remove) the document supporting one answer."""
    now = now or utcnow()
    if not can_edit(submission, actor, now):
        raise EditingClosed(editing_refusal(submission, now) or _("Brak uprawnień do edycji."))
    refuse_unqueried(submission, definition_of(submission), [item_key])
    answer = answers_by_key(submission).get(item_key)
    if answer is None:
        answer = Answer(submission_id=submission.id, item_key=item_key, value=None,
                        updated_by_id=actor.id)
        session.add(answer)
    old = answer.evidence
    answer.evidence = meta
    session.add(AnswerChange(submission_id=submission.id, item_key=item_key,
                             old_value={"evidence": old}, new_value={"evidence": meta},
                             kind="evidence", actor_id=actor.id))
    session.flush()


def confirm_prefilled(submission: Submission, section: Section, *, actor,
                      now: datetime | None = None) -> int:
    """Accept last year's values of a section as this year's answers."""
    now = now or utcnow()
    if not can_edit(submission, actor, now):
        raise EditingClosed(editing_refusal(submission, now) or _("Brak uprawnień do edycji."))
    keys = {item.key for item in section.items}
    confirmed = 0
    for key, answer in answers_by_key(submission).items():
        if key in keys and answer.prefilled:
            answer.prefilled = False
            answer.revision += 1
            answer.updated_by_id = actor.id
            answer.updated_at = utcnow()
            session.add(AnswerChange(submission_id=submission.id, item_key=key,
                                     old_value=answer.value, new_value=answer.value,
                                     kind="confirm", actor_id=actor.id))
            confirmed += 1
    session.flush()
    return confirmed
