"""Pages that only read answers get them as StoredAnswer tuples, decoded in one go."""

from __future__ import annotations

from sqlalchemy import select

from portal.db import session
from portal.submissions import services
from portal.submissions.models import Answer
from tests.sample_2018 import store_answers


def _as_read(answers: dict) -> dict:
    return {key: (a.value, a.evidence, a.prefilled, a.revision) for key, a in answers.items()}


def test_answer_rows_read_every_stored_value_as_the_orm_does(submission):
    store_answers(submission)  # every kind: numbers, text, choices, year tables, repeating rows
    tricky = session.scalar(select(Answer).where(Answer.submission_id == submission.id,
                                                 Answer.item_key == "guard_exists"))
    tricky.value = 'cudzysłów " nawias ] przecinek , ukośnik \\ i ł'
    tricky.evidence = {"name": "uchwała [1].pdf", "size": 1024}
    tricky.prefilled = True
    tricky.revision = 3
    session.add(Answer(submission_id=submission.id, item_key="not_in_this_version", value=None))
    session.flush()
    session.expire_all()

    everything = services.answer_rows(submission)
    assert _as_read(everything) == _as_read(services.answers_by_key(submission))
    assert everything["guard_exists"].evidence == {"name": "uchwała [1].pdf", "size": 1024}
    assert everything["not_in_this_version"].value is None

    some = services.answer_rows(submission, ["guard_exists", "budget_754_total", "unknown"])
    assert _as_read(some) == {key: _as_read(everything)[key]
                              for key in ("guard_exists", "budget_754_total")}
