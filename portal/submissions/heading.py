"""A submission as a section page's GET shows it: its state, its gmina's name, its edition's terms.

Showing a section reads the submission, never changes it. Loaded through the ORM with its
gmina, edition and questionnaire version, it cost the page as much as all its answers; read as
columns in one statement, a fifth of that. `SubmissionHeading` answers what the page, the
access checks and the services it calls (`visible_to`, `can_edit`, `editing_refusal`,
`editable_keys`, `definition_of`, `answer_rows`) read of a `Submission`; saving, submitting
and review load the `Submission` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, select

from portal.db import column_rows, session
from portal.editions.models import Edition, accepts_answers
from portal.municipalities.models import Gmina
from portal.questionnaires.models import QuestionnaireVersion
from portal.submissions.models import Submission


@dataclass(frozen=True, slots=True)
class VersionHeading:
    id: int
    version: str
    sha256: str

    @property
    def source_text(self) -> str:
        # Read only when this process has not parsed the version yet (versions.definition_for).
        return session.get(QuestionnaireVersion, self.id).source_text


@dataclass(frozen=True, slots=True)
class EditionHeading:
    id: int
    year: int
    status: str
    opens_on: date | None
    closes_on: date | None
    questionnaire_version: VersionHeading

    def accepts_answers(self, now: datetime) -> bool:
        return accepts_answers(self.status, self.opens_on, self.closes_on, now)


@dataclass(frozen=True, slots=True)
class GminaHeading:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SubmissionHeading:
    id: int
    gmina_id: int
    edition_id: int
    status: str
    gmina: GminaHeading
    edition: EditionHeading


@cache
def _by_id() -> Select:
    # Built once, on first use (at import time the mappers may not all be configured).
    return (
        select(Submission.id, Submission.gmina_id, Submission.edition_id, Submission.status,
               Gmina.name, Edition.year, Edition.status, Edition.opens_on, Edition.closes_on,
               QuestionnaireVersion.id, QuestionnaireVersion.version, QuestionnaireVersion.sha256)
        .join_from(Submission, Gmina, Submission.gmina_id == Gmina.id)
        .join(Edition, Submission.edition_id == Edition.id)
        .join(QuestionnaireVersion, Edition.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Submission.id == bindparam("id"))
    )


def submission_heading(submission_id: int) -> SubmissionHeading | None:
    """The submission's heading, in one statement; None if there is no such submission."""
    rows = column_rows(_by_id(), {"id": submission_id})
    if not rows:
        return None
    (id_, gmina_id, edition_id, status, gmina_name, year, edition_status, opens_on, closes_on,
     version_id, version, sha256) = rows[0]
    version_heading = VersionHeading(version_id, version, sha256)
    return SubmissionHeading(
        id_, gmina_id, edition_id, status, GminaHeading(gmina_id, gmina_name),
        EditionHeading(edition_id, year, edition_status, opens_on, closes_on, version_heading))
