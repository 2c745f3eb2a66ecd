"""Logging in and out, and what a failed login reveals."""

from __future__ import annotations

import pytest

from portal.auth.services import authenticate, create_user
from portal.core.errors import DomainError
from portal.db import session as db_session
from tests import factories


def test_official_logs_in_and_lands_on_their_gmina_dashboard(client):
    user = factories.official()
    factories.open_edition_2018()

    response = factories.login(client, user)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ankieta")
    page = client.get("/ankieta").get_data(as_text=True)
    assert "Kórnik" in page


def test_failed_login_says_the_same_whether_or_not_the_account_exists(client):
    user = factories.official()

    wrong_password = client.post("/login", data={"email": user.email, "password": "x" * 12})
    no_account = client.post("/login", data={"email": "nobody@example.pl", "password": "x" * 12})

    assert wrong_password.status_code == no_account.status_code == 200
    message = "Nieprawidłowy e-mail lub hasło."
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)


def test_password_shorter_than_12_characters_is_refused():
    with pytest.raises(DomainError, match="12"):
        create_user(email="a@example.pl", name="A", role="reviewer", password="short-pass")


def test_password_is_stored_as_a_memory_hard_hash():
    user = factories.reviewer()
    assert user.password_hash.startswith("scrypt:")
    assert factories.PASSWORD not in user.password_hash


def test_account_is_locked_after_ten_failed_logins_even_with_the_right_password():
    user = factories.reviewer()
    for _ in range(10):
        assert authenticate(user.email, "wrong password!!") is None
    assert authenticate(user.email, factories.PASSWORD) is None


def test_login_redirects_only_to_relative_next_urls(client):
    user = factories.reviewer()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "next": "https://evil.example.com/"})
    assert response.headers["Location"] == "/"


def test_logout_needs_a_post_with_csrf_token(csrf_client):
    user = factories.reviewer()
    page = csrf_client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    csrf_client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                     "csrf_token": token})

    assert csrf_client.get("/logout").status_code == 405
    assert csrf_client.post("/logout").status_code == 400


def test_official_needs_a_gmina_and_staff_must_not_have_one():
    gmina = factories.pilot_gmina()
    with pytest.raises(DomainError):
        create_user(email="x@example.pl", name="X", role="official", password="p" * 12)
    with pytest.raises(DomainError):
        create_user(email="y@example.pl", name="Y", role="reviewer", password="p" * 12,
                    gmina=gmina)


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_language_chosen_follows_the_person_to_their_next_login(app, client):
    user = factories.official()
    factories.open_edition_2018()
    factories.login(client, user)
    client.post("/language/en", data={"next": "/ankieta"})
    assert user.locale == "en"
    client.post("/logout")
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)  # still English

    other_device = app.test_client()
    assert '<html lang="pl">' in other_device.get("/login").get_data(as_text=True)
    factories.login(other_device, user)
    page = other_device.get("/ankieta").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page


def test_a_language_chosen_on_the_login_page_is_kept_after_logging_in(client):
    user = factories.official()
    factories.open_edition_2018()
    client.post("/language/en", data={"next": "/login"})
    factories.login(client, user)
    assert '<html lang="en">' in client.get("/ankieta").get_data(as_text=True)
    assert user.locale == "en"


def test_a_rotated_secret_key_keeps_sessions_only_while_the_old_key_is_a_fallback(app, client):
    # The session cookie's serializer is kept per set of keys (core/session_cookie.py).
    factories.open_edition_2018()
    factories.login(client, factories.official())
    old_key = app.secret_key
    try:
        assert client.get("/ankieta").status_code == 200
        app.secret_key = "a-new-secret-key-for-this-test"
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert client.get("/ankieta").status_code == 200  # signed with the old key: still in
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert client.get("/ankieta").status_code == 302  # the old key is gone: logged out
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_every_page_shows_who_is_signed_in_and_their_gmina(client):
    # The signed-in person is read on every request as a few columns (auth/signed_in.py).
    official = factories.official()
    factories.open_edition_2018()
    factories.login(client, official)
    header = client.get("/ankieta").get_data(as_text=True)
    assert f'<li class="user-name">{official.name} · Kórnik</li>' in header

    client.post("/logout")
    reviewer = factories.reviewer()
    factories.login(client, reviewer)
    assert f'<li class="user-name">{reviewer.name}</li>' in client.get("/").get_data(as_text=True)


def test_an_account_deactivated_during_a_session_is_signed_out_at_its_next_request(client):
    official = factories.official()
    factories.open_edition_2018()
    factories.login(client, official)
    assert client.get("/ankieta").status_code == 200

    official.active = False
    db_session.flush()

    response = client.get("/ankieta")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
