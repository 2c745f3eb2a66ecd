"""Filling in a submission: drafts, optimistic locking, prefill from last year, submitting."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, Text, bindparam, cast, select
from sqlalchemy.orm import joinedload

from portal.core.errors import DomainError
from portal.db import column_rows, session, utcnow
from portal.editions.models import Edition, EditionStatus
from portal.municipalities.models import Gmina
from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.evaluation import Evaluation, evaluate
from portal.questionnaires.storage import answers_from_json
from portal.questionnaires.versions import definition_for
from portal.review.models import SubmissionSnapshot
from portal.review.notify import notify_resubmitted
from portal.review.snapshots import latest_snapshot
from portal.review.threads import queried_keys
from portal.submissions.models import Answer, AnswerChange, Submission
from portal.submissions.workflow import EDITABLE, State, transition


class EditingClosed(DomainError):
    pass


# --- reading ----------------------------------------------------------------------------------
def definition_of(submission: Submission) -> Questionnaire:
    return definition_for(submission.edition.questionnaire_version)


# The statements every section page runs are built once, on first use (at import time the
# mappers they join may not all be defined): building one cost as much as running it, since
# SQLAlchemy caches the compiled SQL but not the Python construction.
@cache
def _submission_by_id() -> Select:
    return (
        select(Submission)
        .where(Submission.id == bindparam("id"))
        .options(
            joinedload(Submission.gmina),
            joinedload(Submission.edition).joinedload(Edition.questionnaire_version),
        )
    )


def get_submission(submission_id: int) -> Submission | None:
    """The submission with its gmina, edition and questionnaire version, in one query."""
    return session.scalar(_submission_by_id(), {"id": submission_id})


def answers_by_key(submission: Submission) -> dict[str, Answer]:
    """All answers of the submission, in one query (who changed them is loaded on demand)."""
    rows = session.scalars(select(Answer).where(Answer.submission_id == submission.id)).all()
    return {answer.item_key: answer for answer in rows}


class StoredAnswer(NamedTuple):
    """An answer as the pages that only read it use it: its columns, the JSON decoded."""

    item_key: str
    value: Any
    evidence: Any
    prefilled: bool
    revision: int


# The two JSON columns are read as text and decoded together, one json.loads per query:
# SQLAlchemy's JSON type decodes each value on its own, which cost a section page as much as
# running the query.
_ANSWER_TEXT_COLUMNS = (Answer.item_key, cast(Answer.value, Text), cast(Answer.evidence, Text),
                        Answer.prefilled, Answer.revision)


@cache
def _answers_query(of_keys: bool) -> Select:
    query = select(*_ANSWER_TEXT_COLUMNS).where(Answer.submission_id == bindparam("submission"))
    if of_keys:
        query = query.where(Answer.item_key.in_(bindparam("keys", expanding=True)))
    return query


def answer_rows(submission: Submission,
                keys: Collection[str] | None = None) -> dict[str, StoredAnswer]:
    """The answers (all, or those of `keys`) as read-only StoredAnswer tuples, in one query.

    For pages that only read answers: tuples cost half as much as ORM objects, and every
    reading helper here (python_values, form_base, ...) takes either.
    """
    if keys is None:
        rows = column_rows(_answers_query(False), {"submission": submission.id})
    else:
        rows = column_rows(_answers_query(True), {"submission": submission.id, "keys": list(keys)})
    # [value, evidence, value, evidence, ...]; SQL NULL reads as JSON null, as it does per value.
    decoded = json.loads("[" + ",".join(
        text if text is not None else "null" for row in rows for text in (row[1], row[2])) + "]")
    return {row[0]: StoredAnswer(row[0], decoded[2 * n], decoded[2 * n + 1], row[3], row[4])
            for n, row in enumerate(rows)}


def python_values(questionnaire: Questionnaire, answers: dict[str, Answer]) -> dict[str, Any]:
    """Stored JSON turned back into typed values (Decimal, date, ...) for known items only."""
    stored = {key: answer.value for key, answer in answers.items() if answer.value is not None}
    values, problems = answers_from_json(questionnaire, stored)
    # Keys of other versions are skipped; a stored value of this version that no longer reads
    # is a bug we must not paper over (a save would then overwrite it with an empty field).
    malformed = {key: problem for key, problem in problems.items()
                 if key in questionnaire.items_by_key}
    if malformed:
        raise ValueError(f"stored answers of submission do not read: {malformed}")
    return values


def evaluate_submission(submission: Submission, answers: dict[str, Answer] | None = None, *,
                        judge: bool = True) -> Evaluation:
    """The whole submission evaluated; `judge=False`: without checking answers (evaluate())."""
    questionnaire = definition_of(submission)
    if answers is None:
        answers = answers_by_key(submission)
    return evaluate(questionnaire, python_values(questionnaire, answers),
                    evidence=evidence_keys(answers), judge=judge)


def evidence_keys(answers: dict[str, Answer]) -> set[str]:
    return {key for key, answer in answers.items() if answer.evidence}


@dataclass(frozen=True)
class Problem:
    section_key: str
    item_key: str
    message: str


def problems(questionnaire: Questionnaire, evaluation: Evaluation) -> list[Problem]:
    """Every error of relevant items, in questionnaire order, for the review page."""
    found = []
    for section in questionnaire.sections:
        for item in section.items:
            for message in evaluation.errors.get(item.key, []):
                found.append(Problem(section.key, item.key, str(message)))
    return found


def required_totals(evaluation: Evaluation) -> tuple[int, int]:
    """(answered, required) over all sections."""
    answered = sum(p.answered for p in evaluation.sections.values())
    return answered, sum(p.required for p in evaluation.sections.values())


def unconfirmed_prefills(answers: dict[str, Answer]) -> list[str]:
    return [key for key, answer in answers.items() if answer.prefilled and answer.value is not None]


# --- access -----------------------------------------------------------------------------------
def visible_to(submission: Submission, user) -> bool:
    """Officials see only their own gmina's submission; staff see all."""
    if user.is_staff:
        return True
    return user.is_official and user.gmina_id == submission.gmina_id


def can_edit(submission: Submission, user, now: datetime, item_key: str | None = None) -> bool:
    """May `user` change answers now; with `item_key`, that item in particular.

    A returned submission stays editable after the closing date (the gmina answers the
    reviewer's queries) while the edition is open, but only in the queried items.
    """
    if not (user.is_official and user.gmina_id == submission.gmina_id):
        return False
    if editing_refusal(submission, now) is not None:
        return False
    if item_key is None:
        return True
    editable = editable_keys(submission)
    return editable is None or item_key in editable


def editable_keys(submission: Submission, sent_queries: list | None = None
                  ) -> frozenset[str] | None:
    """None when every item may change; for a returned submission, the queried items.

    `sent_queries` is `queries_of(submission.id, sent_only=True)` when the caller has it.
    """
    if State(submission.status) != State.RETURNED:
        return None
    if sent_queries is not None:
        return frozenset(query.item_key for query in sent_queries if query.is_open)
    return queried_keys(submission.id)


def editing_refusal(submission: Submission, now: datetime) -> str | None:
    """Why nothing can be changed now, in words for the official (None if editing is allowed)."""
    state = State(submission.status)
    if state not in EDITABLE:
        return _("Ankieta została przesłana i nie można jej już zmieniać.")
    if state == State.RETURNED and submission.edition.status == EditionStatus.OPEN:
        return None
    if not submission.edition.accepts_answers(now):
        return _("Edycja %(year)s nie przyjmuje już zmian (termin minął lub nabór jest zamknięty).",
                 year=submission.edition.year)
    return None


def refuse_unqueried(submission: Submission, questionnaire: Questionnaire,
                      keys: set[str] | list[str]) -> None:
    if not keys:
        return
    editable = editable_keys(submission)
    if editable is None:
        return
    refused = [key for key in keys if key not in editable]
    if refused:
        names = ", ".join(f"„{questionnaire.item(key).label.get()}”" for key in refused)
        raise EditingClosed(_("Po zwrocie ankiety można zmieniać tylko pola, o które pyta "
                              "recenzent. Nie zapisano nic; zmieniono inne pola: %(names)s.",
                              names=names))


# --- creating ---------------------------------------------------------------------------------
def find_submission(edition: Edition, gmina: Gmina) -> Submission | None:
    return session.scalar(
        select(Submission).where(Submission.edition_id == edition.id,
                                 Submission.gmina_id == gmina.id)
    )


def open_submission(edition: Edition, gmina: Gmina, *, actor) -> Submission:
    """The gmina's submission for the edition, created (with last year's answers) if missing."""
    submission = find_submission(edition, gmina)
    if submission is not None:
        return submission
    submission = Submission(edition=edition, gmina=gmina, status=State.DRAFT)
    session.add(submission)
    session.flush()
    _prefill_from_previous(submission, actor=actor)
    return submission


def previous_snapshot(submission: Submission) -> SubmissionSnapshot | None:
    """The gmina's last approved snapshot from an earlier edition (last year's verified data)."""
    return latest_snapshot(submission.gmina_id, before_year=submission.edition.year)


def _prefill_from_previous(submission: Submission, *, actor) -> int:
    previous = previous_snapshot(submission)
    if previous is None:
        return 0
    new_definition = definition_of(submission)
    old_definition = definition_of(previous.submission)
    count = 0
    for key, old_value in previous.values.items():
        item = new_definition.items_by_key.get(key)
        old_item = old_definition.items_by_key.get(key)
        # Only carry a value over when the item still means the same kind of thing.
        if item is None or old_item is None or item.type != old_item.type or old_value is None:
            continue
        if item.type in ("file", "calculated"):
            continue
        session.add(Answer(submission_id=submission.id, item_key=key, value=old_value,
                           prefilled=True, updated_by_id=None))
        session.add(AnswerChange(submission_id=submission.id, item_key=key, old_value=None,
                                 new_value=old_value, kind="prefill",
                                 actor_id=actor.id if actor else None))
        count += 1
    session.flush()
    return count


# --- submitting -------------------------------------------------------------------------------
def submit(submission: Submission, *, declarant_name: str, declarant_position: str,
           declaration_accepted: bool, actor, now: datetime | None = None) -> None:
    """Submit for verification: only when every relevant answer is valid and confirmed."""
    now = now or utcnow()
    if not can_edit(submission, actor, now):
        raise EditingClosed(editing_refusal(submission, now) or _("Brak uprawnień do edycji."))
    if not declaration_accepted or not declarant_name.strip() or not declarant_position.strip():
        raise DomainError(
            _("Wypełnij oświadczenie: imię i nazwisko, stanowisko oraz potwierdzenie.")
        )
    answers = answers_by_key(submission)
    evaluation = evaluate_submission(submission, answers)
    if not evaluation.is_complete or unconfirmed_prefills(answers):
        raise DomainError(_("Ankieta ma braki lub błędy; popraw je przed przesłaniem."))
    submission.declarant_name = declarant_name.strip()
    submission.declarant_position = declarant_position.strip()
    resubmitted = State(submission.status) == State.RETURNED
    transition(submission, State.SUBMITTED, actor=actor)
    session.flush()
    if resubmitted:
        notify_resubmitted(submission, actor=actor)
