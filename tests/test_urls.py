"""Links on pages stay right when the per-process link table (portal/core/urls.py) answers."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.core.urls import cached_url_for

CASES = [
    ("static", {"filename": "portal.css"}),
    ("main.index", {}),
    ("submissions.section", {"submission_id": 7, "section_key": "cctv"}),
    ("submissions.section", {"submission_id": 8, "section_key": "cctv"}),
    ("review.queue", {"page": 2, "status": "submitted"}),
    ("review.queue", {"status": "submitted", "page": 2}),  # the query string keeps this order
    ("submissions.section", {"submission_id": 7, "section_key": "cctv", "_anchor": "item-x"}),
]


@pytest.mark.parametrize("prefix", ["", "/portal"])
def test_the_same_links_as_flask_builds_with_and_without_a_mount_prefix(app, prefix):
    # The second prefix runs after the first has filled the table: a portal mounted under
    # /portal must not be sent to links remembered for the root, and the other way round.
    for endpoint, values in CASES:
        with app.test_request_context("/", base_url=f"http://localhost{prefix}"):
            expected = url_for(endpoint, **values)
            assert expected.startswith(prefix + "/")
            assert cached_url_for(endpoint, **values) == expected
            assert cached_url_for(endpoint, **values) == expected  # answered from the table


def test_absolute_links_follow_the_host_asked_for(app):
    for host in ("portal.example.pl", "staging.example.pl"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            assert cached_url_for("main.index", _external=True) == f"https://{host}/"


def test_page_links_under_a_mount_prefix(client):
    page = client.get("/login", base_url="http://localhost/portal").get_data(as_text=True)
    assert 'href="/portal/static/portal.css"' in page
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/static/portal.css"' in page


def test_outside_a_request_links_are_built_as_flask_builds_them(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "portal.example.pl")
    with app.app_context():  # a CLI command rendering a template
        assert cached_url_for("main.index") == url_for("main.index") == "http://portal.example.pl/"
