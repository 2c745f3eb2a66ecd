"""In-process checks on the measured pages: SQL statements per request, and cProfile runs."""

from __future__ import annotations

import cProfile
import io
import pstats
import re
from pathlib import Path

from http_load import multipart, scrape_form
from scenarios import largest_section, review_path, section_path, smallest_section
from scratch import PASSWORD, Fixture, portal_app
from sqlalchemy import event

WRITES = {"INSERT", "UPDATE", "DELETE"}


class _Statements:
    def __init__(self, engine):
        self.engine = engine
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args):
        self.seen.append(" ".join(statement.split())[:160])


def _client(fixture: Fixture, upload_folder: Path, account: str | None = None):
    app = portal_app(fixture.url, upload_folder)
    app.config["WTF_CSRF_ENABLED"] = False  # the token check reads no database
    client = app.test_client()
    response = client.post("/login", data={"email": account or fixture.official,
                                           "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"in-process login answered {response.status_code}")
    return app, client


def form_controls(html: str) -> int:
    """The inputs a person sees and fills in: <input>s other than hidden, <select>s, <textarea>s."""
    inputs = re.findall(r"<input\b[^>]*>", html)
    visible = [tag for tag in inputs if 'type="hidden"' not in tag]
    return len(visible) + len(re.findall(r"<(?:select|textarea)\b", html))


def _resave_request(client, path: str) -> tuple[bytes, str]:
    form = scrape_form(client.get(path).get_data(as_text=True), "section-form")
    return multipart([*form.fields, ("_action", "save")], form.files)


def count_queries(fixture: Fixture, upload_folder: Path) -> dict:
    """Statements per section GET (smallest and largest section) and per save of the largest."""
    app, client = _client(fixture, upload_folder)
    engine = app.extensions["portal_engine"]
    result = {}
    for label, key in (("smallest", smallest_section(fixture)),
                       ("largest", largest_section(fixture))):
        path = section_path(fixture, key)
        client.get(path)  # first visit fills the process caches, as a worker's first request
        with _Statements(engine) as statements:
            response = client.get(path)
        result[label] = {"section": key, "items": fixture.sections[key],
                         "status": response.status_code, "queries": len(statements.seen),
                         "inputs": form_controls(response.get_data(as_text=True)),
                         "statements": statements.seen}
    path = section_path(fixture, largest_section(fixture))
    body, content_type = _resave_request(client, path)
    with _Statements(engine) as statements:
        status = client.post(path, data=body, content_type=content_type).status_code
    # An unchanged re-save must write nothing; if it does, the POST figures measure a write.
    writes = sum(1 for s in statements.seen if s.split(" ", 1)[0] in WRITES)
    result["largest_post"] = {"section": largest_section(fixture), "status": status,
                              "queries": len(statements.seen), "writes": writes,
                              "statements": statements.seen}
    engine.dispose()
    return result


def _count_get(app, client, path: str) -> dict:
    client.get(path)  # first visit fills the process caches
    with _Statements(app.extensions["portal_engine"]) as statements:
        status = client.get(path).status_code
    return {"path": path, "status": status, "queries": len(statements.seen),
            "statements": statements.seen}


def count_queue_queries(fixture: Fixture, upload_folder: Path) -> dict:
    """Statements of one GET of the review queue's first page, as the bench reviewer."""
    app, client = _client(fixture, upload_folder, fixture.reviewer)
    result = _count_get(app, client, "/review/")
    app.extensions["portal_engine"].dispose()
    return result


def count_review_queries(fixture: Fixture, upload_folder: Path) -> dict:
    """Statements of one GET of the review summary and of a section's review page, for a
    one-section and a complete submission (their first and their largest section)."""
    app, client = _client(fixture, upload_folder, fixture.reviewer)
    pages = (("small", review_path(fixture.review_small_id)),
             ("full", review_path(fixture.review_full_id)),
             ("small_section", review_path(fixture.review_small_id, "identification")),
             ("full_section", review_path(fixture.review_full_id, fixture.review_section)))
    result = {label: _count_get(app, client, path) for label, path in pages}
    app.extensions["portal_engine"].dispose()
    return result


def profile_review(fixture: Fixture, upload_folder: Path, out: Path, repeat: int = 20) -> str:
    """cProfile of `repeat` GETs of the review queue, and of the full submission's review summary
    and largest section's review page."""
    _app, client = _client(fixture, upload_folder, fixture.reviewer)
    paths = ["/review/", review_path(fixture.review_full_id),
             review_path(fixture.review_full_id, fixture.review_section)]
    text = io.StringIO()
    for path in paths:
        client.get(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        text.write(f"== {repeat} GET of {path}, by cumulative time ==\n")
        stats.sort_stats("cumulative").print_stats(35)
        text.write("== by own time ==\n")
        stats.sort_stats("tottime").print_stats(20)
    out.write_text(text.getvalue())
    return text.getvalue()


def profile(fixture: Fixture, upload_folder: Path, out: Path, repeat: int = 50) -> str:
    """cProfile of `repeat` GETs and saves of the largest section; writes and returns the top."""
    _app, client = _client(fixture, upload_folder)
    path = section_path(fixture, largest_section(fixture))
    body, content_type = _resave_request(client, path)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
        client.post(path, data=body, content_type=content_type)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    text.write(f"== {repeat} GET + {repeat} POST of {path}, by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(40)
    text.write("== by own time ==\n")
    stats.sort_stats("tottime").print_stats(30)
    out.write_text(text.getvalue())
    return text.getvalue()
