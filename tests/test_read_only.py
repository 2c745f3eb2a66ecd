"""Pages marked @reads_only: their GET runs outside a transaction and may not write."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from portal import create_app, db
from portal.core.read_only import ReadOnlyRequestError, reads_only
from portal.municipalities.models import Voivodeship


def _in_transaction(connection) -> bool:
    """Whether psycopg's connection is inside a transaction (not in autocommit)."""
    return not connection.connection.dbapi_connection.autocommit


@pytest.fixture
def bound_to_engine(app, engine):
    """The portal's session on the engine itself, as in production (not in a test transaction)."""
    db.session.remove()
    db.session.configure(bind=engine)
    app.config["PORTAL_SESSION_BOUND_EXTERNALLY"] = False
    yield engine
    app.config["PORTAL_SESSION_BOUND_EXTERNALLY"] = True
    db.session.remove()


def test_a_read_only_page_reads_outside_a_transaction_on_postgresql(client, bound_to_engine):
    if bound_to_engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps its (in-process) transaction: nothing to save there")
    seen: list[tuple[str, bool]] = []

    def _record(connection, _cursor, statement, *_args):
        seen.append((statement, _in_transaction(connection)))

    event.listen(bound_to_engine, "before_cursor_execute", _record)
    try:
        response = client.get("/ranking/")  # the public list of published rankings
    finally:
        event.remove(bound_to_engine, "before_cursor_execute", _record)

    assert response.status_code == 200
    reads = [statement for statement, _ in seen if statement.lstrip().upper().startswith("SELECT")]
    assert reads, "the page read nothing: the test proves nothing"
    assert not [statement for statement, in_transaction in seen if in_transaction]

    # The connection goes back to the pool as it came: the next user runs in a transaction.
    with bound_to_engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert _in_transaction(connection)


@pytest.fixture
def writing_app(engine, tmp_path):
    """An app with one extra page that writes although it is marked read-only."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URL": str(engine.url),
                      "PORTAL_SESSION_BOUND_EXTERNALLY": True, "UPLOAD_FOLDER": str(tmp_path)})

    @app.route("/_test/writes", methods=["GET", "POST"])
    @reads_only
    def writes():
        db.session.add(Voivodeship(code="99", name="Testowe"))
        db.session.flush()
        return "written"

    return app


def test_a_read_only_page_that_writes_on_get_is_refused(writing_app, dbsession):
    with pytest.raises(ReadOnlyRequestError, match="writes"):
        writing_app.test_client().get("/_test/writes")
    dbsession.rollback()
    assert dbsession.query(Voivodeship).filter_by(code="99").count() == 0

    # Its POST is a normal request, in a transaction, and may write.
    assert writing_app.test_client().post("/_test/writes").get_data(as_text=True) == "written"
    assert dbsession.query(Voivodeship).filter_by(code="99").count() == 1
