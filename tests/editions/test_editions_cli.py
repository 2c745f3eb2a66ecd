"""Creating and opening editions from the command line; questionnaire versions stay immutable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.core.errors import DomainError
from portal.db import session
from portal.editions.models import Edition
from portal.questionnaires.models import QuestionnaireVersion
from portal.questionnaires.versions import DEFINITIONS_DIR, register_version


def test_admin_creates_and_opens_the_2018_edition(runner):
    created = runner.invoke(args=["portal", "edition", "create", "--year", "2018",
                                  "--questionnaire", "2018"])
    assert created.exit_code == 0, created.output
    assert "sha256" in created.output

    opened = runner.invoke(args=["portal", "edition", "open", "2018", "--opens", "2019-03-01",
                                 "--closes", "2019-04-30"])
    assert opened.exit_code == 0, opened.output

    edition = session.scalar(select(Edition).where(Edition.year == 2018))
    assert (edition.status, edition.opens_on, edition.closes_on) == (
        "open", date(2019, 3, 1), date(2019, 4, 30))
    version = edition.questionnaire_version
    assert version.version == "2018" and len(version.sha256) == 64
    assert "sections:" in version.source_text


def test_edition_accepts_answers_until_the_end_of_its_closing_day_in_poland(runner):
    runner.invoke(args=["portal", "edition", "create", "--year", "2018", "--questionnaire",
                        "2018"])
    runner.invoke(args=["portal", "edition", "open", "2018", "--opens", "2019-03-01",
                        "--closes", "2019-04-30"])
    edition = session.scalar(select(Edition).where(Edition.year == 2018))

    # 21:59 UTC on 30 April is 23:59 in Warsaw (summer time); 22:00 UTC is already 1 May.
    assert edition.accepts_answers(datetime(2019, 4, 30, 21, 59, tzinfo=UTC))
    assert not edition.accepts_answers(datetime(2019, 4, 30, 22, 0, tzinfo=UTC))
    assert not edition.accepts_answers(datetime(2019, 2, 28, 12, 0, tzinfo=UTC))


def test_creating_the_same_edition_twice_is_refused_with_a_message(runner):
    runner.invoke(args=["portal", "edition", "create", "--year", "2018", "--questionnaire",
                        "2018"])
    again = runner.invoke(args=["portal", "edition", "create", "--year", "2018",
                                "--questionnaire", "2018"])
    assert again.exit_code == 1
    assert "2018" in again.output


def test_changed_file_for_a_version_in_use_is_refused(tmp_path):
    folder = tmp_path / "2018"
    folder.mkdir()
    text = (DEFINITIONS_DIR / "2018" / "questionnaire.yaml").read_text(encoding="utf-8")
    (folder / "questionnaire.yaml").write_text(text, encoding="utf-8")
    first = register_version("2018", root=tmp_path)

    (folder / "questionnaire.yaml").write_text(text.replace("Ankieta", "Ankieta zmieniona", 1),
                                               encoding="utf-8")
    with pytest.raises(DomainError, match="nową wersję"):
        register_version("2018", root=tmp_path)
    stored = session.scalars(select(QuestionnaireVersion)).all()
    assert [v.sha256 for v in stored] == [first.sha256]


def test_opening_an_edition_that_closes_before_it_opens_is_refused(runner):
    runner.invoke(args=["portal", "edition", "create", "--year", "2018", "--questionnaire",
                        "2018"])
    result = runner.invoke(args=["portal", "edition", "open", "2018", "--opens", "2019-05-01",
                                 "--closes", "2019-04-30"])
    assert result.exit_code == 1
    assert session.scalar(select(Edition.status).where(Edition.year == 2018)) == "draft"
