"""A session's pages reuse one signed CSRF token for a few minutes (portal/core/csrf.py)."""

from __future__ import annotations

import re

import pytest

from portal.core import csrf
from tests import factories

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _log_in(client, user) -> None:
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def _page_token(client, url: str) -> str:
    return TOKEN.search(client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def signings(monkeypatch):
    """How many times Flask-WTF signed a token."""
    calls = []
    original = csrf.generate_csrf

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(csrf, "generate_csrf", counting)
    return calls


@pytest.fixture
def official_session(app, submission, kornik_official, monkeypatch):
    """(client, section URL): the official logged in, CSRF checked as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    _log_in(client, kornik_official)
    return client, f"/submissions/{submission.id}/sections/budget"


def test_pages_of_one_session_share_a_token_that_saves(official_session, signings):
    client, url = official_session
    signed_before = len(signings)
    first, second = _page_token(client, url), _page_token(client, url)

    assert first == second
    assert len(signings) == signed_before + 1  # signed for the first page only
    page = client.get(url).get_data(as_text=True)
    revisions = re.search(r'name="_revisions" value="([^"]+)"', page).group(1)
    response = client.post(url, data={"csrf_token": second, "_revisions": revisions,
                                      "_action": "save", "budget_754_total": "1000"})
    assert response.status_code == 302


def test_another_session_gets_its_own_token(app, submission, kornik_official, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    mine, theirs = app.test_client(), app.test_client()
    _log_in(mine, kornik_official)
    _log_in(theirs, kornik_official)
    url = f"/submissions/{submission.id}/sections/budget"
    my_token = _page_token(mine, url)

    assert _page_token(theirs, url) != my_token
    page = theirs.get(url).get_data(as_text=True)
    revisions = re.search(r'name="_revisions" value="([^"]+)"', page).group(1)
    response = theirs.post(url, data={"csrf_token": my_token, "_revisions": revisions,
                                      "_action": "save", "budget_754_total": "1000"})
    assert response.status_code == 400


def test_a_token_is_signed_again_after_the_reuse_window(official_session, signings,
                                                         monkeypatch):
    client, url = official_session
    _page_token(client, url)
    signed = len(signings)
    now = csrf.time.monotonic()
    monkeypatch.setattr(csrf.time, "monotonic", lambda: now + csrf.REUSE_S + 1)

    _page_token(client, url)
    assert len(signings) == signed + 1
