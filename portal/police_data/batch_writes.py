"""Writing an import batch in bulk: mark the rows it supersedes, then insert its own rows.

Both steps run on the session's connection inside its transaction, so an error leaves nothing
behind once the caller rolls back. PostgreSQL gets one UPDATE for every superseded id and a COPY
of the new rows (a ~40k-row national file: about 0.2 s instead of 1-1.4 s of pipelined
single-row INSERTs); other databases (SQLite) get chunked UPDATEs and a Core executemany, which
sqlite3 already runs in C.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Integer, Table, any_, bindparam, insert, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from portal.db import session

_ID_CHUNK = 900  # under SQLite's smallest limit of bound parameters per statement


def write_batch_rows(table: Table, batch_id: int, superseded_ids: Sequence[int],
                     rows: Sequence[dict[str, Any]]) -> None:
    """Point `superseded_ids` at the batch, then insert `rows` (all with the same keys)."""
    connection = session.connection()
    # Superseding first: the partial unique index allows only one current row per key.
    if connection.dialect.name == "postgresql":
        _supersede_at_once(connection, table, batch_id, superseded_ids)
        _copy_rows(connection, table, batch_id, rows)
    else:
        _supersede_in_chunks(connection, table, batch_id, superseded_ids)
        if rows:
            connection.execute(insert(table), [{**row, "batch_id": batch_id} for row in rows])


def _supersede_at_once(connection: Connection, table: Table, batch_id: int,
                       ids: Sequence[int]) -> None:
    # One array parameter: a 40k-item IN list would cost more to build than to run.
    if ids:
        ids_param = bindparam("ids", list(ids), type_=ARRAY(Integer))
        connection.execute(update(table).where(table.c.id == any_(ids_param))
                           .values(superseded_by_id=batch_id))


def _supersede_in_chunks(connection: Connection, table: Table, batch_id: int,
                         ids: Sequence[int]) -> None:
    for start in range(0, len(ids), _ID_CHUNK):
        connection.execute(update(table).where(table.c.id.in_(ids[start:start + _ID_CHUNK]))
                           .values(superseded_by_id=batch_id))


def _copy_rows(connection: Connection, table: Table, batch_id: int,
               rows: Sequence[dict[str, Any]]) -> None:
    """COPY on the driver connection of the session: same transaction, no per-row statement."""
    if not rows:
        return
    from psycopg import sql  # only PostgreSQL gets here

    names = list(rows[0])
    values_of = itemgetter(*names)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, [*names, "batch_id"])))
    driver = connection.connection.dbapi_connection
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((*values_of(row), batch_id))
    except dbapi_error as error:
        # Raise what a Core INSERT would (IntegrityError for a key that is already current...),
        # not the bare driver error that SQLAlchemy never saw.
        raise DBAPIError.instance(statement.as_string(driver), None, error, dbapi_error,
                                  dialect=connection.dialect) from error
