"""Scratch databases for the benchmark: migrated, demo data, one filled draft, a full queue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import floor_app
import review_data
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from portal.review.demo_answers import COMPLETE_2018

ROOT = Path(__file__).resolve().parents[1]
# The bench's own official and gmina: the demo data play every pilot gmina through review and
# approval, and the page measured is a draft being filled in.
OFFICIAL = "urzednik@bench.gminabezpieczna.pl"
PASSWORD = "Demo-haslo-2018!"


@dataclass(frozen=True)
class Fixture:
    """What the scenarios need to know about the scratch data."""

    url: str
    submission_id: int
    sections: dict[str, int]  # section key -> number of items, in questionnaire order
    official: str
    reviewer: str
    review_full_id: int  # the review page measured: complete answers, assigned to `reviewer`
    review_small_id: int  # one section answered (the SQL count must not depend on the size)
    review_section: str  # the section of review_full_id with most answers: its page is measured
    review_rows: int  # answers that section's review page shows
    edition_id: int
    # Form controls (inputs other than hidden, selects, textareas) the largest section page
    # draws: the floor renders as many (the issue: "the same number of inputs"). Counted from
    # the portal's page in the same run (inprocess.count_queries), 0 until then.
    section_inputs: int = 0


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'bench.db'}"


def reset_postgres(url: str) -> None:
    """Empty a scratch PostgreSQL database; refuse any whose name does not say it is scratch."""
    name = make_url(url).database or ""
    if "bench" not in name and "scratch" not in name:
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain "
                         "'bench' or 'scratch'")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(url: str) -> None:
    """Bring a scratch database to the latest Alembic revision."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, "head")


def prepare(url: str, upload_folder: Path) -> Fixture:
    """Migrate, load the demo data, fill the official's submission and the floor's table.

    The review queue holds review_data.SMALL_QUEUE submissions; grow_queue() fills it up.
    """
    review_data.require_gus_files()
    migrate(url)
    floor_app.install(url)
    app = portal_app(url, upload_folder)
    with app.app_context():
        return _fill(url)


def grow_queue(fixture: Fixture, upload_folder: Path) -> int:
    """Every gmina of the register submitted: review_data.QUEUE_SIZE in the queue."""
    from portal.auth.services import find_user_by_email
    from portal.db import session
    from portal.editions.services import current_edition

    app = portal_app(fixture.url, upload_folder)
    with app.app_context():
        official = find_user_by_email(fixture.official)
        added = review_data.fill_queue(current_edition(), review_data.QUEUE_SIZE,
                                       find_user_by_email(fixture.reviewer).id,
                                       exclude=official.gmina_id)
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            # Autovacuum would analyse the bulk-loaded tables in a while; without statistics
            # the planner picks nested loops that make the queue 6x slower, floor and portal.
            session.execute(text("ANALYZE"))
            session.commit()
    return added


def portal_app(url: str, upload_folder: Path):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URL": url, "SECRET_KEY": "bench-secret",
                       "UPLOAD_FOLDER": str(upload_folder)})


def _fill(url: str) -> Fixture:
    from portal.db import session
    from portal.demo import load_demo
    from portal.editions.services import current_edition
    from portal.review.page import build_review
    from portal.submissions import services
    from portal.submissions.models import Answer, Submission

    load_demo()
    session.commit()
    edition = current_edition()
    user = _bench_official()
    submission = services.open_submission(edition, user.gmina, actor=user)
    stored = services.answers_by_key(submission)
    for key, value in COMPLETE_2018.items():
        if key not in stored:
            session.add(Answer(submission_id=submission.id, item_key=key, value=value,
                               updated_by_id=user.id))
    session.commit()
    questionnaire = services.definition_of(submission)
    sections = {section.key: len(section.items) for section in questionnaire.sections}
    review_data.import_registry()
    review = review_data.prepare_review(edition, user.gmina_id, questionnaire)
    session.commit()
    review_sections = build_review(session.get(Submission, review.full_submission_id),
                                   with_flags=False).sections
    largest, rows = max(review_sections, key=lambda pair: len(pair[1]))
    return Fixture(url, submission.id, sections, OFFICIAL, review.reviewer,
                   review.full_submission_id, review.small_submission_id, largest.key,
                   len(rows), edition.id)


def _bench_official():
    """The bench's official, of a gmina of its own (the demo data give every gmina a fate)."""
    from portal.auth.services import create_user
    from portal.db import session
    from portal.municipalities.models import Gmina

    kornik = session.scalar(select(Gmina).where(Gmina.teryt6 == "302109"))
    gmina = Gmina(teryt6="302199", teryt7="3021991", name="Benchmarkowo", kind=1,
                  powiat_id=kornik.powiat_id)
    session.add(gmina)
    session.flush()
    return create_user(email=OFFICIAL, name="Urzędnik Benchmarku", role="official",
                       password=PASSWORD, gmina=gmina)
