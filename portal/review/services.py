"""Reviewing a submission: assignment, verifying answers, query threads, return, approval.

Every action locks the submission row first, so actions on one submission run one at a time
on PostgreSQL; per-answer actions also compare-and-set the answer's review version, so a
reviewer acting on a stale page never overwrites another's decision. Services flush; the
caller commits once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.auth.models import Role, User
from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session, utcnow
from portal.questionnaires.definition import Item, Questionnaire
from portal.review import notify
from portal.review.models import AnswerReview, QueryMessage, ReviewQuery, SubmissionSnapshot
from portal.review.page import ReviewData, build_review
from portal.review.snapshots import take_snapshot
from portal.submissions import services as submissions
from portal.submissions.models import Submission
from portal.submissions.workflow import (
    STATE_LABELS,
    StaleDecision,
    State,
    check_transition,
    transition,
)

MAX_COMMENT = 5000


class ReviewRefused(DomainError):
    pass


class StaleAnswerReview(DomainError):
    def __init__(self, label: str):
        super().__init__(_("Ktoś inny właśnie zmienił ocenę pola „%(label)s” (weryfikacja lub "
                           "pytanie). Odśwież stronę; nic nie zmieniono.", label=label))


# --- access -----------------------------------------------------------------------------------
def can_decide(submission: Submission, user) -> bool:
    """Only the assigned reviewer or an admin verifies, queries, returns and approves."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.REVIEWER and submission.reviewer_id == user.id


def decision_refusal(submission: Submission, user) -> str | None:
    if can_decide(submission, user):
        return None
    if submission.reviewer_id is None:
        return _("Ankieta nie ma przypisanego recenzenta. Przypisz ją sobie, aby ją oceniać.")
    return _("Ankietę ocenia %(name)s; decyzje podejmuje przypisany recenzent lub "
             "administrator.", name=submission.reviewer.name if submission.reviewer else "?")


def _require_decider(submission: Submission, actor) -> None:
    refusal = decision_refusal(submission, actor)
    if refusal:
        raise ReviewRefused(refusal)


def _require_in_review(submission: Submission) -> None:
    if State(submission.status) != State.SUBMITTED:
        raise ReviewRefused(_("Odpowiedzi można oceniać tylko w ankiecie przesłanej do "
                              "weryfikacji (teraz: %(state)s).",
                              state=_state_label(submission)))


def _state_label(submission: Submission) -> str:
    return str(STATE_LABELS[State(submission.status)])


def lock(submission: Submission) -> Submission:
    """Reload the submission under a row lock (fresh values, not the identity map's)."""
    return session.scalar(
        select(Submission).where(Submission.id == submission.id).with_for_update()
        .execution_options(populate_existing=True)
    )


def _check_lock_version(submission: Submission, expected: int | None) -> None:
    if expected is not None and expected != submission.lock_version:
        raise StaleDecision(_("Ankieta zmieniła się, odkąd otwarto tę stronę (ktoś inny podjął "
                              "decyzję lub zmienił przypisanie). Odśwież stronę; nic nie "
                              "zmieniono."))


# --- assignment -------------------------------------------------------------------------------
def assign(submission: Submission, reviewer: User, *, actor) -> None:
    """Assign a reviewer: a reviewer takes an unassigned submission, an admin assigns anyone."""
    submission = lock(submission)
    if actor.role not in (Role.REVIEWER, Role.ADMIN):
        raise ReviewRefused(_("Tylko recenzent lub administrator może przypisywać ankiety."))
    if not reviewer.is_staff or not reviewer.active:
        raise ReviewRefused(_("Ankietę można przypisać tylko aktywnemu recenzentowi lub "
                              "administratorowi."))
    if actor.role != Role.ADMIN:
        if reviewer.id != actor.id:
            raise ReviewRefused(_("Innym osobom ankiety przypisuje administrator."))
        if submission.reviewer_id not in (None, actor.id):
            raise ReviewRefused(_("Ankietę ocenia już %(name)s; zmianę przypisania może zrobić "
                                  "administrator.", name=submission.reviewer.name))
    if State(submission.status) == State.DRAFT:
        raise ReviewRefused(_("Ankieta nie została jeszcze przesłana."))
    if submission.reviewer_id == reviewer.id:
        return
    previous = submission.reviewer_id
    submission.reviewer_id = reviewer.id
    submission.assigned_at = utcnow()
    session.flush()
    audit.record("review.assigned", "submission", submission.id, actor=actor,
                 reviewer_id=reviewer.id, reviewer=reviewer.name, previous_reviewer_id=previous)


# --- per answer -------------------------------------------------------------------------------
def _reviewable_item(questionnaire: Questionnaire, data: ReviewData, item_key: str) -> Item:
    item = questionnaire.items_by_key.get(item_key)
    if item is None:
        raise ReviewRefused(_("Nie ma takiego pytania w ankiecie."))
    if not data.evaluation.relevant.get(item_key, True):
        raise ReviewRefused(_("Pytanie „%(label)s” nie dotyczy tej gminy (jest ukryte przez "
                              "wcześniejsze odpowiedzi), więc nie podlega ocenie.",
                              label=item.label.get()))
    if item.type == "calculated":
        raise ReviewRefused(_("Wartości obliczane nie podlegają osobnej ocenie."))
    return item


def _compare_and_set(submission_id: int, item: Item, expected: int, **values) -> None:
    """Write the item's review row only if its version is still `expected` (0: no row yet)."""
    if expected == 0:
        try:
            with session.begin_nested():
                session.add(AnswerReview(submission_id=submission_id, item_key=item.key,
                                         version=1, **values))
        except IntegrityError as error:  # someone else created it first
            raise StaleAnswerReview(item.label.get()) from error
        return
    result = session.execute(
        update(AnswerReview)
        .where(AnswerReview.submission_id == submission_id, AnswerReview.item_key == item.key,
               AnswerReview.version == expected)
        .values(version=AnswerReview.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleAnswerReview(item.label.get())
    for obj in list(session.identity_map.values()):
        if isinstance(obj, AnswerReview) and obj.submission_id == submission_id:
            session.expire(obj)


def _verified_values(data: ReviewData, item_key: str, actor) -> dict:
    answer = data.answers.get(item_key)
    return {"status": "verified", "verified_revision": answer.revision if answer else 0,
            "verified_by_id": actor.id, "verified_at": utcnow()}


def _prepare(submission: Submission, actor) -> tuple[Submission, ReviewData]:
    submission = lock(submission)
    _require_decider(submission, actor)
    _require_in_review(submission)
    return submission, build_review(submission, with_flags=False)


def verify(submission: Submission, item_key: str, *, expected_version: int, actor) -> None:
    """Mark one relevant answer as verified (refused while a query on it is open)."""
    submission, data = _prepare(submission, actor)
    item = _reviewable_item(data.questionnaire, data, item_key)
    if data.row(item_key).open_query is not None:
        raise ReviewRefused(_("Pole „%(label)s” ma otwarte pytanie; zamknij je przed "
                              "weryfikacją.", label=item.label.get()))
    _compare_and_set(submission.id, item, expected_version,
                     **_verified_values(data, item_key, actor))
    audit.record("review.verified", "submission", submission.id, actor=actor, item_key=item_key)
    session.flush()


def bulk_candidates(data: ReviewData, section_key: str) -> list[tuple[str, int]]:
    """(item key, review version) of the section's relevant answers that are neither verified,
    queried nor flagged: what "verify all unflagged" would verify."""
    return [(row.item.key, row.review_version) for row in data.section_rows(section_key)
            if row.status == "pending" and not row.flags]


def bulk_verify(submission: Submission, section_key: str, expected: dict[str, int], *,
                expected_lock: int, actor) -> int:
    """Verify exactly the previewed items; refused whole if the list changed since the preview."""
    submission = lock(submission)
    _check_lock_version(submission, expected_lock)
    _require_decider(submission, actor)
    _require_in_review(submission)
    data = build_review(submission)
    current = dict(bulk_candidates(data, section_key))
    if not expected or any(current.get(key) != version for key, version in expected.items()):
        raise ReviewRefused(_("Lista pól do zweryfikowania zmieniła się od podglądu. Obejrzyj "
                              "ją ponownie; nic nie zmieniono."))
    for key, version in expected.items():
        _compare_and_set(submission.id, data.questionnaire.item(key), version,
                         **_verified_values(data, key, actor))
    audit.record("review.bulk_verified", "submission", submission.id, actor=actor,
                 section=section_key, item_keys=sorted(expected))
    session.flush()
    return len(expected)


def _clean_comment(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ReviewRefused(_("Wpisz komentarz: gmina musi wiedzieć, co poprawić."))
    if len(text) > MAX_COMMENT:
        raise ReviewRefused(_("Komentarz może mieć najwyżej %(n)d znaków.", n=MAX_COMMENT))
    return text


def open_query(submission: Submission, item_key: str, comment: str, *, expected_version: int,
               actor) -> ReviewQuery:
    """Ask the gmina about one relevant answer; clears the answer's verification."""
    text = _clean_comment(comment, required=True)
    submission, data = _prepare(submission, actor)
    item = _reviewable_item(data.questionnaire, data, item_key)
    if data.row(item_key).open_query is not None:
        raise ReviewRefused(_("Pole „%(label)s” ma już otwarte pytanie; dopisz się w jego "
                              "wątku.", label=item.label.get()))
    _compare_and_set(submission.id, item, expected_version, status="pending",
                     verified_revision=None, verified_by_id=None, verified_at=None)
    query = ReviewQuery(submission_id=submission.id, item_key=item_key, opened_by_id=actor.id)
    query.messages.append(QueryMessage(author_id=actor.id, body=text))
    session.add(query)
    session.flush()
    audit.record("review.query_opened", "submission", submission.id, actor=actor,
                 item_key=item_key, query_id=query.id, comment=text)
    return query


def reply(query: ReviewQuery, body: str, *, actor) -> QueryMessage:
    """Add a message to an open thread: the gmina while returned, the reviewer while in review."""
    text = _clean_comment(body, required=True)
    submission = lock(query.submission)
    if query.status != "open":
        raise ReviewRefused(_("To pytanie jest już zamknięte."))
    if actor.is_official:
        if State(submission.status) != State.RETURNED or query.sent_at is None:
            raise ReviewRefused(_("Na pytania recenzenta można odpowiadać, gdy ankieta jest "
                                  "zwrócona do poprawy."))
    else:
        _require_decider(submission, actor)
        if State(submission.status) not in (State.SUBMITTED, State.RETURNED):
            raise ReviewRefused(_("W tym stanie ankiety wątki są zamknięte."))
    message = QueryMessage(query_id=query.id, author_id=actor.id, body=text)
    session.add(message)
    session.flush()
    audit.record("review.query_replied", "submission", submission.id, actor=actor,
                 item_key=query.item_key, query_id=query.id, comment=text,
                 by_gmina=actor.is_official)
    if actor.is_official:
        questionnaire = submissions.definition_of(submission)
        notify.notify_query_replied(query, message, questionnaire.item(query.item_key).label.get(),
                                    questionnaire.section_of[query.item_key].key, actor=actor)
    return message


def close_query(query: ReviewQuery, *, actor, comment: str | None = None) -> None:
    """Close a thread (the reviewer is satisfied); only while the submission is in review."""
    text = _clean_comment(comment, required=False)
    submission = lock(query.submission)
    _require_decider(submission, actor)
    _require_in_review(submission)
    now = utcnow()
    result = session.execute(
        update(ReviewQuery).where(ReviewQuery.id == query.id, ReviewQuery.status == "open")
        .values(status="closed", closed_by_id=actor.id, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ReviewRefused(_("To pytanie jest już zamknięte."))
    session.expire(query)
    if text:
        session.add(QueryMessage(query_id=query.id, author_id=actor.id, body=text))
    audit.record("review.query_closed", "submission", submission.id, actor=actor,
                 item_key=query.item_key, query_id=query.id, comment=text or None)
    session.flush()


# --- decisions --------------------------------------------------------------------------------
def return_to_gmina(submission: Submission, *, expected_lock: int, actor,
                    comment: str | None = None) -> int:
    """Send the submission back with its open queries; returns how many queries were sent."""
    text = _clean_comment(comment, required=False)
    submission = lock(submission)
    _check_lock_version(submission, expected_lock)
    _require_decider(submission, actor)
    check_transition(submission, State.RETURNED, actor=actor)
    data = build_review(submission, with_flags=False)
    open_queries = [row.open_query for row in data.rows if row.open_query is not None]
    if not open_queries:
        raise ReviewRefused(_("Zwrot do gminy wymaga co najmniej jednego otwartego pytania: "
                              "gmina musi wiedzieć, co poprawić."))
    transition(submission, State.RETURNED, actor=actor, comment=text or None,
               expected_version=expected_lock)
    now = utcnow()
    for query in open_queries:
        if query.sent_at is None:
            query.sent_at = now
    session.flush()
    labels = {q.item_key: data.questionnaire.item(q.item_key).label.get() for q in open_queries}
    notify.notify_returned(submission, open_queries, labels, actor=actor, comment=text or None)
    return len(open_queries)


def approve(submission: Submission, *, expected_lock: int, actor,
            comment: str | None = None) -> SubmissionSnapshot:
    """Approve: every relevant answer verified and no open query; freezes snapshot n+1."""
    text = _clean_comment(comment, required=False)
    submission = lock(submission)
    _check_lock_version(submission, expected_lock)
    _require_decider(submission, actor)
    check_transition(submission, State.APPROVED, actor=actor)
    data = build_review(submission, with_flags=False)
    if data.open_query_count:
        raise ReviewRefused(_("Nie można zatwierdzić: otwarte pytania (%(n)d). Zamknij je albo "
                              "zwróć ankietę do gminy.", n=data.open_query_count))
    pending = [row for row in data.rows if row.status != "verified"]
    if pending:
        raise ReviewRefused(_("Nie można zatwierdzić: niezweryfikowane odpowiedzi (%(n)d), np. "
                              "„%(label)s”.", n=len(pending), label=pending[0].item.label.get()))
    transition(submission, State.APPROVED, actor=actor, comment=text or None,
               expected_version=expected_lock)
    snapshot = take_snapshot(submission, data.questionnaire, data.evaluation, data.answers,
                             actor=actor)
    audit.record("review.snapshot_taken", "submission", submission.id, actor=actor,
                 snapshot_id=snapshot.id, number=snapshot.number)
    notify.notify_approved(submission, actor=actor, comment=text or None)
    return snapshot


def reopen(submission: Submission, *, reason: str, expected_lock: int, actor) -> None:
    """An admin sends an approved submission back to review; its snapshots stay in history."""
    text = _clean_comment(reason, required=False)
    submission = lock(submission)
    _check_lock_version(submission, expected_lock)
    if not text:
        raise ReviewRefused(_("Podaj powód ponownego otwarcia."))
    transition(submission, State.SUBMITTED, actor=actor, comment=text,
               expected_version=expected_lock)
    session.flush()
