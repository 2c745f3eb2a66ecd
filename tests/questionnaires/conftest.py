"""Fixtures for the questionnaire engine tests: pure, no database and no app."""

import textwrap
from collections.abc import Callable

import pytest

from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.loader import load_questionnaire

HEADER = """\
version: "2018"
reference_year: 2018
title: {pl: "Ankieta testowa", en: "Test questionnaire"}
sections:
  - key: main
    title: Sekcja
    items:
"""


@pytest.fixture(autouse=True)
def dbsession():
    # Overrides the project-wide fixture: the engine is pure and needs no database.
    yield None


@pytest.fixture(autouse=True)
def _csrf_off_by_default():
    # Overrides the project-wide fixture, which would build the whole app for every test.
    yield


def questionnaire_text(items: str) -> str:
    """A one-section questionnaire around `items` (a YAML list written at column 0)."""
    return HEADER + textwrap.indent(textwrap.dedent(items).strip("\n"), " " * 6) + "\n"


@pytest.fixture
def make_questionnaire() -> Callable[[str], Questionnaire]:
    def make(items: str) -> Questionnaire:
        return load_questionnaire(questionnaire_text(items), "test.yaml").questionnaire

    return make
