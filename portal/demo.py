"""Demo data for `make run`: the pilot gminy, the 2018 edition and one account per role.

Idempotent: every step looks for what it would create first, so a second run adds nothing.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.auth.services import create_user, find_user_by_email
from portal.db import session
from portal.editions.models import Edition
from portal.editions.services import create_edition, open_edition
from portal.municipalities.models import Gmina, Powiat
from portal.municipalities.services import load_pilot_registry
from portal.police_data.demo import load_demo_police_data

DEMO_PASSWORD = "Demo-haslo-2018!"
DEMO_DOMAIN = "demo.gminabezpieczna.pl"
DEMO_YEAR = 2018
PILOT_POWIAT = "3021"


def slug(name: str) -> str:
    ascii_name = (
        unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
        .encode("ascii", "ignore")
        .decode()
    )
    return "-".join(ascii_name.lower().split())


def load_demo(today: date | None = None) -> list[tuple[str, str, str]]:
    """Load everything and return (e-mail, role, description) of the demo accounts."""
    today = today or date.today()
    load_pilot_registry()
    load_demo_police_data()
    edition = _ensure_edition(today)
    accounts = _ensure_accounts()
    _ensure_review_queue(edition)
    _ensure_ranking(edition, today)
    return accounts


def _ensure_review_queue(edition: Edition) -> None:
    """A few submitted questionnaires for the reviewer: waiting, returned, approved."""
    from portal.review.demo import load_review_demo

    reviewer = find_user_by_email(f"recenzent@{DEMO_DOMAIN}")
    gminy = session.scalars(
        select(Gmina).join(Powiat).where(Powiat.code == PILOT_POWIAT).order_by(Gmina.teryt6)
    ).all()
    load_review_demo(edition, list(gminy), reviewer)


def _ensure_ranking(edition: Edition, today: date) -> None:
    """The remaining pilot gminy approved, one published ranking and a draft open to objections."""
    from portal.scoring.demo import load_scoring_demo

    gminy = session.scalars(
        select(Gmina).join(Powiat).where(Powiat.code == PILOT_POWIAT).order_by(Gmina.teryt6)
    ).all()
    load_scoring_demo(edition, list(gminy), find_user_by_email(f"recenzent@{DEMO_DOMAIN}"),
                      find_user_by_email(f"admin@{DEMO_DOMAIN}"), DEMO_DOMAIN, today)


def _ensure_edition(today: date) -> Edition:
    edition = session.scalar(select(Edition).where(Edition.year == DEMO_YEAR))
    if edition is None:
        edition = create_edition(year=DEMO_YEAR, questionnaire=str(DEMO_YEAR))
        open_edition(edition, opens_on=today - timedelta(days=7),
                     closes_on=today + timedelta(days=60))
    return edition


def _ensure_account(email: str, name: str, role: str, gmina: Gmina | None = None) -> None:
    if find_user_by_email(email) is None:
        create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, gmina=gmina)


def _ensure_accounts() -> list[tuple[str, str, str]]:
    accounts = [
        (f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Administrator programu"),
        (f"recenzent@{DEMO_DOMAIN}", Role.REVIEWER, "Recenzentka programu"),
    ]
    _ensure_account(accounts[0][0], "Anna Administratorka", Role.ADMIN)
    _ensure_account(accounts[1][0], "Roman Recenzent", Role.REVIEWER)
    gminy = session.scalars(
        select(Gmina).join(Powiat).where(Powiat.code == PILOT_POWIAT).order_by(Gmina.teryt6)
    ).all()
    for gmina in gminy:
        email = f"{slug(gmina.name)}@{DEMO_DOMAIN}"
        _ensure_account(email, f"Urzędnik gminy {gmina.name}", Role.OFFICIAL, gmina)
        accounts.append((email, Role.OFFICIAL, f"{gmina.name} ({gmina.teryt6})"))
    # A second official of the first gmina, to try two people editing one questionnaire.
    if gminy:
        first = gminy[0]
        email = f"{slug(first.name)}-2@{DEMO_DOMAIN}"
        _ensure_account(email, f"Druga osoba z gminy {first.name}", Role.OFFICIAL, first)
        accounts.append((email, Role.OFFICIAL, f"{first.name} ({first.teryt6}), druga osoba"))
    session.flush()
    return [(email, str(role), where) for email, role, where in accounts]


def demo_users() -> list[User]:
    return session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))).all()
