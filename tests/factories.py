"""Factory functions with overridable defaults; each flushes what it creates."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from portal.auth.services import create_user
from portal.db import session
from portal.editions.models import Edition
from portal.editions.services import create_edition, open_edition
from portal.municipalities.models import Gmina
from portal.municipalities.services import get_gmina_by_teryt, load_pilot_registry

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def pilot_gmina(teryt6: str = "302109") -> Gmina:
    """A gmina of the pilot area (Kórnik by default), loading the pilot registry if needed."""
    gmina = get_gmina_by_teryt(teryt6)
    if gmina is None:
        load_pilot_registry()
        gmina = get_gmina_by_teryt(teryt6)
    return gmina


def official(gmina: Gmina | None = None, **overrides):
    gmina = gmina or pilot_gmina()
    n = next(_counter)
    fields = {"email": f"official{n}@example.pl", "name": f"Urzędnik {n}", "role": "official",
              "password": PASSWORD, "gmina": gmina}
    fields.update(overrides)
    return create_user(**fields)


def reviewer(**overrides):
    n = next(_counter)
    fields = {"email": f"reviewer{n}@example.pl", "name": f"Recenzent {n}", "role": "reviewer",
              "password": PASSWORD}
    fields.update(overrides)
    return create_user(**fields)


def admin(**overrides):
    n = next(_counter)
    fields = {"email": f"admin{n}@example.pl", "name": f"Admin {n}", "role": "admin",
              "password": PASSWORD}
    fields.update(overrides)
    return create_user(**fields)


def open_edition_2018(*, opens_on: date | None = None, closes_on: date | None = None) -> Edition:
    edition = session.scalar(select(Edition).where(Edition.year == 2018))
    if edition is None:
        edition = create_edition(year=2018, questionnaire="2018")
        today = date.today()
        open_edition(edition, opens_on=opens_on or today - timedelta(days=1),
                     closes_on=closes_on or today + timedelta(days=30))
    session.flush()
    return edition


def login(client, user, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})
