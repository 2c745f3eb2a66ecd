"""The floor: a bare Flask + SQLAlchemy app doing the least work each measured page can do.

GET /items/<n> renders n `<input>` fields from one query; POST /items/<n> reads n form fields,
checks each parses, assigns them to the rows (loaded with one query) and commits once, then
redirects like the portal does. GET /queue/<edition>/<n> lists a page of n submissions with the
review queue's columns (one query with joins, one count); GET /answers/<submission>/<n> shows n
answers with a verify form each (one query). No Flask-WTF, Babel or Login: whatever the portal
spends above this is the price of its features. Templates are compiled once per process, as
the portal's are. Served by gunicorn with the same settings as the portal:

    BENCH_FLOOR_DATABASE_URL=sqlite:///... gunicorn -w 2 'floor_app:create_app()'
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, abort, redirect, request, url_for
from sqlalchemy import String, column, create_engine, event, func, select, table
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


QUEUE_PAGE = """<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Kolejka</title></head>
<body><h1>Weryfikacja ankiet</h1>
<table><caption>Ankiety: {{ total }}</caption>
<thead><tr><th>Gmina</th><th>Powiat</th><th>Województwo</th><th>Typ</th><th>Status</th>
<th>Przesłano</th><th>Od</th><th>Recenzent</th><th>Otwarte pytania</th></tr></thead><tbody>
{% for row in rows %}
<tr><th scope="row"><a href="/review/submissions/{{ row.id }}">{{ row.gmina }}</a>
{{ row.teryt7 }}</th>
<td>{{ row.powiat }}</td><td>{{ row.voivodeship }}</td><td>{{ row.kind }}</td>
<td>{{ row.status }}</td><td>{{ row.submitted_at }}</td><td>{{ row.in_review_since }}</td>
<td>{{ row.reviewer or "—" }}</td><td>{{ row.open_queries or "" }}</td></tr>
{% endfor %}
</tbody></table></body></html>
"""

ANSWERS_PAGE = """<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Ankieta {{ submission_id }}</title></head>
<body><h1>{{ rows|length }} odpowiedzi</h1>
{% for row in rows %}
<article id="item-{{ row.item_key }}">
  <h3>{{ row.item_key|replace("_", " ") }}</h3>
  <p>{{ row.value }} <span class="unit">{{ unit }}</span></p>
  <form method="post" action="/answers/{{ submission_id }}/{{ row.item_key }}/verify">
    <input type="hidden" name="csrf_token" value="{{ token }}">
    <input type="hidden" name="version" value="0">
    <button type="submit">Zweryfikuj</button>
  </form>
</article>
{% endfor %}
</body></html>
"""

# The portal's tables, as lightweight Core constructs (the floor has no models of its own).
SUBMISSIONS = table("submissions", column("id"), column("edition_id"), column("gmina_id"),
                    column("status"), column("submitted_at"), column("in_review_since"),
                    column("reviewer_id"))
GMINY = table("gminy", column("id"), column("name"), column("teryt7"), column("kind"),
              column("powiat_id"))
POWIATS = table("powiats", column("id"), column("name"), column("voivodeship_id"))
VOIVODESHIPS = table("voivodeships", column("id"), column("name"))
USERS = table("users", column("id"), column("name"))
QUERIES = table("review_queries", column("id"), column("submission_id"), column("status"))
ANSWERS = table("answers", column("submission_id"), column("item_key"), column("value"))


def queue_query(edition_id: int):
    """The queue's rows: submissions with gmina, powiat, voivodeship, reviewer, open queries."""
    counts = (select(QUERIES.c.submission_id, func.count(QUERIES.c.id).label("n"))
              .where(QUERIES.c.status == "open").group_by(QUERIES.c.submission_id).subquery())
    return (
        select(SUBMISSIONS.c.id, GMINY.c.name.label("gmina"), GMINY.c.teryt7, GMINY.c.kind,
               POWIATS.c.name.label("powiat"), VOIVODESHIPS.c.name.label("voivodeship"),
               SUBMISSIONS.c.status, SUBMISSIONS.c.submitted_at, SUBMISSIONS.c.in_review_since,
               USERS.c.name.label("reviewer"), func.coalesce(counts.c.n, 0).label("open_queries"))
        .join(GMINY, GMINY.c.id == SUBMISSIONS.c.gmina_id)
        .join(POWIATS, POWIATS.c.id == GMINY.c.powiat_id)
        .join(VOIVODESHIPS, VOIVODESHIPS.c.id == POWIATS.c.voivodeship_id)
        .outerjoin(USERS, USERS.c.id == SUBMISSIONS.c.reviewer_id)
        .outerjoin(counts, counts.c.submission_id == SUBMISSIONS.c.id)
        .where(SUBMISSIONS.c.edition_id == edition_id, SUBMISSIONS.c.status != "draft")
    )


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
    # Compiled once, like the portal's templates (render_template_string compiles every time).
    page, queue_page, answers_page = (app.jinja_env.from_string(source)
                                      for source in (PAGE, QUEUE_PAGE, ANSWERS_PAGE))
    new_session = sessionmaker(engine, expire_on_commit=False)

    def load(db: Session, count: int) -> list[FloorRow]:
        if not 1 <= count <= MAX_ROWS:
            abort(404)
        return list(db.scalars(select(FloorRow).where(FloorRow.id <= count).order_by(FloorRow.id)))

    @app.get("/items/<int:count>")
    def show(count: int):
        with new_session() as db:
            return page.render(rows=load(db, count))

    @app.get("/queue/<int:edition_id>/<int:per_page>")
    def queue(edition_id: int, per_page: int):
        query = queue_query(edition_id)
        with new_session() as db:
            total = db.scalar(select(func.count()).select_from(query.subquery()))
            rows = db.execute(query.order_by(SUBMISSIONS.c.in_review_since.asc().nulls_last(),
                                             GMINY.c.name, SUBMISSIONS.c.id)
                              .limit(per_page)).all()
        return queue_page.render(rows=rows, total=total)

    @app.get("/answers/<int:submission_id>/<int:count>")
    def answers(submission_id: int, count: int):
        with new_session() as db:
            rows = db.execute(select(ANSWERS.c.item_key, ANSWERS.c.value)
                              .where(ANSWERS.c.submission_id == submission_id)
                              .order_by(ANSWERS.c.item_key).limit(count)).all()
        return answers_page.render(rows=rows, submission_id=submission_id, unit="zł",
                                   token=secrets.token_urlsafe(32))

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
