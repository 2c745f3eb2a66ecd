"""Alembic environment: migrates PORTAL_DATABASE_URL or the embedded SQLite database."""

from __future__ import annotations

import os
from logging.config import fileConfig
from pathlib import Path

from alembic import context

from portal.db import Base, make_engine
from portal.models import import_all_models

config = context.config
if config.config_file_name is not None:
    # Keep the app's loggers alive when migrations run inside the app or the tests.
    fileConfig(config.config_file_name, disable_existing_loggers=False)

import_all_models()
target_metadata = Base.metadata


def database_url() -> str:
    url = config.attributes.get("url") or os.environ.get("PORTAL_DATABASE_URL")
    if url:
        return url
    instance = Path(__file__).resolve().parents[1] / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'portal.db'}"


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # Batch mode lets ALTER work on SQLite, which cannot alter most constraints in place.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
