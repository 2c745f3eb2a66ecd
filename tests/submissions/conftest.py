"""Fixtures for the official's journey: an open 2018 edition and logged-in officials."""

from __future__ import annotations

import re

import pytest

from portal.editions.models import Edition
from portal.submissions.services import open_submission
from tests import factories


@pytest.fixture
def edition() -> Edition:
    return factories.open_edition_2018()


@pytest.fixture
def kornik_official():
    return factories.official(factories.pilot_gmina("302109"), name="Katarzyna Kórnicka")


@pytest.fixture
def submission(edition, kornik_official):
    return open_submission(edition, kornik_official.gmina, actor=kornik_official)


@pytest.fixture
def logged_in(client, kornik_official):
    factories.login(client, kornik_official)
    return client


def revisions_token(html: str) -> str:
    return re.search(r'name="_revisions" value="([^"]+)"', html).group(1)


def section_url(submission, key: str) -> str:
    return f"/submissions/{submission.id}/sections/{key}"
