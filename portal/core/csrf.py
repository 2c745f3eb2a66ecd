"""The page's CSRF token: signed once every few minutes per session, not on every page.

Flask-WTF keeps a random token in the session and puts a signed, timestamped copy of it in every
form; signing (a key derivation and an HMAC) cost about 5% of a section page. The signed copy
stays valid for WTF_CSRF_TIME_LIMIT (8 hours), so a copy signed up to REUSE_S seconds ago is as
good: each process keeps the latest copy per session token for that long. The random token is
the session's own secret, so a copy can only ever go back to the session that holds it.
"""

from __future__ import annotations

import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

REUSE_S = 300
_FIELD = "csrf_token"  # Flask-WTF's default WTF_CSRF_FIELD_NAME, which the portal keeps
_MAX_SESSIONS = 10_000

# (secret key, session's random token) -> (monotonic time signed, signed token)
_signed: dict[tuple[str, str], tuple[float, str]] = {}


def csrf_token() -> str:
    """The signed CSRF token for this request's forms (Flask-WTF's generate_csrf, reused)."""
    token = g.get(_FIELD)
    if token is not None:
        return token
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get(_FIELD)
    now = time.monotonic()
    if raw is not None:
        signed = _signed.get((secret, raw))
        if signed is not None and now - signed[0] < REUSE_S:
            setattr(g, _FIELD, signed[1])  # forms rendered later in this request use it too
            return signed[1]
    token = generate_csrf()
    if len(_signed) >= _MAX_SESSIONS:
        _signed.clear()  # a bound on memory; the next page of each session signs again
    _signed[(secret, session[_FIELD])] = (now, token)
    return token
