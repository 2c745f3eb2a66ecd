"""Shared fixtures: one migrated database per run, each test inside a rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import event, text

from portal import create_app, db

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


def _reset_postgres(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url):
    engine = db.make_engine(database_url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    command.upgrade(alembic_config(database_url), "head")
    yield engine
    engine.dispose()


def compile_catalogs() -> None:
    """Compile the .po catalogs as `make` does, so a bare `pytest` sees the English UI too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "portal" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


@pytest.fixture(scope="session")
def app(engine, tmp_path_factory):
    compile_catalogs()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URL": str(engine.url),
            "PORTAL_SESSION_BOUND_EXTERNALLY": True,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            "SMTP_HOST": None,  # never send real mail from tests, whatever the shell says
        }
    )

    def _commit_test_setup():
        # Tests share one session with the requests they make. Data a test set up is committed
        # (to a savepoint of the rolled-back outer transaction) before each request, as it
        # would be in real life, so a view's rollback undoes only the view's own work. First of
        # all request hooks: a read-only page (portal.core.read_only) refuses any flush after.
        db.session.commit()

    app.before_request_funcs.setdefault(None, []).insert(0, _commit_test_setup)

    return app


@pytest.fixture(autouse=True)
def dbsession(request, engine) -> Iterator:
    """Bind the portal session to a connection whose transaction is rolled back after the test.

    Commits in views and services become savepoint releases (SQLAlchemy's
    join_transaction_mode="create_savepoint" recipe), so tests see real commit behaviour.
    """
    if request.node.get_closest_marker("no_db"):
        yield None
        return
    connection = engine.connect()
    transaction = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield db.session
    db.session.remove()
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(app):
    """A client with CSRF protection on, for tests that prove every POST needs a token."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()


@pytest.fixture(autouse=True)
def _csrf_off_by_default(app):
    # Most tests post forms directly; the CSRF tests switch it on explicitly.
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def query_counter(engine):
    """Counts SQL statements executed while the test runs (for N+1 checks)."""
    counter = {"n": 0}

    def _count(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", _count)
    yield counter
    event.remove(engine, "before_cursor_execute", _count)
