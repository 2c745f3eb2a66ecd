"""Creating, opening and closing editions."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session
from portal.editions.models import Edition, EditionStatus
from portal.questionnaires.versions import register_version


def get_edition(year: int) -> Edition:
    edition = session.scalar(select(Edition).where(Edition.year == year))
    if edition is None:
        raise DomainError(_("Nie ma edycji %(year)s.", year=year))
    return edition


def current_edition() -> Edition | None:
    """The open edition, or else the most recent one."""
    editions = session.scalars(select(Edition).order_by(Edition.year.desc())).all()
    for edition in editions:
        if edition.status == EditionStatus.OPEN:
            return edition
    return editions[0] if editions else None


def create_edition(*, year: int, questionnaire: str, actor=None) -> Edition:
    if session.scalar(select(Edition).where(Edition.year == year)) is not None:
        raise DomainError(_("Edycja %(year)s już istnieje.", year=year))
    version = register_version(questionnaire)
    edition = Edition(year=year, questionnaire_version=version, status=EditionStatus.DRAFT)
    session.add(edition)
    session.flush()
    audit.record("edition.created", "edition", edition.id, actor=actor, year=year,
                 questionnaire=questionnaire, sha256=version.sha256)
    return edition


def open_edition(edition: Edition, *, opens_on: date, closes_on: date, actor=None) -> None:
    if opens_on > closes_on:
        raise DomainError(_("Data otwarcia musi poprzedzać datę zamknięcia."))
    others = session.scalars(
        select(Edition).where(Edition.status == EditionStatus.OPEN, Edition.id != edition.id)
    ).all()
    if others:
        raise DomainError(
            _("Otwarta jest już edycja %(year)s; najpierw ją zamknij.", year=others[0].year)
        )
    edition.status = EditionStatus.OPEN
    edition.opens_on = opens_on
    edition.closes_on = closes_on
    audit.record("edition.opened", "edition", edition.id, actor=actor,
                 opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat())


def close_edition(edition: Edition, *, actor=None) -> None:
    if edition.status != EditionStatus.OPEN:
        raise DomainError(_("Edycja %(year)s nie jest otwarta.", year=edition.year))
    edition.status = EditionStatus.CLOSED
    audit.record("edition.closed", "edition", edition.id, actor=actor)
