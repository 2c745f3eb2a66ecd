"""Declarative base with a constraint naming convention, and the scoped session helpers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Executable, MetaData, Row, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

# Named constraints make Alembic autogenerate and downgrade deterministic on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Aware UTC now; every `*_at` column stores this."""
    return datetime.now(UTC)


POOL_RECYCLE_S = 600

# One session per thread (gunicorn sync workers, the dev server, CLI). create_app() binds it to
# the engine; tests rebind it to a connection inside a rolled-back transaction.
session: scoped_session[Session] = scoped_session(sessionmaker(expire_on_commit=False))


def column_rows(statement: Executable, parameters: dict[str, Any]) -> Sequence[Row]:
    """The rows of a statement that selects columns only (no mapped entities).

    session.execute() takes even such a statement through the ORM's execution (compile state,
    loading context), which cost a third of a small query; run on the session's connection it
    skips that. Pending changes are flushed first, as session.execute() would (a clean session
    returns at once).
    """
    session.flush()
    return session.connection().execute(statement, parameters).all()


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys on and a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; let
            # SQLAlchemy emit BEGIN itself (the documented recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            connection.exec_driver_sql("BEGIN")

        return engine
    # No pool_pre_ping: it costs a round trip to the server on every checkout, i.e. every
    # request. Connections are instead replaced after POOL_RECYCLE_S (below the idle timeouts
    # of servers, proxies and firewalls), and a connection found dead mid-request is detected by
    # SQLAlchemy, which then discards the whole pool: after a database restart one request per
    # worker fails (a 500) instead of every request paying for the check.
    return create_engine(url, pool_recycle=POOL_RECYCLE_S)
