"""The `flask --app wsgi portal ...` command group; each command is thin over a service."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

from portal.core.errors import DomainError
from portal.db import session

portal_cli = AppGroup("portal", help="Gmina Bezpieczna portal administration.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


# --- editions -------------------------------------------------------------------------------
edition_cli = AppGroup("edition", help="Create, open and close yearly editions.")
portal_cli.add_command(edition_cli)


@edition_cli.command("create")
@click.option("--year", type=int, required=True)
@click.option("--questionnaire", "questionnaire", required=True,
              help="Questionnaire version: a folder under questionnaires/.")
def edition_create(year: int, questionnaire: str) -> None:
    from portal.editions.services import create_edition

    try:
        edition = create_edition(year=year, questionnaire=questionnaire)
        session.commit()
    except DomainError as error:
        session.rollback()
        _fail(str(error))
    version = edition.questionnaire_version
    click.echo(f"Edition {year} created (draft) with questionnaire {version.version} "
               f"sha256 {version.sha256}.")


@edition_cli.command("open")
@click.argument("year", type=int)
@click.option("--opens", "opens_on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day officials may fill in (default today).")
@click.option("--closes", "closes_on", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Last day officials may change answers (Polish time, inclusive).")
def edition_open(year: int, opens_on, closes_on) -> None:
    from portal.editions.services import get_edition, open_edition

    opens = opens_on.date() if opens_on else date.today()
    try:
        edition = get_edition(year)
        open_edition(edition, opens_on=opens, closes_on=closes_on.date())
        session.commit()
    except DomainError as error:
        session.rollback()
        _fail(str(error))
    click.echo(f"Edition {year} is open from {opens} to {closes_on.date()} (inclusive).")


@edition_cli.command("close")
@click.argument("year", type=int)
def edition_close(year: int) -> None:
    from portal.editions.services import close_edition, get_edition

    try:
        close_edition(get_edition(year))
        session.commit()
    except DomainError as error:
        session.rollback()
        _fail(str(error))
    click.echo(f"Edition {year} closed.")


@edition_cli.command("list")
def edition_list() -> None:
    from sqlalchemy import select

    from portal.editions.models import Edition

    for edition in session.scalars(select(Edition).order_by(Edition.year)):
        version = edition.questionnaire_version.version
        click.echo(f"{edition.year}\t{edition.status}\t{edition.opens_on or '-'}"
                   f"\t{edition.closes_on or '-'}\tquestionnaire {version}")


# --- users ----------------------------------------------------------------------------------
users_cli = AppGroup("users", help="Manage accounts.")
portal_cli.add_command(users_cli)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Full name (defaults to the e-mail).")
@click.option("--role", type=click.Choice(["official", "reviewer", "admin"]), required=True)
@click.option("--gmina", "gmina_code", default=None, help="TERYT of the gmina (6 or 7 digits).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, name: str, role: str, gmina_code: str | None,
                 password_stdin: bool) -> None:
    from portal.auth.services import create_user
    from portal.municipalities.services import get_gmina_by_teryt

    if not password_stdin:
        _fail("Pass the password on standard input with --password-stdin.")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        gmina = None
        if gmina_code:
            gmina = get_gmina_by_teryt(gmina_code)
            if gmina is None:
                raise DomainError(f"Unknown gmina TERYT code: {gmina_code}")
        user = create_user(email=email, name=name, role=role, password=password, gmina=gmina)
        session.commit()
    except DomainError as error:
        session.rollback()
        _fail(str(error))
    where = f" of gmina {gmina.name} ({gmina.teryt6})" if gmina else ""
    click.echo(f"Created {role} {user.email}{where}.")


@users_cli.command("list")
def users_list() -> None:
    from sqlalchemy import select

    from portal.auth.models import User

    for user in session.scalars(select(User).order_by(User.role, User.email)):
        gmina = user.gmina.teryt6 if user.gmina else ""
        click.echo(f"{user.email}\t{user.role}\t{gmina}\t{'active' if user.active else 'inactive'}")


# --- demo data ------------------------------------------------------------------------------
@portal_cli.command("demo")
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from portal.demo import DEMO_PASSWORD, load_demo

    accounts = load_demo()
    session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, where in accounts:
        click.echo(f"  {role:9} {email:40} {where}")


# --- e-mail ---------------------------------------------------------------------------------
outbox_cli = AppGroup("outbox", help="E-mail notifications waiting in the outbox.")
portal_cli.add_command(outbox_cli)


@outbox_cli.command("send")
@click.option("--limit", type=int, default=None, help="Send at most this many.")
def outbox_send(limit: int | None) -> None:
    """Send the queued e-mails (a request sends at most 100 after its commit; run from cron)."""
    from portal.notifications.services import deliver_queued

    outcomes = deliver_queued(limit=limit)
    if not outcomes:
        click.echo("No e-mail waiting.")
        return
    click.echo(", ".join(f"{status}: {count}" for status, count in sorted(outcomes.items())))


def _register_capability_groups() -> None:
    from portal.municipalities.cli import registry_cli
    from portal.questionnaires.cli import questionnaire_cli

    portal_cli.add_command(registry_cli)
    portal_cli.add_command(questionnaire_cli)
    from portal.scoring.cli import methodology_cli, score_command

    portal_cli.add_command(methodology_cli)
    portal_cli.add_command(score_command)
    from portal.police_data.cli import police_cli

    portal_cli.add_command(police_cli)


_register_capability_groups()
