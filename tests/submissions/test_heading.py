"""A section page's GET reads the submission's heading (submissions/heading.py), not the ORM
object: it must decide access and editing exactly as the submission itself would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.db import session
from portal.questionnaires import versions
from portal.submissions import services
from portal.submissions.heading import submission_heading
from tests import factories
from tests.submissions.conftest import section_url

TODAY = date.today()


@pytest.mark.parametrize(("opens", "closes", "status"), [
    (-30, 30, "draft"),       # open: editable
    (-30, -1, "draft"),       # closed yesterday: not any more
    (5, 30, "draft"),         # not open yet
    (-30, -1, "returned"),    # returned after the deadline: the queried items still are
    (-30, 30, "submitted"),   # submitted: read-only
])
def test_the_heading_decides_access_and_editing_as_the_submission_does(
        opens, closes, status, kornik_official):
    edition = factories.open_edition_2018(opens_on=TODAY + timedelta(days=opens),
                                          closes_on=TODAY + timedelta(days=closes))
    submission = services.open_submission(edition, kornik_official.gmina, actor=kornik_official)
    now = datetime.now(UTC)
    if status != "draft":
        submission.status, submission.submitted_at = status, now
        submission.returned_at = now if status == "returned" else None
    session.flush()
    heading = submission_heading(submission.id)
    stranger = factories.official(factories.pilot_gmina("302101"))
    reviewer = factories.reviewer()

    for user in (kornik_official, stranger, reviewer):
        assert services.visible_to(heading, user) == services.visible_to(submission, user)
        assert services.can_edit(heading, user, now) == services.can_edit(submission, user, now)
    assert services.editing_refusal(heading, now) == services.editing_refusal(submission, now)
    assert services.definition_of(heading) is services.definition_of(submission)
    assert (heading.gmina.name, heading.edition.year) == ("Kórnik", 2018)


def test_a_missing_submission_has_no_heading(edition):
    assert submission_heading(987654) is None


def test_a_worker_that_never_parsed_the_version_reads_it_from_the_database(
        logged_in, submission, monkeypatch):
    monkeypatch.setattr(versions, "_PARSED", {})  # a fresh worker: nothing parsed yet
    page = logged_in.get(section_url(submission, "cctv")).get_data(as_text=True)
    assert "Kórnik · edycja 2018" in page
    assert 'name="has_cctv"' in page
