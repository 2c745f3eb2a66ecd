"""The floor: a bare Flask + SQLAlchemy app doing the least work a form page can do.

GET /items/<n> renders n `<input>` fields from one query; POST /items/<n> reads n form fields,
checks each parses, assigns them to the rows (loaded with one query) and commits once, then
redirects like the portal does. No Flask-WTF, Babel or Login: whatever the portal spends above
this is the price of its features. Served by gunicorn with the same settings as the portal:

    BENCH_FLOOR_DATABASE_URL=sqlite:///... gunicorn -w 2 'floor_app:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, abort, redirect, render_template_string, request, url_for
from sqlalchemy import String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

MAX_ROWS = 500

PAGE = """<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Floor {{ rows|length }}</title></head>
<body><h1>{{ rows|length }} pól</h1>
<form method="post" enctype="multipart/form-data">
{% for row in rows %}
<div class="item" id="item-{{ row.key }}">
  <label for="{{ row.key }}">{{ row.label }}</label>
  <input type="text" id="{{ row.key }}" name="{{ row.key }}" value="{{ row.value }}">
</div>
{% endfor %}
<button type="submit" name="_action" value="save">Zapisz</button>
</form></body></html>
"""


class Base(DeclarativeBase):
    pass


class FloorRow(Base):
    __tablename__ = "bench_floor_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(200))


def row_key(number: int) -> str:
    return f"item_{number:03d}"


def make_engine(url: str):
    """Same engine settings as the portal's: SQLite in WAL with a busy timeout, or pooled."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_recycle=600)
    engine = create_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def install(url: str) -> None:
    """Create the floor's table next to the portal's tables and fill MAX_ROWS rows."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.add_all(FloorRow(id=n, key=row_key(n), label=f"Pytanie numer {n}", value=str(n * 7))
                   for n in range(1, MAX_ROWS + 1))
        db.commit()
    engine.dispose()


def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = make_engine(url or os.environ["BENCH_FLOOR_DATABASE_URL"])
    new_session = sessionmaker(engine, expire_on_commit=False)

    def load(db: Session, count: int) -> list[FloorRow]:
        if not 1 <= count <= MAX_ROWS:
            abort(404)
        return list(db.scalars(select(FloorRow).where(FloorRow.id <= count).order_by(FloorRow.id)))

    @app.get("/items/<int:count>")
    def show(count: int):
        with new_session() as db:
            return render_template_string(PAGE, rows=load(db, count))

    @app.post("/items/<int:count>")
    def save(count: int):
        posted = {}
        for number in range(1, count + 1):
            text = request.form.get(row_key(number), "").strip()
            if not text.lstrip("-").isdigit():
                abort(422)
            posted[row_key(number)] = str(int(text))
        with new_session() as db, db.begin():
            for row in load(db, count):
                row.value = posted[row.key]
        return redirect(url_for("show", count=count))

    return app
