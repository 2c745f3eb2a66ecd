"""Pages whose GET only reads: on PostgreSQL they run it outside a database transaction.

On PostgreSQL a transaction costs two round trips of its own (`BEGIN`, and `ROLLBACK` when the
connection goes back to the pool) on top of the page's statements. A page that only reads gains
nothing from it: under PostgreSQL's default READ COMMITTED every statement sees its own snapshot
anyway. A view marked with `@reads_only` therefore runs its GET on a connection in autocommit
mode. SQLite keeps its transaction: there `BEGIN` is a function call, cheaper than switching the
connection's mode and back.

On both, a flush during such a request is refused: a GET marked read-only that tried to write
would otherwise commit statement by statement, without the all-or-nothing of a transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import db

_MARK = "_portal_reads_only"
_READ_METHODS = frozenset(("GET", "HEAD"))
_AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def reads_only(view: Callable) -> Callable:
    """Mark a view whose GET and HEAD write nothing (its POST, if any, is unaffected)."""
    setattr(view, _MARK, True)
    return view


class ReadOnlyRequestError(RuntimeError):
    """A view marked @reads_only tried to write during a GET."""


def install(app: Flask) -> None:
    @app.before_request
    def _autocommit_for_reads():
        if request.method not in _READ_METHODS:
            return
        view = app.view_functions.get(request.endpoint or "")
        if view is None or not getattr(view, _MARK, False):
            return
        g.portal_reads_only = True
        session = db.session()
        # Tests bind the session to a connection inside their own rolled-back transaction:
        # there the guard below still works, the connection is left as it is.
        if (not app.config.get("PORTAL_SESSION_BOUND_EXTERNALLY")
                and not session.in_transaction()
                and session.get_bind().dialect.name == "postgresql"):
            session.connection(execution_options=_AUTOCOMMIT)


@event.listens_for(Session, "before_flush")
def _refuse_writes(session, _flush_context, _instances):
    if g and g.get("portal_reads_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyRequestError(f"{request.endpoint} is marked @reads_only but wrote")
