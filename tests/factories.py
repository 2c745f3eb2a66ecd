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


def made_up_gminy(n: int, *, voivodeship_code: str = "98", names: str = "Gmina testowa {i:02d}"):
    """`n` made-up gminy (kinds 1..3 in turn) in a new test powiat, each with 2018 population
    5,000 + 1,000 × i; the voivodeship is created on first use."""
    from portal.municipalities.models import Gmina, Population, Powiat, Voivodeship

    voivodeship = session.scalar(select(Voivodeship).where(Voivodeship.code == voivodeship_code))
    if voivodeship is None:
        voivodeship = Voivodeship(code=voivodeship_code, name=f"TESTOWE {voivodeship_code}")
        session.add(voivodeship)
        session.flush()
    powiat = Powiat(code=f"{voivodeship_code}{n % 100:02d}", name=f"powiat testowy {n}",
                    voivodeship_id=voivodeship.id)
    session.add(powiat)
    session.flush()
    created = []
    for i in range(n):
        kind = i % 3 + 1
        teryt6 = f"{powiat.code}{i:02d}"
        created.append(Gmina(teryt6=teryt6, teryt7=f"{teryt6}{kind}", name=names.format(i=i),
                             kind=kind, powiat_id=powiat.id))
    session.add_all(created)
    session.flush()
    session.add_all(Population(gmina_id=g.id, year=2018, total=5000 + 1000 * i)
                    for i, g in enumerate(created))
    session.flush()
    return created
