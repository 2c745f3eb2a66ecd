"""An official reads and writes only their own gmina's submission; every POST needs CSRF."""

from __future__ import annotations

import re

import pytest

from portal.submissions.services import open_submission
from tests import factories


@pytest.fixture
def other_submission(edition):
    other = factories.official(factories.pilot_gmina("302101"))  # Luboń
    return open_submission(edition, other.gmina, actor=other)


@pytest.mark.parametrize("path", [
    "/submissions/{id}/sections/budget",
    "/submissions/{id}/review",
    "/submissions/{id}/files/budget_rb28s_file",
    "/submissions/{id}/evidence/budget_754_total",
])
def test_official_cannot_open_another_gminas_submission(logged_in, other_submission, path):
    assert logged_in.get(path.format(id=other_submission.id)).status_code == 404


def test_official_cannot_post_to_another_gminas_section(logged_in, other_submission):
    response = logged_in.post(f"/submissions/{other_submission.id}/sections/budget",
                              data={"budget_754_total": "1"})
    assert response.status_code == 404


def test_missing_submission_is_404_not_500(logged_in):
    assert logged_in.get("/submissions/999999/sections/budget").status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, submission):
    response = client.get(f"/submissions/{submission.id}/sections/budget")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_reviewer_sees_a_submission_read_only(client, submission):
    reviewer = factories.reviewer()
    factories.login(client, reviewer)
    html = client.get(f"/submissions/{submission.id}/sections/budget").get_data(as_text=True)
    assert "disabled" in html
    assert client.get("/ankieta").status_code == 403


def test_section_post_without_csrf_token_is_refused(csrf_client, submission, kornik_official):
    login_page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    csrf_client.post("/login", data={"email": kornik_official.email,
                                     "password": factories.PASSWORD, "csrf_token": token})
    page = csrf_client.get(f"/submissions/{submission.id}/sections/budget")
    revisions = re.search(r'name="_revisions" value="([^"]+)"', page.get_data(as_text=True))

    response = csrf_client.post(f"/submissions/{submission.id}/sections/budget",
                                data={"_revisions": revisions.group(1),
                                      "budget_754_total": "1"})
    assert response.status_code == 400
